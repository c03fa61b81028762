import Foundation
import Testing

/// `cargosim demo-setup`: the demonstration accounts, their passwords and the course's assignments.
@Suite("cargosim demo-setup, end to end")
struct DemoSetupCommandTests {
    static let usernames = ["admin", "instructor", "trainee1", "trainee2", "trainee3"]

    /// The accounts' random passwords go to `demo-accounts.txt` beside the database (mode 600), one line per
    /// account; a second run keeps them (the accounts exist already).
    @Test func theAccountsAndTheirPasswordsAreWrittenBesideTheDatabase() throws {
        try Sandbox.with { box in
            _ = try box.generateFoundationCourse()
            let result = try box.cargosim("demo-setup", "--course", "course", "--db", "demo.sqlite")
            #expect(result.succeeded, "\(result)")
            let file = box.path("demo-accounts.txt")
            let text = try String(contentsOf: file, encoding: .utf8)
            for username in Self.usernames {
                #expect(text.split(separator: "\n").contains { $0.hasPrefix(username + " ") }, "\(username)\n\(text)")
            }
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let again = try box.cargosim("demo-setup", "--course", "course", "--db", "demo.sqlite")
            #expect(again.succeeded, "\(again)")
            #expect(try String(contentsOf: file, encoding: .utf8) == text)
        }
    }

    /// When the passwords file cannot be written (here a folder stands in its place), the accounts already made
    /// are not left without their passwords: they are printed to standard error with what to check.
    @Test func passwordsThatCannotBeWrittenArePrintedInstead() throws {
        try Sandbox.with { box in
            _ = try box.generateFoundationCourse()
            try FileManager.default.createDirectory(
                at: box.path("demo-accounts.txt"), withIntermediateDirectories: true)
            let result = try box.cargosim("demo-setup", "--course", "course", "--db", "demo.sqlite")
            #expect(result.succeeded, "\(result)")
            #expect(result.stderr.contains("could not write"), "\(result)")
            for username in Self.usernames {
                let line = result.stderr.split(separator: "\n").first { $0.hasPrefix(username + " ") }
                #expect(line.map { $0.split(separator: " ").count >= 2 } == true, "\(username)\n\(result)")
            }
        }
    }
}
