import CargoModel
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The embedded store: one SQLite file in WAL mode with `synchronous = FULL`, so that a transaction that
/// returned has reached the disk and survives `kill -9` or a power cut.
public final class SQLiteStorage: Storage {
    let pool: DatabasePool
    private let writer: GroupWriter
    public let path: String

    /// Opens (creating when absent) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try Self.makePrivate(path)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw StorageError(
                code: "io",
                message:
                    "Cannot open the database \(path) (\(error)); check the folder exists and is writable, or give another --db."
            )
        }
        writer = GroupWriter(pool: pool)
        self.path = path
    }

    /// Creates the database file mode 600 when absent, and narrows an existing one (and its WAL and shared-memory
    /// files) to 600: it holds answer keys, password and session hashes. SQLite gives the WAL and shared-memory
    /// files it creates the database file's mode, whatever the umask.
    static func makePrivate(_ path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StorageError(
                code: "io",
                message: "Cannot open the database \(path) (\(String(cString: strerror(errno)))); check the folder "
                    + "exists and is writable, or give another --db.")
        }
        let narrowed = fchmod(fd, 0o600) == 0
        close(fd)
        for companion in [path + "-wal", path + "-shm"] where access(companion, F_OK) == 0 {
            _ = chmod(companion, 0o600)
        }
        guard narrowed else {
            throw StorageError(
                code: "io",
                message: "Cannot make the database \(path) private to its owner (chmod 600: "
                    + "\(String(cString: strerror(errno)))); check who owns it.")
        }
    }

    /// The largest number of writes committed in one transaction so far (group commit; see `GroupWriter`).
    public var largestWriteBatch: Int { writer.largestBatch }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE user (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        username TEXT NOT NULL UNIQUE,
                        displayName TEXT NOT NULL,
                        role TEXT NOT NULL CHECK (role IN ('admin', 'instructor', 'trainee')),
                        language TEXT NOT NULL,
                        passwordHash TEXT NOT NULL,
                        createdAt INTEGER NOT NULL
                    );
                    CREATE TABLE session (
                        tokenHash TEXT PRIMARY KEY,
                        userId INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                        csrfToken TEXT NOT NULL,
                        createdAt INTEGER NOT NULL,
                        expiresAt INTEGER NOT NULL
                    );
                    CREATE TABLE loginFailure (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        username TEXT NOT NULL,
                        address TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX loginFailureByUsername ON loginFailure(username, at);
                    CREATE INDEX loginFailureByAddress ON loginFailure(address, at);
                    CREATE TABLE cohort (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL UNIQUE
                    );
                    CREATE TABLE cohortMember (
                        cohortId INTEGER NOT NULL REFERENCES cohort(id) ON DELETE CASCADE,
                        userId INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                        PRIMARY KEY (cohortId, userId)
                    );
                    CREATE TABLE course (
                        id TEXT PRIMARY KEY,
                        title TEXT NOT NULL,
                        courseHash TEXT NOT NULL,
                        indexJSON BLOB NOT NULL,
                        importedAt INTEGER NOT NULL
                    );
                    CREATE TABLE courseCase (
                        courseId TEXT NOT NULL REFERENCES course(id) ON DELETE CASCADE,
                        caseId TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        document BLOB NOT NULL,
                        PRIMARY KEY (courseId, caseId)
                    );
                    CREATE TABLE caseFile (
                        courseId TEXT NOT NULL,
                        caseId TEXT NOT NULL,
                        name TEXT NOT NULL,
                        content BLOB NOT NULL,
                        PRIMARY KEY (courseId, caseId, name),
                        FOREIGN KEY (courseId, caseId) REFERENCES courseCase(courseId, caseId) ON DELETE CASCADE
                    );
                    -- Answer keys live apart from what trainees see; only grading and feedback read them.
                    CREATE TABLE answerKey (
                        courseId TEXT NOT NULL,
                        caseId TEXT NOT NULL,
                        keyJSON BLOB NOT NULL,
                        PRIMARY KEY (courseId, caseId),
                        FOREIGN KEY (courseId, caseId) REFERENCES courseCase(courseId, caseId) ON DELETE CASCADE
                    );
                    CREATE TABLE assignment (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        courseId TEXT NOT NULL REFERENCES course(id),
                        userId INTEGER NOT NULL REFERENCES user(id),
                        mode TEXT NOT NULL CHECK (mode IN ('training', 'test')),
                        resultsReleased INTEGER NOT NULL DEFAULT 0,
                        assignedAt INTEGER NOT NULL
                    );
                    CREATE INDEX assignmentByUser ON assignment(userId);
                    CREATE TABLE stageShown (
                        assignmentId INTEGER NOT NULL REFERENCES assignment(id),
                        caseId TEXT NOT NULL,
                        stage TEXT NOT NULL,
                        shownAt INTEGER NOT NULL,
                        PRIMARY KEY (assignmentId, caseId, stage)
                    );
                    CREATE TABLE decision (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        assignmentId INTEGER NOT NULL REFERENCES assignment(id),
                        userId INTEGER NOT NULL REFERENCES user(id),
                        caseId TEXT NOT NULL,
                        stage TEXT NOT NULL,
                        stageOrder INTEGER NOT NULL,
                        decisionJSON BLOB NOT NULL,
                        decidedAt INTEGER NOT NULL,
                        UNIQUE (assignmentId, userId, caseId, stage)
                    );
                    CREATE TABLE examination (
                        assignmentId INTEGER NOT NULL REFERENCES assignment(id),
                        caseId TEXT NOT NULL,
                        pointsJSON BLOB NOT NULL,
                        examinedAt INTEGER NOT NULL,
                        PRIMARY KEY (assignmentId, caseId)
                    );
                    CREATE TABLE grade (
                        assignmentId INTEGER NOT NULL REFERENCES assignment(id),
                        userId INTEGER NOT NULL REFERENCES user(id),
                        caseId TEXT NOT NULL,
                        score REAL NOT NULL,
                        outcome TEXT NOT NULL,
                        gradeJSON BLOB NOT NULL,
                        attemptJSON BLOB NOT NULL,
                        gradedAt INTEGER NOT NULL,
                        PRIMARY KEY (assignmentId, caseId)
                    );
                    CREATE TABLE audit (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    """)
        }
        registerConsoleMigration(&migrator)
        registerCertificationMigration(&migrator)
        registerCalibrationMigration(&migrator)
        registerSignOffMigration(&migrator)
        return migrator
    }

    // MARK: People

    public func createUser(_ user: NewUser, at time: Instant) async throws -> User {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE username = ?", arguments: [user.username])
                ?? false
            {
                throw StorageError.conflict(
                    "The username \(user.username) is taken; choose another or leave the existing account as it is.")
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
            return User(
                id: db.lastInsertedRowID, username: user.username, displayName: user.displayName, role: user.role,
                language: user.language)
        }
    }

    static let userColumns = "id, username, displayName, role, language, disabled"

    static func user(_ row: Row) -> User {
        User(
            id: row["id"], username: row["username"], displayName: row["displayName"],
            role: Role(rawValue: row["role"]) ?? .trainee, language: row["language"], disabled: row["disabled"])
    }

    public func user(id: Int64) async throws -> User? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.userColumns) FROM user WHERE id = ?", arguments: [id]).map(
                Self.user)
        }
    }

    public func credentials(username: String) async throws -> (user: User, passwordHash: String)? {
        let found: [(User, String)] = try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.userColumns), passwordHash FROM user WHERE username = ?",
                arguments: [username]
            ).map { (Self.user($0), $0["passwordHash"]) }
        }
        return found.first.map { (user: $0.0, passwordHash: $0.1) }
    }

    public func users() async throws -> [User] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.userColumns) FROM user ORDER BY id").map(Self.user)
        }
    }

    public func setLanguage(userId: Int64, language: String) async throws -> User? {
        try await write { db in
            try db.execute(sql: "UPDATE user SET language = ? WHERE id = ?", arguments: [language, userId])
            return try Row.fetchOne(db, sql: "SELECT \(Self.userColumns) FROM user WHERE id = ?", arguments: [userId])
                .map(Self.user)
        }
    }

    // MARK: Sessions

    public func createSession(_ session: SessionRecord) async throws {
        try await write { db in
            // Expired sessions are swept whenever someone signs in.
            try db.execute(
                sql: "DELETE FROM session WHERE expiresAt <= ?", arguments: [session.createdAt.millisecondsSinceEpoch])
            try db.execute(
                sql: "INSERT INTO session (tokenHash, userId, csrfToken, createdAt, expiresAt) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    session.tokenHash, session.userId, session.csrfToken, session.createdAt.millisecondsSinceEpoch,
                    session.expiresAt.millisecondsSinceEpoch,
                ])
        }
    }

    public func session(tokenHash: String, at time: Instant) async throws -> SessionRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM session WHERE tokenHash = ? AND expiresAt > ?",
                arguments: [tokenHash, time.millisecondsSinceEpoch]
            ).map {
                SessionRecord(
                    tokenHash: $0["tokenHash"], userId: $0["userId"], csrfToken: $0["csrfToken"],
                    createdAt: Instant(millisecondsSinceEpoch: $0["createdAt"]),
                    expiresAt: Instant(millisecondsSinceEpoch: $0["expiresAt"]))
            }
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM session WHERE tokenHash = ?", arguments: [tokenHash]) }
    }

    public func recordLoginFailure(username: String, address: String, at time: Instant) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO loginFailure (username, address, at) VALUES (?, ?, ?)",
                arguments: [username, address, time.millisecondsSinceEpoch])
        }
    }

    public func loginFailures(username: String, address: String, since time: Instant) async throws -> (
        username: Int, address: Int
    ) {
        let counts: [Int] = try await pool.read { db in
            [
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM loginFailure WHERE username = ? AND at >= ?",
                    arguments: [username, time.millisecondsSinceEpoch]) ?? 0,
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM loginFailure WHERE address = ? AND at >= ?",
                    arguments: [address, time.millisecondsSinceEpoch]) ?? 0,
            ]
        }
        return (counts[0], counts[1])
    }

    public func clearLoginFailures(username: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM loginFailure WHERE username = ?", arguments: [username])
        }
    }

    public func loginFailureSummary(username: String, address: String, pairSince: Instant, addressSince: Instant)
        async throws -> LoginFailureSummary
    {
        try await pool.read { db in
            let pair = try Row.fetchOne(
                db,
                sql:
                    "SELECT COUNT(*) AS n, MAX(at) AS last FROM loginFailure WHERE username = ? AND address = ? AND at >= ?",
                arguments: [username, address, pairSince.millisecondsSinceEpoch])
            let fromAddress = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS n, MIN(at) AS first FROM loginFailure WHERE address = ? AND at >= ?",
                arguments: [address, addressSince.millisecondsSinceEpoch])
            let last: Int64? = pair?["last"], first: Int64? = fromAddress?["first"]
            return LoginFailureSummary(
                pairFailures: pair?["n"] ?? 0, lastPairFailure: last.map(Instant.init(millisecondsSinceEpoch:)),
                addressFailures: fromAddress?["n"] ?? 0,
                firstAddressFailure: first.map(Instant.init(millisecondsSinceEpoch:)))
        }
    }

    public func clearLoginFailures(username: String, address: String) async throws {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM loginFailure WHERE username = ? AND address = ?", arguments: [username, address])
        }
    }

    // MARK: Cohorts

    @discardableResult
    public func addToCohort(_ name: String, userIds: [Int64]) async throws -> [Int64] {
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO cohort (name) VALUES (?)", arguments: [name])
            let cohortId = try Int64.fetchOne(db, sql: "SELECT id FROM cohort WHERE name = ?", arguments: [name])!
            for userId in userIds {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO cohortMember (cohortId, userId) VALUES (?, ?)",
                    arguments: [cohortId, userId])
            }
            return try Int64.fetchAll(
                db, sql: "SELECT userId FROM cohortMember WHERE cohortId = ? ORDER BY userId", arguments: [cohortId])
        }
    }

    public func cohortMembers(_ name: String) async throws -> [Int64]? {
        try await pool.read { db in
            guard let cohortId = try Int64.fetchOne(db, sql: "SELECT id FROM cohort WHERE name = ?", arguments: [name])
            else { return nil }
            return try Int64.fetchAll(
                db, sql: "SELECT userId FROM cohortMember WHERE cohortId = ? ORDER BY userId", arguments: [cohortId])
        }
    }

    // MARK: Courses

    public func importCourse(_ course: CourseImport, at time: Instant) async throws -> CourseImportOutcome {
        try await write { db in
            if let existing = try String.fetchOne(
                db, sql: "SELECT courseHash FROM course WHERE id = ?", arguments: [course.courseId])
            {
                guard existing == course.courseHash else {
                    throw StorageError.conflict(
                        "Course \(course.courseId) is already imported with other contents (hash \(existing), "
                            + "this one \(course.courseHash)); generate the new version under another course id.")
                }
                return .unchanged
            }
            try db.execute(
                sql: "INSERT INTO course (id, title, courseHash, indexJSON, importedAt) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    course.courseId, course.title, course.courseHash, Data(course.index), time.millisecondsSinceEpoch,
                ])
            for (position, item) in course.cases.enumerated() {
                try db.execute(
                    sql: "INSERT INTO courseCase (courseId, caseId, position, document) VALUES (?, ?, ?, ?)",
                    arguments: [course.courseId, item.caseId, position, Data(item.document)])
                for (name, content) in item.files.sorted(by: { $0.key < $1.key }) {
                    try db.execute(
                        sql: "INSERT INTO caseFile (courseId, caseId, name, content) VALUES (?, ?, ?, ?)",
                        arguments: [course.courseId, item.caseId, name, Data(content)])
                }
                try db.execute(
                    sql: "INSERT INTO answerKey (courseId, caseId, keyJSON) VALUES (?, ?, ?)",
                    arguments: [course.courseId, item.caseId, Data(item.key)])
            }
            return .imported
        }
    }

    private static let courseSummarySQL = """
        SELECT id, title, courseHash, importedAt, (SELECT COUNT(*) FROM courseCase WHERE courseId = course.id) AS n
        FROM course
        """

    private static func courseSummary(_ row: Row) -> CourseSummary {
        CourseSummary(
            id: row["id"], title: row["title"], courseHash: row["courseHash"], caseCount: row["n"],
            importedAt: Instant(millisecondsSinceEpoch: row["importedAt"]))
    }

    public func courses() async throws -> [CourseSummary] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.courseSummarySQL + " ORDER BY importedAt, id").map(Self.courseSummary)
        }
    }

    public func course(id: String) async throws -> CourseSummary? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: Self.courseSummarySQL + " WHERE id = ?", arguments: [id]).map(Self.courseSummary)
        }
    }

    public func caseIds(courseId: String) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT caseId FROM courseCase WHERE courseId = ? ORDER BY position", arguments: [courseId])
        }
    }

    public func caseDocument(courseId: String, caseId: String) async throws -> [UInt8]? {
        try await pool.read { db in
            try Data.fetchOne(
                db, sql: "SELECT document FROM courseCase WHERE courseId = ? AND caseId = ?",
                arguments: [courseId, caseId]
            ).map { [UInt8]($0) }
        }
    }

    public func caseFile(courseId: String, caseId: String, name: String) async throws -> [UInt8]? {
        try await pool.read { db in
            try Data.fetchOne(
                db, sql: "SELECT content FROM caseFile WHERE courseId = ? AND caseId = ? AND name = ?",
                arguments: [courseId, caseId, name]
            ).map { [UInt8]($0) }
        }
    }

    public func answerKey(courseId: String, caseId: String) async throws -> [UInt8]? {
        try await pool.read { db in
            try Data.fetchOne(
                db, sql: "SELECT keyJSON FROM answerKey WHERE courseId = ? AND caseId = ?",
                arguments: [courseId, caseId]
            ).map { [UInt8]($0) }
        }
    }

    // MARK: Assignments

    static func assignment(_ row: Row) -> Assignment {
        Assignment(
            id: row["id"], courseId: row["courseId"], userId: row["userId"],
            mode: AttemptMode(rawValue: row["mode"]) ?? .test, resultsReleased: row["resultsReleased"],
            assignedAt: Instant(millisecondsSinceEpoch: row["assignedAt"]), groupId: row["groupId"],
            opensAt: (row["opensAt"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
            closesAt: (row["closesAt"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
            caseTimeLimitMinutes: row["caseTimeLimitMinutes"])
    }

    public func createAssignment(
        courseId: String, userId: Int64, mode: AttemptMode, at time: Instant, overridingModeConflict: Bool
    ) async throws -> Assignment {
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM course WHERE id = ?", arguments: [courseId]) ?? false else {
                throw StorageError.notFound("No course \(courseId); import it first with `cargosim course import`.")
            }
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE id = ?", arguments: [userId]) ?? false else {
                throw StorageError.notFound("No user with id \(userId); add the user first.")
            }
            if !overridingModeConflict,
                let other = try Self.modeConflict(db, courseId: courseId, userId: userId, mode: mode)
            {
                throw StorageError.modeConflict(other, courseId: courseId, mode: mode)
            }
            try db.execute(
                sql: "INSERT INTO assignment (courseId, userId, mode, assignedAt) VALUES (?, ?, ?, ?)",
                arguments: [courseId, userId, mode.rawValue, time.millisecondsSinceEpoch])
            return Assignment(
                id: db.lastInsertedRowID, courseId: courseId, userId: userId, mode: mode, resultsReleased: false,
                assignedAt: time)
        }
    }

    public func modeConflict(courseId: String, userId: Int64, mode: AttemptMode) async throws -> Assignment? {
        try await pool.read { db in try Self.modeConflict(db, courseId: courseId, userId: userId, mode: mode) }
    }

    static func modeConflict(_ db: Database, courseId: String, userId: Int64, mode: AttemptMode) throws -> Assignment? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT a.* FROM assignment a
                WHERE a.userId = ? AND a.mode != ? AND EXISTS (
                    SELECT 1 FROM courseCase held JOIN courseCase wanted ON wanted.caseId = held.caseId
                    WHERE held.courseId = a.courseId AND wanted.courseId = ?)
                ORDER BY a.id LIMIT 1
                """, arguments: [userId, mode.rawValue, courseId]
        ).map(Self.assignment)
    }

    public func openTests(userId: Int64, caseId: String) async throws -> [Assignment] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.* FROM assignment a JOIN courseCase c ON c.courseId = a.courseId AND c.caseId = ?
                    WHERE a.userId = ? AND a.mode = 'test' AND a.resultsReleased = 0 ORDER BY a.id
                    """, arguments: [caseId, userId]
            ).map(Self.assignment)
        }
    }

    public func assignment(id: Int64) async throws -> Assignment? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM assignment WHERE id = ?", arguments: [id]).map(Self.assignment)
        }
    }

    public func assignments(userId: Int64?) async throws -> [Assignment] {
        try await pool.read { db in
            if let userId {
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM assignment WHERE userId = ? ORDER BY id", arguments: [userId]
                ).map(Self.assignment)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM assignment ORDER BY id").map(Self.assignment)
        }
    }

    public func releaseResults(assignmentId: Int64) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE assignment SET resultsReleased = 1 WHERE id = ?", arguments: [assignmentId])
        }
    }

    public func recordShown(assignmentId: Int64, caseId: String, stage: Stage, at time: Instant) async throws
        -> Instant
    {
        // Every case view calls this; only the first of a stage writes. A read first keeps the views after it
        // off the single writer and its fsync (synchronous = FULL), which made every page view queue behind
        // the decisions under load (make bench-server).
        if let shown = try await shownTime(assignmentId: assignmentId, caseId: caseId, stage: stage) {
            return shown
        }
        return try await write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO stageShown (assignmentId, caseId, stage, shownAt) VALUES (?, ?, ?, ?)",
                arguments: [assignmentId, caseId, stage.rawValue, time.millisecondsSinceEpoch])
            let shown = try Int64.fetchOne(
                db, sql: "SELECT shownAt FROM stageShown WHERE assignmentId = ? AND caseId = ? AND stage = ?",
                arguments: [assignmentId, caseId, stage.rawValue])
            return Instant(millisecondsSinceEpoch: shown ?? time.millisecondsSinceEpoch)
        }
    }

    public func shownTime(assignmentId: Int64, caseId: String, stage: Stage) async throws -> Instant? {
        try await pool.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT shownAt FROM stageShown WHERE assignmentId = ? AND caseId = ? AND stage = ?",
                arguments: [assignmentId, caseId, stage.rawValue]
            ).map { Instant(millisecondsSinceEpoch: $0) }
        }
    }

    public func recordDecision(_ record: DecisionRecord, decidedBefore: [Stage], grade: GradeRecord?) async throws {
        let json = try Self.encoder.encode(record.decision)
        try await write { db in
            let decided = try String.fetchAll(
                db,
                sql:
                    "SELECT stage FROM decision WHERE assignmentId = ? AND userId = ? AND caseId = ? ORDER BY stageOrder",
                arguments: [record.assignmentId, record.userId, record.caseId])
            if decided.contains(record.decision.stage.rawValue) {
                throw StorageError.conflict("The \(record.decision.stage.rawValue) stage is already decided.")
            }
            guard decided == decidedBefore.map(\.rawValue) else {
                throw StorageError.conflict("Decide the stages in order; this one is not open.")
            }
            try db.execute(
                sql: """
                    INSERT INTO decision (assignmentId, userId, caseId, stage, stageOrder, decisionJSON, decidedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.assignmentId, record.userId, record.caseId, record.decision.stage.rawValue,
                    Stage.allCases.firstIndex(of: record.decision.stage)!, json,
                    record.decision.decidedAt.millisecondsSinceEpoch,
                ])
            if let grade { try Self.insertGrade(grade, db) }
        }
    }

    public func decidedStages(assignmentId: Int64, caseId: String) async throws -> [Stage] {
        let names: [String] = try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT stage FROM decision WHERE assignmentId = ? AND caseId = ? ORDER BY stageOrder",
                arguments: [assignmentId, caseId])
        }
        return names.compactMap(Stage.init(rawValue:))
    }

    public func decisions(assignmentId: Int64, caseId: String?) async throws -> [DecisionRecord] {
        let rows: [(Int64, Int64, String, Data)] = try await pool.read { db in
            let sql =
                "SELECT assignmentId, userId, caseId, decisionJSON FROM decision WHERE assignmentId = ?"
                + (caseId == nil ? "" : " AND caseId = ?") + " ORDER BY caseId, stageOrder"
            var arguments: StatementArguments = [assignmentId]
            if let caseId { arguments += [caseId] }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                ($0["assignmentId"], $0["userId"], $0["caseId"], $0["decisionJSON"])
            }
        }
        return try rows.map {
            DecisionRecord(
                assignmentId: $0.0, userId: $0.1, caseId: $0.2,
                decision: try JSONDecoder().decode(Decision.self, from: $0.3))
        }
    }

    public func recordExamination(
        assignmentId: Int64, caseId: String, points: [ExaminationPoint], at time: Instant
    ) async throws {
        let json = try Self.encoder.encode(points)
        try await write { db in
            if try Bool.fetchOne(
                db, sql: "SELECT 1 FROM examination WHERE assignmentId = ? AND caseId = ?",
                arguments: [assignmentId, caseId]) ?? false
            {
                throw StorageError.conflict("The examination points of this case are already chosen.")
            }
            try db.execute(
                sql: "INSERT INTO examination (assignmentId, caseId, pointsJSON, examinedAt) VALUES (?, ?, ?, ?)",
                arguments: [assignmentId, caseId, json, time.millisecondsSinceEpoch])
        }
    }

    public func examination(assignmentId: Int64, caseId: String) async throws -> [ExaminationPoint]? {
        let data: Data? = try await pool.read { db in
            try Data.fetchOne(
                db, sql: "SELECT pointsJSON FROM examination WHERE assignmentId = ? AND caseId = ?",
                arguments: [assignmentId, caseId])
        }
        return try data.map { try JSONDecoder().decode([ExaminationPoint].self, from: $0) }
    }

    public func saveGrade(_ grade: GradeRecord) async throws {
        try await write { db in try Self.insertGrade(grade, db) }
    }

    private static func insertGrade(_ grade: GradeRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO grade
                (assignmentId, userId, caseId, score, outcome, gradeJSON, attemptJSON, gradedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                grade.assignmentId, grade.userId, grade.caseId, grade.score, grade.outcome, Data(grade.gradeJSON),
                Data(grade.attemptJSON), grade.gradedAt.millisecondsSinceEpoch,
            ])
    }

    public func grades(assignmentId: Int64) async throws -> [GradeRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM grade WHERE assignmentId = ? ORDER BY gradedAt, caseId",
                arguments: [assignmentId]
            ).map(Self.grade)
        }
    }

    static func grade(_ row: Row) -> GradeRecord {
        GradeRecord(
            assignmentId: row["assignmentId"], userId: row["userId"], caseId: row["caseId"], score: row["score"],
            outcome: row["outcome"], gradeJSON: [UInt8](row["gradeJSON"] as Data),
            attemptJSON: [UInt8](row["attemptJSON"] as Data), gradedAt: Instant(millisecondsSinceEpoch: row["gradedAt"])
        )
    }

    // MARK: Audit

    public func audit(_ entry: AuditEntry) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)",
                arguments: [entry.at.millisecondsSinceEpoch, entry.actor, entry.action, entry.detail])
        }
    }

    public func auditLog(limit: Int) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT at, actor, action, detail FROM audit ORDER BY id DESC LIMIT ?",
                arguments: [max(0, limit)]
            ).map {
                AuditEntry(
                    at: Instant(millisecondsSinceEpoch: $0["at"]), actor: $0["actor"], action: $0["action"],
                    detail: $0["detail"])
            }
        }
    }

    // MARK: Helpers

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A write, atomic on its own and committed together with the writes waiting beside it (`GroupWriter`);
    /// a unique-constraint failure that slipped past the checks is a conflict, not a 500.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.write(updates)
    }
}
