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
public func grade(_ attempt: Attempt, against key: AnswerKey, rubric: Rubric = .standard,
                  regions: ScanGeometry = .none, courseHash: String? = nil) throws(GradingError) -> Grade
{
    func failure(_ code: String, _ field: String, _ value: String, _ message: String) -> GradingError {
        GradingError(code: code, record: "attempt \(attempt.caseId) by \(attempt.traineeId)", field: field, value: value,
                     message: message)
    }
    guard attempt.caseId == key.caseId else {
        throw failure("grade.caseMismatch", "caseId", attempt.caseId,
                      "Grade the attempt against the key of its own case (this key is \(key.caseId)).")
    }
    if let courseHash, attempt.courseHash != courseHash {
        throw failure("grade.courseMismatch", "courseHash", attempt.courseHash,
                      "This attempt was made on another course (the keys' course is \(courseHash)); use that course's keys.")
    }
    guard !attempt.decisions.isEmpty else {
        throw failure("grade.noDecision", "decisions", "[]", "Give at least the targeting decision.")
    }
    if let first = attempt.validate().errors.first {
        throw failure(first.code, first.field, first.value, first.message)
    }
    for (i, decision) in attempt.decisions.enumerated() {
        guard key.expectations[decision.stage] != nil else {
            throw failure("grade.stageAbsent", "decisions[\(i)].stage", decision.stage.rawValue,
                          "The case stops before this stage; remove the decision.")
        }
        for (j, mark) in decision.markedRegions.enumerated() {
            let field = "decisions[\(i)].markedRegions[\(j)]"
            guard let frame = regions.frame(mark.scan) else {
                throw failure("grade.unknownScan", field + ".scan", mark.scan,
                              regions.frames.isEmpty ? "The case has no scan to mark; remove the mark."
                                  : "Mark one of the case's scans: " + regions.frames.map(\.file).joined(separator: ", ") + ".")
            }
            let box = PixelBox(mark.shape)
            let inside = [box.x, box.y, box.width, box.height].allSatisfy(\.isFinite) && box.x >= 0 && box.y >= 0
                && box.width >= 0 && box.height >= 0
                && box.x + box.width <= Double(frame.widthPixels) && box.y + box.height <= Double(frame.heightPixels)
            guard inside else {
                throw failure("grade.regionOutside", field + ".shape", "\(box.x),\(box.y),\(box.width),\(box.height)",
                              "Keep the region inside the scan (\(frame.widthPixels) × \(frame.heightPixels) pixels).")
            }
        }
    }

    let truth: Truth = key.irregular ? .irregular : .clean
    // Test mode shows the score only, so the detailed items are not built at all.
    let detailed = attempt.mode == .training
    var feedback: [FeedbackItem] = []
    func say(_ item: @autoclosure () -> FeedbackItem) { if detailed { feedback.append(item()) } }

    // Dispositions.
    var stageResults: [StageResult] = []
    stageResults.reserveCapacity(attempt.decisions.count)
    for decision in attempt.decisions {
        let expectation = key.expectations[decision.stage]!
        var acceptable = expectation.acceptable.contains(decision.disposition)
        var (cost, worst) = rubric.cost(decision.disposition, at: decision.stage, truth: truth)
        if acceptable { cost = 0 }
        if acceptable, decision.disposition == .referToAgency, let expected = expectation.agency,
            decision.agency != expected
        {
            acceptable = false
            cost = min(worst, rubric.wrongAgencyCost)
            say(FeedbackItem(.wrongAgency, ["agency": decision.agency?.rawValue ?? "", "expectedAgency": expected.rawValue]))
        }
        let seconds = Double(decision.responseMilliseconds) / 1000
        let limit = rubric.responseTimeLimits[decision.stage]
        let slow = limit.map { seconds > $0 } ?? false
        stageResults.append(StageResult(stage: decision.stage, chosen: decision.disposition, best: expectation.best,
                                        acceptable: acceptable, cost: cost, score: worst > 0 ? 1 - cost / worst : 1,
                                        responseSeconds: seconds, slow: slow))
        if acceptable {
            say(FeedbackItem(.stageRight, ["stage": decision.stage.rawValue, "disposition": decision.disposition.rawValue]))
        } else if decision.disposition != .referToAgency || !expectation.acceptable.contains(.referToAgency) {
            say(FeedbackItem(.stageWrong, ["stage": decision.stage.rawValue, "chosen": decision.disposition.rawValue,
                                                        "expected": expectation.best.rawValue]))
        }
        if slow, let limit {
            say(FeedbackItem(.slowDecision, ["stage": decision.stage.rawValue, "seconds": "\(Int(seconds))",
                                                          "limit": "\(Int(limit))"]))
        }
    }
    let alarm = attempt.decisions.last!.disposition != .release
    let outcome = DetectionOutcome(signal: key.irregular, alarm: alarm)
    if outcome == .miss { say(FeedbackItem(.concealmentMissed)) }
    if outcome == .falseAlarm { say(FeedbackItem(.unneededStop)) }
    let dispositionScore = stageResults.map(\.score).reduce(0, +) / Double(stageResults.count)

    // A part applies when the trainee reached its stage; on an irregular case whose key expects the
    // stage, a part the trainee never reached (released too early) scores 0.
    func reached(_ stage: Stage) -> Decision? { attempt.decision(at: stage) }
    func unreached(_ stage: Stage) -> Double? { key.irregular && key.expectations[stage] != nil ? 0 : nil }

    // Localisation.
    var localisation: LocalisationResult?
    var localisationScore: Double?
    if let screening = reached(.screening), !regions.frames.isEmpty {
        let caseRegions = ScanGeometry(frames: regions.frames, regions: regions.regions)
        let result = localise(screening.markedRegions, against: caseRegions, rule: rubric.localisation)
        localisation = result
        localisationScore = result.score
        let kinds = detailed ? Dictionary(key.anomalies.map { ($0.id, $0.kind.rawValue) }, uniquingKeysWith: { a, _ in a }) : [:]
        if detailed { for id in result.found { say(FeedbackItem(.regionFound, ["kind": kinds[id] ?? id])) } }
        if detailed { for id in result.missed { say(FeedbackItem(.regionMissed, ["kind": kinds[id] ?? id])) } }
        if result.tooBroadMarks > 0 { say(FeedbackItem(.markTooBroad, ["count": "\(result.tooBroadMarks)"])) }
        let plainFalse = result.falseMarks - result.tooBroadMarks
        if plainFalse > 0 { say(FeedbackItem(.falseMarks, ["count": "\(plainFalse)"])) }
    } else if !regions.regions.isEmpty {
        localisationScore = unreached(.screening)
    }

    // Indicators: every indicator the key lists is present in the documents (harmless ones too).
    let flagged = Set(attempt.decisions.flatMap(\.flaggedIndicators))
    let present = Set(key.indicators.map(\.code))
    var indicators: PrecisionRecall?
    if !flagged.isEmpty || !present.isEmpty {
        let result = PrecisionRecall.of(given: flagged, expected: present)
        indicators = result
        if detailed { for code in flagged.intersection(present).sorted() { say(FeedbackItem(.indicatorSpotted, ["indicator": code.rawValue])) } }
        if detailed { for code in present.subtracting(flagged).sorted() { say(FeedbackItem(.indicatorMissed, ["indicator": code.rawValue])) } }
        if detailed { for code in flagged.subtracting(present).sorted() { say(FeedbackItem(.indicatorNotPresent, ["indicator": code.rawValue])) } }
    }

    // Seal findings and the examination plan.
    var sealFindings: PrecisionRecall?
    var sealScore: Double?
    var examination: ExaminationResult?
    var examinationScore: Double?
    if let decision = reached(.examination) {
        let given = Set(decision.sealFindings), expected = Set(key.sealFindings)
        if !given.isEmpty || !expected.isEmpty {
            let result = PrecisionRecall.of(given: given, expected: expected)
            sealFindings = result
            sealScore = result.f1
            if detailed { for f in given.intersection(expected).sorted() { say(FeedbackItem(.sealFindingRight, ["finding": f.rawValue])) } }
            if detailed { for f in expected.subtracting(given).sorted() { say(FeedbackItem(.sealFindingMissed, ["finding": f.rawValue])) } }
            if detailed { for f in given.subtracting(expected).sorted() { say(FeedbackItem(.sealFindingWrong, ["finding": f.rawValue])) } }
        }
        let examined = Set(decision.examinedPoints)
        let essential = key.examination.essentialPoints
        let covered = essential.filter { examined.contains($0) }, missed = essential.filter { !examined.contains($0) }
        let result = ExaminationResult(covered: covered, missed: missed,
                                       coverage: essential.isEmpty ? 1 : Double(covered.count) / Double(essential.count))
        examination = result
        examinationScore = result.coverage
        if detailed { for point in missed { say(FeedbackItem(.pointNotExamined, ["point": point.rawValue])) } }
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
        if detailed { for step in result.missing { say(FeedbackItem(.custodyStepMissing, ["step": step.rawValue])) } }
        for v in result.violations {
            say(FeedbackItem(.custodyOrder, ["step": v.step.rawValue, "before": v.shouldFollow.rawValue]))
        }
    } else if !key.evidenceSteps.isEmpty {
        evidenceScore = unreached(.evidence)
    }

    let parts = PartScores(disposition: dispositionScore, localisation: localisationScore, indicators: indicators?.f1,
                           sealFindings: sealScore, examination: examinationScore, evidence: evidenceScore)
    let w = rubric.weights
    let weighted: [(Double?, Double)] = [(parts.disposition, w.disposition), (parts.localisation, w.localisation),
                                         (parts.indicators, w.indicators), (parts.sealFindings, w.sealFindings),
                                         (parts.examination, w.examination), (parts.evidence, w.evidence)]
    var sum = 0.0, weights = 0.0
    for (value, weight) in weighted { if let value { sum += value * weight; weights += weight } }
    let score = weights > 0 ? sum / weights : dispositionScore
    let passed = score >= rubric.passMark

    let scoreItem = FeedbackItem(.score, ["percent": "\(Int((score * 100).rounded()))"])
    let shown: Feedback = attempt.mode == .training
        ? Feedback(mode: .training, items: [scoreItem] + feedback, rationale: key.rationale)
        : Feedback(mode: .test, items: [scoreItem], rationale: [])

    return Grade(caseId: attempt.caseId, traineeId: attempt.traineeId, mode: attempt.mode, rubricVersion: rubric.version,
                 signal: key.irregular, alarm: alarm, outcome: outcome, stages: stageResults, localisation: localisation,
                 indicators: indicators, sealFindings: sealFindings, examination: examination, evidence: evidence,
                 parts: parts, score: score, passed: passed,
                 responseSeconds: stageResults.map(\.responseSeconds).reduce(0, +), feedback: shown)
}

/// Custody steps against the key's: which are missing, and which pairs were taken out of the key's
/// order (photograph before touching, witness before cutting, keep the removed seal, new seal last).
func gradeCustody(_ taken: [EvidenceStep], expected: [EvidenceStep]) -> EvidenceResult {
    var firstPosition: [EvidenceStep: Int] = [:]
    for (i, step) in taken.enumerated() where firstPosition[step] == nil { firstPosition[step] = i }
    let missing = expected.filter { firstPosition[$0] == nil }
    let done = expected.filter { firstPosition[$0] != nil }
    var violations: [OrderViolation] = []
    var pairs = 0
    for i in 0..<done.count {
        for j in (i + 1)..<max(i + 1, done.count) {
            pairs += 1
            let a = done[i], b = done[j]  // the key puts a before b
            if firstPosition[b]! < firstPosition[a]! { violations.append(OrderViolation(step: b, shouldFollow: a)) }
        }
    }
    let presentShare = expected.isEmpty ? 1 : Double(done.count) / Double(expected.count)
    let orderShare = pairs == 0 ? (done.isEmpty ? 0 : 1) : 1 - Double(violations.count) / Double(pairs)
    return EvidenceResult(missing: missing, violations: violations, score: 0.5 * presentShare + 0.5 * orderShare)
}
