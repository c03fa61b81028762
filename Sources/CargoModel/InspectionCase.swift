/// The stages a port control unit works a container through; each reveals more.
public enum Stage: String, Codable, Sendable, CaseIterable, Comparable {
    /// Documents only: decide release, scan or examination.
    case targeting
    /// The scan and the radiation portal reading: mark regions, decide.
    case screening
    /// Choose the points to examine and see what each shows.
    case examination
    /// Chain of custody and the final disposition.
    case evidence

    public static func < (lhs: Stage, rhs: Stage) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Where the inspecting customs service stands in the container's journey.
public enum Vantage: String, Codable, Sendable, CaseIterable {
    case export, `import`, transhipment
}

/// Stage 1: what the documents say.
public struct TargetingStage: Hashable, Sendable, Codable {
    public var billOfLading: BillOfLading
    /// The seal record as registered when the seals were affixed: number, class, kind, maker.
    public var seals: [Seal]
    /// The seal log from stuffing to arrival at the inspection point.
    public var sealLog: [SealLogEntry]

    public init(billOfLading: BillOfLading, seals: [Seal], sealLog: [SealLogEntry]) {
        self.billOfLading = billOfLading
        self.seals = seals
        self.sealLog = sealLog
    }
}

/// A rendered scan of the case (file name in the case folder and its pixel pitch).
public struct ScanReference: Hashable, Sendable, Codable {
    /// `scan.png`, `scan-high.png` or `scan-low.png`.
    public var file: String
    public var profile: String
    public var widthPixels: Int
    public var heightPixels: Int
    public var pixelPitchMM: Double

    public init(file: String, profile: String, widthPixels: Int, heightPixels: Int, pixelPitchMM: Double) {
        self.file = file
        self.profile = profile
        self.widthPixels = widthPixels
        self.heightPixels = heightPixels
        self.pixelPitchMM = pixelPitchMM
    }
}

/// Stage 2: the radiation portal reading and the scans.
public struct ScreeningStage: Hashable, Sendable, Codable {
    public var radiation: RadiationReading
    /// Empty until the scan renderer writes images into the case.
    public var scans: [ScanReference]

    public init(radiation: RadiationReading, scans: [ScanReference]) {
        self.radiation = radiation
        self.scans = scans
    }
}

/// Stage 3: what each examination point shows.
public struct ExaminationStage: Hashable, Sendable, Codable {
    /// Every point that can be examined on this container, with what it shows (possibly several observations).
    public var observations: [Observation]
    public var seal: ObservedSeal
    /// The door's markings and the CSC plate, as the officer reads them at the door.
    public var doorMarkings: DoorMarkings?

    public init(observations: [Observation], seal: ObservedSeal, doorMarkings: DoorMarkings? = nil) {
        self.observations = observations
        self.seal = seal
        self.doorMarkings = doorMarkings
    }

    /// The points this container offers (a dry van has no reefer unit).
    public var points: [ExaminationPoint] {
        ExaminationPoint.allCases.filter { point in observations.contains { $0.point == point } }
    }
}

/// Stage 4: what the officer has at hand for the custody record.
public struct EvidenceStage: Hashable, Sendable, Codable {
    /// The customs seal available to re-seal the container.
    public var replacementSealNumber: String

    public init(replacementSealNumber: String) { self.replacementSealNumber = replacementSealNumber }
}

/// What the trainee sees of one case, stage by stage. Never any part of an answer key.
///
/// A case may be authored to stop at any stage: the later stages are then absent.
public struct InspectionCase: Hashable, Sendable, Codable {
    /// Opaque id: reveals neither scenario nor difficulty.
    public var id: String
    public var generatorVersion: String
    public var vantage: Vantage
    /// The port where the inspecting service stands.
    public var inspectionPort: PortRef
    public var inspectionDate: CalendarDate
    /// The stages of this case, in order; always starts with targeting.
    public var stages: [Stage]
    public var targeting: TargetingStage
    public var screening: ScreeningStage?
    public var examination: ExaminationStage?
    public var evidence: EvidenceStage?

    public init(
        id: String, generatorVersion: String, vantage: Vantage, inspectionPort: PortRef,
        inspectionDate: CalendarDate, stages: [Stage], targeting: TargetingStage,
        screening: ScreeningStage?, examination: ExaminationStage?, evidence: EvidenceStage?
    ) {
        self.id = id
        self.generatorVersion = generatorVersion
        self.vantage = vantage
        self.inspectionPort = inspectionPort
        self.inspectionDate = inspectionDate
        self.stages = stages
        self.targeting = targeting
        self.screening = screening
        self.examination = examination
        self.evidence = evidence
    }

    /// True when the material of `stage` is here (targeting always is).
    public func has(_ stage: Stage) -> Bool {
        switch stage {
        case .targeting: true
        case .screening: screening != nil
        case .examination: examination != nil
        case .evidence: evidence != nil
        }
    }

    /// The case as a trainee may see it at the start: the targeting stage only. `stages` still lists every
    /// stage, so that the trainee knows what follows; the later stages come in their own stage packs.
    public var targetingPart: InspectionCase {
        var part = self
        part.screening = nil
        part.examination = nil
        part.evidence = nil
        return part
    }

    /// Checks the case on its own: field formats and that the stage list matches the stages present.
    ///
    /// With `requiringEveryStage` false (a trainee pack whose later stages are not released yet), a listed
    /// stage may be absent; a stage present must still be listed.
    public func validate(requiringEveryStage: Bool = true) -> ValidationReport {
        func matches(_ present: Bool, _ listed: Bool) -> Bool {
            requiringEveryStage ? present == listed : !present || listed
        }
        var report = ValidationReport()
        report.check(
            !id.isEmpty && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") },
            code: "case.id", field: "id", value: id, "A case id is letters, digits and dashes.")
        report.check(
            stages.first == .targeting && stages == stages.sorted() && Set(stages).count == stages.count,
            code: "case.stages", field: "stages", value: stages.map(\.rawValue).joined(separator: ","),
            "Stages start with targeting and follow in order without repeats.")
        report.check(
            matches(screening != nil, stages.contains(.screening)), code: "case.stages", field: "screening",
            value: screening == nil ? "absent" : "present", "The screening stage must be present exactly when listed.")
        report.check(
            matches(examination != nil, stages.contains(.examination)), code: "case.stages", field: "examination",
            value: examination == nil ? "absent" : "present",
            "The examination stage must be present exactly when listed.")
        report.check(
            matches(evidence != nil, stages.contains(.evidence)), code: "case.stages", field: "evidence",
            value: evidence == nil ? "absent" : "present", "The evidence stage must be present exactly when listed.")
        report.merge(targeting.billOfLading.validate(), under: "targeting.billOfLading")
        for (i, seal) in targeting.seals.enumerated() { report.merge(seal.validate(), under: "targeting.seals[\(i)]") }
        report.check(
            PortRef.isValidLocode(inspectionPort.locode), code: "port.locode", field: "inspectionPort.locode",
            value: inspectionPort.locode, "Give a UN/LOCODE: two-letter country code and three letters or digits.")
        return report
    }
}
