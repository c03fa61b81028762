/// The catalogue of risk indicators a targeting officer looks for, with stable codes.
///
/// Codes are stable: reports, rubrics and attempts store them, so a code is never renamed or
/// reused; new indicators are added at the end. Descriptions live in `Assets/i18n/` under
/// `indicator.<code>`. Indicators raise suspicion; none of them proves a concealment, and the
/// generator plants them on clean cases too.
public enum RiskIndicator: String, Codable, Sendable, CaseIterable, Comparable {
    /// Origin or transit in a country the intelligence picture names as a source for the threat.
    case highRiskOrigin
    /// A route with needless transhipments or a detour for the trade lane.
    case circuitousRouting
    /// Consignee with no import history (first shipment).
    case newConsignee
    /// A freight forwarder or consolidator named as consignee, hiding the real importer.
    case forwarderAsConsignee
    /// Shipper with no export history.
    case newShipper
    /// "General cargo", "FAK", "merchandise": a description that does not say what the goods are.
    case vagueDescription
    /// The HS code does not fit the description.
    case hsDescriptionMismatch
    /// The VGM departs from tare plus declared cargo beyond tolerance.
    case vgmMismatch
    /// Declared mass impossible for the goods and volume (too light or too heavy per m³).
    case implausibleDensity
    /// Seal number on the manifest differs from the seal log.
    case sealNumberMismatch
    /// The seal log shows a different seal after a transhipment with no replacement record.
    case sealChangedWithoutRecord
    /// An indicative (class I) seal where a high-security (class H) seal is required.
    case nonCompliantSealClass
    /// The container number on the manifest fails its ISO 6346 check digit.
    case invalidCheckDigit
    /// A refrigerated container carrying goods that need no refrigeration.
    case reeferNonPerishable
    /// Freight paid in cash.
    case cashFreightPayment
    /// A manifest amendment filed shortly before arrival.
    case lateAmendment
    /// The radiation portal monitor alarmed.
    case radiationAlarm
    /// The goods are a drug precursor scheduled in Table I or II of the 1988 UN Convention (INCB Red List).
    case controlledPrecursor

    public static func < (lhs: RiskIndicator, rhs: RiskIndicator) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The stage at which the indicator can first be seen.
    public var stage: Stage {
        self == .radiationAlarm ? .screening : .targeting
    }
}
