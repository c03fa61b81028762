import CargoModel
import CaseBundle
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Scoring
import Storage

/// The certification office (docs/API.md, "Certification"): policies, evaluations from the database, issuing,
/// printing and revoking signed certificates, the signed revocation list, and the public verification.
///
/// The programme's signing key lives in `CertificationSettings.keyFolder` (made on first use, mode 700, the key
/// file 600) and never leaves the server: no route serves a file of that folder, and only the public key is
/// answered. Staff evaluate and list; only an administrator (the programme's certifier) issues and revokes.
extension TrainingServer {
    /// How long a signed revocation list is served before it is signed again as the next number.
    static let revocationListRefreshMilliseconds: Int64 = 86_400_000

    struct EvaluationInput: Decodable {
        var userId: Int64
        /// The policy's name (default: `default`).
        var policy: String?
        var role: CertificationRole?
        /// A trainer's evidence (see `TrainerEvidence`).
        var calibration: CalibrationRecord?
        var roundId: Int64?
        var candidate: String?
        var delivery: String?
        var signOffId: String?
        var expertKeys: [String]?

        var trainer: TrainerEvidence {
            TrainerEvidence(
                calibration: calibration, roundId: roundId, candidate: candidate, delivery: delivery,
                signOffId: signOffId, expertKeys: expertKeys ?? [])
        }
    }

    /// Evaluates the body's subject against its policy (default `default`) in its role (default trainee).
    func evaluate(_ input: EvaluationInput) async throws -> CertificationEvaluation {
        try await evaluate(
            userId: input.userId, policyName: input.policy ?? "default", role: input.role ?? .trainee,
            trainer: input.trainer)
    }

    /// The issue body: the evaluation's fields and the name printed.
    struct IssueInput: Decodable {
        var evaluation: EvaluationInput
        /// The name printed (default: the account's display name).
        var name: String?

        private enum CodingKeys: String, CodingKey { case name }

        init(from decoder: any Decoder) throws {
            evaluation = try EvaluationInput(from: decoder)
            name = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .name)
        }
    }

    /// The fields of the evaluation and issue bodies.
    static let evaluationFields: Set<String> = [
        "userId", "policy", "role", "calibration", "roundId", "candidate", "delivery", "signOffId", "expertKeys",
    ]

    /// What a trainer brings beyond their own test-mode work: a calibration round — a closed round of the console
    /// (`roundId`) or a round's file (as `cargosim calibrate` reads it) — with their name in it (default: their
    /// username), and the expert's signed sign-off of their
    /// supervised delivery (the file `cargosim signoff sign` writes, with the expert's own key) with the public keys
    /// of the experts the certifier trusts.
    struct TrainerEvidence: Sendable {
        var calibration: CalibrationRecord?
        /// A closed calibration round of the console, instead of a round's file.
        var roundId: Int64?
        var candidate: String?
        var delivery: String?
        /// A sign-off the certifier recorded, instead of a sign-off's file with trusted keys.
        var signOffId: String?
        var expertKeys: [String]
        /// The recorded sign-off, verified again (set by `evaluate` from `signOffId`).
        var recorded: Result<VerifiedDelivery, CertificateError>? = nil
    }

    struct RevokeInput: Decodable {
        var reason: String
    }

    struct VerifyInput: Decodable {
        /// The certificate file's content, as the three lines the issuer signed.
        var certificate: String?
        /// The short code printed on the certificate (`XXXXX-XXXXX`).
        var code: String?
    }

    struct PolicyView: Encodable {
        var name: String
        var policy: CertificationPolicy
        /// The policy's error rates on its smallest admissible form (its minimum case counts).
        var accuracy: DecisionAccuracy
    }

    /// A certificate as the console lists it (never its file's signature: that is `…/file`).
    struct CertificateView: Encodable {
        var id: String
        var userId: Int64?
        var subject: String
        var subjectName: String
        var role: String
        var policyVersion: String
        var keyId: String
        var verificationCode: String
        var issuedBy: String
        var issuedAt: Instant
        var expiresAt: Instant
        /// `valid`, `expired` or `revoked`, at the server's time.
        var status: String
        var revokedAt: Instant?
        var revokedBy: String?
        var revocationReason: String?

        init(_ record: CertificateRecord, at time: Instant) {
            id = record.id
            userId = record.userId
            subject = record.subject
            subjectName = record.subjectName
            role = record.role
            policyVersion = record.policyVersion
            keyId = record.keyId
            verificationCode = record.verificationCode
            issuedBy = record.issuedBy
            issuedAt = record.issuedAt
            expiresAt = record.expiresAt
            status = record.revokedAt != nil ? "revoked" : (time < record.expiresAt ? "valid" : "expired")
            revokedAt = record.revokedAt
            revokedBy = record.revokedBy
            revocationReason = record.revocationReason
        }
    }

    /// One certificate with the evaluation it was issued on.
    struct CertificateDetail: Encodable {
        var certificate: CertificateView
        var evaluation: CertificationEvaluation?
    }

    /// What the public verification answers.
    struct Verification: Encodable {
        /// `valid`, `revoked`, `expired`, `notYetValid`, `notChecked`, `invalid`, or `unknown` (no certificate with
        /// that code was issued here).
        var result: String
        /// What was found, in a sentence (English; the page words the result itself from its code).
        var message: String
        var certificate: Facts?
        var revocation: RevocationFacts?

        struct Facts: Encodable {
            var certificateId: String
            /// The holder's name as printed, and their id.
            var holder: String
            var subject: String
            var role: String
            var policyVersion: String
            var issuer: String
            var issuedAt: Instant
            var expiresAt: Instant
            var keyId: String
            var verificationCode: String
            var figures: [String: String]
        }

        struct RevocationFacts: Encodable {
            /// The revocation list checked: its number and issue time.
            var listSequence: Int
            var listIssuedAt: Instant
            var revoked: Bool
            var revokedAt: Instant?
            var reason: String?
        }
    }

    // MARK: The key

    /// The programme's signing key, read (or made) in the certification folder on first use.
    func signingIdentity() throws -> SigningIdentity {
        guard let settings = configuration.certification else {
            throw APIError(
                .conflict, "no-signing-key",
                "This server has no certification folder; start it with `cargosim serve`, which keeps the signing "
                    + "key beside the database.")
        }
        let raw: Data = try signingKey.withLockedValue { cached in
            if let cached { return cached }
            let loaded = try SigningKeyStore.loadOrCreate(in: settings.keyFolder).identity.privateKey.rawRepresentation
            cached = loaded
            return loaded
        }
        return SigningIdentity(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: raw))
    }

    var issuer: String { configuration.certification?.issuer ?? "CargoSim training centre" }

    // MARK: Policies

    /// The policies in `Assets/policies/`, by name (file name without `.yaml`), read and checked.
    func policyNames() -> [String] {
        let folder = configuration.assets.appendingPathComponent("policies", isDirectory: true)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The policy of that name, or 400 naming `policy` (an unknown name, or a file that does not read: its error
    /// names the file, line and field).
    func policy(named name: String) throws -> CertificationPolicy {
        guard policyNames().contains(name) else {
            throw APIError.badRequest(
                "No policy named \(name); choose one of: \(policyNames().joined(separator: ", ")).", field: "policy")
        }
        let file = configuration.assets.appendingPathComponent("policies/\(name).yaml")
        do {
            return try YAMLSpecReader().readDocument(CertificationPolicy.self, fileAt: file) { $0.validate() }
        } catch {
            throw APIError(
                .conflict, "policy-invalid", "The policy file does not read: \(error). Fix the file.", field: "policy")
        }
    }

    // MARK: Evaluation

    /// Every graded case of an account, in the order stored (assignment, then grading); each attempt's mode is its
    /// assignment's and its trainee id the username.
    func gradedCases(of user: User, testOnly: Bool) async throws -> [CertificationEvaluation.Graded] {
        var out: [CertificationEvaluation.Graded] = []
        let decoder = JSONDecoder()
        for assignment in try await storage.assignments(userId: user.id).sorted(by: { $0.id < $1.id }) {
            if testOnly && assignment.mode != .test { continue }
            for record in try await storage.grades(assignmentId: assignment.id) {
                var attempt = try decoder.decode(Attempt.self, from: Data(record.attemptJSON))
                attempt.mode = assignment.mode
                attempt.traineeId = user.username
                out.append(
                    .init(
                        assignmentId: assignment.id, courseId: assignment.courseId, attempt: attempt,
                        grade: try decoder.decode(Grade.self, from: Data(record.gradeJSON))))
            }
        }
        return out
    }

    /// A trainer's evidence checked: the round run (`CalibrationRecord.run`), the candidate found in it, the sign-off
    /// verified against the trusted expert keys. 400 naming the field at fault (`calibration.<who>.<item>`,
    /// `candidate`, `expertKeys[i]`); a sign-off that does not verify is not an error here but a reason not met.
    func trainerRole(_ evidence: TrainerEvidence, username: String) throws -> CertificationEvaluation.Role {
        guard let record = evidence.calibration else {
            throw APIError.badRequest(
                "A trainer is evaluated on a calibration round: give calibration, the round's file as `cargosim "
                    + "calibrate` reads it.", field: "calibration")
        }
        let round: CalibrationResults
        switch Result(catching: { () throws(CalibrationError) -> CalibrationResults in try record.run() }) {
        case .success(let results): round = results
        case .failure(let error):
            throw APIError.badRequest(
                "\(error.message) (value \"\(error.value)\")",
                field: "calibration" + (error.field.isEmpty ? "" : "." + error.field))
        }
        let name = evidence.candidate ?? username
        guard let agreement = round.candidates.first(where: { $0.candidate == name }) else {
            throw APIError.badRequest(
                "\(name) is not a candidate of round \(round.roundId); give candidate as the round names them ("
                    + round.candidates.map(\.candidate).joined(separator: ", ") + ").", field: "candidate")
        }
        var delivery = evidence.recorded
        if let text = evidence.delivery {
            var keys: [Curve25519.Signing.PublicKey] = []
            for (index, keyText) in evidence.expertKeys.enumerated() {
                switch Result(catching: { () throws(CertificateError) -> Curve25519.Signing.PublicKey in
                    try SigningIdentity.publicKey(fromText: keyText)
                }) {
                case .success(let key): keys.append(key)
                case .failure(let error): throw APIError.badRequest(error.message, field: "expertKeys[\(index)]")
                }
            }
            let time = now()
            delivery = Result(catching: { () throws(CertificateError) -> VerifiedDelivery in
                try Certificates.verifySignOff(Data(text.utf8), trustedKeys: keys, now: time)
            })
        }
        return .trainer(calibration: agreement, round: round, delivery: delivery)
    }

    /// Evaluates an account against a policy from the database (a trainer with `trainer`'s evidence as well); 409
    /// `no-evidence` when no test-mode attempt of it was graded.
    func evaluate(
        userId: Int64, policyName: String, role: CertificationRole, trainer: TrainerEvidence
    ) async throws -> CertificationEvaluation {
        if role == .trainee,
            trainer.calibration != nil || trainer.roundId != nil || trainer.delivery != nil || trainer.signOffId != nil
        {
            throw APIError.badRequest(
                "A calibration round and a delivery sign-off are a trainer's evidence; give role trainer.",
                field: "role")
        }
        var trainer = trainer
        if let signOffId = trainer.signOffId {
            guard trainer.delivery == nil else {
                throw APIError.badRequest(
                    "Give either delivery (a sign-off's file) or signOffId, not both.", field: "signOffId")
            }
            guard let record = try await storage.signOff(id: signOffId) else {
                throw APIError.badRequest("No sign-off \(signOffId) was recorded; record it first.", field: "signOffId")
            }
            trainer.recorded = recordedDelivery(record)
        }
        if let roundId = trainer.roundId {
            guard trainer.calibration == nil else {
                throw APIError.badRequest(
                    "Give either calibration (a round's file) or roundId, not both.", field: "roundId")
            }
            guard let round = try await storage.calibrationRound(id: roundId) else {
                throw APIError.badRequest(
                    "No calibration round \(roundId); choose one from the list.", field: "roundId")
            }
            guard round.closedAt != nil else {
                throw APIError.badRequest(
                    "Calibration round \(round.name) is still open; close it first, so that its grades are final.",
                    field: "roundId")
            }
            trainer.calibration = Self.calibrationRecord(
                round, grades: try await storage.calibrationGrades(roundId: roundId))
        }
        let chosen = try self.policy(named: policyName)
        guard let subject = try await storage.user(id: userId) else {
            throw APIError(.notFound, "not-found", "No account with this id; choose a person from the list.")
        }
        var evaluationRole = CertificationEvaluation.Role.trainee
        if role == .trainer { evaluationRole = try trainerRole(trainer, username: subject.username) }
        let graded = try await gradedCases(of: subject, testOnly: false)
        var cohort: [String: [CertificationEvaluation.Graded]] = [:]
        let testTakers = Set(try await storage.assignments(userId: nil).filter { $0.mode == .test }.map(\.userId))
        for id in testTakers {
            guard let person = try await user(id: id) else { continue }
            let own: [CertificationEvaluation.Graded]
            if id == subject.id {
                own = graded.filter { $0.attempt.mode == .test }
            } else {
                own = try await gradedCases(of: person, testOnly: true)
            }
            if !own.isEmpty { cohort[person.username] = own }
        }
        var keys: [String: AnswerKey] = [:]
        var vantages: [String: Vantage] = [:]
        for (courseId, items) in Dictionary(grouping: graded.filter { $0.attempt.mode == .test }, by: \.courseId) {
            let caseIds = Array(Set(items.map(\.grade.caseId)))
            for (caseId, key) in try await answerKeys(courseId: courseId, caseIds: caseIds) {
                keys[courseId + "/" + caseId] = key
            }
            for caseId in caseIds {
                if let c = try await cases.inspectionCase(courseId: courseId, caseId: caseId, storage: storage) {
                    vantages[courseId + "/" + caseId] = c.vantage
                }
            }
        }
        guard
            let evaluation = CertificationEvaluation.make(
                subject: .init(userId: subject.id, username: subject.username, displayName: subject.displayName),
                policyName: policyName, policy: chosen, graded: graded, cohort: cohort, keys: keys,
                vantages: vantages, role: evaluationRole, at: now())
        else {
            throw APIError(
                .conflict, "no-evidence",
                "\(subject.username) has no graded case in test mode; training attempts (with the key's feedback) are "
                    + "not evidence. Give them a course in test mode first.")
        }
        return evaluation
    }

    // MARK: Revocation lists

    /// The newest signed revocation list, signed again as the next number when it is a day old (or made, as no. 1,
    /// when there is none yet). Two requests at once cannot both keep a list of the same number (the store refuses
    /// the second), so the loser reads the winner's.
    func currentRevocationList(_ identity: SigningIdentity) async throws -> (list: RevocationList, file: [UInt8]) {
        for _ in 0..<5 {
            let time = now()
            var next: RevocationList
            if let stored = try await storage.latestRevocationList(keyId: identity.keyId) {
                let list = try Certificates.openRevocations(Data(stored.file), publicKey: identity.publicKey)
                let age = time.millisecondsSinceEpoch - stored.issuedAt.millisecondsSinceEpoch
                if age >= 0 && age < Self.revocationListRefreshMilliseconds { return (list, stored.file) }
                next = list
                next.sequence = stored.sequence + 1
            } else {
                next = RevocationList(keyId: identity.keyId, updatedAt: time, sequence: 1, revocations: [])
            }
            next.updatedAt = time
            let file = [UInt8](Certificates.sign(next, with: identity))
            do {
                try await storage.saveRevocationList(
                    RevocationListRecord(
                        keyId: identity.keyId, sequence: next.sequence ?? 1, issuedAt: time, file: file))
                return (next, file)
            } catch let error as StorageError where error.code == "conflict" {
                continue
            }
        }
        throw APIError(
            .serviceUnavailable, "busy", "The revocation list is being signed; try again.", retryAfterSeconds: 1)
    }

    // MARK: Verification

    /// Verifies a certificate file against this server's key and its current revocation list.
    func verification(of data: Data) async throws -> Verification {
        let identity = try signingIdentity()
        // The payload as written, only to learn its issue time: the signature is checked at that time (so that a
        // genuine expired certificate is told apart from a forged one) before anything of it is shown.
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var claimed: CertificatePayload?
        if lines.count == 4 { claimed = try? JSONDecoder().decode(CertificatePayload.self, from: Data(lines[1])) }
        let checkedAt = claimed?.issuedAt ?? now()
        // Results rather than typed do-catch blocks: the 6.3.1 compiler crashes on those in this async function.
        let opened = Result(catching: { () throws(CertificateError) -> CertificatePayload in
            try Certificates.verifySignature(data, publicKey: identity.publicKey, now: checkedAt)
        })
        guard case .success(let payload) = opened else {
            return Verification(
                result: "invalid", message: Self.failureMessage(opened), certificate: nil, revocation: nil)
        }
        let (list, _) = try await currentRevocationList(identity)
        return Self.verdict(data, payload: payload, publicKey: identity.publicKey, list: list, now: now())
    }

    private static func failureMessage(_ result: Result<CertificatePayload, CertificateError>) -> String {
        if case .failure(let error) = result { return error.message }
        return ""
    }

    /// The verdict on a certificate whose signature is this key's, against a revocation list of the same key.
    static func verdict(
        _ data: Data, payload: CertificatePayload, publicKey: Curve25519.Signing.PublicKey, list: RevocationList,
        now: Instant
    ) -> Verification {
        let facts = Verification.Facts(
            certificateId: payload.certificateId, holder: payload.subjectName, subject: payload.subject,
            role: payload.role.rawValue, policyVersion: payload.policyVersion, issuer: payload.issuer,
            issuedAt: payload.issuedAt, expiresAt: payload.expiresAt, keyId: payload.keyId,
            verificationCode: Certificates.verificationCode(data), figures: payload.figures)
        let sequence = list.sequence ?? 0
        // A revocation never lapses: a revoked certificate is said so whatever its dates.
        if let entry = list.revocations.first(where: { $0.certificateId == payload.certificateId }) {
            return Verification(
                result: "revoked",
                message: "Certificate \(payload.certificateId) was revoked on \(entry.revokedAt): \(entry.reason).",
                certificate: facts,
                revocation: .init(
                    listSequence: sequence, listIssuedAt: list.issuedAt, revoked: true, revokedAt: entry.revokedAt,
                    reason: entry.reason))
        }
        let revocation = Verification.RevocationFacts(
            listSequence: sequence, listIssuedAt: list.issuedAt, revoked: false, revokedAt: nil, reason: nil)
        let checked = Result(catching: { () throws(CertificateError) -> VerifiedCertificate in
            try Certificates.verify(
                data, publicKey: publicKey, revocations: list,
                maximumListAgeDays: CertificationPolicy.standardRevocationListMaximumAgeDays, now: now)
        })
        switch checked {
        case .success(let verified) where verified.revocation.isChecked:
            return Verification(
                result: "valid",
                message: "Signed by \(payload.issuer) (key \(payload.keyId)), valid until \(payload.expiresAt.date), "
                    + "not on revocation list no. \(sequence).",
                certificate: facts, revocation: revocation)
        case .success:
            return Verification(
                result: "notChecked", message: "The signature is good but the revocation list could not be checked.",
                certificate: facts, revocation: revocation)
        case .failure(let error):
            let result: String
            switch error.code {
            case "certificate.expired": result = "expired"
            case "certificate.notYetValid": result = "notYetValid"
            default: result = "invalid"
            }
            return Verification(result: result, message: error.message, certificate: facts, revocation: revocation)
        }
    }

    /// A printed code as stored: upper case, the hyphen in its place; nil when it cannot be one.
    static func normalizedCode(_ text: String) -> String? {
        let plain = text.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        guard plain.count == 10, plain.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return String(plain.prefix(5)) + "-" + String(plain.suffix(5))
    }

    // MARK: Routes

    func addCertificationRoutes(to router: Router<ServerContext>) {
        router.get("/api/certification/policies") { request, _ in
            let (user, _) = try await self.authenticate(request)
            try self.requireStaff(user)
            let views = try self.policyNames().map { name -> PolicyView in
                let policy = try self.policy(named: name)
                return PolicyView(
                    name: name, policy: policy,
                    accuracy: policy.traineeDecisionAccuracy(
                        concealmentCases: policy.trainee.minimumConcealmentCases,
                        cleanCases: policy.trainee.minimumCleanCases))
            }
            return jsonResponse(views)
        }

        router.post("/api/certification/evaluations") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            let input = try await self.decodeBody(
                EvaluationInput.self, from: request, allowedFields: Self.evaluationFields)
            return jsonResponse(try await self.evaluate(input))
        }

        router.get("/api/certification/certificates") { request, _ in
            let (user, _) = try await self.authenticate(request)
            try self.requireStaff(user)
            let time = self.now()
            return jsonResponse(try await self.storage.certificates().map { CertificateView($0, at: time) })
        }

        router.post("/api/certification/certificates") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireCertifier(user)
            let input = try await self.decodeBody(
                IssueInput.self, from: request, allowedFields: Self.evaluationFields.union(["name"]))
            let name = input.name?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let name, name.isEmpty || name.count > 120 {
                throw APIError.badRequest(
                    "Give the name as printed, 1 to 120 characters, or leave it out.", field: "name")
            }
            // Decided again here, never taken from the browser: only a decision the server made is signed.
            let evaluation = try await self.evaluate(input.evaluation)
            guard evaluation.granted else {
                throw APIError(
                    .conflict, "not-granted",
                    "\(evaluation.subject.username) does not meet policy \(evaluation.policyVersion); no certificate is issued.",
                    problems: evaluation.reasons.filter { !$0.passed }.map {
                        APIError.Problem(field: $0.code, message: "\($0.figure) (\($0.threshold))")
                    })
            }
            let identity = try self.signingIdentity()
            let policy = try self.policy(named: evaluation.policy)
            let payload = CertificatePayload(
                keyId: identity.keyId, issuer: self.issuer, subject: evaluation.subject.username,
                subjectName: name ?? evaluation.subject.displayName, role: evaluation.role,
                policyVersion: evaluation.policyVersion, issuedAt: self.now(), validityDays: policy.validityDays,
                figures: evaluation.figures)
            let file = [UInt8](Certificates.issue(payload, with: identity))
            let record = CertificateRecord(
                id: payload.certificateId, userId: evaluation.subject.userId, subject: payload.subject,
                subjectName: payload.subjectName, role: payload.role.rawValue, policyVersion: payload.policyVersion,
                keyId: payload.keyId, verificationCode: Certificates.verificationCode(Data(file)), file: file,
                decisionJSON: [UInt8](jsonBody(evaluation).readableBytesView), issuedBy: user.username,
                issuedAt: payload.issuedAt, expiresAt: payload.expiresAt)
            do { try await self.storage.saveCertificate(record) } catch let error as StorageError
                where error.code == "conflict"
            {
                throw APIError.conflict(error.message)
            }
            await self.audit(
                user.username, "certificate.issue",
                "\(record.id) for \(record.subject) (\(record.role), policy \(record.policyVersion), code \(record.verificationCode))"
            )
            return jsonResponse(CertificateView(record, at: self.now()), status: .created)
        }

        router.get("/api/certification/certificates/:cert") { request, context in
            let (_, record) = try await self.staffCertificate(request, context)
            let evaluation = try? JSONDecoder().decode(CertificationEvaluation.self, from: Data(record.decisionJSON))
            return jsonResponse(
                CertificateDetail(certificate: CertificateView(record, at: self.now()), evaluation: evaluation))
        }

        router.get("/api/certification/certificates/:cert/file") { request, context in
            let (_, record) = try await self.staffCertificate(request, context)
            var response = fileResponse(record.file, contentType: "text/plain; charset=utf-8")
            response.headers[.contentDisposition] = "attachment; filename=\"certificate-\(record.id).txt\""
            return response
        }

        router.get("/api/certification/certificates/:cert/print") { request, context in
            let (user, record) = try await self.staffCertificate(request, context)
            let language = try Self.language(request, default: user)
            let lines = record.file.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            guard lines.count == 4,
                let payload = try? JSONDecoder().decode(CertificatePayload.self, from: Data(lines[1]))
            else { throw APIError.internalError }
            let localizer = self.configuration.localizer
            return Self.htmlResponse(
                Certificates.html(payload, file: Data(record.file)) { localizer.text($0, language, $1) })
        }

        router.post("/api/certification/certificates/:cert/revoke") { request, context in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireCertifier(user)
            guard let id = context.parameters.get("cert"), let record = try await self.storage.certificate(id: id)
            else { throw APIError.notFound }
            let input = try await self.decodeBody(RevokeInput.self, from: request, allowedFields: ["reason"])
            let reason = input.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty, reason.count <= 300 else {
                throw APIError.badRequest("Say why, in 1 to 300 characters; verifiers are shown it.", field: "reason")
            }
            let identity = try self.signingIdentity()
            guard record.keyId == identity.keyId else {
                throw APIError.conflict(
                    "Certificate \(record.id) was signed with key \(record.keyId), not this server's (\(identity.keyId)); "
                        + "revoke it with that key (`cargosim certificate revoke`).")
            }
            var revokedList: RevocationList?
            for _ in 0..<5 {
                if let current = try await self.storage.certificate(id: record.id), current.revokedAt != nil {
                    throw APIError.conflict("Certificate \(record.id) is already revoked.")
                }
                let (current, _) = try await self.currentRevocationList(identity)
                let time = self.now()
                var next = current
                next.sequence = (current.sequence ?? 0) + 1
                next.updatedAt = time
                next.revocations.append(Revocation(certificateId: record.id, revokedAt: time, reason: reason))
                let file = [UInt8](Certificates.sign(next, with: identity))
                do {
                    try await self.storage.revokeCertificate(
                        id: record.id, by: user.username, reason: reason, at: time,
                        list: RevocationListRecord(
                            keyId: identity.keyId, sequence: next.sequence ?? 1, issuedAt: time, file: file))
                    revokedList = next
                    break
                } catch let error as StorageError where error.code == "conflict" {
                    continue  // another list was signed meanwhile: sign again from it
                }
            }
            guard let revokedList else {
                throw APIError(
                    .serviceUnavailable, "busy", "The revocation list is being signed; try again.", retryAfterSeconds: 1
                )
            }
            await self.audit(
                user.username, "certificate.revoke",
                "\(record.id) of \(record.subject): \(reason) (revocation list no. \(revokedList.sequence ?? 0))")
            let updated = try await self.storage.certificate(id: record.id) ?? record
            return jsonResponse(CertificateView(updated, at: self.now()))
        }

        // Public: a verifier needs the issuer's public key and current list to check a certificate offline.
        router.get("/api/certification/revocations") { _, _ in
            let (_, file) = try await self.currentRevocationList(try self.signingIdentity())
            var response = fileResponse(file, contentType: "text/plain; charset=utf-8")
            response.headers[.contentDisposition] = "attachment; filename=\"revocations.txt\""
            return response
        }

        router.get("/api/certification/public-key") { _, _ in
            let identity = try self.signingIdentity()
            var response = fileResponse(Array(identity.publicKeyText.utf8), contentType: "text/plain; charset=utf-8")
            response.headers[.contentDisposition] = "attachment; filename=\"cargosim-\(identity.keyId).pub\""
            return response
        }

        // Public, no account: anyone shown a certificate checks it here, by its file or its printed code.
        router.post("/api/verify") { request, context in
            let (admitted, wait) = self.verifyThrottle.withLockedValue {
                $0.admit(context.clientAddress, at: self.now())
            }
            guard admitted else {
                throw APIError(
                    .tooManyRequests, "throttled",
                    "Too many verifications from this address; try again in \(wait) seconds.", retryAfterSeconds: wait)
            }
            let input = try await self.decodeBody(
                VerifyInput.self, from: request, allowedFields: ["certificate", "code"])
            switch (input.certificate, input.code) {
            case (let text?, nil):
                return jsonResponse(try await self.verification(of: Data(text.utf8)))
            case (nil, let text?):
                guard let code = Self.normalizedCode(text) else {
                    throw APIError.badRequest(
                        "A verification code is 10 letters and digits, as XXXXX-XXXXX; copy it from the certificate.",
                        field: "code")
                }
                guard let record = try await self.storage.certificate(verificationCode: code) else {
                    return jsonResponse(
                        Verification(
                            result: "unknown",
                            message:
                                "No certificate with the code \(code) was issued here; check the code, or ask for the certificate file.",
                            certificate: nil, revocation: nil))
                }
                return jsonResponse(try await self.verification(of: Data(record.file)))
            default:
                throw APIError.badRequest(
                    "Give either certificate (the file's content) or code (the printed XXXXX-XXXXX), one of them.",
                    field: input.certificate == nil ? "code" : "certificate")
            }
        }
    }

    /// Staff only (404 otherwise); then issuing and revoking are for an administrator (403 for an instructor).
    func requireCertifier(_ user: User) throws {
        try requireStaff(user)
        guard user.role == .admin else {
            throw APIError(
                .forbidden, "forbidden",
                "Only an administrator (the programme's certifier) issues and revokes certificates.")
        }
    }

    /// The certificate in the path, for staff; 404 otherwise.
    func staffCertificate(_ request: Request, _ context: ServerContext) async throws -> (User, CertificateRecord) {
        let (user, _) = try await authenticate(request)
        try requireStaff(user)
        guard let id = context.parameters.get("cert"), id.count == 16,
            let record = try await storage.certificate(id: id)
        else { throw APIError.notFound }
        return (user, record)
    }
}
