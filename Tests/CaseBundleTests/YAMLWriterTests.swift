import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Testing

/// The console's forms become YAML that reads back as the same spec or mix, with the reader's own errors.
@Suite("YAMLWriter")
struct YAMLWriterTests {
    static func json<T: Encodable>(_ value: T) throws -> [String: JSONValue] {
        guard case .object(let members) = try JSONValue(parsing: JSONEncoder().encode(value)) else { return [:] }
        return members
    }

    @Test func everyStarterSpecReadsBackTheSameFromItsYAML() throws {
        let catalog = try Library.catalog
        let reader = YAMLSpecReader()
        var checked = 0
        let folder = Library.url("specs")
        for case let path as String in FileManager.default.enumerator(atPath: folder.path)! where path.hasSuffix(".yaml") {
            let spec = try reader.readSpec(fileAt: folder.appendingPathComponent(path), catalog: catalog)
            let text = YAMLWriter.yaml(try Self.json(spec), order: YAMLWriter.specOrder)
            #expect(try reader.readSpec(yaml: text, catalog: catalog) == spec, "\(path)\n\(text)")
            // Writing it again gives the same bytes (the download is stable).
            #expect(YAMLWriter.yaml(try Self.json(spec), order: YAMLWriter.specOrder) == text)
            checked += 1
        }
        #expect(checked >= 30)
    }

    @Test func aFullSpecWithListsAndNestedPartsReadsBack() throws {
        let spec = CaseSpec(
            name: "Cocaine: in the roof, \"reworked\" # not a comment", scenario: .roofCompartment, vantage: .import,
            lastStage: .examination, containerType: "45G1", goods: [GoodsSpec(commodity: "bananas", packages: 1080)],
            route: RouteSpec(origin: "ECGYE", via: ["PAMIT"], discharge: "ESVLC"),
            shipper: PartySpec(name: "Yes", country: "EC", trustedTrader: .none, yearsTrading: 2),
            concealment: ConcealmentSpec(kind: .roofCompartment, material: "cocaine-hydrochloride", massKG: 40),
            seal: .intact, sealNumber: "0012345", redFlags: false, indicators: [.newShipper], difficulty: 4)
        let text = YAMLWriter.yaml(try Self.json(spec), order: YAMLWriter.specOrder)
        #expect(text.hasPrefix("name: \"Cocaine: in the roof"))
        #expect(text.contains("sealNumber: \"0012345\"") && text.contains("name: \"Yes\""))
        let back = try YAMLSpecReader().readSpec(yaml: text, catalog: try Library.catalog)
        #expect(back == spec, "\(text)")
    }

    @Test func aMixFromAFormReadsBackAndAnUnknownKeyIsNamedByTheReader() throws {
        let mix = CurriculumMix(
            name: "Callao week 2", count: 24, prevalence: 0.4, scenarios: [.clean: 2, .withinLoad: 1.5],
            vantage: [.import: 1], difficultyEnd: 3, visibilityFloor: 4, maxBelowFloor: 0.25)
        let text = YAMLWriter.yaml(try Self.json(mix), order: YAMLWriter.mixOrder)
        #expect(try YAMLSpecReader().readMix(yaml: text) == mix, "\(text)")
        var form = try Self.json(mix)
        form["prevalance"] = .number(0.3)
        let bad = YAMLWriter.yaml(form, order: YAMLWriter.mixOrder)
        let error = #expect(throws: (any Error).self) { try YAMLSpecReader().readMix(yaml: bad) }
        #expect("\(error!)".contains("prevalance"))
    }
}
