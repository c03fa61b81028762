import CargoModel
import Crypto
import Foundation
import Hummingbird
import Scoring
import Storage

/// Supervised delivery sign-offs recorded by the certifier (docs/API.md, "Certification"): the supervising expert
/// signs the sign-off with their own key (`cargosim signoff sign`); the certifier records the file with the expert's
/// public key, which the server verifies first (`Certificates.verifySignOff`). A recorded sign-off is a trainer's
/// delivery evidence (`signOffId`), verified again against its key whenever it is used.
extension TrainingServer {
    struct SignOffInput: Decodable {
        /// The sign-off file's content.
        var delivery: String
        /// The supervising expert's public key file's text.
        var expertKey: String
    }

    struct SignOffView: Encodable {
        var id: String
        var trainer: String
        var expert: String
        var keyId: String
        var course: String
        var deliveredOn: String
        var outcome: String
        var signedAt: Instant
        var recordedBy: String
        var recordedAt: Instant

        init(_ record: SignOffRecord) {
            id = record.id
            trainer = record.trainer
            expert = record.expert
            keyId = record.keyId
            course = record.course
            deliveredOn = record.deliveredOn
            outcome = record.outcome
            signedAt = record.signedAt
            recordedBy = record.recordedBy
            recordedAt = record.recordedAt
        }
    }

    /// The expert key in a public key file's text.
    static func expertKey(_ text: String) -> Result<Curve25519.Signing.PublicKey, CertificateError> {
        Result(catching: { () throws(CertificateError) -> Curve25519.Signing.PublicKey in
            try SigningIdentity.publicKey(fromText: text)
        })
    }

    /// A sign-off file verified against one expert key at `time`.
    static func verifiedDelivery(_ file: Data, key: Curve25519.Signing.PublicKey, at time: Instant) -> Result<
        VerifiedDelivery, CertificateError
    > {
        Result(catching: { () throws(CertificateError) -> VerifiedDelivery in
            try Certificates.verifySignOff(file, trustedKeys: [key], now: time)
        })
    }

    /// A recorded sign-off verified again against the key it was recorded with (the stored file is checked each time).
    func recordedDelivery(_ record: SignOffRecord) -> Result<VerifiedDelivery, CertificateError> {
        switch Self.expertKey(record.expertPublicKey) {
        case .failure(let error): return .failure(error)
        case .success(let key): return Self.verifiedDelivery(Data(record.file), key: key, at: now())
        }
    }

    func addSignOffRoutes(to router: Router<ServerContext>) {
        router.get("/api/certification/signoffs") { request, _ in
            let (user, _) = try await self.authenticate(request)
            try self.requireStaff(user)
            return jsonResponse(try await self.storage.signOffs().map(SignOffView.init))
        }

        router.post("/api/certification/signoffs") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireCertifier(user)
            let input = try await self.decodeBody(
                SignOffInput.self, from: request, allowedFields: ["delivery", "expertKey"])
            let key: Curve25519.Signing.PublicKey
            switch Self.expertKey(input.expertKey) {
            case .success(let found): key = found
            case .failure(let error): throw APIError.badRequest(error.message, field: "expertKey")
            }
            let file = Data(input.delivery.utf8)
            let signOff: SupervisedDelivery
            switch Self.verifiedDelivery(file, key: key, at: self.now()) {
            case .success(let verified): signOff = verified.signOff
            case .failure(let error): throw APIError.badRequest(error.message, field: "delivery")
            }
            let record = SignOffRecord(
                id: signOff.signOffId, trainer: signOff.trainer, expert: signOff.expert, keyId: signOff.keyId,
                expertPublicKey: input.expertKey, course: signOff.course, deliveredOn: signOff.deliveredOn.description,
                outcome: signOff.outcome.rawValue, signedAt: signOff.signedAt, file: [UInt8](file),
                recordedBy: user.username, recordedAt: self.now())
            do { try await self.storage.saveSignOff(record) } catch let error as StorageError
                where error.code == "conflict"
            {
                throw APIError.conflict(error.message)
            }
            await self.audit(
                user.username, "signoff.record",
                "\(record.id): \(record.trainer) \(record.outcome) by \(record.expert) (key \(record.keyId)), \(record.course)"
            )
            return jsonResponse(SignOffView(record), status: .created)
        }
    }
}
