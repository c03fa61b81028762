import CargoModel
import CaseGeneration
import Foundation
import Testing

@testable import CaseBundle

/// A small catalogue for tests, in memory and on disk.
enum CatalogFixture {
    static let commodities = [
        Commodity(
            id: "bananas", hsCode: "080390", description: LocalizedText(en: "Bananas", es: "Bananos", pt: "Bananas"),
            packageKind: .cartons, packageGrossKG: 19.5, packageVolumeM3: 0.045, netRatio: 0.93,
            material: "fruit", perishable: true, liquidBulk: false, origins: ["EC", "CR"], tags: ["drug-cover"]),
        Commodity(
            id: "ceramic-tiles", hsCode: "690721",
            description: LocalizedText(en: "Ceramic floor tiles", es: "Baldosas cerámicas", pt: "Ladrilhos cerâmicos"),
            packageKind: .pallets, packageGrossKG: 1200, packageVolumeM3: 0.9, netRatio: 0.95,
            material: "ceramic", perishable: false, liquidBulk: false, origins: ["ES"], tags: []),
    ]
    static let ports = [
        PortInfo(
            locode: "ECGYE", name: "Guayaquil", region: "southAmericaPacific", hub: false, riskTags: ["cocaine-source"],
            latitude: -2.28, longitude: -79.91, basin: "pacific"),
        PortInfo(
            locode: "PAMIT", name: "Manzanillo", region: "centralAmerica", hub: true, riskTags: [], latitude: 9.37,
            longitude: -79.88, basin: "atlantic"),
        PortInfo(
            locode: "BEANR", name: "Antwerp", region: "europe", hub: true, riskTags: [], latitude: 51.27,
            longitude: 4.33,
            basin: "atlantic"),
        PortInfo(
            locode: "NLRTM", name: "Rotterdam", region: "europe", hub: true, riskTags: [], latitude: 51.95,
            longitude: 4.14,
            basin: "atlantic"),
    ]
    static let seaLanes = SeaLanes(
        waypoints: [
            SeaWaypoint(id: "PANAMA_PACIFIC", latitude: 8.88, longitude: -79.52, name: "Panama Canal, Pacific"),
            SeaWaypoint(id: "PANAMA_ATLANTIC", latitude: 9.38, longitude: -79.92, name: "Panama Canal, Atlantic"),
        ],
        basins: [
            SeaBasin(id: "pacific", gates: ["PANAMA_PACIFIC"]), SeaBasin(id: "atlantic", gates: ["PANAMA_ATLANTIC"]),
        ],
        lanes: [],
        canals: [Canal(from: "PANAMA_PACIFIC", to: "PANAMA_ATLANTIC", name: "Panama Canal", nauticalMiles: 44, days: 1)]
    )
    static let carriers = [
        Carrier(
            name: "Example Line", scac: "EXLN", ownerPrefixes: ["EXLU"], vessels: ["Example Star"], regions: ["europe"])
    ]
    static let sealMakers = [
        SealMaker(id: "eagle", name: "Eagle Seals", numberPrefix: "EG", digits: 7, font: "laser-dot", kinds: [.bolt])
    ]
    static let nameStyles = [
        NameStyle(
            countries: ["EC", "PE"], legalForms: ["EC": ["S.A."], "PE": ["S.A.C."]], companyCores: ["Andina"],
            companyActivities: ["Export"], givenNames: ["Ana"], familyNames: ["Torres"],
            cities: ["EC": ["Guayaquil"]])
    ]
    static let vague = [LocalizedText(en: "General cargo", es: "Carga general", pt: "Carga geral")]
    static let hsCSV = """
        section,hscode,description,parent,level
        II,08,Edible fruit and nuts; peel of citrus fruit or melons,TOTAL,2
        II,0803,"Bananas, including plantains; fresh or dried",08,4
        II,080390,"Bananas, including plantains; other than plantains, fresh or dried",0803,6
        XIII,690721,"Ceramic flags and paving, hearth or wall tiles; water absorption ""not exceeding"" 0.5%",6907,6

        """

    static var catalog: Catalog {
        Catalog(
            commodities: commodities, ports: ports, carriers: carriers, sealMakers: sealMakers,
            nameStyles: nameStyles, vagueDescriptions: vague,
            hsSubheadings: ["080390": "Bananas", "690721": "Ceramic tiles"], seaLanes: seaLanes)
    }

    /// A temporary `Assets/` folder with the fixture catalogue, after `edit` had its say on the files.
    static func writeAssets(edit: (inout [String: Data]) -> Void = { _ in }) throws -> URL {
        let assets = try temporaryDirectory().appendingPathComponent("Assets", isDirectory: true)
        let folder = assets.appendingPathComponent("catalog", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var files: [String: Data] = [
            "commodities.json": try encoder.encode(commodities),
            "ports.json": try encoder.encode(ports),
            "carriers.json": try encoder.encode(carriers),
            "seal-makers.json": try encoder.encode(sealMakers),
            "name-styles.json": try encoder.encode(nameStyles),
            "vague-descriptions.json": try encoder.encode(vague),
            "sea-lanes.json": try encoder.encode(seaLanes),
            "indicator-evidence.json": try encoder.encode(EvidenceCatalog.empty),
            "harmonized-system.csv": Data(hsCSV.utf8),
        ]
        edit(&files)
        for (name, data) in files { try data.write(to: folder.appendingPathComponent(name)) }
        return assets
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cargosim-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The checkout's `Assets/` folder (this file is `Tests/CaseBundleTests/CatalogLoaderTests.swift`).
    static var repositoryAssets: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Assets", isDirectory: true)
    }
}

/// Replaces one catalogue file with JSON text.
private func replacing(_ name: String, with json: String) -> (inout [String: Data]) -> Void {
    { $0[name] = Data(json.utf8) }
}

private func loadErrors(_ edit: @escaping (inout [String: Data]) -> Void) throws -> BundleErrors? {
    let assets = try CatalogFixture.writeAssets(edit: edit)
    do {
        _ = try CatalogLoader().load(from: assets)
        return nil
    } catch let errors as BundleErrors {
        return errors
    }
}

@Suite struct CatalogLoaderTests {
    @Test func loadsAFixtureCatalogueWithItsLevelSixSubheadings() throws {
        let catalog = try CatalogLoader().load(from: try CatalogFixture.writeAssets())
        #expect(catalog.commodities.map(\.id) == ["bananas", "ceramic-tiles"])
        #expect(catalog.ports.count == 4)
        #expect(catalog.carriers.first?.scac == "EXLN")
        #expect(catalog.sealMakers.first?.kinds == [.bolt])
        #expect(catalog.nameStyles.first?.cities["EC"] == ["Guayaquil"])
        #expect(catalog.vagueDescriptions.first?.es == "Carga general")
        #expect(catalog.hsSubheadings.count == 2)
        #expect(catalog.hsSubheadings["080390"] == "Bananas, including plantains; other than plantains, fresh or dried")
        #expect(catalog.hsSubheadings["0803"] == nil)
    }

    @Test func quotedCSVFieldsKeepTheirCommasQuotesAndLineBreaks() throws {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",\r\n3,,\"\""
        let rows = try CSVRows.parse(text, file: "t.csv")
        #expect(
            rows == [
                CSVRows.Row(line: 1, fields: ["a", "b", "c"]),
                CSVRows.Row(line: 2, fields: ["1", "x, y", "say \"hi\""]),
                CSVRows.Row(line: 3, fields: ["2", "two\nlines", ""]),
                CSVRows.Row(line: 5, fields: ["3", "", ""]),
            ])
    }

    @Test func anUnterminatedQuoteNamesTheLineWhereItOpens() {
        #expect {
            _ = try CSVRows.parse("a,b\n1,\"open\n2,3\n", file: "hs.csv")
        } throws: { error in
            let first = (error as? BundleErrors)?.errors.first
            return first?.line == 2 && first?.file == "hs.csv" && first?.code == "catalog.csv"
        }
    }

    @Test func theNomenclatureNeedsItsHeader() {
        #expect(throws: BundleErrors.self) {
            _ = try CatalogLoader.harmonizedSystemSubheadings(csv: "code,text\n080390,Bananas\n", file: "hs.csv")
        }
    }

    @Test func aCommodityWhoseHSCodeIsNotInTheNomenclatureIsNamedByIndexAndId() throws {
        var bad = CatalogFixture.commodities
        bad[1].hsCode = "690799"
        let data = try JSONEncoder().encode(bad)
        let errors = try #require(try loadErrors { $0["commodities.json"] = data })
        let error = try #require(errors.errors.first)
        #expect(errors.errors.count == 1)
        #expect(error.code == "catalog.hsCode")
        #expect(error.file?.hasSuffix("catalog/commodities.json") == true)
        #expect(error.field == "[1].hsCode")
        #expect(error.value == "690799")
        #expect(error.message.contains("Entry 1 (ceramic-tiles)"))
    }

    @Test func duplicateIdsAndLocodesAndMalformedLocodesAreAllReported() throws {
        var commodities = CatalogFixture.commodities
        commodities[1].id = "bananas"
        var ports = CatalogFixture.ports
        ports[2].locode = "ECGYE"
        ports[3].locode = "nlrtm"
        let commodityData = try JSONEncoder().encode(commodities)
        let portData = try JSONEncoder().encode(ports)
        let errors = try #require(
            try loadErrors {
                $0["commodities.json"] = commodityData
                $0["ports.json"] = portData
            })
        #expect(errors.codes == ["catalog.duplicate", "catalog.duplicate", "catalog.locode"])
        #expect(errors.errors.map(\.field) == ["[1].id", "[2].locode", "[3].locode"])
        #expect(errors.errors[1].message.contains("entry 0"))
    }

    @Test func numbersMustBePositive() throws {
        var commodities = CatalogFixture.commodities
        commodities[0].packageGrossKG = 0
        commodities[0].netRatio = 1.5
        var makers = CatalogFixture.sealMakers
        makers[0].digits = -1
        let commodityData = try JSONEncoder().encode(commodities)
        let makerData = try JSONEncoder().encode(makers)
        let errors = try #require(
            try loadErrors {
                $0["commodities.json"] = commodityData
                $0["seal-makers.json"] = makerData
            })
        #expect(errors.errors.map(\.field) == ["[0].packageGrossKG", "[0].netRatio", "[0].digits"])
    }

    @Test func aMissingFileAndAWrongTypeAreNamedWithTheEntry() throws {
        let errors = try #require(
            try loadErrors {
                $0["carriers.json"] = nil
                $0["ports.json"] = Data(
                    #"[{"locode": "ECGYE", "name": "Guayaquil", "region": "x", "hub": "yes", "riskTags": []}]"#.utf8)
            })
        #expect(errors.codes.contains("catalog.missing"))
        let typeError = try #require(errors.errors.first { $0.code == "catalog.json" })
        #expect(typeError.file?.hasSuffix("ports.json") == true)
        #expect(typeError.field == "[0].hub")
        #expect(typeError.message.contains("Entry 0 (ECGYE)"))
    }

    @Test func invalidJSONSaysTheFileDoesNotParse() throws {
        let errors = try #require(try loadErrors(replacing("ports.json", with: "[{\"locode\": ")))
        #expect(errors.codes == ["catalog.json"])
        #expect(errors.errors[0].file?.hasSuffix("ports.json") == true)
    }

    @Test func theRealCatalogueLoadsWhenItIsPresent() throws {
        let assets = CatalogFixture.repositoryAssets
        let folder = assets.appendingPathComponent("catalog")
        let present = CatalogLoader.fileNames.allSatisfy {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
        }
        // The catalogue is written by another part of the project; once its files are all there they
        // must load cleanly. Until then the fixture tests above stand in.
        guard present else { return }
        let catalog = try CatalogLoader().load(from: assets)
        #expect(catalog.commodities.count > 0)
        #expect(catalog.ports.count > 0)
        #expect(catalog.carriers.count > 0)
        #expect(catalog.sealMakers.count > 0)
        #expect(catalog.nameStyles.count > 0)
        #expect(catalog.vagueDescriptions.count > 0)
        #expect(catalog.hsSubheadings.count > 1000)
    }
}
