import CargoModel

/// What aggregation keeps of one graded attempt.
public struct AttemptSummary: Hashable, Sendable, Codable {
    public var traineeId: String
    public var caseId: String
    /// The attempt's place in the trainee's sequence (0-based), for learning curves.
    public var sequence: Int
    public var signal: Bool
    public var alarm: Bool
    public var score: Double
    public var passed: Bool
    /// Anomalies found and to be found on the scans, and marks that found nothing (0 when not assessed).
    public var regionsFound: Int
    public var regionsToFind: Int
    public var falseMarks: Int
    /// The first anomaly's kind; nil for a clean case.
    public var kind: AnomalyKind?
    /// The topic: the key's scenario.
    public var scenario: String
    public var vantage: Vantage?
    /// 1 (easy) to 5 (hard).
    public var difficulty: Int
    public var responseSeconds: Double

    public init(grade: Grade, key: AnswerKey, vantage: Vantage?, sequence: Int) {
        traineeId = grade.traineeId
        caseId = grade.caseId
        self.sequence = sequence
        signal = grade.signal
        alarm = grade.alarm
        score = grade.score
        passed = grade.passed
        regionsFound = grade.localisation?.found.count ?? 0
        regionsToFind = regionsFound + (grade.localisation?.missed.count ?? 0)
        falseMarks = grade.localisation?.falseMarks ?? 0
        kind = key.irregular ? key.anomalies.first?.kind : nil
        scenario = key.scenario
        self.vantage = vantage
        difficulty = key.difficulty.level
        responseSeconds = grade.responseSeconds
    }

    /// A summary made directly (for imports from another grader, and for tests).
    public init(
        traineeId: String, caseId: String, sequence: Int, signal: Bool, alarm: Bool, score: Double,
        passed: Bool, regionsFound: Int = 0, regionsToFind: Int = 0, falseMarks: Int = 0, kind: AnomalyKind? = nil,
        scenario: String, vantage: Vantage? = nil, difficulty: Int = 3, responseSeconds: Double = 0
    ) {
        self.traineeId = traineeId
        self.caseId = caseId
        self.sequence = sequence
        self.signal = signal
        self.alarm = alarm
        self.score = score
        self.passed = passed
        self.regionsFound = regionsFound
        self.regionsToFind = regionsToFind
        self.falseMarks = falseMarks
        self.kind = kind
        self.scenario = scenario
        self.vantage = vantage
        self.difficulty = difficulty
        self.responseSeconds = responseSeconds
    }

    public var outcome: DetectionOutcome { DetectionOutcome(signal: signal, alarm: alarm) }
}

/// Detection measures of one group of attempts (a concealment kind, a topic, a vantage, a difficulty).
public struct GroupStatistics: Hashable, Sendable, Codable {
    public var group: String
    public var attempts: Int
    public var meanScore: Double
    public var detection: DetectionStatistics
}

/// One point of a learning curve: a block of consecutive attempts.
public struct LearningPoint: Hashable, Sendable, Codable {
    /// 1-based block number.
    public var block: Int
    public var attempts: Int
    public var meanScore: Double
    public var proportionCorrect: Double
    public var detection: DetectionStatistics
}

extension LearningPoint {
    /// The point of a block of attempts (not empty).
    init(block: Int, _ slice: some Collection<AttemptSummary>) {
        var c = DetectionCounts()
        for a in slice { c.record(signal: a.signal, alarm: a.alarm) }
        self.init(
            block: block, attempts: slice.count, meanScore: slice.map(\.score).reduce(0, +) / Double(slice.count),
            proportionCorrect: Double(c.hits + c.correctRejections) / Double(slice.count),
            detection: DetectionStatistics(c))
    }
}

/// A cohort's learning curve: block b pools every trainee's attempts b·blockSize + 1 … (b + 1)·blockSize of their own
/// sequence (`AttemptSummary.sequence`), so each point compares the class at the same stage of its practice.
///
/// - Complexity: O(n log n) for n attempts.
public func cohortLearningCurve(_ summaries: [AttemptSummary], blockSize: Int = 10) -> [LearningPoint] {
    guard blockSize > 0 else { return [] }
    var blocks: [Int: [AttemptSummary]] = [:]
    for s in summaries { blocks[s.sequence / blockSize, default: []].append(s) }
    return blocks.keys.sorted().map { LearningPoint(block: $0 + 1, blocks[$0]!) }
}

/// Localisation over many attempts.
public struct LocalisationSummary: Hashable, Sendable, Codable {
    public var found: Int
    public var toFind: Int
    public var falseMarks: Int
    /// found / toFind; nil when nothing was to be found.
    public var hitRate: Double? { toFind > 0 ? Double(found) / Double(toFind) : nil }
}

/// Everything about one trainee's attempts.
public struct TraineeReport: Hashable, Sendable, Codable {
    public var traineeId: String
    public var attempts: Int
    public var meanScore: Double
    public var passedCases: Int
    public var detection: DetectionStatistics
    public var localisation: LocalisationSummary
    public var meanResponseSeconds: Double
    /// Per concealment kind: that kind's signal trials against all of the trainee's clean cases (so that
    /// d′ per kind shares the false alarms, as screener tests report per threat category).
    public var byKind: [GroupStatistics]
    public var byScenario: [GroupStatistics]
    public var byVantage: [GroupStatistics]
    public var byDifficulty: [GroupStatistics]
    public var learningCurve: [LearningPoint]
    /// Signal detection per decision stage (`StageDetection`), when the caller had the stage decisions (`report`,
    /// `certify`; left out of `aggregate`, which sees only the final outcome).
    public var byStage: [StageDetection]? = nil
}

/// Why an item (case) needs a look.
public enum ItemFlag: String, Hashable, Sendable, Codable, CaseIterable {
    /// Proportion correct at or above 0.95: it tells nobody apart.
    case tooEasy
    /// Proportion correct at or below 0.20.
    case tooHard
    /// Stronger trainees get it wrong more often than weaker ones (discrimination ≤ −0.20): check the key.
    case broken
    /// Discrimination below 0.20.
    case lowDiscrimination
    /// Fewer than 10 attempts: no flags from so little data.
    case tooFewAttempts
}

/// Classical item analysis of one case over a cohort.
///
/// Difficulty is the proportion of attempts with the correct outcome (hit or correct rejection).
/// Discrimination is the point-biserial correlation between an attempt's correctness and the trainee's
/// proportion correct on the *other* items (the rest score, so the item does not correlate with itself):
/// r = (M₁ − M₀) / s · √(p(1 − p)), with s the population standard deviation of the rest scores.
public struct ItemStatistics: Hashable, Sendable, Codable {
    public var caseId: String
    public var scenario: String
    public var attempts: Int
    public var difficulty: Double
    public var discrimination: Double?
    public var flags: [ItemFlag]
}

/// A cohort's report: per trainee, the cohort as a whole, and the items.
public struct CohortReport: Hashable, Sendable, Codable {
    public var trainees: [TraineeReport]
    public var cohort: TraineeReport
    public var items: [ItemStatistics]
}

/// Aggregates attempt summaries per trainee and over the cohort, with item analysis.
///
/// - Parameter blockSize: attempts per learning-curve point.
/// - Complexity: O(n log n) for n attempts.
public func aggregate(_ summaries: [AttemptSummary], blockSize: Int = 10) -> CohortReport {
    var byTrainee: [String: [AttemptSummary]] = [:]
    for s in summaries { byTrainee[s.traineeId, default: []].append(s) }
    let trainees = byTrainee.keys.sorted().map { id in
        report(id, byTrainee[id]!.sorted { $0.sequence < $1.sequence }, blockSize: blockSize)
    }
    let cohort = report("cohort", summaries, blockSize: blockSize, curve: false)
    return CohortReport(trainees: trainees, cohort: cohort, items: itemAnalysis(summaries))
}

/// The report of one trainee's attempts (given in the order taken).
public func report(_ traineeId: String, _ attempts: [AttemptSummary], blockSize: Int = 10, curve: Bool = true)
    -> TraineeReport
{
    var counts = DetectionCounts()
    var noise = DetectionCounts()
    var localisation = LocalisationSummary(found: 0, toFind: 0, falseMarks: 0)
    var scoreSum = 0.0, seconds = 0.0, passed = 0
    for a in attempts {
        counts.record(signal: a.signal, alarm: a.alarm)
        if !a.signal { noise.record(signal: false, alarm: a.alarm) }
        localisation.found += a.regionsFound
        localisation.toFind += a.regionsToFind
        localisation.falseMarks += a.falseMarks
        scoreSum += a.score
        seconds += a.responseSeconds
        if a.passed { passed += 1 }
    }
    func groups(_ key: (AttemptSummary) -> String?, sharedNoise: Bool = false) -> [GroupStatistics] {
        var bins: [String: (DetectionCounts, Int, Double)] = [:]
        for a in attempts {
            guard let name = key(a) else { continue }
            var bin = bins[name] ?? (DetectionCounts(), 0, 0)
            bin.0.record(signal: a.signal, alarm: a.alarm)
            bin.1 += 1
            bin.2 += a.score
            bins[name] = bin
        }
        return bins.keys.sorted().map { name in
            let (c, n, s) = bins[name]!
            return GroupStatistics(
                group: name, attempts: n, meanScore: s / Double(n),
                detection: DetectionStatistics(sharedNoise ? c + noise : c))
        }
    }
    var learning: [LearningPoint] = []
    if curve, blockSize > 0 {
        var start = 0, block = 1
        while start < attempts.count {
            learning.append(LearningPoint(block: block, attempts[start..<min(attempts.count, start + blockSize)]))
            start += blockSize
            block += 1
        }
    }
    let n = max(1, attempts.count)
    return TraineeReport(
        traineeId: traineeId, attempts: attempts.count, meanScore: scoreSum / Double(n), passedCases: passed,
        detection: DetectionStatistics(counts), localisation: localisation, meanResponseSeconds: seconds / Double(n),
        byKind: groups({ $0.kind?.rawValue }, sharedNoise: true), byScenario: groups { $0.scenario },
        byVantage: groups { $0.vantage?.rawValue }, byDifficulty: groups { "\($0.difficulty)" }, learningCurve: learning
    )
}

/// Difficulty and discrimination of every case attempted, sorted by case id.
public func itemAnalysis(_ summaries: [AttemptSummary]) -> [ItemStatistics] {
    var correctByTrainee: [String: (correct: Int, total: Int)] = [:]
    for s in summaries {
        var t = correctByTrainee[s.traineeId] ?? (0, 0)
        t.total += 1
        if s.outcome.isCorrect { t.correct += 1 }
        correctByTrainee[s.traineeId] = t
    }
    var byItem: [String: [AttemptSummary]] = [:]
    for s in summaries { byItem[s.caseId, default: []].append(s) }
    return byItem.keys.sorted().map { id in
        let attempts = byItem[id]!
        return itemStatistics(
            caseId: id, scenario: attempts[0].scenario,
            attempts.map { a in
                let t = correctByTrainee[a.traineeId]!
                return ItemAttempt(correct: a.outcome.isCorrect, traineeCorrect: t.correct, traineeTotal: t.total)
            })
    }
}

/// One attempt of an item, with its trainee's totals over every item.
struct ItemAttempt {
    var correct: Bool
    var traineeCorrect: Int
    var traineeTotal: Int
}

/// Difficulty, discrimination and flags of one item from its attempts (in the order taken).
func itemStatistics(caseId: String, scenario: String, _ attempts: [ItemAttempt]) -> ItemStatistics {
    var xs: [Double] = [], ys: [Double] = []
    var correct = 0
    for a in attempts {
        let own = a.correct ? 1 : 0
        correct += own
        guard a.traineeTotal > 1 else { continue }
        xs.append(Double(own))
        ys.append(Double(a.traineeCorrect - own) / Double(a.traineeTotal - 1))
    }
    let p = Double(correct) / Double(attempts.count)
    let r = pointBiserial(xs, ys)
    var flags: [ItemFlag] = []
    if attempts.count < 10 {
        flags.append(.tooFewAttempts)
    } else {
        if p >= 0.95 { flags.append(.tooEasy) }
        if p <= 0.20 { flags.append(.tooHard) }
        if let r {
            if r <= -0.2 { flags.append(.broken) } else if r < 0.2 { flags.append(.lowDiscrimination) }
        }
    }
    return ItemStatistics(
        caseId: caseId, scenario: scenario, attempts: attempts.count, difficulty: p, discrimination: r, flags: flags)
}

/// The point-biserial correlation of a 0/1 variable with a continuous one; nil when either does not vary.
public func pointBiserial(_ binary: [Double], _ values: [Double]) -> Double? {
    let n = Double(values.count)
    guard n > 1 else { return nil }
    let ones = zip(binary, values).filter { $0.0 == 1 }.map(\.1)
    let zeros = zip(binary, values).filter { $0.0 != 1 }.map(\.1)
    guard !ones.isEmpty, !zeros.isEmpty else { return nil }
    let mean = values.reduce(0, +) / n
    let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n).squareRoot()
    guard sd > 0 else { return nil }
    let p = Double(ones.count) / n
    let m1 = ones.reduce(0, +) / Double(ones.count), m0 = zeros.reduce(0, +) / Double(zeros.count)
    return (m1 - m0) / sd * (p * (1 - p)).squareRoot()
}
