import CargoModel

/// One graded attempt as a tally takes it: the figures and the groups it belongs to, as dense indexes.
public struct TallyItem: Sendable {
    public var signal: Bool
    public var alarm: Bool
    public var score: Double
    public var passed: Bool
    public var regionsFound: Int
    public var regionsToFind: Int
    public var falseMarks: Int
    public var responseSeconds: Double
    /// `AnomalyKind` ordinal, −1 for none (a clean case).
    public var kind: Int
    /// Index into the tally names' scenarios.
    public var scenario: Int
    /// `Vantage` ordinal, −1 for none.
    public var vantage: Int
    /// Index into the tally names' difficulties.
    public var difficulty: Int

    public init(
        _ figures: GradeFigures, kind: Int, scenario: Int, vantage: Int, difficulty: Int
    ) {
        signal = figures.signal
        alarm = figures.alarm
        score = figures.score
        passed = figures.passed
        regionsFound = figures.regionsFound
        regionsToFind = figures.regionsToFind
        falseMarks = figures.falseMarks
        responseSeconds = figures.responseSeconds
        self.kind = kind
        self.scenario = scenario
        self.vantage = vantage
        self.difficulty = difficulty
    }
}

/// The names behind a tally's dense group indexes.
public struct TallyNames: Sendable {
    public var scenarios = IdInterner()
    public var difficulties = IdInterner()

    public init() {}

    /// The item of a summary, interning its scenario and difficulty.
    public mutating func item(_ s: AttemptSummary) -> TallyItem {
        TallyItem(
            GradeFigures(
                signal: s.signal, alarm: s.alarm, score: s.score, passed: s.passed, regionsFound: s.regionsFound,
                regionsToFind: s.regionsToFind, falseMarks: s.falseMarks, responseSeconds: s.responseSeconds),
            kind: s.kind.map { ordinal($0) } ?? -1, scenario: scenarios.intern(s.scenario),
            vantage: s.vantage.map { ordinal($0) } ?? -1, difficulty: difficulties.intern("\(s.difficulty)"))
    }
}

/// One trainee's attempts accumulated one at a time in flat arrays: the same `TraineeReport` as
/// `report(_:_:blockSize:curve:)` over the same attempts in the same order (sums are taken in the same
/// order, so the figures are bit for bit the same), without keeping the attempts.
public struct TraineeTally: Sendable {
    struct Bin: Sendable {
        var counts = DetectionCounts()
        var attempts = 0
        var scoreSum = 0.0
    }

    public let blockSize: Int
    public let curve: Bool
    var attempts = 0, passed = 0
    var counts = DetectionCounts(), noise = DetectionCounts()
    var localisation = LocalisationSummary(found: 0, toFind: 0, falseMarks: 0)
    var scoreSum = 0.0, seconds = 0.0
    var kinds: [Bin] = [], scenarios: [Bin] = [], vantages: [Bin] = [], difficulties: [Bin] = [], blocks: [Bin] = []

    public init(blockSize: Int = 10, curve: Bool = true) {
        self.blockSize = blockSize
        self.curve = curve
    }

    @inline(__always)
    static func add(_ bins: inout [Bin], _ index: Int, _ item: TallyItem) {
        if index >= bins.count { bins.append(contentsOf: repeatElement(Bin(), count: index + 1 - bins.count)) }
        bins[index].counts.record(signal: item.signal, alarm: item.alarm)
        bins[index].attempts += 1
        bins[index].scoreSum += item.score
    }

    /// Adds the trainee's next attempt.
    public mutating func add(_ item: TallyItem) {
        if curve, blockSize > 0 { Self.add(&blocks, attempts / blockSize, item) }
        attempts += 1
        counts.record(signal: item.signal, alarm: item.alarm)
        if !item.signal { noise.record(signal: false, alarm: item.alarm) }
        localisation.found += item.regionsFound
        localisation.toFind += item.regionsToFind
        localisation.falseMarks += item.falseMarks
        scoreSum += item.score
        seconds += item.responseSeconds
        if item.passed { passed += 1 }
        if item.kind >= 0 { Self.add(&kinds, item.kind, item) }
        Self.add(&scenarios, item.scenario, item)
        if item.vantage >= 0 { Self.add(&vantages, item.vantage, item) }
        Self.add(&difficulties, item.difficulty, item)
    }

    /// The report, as `report(traineeId, attempts, blockSize:, curve:)` gives it.
    public func report(_ traineeId: String, names: TallyNames) -> TraineeReport {
        func groups(_ bins: [Bin], _ name: (Int) -> String, sharedNoise: Bool = false) -> [GroupStatistics] {
            var named: [(String, Bin)] = []
            for (index, bin) in bins.enumerated() where bin.attempts > 0 { named.append((name(index), bin)) }
            return named.sorted { $0.0 < $1.0 }.map { name, bin in
                GroupStatistics(
                    group: name, attempts: bin.attempts, meanScore: bin.scoreSum / Double(bin.attempts),
                    detection: DetectionStatistics(sharedNoise ? bin.counts + noise : bin.counts))
            }
        }
        let learning = blocks.enumerated().map { block, bin in
            LearningPoint(
                block: block + 1, attempts: bin.attempts, meanScore: bin.scoreSum / Double(bin.attempts),
                proportionCorrect: Double(bin.counts.hits + bin.counts.correctRejections) / Double(bin.attempts),
                detection: DetectionStatistics(bin.counts))
        }
        let n = max(1, attempts)
        return TraineeReport(
            traineeId: traineeId, attempts: attempts, meanScore: scoreSum / Double(n), passedCases: passed,
            detection: DetectionStatistics(counts), localisation: localisation,
            meanResponseSeconds: seconds / Double(n),
            byKind: groups(kinds, { Codes.anomalyKinds[$0].rawValue }, sharedNoise: true),
            byScenario: groups(scenarios, names.scenarios.string),
            byVantage: groups(vantages, { Codes.vantages[$0].rawValue }),
            byDifficulty: groups(difficulties, names.difficulties.string), learningCurve: learning)
    }
}

extension Codes {
    static let anomalyKinds = AnomalyKind.allCases.map { $0 }
    static let vantages = Vantage.allCases.map { $0 }
}
