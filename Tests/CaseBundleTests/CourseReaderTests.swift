import CargoModel
import CaseBundle
import Foundation
import Testing

@Suite("CourseReader")
struct CourseReaderTests {
    /// A location as text, comparing paths rather than URLs (which differ by a trailing slash for folders).
    func describe(_ location: CourseLocation) -> String {
        switch location {
        case let .course(url): "course \(url.path)"
        case let .caseInCourse(course, id): "case \(id) in \(course.path)"
        case let .standaloneCase(file): "standalone \(file.path)"
        }
    }

    @Test("opens a course, lists its cases in order and reads cases and keys")
    func readsCourse() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let written = try CourseWriterTests.writeSampleCourse(to: tmp.path("course"))
        let reader = try CourseReader(courseDirectory: tmp.path("course"))
        #expect(reader.index == written)
        #expect(reader.caseIds == ["K7Q2", "B2"])
        #expect(try reader.readCase("K7Q2") == Samples.fullCase(id: "K7Q2"))
        #expect(try reader.readKey("B2") == Samples.minimalKey(caseId: "B2"))
    }

    @Test("reads keys from a separate folder given as --keys")
    func keysElsewhere() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        try CourseWriterTests.writeSampleCourse(to: tmp.path("course"))
        try FileManager.default.moveItem(at: tmp.path("course", "keys"), to: tmp.path("grader-keys"))
        let reader = try CourseReader(courseDirectory: tmp.path("course"))
        let missing = #expect(throws: BundleError.self) { try reader.readKey("K7Q2") }
        #expect(missing?.code == "course.notFound")
        #expect(missing?.message.contains("--keys") == true)
        #expect(try reader.readKey("K7Q2", keysDirectory: tmp.path("grader-keys")) == Samples.fullKey(caseId: "K7Q2"))
    }

    @Test("resolves a course folder, a case folder, a case.json and a case.json outside any course")
    func resolvesPaths() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let course = tmp.path("course")
        try CourseWriterTests.writeSampleCourse(to: course)
        let coursePath = course.standardizedFileURL.path
        #expect(try describe(CourseReader.resolve(course.path)) == "course \(coursePath)")
        #expect(try describe(CourseReader.resolve(course.path + "/")) == "course \(coursePath)")
        #expect(
            try describe(CourseReader.resolve(tmp.path("course", "cases", "K7Q2").path)) == "case K7Q2 in \(coursePath)"
        )
        #expect(
            try describe(CourseReader.resolve(tmp.path("course", "cases", "B2", "case.json").path))
                == "case B2 in \(coursePath)")

        try FileManager.default.copyItem(at: tmp.path("course", "cases", "B2"), to: tmp.path("loose"))
        let loose = tmp.path("loose", "case.json").standardizedFileURL
        #expect(try describe(CourseReader.resolve(tmp.path("loose").path)) == "standalone \(loose.path)")
        #expect(try describe(CourseReader.resolve(loose.path)) == "standalone \(loose.path)")
        #expect(try CourseReader.readCase(at: loose) == Samples.minimalCase(id: "B2"))
    }

    @Test(
        "a path that is nothing CargoSim reads gets an error naming it and the accepted forms",
        arguments: [
            "missing", "course/keys", "course/course.json",
        ])
    func resolveErrors(relative: String) throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        try CourseWriterTests.writeSampleCourse(to: tmp.path("course"))
        let path = tmp.url.appendingPathComponent(relative).path
        let error = #expect(throws: BundleError.self) { try CourseReader.resolve(path) }
        #expect(error?.file == path)
        #expect(error?.message.contains("case.json") == true)
    }

    @Test("refuses a folder without course.json, a newer format, and ids not in the course")
    func openErrors() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let notCourse = #expect(throws: BundleError.self) { try CourseReader(courseDirectory: tmp.url) }
        #expect(notCourse?.code == "course.notACourse")

        try CourseWriterTests.writeSampleCourse(to: tmp.path("course"))
        let reader = try CourseReader(courseDirectory: tmp.path("course"))
        #expect((#expect(throws: BundleError.self) { try reader.readCase("ZZZ") })?.code == "course.unknownCase")
        #expect((#expect(throws: BundleError.self) { try reader.readCase("../../etc") })?.code == "course.caseId")

        var index = reader.index
        index.formatVersion = 3
        try CanonicalJSON.encode(index).write(to: tmp.path("course", "course.json"))
        let newer = #expect(throws: BundleError.self) { try CourseReader(courseDirectory: tmp.path("course")) }
        #expect(newer?.code == "course.formatVersion")
        #expect(newer?.message.contains("update CargoSim") == true)

        // A format-1 course (every stage in case.json, no file list) gets "regenerate", not a missing field.
        try Data(#"{"caseIds":[],"courseHash":"00","courseId":"c","formatVersion":1,"generatorVersion":"1.6.0"}"#.utf8)
            .write(to: tmp.path("course", "course.json"))
        let older = #expect(throws: BundleError.self) { try CourseReader(courseDirectory: tmp.path("course")) }
        #expect(older?.code == "course.formatVersion")
        #expect(older?.message.contains("regenerate") == true)
    }

    @Test("a case whose id differs from its folder is refused, naming the file")
    func caseIdMismatch() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        try CourseWriterTests.writeSampleCourse(to: tmp.path("course"))
        try CanonicalJSON.encode(Samples.minimalCase(id: "OTHER")).write(
            to: tmp.path("course", "cases", "B2", "case.json"))
        let reader = try CourseReader(courseDirectory: tmp.path("course"))
        let error = #expect(throws: BundleError.self) { try reader.readCase("B2") }
        #expect(error?.code == "course.caseId")
        #expect(error?.file?.hasSuffix("cases/B2/case.json") == true)
    }
}
