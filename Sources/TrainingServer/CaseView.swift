import CargoModel

/// What `GET /api/assignments/{aid}/cases/{cid}` answers: the case restricted to its open stages.
struct CaseView: Encodable {
    var caseId: String
    var mode: AttemptMode
    var stages: [Stage]
    var currentStage: Stage?
    var decided: [Stage]
    /// Test mode with a time limit: when the case's time runs out (server time); absent otherwise.
    var deadline: Instant?
    /// True once the case can take no more decisions (the assignment closed or its time ran out).
    var timedOut: Bool
    var `case`: RestrictedCase

    private enum CodingKeys: String, CodingKey {
        case caseId, mode, stages, currentStage, decided, deadline, timedOut, `case`
    }

    // `currentStage` is written as null once the case is finished (docs/API.md), not left out.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(caseId, forKey: .caseId)
        try c.encode(mode, forKey: .mode)
        try c.encode(stages, forKey: .stages)
        try c.encode(currentStage, forKey: .currentStage)
        try c.encode(decided, forKey: .decided)
        try c.encodeIfPresent(deadline, forKey: .deadline)
        try c.encode(timedOut, forKey: .timedOut)
        try c.encode(`case`, forKey: .case)
    }
}

/// An `InspectionCase` in the shape of `case.json` with the closed stages left out: `screening` once
/// screening is open; `examination` once open, with only the points that may be examined until the
/// trainee has chosen, then the observations of the chosen points (and the seal as read, if the seal was
/// chosen); `evidence` once open.
struct RestrictedCase: Encodable {
    var id: String
    var generatorVersion: String
    var vantage: Vantage
    var inspectionPort: PortRef
    var inspectionDate: CalendarDate
    var stages: [Stage]
    var targeting: TargetingStage
    var screening: ScreeningStage?
    var examination: ExaminationView?
    var evidence: EvidenceStage?

    struct ExaminationView: Encodable {
        var points: [ExaminationPoint]
        var chosenPoints: [ExaminationPoint]?
        var observations: [Observation]?
        var seal: ObservedSeal?
        /// The door's markings and CSC plate: `door.svg` shows them from the moment the stage opens.
        var doorMarkings: DoorMarkings?
    }

    init(_ full: InspectionCase, gate: StageGate, chosenPoints: [ExaminationPoint]?) {
        id = full.id
        generatorVersion = full.generatorVersion
        vantage = full.vantage
        inspectionPort = full.inspectionPort
        inspectionDate = full.inspectionDate
        stages = full.stages
        targeting = full.targeting
        screening = gate.isOpen(.screening) ? full.screening : nil
        evidence = gate.isOpen(.evidence) ? full.evidence : nil
        if gate.isOpen(.examination), let stage = full.examination {
            var view = ExaminationView(points: stage.points, doorMarkings: stage.doorMarkings)
            if let chosenPoints {
                view.chosenPoints = chosenPoints
                view.observations = stage.observations.filter { chosenPoints.contains($0.point) }
                if chosenPoints.contains(.seal) { view.seal = stage.seal }
            }
            examination = view
        }
    }
}
