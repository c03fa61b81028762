import CaseBundle
import Foundation
import Testing

@Suite("cargosim validate, end to end")
struct ValidateCommandTests {
    /// Changes one byte of the vessel's name in `file`: the JSON stays valid, the content does not.
    private func tamperKeepingJSONValid(_ file: URL) throws {
        var bytes = [UInt8](try Data(contentsOf: file))
        let field = [UInt8]("\"vessel\" : \"".utf8)
        let start = try #require(
            bytes.indices.first { bytes[$0...].starts(with: field) }, "no vessel field in \(file.path)")
        let target = start + field.count
        bytes[target] = bytes[target] == UInt8(ascii: "X") ? UInt8(ascii: "Y") : UInt8(ascii: "X")
        try Data(bytes).write(to: file)
    }

    @Test func aCaseEditedAfterWritingIsNamed() throws {
        try Sandbox.with { box in
            try box.generateFoundationCourse()
            let id = try CourseReader(courseDirectory: box.path("course")).caseIds[3]
            try tamperKeepingJSONValid(box.path("course/cases/\(id)/case.json"))

            let result = try box.cargosim("validate", "course")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("course/cases/\(id)/case.json: error"), "names the edited file\n\(result)")
            #expect(result.stderr.contains("regenerate"), "says what to do\n\(result)")
            #expect(!result.stdout.contains("valid"), "\(result)")
        }
    }

    @Test func aMissingStageFileIsNamed() throws {
        try Sandbox.with { box in
            try box.generateFoundationCourse()
            let reader = try CourseReader(courseDirectory: box.path("course"))
            let id = try #require(reader.caseIds.first { (try? reader.readCase($0).examination) != nil })
            try FileManager.default.removeItem(at: box.path("course/stages/examination/\(id)/door.svg"))
            let result = try box.cargosim("validate", "course")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("stages/examination/\(id)/door.svg"), "names the missing file\n\(result)")
        }
    }

    @Test func aCaseFileThatNoLongerParsesIsNamed() throws {
        try Sandbox.with { box in
            try box.generateFoundationCourse()
            let id = try CourseReader(courseDirectory: box.path("course")).caseIds[5]
            let file = box.path("course/cases/\(id)/case.json")
            var bytes = [UInt8](try Data(contentsOf: file))
            let brace = try #require(bytes.firstIndex(of: UInt8(ascii: "{")))
            bytes[brace] = UInt8(ascii: "[")
            try Data(bytes).write(to: file)

            let result = try box.cargosim("validate", "course")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("course/cases/\(id)/case.json"), "names the file\n\(result)")
        }
    }

    @Test func aCaseIdListedTwiceInCourseJSONFails() throws {
        try Sandbox.with { box in
            try box.generateFoundationCourse()
            let indexURL = box.path("course/course.json")
            var index = try CanonicalJSON.decode(
                CourseIndex.self, from: Data(contentsOf: indexURL), file: "course.json")
            let duplicated = index.caseIds[0]
            index.caseIds[1] = duplicated
            try CanonicalJSON.encode(index).write(to: indexURL)

            let result = try box.cargosim("validate", "course")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("course/course.json: error"), "names the file\n\(result)")
            #expect(result.stderr.contains("caseIds[1]"), "names the field\n\(result)")
            #expect(result.stderr.contains(duplicated), "quotes the id\n\(result)")
            #expect(result.stderr.contains("regenerate the course"), "says what to do\n\(result)")
        }
    }

    @Test func theStarterLibraryInCasesIsValid() throws {
        try Sandbox.with { box in
            let result = try box.cargosim("validate", Checkout.cases.path)
            #expect(result.succeeded, "\(result)")
            let yamlFiles =
                FileManager.default.enumerator(atPath: Checkout.cases.path)?
                .compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") } ?? []
            #expect(!yamlFiles.isEmpty)
            let validLines = result.stdout.split(separator: "\n").filter { $0.hasSuffix(": valid") }
            #expect(validLines.count == yamlFiles.count, "one “valid” line per file\n\(result)")
            #expect(result.stderr.isEmpty, "\(result)")
        }
    }

    @Test func aBadSpecAmongGoodOnesIsNamedWithItsLineAndTheOthersStillPass() throws {
        try Sandbox.with { box in
            try box.write("name: fine\nscenario: clean\n", to: "specs/good.yaml")
            try box.write("name: typo\nscenario: clean\nvantge: import\n", to: "specs/typo.yaml")
            let result = try box.cargosim("validate", "specs")
            #expect(result.status != 0, "\(result)")
            #expect(result.stdout.contains("specs/good.yaml: valid"), "\(result)")
            #expect(result.stderr.contains("specs/typo.yaml:3:1: error"), "\(result)")
            #expect(result.stderr.contains("`vantage:`"), "suggests the key\n\(result)")
            #expect(result.stderr.contains("1 of 2 failed"), "\(result)")
        }
    }

    @Test func aMissingPathIsReported() throws {
        try Sandbox.with { box in
            let result = try box.cargosim("validate", "no-such-course")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("no-such-course"), "\(result)")
        }
    }
}
