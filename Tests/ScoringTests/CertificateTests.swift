import CargoModel
import Crypto
import Foundation
import Scoring
import Testing

@Suite struct CertificateTests {
    /// Fixed keys, so that the test does not depend on the system's random source.
    static var issuer: SigningIdentity {
        SigningIdentity(
            privateKey: try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 7, count: 32)))
    }
    static var stranger: SigningIdentity {
        SigningIdentity(
            privateKey: try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 9, count: 32)))
    }
    static let issued = Instant(date: CalendarDate(year: 2026, month: 10, day: 1), hour: 12)

    static var payload: CertificatePayload {
        CertificatePayload(
            keyId: issuer.keyId, issuer: "Escuela de Aduanas", subject: "T002", subjectName: "Ana Souza, “Aninha”",
            role: .trainee, policyVersion: "cargosim-2026.1", issuedAt: issued, validityDays: 730,
            figures: ["dPrime": "2.72", "hitRate": "0.97"])
    }

    static var file: Data { Certificates.issue(payload, with: issuer) }
    var now: Instant { Self.issued.adding(minutes: 60 * 24 * 30) }

    @Test func aSignedCertificateVerifiesAndGivesBackItsPayload() throws {
        let read = try Certificates.verifySignature(Self.file, publicKey: Self.issuer.publicKey, now: now)
        #expect(read == Self.payload)
        #expect(read.expiresAt == Self.issued.adding(minutes: 730 * 24 * 60))
    }

    @Test func everySingleByteChangeFails() {
        let original = [UInt8](Self.file)
        var accepted: [Int] = []
        for index in original.indices {
            for replacement in [original[index] ^ 0x01, original[index] ^ 0x20, UInt8(ascii: "0")]
            where replacement != original[index] {
                var bytes = original
                bytes[index] = replacement
                if (try? Certificates.verifySignature(Data(bytes), publicKey: Self.issuer.publicKey, now: now)) != nil {
                    accepted.append(index)
                }
            }
        }
        #expect(accepted.isEmpty, "accepted changes at bytes \(accepted)")
        // Removing or adding a byte anywhere fails too.
        for index in stride(from: 0, to: original.count, by: 7) {
            var shorter = original
            shorter.remove(at: index)
            #expect((try? Certificates.verifySignature(Data(shorter), publicKey: Self.issuer.publicKey, now: now)) == nil)
        }
        #expect((try? Certificates.verifySignature(Data(original + [10]), publicKey: Self.issuer.publicKey, now: now)) == nil)
    }

    @Test func aCertificateSignedByAnotherKeyIsRefusedNamingTheKey() {
        var forged = Self.payload
        forged.keyId = Self.stranger.keyId
        let file = Certificates.issue(forged, with: Self.stranger)
        do {
            _ = try Certificates.verifySignature(file, publicKey: Self.issuer.publicKey, now: now)
            Issue.record("accepted a stranger's certificate")
        } catch { #expect(error.code == "certificate.unknownKey") }
        // A stranger's signature over a payload naming the issuer's key id.
        let impostor =
            Self.file.prefix(Self.file.count - 130)
            + Data(("\n" + Self.hex(try! Self.stranger.privateKey.signature(for: Self.payloadLine)) + "\n").utf8)
        do {
            _ = try Certificates.verifySignature(Data(impostor), publicKey: Self.issuer.publicKey, now: now)
            Issue.record("accepted a forged signature")
        } catch { #expect(error.code == "certificate.signature") }
    }

    static var payloadLine: Data { Data(Self.file.split(separator: 10, omittingEmptySubsequences: false)[1]) }
    static func hex(_ data: some DataProtocol) -> String { data.map { String(format: "%02x", $0) }.joined() }

    @Test func aRevokedCertificateFailsAndTheListCannotBeStrippedUnnoticed() throws {
        let list = RevocationList(
            keyId: Self.issuer.keyId, updatedAt: now,
            revocations: [
                Revocation(certificateId: Self.payload.certificateId, revokedAt: now, reason: "issued in error")
            ])
        let signed = Certificates.sign(list, with: Self.issuer)
        let opened = try Certificates.openRevocations(signed, publicKey: Self.issuer.publicKey)
        do {
            _ = try Certificates.verify(
                Self.file, publicKey: Self.issuer.publicKey, revocations: opened, maximumListAgeDays: 30, now: now)
            Issue.record("accepted a revoked certificate")
        } catch { #expect(error.code == "certificate.revoked") }
        // Editing the list (dropping the entry) breaks its signature.
        var text = String(decoding: signed, as: UTF8.self)
        text = text.replacingOccurrences(of: Self.payload.certificateId, with: "0000000000000000")
        #expect(throws: CertificateError.self) {
            try Certificates.openRevocations(Data(text.utf8), publicKey: Self.issuer.publicKey)
        }
        // A list signed by someone else is refused.
        var foreign = list
        foreign.keyId = Self.stranger.keyId
        #expect(throws: CertificateError.self) {
            try Certificates.openRevocations(
                Certificates.sign(foreign, with: Self.stranger), publicKey: Self.issuer.publicKey)
        }
    }

    /// Issue 19: a revoked certificate must not verify against an older genuine list, nor with none.
    @Test func onlyAFreshListMakesACertificateValidAndNoListIsSaid() throws {
        func list(_ sequence: Int, _ at: Instant, revoked: Bool) throws -> RevocationList {
            let entries =
                revoked ? [Revocation(certificateId: Self.payload.certificateId, revokedAt: at, reason: "fraud")] : []
            let signed = Certificates.sign(
                RevocationList(keyId: Self.issuer.keyId, updatedAt: at, sequence: sequence, revocations: entries),
                with: Self.issuer)
            return try Certificates.openRevocations(signed, publicKey: Self.issuer.publicKey)
        }
        let day = 24 * 60
        let older = try list(1, Self.issued.adding(minutes: 2 * day), revoked: false)
        let newer = try list(2, Self.issued.adding(minutes: 50 * day), revoked: true)
        let later = Self.issued.adding(minutes: 60 * day)
        func verify(_ l: RevocationList?, at time: Instant) throws(CertificateError) -> RevocationStatus {
            try Certificates.verify(
                Self.file, publicKey: Self.issuer.publicKey, revocations: l, maximumListAgeDays: 30, now: time
            ).revocation
        }
        // Without a list: never "valid" silently.
        #expect(try verify(nil, at: later) == .notChecked)
        #expect(try !verify(nil, at: later).isChecked)
        // The older list, from before the revocation, is 58 days old: too old to vouch for anything.
        #expect(
            try verify(older, at: later)
                == .listTooOld(sequence: 1, issuedAt: Self.issued.adding(minutes: 2 * day), maximumAgeDays: 30))
        // Within its own time it vouched.
        #expect(
            try verify(older, at: Self.issued.adding(minutes: 10 * day))
                == .notRevoked(sequence: 1, issuedAt: Self.issued.adding(minutes: 2 * day)))
        // The newer list refuses the certificate.
        do {
            _ = try verify(newer, at: later)
            Issue.record("a revoked certificate passed")
        } catch { #expect(error.code == "certificate.revoked") }
        // A list dated after the time of verification is refused (a clock is wrong).
        #expect(throws: CertificateError.self) {
            _ = try verify(try list(3, later.adding(minutes: day), revoked: false), at: later)
        }
        // A list made before sequence numbers reads, as number 0.
        let legacy = try list(0, later, revoked: false)
        var noSequence = legacy
        noSequence.sequence = nil
        let reopened = try Certificates.openRevocations(
            Certificates.sign(noSequence, with: Self.issuer), publicKey: Self.issuer.publicKey)
        #expect(try verify(reopened, at: later) == .notRevoked(sequence: 0, issuedAt: later))
    }

    @Test func anExpiredOrNotYetValidCertificateFails() {
        let expired = Self.issued.adding(minutes: 731 * 24 * 60)
        #expect(throws: CertificateError.self) {
            try Certificates.verifySignature(Self.file, publicKey: Self.issuer.publicKey, now: expired)
        }
        #expect(throws: CertificateError.self) {
            try Certificates.verifySignature(Self.file, publicKey: Self.issuer.publicKey, now: Self.issued.adding(minutes: -1))
        }
    }

    @Test func keysRoundTripThroughTheirTextAndABadKeyFileIsRefused() throws {
        let identity = try SigningIdentity(privateKeyText: Self.issuer.privateKeyText)
        #expect(identity.keyId == Self.issuer.keyId)
        let publicKey = try SigningIdentity.publicKey(fromText: Self.issuer.publicKeyText)
        #expect(publicKey.rawRepresentation == Self.issuer.publicKey.rawRepresentation)
        let tampered = Self.issuer.publicKeyText.replacingOccurrences(
            of: "key-id \(Self.issuer.keyId)", with: "key-id 0000000000000000")
        #expect(throws: CertificateError.self) { try SigningIdentity.publicKey(fromText: tampered) }
        #expect(throws: CertificateError.self) { try SigningIdentity(privateKeyText: "hello") }
    }

    @Test func thePrintableCertificateCarriesTheVerificationCodeAndEscapesNames() {
        let code = Certificates.verificationCode(Self.file)
        #expect(code.count == 11 && code.contains("-"))
        var payload = Self.payload
        payload.subjectName = "<script>alert(1)</script>"
        let html = Certificates.html(payload, file: Self.file) { key, _ in key }
        #expect(html.contains(code))
        #expect(!html.contains("<script>") && html.contains("&lt;script&gt;"))
        // The figures in reading order (not alphabetical), and lines for the signature and the place and date.
        payload.figures = ["alpha": "0.8", "dPrime": "2.1", "cleanCases": "20", "hitRate": "0.9", "concealmentCases": "20"]
        let ordered = Certificates.html(payload, file: Self.file) { key, _ in key }
        let positions = ["figure.concealmentCases", "figure.cleanCases", "figure.hitRate", "figure.dPrime", "figure.alpha"]
            .map { ordered.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(ordered.contains("certificate.signature") && ordered.contains("certificate.placeAndDate"))
    }
}
