import CargoModel
import CaseGeneration
import Foundation
import Testing

@testable import CaseBundle

/// YAML texts the tests start from; line numbers matter (errors are checked by line and column).
enum YAMLFixture {
    static let spec = """
        # Rip-on/rip-off at the door, export from Guayaquil.
        name: Rip-off at the door
        scenario: ripOnRipOff
        vantage: export
        lastStage: examination
        containerType: 45R1
        goods:
          - commodity: bananas
            packages: 1080
        route:
          origin: ECGYE
          via: [PAMIT]
          discharge: BEANR
        shipper:
          name: "Frutas del Pacífico S.A."
          country: EC
          trustedTrader: aeo
          yearsTrading: 12
        consignee:
          country: BE
          freightForwarder: true
        concealment:
          kind: ripOnRipOff
          threat: drugs
          material: cocaine-hydrochloride
          massKG: 40
        seal: intact
        redFlags: false
        indicators: [highRiskOrigin, newConsignee]
        difficulty: 3

        """

    static let mix = """
        # Foundation course: half the containers hide something.
        name: Foundation
        count: 40
        prevalence: 0.5
        cleanWithRedFlags: 0.4
        scenarios:
          clean: 2
          ripOnRipOff: 1
          withinLoad: 1
        vantage:
          import: 0.5
          export: 0.5
        difficultyStart: 1
        difficultyEnd: 4
        include:
          - specs/rip.yaml

        """

    /// `text` with 1-based line `number` replaced.
    static func replacing(line number: Int, with replacement: String, in text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        lines[number - 1] = replacement
        return lines.joined(separator: "\n")
    }
}

private let reader = YAMLSpecReader()
private let catalog = CatalogFixture.catalog

/// The errors reading `yaml` as a spec throws (nil when it reads cleanly).
private func specErrors(_ yaml: String) -> BundleErrors? {
    do {
        _ = try reader.readSpec(yaml: yaml, file: "Cases/x.yaml", catalog: catalog)
        return nil
    } catch let errors as BundleErrors {
        return errors
    } catch {
        Issue.record("unexpected error type \(type(of: error)): \(error)")
        return nil
    }
}

private func mixErrors(_ yaml: String) -> BundleErrors? {
    do {
        _ = try reader.readMix(yaml: yaml, file: "Cases/mix.yaml")
        return nil
    } catch let errors as BundleErrors {
        return errors
    } catch {
        Issue.record("unexpected error type \(type(of: error)): \(error)")
        return nil
    }
}

/// A spec with line `number` replaced must fail with exactly one error, at `line:column`, with `code`.
private func expectSingleSpecError(
    line number: Int, _ replacement: String, code: String, at line: Int, _ column: Int,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> BundleError {
    let yaml = YAMLFixture.replacing(line: number, with: replacement, in: YAMLFixture.spec)
    let errors = try #require(specErrors(yaml), sourceLocation: sourceLocation)
    #expect(errors.codes == [code], "\(errors)", sourceLocation: sourceLocation)
    let error = try #require(errors.errors.first, sourceLocation: sourceLocation)
    #expect(error.file == "Cases/x.yaml", sourceLocation: sourceLocation)
    #expect(error.line == line && error.column == column, "\(error)", sourceLocation: sourceLocation)
    #expect(error.sourceLine == replacement || error.line != number, sourceLocation: sourceLocation)
    return error
}

@Suite struct YAMLSpecReaderTests {
    // MARK: Valid documents

    @Test func aValidSpecDecodesEveryField() throws {
        let spec = try reader.readSpec(yaml: YAMLFixture.spec, catalog: catalog)
        #expect(spec.name == "Rip-off at the door")
        #expect(spec.scenario == .ripOnRipOff)
        #expect(spec.vantage == .export)
        #expect(spec.lastStage == .examination)
        #expect(spec.containerType == "45R1")
        #expect(spec.goods == [GoodsSpec(commodity: "bananas", packages: 1080)])
        #expect(spec.route == RouteSpec(origin: "ECGYE", via: ["PAMIT"], discharge: "BEANR"))
        #expect(
            spec.shipper
                == PartySpec(name: "Frutas del Pacífico S.A.", country: "EC", trustedTrader: .aeo, yearsTrading: 12))
        #expect(spec.consignee == PartySpec(country: "BE", freightForwarder: true))
        #expect(
            spec.concealment
                == ConcealmentSpec(kind: .ripOnRipOff, threat: .drugs, material: "cocaine-hydrochloride", massKG: 40))
        #expect(spec.seal == .intact)
        #expect(spec.redFlags == false)
        #expect(spec.indicators == [.highRiskOrigin, .newConsignee])
        #expect(spec.difficulty == 3)
    }

    @Test func aValidMixDecodesEnumKeyedWeightsAndTakesDefaultsForLeftOutFields() throws {
        let mix = try reader.readMix(yaml: YAMLFixture.mix)
        #expect(mix.count == 40)
        #expect(mix.scenarios == [.clean: 2, .ripOnRipOff: 1, .withinLoad: 1])
        #expect(mix.vantage == [.import: 0.5, .export: 0.5])
        #expect(mix.include == ["specs/rip.yaml"])
        let defaults = CurriculumMix(count: 1)
        #expect(mix.irregularWithCleanPapers == defaults.irregularWithCleanPapers)
        #expect(mix.targetingOnly == defaults.targetingOnly)
    }

    @Test func aMinimalMixNeedsOnlyCount() throws {
        #expect(try reader.readMix(yaml: "count: 12\n") == CurriculumMix(count: 12))
    }

    @Test func aDocumentWithCountIsAMixAndOtherwiseASpec() throws {
        #expect(
            try reader.read(yaml: YAMLFixture.mix, catalog: catalog) == .mix(try reader.readMix(yaml: YAMLFixture.mix)))
        #expect(try reader.read(yaml: "scenario: clean\n", catalog: catalog) == .spec(CaseSpec(scenario: .clean)))
    }

    @Test func aMixReadAsASpecPointsAtItsCountKey() throws {
        let errors = try #require(specErrors(YAMLFixture.mix))
        #expect(errors.codes == ["spec.kind"])
        #expect(errors.errors[0].line == 3 && errors.errors[0].column == 1)
    }

    @Test func textThatLooksLikeOtherTypesStaysText() throws {
        let spec = try reader.readSpec(yaml: "name: 2024\nshipper:\n  country: NO\n  name: 'yes'\n", catalog: catalog)
        #expect(spec.name == "2024")
        #expect(spec.shipper?.country == "NO")
        #expect(spec.shipper?.name == "yes")
    }

    // MARK: Errors, each at its line and column

    @Test func aSyntaxErrorCarriesLibyamlsLineAndColumn() throws {
        let error = try expectSingleSpecError(line: 4, "vantage: export: now", code: "yaml.syntax", at: 4, 16)
        #expect(error.message.contains("check the indentation"))
    }

    @Test func anUnclosedQuoteIsASyntaxError() throws {
        let errors = try #require(
            specErrors(YAMLFixture.replacing(line: 15, with: "  name: \"Frutas", in: YAMLFixture.spec)))
        #expect(errors.codes == ["yaml.syntax"])
        #expect((errors.errors[0].line ?? 0) >= 15)
    }

    @Test func aWrongTypeSaysWhatWasExpected() throws {
        let error = try expectSingleSpecError(line: 9, "    packages: lots", code: "spec.type", at: 9, 15)
        #expect(error.field == "goods[0].packages")
        #expect(error.value == "lots")
        #expect(error.message.contains("whole number"))
    }

    @Test func aQuotedNumberIsNotANumber() throws {
        let error = try expectSingleSpecError(line: 30, "difficulty: \"3\"", code: "spec.type", at: 30, 13)
        #expect(error.message.contains("without quotes"))
    }

    @Test func aHugeNumberIsOutOfRangeNotACrash() throws {
        let error = try expectSingleSpecError(
            line: 30, "difficulty: 99999999999999999999999999", code: "spec.type", at: 30, 13)
        #expect(error.message.contains("too large"))
    }

    @Test func textWhereAListBelongsIsATypeError() throws {
        let error = try expectSingleSpecError(line: 12, "  via: PAMIT", code: "spec.type", at: 12, 8)
        #expect(error.field == "route.via")
        #expect(error.message.contains("Expected a list"))
    }

    @Test func textWhereAMappingBelongsIsATypeError() throws {
        let errors = try #require(specErrors("scenario: clean\nroute: ECGYE\n"))
        #expect(errors.codes == ["spec.type"])
        #expect(errors.errors[0].line == 2 && errors.errors[0].column == 8)
        #expect(errors.errors[0].message.contains("Expected a mapping"))
    }

    @Test func anUnknownEnumValueListsTheAllowedOnesAndTheClosest() throws {
        let error = try expectSingleSpecError(line: 3, "scenario: ripOnRipOf", code: "spec.unknownValue", at: 3, 11)
        #expect(error.field == "scenario")
        #expect(error.value == "ripOnRipOf")
        #expect(error.message.contains("did you mean ripOnRipOff?"))
        #expect(error.message.contains("clean, aeoLowRisk, harmlessRedFlags"))
    }

    @Test func anUnknownValueInAListPointsAtTheItem() throws {
        let error = try expectSingleSpecError(
            line: 29, "indicators: [highRiskOrigin, newConsigne]", code: "spec.unknownValue", at: 29, 30)
        #expect(error.field == "indicators[1]")
        #expect(error.message.contains("newConsignee"))
    }

    @Test func anUnknownKeyIsCaughtWithTheClosestKnownKey() throws {
        let error = try expectSingleSpecError(line: 3, "scenaro: ripOnRipOff", code: "spec.unknownKey", at: 3, 1)
        #expect(error.message.contains("did you mean `scenario:`?"))
        #expect(error.field == "scenaro")
    }

    @Test func anUnknownNestedKeyNamesItsParent() throws {
        let error = try expectSingleSpecError(line: 9, "    pakages: 1080", code: "spec.unknownKey", at: 9, 5)
        #expect(error.field == "goods[0].pakages")
        #expect(error.message.contains("under goods[0]"))
        #expect(error.message.contains("`packages:`"))
    }

    @Test func anUnknownCommodityIsPlacedAtItsValue() throws {
        let error = try expectSingleSpecError(line: 8, "  - commodity: banannas", code: "spec.commodity", at: 8, 16)
        #expect(error.field == "goods[0].commodity")
        #expect(error.message.contains("did you mean bananas?"))
    }

    @Test func anUnknownPortIsPlacedAtItsValue() throws {
        let error = try expectSingleSpecError(line: 11, "  origin: CNSHA", code: "spec.port", at: 11, 11)
        #expect(error.field == "route.origin")
    }

    @Test func anUnknownPortInsideAFlowListIsPlacedAtTheItem() throws {
        let error = try expectSingleSpecError(line: 12, "  via: [PAMIT, CNSHA]", code: "spec.port", at: 12, 16)
        #expect(error.field == "route.via[1]")
    }

    @Test func overweightCargoIsPlacedAtTheGoodsKey() throws {
        let error = try expectSingleSpecError(line: 9, "    packages: 1500", code: "spec.overweight", at: 7, 1)
        #expect(error.field == "goods")
        #expect(error.sourceLine == "goods:")
    }

    @Test func aMissingRequiredKeyIsNamedAtItsMapping() throws {
        let errors = try #require(specErrors("scenario: clean\ngoods:\n  - packages: 3\n"))
        #expect(errors.codes == ["spec.missingKey"])
        #expect(errors.errors[0].line == 3 && errors.errors[0].column == 5)
        #expect(errors.errors[0].message.contains("`commodity:`"))
    }

    @Test func aWeightThatIsNotANumberIsATypeError() throws {
        let errors = try #require(mixErrors(YAMLFixture.replacing(line: 7, with: "  clean: many", in: YAMLFixture.mix)))
        #expect(errors.codes == ["spec.type"])
        #expect(errors.errors[0].line == 7 && errors.errors[0].column == 10)
    }

    @Test func aBadShareInAMixIsPlacedAtItsValue() throws {
        let errors = try #require(
            mixErrors(YAMLFixture.replacing(line: 4, with: "prevalence: 1.5", in: YAMLFixture.mix)))
        #expect(errors.codes == ["mix.share"])
        let error = errors.errors[0]
        #expect(error.line == 4 && error.column == 13)
        #expect(error.field == "prevalence")
        #expect(error.value == "1.5")
    }

    @Test func anUnknownScenarioInTheWeightsIsNamedWithTheAllowedOnes() throws {
        let errors = try #require(
            mixErrors(YAMLFixture.replacing(line: 8, with: "  ripOnRipOf: 1", in: YAMLFixture.mix)))
        #expect(errors.codes == ["spec.unknownValue"])
        let error = errors.errors[0]
        #expect(error.line == 8 && error.column == 3)
        #expect(error.value == "ripOnRipOf")
        #expect(error.message.contains("did you mean ripOnRipOff?"))
        #expect(error.message.contains("withinLoad"))
    }

    @Test func aNegativeWeightIsPlacedAtTheWeight() throws {
        var yaml = YAMLFixture.replacing(line: 8, with: "  ripOnRipOff: -1", in: YAMLFixture.mix)
        yaml = YAMLFixture.replacing(line: 9, with: "  withinLoad: 2", in: yaml)
        let errors = try #require(mixErrors(yaml))
        #expect(errors.codes == ["mix.weight"])
        #expect(errors.errors[0].line == 8 && errors.errors[0].column == 16)
    }

    @Test func aMisspeltMixKeyIsUnknownAndTheDefaultIsNotUsedSilently() throws {
        let errors = try #require(
            mixErrors(YAMLFixture.replacing(line: 5, with: "cleanWithRedFlag: 0.4", in: YAMLFixture.mix)))
        #expect(errors.codes == ["spec.unknownKey"])
        #expect(errors.errors[0].message.contains("`cleanWithRedFlags:`"))
    }

    @Test func severalMistakesAreReportedTogetherInLineOrder() throws {
        var yaml = YAMLFixture.replacing(line: 3, with: "scenaro: ripOnRipOff", in: YAMLFixture.spec)
        yaml = YAMLFixture.replacing(line: 8, with: "  - commodity: banannas", in: yaml)
        yaml = YAMLFixture.replacing(line: 13, with: "  discharge: CNSHA", in: yaml)
        let errors = try #require(specErrors(yaml))
        #expect(errors.codes == ["spec.unknownKey", "spec.commodity", "spec.port"])
        #expect(errors.errors.map(\.line) == [3, 8, 13])
    }

    @Test func aDuplicateKeyIsNamed() throws {
        let errors = try #require(specErrors("scenario: clean\nvantage: export\nscenario: withinLoad\n"))
        #expect(errors.codes == ["yaml.duplicateKey"])
        #expect(errors.errors[0].value == "scenario")
        #expect(errors.errors[0].line == 1)
    }

    @Test(arguments: [
        ("", "yaml.empty"), ("# only a comment\n", "yaml.empty"), ("- scenario: clean\n", "yaml.topLevel"),
        ("just words", "yaml.topLevel"), ("scenario: clean\n---\nscenario: clean\n", "yaml.syntax"),
        ("base: &b {country: EC}\nshipper: *b\n", "yaml.anchor"), ("name: \"a\u{0}b\"\n", "yaml.syntax"),
    ])
    func oddDocumentsGiveAClearErrorAtLineOne(yaml: String, code: String) throws {
        let errors = try #require(specErrors(yaml))
        #expect(errors.codes == [code])
        #expect((errors.errors[0].line ?? 0) >= 1)
    }

    @Test func anAliasBombIsRefusedBeforeParsing() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...30 { yaml += "a\(level): &a\(level) [*a\(level - 1), *a\(level - 1), *a\(level - 1)]\n" }
        yaml += "? *a30\n: boom\n"
        let errors = try #require(specErrors(yaml))
        #expect(errors.codes == ["yaml.anchor"])
        #expect(errors.errors[0].line == 1 && errors.errors[0].column == 5)
    }

    @Test func ampersandsAndStarsInsideTextAreNotAnchors() throws {
        let yaml = """
            name: Smith & Sons *special*
            shipper:
              name: "&quoted *text"
              country: EC
            consignee:
              name: >
                &folded text
                *with stars
              country: BE

            """
        let spec = try reader.readSpec(yaml: yaml, catalog: catalog)
        #expect(spec.name == "Smith & Sons *special*")
        #expect(spec.consignee?.name == "&folded text *with stars\n")
    }

    @Test func deepNestingIsRefusedNotACrash() throws {
        for depth in [40, 900, 5_000] {
            let yaml = "name: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
            let errors = try #require(specErrors(yaml))
            #expect(errors.codes == ["yaml.depth"] || errors.codes == ["yaml.syntax"], "\(depth): \(errors.codes)")
        }
    }

    // MARK: Rendering

    @Test func anErrorRendersLikeACompilerWithACaretUnderTheColumn() {
        let error = BundleError(
            code: "spec.commodity", file: "Cases/x.yaml", line: 12, column: 16,
            field: "goods[0].commodity", value: "banannas",
            message: "Unknown commodity; use an id from Assets/catalog/commodities.json.",
            sourceLine: "  - commodity: banannas")
        #expect(
            error.description == """
                Cases/x.yaml:12:16: error: Unknown commodity; use an id from Assets/catalog/commodities.json. (value: "banannas")
                  - commodity: banannas
                               ^
                """)
    }

    @Test func theCaretFollowsTabsAndLongLinesAreWindowed() {
        let tabbed = BundleError(code: "x", line: 1, column: 3, message: "m", sourceLine: "\t\tvalue")
        #expect(tabbed.description == "1:3: error: m\n\t\tvalue\n\t\t^")
        let long = String(repeating: "a", count: 500) + "X" + String(repeating: "b", count: 500)
        let windowed = BundleError(code: "x", file: "f", line: 2, column: 501, message: "m", sourceLine: long)
        let lines = windowed.description.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[1].count <= 162)
        let caretOffset = lines[2].count - 1
        #expect(Array(lines[1])[caretOffset] == "X")
    }

    @Test func anErrorWithoutALineNamesTheFieldAndControlCharactersAreEscaped() {
        let error = BundleError(
            code: "x", file: "Cases/m.yaml", field: "include[0]", value: "a\u{1}b", message: "Fix it.")
        #expect(error.description == "Cases/m.yaml: error: include[0]: Fix it. (value: \"a\\u{1}b\")")
    }

    @Test func aValidationErrorKeepsItsCodeFieldAndValue() {
        let source = ValidationError(
            code: "spec.port", field: "route.origin", value: "CNSHA", message: "Port not listed.")
        let error = BundleError(source, file: "Cases/x.yaml", line: 11, column: 11, sourceLine: "  origin: CNSHA")
        #expect(error.code == "spec.port" && error.field == "route.origin" && error.value == "CNSHA")
        #expect(error.description.hasPrefix("Cases/x.yaml:11:11: error: Port not listed. (value: \"CNSHA\")"))
    }

    // MARK: Files and includes

    @Test func errorsNameTheFileAsTheUserGaveIt() throws {
        let folder = try CatalogFixture.temporaryDirectory()
        try "scenario: clen\n".write(to: folder.appendingPathComponent("typo.yaml"), atomically: true, encoding: .utf8)
        let url = URL(fileURLWithPath: "typo.yaml", relativeTo: folder)
        #expect {
            _ = try reader.read(fileAt: url, catalog: catalog)
        } throws: { error in
            (error as? BundleErrors)?.description.hasPrefix("typo.yaml:1:11: error: Unknown scenario \"clen\"") == true
        }
    }

    @Test func aFileThatIsNotUTF8SaysWhere() throws {
        let folder = try CatalogFixture.temporaryDirectory()
        let url = folder.appendingPathComponent("latin1.yaml")
        try (Data("name: ok\nshipper:\n  name: Pac".utf8) + [0xED, 0x66, 0x69, 0x63, 0x6F, 0x0A]).write(to: url)
        #expect {
            _ = try reader.readSpec(fileAt: url, catalog: catalog)
        } throws: { error in
            let first = (error as? BundleErrors)?.errors.first
            return first?.code == "io.notUTF8" && first?.line == 3 && first?.column == 12
        }
    }

    @Test func aMissingFileIsUnreadableNotACrash() {
        #expect {
            _ = try reader.readMix(fileAt: URL(fileURLWithPath: "/nonexistent/cargosim/mix.yaml"))
        } throws: { error in
            (error as? BundleErrors)?.codes == ["io.unreadable"]
        }
    }

    @Test func includesAreReadRelativeToTheMixAndTheirErrorsNameTheIncludedFile() throws {
        let root = try CatalogFixture.temporaryDirectory()
        let curricula = root.appendingPathComponent("curricula", isDirectory: true)
        let specs = root.appendingPathComponent("specs", isDirectory: true)
        try FileManager.default.createDirectory(at: curricula, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        try YAMLFixture.spec.write(to: specs.appendingPathComponent("rip.yaml"), atomically: true, encoding: .utf8)
        try "scenario: clean\ngoods:\n  - commodity: banannas\n"
            .write(to: specs.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        try "count: 4\ninclude:\n  - ../specs/rip.yaml\n"
            .write(to: curricula.appendingPathComponent("good.yaml"), atomically: true, encoding: .utf8)
        try "count: 4\ninclude:\n  - ../specs/rip.yaml\n  - ../specs/bad.yaml\n  - ../specs/none.yaml\n  - good.yaml\n"
            .write(to: curricula.appendingPathComponent("mixed.yaml"), atomically: true, encoding: .utf8)

        let goodURL = URL(fileURLWithPath: "curricula/good.yaml", relativeTo: root)
        let good = try reader.readMix(fileAt: goodURL)
        let included = try reader.readIncludes(of: good, mixFileAt: goodURL, catalog: catalog)
        #expect(included.map(\.path) == ["../specs/rip.yaml"])
        #expect(included.first?.spec.scenario == .ripOnRipOff)

        let mixedURL = URL(fileURLWithPath: "curricula/mixed.yaml", relativeTo: root)
        let mixed = try reader.readMix(fileAt: mixedURL)
        #expect {
            _ = try reader.readIncludes(of: mixed, mixFileAt: mixedURL, catalog: catalog)
        } throws: { error in
            guard let errors = error as? BundleErrors else { return false }
            let byCode = Dictionary(grouping: errors.errors, by: \.code)
            let commodity = byCode["spec.commodity"]?.first
            let includes = byCode["spec.include"] ?? []
            return errors.errors.count == 3
                && commodity?.file == "specs/bad.yaml" && commodity?.line == 3 && commodity?.column == 16
                && includes.map(\.file) == ["curricula/mixed.yaml", "curricula/mixed.yaml"]
                && includes.map(\.line) == [5, 6]
                && includes[0].message.contains("specs/none.yaml")
                && includes[1].message.contains("curriculum mix")
        }
    }
}
