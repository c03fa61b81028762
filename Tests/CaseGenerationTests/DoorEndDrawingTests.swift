import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct DoorEndDrawingTests {
    final class Collector: NSObject, XMLParserDelegate {
        var texts: [String: String] = [:]
        var ids: Set<String> = []
        var currentId: String?
        var buffer = ""
        var root: String?
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if root == nil { root = name }
            if let id = attributes["id"] { ids.insert(id) }
            currentId = attributes["id"]
            buffer = ""
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { buffer += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if let currentId { texts[currentId] = buffer }
            currentId = nil
        }
    }

    func parse(_ svg: String) -> Collector? {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }

    @Test func theDrawingIsValidXMLAndShowsTheNumbersOnBoltAndBush() throws {
        for (scenario, made) in try casesOfEveryScenario(count: 2, seed: 404) {
            guard let exam = made.inspectionCase.examination else { continue }
            let svg = try #require(
                DoorEndDrawing.svg(for: made.inspectionCase, sealMakers: Repository.catalog.sealMakers))
            let parsed = try #require(parse(svg), "\(scenario): not well-formed")
            #expect(parsed.root == "svg")
            if exam.seal.kind == .bolt {
                #expect(parsed.texts["bolt-number"] == exam.seal.boltNumber, "\(scenario)")
                #expect(parsed.texts["bush-number"] == exam.seal.bushNumber, "\(scenario)")
            } else {
                #expect(parsed.texts["body-number"] == exam.seal.numberRead, "\(scenario)")
            }
            let codes = Set(exam.observations.filter { $0.point == .seal || $0.point == .doors }.map(\.code))
            #expect(parsed.ids.contains("tool-marks") == codes.contains(.sealToolMarks), "\(scenario)")
            #expect(parsed.ids.contains("glue-or-paint") == codes.contains(.sealGlueOrPaint), "\(scenario)")
            if exam.seal.kind != .barrier && exam.seal.kind != .indicative {
                #expect(parsed.ids.contains("spins") == codes.contains(.sealSpinsFreely), "\(scenario)")
            }
            #expect(svg.contains("hinge-pin-new") == codes.contains(.hingePinsReplaced), "\(scenario)")
            let marks = try #require(exam.doorMarkings, "\(scenario): no door markings")
            #expect(parsed.texts["tare"]?.filter(\.isNumber) == String(marks.tareKG), "\(scenario)")
            #expect(parsed.texts["mgw"]?.filter(\.isNumber) == String(marks.maxGrossKG), "\(scenario)")
            #expect(parsed.texts["net"]?.filter(\.isNumber) == String(marks.payloadKG), "\(scenario)")
            #expect(parsed.texts["cucap"] != nil && parsed.ids.contains("csc-plate"), "\(scenario)")
            #expect(parsed.texts["csc-1"] == marks.cscPlate.approvalReference, "\(scenario)")
            for line in made.inspectionCase.targeting.billOfLading.goods {
                if let dg = line.dangerousGoods {
                    #expect(parsed.ids.contains("placard-" + dg.hazardClass), "\(scenario)")
                }
            }
            #expect(svg.contains("rivet-replaced") == codes.contains(.hingeRivetsReplaced), "\(scenario)")
        }
    }

    /// Issue 24: the seal close-up's maker, class mark and number must be readable. A magnified reading panel prints
    /// them at 56–60 px in the 1,000 px drawing: digits about 20 px tall when the drawing is shown 480 px wide
    /// (DejaVu Sans Mono digits are 0.73 em tall).
    @Test func theSealReadingPanelPrintsMakerClassAndNumberLargeEnoughToRead() throws {
        for (scenario, made) in try casesOfEveryScenario(count: 1, seed: 406) {
            guard let exam = made.inspectionCase.examination else { continue }
            let svg = try #require(
                DoorEndDrawing.svg(for: made.inspectionCase, sealMakers: Repository.catalog.sealMakers))
            let parsed = try #require(parse(svg), "\(scenario): not well-formed")
            #expect(parsed.ids.contains("seal-reading"), "\(scenario)")
            let maker =
                Repository.catalog.sealMakers.first { $0.id == exam.seal.makerMark }?.name ?? exam.seal.makerMark
            #expect(parsed.texts["reading-maker"] == maker, "\(scenario)")
            #expect(parsed.texts["reading-class"] == exam.seal.securityClass.rawValue, "\(scenario)")
            let numbers =
                exam.seal.kind == .bolt
                ? [("reading-bolt-number", exam.seal.boltNumber), ("reading-bush-number", exam.seal.bushNumber)]
                : [("reading-number", exam.seal.numberRead)]
            for (id, number) in numbers {
                #expect(parsed.texts[id] == number, "\(scenario) \(id)")
                // The font size written on the element: shown 480 px wide, its digits stand about 0.73 × size × 0.48.
                let element = try #require(svg.split(separator: "\n").first { $0.contains("id=\"\(id)\"") })
                let size = try #require(
                    element.firstMatch(of: /font-size="(\d+)"/).flatMap { Double(String($0.1)) })
                #expect(size * 0.73 * 0.48 >= 18, "\(scenario) \(id): digits \(size * 0.73 * 0.48) px at 480 px")
            }
            #expect(svg.contains("height=\"1370\""))
        }
    }

    @Test func theDrawingShowsNothingOfTheKey() throws {
        for (scenario, made) in try casesOfEveryScenario(count: 2, seed: 405) {
            guard let svg = DoorEndDrawing.svg(for: made.inspectionCase, sealMakers: Repository.catalog.sealMakers)
            else { continue }
            let key = made.key
            var secrets =
                [key.scenario, key.seed] + key.anomalies.flatMap { [$0.kind.rawValue, $0.material, $0.zone.rawValue] }
            secrets += key.sealFindings.filter { $0 != .intact }.map(\.rawValue) + key.rationale.map(\.code.rawValue)
            for secret in secrets where secret.count > 3 {
                #expect(!svg.contains(secret), "\(scenario): door.svg names \(secret)")
            }
            // The seal as registered (the key's side of a clone) is not drawn, only the seal as found.
            let registered = made.inspectionCase.targeting.seals[0]
            if registered.maker != made.inspectionCase.examination!.seal.makerMark,
                let name = Repository.catalog.sealMakers.first(where: { $0.id == registered.maker })?.name
            {
                #expect(!svg.contains(DoorEndDrawingTests.escaped(name)), "\(scenario)")
            }
        }
    }

    @Test func theSameCaseGivesTheSameDrawing() throws {
        let made = try Repository.generator.generate(CaseSpec(scenario: .ripOnRipOff), seed: 99)
        let a = DoorEndDrawing.svg(for: made.inspectionCase, sealMakers: Repository.catalog.sealMakers)
        let b = DoorEndDrawing.svg(for: made.inspectionCase, sealMakers: Repository.catalog.sealMakers)
        #expect(a != nil && a == b)
    }

    static func escaped(_ s: String) -> String { s.replacingOccurrences(of: "&", with: "&amp;") }
}
