/// What a trainee may decide at a stage.
public enum Disposition: String, Codable, Sendable, CaseIterable {
    case release, referForScan, targetedExamination, fullDevanning, detain, controlledDelivery, referToAgency
    case alertDestinationPort

    /// The dispositions offered at each stage.
    public static func options(at stage: Stage) -> [Disposition] {
        switch stage {
        case .targeting: [.release, .referForScan, .targetedExamination]
        case .screening: [.release, .targetedExamination, .fullDevanning, .detain]
        case .examination: [.release, .fullDevanning, .detain]
        case .evidence: [.release, .detain, .controlledDelivery, .referToAgency, .alertDestinationPort]
        }
    }
}

/// Agencies a case may be handed to.
public enum Agency: String, Codable, Sendable, CaseIterable {
    case antiNarcotics, police, firearmsControl, nuclearRegulator, migration, revenue, chemicalControl
    case maritimeAuthority
}

/// The seal findings an officer can record after VVTT.
public enum SealFinding: String, Codable, Sendable, CaseIterable, Comparable {
    /// Intact, number agrees with the documents and the log.
    case intact
    /// The number read differs from the manifest or the log.
    case numberMismatch
    /// Tool marks, glue, paint, a spinning bolt: opened and re-closed.
    case tampered
    /// Another seal put in its place (other maker, font, or bolt and bush numbers that differ).
    case substituted
    /// An indicative seal where a high-security seal is required.
    case nonCompliantClass
    /// The seal is intact but the container was entered another way (hinges, panels).
    case bypassed

    public static func < (lhs: SealFinding, rhs: SealFinding) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Steps of the evidence and chain-of-custody record, in the order an officer may take them.
public enum EvidenceStep: String, Codable, Sendable, CaseIterable {
    case witnessPresent, photographSealInPlace, recordSealNumber, cutSeal, retainRemovedSeal, photographInSitu
    case sampleAndFieldTest, inventoryGoods, completeCustodyForm, affixNewSeal, recordNewSealNumber
    /// A radiological alarm: keep people back from the box (a cordon), and find and identify the source with a
    /// handheld from outside (IAEA Nuclear Security Series No. 21).
    case isolateArea, locateWithHandheld
}

/// The correct decision at one stage: the best one and those that are also acceptable.
public struct StageExpectation: Hashable, Sendable, Codable {
    public private(set) var best: Disposition
    /// Dispositions a grader accepts without penalty; always includes `best`.
    public private(set) var acceptable: [Disposition]
    /// For `referToAgency`: which agency.
    public var agency: Agency?

    public init(best: Disposition, acceptable: [Disposition] = [], agency: Agency? = nil) {
        self.best = best
        self.acceptable = acceptable.contains(best) ? acceptable : [best] + acceptable
        self.agency = agency
    }

    private enum CodingKeys: String, CodingKey { case best, acceptable, agency }

    /// Decodes through `init`, so that a key file cannot leave `best` out of `acceptable`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            best: try c.decode(Disposition.self, forKey: .best),
            acceptable: try c.decode([Disposition].self, forKey: .acceptable),
            agency: try c.decodeIfPresent(Agency.self, forKey: .agency))
    }
}

/// A difficulty factor and its value in [0, 1] (1 = hardest).
public struct DifficultyFactor: Hashable, Sendable, Codable {
    public var code: DifficultyFactorCode
    public var value: Double

    public init(code: DifficultyFactorCode, value: Double) {
        self.code = code
        self.value = value
    }
}

/// How hard the case is and why.
public struct Difficulty: Hashable, Sendable, Codable {
    /// 1 (easy) to 5 (hard).
    public var level: Int
    /// Weighted mean of the factors, in [0, 1].
    public var score: Double
    public var factors: [DifficultyFactor]

    public init(level: Int, score: Double, factors: [DifficultyFactor]) {
        self.level = level
        self.score = score
        self.factors = factors
    }
}

/// A risk indicator present in the case, with the document values that show it.
public struct IndicatorPresence: Hashable, Sendable, Codable {
    public var code: RiskIndicator
    /// True when the indicator has an innocent explanation in this case.
    public var harmless: Bool
    /// Document values that show the indicator (`declaredKG`, `vgmKG`); trainee-visible values only.
    public var evidence: [String: String]

    public init(code: RiskIndicator, harmless: Bool, evidence: [String: String]) {
        self.code = code
        self.harmless = harmless
        self.evidence = evidence
    }
}

/// A discrepancy the generator planted between two sources.
public struct Discrepancy: Hashable, Sendable, Codable {
    public var code: DiscrepancyCode
    /// Where the first value is (`billOfLading.sealNumbers[0]`).
    public var documentedIn: String
    public var documented: String
    /// Where the contradicting value is (`sealLog[2].numberRead`, `examination.seal`).
    public var observedIn: String
    public var observed: String

    public init(code: DiscrepancyCode, documentedIn: String, documented: String, observedIn: String, observed: String) {
        self.code = code
        self.documentedIn = documentedIn
        self.documented = documented
        self.observedIn = observedIn
        self.observed = observed
    }
}

/// One reason in the key's explanation, as a code with parameters (text under `rationale.<code>`).
public struct RationaleItem: Hashable, Sendable, Codable {
    public var code: RationaleCode
    public var parameters: [String: String]
    /// Values that are words (goods names), in every language; nil when there are none.
    public var localizedParameters: [String: LocalizedText]?

    public init(
        code: RationaleCode, parameters: [String: String] = [:], localizedParameters: [String: LocalizedText]? = nil
    ) {
        self.code = code
        self.parameters = parameters
        self.localizedParameters = localizedParameters?.isEmpty == true ? nil : localizedParameters
    }

    /// The parameters for a text in `language`: the plain ones and the localised ones in that language.
    public func parameters(in language: String) -> [String: String] {
        parameters.merging((localizedParameters ?? [:]).mapValues { $0.text(in: language) }) { _, localized in localized
        }
    }
}

/// What the examination should cover and what it finds.
public struct ExaminationKey: Hashable, Sendable, Codable {
    /// Points an examiner must look at to find the evidence.
    public var essentialPoints: [ExaminationPoint]
    /// The observations that matter (a subset of the case's observations).
    public var significant: [Observation]

    public init(essentialPoints: [ExaminationPoint], significant: [Observation]) {
        self.essentialPoints = essentialPoints
        self.significant = significant
    }
}

/// What only graders see: the truth of a case and the decisions that should be taken.
public struct AnswerKey: Hashable, Sendable, Codable {
    public var caseId: String
    public var generatorVersion: String
    /// The case's own seed, as a decimal string (64-bit).
    public var seed: String
    /// The scenario that produced the case (`ripOnRipOff`).
    public var scenario: String
    /// True when something is hidden or misdeclared: the "signal" of a signal-detection trial.
    public var irregular: Bool
    public var threat: ThreatCategory?
    public var difficulty: Difficulty
    /// Correct decision per stage, for the stages the case has.
    public var expectations: [Stage: StageExpectation]
    public var anomalies: [Anomaly]
    public var indicators: [IndicatorPresence]
    public var discrepancies: [Discrepancy]
    public var sealFindings: [SealFinding]
    public var examination: ExaminationKey
    /// Custody steps in the expected order.
    public var evidenceSteps: [EvidenceStep]
    public var rationale: [RationaleItem]
    /// Per rendered scan: where each anomaly shows in pixels and how well it stands out.
    /// Empty until the scan renderer has run.
    public var scans: [ScanKey]

    public init(
        caseId: String, generatorVersion: String, seed: String, scenario: String, irregular: Bool,
        threat: ThreatCategory?, difficulty: Difficulty, expectations: [Stage: StageExpectation],
        anomalies: [Anomaly], indicators: [IndicatorPresence], discrepancies: [Discrepancy],
        sealFindings: [SealFinding], examination: ExaminationKey, evidenceSteps: [EvidenceStep],
        rationale: [RationaleItem], scans: [ScanKey] = []
    ) {
        self.caseId = caseId
        self.generatorVersion = generatorVersion
        self.seed = seed
        self.scenario = scenario
        self.irregular = irregular
        self.threat = threat
        self.difficulty = difficulty
        self.expectations = expectations
        self.anomalies = anomalies
        self.indicators = indicators
        self.discrepancies = discrepancies
        self.sealFindings = sealFindings
        self.examination = examination
        self.evidenceSteps = evidenceSteps
        self.rationale = rationale
        self.scans = scans
    }

    /// True when the key names an indicator the documents show, harmless or not.
    public var hasRedFlags: Bool { indicators.contains { $0.code.stage == .targeting } }
}
