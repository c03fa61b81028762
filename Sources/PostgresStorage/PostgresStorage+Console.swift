import CargoModel
import Foundation
import NIOCore
import PostgresNIO
import Storage

/// The instructor console's records (`SQLiteStorage+Console.swift`) and watching a class (`SQLiteStorage+Watch`).
extension PostgresStorage {
    // MARK: People

    public func setDisabled(userId: Int64, disabled: Bool) async throws -> User? {
        try await transaction { db in
            let user = try await self.row(
                db,
                "UPDATE \"user\" SET disabled = \(disabled) WHERE id = \(userId) RETURNING \(unescaped: Self.userColumns)"
            ).map(Self.user)
            if disabled { try await self.execute(db, "DELETE FROM session WHERE userId = \(userId)") }
            return user
        }
    }

    public func setPasswordHash(userId: Int64, hash: String) async throws -> User? {
        try await transaction { db in
            let user = try await self.row(
                db,
                "UPDATE \"user\" SET passwordHash = \(hash) WHERE id = \(userId) RETURNING \(unescaped: Self.userColumns)"
            ).map(Self.user)
            try await self.execute(db, "DELETE FROM session WHERE userId = \(userId)")
            return user
        }
    }

    public func createUsers(_ users: [NewUser], cohorts: [String?], at time: Instant) async throws -> [User] {
        try await transaction { db in
            var created: [User] = []
            for (user, cohort) in zip(users, cohorts) {
                if try await self.exists(db, "SELECT 1 FROM \"user\" WHERE username = \(user.username)") {
                    throw StorageError.conflict("The username \(user.username) is taken; choose another.")
                }
                let id: Int64 = try await self.row(
                    db,
                    """
                    INSERT INTO "user" (username, displayName, role, language, passwordHash, createdAt)
                    VALUES (\(user.username), \(user.displayName), \(user.role.rawValue), \(user.language),
                    \(user.passwordHash), \(time.millisecondsSinceEpoch)) RETURNING id
                    """)!("id")
                if let cohort {
                    try await self.execute(
                        db, "INSERT INTO cohort (name) VALUES (\(cohort)) ON CONFLICT (name) DO NOTHING")
                    try await self.execute(
                        db,
                        """
                        INSERT INTO cohortMember (cohortId, userId) SELECT id, \(id) FROM cohort WHERE name = \(cohort)
                        ON CONFLICT DO NOTHING
                        """)
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
        let found: [CohortRow] = try await snapshot { db in
            var members: [String: [Int64]] = [:]
            for row in try await self.rows(
                db,
                "SELECT c.name, m.userId FROM cohort c JOIN cohortMember m ON m.cohortId = c.id ORDER BY c.name, m.userId"
            ) {
                members[try row("name"), default: []].append(try row("userId"))
            }
            return try await self.rows(db, "SELECT name FROM cohort ORDER BY name").map {
                let name: String = try $0("name")
                return CohortRow(name: name, members: members[name] ?? [])
            }
        }
        return found.map { (name: $0.name, members: $0.members) }
    }

    private struct CohortRow: Sendable {
        let name: String
        let members: [Int64]
    }

    // MARK: Class assignments

    static func group(_ row: Cells) throws -> AssignmentGroup {
        AssignmentGroup(
            id: try row("id"), courseId: try row("courseId"), mode: AttemptMode(rawValue: try row("mode")) ?? .test,
            cohort: try row("cohort"), opensAt: try row.optionalInstant("opensAt"),
            closesAt: try row.optionalInstant("closesAt"),
            caseTimeLimitMinutes: try row("caseTimeLimitMinutes", as: Int64?.self).map(Int.init),
            createdBy: try row("createdBy"), createdAt: try row.instant("createdAt"))
    }

    public func createGroup(
        _ group: NewAssignmentGroup, userIds: [Int64], overridingModeConflict: Bool, at time: Instant
    ) async throws -> (group: AssignmentGroup, assignments: [Assignment]) {
        let made: GroupMade = try await transaction { db in
            guard try await self.exists(db, "SELECT 1 FROM course WHERE id = \(group.courseId)") else {
                throw StorageError.notFound("No course \(group.courseId); import or generate it first.")
            }
            for userId in userIds {
                // The user's row locked: two instances assigning to one user check the mode rule in turn.
                guard try await self.exists(db, "SELECT 1 FROM \"user\" WHERE id = \(userId) FOR UPDATE") else {
                    throw StorageError.notFound("No user with id \(userId); add the user first.")
                }
                if !overridingModeConflict,
                    let other = try await self.modeConflict(
                        db, courseId: group.courseId, userId: userId, mode: group.mode)
                {
                    throw StorageError.modeConflict(other, courseId: group.courseId, mode: group.mode)
                }
            }
            let opensAt = group.opensAt?.millisecondsSinceEpoch, closesAt = group.closesAt?.millisecondsSinceEpoch
            let limit = group.caseTimeLimitMinutes.map(Int64.init)
            let saved = try await self.row(
                db,
                """
                INSERT INTO assignmentGroup (courseId, mode, cohort, opensAt, closesAt, caseTimeLimitMinutes,
                    createdBy, createdAt)
                VALUES (\(group.courseId), \(group.mode.rawValue), \(group.cohort), \(opensAt), \(closesAt), \(limit),
                \(group.createdBy), \(time.millisecondsSinceEpoch)) RETURNING *
                """)!
            let made = try Self.group(saved)
            var assignments: [Assignment] = []
            for userId in userIds {
                let id: Int64 = try await self.row(
                    db,
                    """
                    INSERT INTO assignment (courseId, userId, mode, assignedAt, groupId, opensAt, closesAt,
                        caseTimeLimitMinutes)
                    VALUES (\(group.courseId), \(userId), \(group.mode.rawValue), \(time.millisecondsSinceEpoch),
                    \(made.id), \(opensAt), \(closesAt), \(limit)) RETURNING id
                    """)!("id")
                assignments.append(
                    Assignment(
                        id: id, courseId: group.courseId, userId: userId, mode: group.mode, resultsReleased: false,
                        assignedAt: time, groupId: made.id, opensAt: group.opensAt, closesAt: group.closesAt,
                        caseTimeLimitMinutes: group.caseTimeLimitMinutes))
            }
            return GroupMade(group: made, assignments: assignments)
        }
        return (made.group, made.assignments)
    }

    private struct GroupMade: Sendable {
        let group: AssignmentGroup
        let assignments: [Assignment]
    }

    public func groups() async throws -> [AssignmentGroup] {
        try await read { db in try await self.rows(db, "SELECT * FROM assignmentGroup ORDER BY id").map(Self.group) }
    }

    public func group(id: Int64) async throws -> AssignmentGroup? {
        try await read { db in
            try await self.row(db, "SELECT * FROM assignmentGroup WHERE id = \(id)").map(Self.group)
        }
    }

    public func assignments(groupId: Int64) async throws -> [Assignment] {
        try await read { db in
            try await self.rows(db, "SELECT * FROM assignment WHERE groupId = \(groupId) ORDER BY id").map(
                Self.assignment)
        }
    }

    public func releaseResults(groupId: Int64) async throws {
        try await transaction { db in
            try await self.execute(db, "UPDATE assignment SET resultsReleased = TRUE WHERE groupId = \(groupId)")
        }
    }

    // MARK: Spec library

    static func spec(_ row: Cells) throws -> SpecRecord {
        SpecRecord(
            id: try row("id"), name: try row("name"), yaml: try row("yaml"), owner: try row("owner"),
            updatedAt: try row.instant("updatedAt"))
    }

    public func saveSpec(id: Int64?, name: String, yaml: String, owner: String, at time: Instant) async throws
        -> SpecRecord
    {
        try await transaction { db in
            if let other: Int64 = try await self.row(db, "SELECT id FROM spec WHERE name = \(name)")?("id"),
                other != id
            {
                throw StorageError.conflict("A spec named \(name) is already in the library; choose another name.")
            }
            let saved: Cells?
            if let id {
                saved = try await self.row(
                    db,
                    """
                    UPDATE spec SET name = \(name), yaml = \(yaml), owner = \(owner),
                        updatedAt = \(time.millisecondsSinceEpoch) WHERE id = \(id) RETURNING *
                    """)
                guard saved != nil else { throw StorageError.notFound("No spec \(id).") }
            } else {
                saved = try await self.row(
                    db,
                    """
                    INSERT INTO spec (name, yaml, owner, updatedAt)
                    VALUES (\(name), \(yaml), \(owner), \(time.millisecondsSinceEpoch)) RETURNING *
                    """)
            }
            return try Self.spec(saved!)
        }
    }

    public func specs() async throws -> [SpecRecord] {
        try await read { db in try await self.rows(db, "SELECT * FROM spec ORDER BY name").map(Self.spec) }
    }

    public func spec(id: Int64) async throws -> SpecRecord? {
        try await read { db in try await self.row(db, "SELECT * FROM spec WHERE id = \(id)").map(Self.spec) }
    }

    public func deleteSpec(id: Int64) async throws -> Bool {
        try await transaction { db in try await self.execute(db, "DELETE FROM spec WHERE id = \(id)") == 1 }
    }

    // MARK: Jobs

    static func job(_ row: Cells) throws -> JobRecord {
        JobRecord(
            id: try row("id"), kind: try row("kind"), state: JobRecord.State(rawValue: try row("state")) ?? .failed,
            done: try row.int("done"), total: try row.int("total"), courseId: try row("courseId"),
            errorJSON: try row("errorJSON"), createdBy: try row("createdBy"), createdAt: try row.instant("createdAt"),
            updatedAt: try row.instant("updatedAt"))
    }

    public func createJob(kind: String, total: Int, createdBy: String, at time: Instant) async throws -> JobRecord {
        try await transaction { db in
            try Self.job(
                try await self.row(
                    db,
                    """
                    INSERT INTO job (kind, state, total, createdBy, createdAt, updatedAt)
                    VALUES (\(kind), 'queued', \(total), \(createdBy), \(time.millisecondsSinceEpoch),
                    \(time.millisecondsSinceEpoch)) RETURNING *
                    """)!)
        }
    }

    public func updateJob(
        id: Int64, state: JobRecord.State, done: Int, total: Int, courseId: String?, errorJSON: String?,
        at time: Instant
    ) async throws {
        try await transaction { db in
            try await self.execute(
                db,
                """
                UPDATE job SET state = \(state.rawValue), done = \(done), total = \(total),
                    courseId = COALESCE(\(courseId)::text, courseId), errorJSON = COALESCE(\(errorJSON)::text, errorJSON),
                    updatedAt = \(time.millisecondsSinceEpoch)
                WHERE id = \(id)
                """)
        }
    }

    public func job(id: Int64) async throws -> JobRecord? {
        try await read { db in try await self.row(db, "SELECT * FROM job WHERE id = \(id)").map(Self.job) }
    }

    public func jobs(limit: Int) async throws -> [JobRecord] {
        try await read { db in
            try await self.rows(db, "SELECT * FROM job ORDER BY id DESC LIMIT \(max(0, limit))").map(Self.job)
        }
    }

    /// Marks every job left queued or running (and, with `idleSince`, not updated since then: the instance running
    /// it stopped) as failed.
    public func failUnfinishedJobs(idleSince: Instant?, at time: Instant) async throws -> Int {
        let cutoff = (idleSince ?? Instant(millisecondsSinceEpoch: .max)).millisecondsSinceEpoch
        return try await transaction { db in
            try await self.execute(
                db,
                """
                UPDATE job SET state = 'failed', updatedAt = \(time.millisecondsSinceEpoch),
                    errorJSON = '{"message":"The server stopped before the job finished; start it again."}'
                WHERE state IN ('queued', 'running') AND updatedAt < \(cutoff)
                """)
        }
    }

    public func touchJobs(ids: [Int64], at time: Instant) async throws {
        guard !ids.isEmpty else { return }
        try await transaction { db in
            try await self.execute(
                db,
                """
                UPDATE job SET updatedAt = \(time.millisecondsSinceEpoch)
                WHERE id = ANY(\(ids)) AND state IN ('queued', 'running')
                """)
        }
    }

    // MARK: Course seeds

    public func setCourseSeed(courseId: String, seed: String) async throws {
        try await transaction { db in
            try await self.execute(
                db,
                """
                INSERT INTO courseSeed (courseId, seed) VALUES (\(courseId), \(seed))
                ON CONFLICT (courseId) DO UPDATE SET seed = excluded.seed
                """)
        }
    }

    public func courseSeed(courseId: String) async throws -> String? {
        try await read { db in
            try await self.row(db, "SELECT seed FROM courseSeed WHERE courseId = \(courseId)")?("seed")
        }
    }

    // MARK: Watching a class

    public func groupActivity(groupId: Int64) async throws -> GroupActivity {
        try await snapshot { db in
            let assignments = try await self.rows(
                db, "SELECT * FROM assignment WHERE groupId = \(groupId) ORDER BY id"
            ).map(Self.assignment)
            func events(_ rows: [Cells]) throws -> [StageEvent] {
                try rows.compactMap { row in
                    guard let stage = Stage(rawValue: try row("stage")) else { return nil }
                    return StageEvent(
                        assignmentId: try row("assignmentId"), caseId: try row("caseId"), stage: stage,
                        at: try row.instant("at"))
                }
            }
            let shown = try events(
                try await self.rows(
                    db,
                    """
                    SELECT s.assignmentId, s.caseId, s.stage, s.shownAt AS at FROM stageShown s
                    JOIN assignment a ON a.id = s.assignmentId WHERE a.groupId = \(groupId) ORDER BY s.shownAt
                    """))
            let decided = try events(
                try await self.rows(
                    db,
                    """
                    SELECT d.assignmentId, d.caseId, d.stage, d.decidedAt AS at FROM decision d
                    JOIN assignment a ON a.id = d.assignmentId WHERE a.groupId = \(groupId)
                    ORDER BY d.decidedAt, d.stageOrder
                    """))
            return GroupActivity(assignments: assignments, shown: shown, decided: decided)
        }
    }

    public func grades(groupId: Int64) async throws -> [GradeRecord] {
        try await read { db in
            try await self.rows(
                db,
                """
                SELECT g.* FROM grade g JOIN assignment a ON a.id = g.assignmentId WHERE a.groupId = \(groupId)
                ORDER BY g.gradedAt, g.assignmentId, g.caseId
                """
            ).map(Self.grade)
        }
    }

    public func decisions(groupId: Int64, caseId: String) async throws -> [DecisionRecord] {
        let rows: [(Int64, Int64, [UInt8])] = try await read { db in
            try await self.rows(
                db,
                """
                SELECT d.assignmentId, d.userId, d.decisionJSON FROM decision d
                JOIN assignment a ON a.id = d.assignmentId WHERE a.groupId = \(groupId) AND d.caseId = \(caseId)
                ORDER BY d.assignmentId, d.stageOrder
                """
            ).map { (try $0("assignmentId"), try $0("userId"), try $0.bytes("decisionJSON")) }
        }
        let decoder = JSONDecoder()
        return try rows.map {
            DecisionRecord(
                assignmentId: $0.0, userId: $0.1, caseId: caseId,
                decision: try decoder.decode(Decision.self, from: Data($0.2)))
        }
    }
}
