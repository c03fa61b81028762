import CargoModel
import Foundation
import GRDB

/// The certification office's records: the certificates the server issued and the revocation lists it signed.
/// The signing key itself is never in the database (it lives in `<db>.certification/`, beside it).
extension SQLiteStorage {
    static func registerCertificationMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-certification") { db in
            try db.execute(
                sql: """
                    CREATE TABLE certificate (
                        id TEXT PRIMARY KEY,
                        userId INTEGER REFERENCES user(id),
                        subject TEXT NOT NULL,
                        subjectName TEXT NOT NULL,
                        role TEXT NOT NULL CHECK (role IN ('trainee', 'trainer')),
                        policyVersion TEXT NOT NULL,
                        keyId TEXT NOT NULL,
                        verificationCode TEXT NOT NULL UNIQUE,
                        file BLOB NOT NULL,
                        decisionJSON BLOB NOT NULL,
                        issuedBy TEXT NOT NULL,
                        issuedAt INTEGER NOT NULL,
                        expiresAt INTEGER NOT NULL,
                        revokedAt INTEGER,
                        revokedBy TEXT,
                        revocationReason TEXT
                    );
                    CREATE INDEX certificateByUser ON certificate(userId);
                    -- Every list signed is kept: the numbers show the history, the newest is the one served.
                    CREATE TABLE revocationList (
                        keyId TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        issuedAt INTEGER NOT NULL,
                        file BLOB NOT NULL,
                        PRIMARY KEY (keyId, sequence)
                    );
                    """)
        }
    }

    static func certificate(_ row: Row) -> CertificateRecord {
        CertificateRecord(
            id: row["id"], userId: row["userId"], subject: row["subject"], subjectName: row["subjectName"],
            role: row["role"], policyVersion: row["policyVersion"], keyId: row["keyId"],
            verificationCode: row["verificationCode"], file: [UInt8](row["file"] as Data),
            decisionJSON: [UInt8](row["decisionJSON"] as Data), issuedBy: row["issuedBy"],
            issuedAt: Instant(millisecondsSinceEpoch: row["issuedAt"]),
            expiresAt: Instant(millisecondsSinceEpoch: row["expiresAt"]),
            revokedAt: (row["revokedAt"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
            revokedBy: row["revokedBy"], revocationReason: row["revocationReason"])
    }

    static func revocationList(_ row: Row) -> RevocationListRecord {
        RevocationListRecord(
            keyId: row["keyId"], sequence: row["sequence"], issuedAt: Instant(millisecondsSinceEpoch: row["issuedAt"]),
            file: [UInt8](row["file"] as Data))
    }

    public func saveCertificate(_ record: CertificateRecord) async throws {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM certificate WHERE id = ?", arguments: [record.id]) ?? false {
                throw StorageError.conflict("Certificate \(record.id) is already recorded; issue again a moment later.")
            }
            try db.execute(
                sql: """
                    INSERT INTO certificate (id, userId, subject, subjectName, role, policyVersion, keyId,
                        verificationCode, file, decisionJSON, issuedBy, issuedAt, expiresAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id, record.userId, record.subject, record.subjectName, record.role, record.policyVersion,
                    record.keyId, record.verificationCode, Data(record.file), Data(record.decisionJSON),
                    record.issuedBy, record.issuedAt.millisecondsSinceEpoch, record.expiresAt.millisecondsSinceEpoch,
                ])
        }
    }

    public func certificates() async throws -> [CertificateRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM certificate ORDER BY issuedAt DESC, id").map(Self.certificate)
        }
    }

    public func certificate(id: String) async throws -> CertificateRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM certificate WHERE id = ?", arguments: [id]).map(Self.certificate)
        }
    }

    public func certificate(verificationCode: String) async throws -> CertificateRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM certificate WHERE verificationCode = ?", arguments: [verificationCode]
            ).map(Self.certificate)
        }
    }

    public func revokeCertificate(
        id: String, by actor: String, reason: String, at time: Instant, list: RevocationListRecord
    ) async throws {
        try await write { db in
            guard
                let revokedAt = try Row.fetchOne(
                    db, sql: "SELECT revokedAt FROM certificate WHERE id = ?", arguments: [id])
            else { throw StorageError.notFound("No certificate \(id) was issued here.") }
            if (revokedAt["revokedAt"] as Int64?) != nil {
                throw StorageError.conflict("Certificate \(id) is already revoked.")
            }
            try Self.appendList(db, list)
            try db.execute(
                sql: "UPDATE certificate SET revokedAt = ?, revokedBy = ?, revocationReason = ? WHERE id = ?",
                arguments: [time.millisecondsSinceEpoch, actor, reason, id])
        }
    }

    public func saveRevocationList(_ list: RevocationListRecord) async throws {
        try await write { db in try Self.appendList(db, list) }
    }

    public func latestRevocationList(keyId: String) async throws -> RevocationListRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM revocationList WHERE keyId = ? ORDER BY sequence DESC LIMIT 1",
                arguments: [keyId]
            ).map(Self.revocationList)
        }
    }

    /// Adds a list only as the next of its key (one more than the newest): two lists signed at once from the same
    /// newest list cannot both be kept, so no revocation is lost by a race.
    private static func appendList(_ db: Database, _ list: RevocationListRecord) throws {
        let newest =
            try Int.fetchOne(
                db, sql: "SELECT MAX(sequence) FROM revocationList WHERE keyId = ?", arguments: [list.keyId]) ?? 0
        guard list.sequence == newest + 1 else {
            throw StorageError.conflict(
                "Revocation list no. \(list.sequence) is not the next after no. \(newest); sign it again from the newest list."
            )
        }
        try db.execute(
            sql: "INSERT INTO revocationList (keyId, sequence, issuedAt, file) VALUES (?, ?, ?, ?)",
            arguments: [list.keyId, list.sequence, list.issuedAt.millisecondsSinceEpoch, Data(list.file)])
    }
}

/// Calibration rounds run on the server: the round and every grade given in it.
extension SQLiteStorage {
    static func registerCalibrationMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-calibration") { db in
            try db.execute(
                sql: """
                    CREATE TABLE calibrationRound (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL,
                        rubricVersion TEXT NOT NULL,
                        scaleJSON TEXT NOT NULL,
                        itemsJSON TEXT NOT NULL,
                        panelJSON TEXT NOT NULL,
                        candidatesJSON TEXT NOT NULL,
                        createdBy TEXT NOT NULL,
                        createdAt INTEGER NOT NULL,
                        closedAt INTEGER
                    );
                    CREATE TABLE calibrationGrade (
                        roundId INTEGER NOT NULL REFERENCES calibrationRound(id) ON DELETE CASCADE,
                        grader TEXT NOT NULL,
                        item TEXT NOT NULL,
                        grade TEXT NOT NULL,
                        gradedAt INTEGER NOT NULL,
                        PRIMARY KEY (roundId, grader, item)
                    );
                    """)
        }
    }

    private static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func calibrationRound(_ row: Row) throws -> CalibrationRoundRecord {
        let decoder = JSONDecoder()
        func decode<T: Decodable>(_ type: T.Type, _ column: String) throws -> T {
            try decoder.decode(type, from: Data((row[column] as String).utf8))
        }
        return CalibrationRoundRecord(
            id: row["id"], name: row["name"], rubricVersion: row["rubricVersion"],
            scale: try decode([String].self, "scaleJSON"),
            items: try decode([CalibrationItem].self, "itemsJSON"), panel: try decode([String].self, "panelJSON"),
            candidates: try decode([String].self, "candidatesJSON"), createdBy: row["createdBy"],
            createdAt: Instant(millisecondsSinceEpoch: row["createdAt"]),
            closedAt: (row["closedAt"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)))
    }

    public func createCalibrationRound(_ round: CalibrationRoundRecord) async throws -> CalibrationRoundRecord {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO calibrationRound (name, rubricVersion, scaleJSON, itemsJSON, panelJSON, candidatesJSON,
                        createdBy, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    round.name, round.rubricVersion, try Self.json(round.scale), try Self.json(round.items),
                    try Self.json(round.panel), try Self.json(round.candidates), round.createdBy,
                    round.createdAt.millisecondsSinceEpoch,
                ])
            var saved = round
            saved.id = db.lastInsertedRowID
            saved.closedAt = nil
            return saved
        }
    }

    public func calibrationRounds() async throws -> [CalibrationRoundRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM calibrationRound ORDER BY id DESC").map(Self.calibrationRound)
        }
    }

    public func calibrationRound(id: Int64) async throws -> CalibrationRoundRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM calibrationRound WHERE id = ?", arguments: [id]).map(
                Self.calibrationRound)
        }
    }

    public func saveCalibrationGrade(roundId: Int64, _ grade: CalibrationGrade) async throws {
        try await write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT closedAt FROM calibrationRound WHERE id = ?", arguments: [roundId])
            else { throw StorageError.notFound("No calibration round \(roundId).") }
            if (row["closedAt"] as Int64?) != nil {
                throw StorageError.conflict("Calibration round \(roundId) is closed; its grades no longer change.")
            }
            try db.execute(
                sql: """
                    INSERT INTO calibrationGrade (roundId, grader, item, grade, gradedAt) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (roundId, grader, item) DO UPDATE SET grade = excluded.grade, gradedAt = excluded.gradedAt
                    """,
                arguments: [roundId, grade.grader, grade.item, grade.grade, grade.gradedAt.millisecondsSinceEpoch])
        }
    }

    public func calibrationGrades(roundId: Int64) async throws -> [CalibrationGrade] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM calibrationGrade WHERE roundId = ? ORDER BY grader, item", arguments: [roundId]
            ).map {
                CalibrationGrade(
                    grader: $0["grader"], item: $0["item"], grade: $0["grade"],
                    gradedAt: Instant(millisecondsSinceEpoch: $0["gradedAt"]))
            }
        }
    }

    public func closeCalibrationRound(id: Int64, at time: Instant) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE calibrationRound SET closedAt = ? WHERE id = ? AND closedAt IS NULL",
                arguments: [time.millisecondsSinceEpoch, id])
            guard db.changesCount == 1 else {
                throw StorageError.conflict("Calibration round \(id) is already closed, or there is no such round.")
            }
        }
    }
}

/// Supervised delivery sign-offs the certifier recorded.
extension SQLiteStorage {
    static func registerSignOffMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-signoff") { db in
            try db.execute(
                sql: """
                    CREATE TABLE deliverySignOff (
                        id TEXT PRIMARY KEY,
                        trainer TEXT NOT NULL,
                        expert TEXT NOT NULL,
                        keyId TEXT NOT NULL,
                        expertPublicKey TEXT NOT NULL,
                        course TEXT NOT NULL,
                        deliveredOn TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        signedAt INTEGER NOT NULL,
                        file BLOB NOT NULL,
                        recordedBy TEXT NOT NULL,
                        recordedAt INTEGER NOT NULL
                    );
                    CREATE INDEX deliverySignOffByTrainer ON deliverySignOff(trainer);
                    """)
        }
    }

    static func signOff(_ row: Row) -> SignOffRecord {
        SignOffRecord(
            id: row["id"], trainer: row["trainer"], expert: row["expert"], keyId: row["keyId"],
            expertPublicKey: row["expertPublicKey"], course: row["course"], deliveredOn: row["deliveredOn"],
            outcome: row["outcome"], signedAt: Instant(millisecondsSinceEpoch: row["signedAt"]),
            file: [UInt8](row["file"] as Data), recordedBy: row["recordedBy"],
            recordedAt: Instant(millisecondsSinceEpoch: row["recordedAt"]))
    }

    public func saveSignOff(_ record: SignOffRecord) async throws {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM deliverySignOff WHERE id = ?", arguments: [record.id]) ?? false
            {
                throw StorageError.conflict("Sign-off \(record.id) is already recorded.")
            }
            try db.execute(
                sql: """
                    INSERT INTO deliverySignOff (id, trainer, expert, keyId, expertPublicKey, course, deliveredOn,
                        outcome, signedAt, file, recordedBy, recordedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id, record.trainer, record.expert, record.keyId, record.expertPublicKey, record.course,
                    record.deliveredOn, record.outcome, record.signedAt.millisecondsSinceEpoch, Data(record.file),
                    record.recordedBy, record.recordedAt.millisecondsSinceEpoch,
                ])
        }
    }

    public func signOffs() async throws -> [SignOffRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM deliverySignOff ORDER BY recordedAt DESC, id").map(Self.signOff)
        }
    }

    public func signOff(id: String) async throws -> SignOffRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM deliverySignOff WHERE id = ?", arguments: [id]).map(Self.signOff)
        }
    }
}
