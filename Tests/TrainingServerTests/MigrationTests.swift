import CargoModel
import Foundation
import PostgresStorage
import Storage
import Testing

@testable import TrainingServer

/// Moving a database: `cargosim db migrate` from SQLite to PostgreSQL (everything, checked by counts and SHA-256),
/// `--db` choosing the store, and a PostgreSQL backup with pg_dump -Fc restored with pg_restore
/// (docs/operations.md). The PostgreSQL cases run when the test server is configured or required (`StoreKind`).
@Suite(.serialized) struct MigrationTests {
    static let postgresWanted = StoreKind.postgresURL != nil || StoreKind.postgresRequired

    /// A SQLite database with some of everything: accounts, a class, decisions with a grade, an examination, a
    /// certificate, the audit log.
    static func filledSQLite(_ path: String) async throws -> (assignment: Int64, caseId: String) {
        let storage = try SQLiteStorage(path: path)
        let course = try Fixture.imported.get()
        _ = try await storage.importCourse(course, at: StorageConformanceTests.at(1))
        let users = try await storage.createUsers(
            [StorageConformanceTests.newUser("ana", .instructor), StorageConformanceTests.newUser("bea")],
            cohorts: [nil, "north"], at: StorageConformanceTests.at(2))
        try await storage.setDisabled(userId: users[0].id, disabled: true).map { _ in () }
        let made = try await storage.createGroup(
            NewAssignmentGroup(courseId: course.courseId, mode: .training, cohort: "north", createdBy: "ana"),
            userIds: [users[1].id], overridingModeConflict: false, at: StorageConformanceTests.at(3))
        let assignment = made.assignments[0].id, caseId = course.cases[0].caseId
        _ = try await storage.recordShown(
            assignmentId: assignment, caseId: caseId, stage: .targeting, at: StorageConformanceTests.at(4))
        try await storage.recordDecision(
            DecisionRecord(
                assignmentId: assignment, userId: users[1].id, caseId: caseId,
                decision: StorageTests.decision(.targeting, at: 5)),
            decidedBefore: [],
            grade: GradeRecord(
                assignmentId: assignment, userId: users[1].id, caseId: caseId, score: 0.5, outcome: "hit",
                gradeJSON: [1], attemptJSON: [2], gradedAt: StorageConformanceTests.at(6)))
        try await storage.recordExamination(
            assignmentId: assignment, caseId: caseId, points: [.doors], at: StorageConformanceTests.at(7))
        try await storage.saveCertificate(
            CertificateRecord(
                id: "00aa", userId: users[1].id, subject: "bea", subjectName: "Bea", role: "trainee",
                policyVersion: "p", keyId: "k", verificationCode: "V-1", file: [3, 4], decisionJSON: [5],
                issuedBy: "ana", issuedAt: StorageConformanceTests.at(8), expiresAt: StorageConformanceTests.at(9)))
        try await storage.audit(
            AuditEntry(at: StorageConformanceTests.at(10), actor: "ana", action: "test", detail: "filled"))
        return (assignment, caseId)
    }

    @Test(.enabled(if: postgresWanted))
    func migrateCopiesEverythingChecksItAndRefusesATargetThatIsNotEmpty() async throws {
        let path = StorageTests.temporaryPath()
        defer { removeDatabase(path) }
        let (assignment, caseId) = try await Self.filledSQLite(path)
        try await withTestDatabase(.postgres) { database in
            let (status, out, err) = try Binary.run([
                "db", "migrate", "--from", "sqlite:" + path, "--to", database.location,
            ])
            try #require(status == 0, "\(out)\n\(err)")
            // Every table is listed with its count and digest, and all match.
            for table in StorageTables.all { #expect(out.contains("\n\(table) "), "\(table) missing from:\n\(out)") }
            #expect(!out.contains("DIFFERS"))
            #expect(out.contains("every table's row count and SHA-256 match"))

            let source = try SQLiteStorage(path: path)
            let copy = try await PostgresStorage(url: database.location)
            defer { copy.close() }
            let course = try Fixture.imported.get()
            #expect(try await copy.users() == source.users())
            #expect(try await copy.credentials(username: "bea")?.passwordHash == "h-bea")
            #expect(try await copy.cohorts().map(\.members) == source.cohorts().map(\.members))
            #expect(try await copy.courses() == source.courses())
            for item in course.cases {
                for (name, content) in item.files {
                    #expect(
                        try await copy.caseFile(courseId: course.courseId, caseId: item.caseId, name: name) == content)
                }
                #expect(try await copy.answerKey(courseId: course.courseId, caseId: item.caseId) == item.key)
            }
            #expect(try await copy.assignments(userId: nil) == source.assignments(userId: nil))
            #expect(try await copy.decisions(assignmentId: assignment, caseId: nil).count == 1)
            #expect(try await copy.grades(assignmentId: assignment) == source.grades(assignmentId: assignment))
            #expect(try await copy.examination(assignmentId: assignment, caseId: caseId) == [.doors])
            #expect(try await copy.certificates() == source.certificates())
            #expect(try await copy.auditLog(limit: 10) == source.auditLog(limit: 10))
            // New rows get new ids after the copied ones.
            let newcomer = try await copy.createUser(
                StorageConformanceTests.newUser("cid"), at: StorageConformanceTests.at(20))
            #expect(try await newcomer.id > source.users().map(\.id).max()!)

            // A second migration into the same (now not empty) database is refused, changing nothing.
            let (again, _, againErr) = try Binary.run(["db", "migrate", "--from", path, "--to", database.location])
            #expect(again != 0)
            #expect(againErr.contains("not empty"), "\(againErr)")
            #expect(try await copy.users().count == 3)
        }
    }

    @Test func migrateAndServeRefuseBadDatabaseNamesWithTheFix() throws {
        let cases: [([String], String)] = [
            (
                ["db", "migrate", "--from", "/nonexistent/x.sqlite", "--to", "postgres://u@127.0.0.1/db"],
                "No such SQLite"
            ),
            (["db", "migrate", "--from", "postgres://u@h/db", "--to", "postgres://u@h/db2"], "Give --from"),
            (["db", "migrate", "--from", "a.sqlite", "--to", "b.sqlite"], "Give --to"),
            (["users", "unlock", "x", "--db", "postgres://127.0.0.1/db"], "names no user"),
            (["users", "unlock", "x", "--db", "postgres://u@127.0.0.1"], "names no database"),
            (["users", "unlock", "x", "--db", "postgres://u@127.0.0.1/db?sslmode=maybe"], "sslmode"),
            (["users", "unlock", "x", "--db", "mysql://u@h/db"], "neither a SQLite file nor a postgres:// URL"),
            (["users", "unlock", "x", "--db", "sqlite:"], "Give --db a file name"),
            (["users", "unlock", "x", "--db", "postgres://u:secret@127.0.0.1:1/db"], "Cannot reach PostgreSQL"),
            (["serve", "--db", "postgres://u@127.0.0.1:1/db", "--port", "0"], "--state-dir"),
        ]
        for (arguments, expected) in cases {
            let (status, out, err) = try Binary.run(arguments)
            #expect(status != 0, "\(arguments) succeeded: \(out)")
            #expect(err.contains(expected), "\(arguments): \(err)")
            #expect(!err.contains("secret"), "the password was printed: \(err)")
            #expect(!err.contains("Fatal error"), "\(arguments) crashed: \(err)")
        }
    }

    @Test func sqlitePrefixAndPlainPathBothChooseTheSQLiteFile() async throws {
        for (index, form) in ["sqlite:", "sqlite://", ""].enumerated() {
            let path = StorageTests.temporaryPath()
            defer { removeDatabase(path) }
            let (status, _, err) = try Binary.run([
                "users", "add", "u\(index)", "--password", "prefix test password", "--bcrypt-cost", "4", "--db",
                form + path,
            ])
            #expect(status == 0, "\(form): \(err)")
            #expect(try await SQLiteStorage(path: path).credentials(username: "u\(index)") != nil, "\(form)")
        }
    }

    @Test(.enabled(if: postgresWanted))
    func theDatabaseURLInCARGOSIM_DBChoosesPostgreSQL() async throws {
        try await withTestDatabase(.postgres) { database in
            let process = Process()
            process.executableURL = try Binary.url.get()
            process.arguments = ["users", "add", "envuser", "--password", "env test password 1", "--bcrypt-cost", "4"]
            var environment = ProcessInfo.processInfo.environment
            environment["CARGOSIM_DB"] = database.location
            environment["CARGOSIM_ASSETS"] = Checkout.assets.path
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let storage = try await PostgresStorage(url: database.location)
            defer { storage.close() }
            #expect(try await storage.credentials(username: "envuser") != nil)
        }
    }

    /// docs/operations.md: `pg_dump -Fc` while the server runs, `pg_restore` into a new database.
    @Test(.enabled(if: postgresWanted))
    func aPgDumpBackupRestoresIntoANewDatabase() async throws {
        try await withTestDatabase(.postgres) { original in
            try await withTestDatabase(.postgres) { restored in
                let storage = try await original.open()
                defer { TestDatabase.close(storage) }
                let course = try Fixture.imported.get()
                _ = try await storage.importCourse(course, at: StorageConformanceTests.at(1))
                let user = try await storage.createUser(
                    StorageConformanceTests.newUser("dora"), at: StorageConformanceTests.at(2))
                let dump = temporaryFile("pgdump")
                defer { try? FileManager.default.removeItem(at: dump) }
                try #require(try Self.tool("pg_dump", ["-Fc", "--no-owner", "-f", dump.path, original.location]) == 0)
                try #require(
                    try Self.tool("pg_restore", ["--no-owner", "--exit-on-error", "-d", restored.location, dump.path])
                        == 0)
                let back = try await restored.open()
                defer { TestDatabase.close(back) }
                #expect(try await back.user(id: user.id) == user)
                #expect(try await back.courses() == storage.courses())
                let first = course.cases[0]
                for (name, content) in first.files {
                    #expect(
                        try await back.caseFile(courseId: course.courseId, caseId: first.caseId, name: name) == content)
                }
                // The restored database takes new writes (its schema and id sequences came with it).
                #expect(
                    try await back.createUser(StorageConformanceTests.newUser("eli"), at: StorageConformanceTests.at(3))
                        .id
                        > user.id)
            }
        }
    }

    /// Runs a PostgreSQL client tool (Debian's wrapper in /usr/bin, else PostgreSQL 15's own); its exit status.
    static func tool(_ name: String, _ arguments: [String]) throws -> Int32 {
        let candidates = ["/usr/bin/\(name)", "/usr/lib/postgresql/15/bin/\(name)"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw FixtureError(description: "\(name) is not installed (postgresql-client-15).")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
