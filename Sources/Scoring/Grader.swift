import CargoModel

/// Why an attempt cannot be graded: which record, which field, the value, and what to do.
public struct GradingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable code (`grade.caseMismatch`, `grade.regionOutside`).
    public var code: String
    /// The record: `attempt <caseId> by <traineeId>`, or a line of a file once the reader adds it.
    public var record: String
    public var field: String
    public var value: String
    public var message: String

    public init(code: String, record: String, field: String, value: String, message: String) {
        self.code = code
        self.record = record
        self.field = field
        self.value = value
        self.message = message
    }

    public var description: String { "\(record): \(field): \(message) (value: \"\(value)\")" }
}

/// The case index of a field-less enum (its declaration order), read from its one-byte representation.
/// A test checks it against `allCases` for every enum used here.
@inline(__always)
func ordinal<E: CaseIterable>(_ value: E) -> Int {
    withUnsafeBytes(of: value) { Int($0[0]) }
}

/// An answer key prepared once for fast grading under a rubric: expectations by stage, the key's codes as
/// bit sets, and the costs for the key's truth. Grading a million attempts grades against a few hundred
/// prepared keys.
public struct PreparedKey: Sendable {
    /// Everything in one reference, so that handing a prepared key to the grader costs one retain, not one per
    /// field of the key.
    final class Storage: Sendable {
        let key: AnswerKey
        let rubric: Rubric
        /// By stage ordinal.
        let expectations: [StageExpectation?]
        let acceptable: [UInt16]
        /// cost[stage × 8 + disposition] for the key's truth, and the worst offered cost per stage.
        let costs: [Double]
        let worst: [Double]
        let limits: [Double?]
        let indicators: UInt32
        let sealFindings: UInt16
        let essentialPoints: UInt16
        /// For `gradeFigures`: the stages the key expects (bits by ordinal), the agency expected per stage
        /// (nil: any), whether the essential points are all distinct (then covered = popcount), the key's
        /// custody steps, and the facts read per attempt.
        let stagesExpected: Int
        let expectedAgency: [Agency?]
        let essentialDistinct: Bool
        let essentialCount: Int
        let evidenceSteps: [EvidenceStep]
        let irregular: Bool
        let caseId: String
        let passMark: Double
        let wrongAgencyCost: Double
        let weights: RubricWeights
        let localisationRule: LocalisationRule

        init(_ key: AnswerKey, rubric: Rubric) {
            self.key = key
            self.rubric = rubric
            let truth: Truth = key.irregular ? .irregular : .clean
            var expectations: [StageExpectation?] = [], acceptable: [UInt16] = [], worst: [Double] = [],
                limits: [Double?] = []
            var costs = [Double](repeating: 0, count: Stage.allCases.count * 8)
            for stage in Stage.allCases {
                let e = key.expectations[stage]
                expectations.append(e)
                acceptable.append(e?.acceptable.reduce(UInt16(0)) { $0 | 1 << UInt16(ordinal($1)) } ?? 0)
                let (_, w) = rubric.cost(.release, at: stage, truth: truth)
                worst.append(w)
                for d in Disposition.allCases {
                    costs[ordinal(stage) * 8 + ordinal(d)] = rubric.cost(d, at: stage, truth: truth).cost
                }
                limits.append(rubric.responseTimeLimits[stage])
            }
            self.expectations = expectations
            self.acceptable = acceptable
            self.costs = costs
            self.worst = worst
            self.limits = limits
            indicators = key.indicators.reduce(0) { $0 | 1 << UInt32(ordinal($1.code)) }
            sealFindings = key.sealFindings.reduce(0) { $0 | 1 << UInt16(ordinal($1)) }
            essentialPoints = key.examination.essentialPoints.reduce(0) { $0 | 1 << UInt16(ordinal($1)) }
            stagesExpected = Stage.allCases.reduce(0) { key.expectations[$1] != nil ? $0 | 1 << ordinal($1) : $0 }
            expectedAgency = expectations.map { $0?.agency }
            essentialCount = key.examination.essentialPoints.count
            essentialDistinct = essentialPoints.nonzeroBitCount == essentialCount
            evidenceSteps = key.evidenceSteps
            irregular = key.irregular
            caseId = key.caseId
            passMark = rubric.passMark
            wrongAgencyCost = rubric.wrongAgencyCost
            weights = rubric.weights
            localisationRule = rubric.localisation
        }
    }

    let storage: Storage

    public var key: AnswerKey { storage.key }
    public var rubric: Rubric { storage.rubric }
    var expectations: [StageExpectation?] { storage.expectations }
    var acceptable: [UInt16] { storage.acceptable }
    var costs: [Double] { storage.costs }
    var worst: [Double] { storage.worst }
    var limits: [Double?] { storage.limits }
    var indicators: UInt32 { storage.indicators }
    var sealFindings: UInt16 { storage.sealFindings }
    var essentialPoints: UInt16 { storage.essentialPoints }

    public init(_ key: AnswerKey, rubric: Rubric = .standard) {
        storage = Storage(key, rubric: rubric)
    }

    /// Dispositions offered at each stage, as bit sets by stage ordinal.
    static let offered: [UInt16] = Stage.allCases.map { stage in
        Disposition.options(at: stage).reduce(UInt16(0)) { $0 | 1 << UInt16(ordinal($1)) }
    }
}

/// Grades one attempt against its key.
///
/// - Parameters:
///   - attempt: the trainee's decisions, one per stage reached.
///   - key: the case's answer key.
///   - rubric: weights, costs and thresholds.
///   - regions: the case's scans and the key's pixel regions (`.none` when the case has no scans:
///     localisation is then not assessed).
///   - courseHash: the course the key belongs to; an attempt for another course is refused.
/// - Throws: `GradingError` for an attempt of another case or course, an invalid decision, a decision for a
///   stage the case does not have, or a mark on an unknown scan or outside it.
/// - Returns: the grade, whose `feedback` follows the attempt's mode.
public func grade(
    _ attempt: Attempt, against key: AnswerKey, rubric: Rubric = .standard,
    regions: ScanGeometry = .none, courseHash: String? = nil
) throws(GradingError) -> Grade {
    try grade(attempt, against: PreparedKey(key, rubric: rubric), regions: regions, courseHash: courseHash)
}

/// Grades one attempt against a prepared key (the same grade as `grade(_:against:rubric:…)`, faster when
/// many attempts share a key).
/// - Complexity: O(decisions + codes), no allocation beyond the grade's own arrays in test mode.
public func grade(
    _ attempt: Attempt, against prepared: PreparedKey, regions: ScanGeometry = .none,
    courseHash: String? = nil
) throws(GradingError) -> Grade {
    let key = prepared.key, rubric = prepared.rubric
    func failure(_ code: String, _ field: String, _ value: String, _ message: String) -> GradingError {
        GradingError(
            code: code, record: "attempt \(attempt.caseId) by \(attempt.traineeId)", field: field, value: value,
            message: message)
    }
    guard attempt.caseId == key.caseId else {
        throw failure(
            "grade.caseMismatch", "caseId", attempt.caseId,
            "Grade the attempt against the key of its own case (this key is \(key.caseId)).")
    }
    if let courseHash, attempt.courseHash != courseHash {
        throw failure(
            "grade.courseMismatch", "courseHash", attempt.courseHash,
            "This attempt was made on another course (the keys' course is \(courseHash)); use that course's keys.")
    }
    guard !attempt.decisions.isEmpty else {
        throw failure("grade.noDecision", "decisions", "[]", "Give at least the targeting decision.")
    }
    // The checks of `Attempt.validate()` without its allocations; on failure, its own message.
    var valid = !attempt.caseId.isEmpty && !attempt.traineeId.isEmpty
    var previous = -1
    for decision in attempt.decisions where valid {
        let s = ordinal(decision.stage)
        valid =
            s > previous && PreparedKey.offered[s] & 1 << UInt16(ordinal(decision.disposition)) != 0
            && decision.shownAt <= decision.decidedAt
            && (decision.disposition == .referToAgency) == (decision.agency != nil)
        previous = s
    }
    if !valid, let first = attempt.validate().errors.first {
        throw failure(first.code, first.field, first.value, first.message)
    }
    for (i, decision) in attempt.decisions.enumerated() {
        guard prepared.expectations[ordinal(decision.stage)] != nil else {
            throw failure(
                "grade.stageAbsent", "decisions[\(i)].stage", decision.stage.rawValue,
                "The case stops before this stage; remove the decision.")
        }
        for (j, mark) in decision.markedRegions.enumerated() {
            let field = "decisions[\(i)].markedRegions[\(j)]"
            guard let frame = regions.frame(mark.scan) else {
                throw failure(
                    "grade.unknownScan", field + ".scan", mark.scan,
                    regions.frames.isEmpty
                        ? "The case has no scan to mark; remove the mark."
                        : "Mark one of the case's scans: " + regions.frames.map(\.file).joined(separator: ", ") + ".")
            }
            let box = RegionBox(mark.shape)
            let inside =
                [box.x, box.y, box.width, box.height].allSatisfy(\.isFinite) && box.x >= 0 && box.y >= 0
                && box.width >= 0 && box.height >= 0
                && box.x + box.width <= Double(frame.widthPixels) && box.y + box.height <= Double(frame.heightPixels)
            guard inside else {
                throw failure(
                    "grade.regionOutside", field + ".shape", "\(box.x),\(box.y),\(box.width),\(box.height)",
                    "Keep the region inside the scan (\(frame.widthPixels) × \(frame.heightPixels) pixels).")
            }
        }
    }

    // Test mode shows the score only, so the detailed items are not built at all.
    let detailed = attempt.mode == .training
    var feedback: [FeedbackItem] = []
    func say(_ item: @autoclosure () -> FeedbackItem) { if detailed { feedback.append(item()) } }

    // Dispositions.
    var stageResults: [StageResult] = []
    stageResults.reserveCapacity(attempt.decisions.count)
    var dispositionSum = 0.0
    var reachedStages = 0
    var flagged: UInt32 = 0
    for decision in attempt.decisions {
        let s = ordinal(decision.stage), d = ordinal(decision.disposition)
        reachedStages |= 1 << s
        for code in decision.flaggedIndicators { flagged |= 1 << UInt32(ordinal(code)) }
        let expectation = prepared.expectations[s]!
        var acceptable = prepared.acceptable[s] & 1 << UInt16(d) != 0
        let worst = prepared.worst[s]
        var cost = acceptable ? 0 : prepared.costs[s * 8 + d]
        if acceptable, decision.disposition == .referToAgency, let expected = expectation.agency,
            decision.agency != expected
        {
            acceptable = false
            cost = min(worst, rubric.wrongAgencyCost)
            say(
                FeedbackItem(
                    .wrongAgency, ["agency": decision.agency?.rawValue ?? "", "expectedAgency": expected.rawValue]))
        }
        let seconds = Double(decision.responseMilliseconds) / 1000
        let limit = prepared.limits[s]
        let slow = limit.map { seconds > $0 } ?? false
        let score = worst > 0 ? 1 - cost / worst : 1
        dispositionSum += score
        stageResults.append(
            StageResult(
                stage: decision.stage, chosen: decision.disposition, best: expectation.best,
                acceptable: acceptable, cost: cost, score: score, responseSeconds: seconds, slow: slow))
        if acceptable {
            say(
                FeedbackItem(
                    .stageRight, ["stage": decision.stage.rawValue, "disposition": decision.disposition.rawValue]))
        } else if decision.disposition != .referToAgency || !expectation.acceptable.contains(.referToAgency) {
            say(
                FeedbackItem(
                    .stageWrong,
                    [
                        "stage": decision.stage.rawValue, "chosen": decision.disposition.rawValue,
                        "expected": expectation.best.rawValue,
                    ]))
        }
        if slow, let limit {
            say(
                FeedbackItem(
                    .slowDecision,
                    ["stage": decision.stage.rawValue, "seconds": "\(Int(seconds))", "limit": "\(Int(limit))"]))
        }
    }
    let alarm = attempt.decisions.last!.disposition != .release
    let outcome = DetectionOutcome(signal: key.irregular, alarm: alarm)
    if outcome == .miss { say(FeedbackItem(.concealmentMissed)) }
    if outcome == .falseAlarm { say(FeedbackItem(.unneededStop)) }
    let dispositionScore = dispositionSum / Double(stageResults.count)

    // A part applies when the trainee reached its stage; on an irregular case whose key expects the
    // stage, a part the trainee never reached (released too early) scores 0.
    func reached(_ stage: Stage) -> Decision? {
        reachedStages & 1 << ordinal(stage) != 0 ? attempt.decisions.first { $0.stage == stage } : nil
    }
    func unreached(_ stage: Stage) -> Double? {
        key.irregular && prepared.expectations[ordinal(stage)] != nil ? 0 : nil
    }
    func bits<E: CaseIterable>(_ mask: UInt32, _ type: E.Type) -> [E] {
        var out: [E] = []
        for e in E.allCases where mask & 1 << UInt32(ordinal(e)) != 0 { out.append(e) }
        return out
    }
    func counts(given: UInt32, expected: UInt32) -> PrecisionRecall {
        PrecisionRecall(
            truePositives: (given & expected).nonzeroBitCount, falsePositives: (given & ~expected).nonzeroBitCount,
            falseNegatives: (expected & ~given).nonzeroBitCount)
    }

    // Localisation.
    var localisation: LocalisationResult?
    var localisationScore: Double?
    if let screening = reached(.screening), !regions.frames.isEmpty {
        let result = localise(screening.markedRegions, against: regions, rule: rubric.localisation)
        localisation = result
        localisationScore = result.score
        if detailed {
            let kinds = Dictionary(key.anomalies.map { ($0.id, $0.kind.rawValue) }, uniquingKeysWith: { a, _ in a })
            for id in result.found { say(FeedbackItem(.regionFound, ["kind": kinds[id] ?? id])) }
            for id in result.missed { say(FeedbackItem(.regionMissed, ["kind": kinds[id] ?? id])) }
            if result.tooBroadMarks > 0 { say(FeedbackItem(.markTooBroad, ["count": "\(result.tooBroadMarks)"])) }
            let plainFalse = result.falseMarks - result.tooBroadMarks
            if plainFalse > 0 { say(FeedbackItem(.falseMarks, ["count": "\(plainFalse)"])) }
        }
    } else if !regions.regions.isEmpty {
        localisationScore = unreached(.screening)
    }

    // Indicators: every indicator the key lists is present in the documents (harmless ones too).
    var indicators: PrecisionRecall?
    if flagged != 0 || prepared.indicators != 0 {
        indicators = counts(given: flagged, expected: prepared.indicators)
        if detailed {
            for code in bits(flagged & prepared.indicators, RiskIndicator.self) {
                say(FeedbackItem(.indicatorSpotted, ["indicator": code.rawValue]))
            }
            for code in bits(prepared.indicators & ~flagged, RiskIndicator.self) {
                say(FeedbackItem(.indicatorMissed, ["indicator": code.rawValue]))
            }
            for code in bits(flagged & ~prepared.indicators, RiskIndicator.self) {
                say(FeedbackItem(.indicatorNotPresent, ["indicator": code.rawValue]))
            }
        }
    }

    // Seal findings and the examination plan.
    var sealFindings: PrecisionRecall?
    var sealScore: Double?
    var examination: ExaminationResult?
    var examinationScore: Double?
    if let decision = reached(.examination) {
        var given: UInt32 = 0
        for f in decision.sealFindings { given |= 1 << UInt32(ordinal(f)) }
        let expected = UInt32(prepared.sealFindings)
        if given != 0 || expected != 0 {
            let result = counts(given: given, expected: expected)
            sealFindings = result
            sealScore = result.f1
            if detailed {
                for f in bits(given & expected, SealFinding.self) {
                    say(FeedbackItem(.sealFindingRight, ["finding": f.rawValue]))
                }
                for f in bits(expected & ~given, SealFinding.self) {
                    say(FeedbackItem(.sealFindingMissed, ["finding": f.rawValue]))
                }
                for f in bits(given & ~expected, SealFinding.self) {
                    say(FeedbackItem(.sealFindingWrong, ["finding": f.rawValue]))
                }
            }
        }
        var examined: UInt16 = 0
        for point in decision.examinedPoints { examined |= 1 << UInt16(ordinal(point)) }
        let essential = key.examination.essentialPoints
        var covered: [ExaminationPoint] = [], missed: [ExaminationPoint] = []
        for point in essential {
            if examined & 1 << UInt16(ordinal(point)) != 0 { covered.append(point) } else { missed.append(point) }
        }
        let result = ExaminationResult(
            covered: covered, missed: missed,
            coverage: essential.isEmpty ? 1 : Double(covered.count) / Double(essential.count))
        examination = result
        examinationScore = result.coverage
        for point in missed { say(FeedbackItem(.pointNotExamined, ["point": point.rawValue])) }
    } else {
        sealScore = unreached(.examination)
        examinationScore = sealScore
    }

    // Evidence handling.
    var evidence: EvidenceResult?
    var evidenceScore: Double?
    if let decision = reached(.evidence), !key.evidenceSteps.isEmpty {
        let result = gradeCustody(decision.evidenceSteps, expected: key.evidenceSteps)
        evidence = result
        evidenceScore = result.score
        for step in result.missing { say(FeedbackItem(.custodyStepMissing, ["step": step.rawValue])) }
        for v in result.violations {
            say(FeedbackItem(.custodyOrder, ["step": v.step.rawValue, "before": v.shouldFollow.rawValue]))
        }
    } else if !key.evidenceSteps.isEmpty {
        evidenceScore = unreached(.evidence)
    }

    let parts = PartScores(
        disposition: dispositionScore, localisation: localisationScore, indicators: indicators?.f1,
        sealFindings: sealScore, examination: examinationScore, evidence: evidenceScore)
    let w = rubric.weights
    var sum = dispositionScore * w.disposition, weights = w.disposition
    func add(_ value: Double?, _ weight: Double) {
        if let value {
            sum += value * weight
            weights += weight
        }
    }
    add(parts.localisation, w.localisation)
    add(parts.indicators, w.indicators)
    add(parts.sealFindings, w.sealFindings)
    add(parts.examination, w.examination)
    add(parts.evidence, w.evidence)
    let score = weights > 0 ? sum / weights : dispositionScore
    let passed = score >= rubric.passMark

    let scoreItem = FeedbackItem(.score, ["percent": String(Int((score * 100).rounded()))])
    let shown: Feedback =
        detailed
        ? Feedback(mode: .training, items: [scoreItem] + feedback, rationale: key.rationale)
        : Feedback(mode: .test, items: [scoreItem], rationale: [])

    return Grade(
        caseId: attempt.caseId, traineeId: attempt.traineeId, mode: attempt.mode, rubricVersion: rubric.version,
        signal: key.irregular, alarm: alarm, outcome: outcome, stages: stageResults, localisation: localisation,
        indicators: indicators, sealFindings: sealFindings, examination: examination, evidence: evidence,
        parts: parts, score: score, passed: passed,
        responseSeconds: stageResults.reduce(0) { $0 + $1.responseSeconds }, feedback: shown)
}

/// Custody steps against the key's: which are missing, and which pairs were taken out of the key's
/// order (photograph before touching, witness before cutting, keep the removed seal, new seal last).
func gradeCustody(_ taken: [EvidenceStep], expected: [EvidenceStep]) -> EvidenceResult {
    var missing: [EvidenceStep] = [], violations: [OrderViolation] = []
    let score = walkCustody(
        custodyPositions(taken.lazy.map { ordinal($0) }), expected: expected, missing: { missing.append($0) },
        violation: { violations.append(OrderViolation(step: $0, shouldFollow: $1)) })
    return EvidenceResult(missing: missing, violations: violations, score: score)
}

/// The order in which each step was first taken (by step ordinal): its rank among the steps' first appearances,
/// 4 bits per step (15: not taken), which is all the grader compares; steps after the 30th are ignored. Fifteen
/// steps at most fit (a test holds `EvidenceStep` to that).
@inline(__always)
func custodyPositions<S: Sequence<Int>>(_ takenOrdinals: S) -> UInt64 {
    var positions: UInt64 = ~0
    var rank: UInt64 = 0
    for step in takenOrdinals.prefix(31) {
        let shift = UInt64(step * 4)
        if (positions >> shift) & 15 == 15 {
            positions = positions & ~(15 << shift) | rank << shift
            rank += 1
        }
    }
    return positions
}

/// Walks the key's steps against the positions taken, reporting each missing step and each pair out of order;
/// returns ½ × share of the key's steps taken + ½ × share of ordered pairs (among steps taken) in order.
@inline(__always)
func walkCustody(
    _ positions: UInt64, expected: [EvidenceStep], missing: (EvidenceStep) -> Void,
    violation: (_ step: EvidenceStep, _ shouldFollow: EvidenceStep) -> Void
) -> Double {
    func position(_ step: EvidenceStep) -> Int? {
        let p = Int((positions >> UInt64(ordinal(step) * 4)) & 15)
        return p == 15 ? nil : p
    }
    var done = 0, pairs = 0, violations = 0
    for (i, a) in expected.enumerated() {
        guard let pa = position(a) else {
            missing(a)
            continue
        }
        done += 1
        for b in expected[(i + 1)...] {  // the key puts a before b
            guard let pb = position(b) else { continue }
            pairs += 1
            if pb < pa {
                violations += 1
                violation(b, a)
            }
        }
    }
    let presentShare = expected.isEmpty ? 1 : Double(done) / Double(expected.count)
    let orderShare = pairs == 0 ? (done == 0 ? 0 : 1) : 1 - Double(violations) / Double(pairs)
    return 0.5 * presentShare + 0.5 * orderShare
}
