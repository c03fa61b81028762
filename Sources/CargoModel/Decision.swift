extension Stage: CodingKeyRepresentable {}
extension Disposition: CodingKeyRepresentable {}

/// A shape a trainee marks on a scan, in that scan's pixels (origin top left, x right, y down).
public enum RegionShape: Hashable, Sendable, Codable {
    case rectangle(x: Double, y: Double, width: Double, height: Double)
    case ellipse(centerX: Double, centerY: Double, radiusX: Double, radiusY: Double)
    case polygon(points: [PixelPoint])
    case point(x: Double, y: Double)

    /// The smallest rectangle holding the shape: (x, y, width, height).
    public var boundingBox: (x: Double, y: Double, width: Double, height: Double) {
        switch self {
        case let .rectangle(x, y, w, h): return (x, y, w, h)
        case let .ellipse(cx, cy, rx, ry): return (cx - rx, cy - ry, 2 * rx, 2 * ry)
        case let .point(x, y): return (x, y, 0, 0)
        case let .polygon(points):
            let xs = points.map(\.x), ys = points.map(\.y)
            let minX = xs.min() ?? 0, minY = ys.min() ?? 0
            return (minX, minY, (xs.max() ?? 0) - minX, (ys.max() ?? 0) - minY)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case type, x, y, width, height, centerX, centerY, radiusX, radiusY, points
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "rectangle":
            self = .rectangle(
                x: try c.decode(Double.self, forKey: .x), y: try c.decode(Double.self, forKey: .y),
                width: try c.decode(Double.self, forKey: .width), height: try c.decode(Double.self, forKey: .height))
        case "ellipse":
            self = .ellipse(
                centerX: try c.decode(Double.self, forKey: .centerX),
                centerY: try c.decode(Double.self, forKey: .centerY),
                radiusX: try c.decode(Double.self, forKey: .radiusX),
                radiusY: try c.decode(Double.self, forKey: .radiusY))
        case "polygon":
            self = .polygon(points: try c.decode([PixelPoint].self, forKey: .points))
        case "point":
            self = .point(x: try c.decode(Double.self, forKey: .x), y: try c.decode(Double.self, forKey: .y))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "Use a shape type of rectangle, ellipse, polygon or point (got \"\(type)\").")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .rectangle(x, y, w, h):
            try c.encode("rectangle", forKey: .type)
            try c.encode(x, forKey: .x); try c.encode(y, forKey: .y)
            try c.encode(w, forKey: .width); try c.encode(h, forKey: .height)
        case let .ellipse(cx, cy, rx, ry):
            try c.encode("ellipse", forKey: .type)
            try c.encode(cx, forKey: .centerX); try c.encode(cy, forKey: .centerY)
            try c.encode(rx, forKey: .radiusX); try c.encode(ry, forKey: .radiusY)
        case let .polygon(points):
            try c.encode("polygon", forKey: .type)
            try c.encode(points, forKey: .points)
        case let .point(x, y):
            try c.encode("point", forKey: .type)
            try c.encode(x, forKey: .x); try c.encode(y, forKey: .y)
        }
    }
}

/// A point in a scan's pixels.
public struct PixelPoint: Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A region marked on a named scan of the case.
public struct MarkedRegion: Hashable, Sendable, Codable {
    /// The scan's file name in the case (`scan.png`, `scan-high.png`).
    public var scan: String
    public var shape: RegionShape

    public init(scan: String, shape: RegionShape) {
        self.scan = scan
        self.shape = shape
    }
}

/// Who stamped a decision's time: the server on receipt, or the trainee's own clock (offline work).
public enum ClockSource: String, Codable, Sendable, CaseIterable { case server, client }

/// Training shows feedback with the key after each case; test keeps the key hidden until results are released.
public enum AttemptMode: String, Codable, Sendable, CaseIterable { case training, test }

/// What a trainee decided at one stage. Fields that do not apply to the stage stay empty.
public struct Decision: Hashable, Sendable, Codable {
    public var stage: Stage
    public var disposition: Disposition
    /// For `referToAgency`.
    public var agency: Agency?
    /// When the stage was shown and when the decision was taken.
    public var shownAt: Instant
    public var decidedAt: Instant
    public var clock: ClockSource
    /// Screening: regions marked on the scans.
    public var markedRegions: [MarkedRegion]
    /// Targeting (and later): indicators the trainee flags.
    public var flaggedIndicators: [RiskIndicator]
    /// Examination: what the trainee records of the seal.
    public var sealFindings: [SealFinding]
    /// Examination: the points chosen, in the order chosen.
    public var examinedPoints: [ExaminationPoint]
    /// Evidence: custody steps in the order taken.
    public var evidenceSteps: [EvidenceStep]

    public init(
        stage: Stage, disposition: Disposition, agency: Agency? = nil, shownAt: Instant, decidedAt: Instant,
        clock: ClockSource, markedRegions: [MarkedRegion] = [], flaggedIndicators: [RiskIndicator] = [],
        sealFindings: [SealFinding] = [], examinedPoints: [ExaminationPoint] = [],
        evidenceSteps: [EvidenceStep] = []
    ) {
        self.stage = stage
        self.disposition = disposition
        self.agency = agency
        self.shownAt = shownAt
        self.decidedAt = decidedAt
        self.clock = clock
        self.markedRegions = markedRegions
        self.flaggedIndicators = flaggedIndicators
        self.sealFindings = sealFindings
        self.examinedPoints = examinedPoints
        self.evidenceSteps = evidenceSteps
    }

    /// Response time in milliseconds.
    public var responseMilliseconds: Int64 { decidedAt.millisecondsSinceEpoch - shownAt.millisecondsSinceEpoch }

    /// Checks the decision on its own: the disposition is offered at the stage and the times are in order.
    public func validate() -> ValidationReport {
        var report = ValidationReport()
        report.check(
            Disposition.options(at: stage).contains(disposition), code: "decision.disposition",
            field: "disposition", value: disposition.rawValue,
            "At \(stage.rawValue) choose one of: "
                + Disposition.options(at: stage).map(\.rawValue).joined(separator: ", ") + ".")
        report.check(
            shownAt <= decidedAt, code: "decision.time", field: "decidedAt", value: decidedAt.description,
            "The decision cannot come before the stage was shown (\(shownAt)).")
        report.check(
            (disposition == .referToAgency) == (agency != nil), code: "decision.agency", field: "agency",
            value: agency?.rawValue ?? "none", "Name an agency exactly when the disposition is referToAgency.")
        return report
    }
}

/// A trainee's work on one case: one decision per stage reached, in stage order.
public struct Attempt: Hashable, Sendable, Codable {
    public var caseId: String
    /// The course's content hash (`course.json`), so an attempt is never graded against another course's key.
    public var courseHash: String
    public var traineeId: String
    public var mode: AttemptMode
    public var decisions: [Decision]

    public init(caseId: String, courseHash: String, traineeId: String, mode: AttemptMode, decisions: [Decision]) {
        self.caseId = caseId
        self.courseHash = courseHash
        self.traineeId = traineeId
        self.mode = mode
        self.decisions = decisions
    }

    /// The decision taken at `stage`, if the trainee reached it.
    public func decision(at stage: Stage) -> Decision? { decisions.first { $0.stage == stage } }

    /// Checks the attempt on its own: stages in order, each once, each decision valid.
    public func validate() -> ValidationReport {
        var report = ValidationReport()
        report.check(!caseId.isEmpty, code: "attempt.caseId", field: "caseId", value: caseId, "Give the case id.")
        report.check(
            !traineeId.isEmpty, code: "attempt.traineeId", field: "traineeId", value: traineeId, "Give the trainee id.")
        let stages = decisions.map(\.stage)
        report.check(
            stages == stages.sorted() && Set(stages).count == stages.count, code: "attempt.stages",
            field: "decisions", value: stages.map(\.rawValue).joined(separator: ","),
            "Give at most one decision per stage, in stage order.")
        for (i, decision) in decisions.enumerated() { report.merge(decision.validate(), under: "decisions[\(i)]") }
        return report
    }
}
