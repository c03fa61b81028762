import CargoModel
import Foundation
import Storage
import Testing

@testable import TrainingServer

/// Each store on its own (SQLite, and PostgreSQL when configured: `StoreKind`): import conflicts, the once-only
/// decision, order, reopening.
@Suite struct StorageTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cargosim-storage-\(UUID().uuidString).sqlite")
            .path
    }

    static func decision(_ stage: Stage, at ms: Int64) -> Decision {
        Decision(
            stage: stage, disposition: Disposition.options(at: stage)[0],
            shownAt: Instant(millisecondsSinceEpoch: ms), decidedAt: Instant(millisecondsSinceEpoch: ms + 1000),
            clock: .server)
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test func theDatabaseAndItsWALAreTheOwnersAloneWhateverTheUmask() async throws {
        // A new database, under the usual umask 022, used to be 644: keys, bcrypt and session hashes readable by all.
        let path = Self.temporaryPath()
        defer { removeDatabase(path) }
        let storage = try SQLiteStorage(path: path)
        try await storage.audit(AuditEntry(at: Instant(millisecondsSinceEpoch: 1), actor: "t", action: "a", detail: ""))
        #expect(try Self.mode(path) == 0o600)
        #expect(try Self.mode(path + "-wal") == 0o600)
        // An existing database left world-readable is narrowed when it is opened.
        let old = Self.temporaryPath()
        defer { removeDatabase(old) }
        _ = try SQLiteStorage(path: old)
        #expect(chmod(old, 0o644) == 0)
        _ = try SQLiteStorage(path: old)
        #expect(try Self.mode(old) == 0o600)
    }

    @Test(arguments: StoreKind.available)
    func importingTheSameCourseAgainChangesNothingAndAnotherWithTheSameIdIsAConflict(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let storage = try await database.open()
            defer { TestDatabase.close(storage) }
            let course = try Fixture.imported.get()
            let time = Instant(millisecondsSinceEpoch: 1_000)
            #expect(try await storage.importCourse(course, at: time) == .imported)
            #expect(try await storage.importCourse(course, at: time) == .unchanged)
            var changed = course
            changed.courseHash = String(repeating: "0", count: 64)
            await #expect(throws: StorageError.self) { try await storage.importCourse(changed, at: time) }
            #expect(try await storage.courses().count == 1)
            #expect(try await storage.caseIds(courseId: course.courseId) == course.cases.map(\.caseId))
            let first = course.cases[0]
            #expect(try await storage.caseDocument(courseId: course.courseId, caseId: first.caseId) == first.document)
            #expect(try await storage.answerKey(courseId: course.courseId, caseId: first.caseId) == first.key)
            #expect(try await storage.caseFile(courseId: course.courseId, caseId: first.caseId, name: "nope") == nil)
            for (name, content) in first.files {
                #expect(
                    try await storage.caseFile(courseId: course.courseId, caseId: first.caseId, name: name) == content)
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func decisionsAreOncePerStageInOrderAndSurviveReopening(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let course = try Fixture.imported.get()
            let caseId = course.cases[0].caseId
            var assignmentId: Int64 = 0
            var userId: Int64 = 0
            do {
                let storage = try await database.open()
                defer { TestDatabase.close(storage) }
                _ = try await storage.importCourse(course, at: Instant(millisecondsSinceEpoch: 0))
                let user = try await storage.createUser(
                    NewUser(username: "t", displayName: "T", role: .trainee, language: "en", passwordHash: "x"),
                    at: Instant(millisecondsSinceEpoch: 0))
                userId = user.id
                await #expect(throws: StorageError.self) {
                    try await storage.createUser(
                        NewUser(username: "t", displayName: "T2", role: .admin, language: "en", passwordHash: "y"),
                        at: Instant(millisecondsSinceEpoch: 0))
                }
                assignmentId = try await storage.createAssignment(
                    courseId: course.courseId, userId: user.id, mode: .training, at: Instant(millisecondsSinceEpoch: 0)
                ).id
                let record = { (stage: Stage) in
                    DecisionRecord(
                        assignmentId: assignmentId, userId: user.id, caseId: caseId,
                        decision: Self.decision(stage, at: 5_000))
                }
                // Out of order, then in order, then a second time.
                await #expect(throws: StorageError.self) {
                    try await storage.recordDecision(record(.screening), decidedBefore: [.targeting])
                }
                try await storage.recordDecision(record(.targeting), decidedBefore: [])
                await #expect(throws: StorageError.self) {
                    try await storage.recordDecision(record(.targeting), decidedBefore: [])
                }
                await #expect(throws: StorageError.self) {
                    try await storage.recordDecision(record(.targeting), decidedBefore: [.targeting])
                }
                try await storage.recordExamination(
                    assignmentId: assignmentId, caseId: caseId, points: [.doors, .seal],
                    at: Instant(millisecondsSinceEpoch: 9))
                await #expect(throws: StorageError.self) {
                    try await storage.recordExamination(
                        assignmentId: assignmentId, caseId: caseId, points: [.floor],
                        at: Instant(millisecondsSinceEpoch: 9)
                    )
                }
                let first = try await storage.recordShown(
                    assignmentId: assignmentId, caseId: caseId, stage: .screening,
                    at: Instant(millisecondsSinceEpoch: 7))
                let again = try await storage.recordShown(
                    assignmentId: assignmentId, caseId: caseId, stage: .screening,
                    at: Instant(millisecondsSinceEpoch: 99))
                #expect(first == again && first.millisecondsSinceEpoch == 7)
            }
            let reopened = try await database.open()
            defer { TestDatabase.close(reopened) }
            let stored = try await reopened.decisions(assignmentId: assignmentId, caseId: caseId)
            #expect(stored.map(\.decision) == [Self.decision(.targeting, at: 5_000)])
            #expect(stored.first?.userId == userId)
            #expect(try await reopened.examination(assignmentId: assignmentId, caseId: caseId) == [.doors, .seal])
        }
    }

    @Test(arguments: StoreKind.available)
    func loginFailuresCountWithinTheWindowAndCohortsCollectMembers(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let storage = try await database.open()
            defer { TestDatabase.close(storage) }
            for minute in 0..<6 {
                try await storage.recordLoginFailure(
                    username: "a", address: "10.0.0.\(minute % 2)",
                    at: Instant(millisecondsSinceEpoch: Int64(minute) * 60_000))
            }
            let recent = try await storage.loginFailures(
                username: "a", address: "10.0.0.1", since: Instant(millisecondsSinceEpoch: 2 * 60_000))
            #expect(recent.username == 4 && recent.address == 2)
            try await storage.clearLoginFailures(username: "a")
            #expect(
                try await storage.loginFailures(username: "a", address: "x", since: Instant(millisecondsSinceEpoch: 0))
                    .username == 0)
            let ids = try await (0..<3).asyncMap { i in
                try await storage.createUser(
                    NewUser(username: "u\(i)", displayName: "U", role: .trainee, language: "es", passwordHash: "h"),
                    at: Instant(millisecondsSinceEpoch: 0)
                ).id
            }
            try await storage.addToCohort("north", userIds: Array(ids.prefix(2)))
            #expect(try await storage.addToCohort("north", userIds: [ids[2], ids[0]]) == ids)
            #expect(try await storage.cohortMembers("south") == nil)
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
