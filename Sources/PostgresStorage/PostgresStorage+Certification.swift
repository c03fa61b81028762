import CargoModel
import Foundation
import NIOCore
import PostgresNIO
import Storage

/// Certificates, revocation lists, calibration rounds and sign-offs (`SQLiteStorage+Certification.swift`).
extension PostgresStorage {
    static func certificate(_ row: Cells) throws -> CertificateRecord {
        CertificateRecord(
            id: try row("id"), userId: try row("userId"), subject: try row("subject"),
            subjectName: try row("subjectName"), role: try row("role"), policyVersion: try row("policyVersion"),
            keyId: try row("keyId"), verificationCode: try row("verificationCode"), file: try row.bytes("file"),
            decisionJSON: try row.bytes("decisionJSON"), issuedBy: try row("issuedBy"),
            issuedAt: try row.instant("issuedAt"), expiresAt: try row.instant("expiresAt"),
            revokedAt: try row.optionalInstant("revokedAt"), revokedBy: try row("revokedBy"),
            revocationReason: try row("revocationReason"))
    }

    static func revocationList(_ row: Cells) throws -> RevocationListRecord {
        RevocationListRecord(
            keyId: try row("keyId"), sequence: try row.int("sequence"), issuedAt: try row.instant("issuedAt"),
            file: try row.bytes("file"))
    }

    public func saveCertificate(_ record: CertificateRecord) async throws {
        try await transaction { db in
            if try await self.exists(db, "SELECT 1 FROM certificate WHERE id = \(record.id)") {
                throw StorageError.conflict("Certificate \(record.id) is already recorded; issue again a moment later.")
            }
            try await self.execute(
                db,
                """
                INSERT INTO certificate (id, userId, subject, subjectName, role, policyVersion, keyId,
                    verificationCode, file, decisionJSON, issuedBy, issuedAt, expiresAt)
                VALUES (\(record.id), \(record.userId), \(record.subject), \(record.subjectName), \(record.role),
                \(record.policyVersion), \(record.keyId), \(record.verificationCode), \(ByteBuffer(bytes: record.file)),
                \(ByteBuffer(bytes: record.decisionJSON)), \(record.issuedBy), \(record.issuedAt.millisecondsSinceEpoch),
                \(record.expiresAt.millisecondsSinceEpoch))
                """)
        }
    }

    public func certificates() async throws -> [CertificateRecord] {
        try await read { db in
            try await self.rows(db, "SELECT * FROM certificate ORDER BY issuedAt DESC, id").map(Self.certificate)
        }
    }

    public func certificate(id: String) async throws -> CertificateRecord? {
        try await read { db in
            try await self.row(db, "SELECT * FROM certificate WHERE id = \(id)").map(Self.certificate)
        }
    }

    public func certificate(verificationCode: String) async throws -> CertificateRecord? {
        try await read { db in
            try await self.row(db, "SELECT * FROM certificate WHERE verificationCode = \(verificationCode)").map(
                Self.certificate)
        }
    }

    public func revokeCertificate(
        id: String, by actor: String, reason: String, at time: Instant, list: RevocationListRecord
    ) async throws {
        try await transaction { db in
            guard let row = try await self.row(db, "SELECT revokedAt FROM certificate WHERE id = \(id) FOR UPDATE")
            else { throw StorageError.notFound("No certificate \(id) was issued here.") }
            if try row.optionalInstant("revokedAt") != nil {
                throw StorageError.conflict("Certificate \(id) is already revoked.")
            }
            try await self.appendList(db, list)
            try await self.execute(
                db,
                """
                UPDATE certificate SET revokedAt = \(time.millisecondsSinceEpoch), revokedBy = \(actor),
                    revocationReason = \(reason) WHERE id = \(id)
                """)
        }
    }

    public func saveRevocationList(_ list: RevocationListRecord) async throws {
        try await transaction { db in try await self.appendList(db, list) }
    }

    public func latestRevocationList(keyId: String) async throws -> RevocationListRecord? {
        try await read { db in
            try await self.row(
                db, "SELECT * FROM revocationList WHERE keyId = \(keyId) ORDER BY sequence DESC LIMIT 1"
            ).map(Self.revocationList)
        }
    }

    /// Adds a list only as the next of its key (one more than the newest); two lists signed at once from the same
    /// newest list cannot both be kept (the second breaks the primary key, a conflict), so no revocation is lost.
    private func appendList(_ db: PostgresConnection, _ list: RevocationListRecord) async throws {
        let newest =
            try await row(db, "SELECT MAX(sequence) AS n FROM revocationList WHERE keyId = \(list.keyId)")?(
                "n", as: Int64?.self) ?? 0
        guard list.sequence == newest + 1 else {
            throw StorageError.conflict(
                "Revocation list no. \(list.sequence) is not the next after no. \(newest); sign it again from the newest list."
            )
        }
        try await execute(
            db,
            """
            INSERT INTO revocationList (keyId, sequence, issuedAt, file)
            VALUES (\(list.keyId), \(list.sequence), \(list.issuedAt.millisecondsSinceEpoch), \(ByteBuffer(bytes: list.file)))
            """)
    }

    // MARK: Calibration rounds

    private static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func calibrationRound(_ row: Cells) throws -> CalibrationRoundRecord {
        let decoder = JSONDecoder()
        func decode<T: Decodable>(_ type: T.Type, _ column: String) throws -> T {
            try decoder.decode(type, from: Data((try row(column, as: String.self)).utf8))
        }
        return CalibrationRoundRecord(
            id: try row("id"), name: try row("name"), rubricVersion: try row("rubricVersion"),
            scale: try decode([String].self, "scaleJSON"), items: try decode([CalibrationItem].self, "itemsJSON"),
            panel: try decode([String].self, "panelJSON"), candidates: try decode([String].self, "candidatesJSON"),
            createdBy: try row("createdBy"), createdAt: try row.instant("createdAt"),
            closedAt: try row.optionalInstant("closedAt"))
    }

    public func createCalibrationRound(_ round: CalibrationRoundRecord) async throws -> CalibrationRoundRecord {
        let scale = try Self.json(round.scale), items = try Self.json(round.items)
        let panel = try Self.json(round.panel), candidates = try Self.json(round.candidates)
        return try await transaction { db in
            let id: Int64 = try await self.row(
                db,
                """
                INSERT INTO calibrationRound (name, rubricVersion, scaleJSON, itemsJSON, panelJSON, candidatesJSON,
                    createdBy, createdAt)
                VALUES (\(round.name), \(round.rubricVersion), \(scale), \(items), \(panel), \(candidates),
                \(round.createdBy), \(round.createdAt.millisecondsSinceEpoch)) RETURNING id
                """)!("id")
            var saved = round
            saved.id = id
            saved.closedAt = nil
            return saved
        }
    }

    public func calibrationRounds() async throws -> [CalibrationRoundRecord] {
        try await read { db in
            try await self.rows(db, "SELECT * FROM calibrationRound ORDER BY id DESC").map(Self.calibrationRound)
        }
    }

    public func calibrationRound(id: Int64) async throws -> CalibrationRoundRecord? {
        try await read { db in
            try await self.row(db, "SELECT * FROM calibrationRound WHERE id = \(id)").map(Self.calibrationRound)
        }
    }

    public func saveCalibrationGrade(roundId: Int64, _ grade: CalibrationGrade) async throws {
        try await transaction { db in
            guard
                let row = try await self.row(
                    db, "SELECT closedAt FROM calibrationRound WHERE id = \(roundId) FOR SHARE")
            else { throw StorageError.notFound("No calibration round \(roundId).") }
            if try row.optionalInstant("closedAt") != nil {
                throw StorageError.conflict("Calibration round \(roundId) is closed; its grades no longer change.")
            }
            try await self.execute(
                db,
                """
                INSERT INTO calibrationGrade (roundId, grader, item, grade, gradedAt)
                VALUES (\(roundId), \(grade.grader), \(grade.item), \(grade.grade), \(grade.gradedAt.millisecondsSinceEpoch))
                ON CONFLICT (roundId, grader, item) DO UPDATE SET grade = excluded.grade, gradedAt = excluded.gradedAt
                """)
        }
    }

    public func calibrationGrades(roundId: Int64) async throws -> [CalibrationGrade] {
        try await read { db in
            try await self.rows(
                db, "SELECT * FROM calibrationGrade WHERE roundId = \(roundId) ORDER BY grader, item"
            ).map {
                CalibrationGrade(
                    grader: try $0("grader"), item: try $0("item"), grade: try $0("grade"),
                    gradedAt: try $0.instant("gradedAt"))
            }
        }
    }

    public func closeCalibrationRound(id: Int64, at time: Instant) async throws {
        try await transaction { db in
            let changed = try await self.execute(
                db,
                "UPDATE calibrationRound SET closedAt = \(time.millisecondsSinceEpoch) WHERE id = \(id) AND closedAt IS NULL"
            )
            guard changed == 1 else {
                throw StorageError.conflict("Calibration round \(id) is already closed, or there is no such round.")
            }
        }
    }

    // MARK: Supervised delivery sign-offs

    static func signOff(_ row: Cells) throws -> SignOffRecord {
        SignOffRecord(
            id: try row("id"), trainer: try row("trainer"), expert: try row("expert"), keyId: try row("keyId"),
            expertPublicKey: try row("expertPublicKey"), course: try row("course"),
            deliveredOn: try row("deliveredOn"), outcome: try row("outcome"), signedAt: try row.instant("signedAt"),
            file: try row.bytes("file"), recordedBy: try row("recordedBy"), recordedAt: try row.instant("recordedAt"))
    }

    public func saveSignOff(_ record: SignOffRecord) async throws {
        try await transaction { db in
            if try await self.exists(db, "SELECT 1 FROM deliverySignOff WHERE id = \(record.id)") {
                throw StorageError.conflict("Sign-off \(record.id) is already recorded.")
            }
            try await self.execute(
                db,
                """
                INSERT INTO deliverySignOff (id, trainer, expert, keyId, expertPublicKey, course, deliveredOn,
                    outcome, signedAt, file, recordedBy, recordedAt)
                VALUES (\(record.id), \(record.trainer), \(record.expert), \(record.keyId), \(record.expertPublicKey),
                \(record.course), \(record.deliveredOn), \(record.outcome), \(record.signedAt.millisecondsSinceEpoch),
                \(ByteBuffer(bytes: record.file)), \(record.recordedBy), \(record.recordedAt.millisecondsSinceEpoch))
                """)
        }
    }

    public func signOffs() async throws -> [SignOffRecord] {
        try await read { db in
            try await self.rows(db, "SELECT * FROM deliverySignOff ORDER BY recordedAt DESC, id").map(Self.signOff)
        }
    }

    public func signOff(id: String) async throws -> SignOffRecord? {
        try await read { db in
            try await self.row(db, "SELECT * FROM deliverySignOff WHERE id = \(id)").map(Self.signOff)
        }
    }
}
