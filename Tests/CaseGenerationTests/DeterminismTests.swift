import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Testing

@Suite struct DeterminismTests {
    @Test func theSameSeedAndSpecGiveTheSameBytes() throws {
        for scenario in Scenario.allCases {
            let spec = CaseSpec(scenario: scenario)
            let a = try Repository.generator.generate(spec, seed: 123_456_789_012)
            let b = try CaseGenerator(catalog: Repository.catalog).generate(spec, seed: 123_456_789_012)
            #expect(try json(a.inspectionCase) == json(b.inspectionCase))
            #expect(try json(a.key) == json(b.key))
        }
    }

    @Test func anotherSeedGivesAnotherCase() throws {
        let a = try Repository.generator.generate(CaseSpec(scenario: .clean), seed: 1)
        let b = try Repository.generator.generate(CaseSpec(scenario: .clean), seed: 2)
        #expect(try json(a.inspectionCase) != json(b.inspectionCase))
    }

    /// Golden hash of a small course: five cases of the foundation mix, case and key JSON in order.
    /// When a change to the generator changes it on purpose, bump `CaseGenerator.version` and
    /// update the hash here in the same commit.
    @Test func aSmallCourseMatchesItsGoldenHash() throws {
        var mix = CurriculumMix(count: 5, prevalence: 0.6)
        mix.difficultyEnd = 5
        var bytes: [UInt8] = []
        for planned in planCourse(mix, seed: 20_261_129) {
            let made = try Repository.generator.generate(planned)
            bytes += try CanonicalJSON.encode(made.inspectionCase)
            bytes += try CanonicalJSON.encode(made.key)
        }
        let hash = FileDigest.hex(FileDigest.hash(bytes))
        #expect(CaseGenerator.version == "1.11.0")
        #expect(hash == Self.golden, "golden course hash changed: \(hash)")
    }

    static let golden = "1e9bcc5b82928d7799e5b855a0868fd819eb5fb1910fb9dec8ab13f21730577e"
}
