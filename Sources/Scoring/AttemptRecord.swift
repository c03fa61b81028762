import CargoModel

/// One attempt as the scanner reads it, in flat storage reused from line to line: ids interned (see
/// `AttemptScanner`), codes as enum ordinals, every list a range into a shared array. Nothing here is a
/// `String` or a per-line array, so reading and grading the common line allocates nothing.
///
/// `AttemptScanner.attempt()` turns the current record into an `Attempt` (the reference form).
public struct AttemptRecord: Sendable {
    /// Ids in the scanner's `caseIds`, `courseHashes` and `traineeIds`.
    public internal(set) var caseId = 0
    public internal(set) var courseHash = 0
    public internal(set) var traineeId = 0
    public internal(set) var mode = AttemptMode.test
    /// One per decision, in the order written.
    public internal(set) var decisions: [DecisionRecord] = []
    /// The ordinals of every code list of every decision (each decision holds ranges into this).
    var codes: [UInt8] = []
    var marks: [MarkRecord] = []
    var points: [PixelPoint] = []

    mutating func clear() {
        decisions.removeAll(keepingCapacity: true)
        codes.removeAll(keepingCapacity: true)
        marks.removeAll(keepingCapacity: true)
        points.removeAll(keepingCapacity: true)
    }
}

/// One decision of an `AttemptRecord`.
public struct DecisionRecord: Sendable {
    public var stage: Stage
    public var disposition: Disposition
    public var agency: Agency?
    public var shownAt: Instant
    public var decidedAt: Instant
    public var clock: ClockSource
    /// Ranges into the record's `codes` (ordinals of `RiskIndicator`, `SealFinding`, `ExaminationPoint`,
    /// `EvidenceStep`) and `marks`.
    var indicators: Range<Int> = 0..<0
    var sealFindings: Range<Int> = 0..<0
    var examinedPoints: Range<Int> = 0..<0
    var evidenceSteps: Range<Int> = 0..<0
    var marks: Range<Int> = 0..<0

    /// Response time in milliseconds (as `Decision.responseMilliseconds`).
    public var responseMilliseconds: Int64 { decidedAt.millisecondsSinceEpoch - shownAt.millisecondsSinceEpoch }
}

/// One marked region of a record: the scan's interned id and the shape without an array (a polygon's points
/// are a range into the record's `points`).
struct MarkRecord: Sendable {
    enum Kind: UInt8, Sendable { case rectangle, ellipse, polygon, point }
    var scan: Int
    var kind: Kind
    /// rectangle: x, y, width, height; ellipse: centreX, centreY, radiusX, radiusY; point: x, y.
    var a = 0.0, b = 0.0, c = 0.0, d = 0.0
    var points: Range<Int> = 0..<0
}
