import CargoModel
import CaseBundle
import CaseGeneration
import Foundation

/// The repository's own folders, found from this file's path.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let assets = root.appendingPathComponent("Assets", isDirectory: true)
    static let cases = root.appendingPathComponent("Cases", isDirectory: true)

    /// The real catalogue, loaded once.
    static let catalog: Catalog = {
        do { return try CatalogLoader().load(from: assets) } catch {
            fatalError("Cannot load Assets/catalog: \(error)")
        }
    }()

    static let generator = CaseGenerator(catalog: catalog)
}

/// A tiny deterministic generator for test inputs (xorshift64*), independent of the project's own.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
}

/// Generates `count` cases of every scenario with seeds drawn from `seed`.
func casesOfEveryScenario(count: Int, seed: UInt64) throws -> [(Scenario, GeneratedCase)] {
    var random = TestRandom(seed: seed)
    var result: [(Scenario, GeneratedCase)] = []
    for scenario in Scenario.allCases {
        for _ in 0..<count {
            let seed = random.next()
            let planned = PlannedCase(
                index: 0, spec: CaseSpec(scenario: scenario), seed: seed, caseId: opaqueCaseID(seed: seed),
                pinned: false)
            result.append((scenario, try Repository.generator.generate(planned)))
        }
    }
    return result
}

func json<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try CanonicalJSON.encode(value), as: UTF8.self)
}

/// The large course that the property tests read: 1,500 cases of the default mix from the generator under test,
/// or, when the environment variable `CARGOSIM_PROPERTY_COURSE` names a course folder (with its `keys/`), that
/// course, so that a rule can be shown to fail on the output of an older generator (`cargosim generate
/// --no-scans` of that version).
enum PropertyCourse {
    static let cases: [(inspectionCase: InspectionCase, key: AnswerKey)] = {
        if let path = ProcessInfo.processInfo.environment["CARGOSIM_PROPERTY_COURSE"] {
            do {
                let reader = try CourseReader(courseDirectory: URL(fileURLWithPath: path))
                return try reader.caseIds.map { (try reader.readCompleteCase($0), try reader.readKey($0)) }
            } catch { fatalError("Cannot read the course at \(path): \(error)") }
        }
        do {
            return try planCourse(CurriculumMix(count: 1500), seed: 20_261_201).map {
                let made = try Repository.generator.generate($0)
                return (made.inspectionCase, made.key)
            }
        } catch { fatalError("generation failed: \(error)") }
    }()
}
