/// An ISO 6346 size/type code with the dimensions and masses of a typical unit.
///
/// Figures are typical values from carriers' published container specifications (Hapag-Lloyd
/// and Maersk equipment guides); a given box can differ by a few percent. Lengths are in
/// millimetres, masses in kilograms.
public struct ContainerType: Hashable, Sendable, Codable {
    /// The four-character size/type code, e.g. `45G1`.
    public let code: String
    public let externalLengthMM: Int
    public let externalWidthMM: Int
    public let externalHeightMM: Int
    public let internalLengthMM: Int
    public let internalWidthMM: Int
    public let internalHeightMM: Int
    public let tareKG: Int
    public let maxGrossKG: Int
    /// Box or tank capacity in litres.
    public let capacityLitres: Int
    public let family: Family

    public enum Family: String, Codable, Sendable, CaseIterable {
        /// Dry van, general purpose.
        case general
        /// Mechanically refrigerated (integral reefer unit at the front end, insulated walls, T-floor).
        case reefer
        /// Open top with a tarpaulin roof.
        case openTop
        /// Tank for non-dangerous liquids in a frame.
        case tank
    }

    /// The most a unit can carry: maximum gross minus tare (kg).
    public var maxPayloadKG: Int { maxGrossKG - tareKG }
    /// Usable internal volume (m³).
    public var internalVolumeM3: Double {
        family == .tank
            ? Double(capacityLitres) / 1000
            : Double(internalLengthMM) * Double(internalWidthMM) * Double(internalHeightMM) / 1e9
    }
    /// Twenty-foot equivalent units.
    public var teu: Double { externalLengthMM > 7000 ? (externalLengthMM > 13000 ? 2.25 : 2) : 1 }
    /// How much shorter the inside is than the outside (front wall plus doors), in mm.
    public var endWallAllowanceMM: Int { externalLengthMM - internalLengthMM }

    /// The eight types CargoSim generates.
    public static let all: [ContainerType] = [
        ContainerType(
            code: "22G1", externalLengthMM: 6058, externalWidthMM: 2438, externalHeightMM: 2591,
            internalLengthMM: 5898, internalWidthMM: 2352, internalHeightMM: 2393,
            tareKG: 2230, maxGrossKG: 30480, capacityLitres: 33_200, family: .general),
        ContainerType(
            code: "22R1", externalLengthMM: 6058, externalWidthMM: 2438, externalHeightMM: 2591,
            internalLengthMM: 5444, internalWidthMM: 2294, internalHeightMM: 2276,
            tareKG: 3080, maxGrossKG: 30480, capacityLitres: 28_300, family: .reefer),
        ContainerType(
            code: "42G1", externalLengthMM: 12192, externalWidthMM: 2438, externalHeightMM: 2591,
            internalLengthMM: 12032, internalWidthMM: 2352, internalHeightMM: 2393,
            tareKG: 3750, maxGrossKG: 30480, capacityLitres: 67_700, family: .general),
        ContainerType(
            code: "45G1", externalLengthMM: 12192, externalWidthMM: 2438, externalHeightMM: 2896,
            internalLengthMM: 12032, internalWidthMM: 2352, internalHeightMM: 2698,
            tareKG: 3900, maxGrossKG: 32500, capacityLitres: 76_300, family: .general),
        ContainerType(
            code: "45R1", externalLengthMM: 12192, externalWidthMM: 2438, externalHeightMM: 2896,
            internalLengthMM: 11583, internalWidthMM: 2294, internalHeightMM: 2554,
            tareKG: 4800, maxGrossKG: 34000, capacityLitres: 67_900, family: .reefer),
        ContainerType(
            code: "L5G1", externalLengthMM: 13716, externalWidthMM: 2438, externalHeightMM: 2896,
            internalLengthMM: 13556, internalWidthMM: 2352, internalHeightMM: 2698,
            tareKG: 4800, maxGrossKG: 32500, capacityLitres: 86_000, family: .general),
        ContainerType(
            code: "22U1", externalLengthMM: 6058, externalWidthMM: 2438, externalHeightMM: 2591,
            internalLengthMM: 5898, internalWidthMM: 2352, internalHeightMM: 2348,
            tareKG: 2350, maxGrossKG: 30480, capacityLitres: 32_500, family: .openTop),
        ContainerType(
            code: "22T1", externalLengthMM: 6058, externalWidthMM: 2438, externalHeightMM: 2591,
            internalLengthMM: 5900, internalWidthMM: 2300, internalHeightMM: 2300,
            tareKG: 3650, maxGrossKG: 36000, capacityLitres: 24_000, family: .tank),
    ]

    /// Looks up a size/type code (`45G1`); nil when CargoSim does not know it.
    public static func named(_ code: String) -> ContainerType? {
        all.first { $0.code == code.uppercased() }
    }
}
