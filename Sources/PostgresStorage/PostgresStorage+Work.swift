import CargoModel
import Foundation
import NIOCore
import PostgresNIO
import Storage

/// People, sessions, cohorts, courses, assignments and the work done on them: what `SQLiteStorage.swift` keeps,
/// statement for statement.
extension PostgresStorage {
    // MARK: People

    static let userColumns = "id, username, displayName, role, language, disabled"

    static func user(_ row: Cells) throws -> User {
        User(
            id: try row("id"), username: try row("username"), displayName: try row("displayName"),
            role: Role(rawValue: try row("role")) ?? .trainee, language: try row("language"),
            disabled: try row("disabled"))
    }

    public func createUser(_ user: NewUser, at time: Instant) async throws -> User {
        try await transaction { db in
            if try await self.exists(db, "SELECT 1 FROM \"user\" WHERE username = \(user.username)") {
                throw StorageError.conflict(
                    "The username \(user.username) is taken; choose another or leave the existing account as it is.")
            }
            let id: Int64 = try await self.row(
                db,
                """
                INSERT INTO "user" (username, displayName, role, language, passwordHash, createdAt)
                VALUES (\(user.username), \(user.displayName), \(user.role.rawValue), \(user.language),
                \(user.passwordHash), \(time.millisecondsSinceEpoch)) RETURNING id
                """)!("id")
            return User(
                id: id, username: user.username, displayName: user.displayName, role: user.role,
                language: user.language)
        }
    }

    public func user(id: Int64) async throws -> User? {
        try await read { db in
            try await self.row(db, "SELECT \(unescaped: Self.userColumns) FROM \"user\" WHERE id = \(id)").map(
                Self.user)
        }
    }

    public func credentials(username: String) async throws -> (user: User, passwordHash: String)? {
        let found: [User: String] = try await read { db in
            var out: [User: String] = [:]
            for row in try await self.rows(
                db,
                "SELECT \(unescaped: Self.userColumns), passwordHash FROM \"user\" WHERE username = \(username)")
            {
                out[try Self.user(row)] = try row("passwordHash")
            }
            return out
        }
        return found.first.map { (user: $0.key, passwordHash: $0.value) }
    }

    public func users() async throws -> [User] {
        try await read { db in
            try await self.rows(db, "SELECT \(unescaped: Self.userColumns) FROM \"user\" ORDER BY id").map(Self.user)
        }
    }

    public func setLanguage(userId: Int64, language: String) async throws -> User? {
        try await transaction { db in
            try await self.row(
                db,
                """
                UPDATE "user" SET language = \(language) WHERE id = \(userId)
                RETURNING \(unescaped: Self.userColumns)
                """
            ).map(Self.user)
        }
    }

    // MARK: Sessions

    public func createSession(_ session: SessionRecord) async throws {
        try await transaction { db in
            // Expired sessions are swept whenever someone signs in.
            try await self.execute(
                db, "DELETE FROM session WHERE expiresAt <= \(session.createdAt.millisecondsSinceEpoch)")
            try await self.execute(
                db,
                """
                INSERT INTO session (tokenHash, userId, csrfToken, createdAt, expiresAt)
                VALUES (\(session.tokenHash), \(session.userId), \(session.csrfToken),
                \(session.createdAt.millisecondsSinceEpoch), \(session.expiresAt.millisecondsSinceEpoch))
                """)
        }
    }

    public func session(tokenHash: String, at time: Instant) async throws -> SessionRecord? {
        try await read { db in
            try await self.row(
                db,
                """
                SELECT tokenHash, userId, csrfToken, createdAt, expiresAt FROM session
                WHERE tokenHash = \(tokenHash) AND expiresAt > \(time.millisecondsSinceEpoch)
                """
            ).map {
                SessionRecord(
                    tokenHash: try $0("tokenHash"), userId: try $0("userId"), csrfToken: try $0("csrfToken"),
                    createdAt: try $0.instant("createdAt"), expiresAt: try $0.instant("expiresAt"))
            }
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await transaction { db in try await self.execute(db, "DELETE FROM session WHERE tokenHash = \(tokenHash)") }
    }

    public func recordLoginFailure(username: String, address: String, at time: Instant) async throws {
        try await transaction { db in
            try await self.execute(
                db,
                "INSERT INTO loginFailure (username, address, at) VALUES (\(username), \(address), \(time.millisecondsSinceEpoch))"
            )
        }
    }

    public func loginFailures(username: String, address: String, since time: Instant) async throws -> (
        username: Int, address: Int
    ) {
        let counts: [Int] = try await snapshot { db in
            let since = time.millisecondsSinceEpoch
            return [
                try await self.row(
                    db, "SELECT COUNT(*) AS n FROM loginFailure WHERE username = \(username) AND at >= \(since)")!
                    .int("n"),
                try await self.row(
                    db, "SELECT COUNT(*) AS n FROM loginFailure WHERE address = \(address) AND at >= \(since)")!
                    .int("n"),
            ]
        }
        return (counts[0], counts[1])
    }

    public func clearLoginFailures(username: String) async throws {
        try await transaction { db in
            try await self.execute(db, "DELETE FROM loginFailure WHERE username = \(username)")
        }
    }

    public func loginFailureSummary(username: String, address: String, pairSince: Instant, addressSince: Instant)
        async throws -> LoginFailureSummary
    {
        try await snapshot { db in
            let pair = try await self.row(
                db,
                """
                SELECT COUNT(*) AS n, MAX(at) AS last FROM loginFailure
                WHERE username = \(username) AND address = \(address) AND at >= \(pairSince.millisecondsSinceEpoch)
                """)!
            let fromAddress = try await self.row(
                db,
                """
                SELECT COUNT(*) AS n, MIN(at) AS first FROM loginFailure
                WHERE address = \(address) AND at >= \(addressSince.millisecondsSinceEpoch)
                """)!
            return LoginFailureSummary(
                pairFailures: try pair.int("n"), lastPairFailure: try pair.optionalInstant("last"),
                addressFailures: try fromAddress.int("n"),
                firstAddressFailure: try fromAddress.optionalInstant("first"))
        }
    }

    public func clearLoginFailures(username: String, address: String) async throws {
        try await transaction { db in
            try await self.execute(
                db, "DELETE FROM loginFailure WHERE username = \(username) AND address = \(address)")
        }
    }

    // MARK: Cohorts

    @discardableResult
    public func addToCohort(_ name: String, userIds: [Int64]) async throws -> [Int64] {
        try await transaction { db in
            try await self.execute(db, "INSERT INTO cohort (name) VALUES (\(name)) ON CONFLICT (name) DO NOTHING")
            let cohortId: Int64 = try await self.row(db, "SELECT id FROM cohort WHERE name = \(name)")!("id")
            for userId in userIds {
                try await self.execute(
                    db,
                    "INSERT INTO cohortMember (cohortId, userId) VALUES (\(cohortId), \(userId)) ON CONFLICT DO NOTHING"
                )
            }
            return try await self.rows(
                db, "SELECT userId FROM cohortMember WHERE cohortId = \(cohortId) ORDER BY userId"
            ).map { try $0("userId") }
        }
    }

    public func cohortMembers(_ name: String) async throws -> [Int64]? {
        try await snapshot { db in
            guard let cohortId: Int64 = try await self.row(db, "SELECT id FROM cohort WHERE name = \(name)")?("id")
            else { return nil }
            return try await self.rows(
                db, "SELECT userId FROM cohortMember WHERE cohortId = \(cohortId) ORDER BY userId"
            ).map { try $0("userId") }
        }
    }

    // MARK: Courses

    public func importCourse(_ course: CourseImport, at time: Instant) async throws -> CourseImportOutcome {
        try await transaction(running: Self.longRunLimit) { db in
            if let existing: String = try await self.row(
                db, "SELECT courseHash FROM course WHERE id = \(course.courseId)")?("courseHash")
            {
                guard existing == course.courseHash else {
                    throw StorageError.conflict(
                        "Course \(course.courseId) is already imported with other contents (hash \(existing), "
                            + "this one \(course.courseHash)); generate the new version under another course id.")
                }
                return .unchanged
            }
            try await self.execute(
                db,
                """
                INSERT INTO course (id, title, courseHash, indexJSON, importedAt)
                VALUES (\(course.courseId), \(course.title), \(course.courseHash), \(ByteBuffer(bytes: course.index)),
                \(time.millisecondsSinceEpoch))
                """)
            for (position, item) in course.cases.enumerated() {
                try await self.execute(
                    db,
                    """
                    INSERT INTO courseCase (courseId, caseId, position, document)
                    VALUES (\(course.courseId), \(item.caseId), \(position), \(ByteBuffer(bytes: item.document)))
                    """)
                for (name, content) in item.files.sorted(by: { $0.key < $1.key }) {
                    try await self.execute(
                        db,
                        """
                        INSERT INTO caseFile (courseId, caseId, name, content)
                        VALUES (\(course.courseId), \(item.caseId), \(name), \(ByteBuffer(bytes: content)))
                        """)
                }
                try await self.execute(
                    db,
                    """
                    INSERT INTO answerKey (courseId, caseId, keyJSON)
                    VALUES (\(course.courseId), \(item.caseId), \(ByteBuffer(bytes: item.key)))
                    """)
            }
            return .imported
        }
    }

    private static let courseSummarySQL = """
        SELECT id, title, courseHash, importedAt, (SELECT COUNT(*) FROM courseCase WHERE courseId = course.id) AS n
        FROM course
        """

    private static func courseSummary(_ row: Cells) throws -> CourseSummary {
        CourseSummary(
            id: try row("id"), title: try row("title"), courseHash: try row("courseHash"), caseCount: try row.int("n"),
            importedAt: try row.instant("importedAt"))
    }

    public func courses() async throws -> [CourseSummary] {
        try await read { db in
            try await self.rows(db, "\(unescaped: Self.courseSummarySQL) ORDER BY importedAt, id").map(
                Self.courseSummary)
        }
    }

    public func course(id: String) async throws -> CourseSummary? {
        try await read { db in
            try await self.row(db, "\(unescaped: Self.courseSummarySQL) WHERE id = \(id)").map(Self.courseSummary)
        }
    }

    public func caseIds(courseId: String) async throws -> [String] {
        try await read { db in
            try await self.rows(db, "SELECT caseId FROM courseCase WHERE courseId = \(courseId) ORDER BY position")
                .map { try $0("caseId") }
        }
    }

    /// One bytea value, or nil; a plain statement (one snapshot is enough), the fast path of serving scans.
    private func blob(_ query: PostgresQuery) async throws -> [UInt8]? {
        let logger = self.logger
        do {
            return try await client.withConnection { db in
                guard let row = try await db.query(query, logger: logger).collect().first else { return nil }
                return Self.bytes(try row.decode(ByteBuffer.self))
            }
        } catch {
            throw Self.storageError(error, location: location)
        }
    }

    public func caseDocument(courseId: String, caseId: String) async throws -> [UInt8]? {
        try await blob("SELECT document FROM courseCase WHERE courseId = \(courseId) AND caseId = \(caseId)")
    }

    public func caseFile(courseId: String, caseId: String, name: String) async throws -> [UInt8]? {
        try await blob(
            "SELECT content FROM caseFile WHERE courseId = \(courseId) AND caseId = \(caseId) AND name = \(name)")
    }

    public func answerKey(courseId: String, caseId: String) async throws -> [UInt8]? {
        try await blob("SELECT keyJSON FROM answerKey WHERE courseId = \(courseId) AND caseId = \(caseId)")
    }

    // MARK: Assignments

    static func assignment(_ row: Cells) throws -> Assignment {
        Assignment(
            id: try row("id"), courseId: try row("courseId"), userId: try row("userId"),
            mode: AttemptMode(rawValue: try row("mode")) ?? .test, resultsReleased: try row("resultsReleased"),
            assignedAt: try row.instant("assignedAt"), groupId: try row("groupId"),
            opensAt: try row.optionalInstant("opensAt"), closesAt: try row.optionalInstant("closesAt"),
            caseTimeLimitMinutes: try row("caseTimeLimitMinutes", as: Int64?.self).map(Int.init))
    }

    public func createAssignment(
        courseId: String, userId: Int64, mode: AttemptMode, at time: Instant, overridingModeConflict: Bool
    ) async throws -> Assignment {
        try await transaction { db in
            guard try await self.exists(db, "SELECT 1 FROM course WHERE id = \(courseId)") else {
                throw StorageError.notFound("No course \(courseId); import it first with `cargosim course import`.")
            }
            guard try await self.exists(db, "SELECT 1 FROM \"user\" WHERE id = \(userId) FOR UPDATE") else {
                throw StorageError.notFound("No user with id \(userId); add the user first.")
            }
            if !overridingModeConflict,
                let other = try await self.modeConflict(db, courseId: courseId, userId: userId, mode: mode)
            {
                throw StorageError.modeConflict(other, courseId: courseId, mode: mode)
            }
            let id: Int64 = try await self.row(
                db,
                """
                INSERT INTO assignment (courseId, userId, mode, assignedAt)
                VALUES (\(courseId), \(userId), \(mode.rawValue), \(time.millisecondsSinceEpoch)) RETURNING id
                """)!("id")
            return Assignment(
                id: id, courseId: courseId, userId: userId, mode: mode, resultsReleased: false, assignedAt: time)
        }
    }

    public func modeConflict(courseId: String, userId: Int64, mode: AttemptMode) async throws -> Assignment? {
        try await read { db in try await self.modeConflict(db, courseId: courseId, userId: userId, mode: mode) }
    }

    func modeConflict(_ db: PostgresConnection, courseId: String, userId: Int64, mode: AttemptMode) async throws
        -> Assignment?
    {
        try await row(
            db,
            """
            SELECT a.* FROM assignment a
            WHERE a.userId = \(userId) AND a.mode != \(mode.rawValue) AND EXISTS (
                SELECT 1 FROM courseCase held JOIN courseCase wanted ON wanted.caseId = held.caseId
                WHERE held.courseId = a.courseId AND wanted.courseId = \(courseId))
            ORDER BY a.id LIMIT 1
            """
        ).map(Self.assignment)
    }

    public func openTests(userId: Int64, caseId: String) async throws -> [Assignment] {
        try await read { db in
            try await self.rows(
                db,
                """
                SELECT a.* FROM assignment a JOIN courseCase c ON c.courseId = a.courseId AND c.caseId = \(caseId)
                WHERE a.userId = \(userId) AND a.mode = 'test' AND NOT a.resultsReleased ORDER BY a.id
                """
            ).map(Self.assignment)
        }
    }

    public func assignment(id: Int64) async throws -> Assignment? {
        try await read { db in
            try await self.row(db, "SELECT * FROM assignment WHERE id = \(id)").map(Self.assignment)
        }
    }

    public func assignments(userId: Int64?) async throws -> [Assignment] {
        try await read { db in
            if let userId {
                return try await self.rows(db, "SELECT * FROM assignment WHERE userId = \(userId) ORDER BY id").map(
                    Self.assignment)
            }
            return try await self.rows(db, "SELECT * FROM assignment ORDER BY id").map(Self.assignment)
        }
    }

    public func releaseResults(assignmentId: Int64) async throws {
        try await transaction { db in
            try await self.execute(db, "UPDATE assignment SET resultsReleased = TRUE WHERE id = \(assignmentId)")
        }
    }

    public func recordShown(assignmentId: Int64, caseId: String, stage: Stage, at time: Instant) async throws
        -> Instant
    {
        // Every case view calls this; only the first of a stage writes (a read first keeps the others off the WAL).
        if let shown = try await shownTime(assignmentId: assignmentId, caseId: caseId, stage: stage) {
            return shown
        }
        return try await transaction { db in
            try await self.execute(
                db,
                """
                INSERT INTO stageShown (assignmentId, caseId, stage, shownAt)
                VALUES (\(assignmentId), \(caseId), \(stage.rawValue), \(time.millisecondsSinceEpoch))
                ON CONFLICT DO NOTHING
                """)
            let shown: Int64? = try await self.row(
                db,
                """
                SELECT shownAt FROM stageShown
                WHERE assignmentId = \(assignmentId) AND caseId = \(caseId) AND stage = \(stage.rawValue)
                """)?("shownAt")
            return Instant(millisecondsSinceEpoch: shown ?? time.millisecondsSinceEpoch)
        }
    }

    public func shownTime(assignmentId: Int64, caseId: String, stage: Stage) async throws -> Instant? {
        try await read { db in
            try await self.row(
                db,
                """
                SELECT shownAt FROM stageShown
                WHERE assignmentId = \(assignmentId) AND caseId = \(caseId) AND stage = \(stage.rawValue)
                """
            )?.instant("shownAt")
        }
    }

    public func recordDecision(_ record: DecisionRecord, decidedBefore: [Stage], grade: GradeRecord?) async throws {
        let json = ByteBuffer(bytes: try Self.encoder.encode(record.decision))
        try await transaction { db in
            // Decisions of one assignment, from any instance, are checked one after the other: the assignment's
            // row is locked in the same round trip that reads the stages decided. (No such assignment: no row, and
            // the insert below fails on its foreign key, a conflict, as in SQLite.)
            let decided: [String] = try await self.rows(
                db,
                """
                SELECT d.stage FROM assignment a
                LEFT JOIN decision d ON d.assignmentId = a.id AND d.userId = \(record.userId)
                    AND d.caseId = \(record.caseId)
                WHERE a.id = \(record.assignmentId) ORDER BY d.stageOrder FOR UPDATE OF a
                """
            ).compactMap { try $0("stage", as: String?.self) }
            if decided.contains(record.decision.stage.rawValue) {
                throw StorageError.conflict("The \(record.decision.stage.rawValue) stage is already decided.")
            }
            guard decided == decidedBefore.map(\.rawValue) else {
                throw StorageError.conflict("Decide the stages in order; this one is not open.")
            }
            let order = Stage.allCases.firstIndex(of: record.decision.stage)!
            try await self.execute(
                db,
                """
                INSERT INTO decision (assignmentId, userId, caseId, stage, stageOrder, decisionJSON, decidedAt)
                VALUES (\(record.assignmentId), \(record.userId), \(record.caseId), \(record.decision.stage.rawValue),
                \(order), \(json), \(record.decision.decidedAt.millisecondsSinceEpoch))
                """)
            if let grade { try await self.insertGrade(grade, db) }
        }
    }

    public func decidedStages(assignmentId: Int64, caseId: String) async throws -> [Stage] {
        let names: [String] = try await read { db in
            try await self.rows(
                db,
                """
                SELECT stage FROM decision WHERE assignmentId = \(assignmentId) AND caseId = \(caseId)
                ORDER BY stageOrder
                """
            ).map { try $0("stage") }
        }
        return names.compactMap(Stage.init(rawValue:))
    }

    public func decisions(assignmentId: Int64, caseId: String?) async throws -> [DecisionRecord] {
        let rows: [(Int64, Int64, String, [UInt8])] = try await read { db in
            let found: [Cells]
            if let caseId {
                found = try await self.rows(
                    db,
                    """
                    SELECT assignmentId, userId, caseId, decisionJSON FROM decision
                    WHERE assignmentId = \(assignmentId) AND caseId = \(caseId) ORDER BY caseId, stageOrder
                    """)
            } else {
                found = try await self.rows(
                    db,
                    """
                    SELECT assignmentId, userId, caseId, decisionJSON FROM decision
                    WHERE assignmentId = \(assignmentId) ORDER BY caseId, stageOrder
                    """)
            }
            return try found.map {
                (try $0("assignmentId"), try $0("userId"), try $0("caseId"), try $0.bytes("decisionJSON"))
            }
        }
        let decoder = JSONDecoder()
        return try rows.map {
            DecisionRecord(
                assignmentId: $0.0, userId: $0.1, caseId: $0.2,
                decision: try decoder.decode(Decision.self, from: Data($0.3)))
        }
    }

    public func recordExamination(
        assignmentId: Int64, caseId: String, points: [ExaminationPoint], at time: Instant
    ) async throws {
        let json = ByteBuffer(bytes: try Self.encoder.encode(points))
        try await transaction { db in
            if try await self.exists(
                db, "SELECT 1 FROM examination WHERE assignmentId = \(assignmentId) AND caseId = \(caseId)")
            {
                throw StorageError.conflict("The examination points of this case are already chosen.")
            }
            try await self.execute(
                db,
                """
                INSERT INTO examination (assignmentId, caseId, pointsJSON, examinedAt)
                VALUES (\(assignmentId), \(caseId), \(json), \(time.millisecondsSinceEpoch))
                """)
        }
    }

    public func examination(assignmentId: Int64, caseId: String) async throws -> [ExaminationPoint]? {
        let data: [UInt8]? = try await read { db in
            try await self.row(
                db, "SELECT pointsJSON FROM examination WHERE assignmentId = \(assignmentId) AND caseId = \(caseId)"
            )?.bytes("pointsJSON")
        }
        return try data.map { try JSONDecoder().decode([ExaminationPoint].self, from: Data($0)) }
    }

    public func saveGrade(_ grade: GradeRecord) async throws {
        try await transaction { db in try await self.insertGrade(grade, db) }
    }

    func insertGrade(_ grade: GradeRecord, _ db: PostgresConnection) async throws {
        try await execute(
            db,
            """
            INSERT INTO grade (assignmentId, userId, caseId, score, outcome, gradeJSON, attemptJSON, gradedAt)
            VALUES (\(grade.assignmentId), \(grade.userId), \(grade.caseId), \(grade.score), \(grade.outcome),
            \(ByteBuffer(bytes: grade.gradeJSON)), \(ByteBuffer(bytes: grade.attemptJSON)),
            \(grade.gradedAt.millisecondsSinceEpoch))
            ON CONFLICT (assignmentId, caseId) DO UPDATE SET userId = excluded.userId, score = excluded.score,
                outcome = excluded.outcome, gradeJSON = excluded.gradeJSON, attemptJSON = excluded.attemptJSON,
                gradedAt = excluded.gradedAt
            """)
    }

    public func grades(assignmentId: Int64) async throws -> [GradeRecord] {
        try await read { db in
            try await self.rows(
                db, "SELECT * FROM grade WHERE assignmentId = \(assignmentId) ORDER BY gradedAt, caseId"
            ).map(Self.grade)
        }
    }

    static func grade(_ row: Cells) throws -> GradeRecord {
        GradeRecord(
            assignmentId: try row("assignmentId"), userId: try row("userId"), caseId: try row("caseId"),
            score: try row("score"), outcome: try row("outcome"), gradeJSON: try row.bytes("gradeJSON"),
            attemptJSON: try row.bytes("attemptJSON"), gradedAt: try row.instant("gradedAt"))
    }

    // MARK: Audit

    public func audit(_ entry: AuditEntry) async throws {
        try await transaction { db in
            try await self.execute(
                db,
                """
                INSERT INTO audit (at, actor, action, detail)
                VALUES (\(entry.at.millisecondsSinceEpoch), \(entry.actor), \(entry.action), \(entry.detail))
                """)
        }
    }

    public func auditLog(limit: Int) async throws -> [AuditEntry] {
        try await read { db in
            try await self.rows(
                db, "SELECT at, actor, action, detail FROM audit ORDER BY id DESC LIMIT \(max(0, limit))"
            ).map {
                AuditEntry(
                    at: try $0.instant("at"), actor: try $0("actor"), action: try $0("action"),
                    detail: try $0("detail"))
            }
        }
    }
}
