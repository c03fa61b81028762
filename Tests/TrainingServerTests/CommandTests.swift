import CargoModel
import Foundation
import Storage
import Testing

/// The server's CLI commands, run as the built binary: `users add|import`, `course import`, `assign`.
@Suite struct CommandTests {
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cargosim-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aCSVWithMistakesNamesEachLineAndFieldAndAddsNobody() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("db.sqlite").path
        let csv = folder.appendingPathComponent("people.csv")
        try """
        username,displayName,role,language,password,cohort
        ana,"Pérez, Ana",trainee,es,,north
        Bad Name,Bob,trainee,en,,north
        carla,Carla,captain,pt,,
        dora,Dora,trainee,fr,secret password,
        ana,Ana again,trainee,es,,
        """.write(to: csv, atomically: true, encoding: .utf8)
        let (status, _, err) = try Binary.run(["users", "import", csv.path, "--db", db, "--bcrypt-cost", "4"])
        #expect(status != 0)
        for expected in [":3:", "username", ":4:", "role", ":5:", "language", ":6:", "line 2"] {
            #expect(err.contains(expected), "missing \(expected) in \(err)")
        }
        let storage = try SQLiteStorage(path: db)
        #expect(try await storage.users().isEmpty)
    }

    @Test func aGoodCSVAddsEveryoneWithCohortsAndAssignReachesTheCohort() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("db.sqlite").path
        let csv = folder.appendingPathComponent("people.csv")
        try """
        username,displayName,role,language,password,cohort
        ana,"Pérez, Ana",trainee,es,,north
        bruno,"Bruno ""B"" Silva",trainee,pt,a fine password,north
        """.write(to: csv, atomically: true, encoding: .utf8)
        let (status, out, err) = try Binary.run(["users", "import", csv.path, "--db", db, "--bcrypt-cost", "4"])
        #expect(status == 0, "\(err)")
        #expect(out.contains("ana") && out.contains("password:"))
        let course = try Fixture.course.get()
        let first = try Binary.run([
            "course", "import", course.path, "--keys", course.appendingPathComponent("keys").path, "--db", db,
        ])
        #expect(first.0 == 0 && first.1.contains("Imported"), "\(first.2)")
        let second = try Binary.run([
            "course", "import", course.path, "--keys", course.appendingPathComponent("keys").path, "--db", db,
        ])
        #expect(second.0 == 0 && second.1.contains("nothing changed"), "\(second.2)")
        let courseId = try Fixture.imported.get().courseId
        let unknown = try Binary.run([
            "assign", "--course", courseId, "--users", "ana,zed", "--mode", "test", "--db", db,
        ])
        #expect(unknown.0 != 0 && unknown.2.contains("zed"))
        let assign = try Binary.run(["assign", "--course", courseId, "--cohort", "north", "--mode", "test", "--db", db])
        #expect(assign.0 == 0, "\(assign.2)")
        let storage = try SQLiteStorage(path: db)
        let users = try await storage.users()
        #expect(users.map(\.displayName) == ["Pérez, Ana", "Bruno \"B\" Silva"])
        #expect(try await storage.assignments(userId: nil).count == 2)
        #expect(try await storage.credentials(username: "bruno")?.passwordHash.hasPrefix("$2") == true)
    }

    /// The password rule of the API holds for the command line too: blanks, the username, over 72 bytes.
    @Test(arguments: ["        ", "carla-is-me", String(repeating: "ab", count: 36) + "c"])
    func usersAddRefusesAWeakPassword(password: String) async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("db.sqlite").path
        let (status, _, err) = try Binary.run([
            "users", "add", "carla", "--password", password, "--bcrypt-cost", "4", "--db", db,
        ])
        #expect(status != 0 && err.contains("password"), "\(err)")
        #expect(try await SQLiteStorage(path: db).users().isEmpty)
    }

    /// `users unlock` clears a username's failed sign-ins from every address.
    @Test func usersUnlockClearsTheFailures() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("db.sqlite").path
        #expect(try Binary.run(["users", "add", "dora", "--bcrypt-cost", "4", "--db", db]).0 == 0)
        let storage = try SQLiteStorage(path: db)
        let time = Instant(millisecondsSinceEpoch: 1_790_000_000_000)
        for address in ["10.0.0.7", "10.0.0.8"] {
            try await storage.recordLoginFailure(username: "dora", address: address, at: time)
        }
        let (status, out, err) = try Binary.run(["users", "unlock", "dora", "--db", db])
        #expect(status == 0 && out.contains("dora"), "\(err)")
        let left = try await storage.loginFailures(
            username: "dora", address: "10.0.0.7", since: Instant(millisecondsSinceEpoch: 0))
        #expect(left.username == 0)
        let unknown = try Binary.run(["users", "unlock", "nobody", "--db", db])
        #expect(unknown.0 != 0 && unknown.2.contains("nobody"))
    }

    @Test func aCourseWithoutItsKeysIsNotImported() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("db.sqlite").path
        let course = try Fixture.course.get()
        let (status, _, err) = try Binary.run(["course", "import", course.path, "--keys", folder.path, "--db", db])
        #expect(status != 0 && err.contains("Nothing was imported"), "\(err)")
        #expect(try await SQLiteStorage(path: db).courses().isEmpty)
    }
}
