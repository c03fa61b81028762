import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Testing

/// The JSON Schemas in `Assets/schema/` against real generator output (not hand-made samples).
@Suite("Generated courses against the JSON Schemas")
struct GeneratedCourseSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let assets = root.appendingPathComponent("Assets", isDirectory: true)

    /// A mix to draw a 60-case course from.
    enum Mix: String, CaseIterable, Sendable {
        /// The foundation curriculum of `Cases/`, its includes kept, stretched to 60 cases.
        case foundation
        /// Every scenario alike, a fifth of the cases stopping after targeting.
        case everyScenario

        func plan(catalog: Catalog, seed: CourseSeed) throws -> [PlannedCase] {
            switch self {
            case .foundation:
                let url = GeneratedCourseSchemaTests.root.appendingPathComponent("Cases/curricula/foundation-40.yaml")
                let reader = YAMLSpecReader()
                var mix = try reader.readMix(fileAt: url)
                mix.count = 60
                let included = try reader.readIncludes(of: mix, mixFileAt: url, catalog: catalog).map(\.spec)
                return planCourse(mix, included: included, seed: seed)
            case .everyScenario:
                return planCourse(CurriculumMix(count: 60, targetingOnly: 0.2), seed: seed)
            }
        }
    }

    @Test(arguments: Mix.allCases)
    func aSixtyCaseCourseWrittenFromAMixHasNoSchemaOrModelProblem(_ mix: Mix) throws {
        let catalog = try CatalogLoader().load(from: Self.assets)
        let validator = try CourseValidator(schemaDirectory: Self.assets.appendingPathComponent("schema"))
        let plan = try mix.plan(catalog: catalog, seed: 20_260_601)
        #expect(plan.count == 60)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cargosim-schema-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let course = folder.appendingPathComponent("course", isDirectory: true)
        let generator = CaseGenerator(catalog: catalog)
        let writer = try CourseWriter(
            outputDirectory: course, title: "Schema check (\(mix.rawValue))", generatorVersion: CaseGenerator.version,
            courseId: CourseSeed(demonstration: 20_260_601).courseId, overwrite: false)
        var stagesSeen: Set<Stage> = []
        for planned in plan {
            let made = try generator.generate(planned)
            stagesSeen.formUnion(made.inspectionCase.stages)
            try writer.add(case: made.inspectionCase, key: made.key)
        }
        let index = try writer.finish()
        #expect(index.caseIds.count == 60)
        #expect(stagesSeen == Set(Stage.allCases), "the course exercises every stage's schema")

        let problems = validator.validate(courseDirectory: course)
        #expect(problems.isEmpty, "\(problems.prefix(10).map(\.description).joined(separator: "\n"))")

        // The trainee pack alone (keys handed to the instructor elsewhere) is valid too.
        let keys = folder.appendingPathComponent("keys", isDirectory: true)
        try FileManager.default.moveItem(at: course.appendingPathComponent("keys"), to: keys)
        #expect(validator.validate(courseDirectory: course).isEmpty)
        #expect(validator.validate(courseDirectory: course, keysDirectory: keys).isEmpty)
    }
}
