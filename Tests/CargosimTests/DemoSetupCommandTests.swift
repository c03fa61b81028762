import CaseBundle
import Foundation
import Testing

/// `cargosim demo-setup`: the demonstration accounts, their passwords and the course's assignments.
@Suite("cargosim demo-setup, end to end")
struct DemoSetupCommandTests {
    static let usernames = ["admin", "instructor", "trainee1", "trainee2", "trainee3"]

    /// The practice course (`course`, 40 cases) and the test course (`test`, 4 cases), paperwork only.
    static func generateCourses(_ box: Sandbox) throws {
        _ = try box.generateFoundationCourse()
        let test = try box.cargosim("generate", "--seed", "8-test", "--count", "4", "--out", "test", "--no-scans")
        try #require(test.succeeded, "\(test)")
    }

    /// Each demo trainee practises one course and is tested on another: never one course in both modes, and
    /// `assign` refuses to make it so unless overridden.
    @Test func theTraineesPractiseOneCourseAndAreTestedOnAnother() throws {
        try Sandbox.with { box in
            try Self.generateCourses(box)
            let same = try box.cargosim(
                "demo-setup", "--course", "course", "--test-course", "course", "--db", "same.sqlite")
            #expect(!same.succeeded && same.stderr.contains("another course"), "\(same)")

            let result = try box.cargosim("demo-setup", "--course", "course", "--test-course", "test", "--db", "demo.sqlite")
            #expect(result.succeeded, "\(result)")
            #expect(result.stdout.contains("Practice course") && result.stdout.contains("Test course"), "\(result)")
            let practice = try CourseReader(courseDirectory: box.path("course")).index.courseId
            let test = try CourseReader(courseDirectory: box.path("test")).index.courseId

            // The practice course in test mode for trainee1 and trainee2: refused for both, nothing assigned.
            let refused = try box.cargosim(
                "assign", "--course", practice, "--users", "trainee1,trainee2", "--mode", "test", "--db", "demo.sqlite")
            #expect(!refused.succeeded, "\(refused)")
            #expect(refused.stderr.contains("training mode") && refused.stderr.contains("Nothing was assigned"), "\(refused)")
            #expect(!refused.stdout.contains("Assignment"), "\(refused)")
            // The test course in training mode likewise.
            let reverse = try box.cargosim(
                "assign", "--course", test, "--users", "trainee3", "--mode", "training", "--db", "demo.sqlite")
            #expect(!reverse.succeeded && reverse.stderr.contains("test mode"), "\(reverse)")
            // An instructor may override, explicitly.
            let overridden = try box.cargosim(
                "assign", "--course", practice, "--users", "trainee1", "--mode", "test", "--override-mode-conflict",
                "--db", "demo.sqlite")
            #expect(overridden.succeeded && overridden.stdout.contains("Assignment"), "\(overridden)")
        }
    }

    /// The accounts' random passwords go to `demo-accounts.txt` beside the database (mode 600), one line per
    /// account; a second run keeps them (the accounts exist already).
    @Test func theAccountsAndTheirPasswordsAreWrittenBesideTheDatabase() throws {
        try Sandbox.with { box in
            try Self.generateCourses(box)
            let result = try box.cargosim("demo-setup", "--course", "course", "--test-course", "test", "--db", "demo.sqlite")
            #expect(result.succeeded, "\(result)")
            let file = box.path("demo-accounts.txt")
            let text = try String(contentsOf: file, encoding: .utf8)
            for username in Self.usernames {
                #expect(text.split(separator: "\n").contains { $0.hasPrefix(username + " ") }, "\(username)\n\(text)")
            }
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let again = try box.cargosim("demo-setup", "--course", "course", "--test-course", "test", "--db", "demo.sqlite")
            #expect(again.succeeded, "\(again)")
            #expect(try String(contentsOf: file, encoding: .utf8) == text)
        }
    }

    /// When the passwords file cannot be written (here a folder stands in its place), the accounts already made
    /// are not left without their passwords: they are printed to standard error with what to check.
    @Test func passwordsThatCannotBeWrittenArePrintedInstead() throws {
        try Sandbox.with { box in
            try Self.generateCourses(box)
            try FileManager.default.createDirectory(
                at: box.path("demo-accounts.txt"), withIntermediateDirectories: true)
            let result = try box.cargosim("demo-setup", "--course", "course", "--test-course", "test", "--db", "demo.sqlite")
            #expect(result.succeeded, "\(result)")
            #expect(result.stderr.contains("could not write"), "\(result)")
            for username in Self.usernames {
                let line = result.stderr.split(separator: "\n").first { $0.hasPrefix(username + " ") }
                #expect(line.map { $0.split(separator: " ").count >= 2 } == true, "\(username)\n\(result)")
            }
        }
    }
}
