import CargoModel

/// How often a risk indicator or an examination finding shows in clean and in irregular cases, and why.
///
/// A course teaches judgement only when every indicator and every physical sign is evidence (more or less likely
/// under a concealment), never a rule: each entry says how often the generator plants the sign in a clean case and in
/// an irregular one, the innocent explanations a clean case gives it, and the source of the figures. Loaded from
/// `Assets/catalog/indicator-evidence.json`.
public struct EvidenceRate: Hashable, Sendable, Codable {
    /// A `RiskIndicator` or `ObservationCode` raw value.
    public var code: String
    /// For an observation: the examination point it is seen at; nil for an indicator.
    public var point: String?
    /// Chance (0–1) that a case of each class shows the sign on top of what its own story puts there. For an
    /// indicator: among cases whose papers carry red flags; for an observation: among cases that are examined.
    public var clean: Double
    public var irregular: Double
    /// `explanation.*` keys (without the prefix) of the innocent reasons a case may give for the sign.
    public var explanations: [String]
    /// Where the figures come from, or the reasoning behind them when no published rate exists.
    public var source: String

    public init(
        code: String, point: String? = nil, clean: Double, irregular: Double, explanations: [String], source: String
    ) {
        self.code = code
        self.point = point
        self.clean = clean
        self.irregular = irregular
        self.explanations = explanations
        self.source = source
    }

    /// The planted rate for a case of the class.
    public func rate(irregular isIrregular: Bool) -> Double { isIrregular ? irregular : clean }

    /// Irregular rate over clean rate (infinite when the clean rate is 0).
    public var likelihoodRatio: Double { clean > 0 ? irregular / clean : .infinity }
}

/// How often a targeted examination (the seven points, the seal, the door end and a sample of the load at a marked
/// region, no full devanning) reaches a kind of concealment.
public struct ExaminationReach: Hashable, Sendable, Codable {
    /// An `AnomalyKind` raw value.
    public var kind: String
    /// Chance (0–1) that the examination's observations show the concealment.
    public var reach: Double
    public var source: String

    public init(kind: String, reach: Double, source: String) {
        self.kind = kind
        self.reach = reach
        self.source = source
    }
}

/// The evidence catalogue: indicator and observation rates by class, the examination's reach per concealment kind,
/// and how often the load keeps an officer from a point (both classes alike).
public struct EvidenceCatalog: Hashable, Sendable, Codable {
    public var indicators: [EvidenceRate]
    public var observations: [EvidenceRate]
    public var reach: [ExaminationReach]
    /// Chance (0–1) that the load blocks the front wall (no inside length measured) in a loaded box, in any case.
    public var frontWallBlocked: Double
    /// Chance (0–1) that the load is stowed to the roof along the box (no inside height measured), in any case.
    public var ceilingBlocked: Double
    /// Chance (0–1) that a depot repair found at a point has its repair record on file; `forgedRecord`: that a
    /// concealment's alteration shows a record (an old one for other work, or a forged one).
    public var repairRecordOnFile: Double
    public var forgedRecord: Double
    /// Share of shippers that are trusted traders (AEO, C-TPAT): `clean` for ordinary shipments, `irregular` for the
    /// legitimate exporters whose boxes door-end concealments use (rip-on/rip-off, contaminated exports).
    public var trustedShipper: EvidenceRate?
    /// Share of consignees that are trusted traders, in any case (`aeoLowRisk` stories: half).
    public var trustedConsignee: Double = 0.1
    /// Chance that a clean case of ordinary trade carries goods that smugglers use as cover (bananas, coffee,
    /// appliances, furniture…): most of that trade is lawful.
    public var coverGoodsInLawfulTrade: Double = 0.45
    /// Chance that a clean case of ordinary trade not already in drug-cover goods carries the cover goods of another
    /// threat on its lanes (furniture to West Africa, scrap to Asia, chemicals and hardware to the Americas).
    public var threatLaneTrade: Double = 0.4
    /// Chance that a clean case of ordinary trade in a dry box is an empty box repositioned by its carrier,
    /// declared empty (the declared-empty concealment must not be the only declared-empty box of a course).
    public var emptyRepositioning: Double = 0.1
    /// Chance that a concealment in ordinary goods uses goods of natural radioactivity as cover (granite, tiles,
    /// fertiliser), as lawful trade ships them.
    public var normGoodsAsCover: Double = 0.3
    /// The occupancy check at the doors (CO₂ probe and heartbeat detector); none in small test catalogues.
    public var occupancy: OccupancyModel?

    public init(
        indicators: [EvidenceRate], observations: [EvidenceRate], reach: [ExaminationReach],
        frontWallBlocked: Double, ceilingBlocked: Double, repairRecordOnFile: Double, forgedRecord: Double,
        trustedShipper: EvidenceRate? = nil
    ) {
        self.trustedShipper = trustedShipper
        self.indicators = indicators
        self.observations = observations
        self.reach = reach
        self.frontWallBlocked = frontWallBlocked
        self.ceilingBlocked = ceilingBlocked
        self.repairRecordOnFile = repairRecordOnFile
        self.forgedRecord = forgedRecord
    }

    /// No evidence rates: the generator plants only what each story needs (small test catalogues).
    public static let empty = EvidenceCatalog(
        indicators: [], observations: [], reach: [], frontWallBlocked: 0, ceilingBlocked: 0, repairRecordOnFile: 1,
        forgedRecord: 0)

    public func indicator(_ code: RiskIndicator) -> EvidenceRate? { indicators.first { $0.code == code.rawValue } }

    /// The reach of a concealment kind: 1 when the catalogue does not name it.
    public func reach(of kind: AnomalyKind) -> Double { reach.first { $0.kind == kind.rawValue }?.reach ?? 1 }
}
