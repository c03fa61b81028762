import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Testing

@Suite("cargosim generate, end to end")
struct GenerateCommandTests {
    @Test func theFoundationCurriculumWritesFortyCasesAndFortyKeysThatValidate() throws {
        try Sandbox.with { box in
            // Paperwork only: the scans of a course are rendered end to end by ScanEndToEndTests and
            // `make run`; forty debug-build renders here would only make this test a race against the clock.
            let result = try box.cargosim(
                "generate", "--seed", "7", "--count", "40", "--mix", Checkout.foundationMix.path, "--out", "course",
                "--no-scans")
            #expect(result.succeeded, "\(result)")
            #expect(result.stdout.contains("40"), "the summary names the number of cases\n\(result)")
            #expect(box.entries() == ["course"], "only the course is left, no working folder")
            #expect(box.entries("course") == ["cases", "course.json", "keys", "stages"])

            let index = try CanonicalJSON.decode(
                CourseIndex.self, from: Data(contentsOf: box.path("course/course.json")), file: "course.json")
            #expect(index.caseIds.count == 40)
            #expect(Set(index.caseIds).count == 40)
            #expect(box.entries("course/cases") == index.caseIds.sorted())
            #expect(
                box.entries("course/keys")
                    == (index.caseIds.flatMap { [$0 + ".json", $0 + ".scene.json"] } + ["course-seed.json"]).sorted())
            for id in index.caseIds {
                #expect(box.entries("course/cases/\(id)").contains("case.json"), "cases/\(id) has its case.json")
            }

            let validation = try box.cargosim("validate", "course")
            #expect(validation.succeeded, "\(validation)")
            #expect(validation.stdout.contains("valid"), "\(validation)")
        }
    }

    @Test func twoProcessesWithTheSameSeedAndMixWriteByteIdenticalCoursesAndAnotherSeedDiffers() throws {
        try Sandbox.with { box in
            let first = try fileTree(try box.generateFoundationCourse(into: "first", seed: 7))
            let second = try fileTree(try box.generateFoundationCourse(into: "second", seed: 7))
            let other = try fileTree(try box.generateFoundationCourse(into: "other", seed: 8))

            var cases = 0, scenes = 0, keys = 0, stages = 0
            for path in first.keys where path.hasSuffix(".json") {
                if path.hasSuffix("/case.json") {
                    cases += 1
                } else if path.hasSuffix(".scene.json") {
                    scenes += 1
                } else if path.hasPrefix("keys/") {
                    keys += 1
                } else if path.hasPrefix("stages/") {
                    stages += 1
                }
            }
            #expect(cases == 40)
            #expect(scenes == 40, "a scene per case in the keys")
            #expect(keys == 41, "40 keys and the course seed")
            #expect(stages > 40, "the later stages in their stage packs")
            #expect(first.keys.sorted() == second.keys.sorted())
            let differing = first.keys.filter { first[$0] != second[$0] }.sorted()
            #expect(differing.isEmpty, "files that differ between two runs with seed 7: \(differing.prefix(5))")

            #expect(first["course.json"] != other["course.json"])
            let sameBytes = first.keys.filter { $0 != "course.json" && first[$0] == other[$0] }
            #expect(sameBytes.isEmpty, "seed 8 repeats files of seed 7: \(sameBytes.prefix(5))")
        }
    }

    // MARK: Bad input

    /// A spec or mix that `generate` must refuse, and what the error must say.
    struct BadInput: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var option: String = "--spec"
        var file: String
        var yaml: String
        /// `file:line:column`.
        var location: String
        /// The offending value as the error quotes it.
        var value: String
        /// Words of the sentence that says how to fix it.
        var fix: [String]
    }

    static let badInputs: [BadInput] = [
        BadInput(
            testDescription: "malformed YAML", file: "malformed.yaml",
            yaml: "name: broken indentation\nscenario: clean\n  vantage: import\n",
            location: "malformed.yaml:3:10", value: "  vantage: import", fix: ["check the indentation"]),
        BadInput(
            testDescription: "an unknown commodity", file: "unknown-commodity.yaml",
            yaml: "name: unknown goods\nscenario: clean\ngoods:\n  - commodity: unobtainium\n",
            location: "unknown-commodity.yaml:4:16", value: "\"unobtainium\"", fix: ["commodities.json"]),
        BadInput(
            testDescription: "an unknown port", file: "unknown-port.yaml",
            yaml: "name: unknown port\nscenario: clean\nroute:\n  origin: ZZZZZ\n",
            location: "unknown-port.yaml:4:11", value: "\"ZZZZZ\"", fix: ["ports.json"]),
        BadInput(
            testDescription: "cargo over the container's maximum gross", file: "over-max-gross.yaml",
            yaml: """
                name: too heavy
                scenario: clean
                containerType: 22G1
                goods:
                  - commodity: ceramic-tiles
                    packages: 5000

                """,
            location: "over-max-gross.yaml:4:1", value: "\"\(ceramicTilesKG(packages: 5000)) kg\"",
            fix: ["22G1", "maximum gross of \(ContainerType.named("22G1")?.maxGrossKG ?? 0) kg", "reduce the packages"]),
        BadInput(
            testDescription: "illegal characters in a seal number", file: "illegal-seal.yaml",
            yaml: "name: bad seal\nscenario: clean\nsealNumber: \"AB 12-34\"\n",
            location: "illegal-seal.yaml:3:13", value: "\"AB 12-34\"", fix: ["capital letters", "no spaces"]),
        BadInput(
            testDescription: "an unknown key", file: "typo.yaml", yaml: "name: typo\nscenaro: clean\n",
            location: "typo.yaml:2:1", value: "\"scenaro\"", fix: ["did you mean `scenario:`"]),
        BadInput(
            testDescription: "a mix with a prevalence of 1.5", option: "--mix", file: "bad-prevalence.yaml",
            yaml: "name: too many\ncount: 10\nprevalence: 1.5\n",
            location: "bad-prevalence.yaml:3:13", value: "\"1.5\"", fix: ["between 0 and 1"]),
    ]

    /// The gross mass of `packages` packages of ceramic tiles, from the real catalogue.
    static func ceramicTilesKG(packages: Int) -> Int {
        let catalog = try? CatalogLoader().load(from: Checkout.assets)
        let tiles = catalog?.commodities.first { $0.id == "ceramic-tiles" }
        return Int((Double(packages) * (tiles?.packageGrossKG ?? 0)).rounded())
    }

    @Test(arguments: badInputs)
    func badInputFailsWithFileLineValueAndFixAndWritesNothing(_ input: BadInput) throws {
        try Sandbox.with { box in
            try box.write(input.yaml, to: input.file)
            let result = try box.cargosim("generate", "--seed", "7", input.option, input.file, "--out", "course")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains(input.location + ": error"), "names file:line:column\n\(result)")
            #expect(result.stderr.contains(input.value), "quotes the value\n\(result)")
            for words in input.fix {
                #expect(result.stderr.contains(words), "says how to fix it (\(words))\n\(result)")
            }
            #expect(!result.stdout.contains("Wrote"), "\(result)")
            #expect(box.entries() == [input.file], "no course and no .partial folder is left")
        }
    }

    @Test func anOutputFolderBelowARegularFileFailsAndWritesNothing() throws {
        try Sandbox.with { box in
            try box.write("not a folder\n", to: "file")
            let result = try box.cargosim("generate", "--seed", "7", "--count", "2", "--out", "file/course")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("/file: error"), "names the path that cannot hold the course\n\(result)")
            #expect(result.stderr.contains("choose an --out"), "says how to fix it\n\(result)")
            #expect(box.entries() == ["file"], "no course and no .partial folder is left")
            #expect(try String(contentsOf: box.path("file"), encoding: .utf8) == "not a folder\n")
        }
    }

    @Test func aNonEmptyOutputFolderIsRefusedWithoutForceAndLeftAsItWas() throws {
        try Sandbox.with { box in
            try box.write("keep me\n", to: "course/notes.txt")
            try box.write("and me\n", to: "course/drafts/plan.txt")
            let before = try fileTree(box.path("course"))
            let result = try box.cargosim("generate", "--seed", "7", "--count", "2", "--out", "course")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("/course: error"), "names the folder\n\(result)")
            #expect(result.stderr.contains("not empty"), "says what is wrong\n\(result)")
            #expect(result.stderr.contains("--force"), "says how to fix it\n\(result)")
            #expect(try fileTree(box.path("course")) == before, "the folder's content is untouched")
            #expect(box.entries() == ["course"], "no .partial folder is left")
        }
    }

    @Test func forceNeverReplacesAFolderThatHoldsNoCourse() throws {
        try Sandbox.with { box in
            try box.write("thesis\n", to: "work/chapter1.txt")
            let before = try fileTree(box.path("work"))
            let result = try box.cargosim("generate", "--seed", "7", "--count", "2", "--out", "work", "--force")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("/work: error"), "\(result)")
            #expect(try fileTree(box.path("work")) == before)
            #expect(box.entries() == ["work"])
        }
    }

    @Test func forceReplacesAnExistingCourseWithTheNewOne() throws {
        try Sandbox.with { box in
            #expect(try box.cargosim("generate", "--seed", "7", "--count", "2", "--out", "course").succeeded)
            let old = try Data(contentsOf: box.path("course/course.json"))
            let result = try box.cargosim("generate", "--seed", "8", "--count", "3", "--out", "course", "--force")
            #expect(result.succeeded, "\(result)")
            #expect(try Data(contentsOf: box.path("course/course.json")) != old)
            #expect(box.entries("course/cases").count == 3)
            #expect(box.entries() == ["course"], "neither the old course nor a working folder is left beside it")
            #expect(try box.cargosim("validate", "course").succeeded)
        }
    }

    @Test(arguments: [
        (["--count", "0"], "--count"),
        (["--count", "100001"], "--count"),
        (
            [
                "--mix", Checkout.foundationMix.path, "--spec",
                Checkout.cases.path + "/specs/clean/aeo-copper-export.yaml",
            ],
            "--mix"
        ),
    ])
    func optionsThatContradictOrAreOutOfRangeAreRejectedBeforeAnythingIsWritten(
        _ options: [String], _ named: String
    ) throws {
        try Sandbox.with { box in
            let result = try box.cargosim(["generate", "--seed", "7", "--out", "course"] + options)
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("Give"), "the message starts with the fix\n\(result)")
            #expect(result.stderr.contains(named), "names the option\n\(result)")
            #expect(box.entries() == [], "nothing is written")
        }
    }
}
