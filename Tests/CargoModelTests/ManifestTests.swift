import CargoModel
import Foundation
import Testing

/// One thing wrong with an otherwise valid bill of lading, and the error it must produce.
struct ManifestDefect: Sendable, CustomTestStringConvertible {
    let name: String
    let code: String
    let field: String
    let value: String
    let apply: @Sendable (inout BillOfLading) -> Void

    var testDescription: String { name }
}

struct ManifestTests {
    @Test func aValidBillOfLadingPasses() {
        let report = Fixtures.billOfLading().validate()
        #expect(report.isValid, "\(report.errors)")
    }

    static let defects: [ManifestDefect] = [
        ManifestDefect(name: "five-digit HS code", code: "goods.hsCode", field: "goods[1].hsCode", value: "08039") {
            $0.goods[1].hsCode = "08039"
        },
        ManifestDefect(name: "HS code with a letter O", code: "goods.hsCode", field: "goods[0].hsCode", value: "08O390")
        {
            $0.goods[0].hsCode = "08O390"
        },
        ManifestDefect(name: "HS code with a dot", code: "goods.hsCode", field: "goods[1].hsCode", value: "0803.9") {
            $0.goods[1].hsCode = "0803.9"
        },
        ManifestDefect(
            name: "eight-digit tariff line", code: "goods.hsCode", field: "goods[0].hsCode", value: "08039010"
        ) {
            $0.goods[0].hsCode = "08039010"
        },
        ManifestDefect(name: "LOCODE with a 1", code: "port.locode", field: "portOfLoading", value: "ECGY1") {
            $0.portOfLoading.locode = "ECGY1"
        },
        ManifestDefect(name: "lower-case LOCODE", code: "port.locode", field: "placeOfDelivery", value: "deham") {
            $0.placeOfDelivery.locode = "deham"
        },
        ManifestDefect(name: "LOCODE with a space", code: "port.locode", field: "portOfDischarge", value: "DE HA") {
            $0.portOfDischarge.locode = "DE HA"
        },
        ManifestDefect(name: "four-letter LOCODE", code: "port.locode", field: "placeOfReceipt", value: "ECGY") {
            $0.placeOfReceipt.locode = "ECGY"
        },
        ManifestDefect(
            name: "six-letter transhipment LOCODE", code: "port.locode", field: "transhipmentPorts[1]",
            value: "ESALGX"
        ) {
            $0.transhipmentPorts[1].locode = "ESALGX"
        },
        ManifestDefect(name: "unknown container type", code: "container.type", field: "containerType", value: "45P1") {
            $0.containerType = "45P1"
        },
        ManifestDefect(name: "empty container type", code: "container.type", field: "containerType", value: "") {
            $0.containerType = ""
        },
        ManifestDefect(
            name: "seal number with a dash", code: "seal.number", field: "sealNumbers[1]", value: "HL-778899"
        ) {
            $0.sealNumbers[1] = "HL-778899"
        },
        ManifestDefect(name: "lower-case seal number", code: "seal.number", field: "sealNumbers[0]", value: "eu1234567")
        {
            $0.sealNumbers[0] = "eu1234567"
        },
        ManifestDefect(name: "net above gross", code: "goods.net", field: "goods[1].netKG", value: "2001") {
            $0.goods[1].netKG = 2_001
        },
        ManifestDefect(name: "zero net", code: "goods.net", field: "goods[0].netKG", value: "0") {
            $0.goods[0].netKG = 0
        },
        ManifestDefect(name: "no packages", code: "goods.packages", field: "goods[0].packageCount", value: "0") {
            $0.goods[0].packageCount = 0
        },
        ManifestDefect(name: "zero volume", code: "goods.volume", field: "goods[1].volumeM3", value: "0.0") {
            $0.goods[1].volumeM3 = 0
        },
        ManifestDefect(name: "empty box heavier than its tare", code: "manifest.empty", field: "vgm.kg", value: "25300")
        {
            $0.goods = []
        },
        ManifestDefect(name: "zero VGM", code: "vgm.kg", field: "vgm.kg", value: "0") {
            $0.vgm.kg = 0
        },
        ManifestDefect(
            name: "arrival before on board", code: "manifest.dates", field: "estimatedArrival",
            value: "2026-03-02"
        ) {
            $0.estimatedArrival = $0.onBoard.adding(days: -1)
        },
    ]

    @Test(arguments: defects)
    func eachDefectIsReportedAtItsField(defect: ManifestDefect) throws {
        var bill = Fixtures.billOfLading()
        defect.apply(&bill)
        let errors = bill.validate().errors
        #expect(errors.count == 1, "\(errors)")
        let error = try #require(errors.first)
        #expect(error.code == defect.code)
        #expect(error.field == defect.field)
        #expect(error.value == defect.value)
        #expect(!error.message.isEmpty)
    }

    @Test func theContainerTypeErrorListsTheKnownCodes() throws {
        var bill = Fixtures.billOfLading()
        bill.containerType = "20GP"
        let error = try #require(bill.validate().errors.first)
        for type in ContainerType.all {
            #expect(error.message.contains(type.code))
        }
    }

    @Test func everyDefectIsReportedNotOnlyTheFirst() {
        var bill = Fixtures.billOfLading()
        bill.goods[0].hsCode = "X"
        bill.goods[1].netKG = 999_999
        bill.portOfDischarge.locode = "??"
        bill.sealNumbers = ["ok-no", "OK12345", "x"]
        let fields = bill.validate().errors.map(\.field)
        #expect(fields == ["goods[0].hsCode", "goods[1].netKG", "portOfDischarge", "sealNumbers[0]", "sealNumbers[2]"])
    }

    /// An empty container moves under an equipment record: no goods, and a VGM within 10% of the tare.
    @Test(arguments: [(4_800, true), (5_280, true), (4_320, true), (5_281, false), (4_319, false), (0, false)])
    func anEmptyContainerMustWeighItsTare(vgmKG: Int, valid: Bool) throws {
        var bill = Fixtures.billOfLading()
        #expect(ContainerType.named(bill.containerType)?.tareKG == 4_800)
        bill.goods = []
        bill.vgm.kg = vgmKG
        let codes = bill.validate().errors.map(\.code)
        #expect(codes.contains("manifest.empty") != valid, "\(codes)")
        #expect(codes.allSatisfy { ["manifest.empty", "vgm.kg"].contains($0) })
    }

    @Test func anEmptyContainerOfUnknownTypeReportsOnlyTheType() {
        var bill = Fixtures.billOfLading()
        bill.goods = []
        bill.containerType = "99Z9"
        #expect(bill.validate().errors.map(\.code) == ["container.type"])
    }

    @Test func arrivalOnTheDayOfLoadingIsAllowed() {
        var bill = Fixtures.billOfLading()
        bill.estimatedArrival = bill.onBoard
        #expect(bill.validate().isValid)
    }

    @Test func netEqualToGrossIsAllowed() {
        var bill = Fixtures.billOfLading()
        bill.goods[0].netKG = bill.goods[0].grossKG
        #expect(bill.validate().isValid)
    }

    @Test(arguments: ["PECLL", "USMIA", "DEHAM", "NLRTM", "CNSH2", "GB9XX", "ZZ999"])
    func wellFormedLocodesAreAccepted(code: String) {
        #expect(PortRef.isValidLocode(code))
    }

    @Test(arguments: [
        "PECL", "PECLLL", "pecll", "PEcLL", "PE1LL", "PE0LL", "P1CLL", "12CLL", "PÉCLL", "PE-LL", "", "PE CL",
    ])
    func malformedLocodesAreRejected(code: String) {
        #expect(!PortRef.isValidLocode(code))
    }

    @Test func portCountryIsTheLocodePrefix() {
        #expect(PortRef(locode: "PECLL", name: "Callao").country == "PE")
    }

    @Test func declaredTotalsSumTheGoodsLines() {
        let bill = Fixtures.billOfLading()
        #expect(bill.declaredCargoGrossKG == 20_500)
        #expect(abs(bill.declaredVolumeM3 - 116.64) < 1e-9)
    }

    @Test func billOfLadingRoundTripsThroughJSON() throws {
        var bill = Fixtures.billOfLading()
        bill.notifyParty = Fixtures.party("Notify AG", city: "Bremen", country: "DE")
        let data = try JSONEncoder().encode(bill)
        #expect(try JSONDecoder().decode(BillOfLading.self, from: data) == bill)
    }

    @Test(arguments: ["en", "es", "pt", "fr", "de", "es-PE"])
    func localizedTextFallsBackToEnglish(language: String) {
        let text = LocalizedText(en: "bananas", es: "plátanos", pt: "bananas-pt")
        let expected = ["es": "plátanos", "pt": "bananas-pt"][String(language.prefix(2))] ?? "bananas"
        #expect(text.text(in: language) == expected)
    }
}
