import CargoModel

/// The stories the generator can tell. Each names what is true of the container; the
/// generator then plants the paperwork, the seal story and the physical evidence to match.
public enum Scenario: String, Codable, Sendable, CaseIterable {
    // Clean.
    case clean, aeoLowRisk, harmlessRedFlags
    // Seals.
    case ripOnRipOff, structuralEntry, sealNumberDiscrepancy, nonCompliantSeal
    // Paperwork themes.
    case vgmMismatch, hsMismatch, vagueDescription, circuitousRouting, newConsignee, invalidCheckDigit
    case reeferNonPerishable
    // Threats.
    case contaminatedExport, firearmsSouthbound, illicitCigarettes, precursorChemicals, radiationNORM
    case radiationSource
    // Physical concealments.
    case falseFrontWall, roofCompartment, floorCompartment, reeferUnitConcealment, reeferInsulation, doorPanels
    case withinLoad, vehicleBehindCargo, personsConcealed, emptyDeclaredFull, fullDeclaredEmpty

    /// True when the container holds something hidden or misdeclared.
    public var isIrregularByDefault: Bool {
        switch self {
        case .clean, .aeoLowRisk, .harmlessRedFlags, .sealNumberDiscrepancy, .nonCompliantSeal, .invalidCheckDigit,
            .radiationNORM:
            false
        default: true
        }
    }
}

/// How the seal story goes, when a spec pins it.
public enum SealStory: String, Codable, Sendable, CaseIterable {
    /// Same seal from stuffing to inspection, logged at every step.
    case intact
    /// A copy of the original seal: another maker's mark or lettering.
    case cloned
    /// A seal whose bolt and bush numbers differ (parts of two seals).
    case boltBushMismatch
    /// A different seal after a transhipment, with no replacement record.
    case changedAtTranshipment
    /// The seal on the door is not the one on the manifest (the log agrees with the door).
    case numberMismatch
    /// An indicative seal where a high-security one is required.
    case indicativeOnly
    /// The seal was opened and re-closed: tool marks, glue or paint, a spinning bolt.
    case tampered
}

/// A goods line pinned by a spec.
public struct GoodsSpec: Hashable, Sendable, Codable {
    /// Commodity id in the catalogue.
    public var commodity: String
    public var packages: Int?

    public init(commodity: String, packages: Int? = nil) {
        self.commodity = commodity
        self.packages = packages
    }
}

/// A route pinned by a spec (UN/LOCODEs).
public struct RouteSpec: Hashable, Sendable, Codable {
    public var origin: String?
    public var via: [String]?
    public var discharge: String?

    public init(origin: String? = nil, via: [String]? = nil, discharge: String? = nil) {
        self.origin = origin
        self.via = via
        self.discharge = discharge
    }
}

/// A party pinned by a spec.
public struct PartySpec: Hashable, Sendable, Codable {
    public var name: String?
    public var country: String?
    public var trustedTrader: TrustedTraderStatus?
    public var yearsTrading: Int?
    public var freightForwarder: Bool?

    public init(
        name: String? = nil, country: String? = nil, trustedTrader: TrustedTraderStatus? = nil,
        yearsTrading: Int? = nil, freightForwarder: Bool? = nil
    ) {
        self.name = name
        self.country = country
        self.trustedTrader = trustedTrader
        self.yearsTrading = yearsTrading
        self.freightForwarder = freightForwarder
    }
}

/// A concealment pinned by a spec.
public struct ConcealmentSpec: Hashable, Sendable, Codable {
    public var kind: AnomalyKind?
    public var threat: ThreatCategory?
    /// Material name (`cocaine-hydrochloride`, `cannabis-resin`, `firearms-steel`, `cigarettes`).
    public var material: String?
    public var massKG: Int?

    public init(kind: AnomalyKind? = nil, threat: ThreatCategory? = nil, material: String? = nil, massKG: Int? = nil) {
        self.kind = kind
        self.threat = threat
        self.material = material
        self.massKG = massKG
    }
}

/// What an instructor pins about a case; everything left out is drawn from the seed.
///
/// Written as YAML under `Cases/` and read by `CaseBundle`, which keeps line and column for errors.
public struct CaseSpec: Hashable, Sendable, Codable {
    /// A name for the spec (not the case id, which stays opaque).
    public var name: String?
    public var scenario: Scenario?
    public var vantage: Vantage?
    /// The last stage the case goes to (a targeting-only exercise stops at `targeting`).
    public var lastStage: Stage?
    public var containerType: String?
    public var goods: [GoodsSpec]?
    public var route: RouteSpec?
    public var shipper: PartySpec?
    public var consignee: PartySpec?
    public var concealment: ConcealmentSpec?
    public var seal: SealStory?
    /// The number of the seal affixed at stuffing (4 to 15 capital letters and digits).
    public var sealNumber: String?
    /// Whether the documents carry red flags (`false`: clean papers).
    public var redFlags: Bool?
    /// Indicators to plant, on top of those the scenario brings.
    public var indicators: [RiskIndicator]?
    /// 1 (easy) to 5 (hard).
    public var difficulty: Int?

    public init(
        name: String? = nil, scenario: Scenario? = nil, vantage: Vantage? = nil, lastStage: Stage? = nil,
        containerType: String? = nil, goods: [GoodsSpec]? = nil, route: RouteSpec? = nil,
        shipper: PartySpec? = nil, consignee: PartySpec? = nil, concealment: ConcealmentSpec? = nil,
        seal: SealStory? = nil, sealNumber: String? = nil, redFlags: Bool? = nil, indicators: [RiskIndicator]? = nil,
        difficulty: Int? = nil
    ) {
        self.name = name
        self.scenario = scenario
        self.vantage = vantage
        self.lastStage = lastStage
        self.containerType = containerType
        self.goods = goods
        self.route = route
        self.shipper = shipper
        self.consignee = consignee
        self.concealment = concealment
        self.seal = seal
        self.sealNumber = sealNumber
        self.redFlags = redFlags
        self.indicators = indicators
        self.difficulty = difficulty
    }
}

/// How a course is drawn: size, prevalence, how often indicators mislead, topics, vantage and
/// a difficulty ramp. Written as YAML under `Cases/`.
public struct CurriculumMix: Hashable, Sendable, Codable {
    public var name: String?
    public var count: Int
    /// Share of cases with something hidden or misdeclared (0–1).
    public var prevalence: Double
    /// Share of clean cases that carry harmless red flags (0–1).
    public var cleanWithRedFlags: Double
    /// Share of irregular cases whose documents show no red flag (0–1).
    public var irregularWithCleanPapers: Double
    /// Relative weights of scenarios (topics); missing scenarios get weight 0, an absent map weighs all alike.
    public var scenarios: [Scenario: Double]?
    /// Relative weights of vantages; absent: import 0.5, export 0.3, transhipment 0.2.
    public var vantage: [Vantage: Double]?
    /// Difficulty at the first and the last case (1–5), linear in between.
    public var difficultyStart: Int
    public var difficultyEnd: Int
    /// Share of cases that stop after targeting (document-only exercises).
    public var targetingOnly: Double
    /// Specs to include as they are (paths relative to the mix file), placed in course order.
    public var include: [String]?
    /// Contrast-to-noise ratio (in the default scan) under which a concealment counts as hard to
    /// see; sets the `lowContrast` difficulty factor. Default 5 (the Rose criterion) when absent.
    public var visibilityFloor: Double?
    /// Most share (0–1) of the cases with a concealment in the scan that may fall below the
    /// floor; `cargosim generate` redraws the load around the others (thinner cargo beside the
    /// concealment, up to three times) until they clear it. Absent: no cap.
    public var maxBelowFloor: Double?

    public init(
        name: String? = nil, count: Int, prevalence: Double = 0.5, cleanWithRedFlags: Double = 0.4,
        irregularWithCleanPapers: Double = 0.5, scenarios: [Scenario: Double]? = nil,
        vantage: [Vantage: Double]? = nil, difficultyStart: Int = 1, difficultyEnd: Int = 4,
        targetingOnly: Double = 0, include: [String]? = nil, visibilityFloor: Double? = nil,
        maxBelowFloor: Double? = nil
    ) {
        self.name = name
        self.count = count
        self.prevalence = prevalence
        self.cleanWithRedFlags = cleanWithRedFlags
        self.irregularWithCleanPapers = irregularWithCleanPapers
        self.scenarios = scenarios
        self.vantage = vantage
        self.difficultyStart = difficultyStart
        self.difficultyEnd = difficultyEnd
        self.targetingOnly = targetingOnly
        self.include = include
        self.visibilityFloor = visibilityFloor
        self.maxBelowFloor = maxBelowFloor
    }
}

extension Scenario: CodingKeyRepresentable {}
extension Vantage: CodingKeyRepresentable {}

extension CurriculumMix {
    /// Checks shares, counts and the difficulty ramp.
    public func validate() -> ValidationReport {
        var report = ValidationReport()
        report.check(
            (1...100_000).contains(count), code: "mix.count", field: "count", value: "\(count)",
            "Give a course size from 1 to 100000 cases.")
        for (field, share) in [
            ("prevalence", prevalence), ("cleanWithRedFlags", cleanWithRedFlags),
            ("irregularWithCleanPapers", irregularWithCleanPapers), ("targetingOnly", targetingOnly),
        ] {
            report.check(
                (0...1).contains(share), code: "mix.share", field: field, value: "\(share)",
                "Give a share between 0 and 1 (0.25 means a quarter of the cases).")
        }
        if let visibilityFloor {
            report.check(
                visibilityFloor > 0 && visibilityFloor <= 100, code: "mix.visibilityFloor", field: "visibilityFloor",
                value: "\(visibilityFloor)",
                "Give a contrast-to-noise floor above 0 and at most 100 (5 is the Rose criterion).")
        }
        if let maxBelowFloor {
            report.check(
                (0...1).contains(maxBelowFloor), code: "mix.share", field: "maxBelowFloor", value: "\(maxBelowFloor)",
                "Give a share between 0 and 1 (0.25 means a quarter of the cases).")
        }
        for (field, level) in [("difficultyStart", difficultyStart), ("difficultyEnd", difficultyEnd)] {
            report.check(
                (1...5).contains(level), code: "mix.difficulty", field: field, value: "\(level)",
                "Give a difficulty from 1 (easy) to 5 (hard).")
        }
        if let scenarios {
            for (scenario, weight) in scenarios.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                report.check(
                    weight >= 0, code: "mix.weight", field: "scenarios.\(scenario.rawValue)", value: "\(weight)",
                    "Weights are zero or positive.")
            }
            let irregularWeight = scenarios.filter { $0.key.isIrregularByDefault }.values.reduce(0, +)
            let cleanWeight = scenarios.filter { !$0.key.isIrregularByDefault }.values.reduce(0, +)
            report.check(
                prevalence == 0 || irregularWeight > 0, code: "mix.scenarios", field: "scenarios",
                value: "prevalence \(prevalence)",
                "Prevalence is above 0 but no irregular scenario has weight; add one (e.g. withinLoad: 1).")
            report.check(
                prevalence == 1 || cleanWeight > 0, code: "mix.scenarios", field: "scenarios",
                value: "prevalence \(prevalence)",
                "Prevalence is below 1 but no clean scenario has weight; add one (e.g. clean: 1).")
        }
        if let vantage {
            report.check(
                vantage.values.allSatisfy { $0 >= 0 } && vantage.values.reduce(0, +) > 0, code: "mix.vantage",
                field: "vantage", value: "\(vantage.count) weights",
                "Give zero or positive weights, at least one above zero.")
        }
        return report
    }
}
