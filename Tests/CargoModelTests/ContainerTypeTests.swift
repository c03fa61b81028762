import CargoModel
import Foundation
import Testing

extension ContainerType: CustomTestStringConvertible {
    public var testDescription: String { code }
}

struct ContainerTypeTests {
    @Test func theEightGeneratedCodesArePresentOnce() {
        let codes = ContainerType.all.map(\.code)
        #expect(codes.count == 8)
        #expect(Set(codes) == ["22G1", "22R1", "42G1", "45G1", "45R1", "L5G1", "22U1", "22T1"])
    }

    @Test(arguments: ContainerType.all)
    func insideIsSmallerThanOutsideInEveryDimension(type: ContainerType) {
        #expect(type.internalLengthMM < type.externalLengthMM)
        #expect(type.internalWidthMM < type.externalWidthMM)
        #expect(type.internalHeightMM < type.externalHeightMM)
        #expect(type.endWallAllowanceMM > 0)
    }

    @Test(arguments: ContainerType.all)
    func payloadIsPositiveAndBelowGross(type: ContainerType) {
        #expect(type.tareKG > 0)
        #expect(type.maxPayloadKG > 0)
        #expect(type.maxPayloadKG == type.maxGrossKG - type.tareKG)
        #expect(type.maxPayloadKG < type.maxGrossKG)
    }

    /// The size code's first two characters say length and height (ISO 6346 size codes).
    @Test(arguments: ContainerType.all)
    func outsideDimensionsMatchTheSizeCode(type: ContainerType) throws {
        let lengths: [Character: Int] = ["2": 6_058, "4": 12_192, "L": 13_716]
        let heights: [Character: Int] = ["2": 2_591, "5": 2_896]
        let code = Array(type.code)
        #expect(type.externalLengthMM == (try #require(lengths[code[0]])))
        #expect(type.externalHeightMM == (try #require(heights[code[1]])))
        #expect(type.externalWidthMM == 2_438)
        let teu: [Character: Double] = ["2": 1, "4": 2, "L": 2.25]
        #expect(type.teu == teu[code[0]])
    }

    @Test(arguments: ContainerType.all)
    func familyMatchesTheTypeCode(type: ContainerType) {
        let families: [String: ContainerType.Family] = ["G1": .general, "R1": .reefer, "U1": .openTop, "T1": .tank]
        #expect(families[String(type.code.suffix(2))] == type.family)
    }

    @Test(arguments: [("22R1", "22G1"), ("45R1", "45G1")])
    func reeferInsideIsSmallerThanTheDryBoxOfTheSameSize(reeferCode: String, dryCode: String) throws {
        let reefer = try #require(ContainerType.named(reeferCode))
        let dry = try #require(ContainerType.named(dryCode))
        #expect(reefer.family == .reefer)
        #expect(dry.family == .general)
        #expect(reefer.externalLengthMM == dry.externalLengthMM)
        #expect(reefer.externalHeightMM == dry.externalHeightMM)
        #expect(reefer.internalLengthMM < dry.internalLengthMM)
        #expect(reefer.internalWidthMM < dry.internalWidthMM)
        #expect(reefer.internalHeightMM < dry.internalHeightMM)
        #expect(reefer.internalVolumeM3 < dry.internalVolumeM3)
        #expect(reefer.tareKG > dry.tareKG)
    }

    @Test(arguments: [
        ("22G1", 32.5...34.0),  // 20' dry ≈ 33 m³
        ("42G1", 66.0...68.5),
        ("45G1", 75.0...77.5),  // 40' high cube ≈ 76 m³
        ("L5G1", 84.0...87.5),
        ("22R1", 27.0...29.5),
        ("45R1", 66.0...69.0),
        ("22U1", 31.5...33.5),
        ("22T1", 14.0...26.0),  // tank: the tank's capacity, not the frame
    ])
    func internalVolumeIsPlausible(code: String, range: ClosedRange<Double>) throws {
        let type = try #require(ContainerType.named(code))
        #expect(range.contains(type.internalVolumeM3), "\(code): \(type.internalVolumeM3) m³")
    }

    @Test(arguments: ContainerType.all.filter { $0.family != .tank })
    func statedCapacityAgreesWithInternalDimensions(type: ContainerType) {
        let litres = Double(type.capacityLitres)
        let fromDimensions = type.internalVolumeM3 * 1_000
        #expect(abs(litres - fromDimensions) / litres < 0.02, "\(type.code): \(litres) L vs \(fromDimensions) L")
    }

    @Test func tankVolumeIsItsCapacityNotItsFrame() throws {
        let tank = try #require(ContainerType.named("22T1"))
        #expect(tank.internalVolumeM3 == Double(tank.capacityLitres) / 1_000)
    }

    @Test(arguments: ["45G1", "45g1", "l5g1", "L5G1", "22t1"])
    func namedIsCaseInsensitive(text: String) throws {
        let type = try #require(ContainerType.named(text))
        #expect(type.code == text.uppercased())
    }

    @Test(arguments: ["", "45G2", "22P1", "M5G1", "45G1 ", " 45G1", "45G", "45G11"])
    func namedIsNilForUnknownCodes(text: String) {
        #expect(ContainerType.named(text) == nil)
    }

    @Test func codableRoundTripKeepsEveryField() throws {
        let data = try JSONEncoder().encode(ContainerType.all)
        #expect(try JSONDecoder().decode([ContainerType].self, from: data) == ContainerType.all)
    }
}
