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
