import CargoModel

/// What aggregation keeps of a grade: the figures of `AttemptSummary` without the ids and the key's facts.
public struct GradeFigures: Hashable, Sendable {
    public var signal: Bool
    public var alarm: Bool
    public var score: Double
    public var passed: Bool
    /// Anomalies found and to be found on the scans, and marks that found nothing (0 when not assessed).
    public var regionsFound: Int
    public var regionsToFind: Int
    public var falseMarks: Int
    public var responseSeconds: Double

    /// The figures of a full grade.
    public init(_ grade: Grade) {
        signal = grade.signal
        alarm = grade.alarm
        score = grade.score
        passed = grade.passed
        regionsFound = grade.localisation?.found.count ?? 0
        regionsToFind = regionsFound + (grade.localisation?.missed.count ?? 0)
        falseMarks = grade.localisation?.falseMarks ?? 0
        responseSeconds = grade.responseSeconds
    }

    init(
        signal: Bool, alarm: Bool, score: Double, passed: Bool, regionsFound: Int, regionsToFind: Int,
        falseMarks: Int, responseSeconds: Double
    ) {
        self.signal = signal
        self.alarm = alarm
        self.score = score
        self.passed = passed
        self.regionsFound = regionsFound
        self.regionsToFind = regionsToFind
        self.falseMarks = falseMarks
        self.responseSeconds = responseSeconds
    }
}

/// Grades the scanner's current record for its figures only: the common path of bulk grading, with no
/// `Attempt`, no `Grade`, no feedback and no allocation (unless the case has scans and the trainee marked
/// regions, when the marks are made into values for `localise`).
///
/// The figures are exactly those of `grade(scanner.attempt(), against: prepared, regions:, courseHash:)`,
/// computed in the same order (a test compares them on many generated attempts).
///
/// - Returns: nil whenever that `grade` would throw (another case or course, an invalid decision, a stage
///   the case does not have, a mark on an unknown scan or outside it), and the caller grades the attempt the
///   reference way for its error.
public func gradeFigures(
    _ scanner: AttemptScanner, against prepared: PreparedKey, regions: ScanGeometry = .none,
    courseHash: String? = nil
) -> GradeFigures? {
    let p = prepared.storage
    guard scanner.caseIds.string(scanner.record.caseId) == p.caseId, !p.caseId.isEmpty,
        !scanner.traineeIds.isEmpty(scanner.record.traineeId)
    else { return nil }
    if let courseHash, scanner.courseHashes.string(scanner.record.courseHash) != courseHash { return nil }
    return recordFigures(scanner, p, regions)
}

/// `gradeFigures` once the ids have been checked (bulk grading checks them once per id, not per line).
@inline(__always)
func recordFigures(_ scanner: AttemptScanner, _ p: PreparedKey.Storage, _ regions: ScanGeometry) -> GradeFigures? {
    guard !scanner.record.decisions.isEmpty else { return nil }
    return scanner.record.decisions.withUnsafeBufferPointer { decisions in
        scanner.record.codes.withUnsafeBufferPointer { codes in figures(scanner, decisions, codes, p, regions) }
    }
}

@inline(__always)
private func figures(
    _ scanner: AttemptScanner, _ decisions: UnsafeBufferPointer<DecisionRecord>, _ codes: UnsafeBufferPointer<UInt8>,
    _ p: PreparedKey.Storage, _ regions: ScanGeometry
) -> GradeFigures? {
    var previous = -1
    let hasFrames = !regions.frames.isEmpty
    for decision in decisions {
        let s = ordinal(decision.stage)
        guard s > previous, PreparedKey.offered[s] & 1 << UInt16(ordinal(decision.disposition)) != 0,
            decision.shownAt <= decision.decidedAt,
            (decision.disposition == .referToAgency) == (decision.agency != nil),
            p.stagesExpected & 1 << s != 0
        else { return nil }
        previous = s
        guard !decision.marks.isEmpty else { continue }
        guard hasFrames else { return nil }
        for m in scanner.record.marks[decision.marks] {
            guard let frame = regions.frame(scanner.scans.string(m.scan)) else { return nil }
            let box = boundingBox(m, scanner.record.points)
            let inside =
                box.x.isFinite && box.y.isFinite && box.width.isFinite && box.height.isFinite && box.x >= 0
                && box.y >= 0 && box.width >= 0 && box.height >= 0
                && box.x + box.width <= Double(frame.widthPixels) && box.y + box.height <= Double(frame.heightPixels)
            guard inside else { return nil }
        }
    }

    // Dispositions.
    var dispositionSum = 0.0, responseSeconds = 0.0
    var flagged: UInt32 = 0
    var screening = -1, examination = -1, evidence = -1
    for index in decisions.indices {
        let decision = decisions[index]
        let s = ordinal(decision.stage), d = ordinal(decision.disposition)
        switch decision.stage {
        case .screening: screening = index
        case .examination: examination = index
        case .evidence: evidence = index
        case .targeting: break
        }
        for k in decision.indicators { flagged |= 1 << UInt32(codes[k]) }
        let acceptable = p.acceptable[s] & 1 << UInt16(d) != 0
        let worst = p.worst[s]
        var cost = acceptable ? 0 : p.costs[s * 8 + d]
        if acceptable, decision.disposition == .referToAgency, let expected = p.expectedAgency[s],
            decision.agency != expected
        {
            cost = min(worst, p.wrongAgencyCost)
        }
        responseSeconds += Double(decision.responseMilliseconds) / 1000
        dispositionSum += worst > 0 ? 1 - cost / worst : 1
    }
    let alarm = decisions[decisions.count - 1].disposition != .release
    let dispositionScore = dispositionSum / Double(decisions.count)
    func unreached(_ stage: Stage) -> Double? {
        p.irregular && p.stagesExpected & 1 << ordinal(stage) != 0 ? 0 : nil
    }
    func f1(given: UInt32, expected: UInt32) -> Double {
        PrecisionRecall(
            truePositives: (given & expected).nonzeroBitCount, falsePositives: (given & ~expected).nonzeroBitCount,
            falseNegatives: (expected & ~given).nonzeroBitCount
        ).f1
    }

    // Localisation.
    var localisationScore: Double?
    var found = 0, toFind = 0, falseMarks = 0
    if screening >= 0, hasFrames {
        let result = localise(
            scanner.markedRegions(decisions[screening]), against: regions, rule: p.localisationRule)
        localisationScore = result.score
        found = result.found.count
        toFind = found + result.missed.count
        falseMarks = result.falseMarks
    } else if !regions.regions.isEmpty {
        localisationScore = unreached(.screening)
    }

    let indicators: Double? = flagged != 0 || p.indicators != 0 ? f1(given: flagged, expected: p.indicators) : nil

    var sealScore: Double?
    var examinationScore: Double?
    if examination >= 0 {
        let decision = decisions[examination]
        var given: UInt32 = 0
        for k in decision.sealFindings { given |= 1 << UInt32(codes[k]) }
        let expected = UInt32(p.sealFindings)
        if given != 0 || expected != 0 { sealScore = f1(given: given, expected: expected) }
        var examined: UInt16 = 0
        for k in decision.examinedPoints { examined |= 1 << UInt16(codes[k]) }
        var covered = (examined & p.essentialPoints).nonzeroBitCount
        if !p.essentialDistinct {
            covered = 0
            for point in p.key.examination.essentialPoints where examined & 1 << UInt16(ordinal(point)) != 0 {
                covered += 1
            }
        }
        examinationScore = p.essentialCount == 0 ? 1 : Double(covered) / Double(p.essentialCount)
    } else {
        sealScore = unreached(.examination)
        examinationScore = sealScore
    }

    var evidenceScore: Double?
    if evidence >= 0, !p.evidenceSteps.isEmpty {
        let positions = custodyPositions(codes[decisions[evidence].evidenceSteps].lazy.map { Int($0) })
        evidenceScore = walkCustody(positions, expected: p.evidenceSteps, missing: { _ in }, violation: { _, _ in })
    } else if !p.evidenceSteps.isEmpty {
        evidenceScore = unreached(.evidence)
    }

    let w = p.weights
    var sum = dispositionScore * w.disposition, weights = w.disposition
    func add(_ value: Double?, _ weight: Double) {
        if let value {
            sum += value * weight
            weights += weight
        }
    }
    add(localisationScore, w.localisation)
    add(indicators, w.indicators)
    add(sealScore, w.sealFindings)
    add(examinationScore, w.examination)
    add(evidenceScore, w.evidence)
    let score = weights > 0 ? sum / weights : dispositionScore
    return GradeFigures(
        signal: p.irregular, alarm: alarm, score: score, passed: score >= p.passMark, regionsFound: found,
        regionsToFind: toFind, falseMarks: falseMarks, responseSeconds: responseSeconds)
}

/// `RegionBox(shape)` of a mark without making the shape.
@inline(__always)
func boundingBox(_ m: MarkRecord, _ points: [PixelPoint]) -> RegionBox {
    switch m.kind {
    case .rectangle: return RegionBox(x: m.a, y: m.b, width: m.c, height: m.d)
    case .ellipse: return RegionBox(x: m.a - m.c, y: m.b - m.d, width: 2 * m.c, height: 2 * m.d)
    case .point: return RegionBox(x: m.a, y: m.b, width: 0, height: 0)
    case .polygon:
        let list = points[m.points]
        guard let first = list.first else { return RegionBox(x: 0, y: 0, width: 0, height: 0) }
        var minX = first.x, maxX = first.x, minY = first.y, maxY = first.y
        for p in list {
            minX = min(minX, p.x)
            maxX = max(maxX, p.x)
            minY = min(minY, p.y)
            maxY = max(maxY, p.y)
        }
        return RegionBox(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }
}
