import CargoModel
import Crypto
import Foundation
import Scoring
import Testing

@Suite struct SignOffTests {
    /// Fixed keys, so that the test does not depend on the system's random source.
    static var expert: SigningIdentity {
        SigningIdentity(
            privateKey: try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 21, count: 32)))
    }
    static var otherExpert: SigningIdentity {
        SigningIdentity(
            privateKey: try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 22, count: 32)))
    }
    static var forger: SigningIdentity {
        SigningIdentity(
            privateKey: try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 23, count: 32)))
    }
    static let signedAt = Instant(date: CalendarDate(year: 2026, month: 10, day: 20), hour: 16)
    static let later = Instant(date: CalendarDate(year: 2026, month: 11, day: 2), hour: 9)

    static func signOff(
        trainer: String = "T9", keyId: String, outcome: DeliveryOutcome = .signedOff, expertId: String = "E-ROSSI"
    ) -> SupervisedDelivery {
        SupervisedDelivery(
            keyId: keyId, expert: expertId, trainer: trainer, course: "Foundation course, Callao, cohort 3",
            deliveredOn: CalendarDate(year: 2026, month: 10, day: 17), outcome: outcome, signedAt: signedAt)
    }

    static func check(
        _ data: Data, trusted: [SigningIdentity] = [expert], revocations: [RevocationList] = [], now: Instant = later
    ) -> Result<VerifiedDelivery, CertificateError> {
        let keys = trusted.map(\.publicKey)
        return Result { () throws(CertificateError) in
            try Certificates.verifySignOff(data, trustedKeys: keys, revocations: revocations, now: now)
        }
    }

    static let strong = Scoring.report(
        "T9", summaries("T9", hits: 29, misses: 1, falseAlarms: 2, correctRejections: 28))
    static let agreement: CandidateAgreement = {
        var a = CandidateAgreement(
            candidate: "T9", itemsGraded: 20, itemsMissing: 0, kappa: 0.7, weightedKappaLinear: 0.75,
            weightedKappaQuadratic: 0.8, alphaNominal: 0.68, alphaOrdinal: 0.7, meanBias: 0, departures: [])
        a.alphaWithReference = 0.7
        return a
    }()
    /// A round of 20 items from 5 trainees (the standard policy's minimums).
    static let round = CalibrationResults(
        roundId: "r", rubricVersion: "x", scale: ["a", "b"], reference: [:], panelAlphaOrdinal: nil,
        allAlphaNominal: nil, allAlphaOrdinal: nil, candidates: [agreement], itemCount: 20, distinctTrainees: 5)

    func deliveryReason(_ delivery: Result<VerifiedDelivery, CertificateError>?) throws -> DecisionReason {
        let decision = CertificationPolicy.standard.evaluateTrainer(
            Self.strong, calibration: Self.agreement, delivery: delivery)
        return try #require(decision.reasons.first { $0.code == "supervisedDelivery" })
    }

    @Test func aSignOffByATrustedExpertVerifiesAndMeetsTheRequirement() throws {
        let file = Certificates.signOff(Self.signOff(keyId: Self.expert.keyId), with: Self.expert)
        let verified = try Self.check(file, trusted: [Self.otherExpert, Self.expert]).get()
        #expect(verified.signOff == Self.signOff(keyId: Self.expert.keyId))
        #expect(verified.signOff.signOffId.count == 16)
        let reason = try deliveryReason(.success(verified))
        #expect(reason.passed)
        #expect(reason.figure.contains("E-ROSSI") && reason.figure.contains(Self.expert.keyId))
        #expect(
            CertificationPolicy.standard.evaluateTrainer(
                Self.strong, calibration: Self.agreement, delivery: .success(verified), round: Self.round
            )
            .granted)
    }

    @Test func aSignOffFromAKeyNobodyTrustsIsRefusedAndTheDecisionSaysWhy() throws {
        // Well formed and correctly signed, but by a key that is not a trusted expert's.
        let forged = Certificates.signOff(Self.signOff(keyId: Self.forger.keyId), with: Self.forger)
        let result = Self.check(forged, trusted: [Self.expert, Self.otherExpert])
        guard case .failure(let error) = result else {
            Issue.record("accepted a sign-off by an unknown key")
            return
        }
        #expect(error.code == "signOff.unknownKey")
        #expect(error.message.contains(Self.expert.keyId))
        let reason = try deliveryReason(result)
        #expect(!reason.passed && reason.figure.contains("not accepted"))
        // With no trusted key at all, nothing verifies.
        let file = Certificates.signOff(Self.signOff(keyId: Self.expert.keyId), with: Self.expert)
        #expect((try? Self.check(file, trusted: []).get()) == nil)
    }

    @Test func aForgerCannotPassOffTheirSignatureAsATrustedExpertsKey() throws {
        // The payload names the trusted key id, the signature is the forger's.
        let claimed = Self.signOff(keyId: Self.expert.keyId)
        let genuine = Certificates.signOff(Self.signOff(keyId: Self.forger.keyId), with: Self.forger)
        var lines = genuine.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Data($0) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        lines[1] = try encoder.encode(claimed)
        let forged = Data(lines.joined(separator: Data([10])))
        guard case .failure(let error) = Self.check(forged) else {
            Issue.record("accepted a forged signature")
            return
        }
        #expect(error.code == "signOff.signature")
    }

    @Test func everySingleByteChangeOfASignOffFails() {
        let file = Certificates.signOff(Self.signOff(keyId: Self.expert.keyId), with: Self.expert)
        var rng = SplitMix64(seed: 12)
        for index in file.indices {
            var altered = file
            var replacement = UInt8(truncatingIfNeeded: rng.next())
            if replacement == file[index] { replacement ^= 1 }
            altered[index] = replacement
            #expect((try? Self.check(altered).get()) == nil, "byte \(index) changed and still verified")
        }
    }

    @Test func anAlteredOutcomeOrTrainerIsRefused() throws {
        let file = Certificates.signOff(
            Self.signOff(keyId: Self.expert.keyId, outcome: .furtherSupervision), with: Self.expert)
        let text = String(decoding: file, as: UTF8.self)
        let promoted = Data(text.replacingOccurrences(of: "furtherSupervision", with: "signedOff").utf8)
        #expect(promoted != file)
        guard case .failure(let error) = Self.check(promoted) else {
            Issue.record("accepted an altered outcome")
            return
        }
        #expect(error.code == "signOff.signature")
        let renamed = Data(
            String(
                decoding: Certificates.signOff(Self.signOff(keyId: Self.expert.keyId), with: Self.expert), as: UTF8.self
            )
            .replacingOccurrences(of: "\"trainer\":\"T9\"", with: "\"trainer\":\"T1\"").utf8)
        #expect((try? Self.check(renamed).get()) == nil)
    }

    @Test func aGenuineSignOffForFurtherSupervisionOrAnotherTrainerDoesNotCount() throws {
        let further = try Self.check(
            Certificates.signOff(
                Self.signOff(keyId: Self.expert.keyId, outcome: .furtherSupervision), with: Self.expert)
        ).get()
        let reason = try deliveryReason(.success(further))
        #expect(!reason.passed && reason.figure.contains("further supervision"))
        let someoneElse = try Self.check(
            Certificates.signOff(Self.signOff(trainer: "T1", keyId: Self.expert.keyId), with: Self.expert)
        ).get()
        let other = try deliveryReason(.success(someoneElse))
        #expect(!other.passed && other.figure.contains("T1"))
        #expect(try !deliveryReason(nil).passed)
    }

    @Test func aWithdrawnSignOffFailsButOnlyItsOwnExpertCanWithdrawIt() throws {
        let signOff = Self.signOff(keyId: Self.expert.keyId)
        let file = Certificates.signOff(signOff, with: Self.expert)
        let revocation = Revocation(certificateId: signOff.signOffId, revokedAt: Self.later, reason: "delivered again")
        let own = RevocationList(keyId: Self.expert.keyId, updatedAt: Self.later, revocations: [revocation])
        guard case .failure(let error) = Self.check(file, revocations: [own]) else {
            Issue.record("accepted a withdrawn sign-off")
            return
        }
        #expect(error.code == "signOff.revoked" && error.message.contains("delivered again"))
        // Another expert's list naming the same id does not withdraw it.
        let others = RevocationList(keyId: Self.otherExpert.keyId, updatedAt: Self.later, revocations: [revocation])
        #expect((try? Self.check(file, trusted: [Self.expert, Self.otherExpert], revocations: [others]).get()) != nil)
        // A revocation list read from its file is checked against the key that signed it.
        let listFile = Certificates.sign(own, with: Self.expert)
        #expect(try Certificates.openRevocations(listFile, publicKey: Self.expert.publicKey) == own)
        #expect(throws: CertificateError.self) {
            try Certificates.openRevocations(listFile, publicKey: Self.otherExpert.publicKey)
        }
    }

    @Test func aSignOffDatedInTheFutureIsRefused() {
        let file = Certificates.signOff(Self.signOff(keyId: Self.expert.keyId), with: Self.expert)
        guard
            case .failure(let error) = Self.check(file, now: Instant(date: CalendarDate(year: 2026, month: 10, day: 1)))
        else {
            Issue.record("accepted a sign-off from the future")
            return
        }
        #expect(error.code == "signOff.notYetValid")
    }
}
