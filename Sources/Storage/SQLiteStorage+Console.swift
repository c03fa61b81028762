import CargoModel
import Foundation
import GRDB

/// What the instructor console needs of the store: class assignments with windows and time limits, accounts
/// that can be disabled and have their passwords reset, a spec library, long jobs with their progress, and
/// the course seeds of courses made on the server.
extension SQLiteStorage {
    static func registerConsoleMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-console") { db in
            try db.execute(
                sql: """
                    ALTER TABLE user ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
                    CREATE TABLE assignmentGroup (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        courseId TEXT NOT NULL REFERENCES course(id),
                        mode TEXT NOT NULL CHECK (mode IN ('training', 'test')),
                        cohort TEXT,
                        opensAt INTEGER,
                        closesAt INTEGER,
                        caseTimeLimitMinutes INTEGER,
                        createdBy TEXT NOT NULL,
                        createdAt INTEGER NOT NULL
                    );
                    ALTER TABLE assignment ADD COLUMN groupId INTEGER REFERENCES assignmentGroup(id);
                    ALTER TABLE assignment ADD COLUMN opensAt INTEGER;
                    ALTER TABLE assignment ADD COLUMN closesAt INTEGER;
                    ALTER TABLE assignment ADD COLUMN caseTimeLimitMinutes INTEGER;
                    CREATE INDEX assignmentByGroup ON assignment(groupId);
                    CREATE TABLE spec (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL UNIQUE,
                        yaml TEXT NOT NULL,
                        owner TEXT NOT NULL,
                        updatedAt INTEGER NOT NULL
                    );
                    CREATE TABLE job (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        state TEXT NOT NULL,
                        done INTEGER NOT NULL DEFAULT 0,
                        total INTEGER NOT NULL DEFAULT 0,
                        courseId TEXT,
                        errorJSON TEXT,
                        createdBy TEXT NOT NULL,
                        createdAt INTEGER NOT NULL,
                        updatedAt INTEGER NOT NULL
                    );
                    -- The seed of a course made on the server: whoever has it regenerates every key, so it lives
                    -- apart like the keys and only staff routes read it.
                    CREATE TABLE courseSeed (
                        courseId TEXT PRIMARY KEY REFERENCES course(id) ON DELETE CASCADE,
                        seed TEXT NOT NULL
                    );
                    """)
            // A job that was running when the server stopped will never finish.
        }
    }

    // MARK: People

    public func setDisabled(userId: Int64, disabled: Bool) async throws -> User? {
        try await write { db in
            try db.execute(sql: "UPDATE user SET disabled = ? WHERE id = ?", arguments: [disabled, userId])
            if disabled { try db.execute(sql: "DELETE FROM session WHERE userId = ?", arguments: [userId]) }
            return try Row.fetchOne(db, sql: "SELECT \(Self.userColumns) FROM user WHERE id = ?", arguments: [userId])
                .map(Self.user)
        }
    }

    public func setPasswordHash(userId: Int64, hash: String) async throws -> User? {
        try await write { db in
            try db.execute(sql: "UPDATE user SET passwordHash = ? WHERE id = ?", arguments: [hash, userId])
            try db.execute(sql: "DELETE FROM session WHERE userId = ?", arguments: [userId])
            return try Row.fetchOne(db, sql: "SELECT \(Self.userColumns) FROM user WHERE id = ?", arguments: [userId])
                .map(Self.user)
        }
    }

    public func createUsers(_ users: [NewUser], cohorts: [String?], at time: Instant) async throws -> [User] {
        try await write { db in
            var created: [User] = []
            for (user, cohort) in zip(users, cohorts) {
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE username = ?", arguments: [user.username])
                    ?? false
                {
                    throw StorageError.conflict("The username \(user.username) is taken; choose another.")
                }
                try db.execute(
                    sql: """
                        INSERT INTO user (username, displayName, role, language, passwordHash, createdAt)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        user.username, user.displayName, user.role.rawValue, user.language, user.passwordHash,
                        time.millisecondsSinceEpoch,
                    ])
                let id = db.lastInsertedRowID
                if let cohort {
                    try db.execute(sql: "INSERT OR IGNORE INTO cohort (name) VALUES (?)", arguments: [cohort])
                    try db.execute(
                        sql:
                            "INSERT OR IGNORE INTO cohortMember (cohortId, userId) SELECT id, ? FROM cohort WHERE name = ?",
                        arguments: [id, cohort])
                }
                created.append(
                    User(
                        id: id, username: user.username, displayName: user.displayName, role: user.role,
                        language: user.language))
            }
            return created
        }
    }

    public func cohorts() async throws -> [(name: String, members: [Int64])] {
        try await pool.read { db in
            let names = try String.fetchAll(db, sql: "SELECT name FROM cohort ORDER BY name")
            return try names.map { name in
                (
                    name,
                    try Int64.fetchAll(
                        db,
                        sql: """
                            SELECT m.userId FROM cohortMember m JOIN cohort c ON c.id = m.cohortId
                            WHERE c.name = ? ORDER BY m.userId
                            """, arguments: [name])
                )
            }
        }
    }

    // MARK: Class assignments

    static func group(_ row: Row) -> AssignmentGroup {
        AssignmentGroup(
            id: row["id"], courseId: row["courseId"], mode: AttemptMode(rawValue: row["mode"]) ?? .test,
            cohort: row["cohort"], opensAt: (row["opensAt"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
            closesAt: (row["closesAt"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
            caseTimeLimitMinutes: row["caseTimeLimitMinutes"], createdBy: row["createdBy"],
            createdAt: Instant(millisecondsSinceEpoch: row["createdAt"]))
    }

    public func createGroup(
        _ group: NewAssignmentGroup, userIds: [Int64], overridingModeConflict: Bool, at time: Instant
    ) async throws -> (group: AssignmentGroup, assignments: [Assignment]) {
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM course WHERE id = ?", arguments: [group.courseId]) ?? false
            else { throw StorageError.notFound("No course \(group.courseId); import or generate it first.") }
            for userId in userIds {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE id = ?", arguments: [userId]) ?? false else {
                    throw StorageError.notFound("No user with id \(userId); add the user first.")
                }
                if !overridingModeConflict,
                    let other = try Self.modeConflict(db, courseId: group.courseId, userId: userId, mode: group.mode)
                {
                    throw StorageError.modeConflict(other, courseId: group.courseId, mode: group.mode)
                }
            }
            let ms = { (instant: Instant?) in instant?.millisecondsSinceEpoch }
            try db.execute(
                sql: """
                    INSERT INTO assignmentGroup (courseId, mode, cohort, opensAt, closesAt, caseTimeLimitMinutes,
                        createdBy, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    group.courseId, group.mode.rawValue, group.cohort, ms(group.opensAt), ms(group.closesAt),
                    group.caseTimeLimitMinutes, group.createdBy, time.millisecondsSinceEpoch,
                ])
            let groupId = db.lastInsertedRowID
            var made: [Assignment] = []
            for userId in userIds {
                try db.execute(
                    sql: """
                        INSERT INTO assignment (courseId, userId, mode, assignedAt, groupId, opensAt, closesAt,
                            caseTimeLimitMinutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        group.courseId, userId, group.mode.rawValue, time.millisecondsSinceEpoch, groupId,
                        ms(group.opensAt), ms(group.closesAt), group.caseTimeLimitMinutes,
                    ])
                made.append(
                    Assignment(
                        id: db.lastInsertedRowID, courseId: group.courseId, userId: userId, mode: group.mode,
                        resultsReleased: false, assignedAt: time, groupId: groupId, opensAt: group.opensAt,
                        closesAt: group.closesAt, caseTimeLimitMinutes: group.caseTimeLimitMinutes))
            }
            let saved = try Row.fetchOne(db, sql: "SELECT * FROM assignmentGroup WHERE id = ?", arguments: [groupId])!
            return (Self.group(saved), made)
        }
    }

    public func groups() async throws -> [AssignmentGroup] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM assignmentGroup ORDER BY id").map(Self.group)
        }
    }

    public func group(id: Int64) async throws -> AssignmentGroup? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM assignmentGroup WHERE id = ?", arguments: [id]).map(Self.group)
        }
    }

    public func assignments(groupId: Int64) async throws -> [Assignment] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM assignment WHERE groupId = ? ORDER BY id", arguments: [groupId])
                .map(Self.assignment)
        }
    }

    public func releaseResults(groupId: Int64) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE assignment SET resultsReleased = 1 WHERE groupId = ?", arguments: [groupId])
        }
    }

    // MARK: Spec library

    static func spec(_ row: Row) -> SpecRecord {
        SpecRecord(
            id: row["id"], name: row["name"], yaml: row["yaml"], owner: row["owner"],
            updatedAt: Instant(millisecondsSinceEpoch: row["updatedAt"]))
    }

    /// Saves a new spec (`id` nil) or replaces one; `conflict` when the name is another spec's.
    public func saveSpec(id: Int64?, name: String, yaml: String, owner: String, at time: Instant) async throws
        -> SpecRecord
    {
        try await write { db in
            if let other = try Int64.fetchOne(db, sql: "SELECT id FROM spec WHERE name = ?", arguments: [name]),
                other != id
            {
                throw StorageError.conflict("A spec named \(name) is already in the library; choose another name.")
            }
            if let id {
                try db.execute(
                    sql: "UPDATE spec SET name = ?, yaml = ?, owner = ?, updatedAt = ? WHERE id = ?",
                    arguments: [name, yaml, owner, time.millisecondsSinceEpoch, id])
                guard db.changesCount == 1 else { throw StorageError.notFound("No spec \(id).") }
            } else {
                try db.execute(
                    sql: "INSERT INTO spec (name, yaml, owner, updatedAt) VALUES (?, ?, ?, ?)",
                    arguments: [name, yaml, owner, time.millisecondsSinceEpoch])
            }
            let saved = id ?? db.lastInsertedRowID
            return Self.spec(try Row.fetchOne(db, sql: "SELECT * FROM spec WHERE id = ?", arguments: [saved])!)
        }
    }

    public func specs() async throws -> [SpecRecord] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM spec ORDER BY name").map(Self.spec) }
    }

    public func spec(id: Int64) async throws -> SpecRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM spec WHERE id = ?", arguments: [id]).map(Self.spec)
        }
    }

    public func deleteSpec(id: Int64) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM spec WHERE id = ?", arguments: [id])
            return db.changesCount == 1
        }
    }

    // MARK: Jobs

    static func job(_ row: Row) -> JobRecord {
        JobRecord(
            id: row["id"], kind: row["kind"], state: JobRecord.State(rawValue: row["state"]) ?? .failed,
            done: row["done"], total: row["total"], courseId: row["courseId"], errorJSON: row["errorJSON"],
            createdBy: row["createdBy"], createdAt: Instant(millisecondsSinceEpoch: row["createdAt"]),
            updatedAt: Instant(millisecondsSinceEpoch: row["updatedAt"]))
    }

    public func createJob(kind: String, total: Int, createdBy: String, at time: Instant) async throws -> JobRecord {
        try await write { db in
            try db.execute(
                sql:
                    "INSERT INTO job (kind, state, total, createdBy, createdAt, updatedAt) VALUES (?, 'queued', ?, ?, ?, ?)",
                arguments: [kind, total, createdBy, time.millisecondsSinceEpoch, time.millisecondsSinceEpoch])
            return Self.job(
                try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [db.lastInsertedRowID])!)
        }
    }

    public func updateJob(
        id: Int64, state: JobRecord.State, done: Int, total: Int, courseId: String? = nil, errorJSON: String? = nil,
        at time: Instant
    ) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE job SET state = ?, done = ?, total = ?, courseId = COALESCE(?, courseId),
                        errorJSON = COALESCE(?, errorJSON), updatedAt = ? WHERE id = ?
                    """,
                arguments: [state.rawValue, done, total, courseId, errorJSON, time.millisecondsSinceEpoch, id])
        }
    }

    public func job(id: Int64) async throws -> JobRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [id]).map(Self.job)
        }
    }

    public func jobs(limit: Int) async throws -> [JobRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.job)
        }
    }

    /// Marks every job left queued or running by a server that stopped (and, with `idleSince`, not updated since
    /// then) as failed; returns how many.
    public func failUnfinishedJobs(idleSince: Instant?, at time: Instant) async throws -> Int {
        let cutoff = (idleSince ?? Instant(millisecondsSinceEpoch: .max)).millisecondsSinceEpoch
        return try await write { db in
            try db.execute(
                sql: """
                    UPDATE job SET state = 'failed', updatedAt = ?,
                        errorJSON = '{"message":"The server stopped before the job finished; start it again."}'
                    WHERE state IN ('queued', 'running') AND updatedAt < ?
                    """, arguments: [time.millisecondsSinceEpoch, cutoff])
            return db.changesCount
        }
    }

    public func touchJobs(ids: [Int64], at time: Instant) async throws {
        guard !ids.isEmpty else { return }
        try await write { db in
            for id in ids {
                try db.execute(
                    sql: "UPDATE job SET updatedAt = ? WHERE id = ? AND state IN ('queued', 'running')",
                    arguments: [time.millisecondsSinceEpoch, id])
            }
        }
    }

    // MARK: Course seeds

    public func setCourseSeed(courseId: String, seed: String) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO courseSeed (courseId, seed) VALUES (?, ?)", arguments: [courseId, seed])
        }
    }

    public func courseSeed(courseId: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT seed FROM courseSeed WHERE courseId = ?", arguments: [courseId])
        }
    }
}
