import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Testing

@Suite("CourseWriter")
struct CourseWriterTests {
    static let scan = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])

    /// Writes a two-case course (one full with extra files, one minimal) to `out`.
    @discardableResult
    static func writeSampleCourse(to out: URL, overwrite: Bool = false, title: String? = "Foundation") throws
        -> CourseIndex
    {
        let writer = try CourseWriter(
            outputDirectory: out, title: title, generatorVersion: "0.1.0", courseId: "course-1",
            overwrite: overwrite)
        try writer.add(
            case: Samples.fullCase(id: "K7Q2"), key: Samples.fullKey(caseId: "K7Q2"),
            extraCaseFiles: ["scan.png": scan, "door.svg": Data("<svg/>".utf8)],
            extraKeyFiles: ["K7Q2.scene.json": Data("{}\n".utf8)])
        try writer.add(case: Samples.minimalCase(id: "B2"), key: Samples.minimalKey(caseId: "B2"))
        return try writer.finish()
    }

    static func entries(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    static func partials(in folder: URL) -> [String] { entries(folder).filter { $0.contains(".partial-") } }

    @Test("writes course.json, the targeting stage in cases/<id>/, each later stage in its pack, and keys/")
    func writesDocumentedLayout() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let out = tmp.path("course")
        let index = try Self.writeSampleCourse(to: out)

        #expect(Self.entries(out) == ["cases", "course.json", "keys", "stages"])
        #expect(Self.entries(out.appendingPathComponent("cases")) == ["B2", "K7Q2"])
        #expect(Self.entries(tmp.path("course", "cases", "K7Q2")) == ["case.json"])
        #expect(Self.entries(tmp.path("course", "cases", "B2")) == ["case.json"])
        #expect(Self.entries(tmp.path("course", "stages")) == ["evidence", "examination", "screening"])
        #expect(Self.entries(tmp.path("course", "stages", "screening", "K7Q2")) == ["scan.png", "screening.json"])
        #expect(Self.entries(tmp.path("course", "stages", "examination", "K7Q2")) == ["door.svg", "examination.json"])
        #expect(Self.entries(tmp.path("course", "stages", "evidence", "K7Q2")) == ["evidence.json"])
        #expect(Self.entries(tmp.path("course", "stages", "screening")) == ["K7Q2"], "B2 stops at targeting")
        #expect(Self.entries(out.appendingPathComponent("keys")) == ["B2.json", "K7Q2.json", "K7Q2.scene.json"])
        #expect(Self.partials(in: tmp.url) == [])

        #expect(index.caseIds == ["K7Q2", "B2"])
        #expect(index.formatVersion == 2)
        let full = Samples.fullCase(id: "K7Q2")
        let caseData = try Data(contentsOf: tmp.path("course", "cases", "K7Q2", "case.json"))
        #expect(caseData == (try CanonicalJSON.encode(full.targetingPart)), "case.json holds targeting only")
        #expect(
            try Data(contentsOf: tmp.path("course", "stages", "examination", "K7Q2", "examination.json"))
                == CanonicalJSON.encode(full.examination!))
        #expect(try CourseReader(courseDirectory: out).readCompleteCase("K7Q2") == full, "the packs make the whole case")
        #expect(
            try Data(contentsOf: tmp.path("course", "keys", "B2.json"))
                == CanonicalJSON.encode(Samples.minimalKey(caseId: "B2")))
        #expect(try Data(contentsOf: tmp.path("course", "stages", "screening", "K7Q2", "scan.png")) == Self.scan)
        #expect(try Data(contentsOf: out.appendingPathComponent("course.json")) == CanonicalJSON.encode(index))

        // Every file is listed with its digest, and the hash follows its definition, spelled out
        // independently of CourseHasher.
        let k7q2 = [
            "cases/K7Q2/case.json", "stages/evidence/K7Q2/evidence.json", "stages/examination/K7Q2/door.svg",
            "stages/examination/K7Q2/examination.json", "stages/screening/K7Q2/scan.png",
            "stages/screening/K7Q2/screening.json",
        ]
        #expect(index.files.keys.sorted() == (k7q2 + ["cases/B2/case.json"]).sorted())
        var text = "K7Q2\n"
        for path in k7q2 {
            let digest = FileDigest.hex(try Data(contentsOf: out.appendingPathComponent(path)))
            #expect(index.files[path] == digest, "\(path)")
            text += path + "\n" + digest + "\n"
        }
        text += "B2\n" + "cases/B2/case.json\n" + FileDigest.hex(try Data(contentsOf: tmp.path("course", "cases", "B2", "case.json")))
            + "\n"
        #expect(index.courseHash == FileDigest.hex(Array(text.utf8)))
        #expect(index.recomputedHash == index.courseHash)
    }

    @Test("the grader pack is the owner's alone: keys/ mode 700, keys and the course seed mode 600")
    func graderPackIsPrivate() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let out = tmp.path("course")
        let writer = try CourseWriter(
            outputDirectory: out, title: nil, generatorVersion: "0.1.0", courseId: CourseSeed(demonstration: 3).courseId,
            overwrite: false, courseSeed: CourseSeed(demonstration: 3))
        try writer.add(
            case: Samples.fullCase(id: "K7Q2"), key: Samples.fullKey(caseId: "K7Q2"),
            extraKeyFiles: ["K7Q2.scene.json": Data("{}\n".utf8)])
        try writer.finish()
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(path).path)[.posixPermissions]
                as? Int) ?? -1
        }
        #expect(try mode("keys") == 0o700)
        for name in ["K7Q2.json", "K7Q2.scene.json", "course-seed.json"] { #expect(try mode("keys/" + name) == 0o600) }
        let record = try CanonicalJSON.decode(
            CourseSeedRecord.self, from: Data(contentsOf: out.appendingPathComponent("keys/course-seed.json")),
            file: "course-seed.json")
        #expect(record.courseSeed == CourseSeed(demonstration: 3).text)
        #expect(record.courseId == CourseSeed(demonstration: 3).courseId)
        let validator = try CourseValidator(schemaDirectory: Samples.schemaDirectory)
        #expect(validator.validate(courseDirectory: out).isEmpty, "the seed record belongs in keys/")
    }

    @Test("course.json holds no seed, scenario or other key field")
    func indexIsTraineeSafe() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        try Self.writeSampleCourse(to: tmp.path("course"))
        let text = try String(contentsOf: tmp.path("course", "course.json"), encoding: .utf8)
        for word in ["seed", "scenario", "18446744073709551615", "ripOnRipOff", "expectations", "irregular"] {
            #expect(!text.contains(word))
        }
        guard case let .object(members) = try JSONValue(parsing: Data(text.utf8)) else { return }
        #expect(
            Set(members.keys) == [
                "caseIds", "courseHash", "courseId", "files", "formatVersion", "generatorVersion", "title",
            ])
    }

    @Test("writing the same cases twice gives byte-identical files and the same hash")
    func deterministic() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let a = try Self.writeSampleCourse(to: tmp.path("a"))
        let b = try Self.writeSampleCourse(to: tmp.path("b"))
        #expect(a == b)
        for file in ["course.json", "cases/K7Q2/case.json", "cases/B2/case.json", "keys/K7Q2.json"] {
            #expect(try Data(contentsOf: tmp.path("a", file)) == Data(contentsOf: tmp.path("b", file)))
        }
    }

    @Test("refuses a non-empty output folder without overwrite and leaves it untouched")
    func refusesNonEmptyFolder() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let out = tmp.path("course")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
        do {
            _ = try CourseWriter(
                outputDirectory: out, title: nil, generatorVersion: "0.1.0", courseId: "c", overwrite: false)
            Issue.record("the writer should refuse")
        } catch {
            #expect(error.code == "course.outputNotEmpty")
            #expect(error.message.contains("choose an empty folder or pass --force"))
        }
        #expect(Self.entries(out) == ["notes.txt"])
        #expect(Self.partials(in: tmp.url) == [])
    }

    @Test("overwrite still refuses a non-empty folder that holds no course")
    func overwriteRefusesNonCourse() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        try Data("mine".utf8).write(to: tmp.path("notes.txt"))
        do {
            _ = try CourseWriter(
                outputDirectory: tmp.url, title: nil, generatorVersion: "0.1.0", courseId: "c", overwrite: true)
            Issue.record("the writer should refuse")
        } catch {
            #expect(error.code == "course.notACourse")
        }
        #expect(Self.entries(tmp.url) == ["notes.txt"])
    }

    @Test("accepts an existing empty folder and creates missing parents")
    func emptyFolderAndMissingParents() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        try FileManager.default.createDirectory(at: tmp.path("empty"), withIntermediateDirectories: true)
        try Self.writeSampleCourse(to: tmp.path("empty"))
        try Self.writeSampleCourse(to: tmp.path("new", "deeper", "course"))
        #expect(Self.entries(tmp.path("empty")) == ["cases", "course.json", "keys", "stages"])
        #expect(Self.entries(tmp.path("new", "deeper", "course")) == ["cases", "course.json", "keys", "stages"])
    }

    @Test("abandon leaves neither a course nor a partial folder; so does dropping an unfinished writer")
    func abandonLeavesNothing() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let out = tmp.path("course")
        let writer = try CourseWriter(
            outputDirectory: out, title: nil, generatorVersion: "0.1.0", courseId: "c", overwrite: false)
        try writer.add(case: Samples.minimalCase(), key: Samples.minimalKey())
        #expect(Self.partials(in: tmp.url).count == 1)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        writer.abandon()
        #expect(Self.entries(tmp.url) == [])
        #expect(throws: BundleError.self) { try writer.finish() }

        do {
            let dropped = try CourseWriter(
                outputDirectory: out, title: nil, generatorVersion: "0.1.0", courseId: "c", overwrite: false)
            try dropped.add(case: Samples.minimalCase(), key: Samples.minimalKey())
        }
        #expect(Self.entries(tmp.url) == [])
    }

    @Test("a new writer removes partial folders left by crashed runs but not those of live processes")
    func cleansStalePartials() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let stale = [
            ".course.partial-stale", ".course.partial-2147483646-0badc0de", ".course.partial-2147483646-1-old",
        ]
        let live = ".course.partial-1-feedface"  // pid 1 always runs
        for name in stale + [live, ".other.partial-stale"] {
            try FileManager.default.createDirectory(at: tmp.path(name, "cases"), withIntermediateDirectories: true)
        }
        try Self.writeSampleCourse(to: tmp.path("course"))
        #expect(Self.entries(tmp.url) == [".course.partial-1-feedface", ".other.partial-stale", "course"])
    }

    @Test("refuses a second case with the same id (also differing only in case), and stays usable")
    func duplicateIds() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let writer = try CourseWriter(
            outputDirectory: tmp.path("c"), title: nil, generatorVersion: "0.1.0", courseId: "c",
            overwrite: false)
        try writer.add(case: Samples.minimalCase(id: "abc"), key: Samples.minimalKey(caseId: "abc"))
        for id in ["abc", "ABC"] {
            do {
                try writer.add(case: Samples.minimalCase(id: id), key: Samples.minimalKey(caseId: id))
                Issue.record("duplicate \(id) should be refused")
            } catch {
                #expect(error.code == "course.duplicateCaseId")
                #expect(error.value == id)
                #expect(error.message.contains(id))
            }
        }
        #expect(try writer.finish().caseIds == ["abc"])
    }

    @Test(
        "refuses ids that are not safe folder names",
        arguments: ["", "../x", "a/b", "a.b", "-a", "a b", "ñ", String(repeating: "a", count: 65)])
    func unsafeIds(id: String) throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let writer = try CourseWriter(
            outputDirectory: tmp.path("c"), title: nil, generatorVersion: "0.1.0", courseId: "c", overwrite: false)
        defer { writer.abandon() }
        let error = #expect(throws: BundleError.self) {
            try writer.add(case: Samples.minimalCase(id: id), key: Samples.minimalKey(caseId: id))
        }
        #expect(error?.code == "course.caseId")
    }

    @Test("refuses a key for another case, and extra files with unsafe or clashing names")
    func keyMismatchAndFileNames() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let writer = try CourseWriter(
            outputDirectory: tmp.path("c"), title: nil, generatorVersion: "0.1.0", courseId: "c", overwrite: false)
        defer { writer.abandon() }
        let mismatch = #expect(throws: BundleError.self) {
            try writer.add(case: Samples.minimalCase(id: "A1"), key: Samples.minimalKey(caseId: "B1"))
        }
        #expect(mismatch?.code == "course.keyMismatch")
        for extra in [["case.json": Data()], ["../x.png": Data()], [".hidden": Data()], ["scan.png.tmp": Data()]] {
            let error = #expect(throws: BundleError.self) {
                try writer.add(
                    case: Samples.minimalCase(id: "A1"), key: Samples.minimalKey(caseId: "A1"), extraCaseFiles: extra)
            }
            #expect(error?.code == "course.fileName")
        }
        for extra in [["A1.json": Data()], ["B1.scene.json": Data()], ["scene.json": Data()]] {
            let error = #expect(throws: BundleError.self) {
                try writer.add(
                    case: Samples.minimalCase(id: "A1"), key: Samples.minimalKey(caseId: "A1"), extraKeyFiles: extra)
            }
            #expect(error?.code == "course.fileName")
        }
        #expect(writer.caseCount == 0)
    }

    @Test("an output under a regular file fails with an error naming the folder and what to do")
    func unwritableParent() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        try Data("x".utf8).write(to: tmp.path("file"))
        do {
            _ = try CourseWriter(
                outputDirectory: tmp.path("file", "course"), title: nil, generatorVersion: "0.1.0", courseId: "c",
                overwrite: false)
            Issue.record("the writer should fail")
        } catch {
            #expect(error.code == "io.unwritable")
            #expect(error.file?.hasSuffix("/file") == true)
            #expect(error.message.contains("--out"))
        }
    }

    @Test("an output that is a regular file is refused")
    func outputIsAFile() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        try Data("x".utf8).write(to: tmp.path("file"))
        let error = #expect(throws: BundleError.self) {
            try CourseWriter(
                outputDirectory: tmp.path("file"), title: nil, generatorVersion: "0.1.0", courseId: "c", overwrite: true
            )
        }
        #expect(error?.code == "course.outputNotFolder")
    }

    @Test("with overwrite, the old course stays whole until finish, then the new one replaces it in one step")
    func atomicReplace() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let out = tmp.path("course")
        let old = try Self.writeSampleCourse(to: out, title: "old")
        let oldIndexBytes = try Data(contentsOf: out.appendingPathComponent("course.json"))

        let writer = try CourseWriter(
            outputDirectory: out, title: "new", generatorVersion: "0.1.0", courseId: "course-2", overwrite: true)
        try writer.add(case: Samples.fullCase(id: "NEW1"), key: Samples.fullKey(caseId: "NEW1"))
        #expect(try Data(contentsOf: out.appendingPathComponent("course.json")) == oldIndexBytes)
        #expect(Self.entries(out.appendingPathComponent("cases")) == ["B2", "K7Q2"])
        let new = try writer.finish()

        #expect(new.caseIds == ["NEW1"])
        #expect(new.courseHash != old.courseHash)
        #expect(Self.entries(out.appendingPathComponent("cases")) == ["NEW1"])
        #expect(Self.entries(out.appendingPathComponent("keys")) == ["NEW1.json"])
        #expect(Self.entries(tmp.url) == ["course"])
    }

    @Test("abandoning an overwrite leaves the old course as it was")
    func abandonedOverwriteKeepsOldCourse() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let out = tmp.path("course")
        try Self.writeSampleCourse(to: out)
        let before = try Data(contentsOf: out.appendingPathComponent("course.json"))
        let writer = try CourseWriter(
            outputDirectory: out, title: nil, generatorVersion: "0.1.0", courseId: "c", overwrite: true)
        try writer.add(case: Samples.minimalCase(), key: Samples.minimalKey())
        writer.abandon()
        #expect(try Data(contentsOf: out.appendingPathComponent("course.json")) == before)
        #expect(Self.entries(tmp.url) == ["course"])
    }
}
