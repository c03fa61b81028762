import CargoModel
import CaseBundle
import Foundation
import Testing

@Suite("CourseValidator")
struct CourseValidatorTests {
    let validator: CourseValidator

    init() throws { validator = try CourseValidator(schemas: Samples.schemas()) }

    /// A fresh sample course in a temporary folder.
    func course() throws -> (TemporaryFolder, URL) {
        let tmp = try TemporaryFolder()
        try CourseWriterTests.writeSampleCourse(to: tmp.path("course"))
        return (tmp, tmp.path("course"))
    }

    @Test("a course as written has no problems, with or without its keys")
    func writtenCourseIsValid() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        #expect(validator.validate(courseDirectory: out) == [])
        try FileManager.default.moveItem(at: out.appendingPathComponent("keys"), to: tmp.path("keys"))
        #expect(validator.validate(courseDirectory: out) == [])
        #expect(validator.validate(courseDirectory: out, keysDirectory: tmp.path("keys")) == [])
    }

    @Test("a missing case folder is reported (and not also as a hash mismatch)")
    func missingCase() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        try FileManager.default.removeItem(at: out.appendingPathComponent("cases/B2"))
        let problems = validator.validate(courseDirectory: out)
        #expect(problems.map(\.code) == ["course.missingCase"])
        #expect(problems.first?.file == "cases/B2")
    }

    @Test("a stray key and a missing key are reported")
    func strayAndMissingKeys() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        try FileManager.default.copyItem(
            at: out.appendingPathComponent("keys/B2.json"), to: out.appendingPathComponent("keys/ZZ9.json"))
        try FileManager.default.removeItem(at: out.appendingPathComponent("keys/K7Q2.json"))
        let problems = validator.validate(courseDirectory: out)
        #expect(problems.contains { $0.code == "course.strayKey" && $0.file == "keys/ZZ9.json" })
        #expect(problems.contains { $0.code == "course.missingKey" && $0.file == "keys/K7Q2.json" })
        #expect(!problems.contains { $0.file == "keys/K7Q2.scene.json" })
    }

    @Test("a key for another case is reported")
    func keyForAnotherCase() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        try CanonicalJSON.encode(Samples.minimalKey(caseId: "K7Q2")).write(
            to: out.appendingPathComponent("keys/B2.json"))
        #expect(validator.validate(courseDirectory: out).map(\.code) == ["course.keyMismatch"])
    }

    @Test("a case.json edited after writing is named as the changed file")
    func tamperedCase() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        var edited = Samples.minimalCase(id: "B2")
        edited.targeting.billOfLading.vessel = "OTHER VESSEL"
        try CanonicalJSON.encode(edited).write(to: out.appendingPathComponent("cases/B2/case.json"))
        let problems = validator.validate(courseDirectory: out)
        #expect(problems.map(\.code) == ["course.fileChanged"])
        #expect(problems.first?.file == "cases/B2/case.json")
    }

    @Test("a missing scan or door drawing is named, not only a hash mismatch")
    func missingStageFile() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        try FileManager.default.removeItem(at: out.appendingPathComponent("stages/screening/K7Q2/scan.png"))
        try FileManager.default.removeItem(at: out.appendingPathComponent("stages/examination/K7Q2/door.svg"))
        let problems = validator.validate(courseDirectory: out)
        #expect(problems.map(\.code) == ["course.missingFile", "course.missingFile"])
        #expect(
            Set(problems.compactMap(\.file)) == [
                "stages/screening/K7Q2/scan.png", "stages/examination/K7Q2/door.svg",
            ])
    }

    @Test("course.json edited by hand (its file list no longer gives its hash) is reported")
    func tamperedIndex() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        let url = out.appendingPathComponent("course.json")
        var index = try CanonicalJSON.decode(CourseIndex.self, from: Data(contentsOf: url), file: "course.json")
        index.files["stages/screening/K7Q2/scan.png"] = String(repeating: "0", count: 64)
        try CanonicalJSON.encode(index).write(to: url)
        let codes = validator.validate(courseDirectory: out).map(\.code)
        #expect(codes.contains("course.hash") && codes.contains("course.fileChanged"))
    }

    @Test("a trainee pack without the later stage packs is valid; a released stage pack must be whole")
    func unreleasedStages() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        try FileManager.default.removeItem(at: out.appendingPathComponent("keys"))
        try FileManager.default.removeItem(at: out.appendingPathComponent("stages/examination"))
        try FileManager.default.removeItem(at: out.appendingPathComponent("stages/evidence"))
        #expect(validator.validate(courseDirectory: out) == [], "screening released, examination and evidence not yet")
        let reader = try CourseReader(courseDirectory: out)
        let partial = try reader.readCase("K7Q2")
        #expect(partial.screening != nil && partial.examination == nil && partial.evidence == nil)
        #expect(throws: BundleError.self) { try reader.readCompleteCase("K7Q2") }
        try FileManager.default.removeItem(at: out.appendingPathComponent("stages/screening/K7Q2/screening.json"))
        #expect(validator.validate(courseDirectory: out).map(\.code) == ["course.missingFile"])
    }

    @Test("a later stage written back into case.json is reported: the trainee pack would give it away")
    func stageInCase() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        try CanonicalJSON.encode(Samples.fullCase(id: "K7Q2")).write(
            to: out.appendingPathComponent("cases/K7Q2/case.json"))
        let codes = validator.validate(courseDirectory: out).map(\.code)
        #expect(codes.contains("course.stageInCase") && codes.contains("course.fileChanged"))
    }

    @Test("an added file in a case folder is reported; a .DS_Store is not")
    func addedFiles() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        try Data().write(to: out.appendingPathComponent("cases/B2/.DS_Store"))
        #expect(validator.validate(courseDirectory: out) == [])
        try Data("x".utf8).write(to: out.appendingPathComponent("cases/B2/notes.txt"))
        try Data("x".utf8).write(to: out.appendingPathComponent("stages/screening/K7Q2/extra.png"))
        let problems = validator.validate(courseDirectory: out)
        #expect(problems.map(\.code) == ["course.strayFile", "course.strayFile"])
        #expect(Set(problems.compactMap(\.file)) == ["cases/B2/notes.txt", "stages/screening/K7Q2/extra.png"])
    }

    @Test("a schema violation names the file and the field")
    func schemaViolation() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        let file = out.appendingPathComponent("cases/K7Q2/case.json")
        let json = try JSONValue(parsing: Data(contentsOf: file)).setting(
            ["targeting", "billOfLading", "goods", "1", "hsCode"], to: .string("80.39"))
        try JSONEncoder().encode(AnyJSON(json)).write(to: file)
        let problems = validator.validate(courseDirectory: out)
        #expect(
            problems.contains {
                $0.code == "schema.violation" && $0.file == "cases/K7Q2/case.json"
                    && $0.field == "targeting.billOfLading.goods[1].hsCode"
            })
        #expect(problems.contains { $0.code == "course.fileChanged" })
    }

    @Test("a key field smuggled into a case is a schema violation")
    func keyFieldInCase() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        let file = out.appendingPathComponent("cases/B2/case.json")
        let json = try JSONValue(parsing: Data(contentsOf: file)).setting(["scenario"], to: .string("ripOnRipOff"))
        try JSONEncoder().encode(AnyJSON(json)).write(to: file)
        #expect(
            validator.validate(courseDirectory: out).contains {
                $0.code == "schema.violation" && $0.field == "scenario"
            })
    }

    @Test("the model's own validation runs on every case")
    func modelValidation() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        var broken = Samples.minimalCase(id: "B2")
        broken.stages = [.targeting, .screening]  // listed, but there is no screening stage
        try CanonicalJSON.encode(broken).write(to: out.appendingPathComponent("cases/B2/case.json"))
        let problems = validator.validate(courseDirectory: out)
        #expect(
            problems.contains {
                $0.code == "course.stageMissing" && $0.file == "stages/screening/B2/screening.json"
            })
        // A stage document present but not listed is the model's own error, placed in its file.
        var unlisted = Samples.fullCase(id: "K7Q2").targetingPart
        unlisted.stages = [.targeting, .examination, .evidence]
        try CanonicalJSON.encode(unlisted).write(to: out.appendingPathComponent("cases/K7Q2/case.json"))
        #expect(
            validator.validate(courseDirectory: out).contains {
                $0.code == "case.stages" && $0.file == "stages/screening/K7Q2/screening.json"
            })
    }

    @Test("unlisted case folders, stray files in cases/ and a case carrying another id are reported")
    func unlistedAndMismatched() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        try FileManager.default.copyItem(
            at: out.appendingPathComponent("cases/B2"), to: out.appendingPathComponent("cases/EXTRA"))
        try Data().write(to: out.appendingPathComponent("cases/readme.txt"))
        try CanonicalJSON.encode(Samples.minimalCase(id: "B3")).write(
            to: out.appendingPathComponent("cases/B2/case.json"))
        let codes = validator.validate(courseDirectory: out).map(\.code)
        #expect(codes.contains("course.unlistedCase"))
        #expect(codes.contains("course.strayFile"))
        #expect(codes.contains("course.caseId"))
    }

    @Test(
        "a missing or broken course.json is reported and stops the check",
        arguments: ["", "{\"formatVersion\": 1,", "[]"])
    func brokenIndex(text: String) throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        let file = out.appendingPathComponent("course.json")
        if text.isEmpty { try FileManager.default.removeItem(at: file) } else { try Data(text.utf8).write(to: file) }
        let problems = validator.validate(courseDirectory: out)
        #expect(problems.count >= 1)
        #expect(problems.allSatisfy { $0.file == "course.json" })
    }

    @Test("duplicate and unsafe ids in course.json are reported")
    func badIdsInIndex() throws {
        let (tmp, out) = try course()
        defer { tmp.remove() }
        var index = try CourseReader(courseDirectory: out).index
        index.caseIds += ["k7q2", "../x"]
        try CanonicalJSON.encode(index).write(to: out.appendingPathComponent("course.json"))
        let codes = validator.validate(courseDirectory: out).map(\.code)
        #expect(codes.contains("course.duplicateCaseId"))
        #expect(codes.contains("schema.violation"))
    }

    @Test("single files: a valid decision and attempt pass; a referral without an agency fails the model check")
    func singleFiles() throws {
        let decision = Decision(
            stage: .evidence, disposition: .referToAgency, agency: .police, shownAt: Samples.instant,
            decidedAt: Samples.instant.adding(minutes: 1), clock: .client)
        #expect(validator.validate(json: try CanonicalJSON.encode(decision), file: "d.json", kind: .decision) == [])
        var withoutAgency = decision
        withoutAgency.agency = nil
        let problems = validator.validate(
            json: try CanonicalJSON.encode(withoutAgency), file: "d.json", kind: .decision)
        #expect(problems.map(\.code) == ["decision.agency"])
        let attempt = Attempt(
            caseId: "K7Q2", courseHash: String(repeating: "0", count: 64), traineeId: "t1", mode: .test,
            decisions: [decision])
        #expect(validator.validate(json: try CanonicalJSON.encode(attempt), file: "a.json", kind: .attempt) == [])
        #expect(validator.validate(json: Data("{".utf8), file: "a.json", kind: .attempt).map(\.code) == ["json.syntax"])
    }
}
