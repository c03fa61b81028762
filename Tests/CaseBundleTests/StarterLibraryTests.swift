import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Testing

/// The starter library in `Cases/`, read as an instructor's files are: with the real catalogue.
enum Library {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let assets = root.appendingPathComponent("Assets", isDirectory: true)
    static let cases = root.appendingPathComponent("Cases", isDirectory: true)

    static let loadedCatalog: Result<Catalog, any Error> = Result { try CatalogLoader().load(from: assets) }
    static var catalog: Catalog { get throws { try loadedCatalog.get() } }

    static let loadedEnglish: Result<[String: String], any Error> = Result {
        try JSONDecoder().decode(
            [String: String].self, from: Data(contentsOf: assets.appendingPathComponent("i18n/en.json")))
    }
    static var english: [String: String] { get throws { try loadedEnglish.get() } }

    /// Every YAML file under `Cases/`, as a path relative to it, sorted.
    static let yamlFiles: [String] = {
        let walker = FileManager.default.enumerator(atPath: cases.path)
        return (walker?.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
    }()
    static let specFiles = yamlFiles.filter { $0.hasPrefix("specs/") }
    static let mixFiles = yamlFiles.filter { $0.hasPrefix("curricula/") }
    /// Phantoms describe a scene directly (checked by the scan tests and `cargosim validate`).
    static let phantomFiles = yamlFiles.filter { $0.hasPrefix("phantoms/") }

    static func url(_ relative: String) -> URL { cases.appendingPathComponent(relative) }

    static func spec(_ relative: String) throws -> CaseSpec {
        try YAMLSpecReader().readSpec(fileAt: url(relative), catalog: try catalog)
    }
}

/// The `{placeholder}` names of a text.
private func placeholders(_ text: String) -> Set<String> {
    Set(text.matches(of: #/\{([A-Za-z][A-Za-z0-9]*)\}/#).map { String($0.output.1) })
}

/// Parameters whose value is a code with its own text, and the key prefix of that text.
private let parametersNamingKeys: [String: String] = [
    "indicator": "indicator", "explanation": "explanation", "kind": "anomaly", "zone": "zone", "threat": "threat",
    "agency": "agency", "method": "observation", "programme": "trustedTrader", "signs": "observation",
]

/// Everything in a generated case or key that would print a raw `{name}` or a missing text: a rationale item
/// or an observation whose parameters do not cover its English template, or a parameter naming a code with no text.
private func renderingProblems(of made: GeneratedCase, english: [String: String]) -> [String] {
    var problems: [String] = []
    func check(_ key: String, _ parameters: [String: String]) {
        guard let template = english[key] else {
            problems.append("\(key): no English text")
            return
        }
        let missing = placeholders(template).subtracting(parameters.keys)
        if !missing.isEmpty { problems.append("\(key): no value for \(missing.sorted()) in \(parameters)") }
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
            guard let prefix = parametersNamingKeys[name] else { continue }
            for code in value.split(separator: ",") where english["\(prefix).\(code)"] == nil {
                problems.append("\(key): parameter \(name) = \(value) has no text \(prefix).\(code)")
            }
        }
    }
    for item in made.key.rationale { check("rationale." + item.code.rawValue, item.parameters(in: "en")) }
    let observations = (made.inspectionCase.examination?.observations ?? []) + made.key.examination.significant
    for observation in observations {
        check("observation." + observation.code.rawValue, observation.parameters(in: "en"))
        // Words are given in every language, never as English only.
        for (name, text) in observation.localizedParameters ?? [:] where text.es.isEmpty || text.pt.isEmpty {
            problems.append("observation.\(observation.code.rawValue): \(name) has no Spanish or Portuguese text")
        }
    }
    return problems.map { "\(made.inspectionCase.id) (\(made.key.scenario)): \($0)" }
}

/// Ten seeds spread over the 64-bit range.
private let tenSeeds: [UInt64] = (1...10).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }

@Suite("Starter library in Cases/")
struct StarterLibraryTests {
    @Test func theLibraryHasSpecsAndCurricula() {
        #expect(Library.specFiles.count >= Scenario.allCases.count, "\(Library.specFiles)")
        #expect(Library.mixFiles.contains("curricula/foundation-40.yaml"), "\(Library.mixFiles)")
        #expect(
            Library.yamlFiles.count == Library.specFiles.count + Library.mixFiles.count + Library.phantomFiles.count,
            "YAML outside specs/, curricula/ and phantoms/: \(Library.yamlFiles)")
    }

    @Test(arguments: Library.specFiles + Library.mixFiles)
    func everyFileReadsAgainstTheRealCatalogueWithItsIncludes(_ path: String) throws {
        let catalog = try Library.catalog
        let reader = YAMLSpecReader()
        switch try reader.read(fileAt: Library.url(path), catalog: catalog) {
        case .spec(let spec):
            #expect(path.hasPrefix("specs/"), "a spec outside specs/")
            #expect(spec.name?.isEmpty == false, "a spec carries a name for instructors")
            #expect(spec.validate(against: catalog).isValid)
        case .mix(let mix):
            #expect(path.hasPrefix("curricula/"), "a curriculum outside curricula/")
            #expect(mix.validate().isValid)
            let included = try reader.readIncludes(of: mix, mixFileAt: Library.url(path), catalog: catalog)
            #expect(included.count == (mix.include ?? []).count)
        }
    }

    @Test func thereIsASpecForEveryScenario() throws {
        let covered = Set(try Library.specFiles.compactMap { try Library.spec($0).scenario })
        let missing = Scenario.allCases.filter { !covered.contains($0) }.map(\.rawValue)
        #expect(missing == [], "scenarios without a spec in Cases/specs/")
    }

    @Test(arguments: Library.specFiles)
    func everySpecGeneratesValidCasesForTenSeedsThatRenderCompletely(_ path: String) throws {
        let spec = try Library.spec(path)
        let generator = CaseGenerator(catalog: try Library.catalog)
        let english = try Library.english
        var ids: Set<String> = []
        var generated = 0
        for seed in tenSeeds {
            let made: GeneratedCase
            do {
                made = try generator.generate(spec, seed: seed)
            } catch {
                Issue.record("\(path), seed \(seed): \(error)")
                continue
            }
            generated += 1
            ids.insert(made.inspectionCase.id)
            #expect(made.inspectionCase.validate().errors.isEmpty, "\(path), seed \(seed)")
            #expect(made.key.caseId == made.inspectionCase.id)
            if let scenario = spec.scenario {
                #expect(made.key.scenario == scenario.rawValue, "\(path), seed \(seed): the spec's scenario is kept")
            }
            if let vantage = spec.vantage { #expect(made.inspectionCase.vantage == vantage, "\(path), seed \(seed)") }
            if let lastStage = spec.lastStage {
                #expect(made.inspectionCase.stages.last == lastStage, "\(path), seed \(seed)")
            }
            #expect(renderingProblems(of: made, english: english) == [], "\(path), seed \(seed)")
        }
        #expect(ids.count == generated, "\(path): every seed gives its own case")
    }

    @Test func theFoundationCurriculumPlansExactlyFortyCasesIncludingItsSpecs() throws {
        let catalog = try Library.catalog
        let reader = YAMLSpecReader()
        let url = Library.url("curricula/foundation-40.yaml")
        let mix = try reader.readMix(fileAt: url)
        let included = try reader.readIncludes(of: mix, mixFileAt: url, catalog: catalog).map(\.spec)
        #expect(mix.count == 40)
        for seed in tenSeeds.prefix(3) {
            let plan = planCourse(mix, included: included, seed: CourseSeed(demonstration: seed))
            #expect(plan.count == 40)
            #expect(plan.map(\.index) == Array(0..<40))
            #expect(plan.filter(\.pinned).map(\.spec) == included, "the included specs appear once each, in order")
        }
    }

    @Test(arguments: Library.mixFiles)
    func everyCurriculumGeneratesItsWholeCourseAndEveryCaseRendersCompletely(_ path: String) throws {
        let catalog = try Library.catalog
        let english = try Library.english
        let reader = YAMLSpecReader()
        let mix = try reader.readMix(fileAt: Library.url(path))
        let included = try reader.readIncludes(of: mix, mixFileAt: Library.url(path), catalog: catalog).map(\.spec)
        let generator = CaseGenerator(catalog: catalog)
        let plan = planCourse(mix, included: included, seed: 7)
        #expect(plan.count == mix.count)
        var problems: [String] = []
        var ids: Set<String> = []
        for planned in plan {
            do {
                let made = try generator.generate(planned)
                ids.insert(made.inspectionCase.id)
                problems += renderingProblems(of: made, english: english)
            } catch {
                Issue.record("\(path), case \(planned.index + 1): \(error)")
            }
        }
        #expect(ids.count == mix.count, "\(path): one distinct case per planned case")
        #expect(problems == [], "\(path)")
    }
}
