import CargoModel
import CaseBundle
import Foundation
import HTTPTypes
import Scoring
import Storage
import Testing

@testable import TrainingServer

/// The certification office: the signing key beside the database, evaluation from the database, issuing, the
/// signed file the command line verifies, revocation, and the public verification with its rate limit.
@Suite struct CertificationTests {
    /// An `Assets/` folder whose entries link to the checkout's, with policies of its own: the shipped default and
    /// `small`, which the fixture's few cases can meet (its minimums are the course's own counts).
    static func assetsWithSmallPolicy(concealment: Int, clean: Int) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cargosim-assets-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: Checkout.assets.path) where name != "policies" {
            try FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent(name),
                withDestinationURL: Checkout.assets.appendingPathComponent(name))
        }
        let policies = folder.appendingPathComponent("policies", isDirectory: true)
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        let shipped = try String(
            contentsOf: Checkout.assets.appendingPathComponent("policies/default.yaml"), encoding: .utf8)
        try shipped.write(to: policies.appendingPathComponent("default.yaml"), atomically: true, encoding: .utf8)
        let small =
            shipped
            .replacingOccurrences(of: "version: cargosim-2026.2", with: "version: test-small-1")
            .replacingOccurrences(of: "minimumConcealmentCases: 30", with: "minimumConcealmentCases: \(concealment)")
            .replacingOccurrences(of: "minimumCleanCases: 30", with: "minimumCleanCases: \(clean)")
            .replacingOccurrences(of: "minimumCasesPerKind: 2", with: "minimumCasesPerKind: 0")
            .replacingOccurrences(of: "minimumHitRate: 0.70", with: "minimumHitRate: 0.50")
            .replacingOccurrences(of: "maximumFalseAlarmRate: 0.30", with: "maximumFalseAlarmRate: 0.50")
            .replacingOccurrences(of: "minimumDPrime: 1.5", with: "minimumDPrime: 0.5")
            // The trainer's own bar, lowered to what four cases can show (the agreement and delivery gates stay).
            .replacingOccurrences(of: "minimumHitRate: 0.90", with: "minimumHitRate: 0.50")
            .replacingOccurrences(of: "maximumFalseAlarmRate: 0.20", with: "maximumFalseAlarmRate: 0.50")
            .replacingOccurrences(of: "minimumDPrime: 2.0", with: "minimumDPrime: 0.5")
            .replacingOccurrences(of: "minimumDPrimeLowerBound: 1.2", with: "minimumDPrimeLowerBound: -5")
        try small.write(to: policies.appendingPathComponent("small.yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    /// The answer keys of the course of the `mode` assignments.
    static func keys(_ world: TestWorld, _ mode: AttemptMode) throws -> [AnswerKey] {
        try (mode == .test ? world.testCourse : world.course).cases.map {
            try JSONDecoder().decode(AnswerKey.self, from: Data($0.key))
        }
    }

    /// Stores graded attempts of `username` on every case of their `mode` assignment, as the server keeps a finished
    /// case (the attempt and its grade): a simulated trainee, able (d′ 20, unbiased) unless told otherwise.
    static func storeAttempts(
        _ world: TestWorld, _ username: String, mode: AttemptMode, sensitivity: Double = 20, seed: UInt64 = 19,
        assignmentId: Int64? = nil
    ) async throws {
        let course = mode == .test ? world.testCourse : world.course
        let keys = try keys(world, mode)
        let simulator = CohortSimulator(keys: keys, courseHash: course.courseHash, start: world.clock.now())
        var rng = SplitMix64(seed: seed)
        let trainee = SimulatedTrainee(
            id: username, initialSensitivity: sensitivity, finalSensitivity: sensitivity, criterion: 0, diligence: 1,
            pace: 1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let user = world.users[username]!
        for (attempt, key) in zip(simulator.attempts(for: trainee, mode: mode, using: &rng), keys) {
            let graded = try grade(attempt, against: key)
            try await world.storage.saveGrade(
                GradeRecord(
                    assignmentId: assignmentId ?? world.assignments[username]![mode]!, userId: user.id,
                    caseId: attempt.caseId,
                    score: graded.score, outcome: graded.outcome.rawValue,
                    gradeJSON: Array(try encoder.encode(graded)), attemptJSON: Array(try encoder.encode(attempt)),
                    gradedAt: world.clock.now()))
        }
    }

    /// The file mode bits of a path.
    static func mode(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    static func write(_ bytes: [UInt8], _ label: String) throws -> URL {
        let url = temporaryFile(label)
        try Data(bytes).write(to: url)
        return url
    }

    // MARK: The key

    @Test func theSigningKeyIsMadePrivateBesideTheDatabaseAndNeverServed() async throws {
        let world = try await TestWorld.make()
        let folder = CertificationSettings.keyFolder(besideDatabase: world.path)
        try await world.test { anonymous in
            let answer = try await anonymous.get("/api/certification/public-key")
            #expect(answer.status == .ok)
            let publicKey = try SigningIdentity.publicKey(fromText: answer.text)
            // Made on first use: the folder 700, the secret key 600, the public half readable.
            #expect(try Self.mode(folder) == 0o700)
            let keyFile = folder.appendingPathComponent(SigningKeyStore.privateKeyName)
            #expect(try Self.mode(keyFile) == 0o600)
            let identity = try SigningIdentity(privateKeyText: String(contentsOf: keyFile, encoding: .utf8))
            #expect(identity.publicKey.rawRepresentation == publicKey.rawRepresentation)
            let secretHex = identity.privateKeyText.split(separator: "\n")[1]
            // No answer carries the secret: the public routes, and the files' names asked of the static server.
            var answers = [answer, try await anonymous.get("/api/certification/revocations")]
            for path in [
                "/signing.key", "/\(SigningKeyStore.privateKeyName)", "/../\(folder.lastPathComponent)/signing.key",
                "/%2e%2e/signing.key", "/api/certification/signing.key", "/api/certification/key",
            ] {
                let probe = try await anonymous.get(path)
                #expect(probe.status.code >= 400, "\(path): \(probe.status)")
                answers.append(probe)
            }
            let admin = try await anonymous.signedIn("admin")
            answers.append(try await admin.get("/api/certification/policies"))
            answers.append(try await admin.get("/api/certification/certificates"))
            for a in answers { #expect(!a.text.contains(secretHex)) }
        }
    }

    @Test func theKeyStoreReusesItsKeyImportsTheSameAndRefusesAnother() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cargosim-keys-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try SigningKeyStore.loadOrCreate(in: folder)
        #expect(first.created)
        let keyFile = folder.appendingPathComponent(SigningKeyStore.privateKeyName)
        // A key file widened by hand is narrowed again on the next start.
        chmod(keyFile.path, 0o644)
        chmod(folder.path, 0o755)
        let second = try SigningKeyStore.loadOrCreate(in: folder)
        #expect(!second.created && second.identity.keyId == first.identity.keyId)
        #expect(try Self.mode(keyFile) == 0o600)
        #expect(try Self.mode(folder) == 0o700)
        // The same key imported again changes nothing; another is refused, never written over the first.
        #expect(
            try SigningKeyStore.importKey(first.identity.privateKeyText, from: "same.key", into: folder).keyId
                == first.identity.keyId)
        let other = SigningIdentity.generate()
        let refused = #expect(throws: SigningKeyError.self) {
            try SigningKeyStore.importKey(other.privateKeyText, from: "other.key", into: folder)
        }
        #expect(refused?.code == "key.other")
        #expect(try SigningKeyStore.loadOrCreate(in: folder).identity.keyId == first.identity.keyId)
        let malformed = #expect(throws: SigningKeyError.self) {
            try SigningKeyStore.importKey("not a key\n", from: "bad.key", into: folder)
        }
        #expect(malformed?.code == "key.malformed" && malformed?.path == "bad.key")
        // Into an empty folder, the programme's key is the one the server signs with.
        let empty = folder.appendingPathComponent("imported", isDirectory: true)
        #expect(
            try SigningKeyStore.importKey(other.privateKeyText, from: "other.key", into: empty).keyId == other.keyId)
        #expect(try SigningKeyStore.loadOrCreate(in: empty).identity.keyId == other.keyId)
        #expect(try Self.mode(empty.appendingPathComponent(SigningKeyStore.privateKeyName)) == 0o600)
    }

    /// The step both `loadOrCreate` and `importKey` end with, taken when another instance's key has appeared in the
    /// folder since they looked (instances sharing a folder start at once): it keeps that key and says so.
    @Test func aKeyThatAppearsAfterTheCheckIsNeverWrittenOver() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cargosim-keys-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try SigningKeyStore.loadOrCreate(in: folder).identity
        let keyFile = folder.appendingPathComponent(SigningKeyStore.privateKeyName)
        let written = try Data(contentsOf: keyFile)
        let other = SigningIdentity.generate()
        #expect(try SigningKeyStore.place(other, in: folder)?.keyId == first.keyId)
        #expect(try Data(contentsOf: keyFile) == written)
        #expect(try SigningKeyStore.place(first, in: folder)?.keyId == first.keyId)
        // Nothing is left aside in the folder.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
                == [SigningKeyStore.privateKeyName, SigningKeyStore.publicKeyName])
        // Into a folder without a key, the key is placed.
        let empty = folder.appendingPathComponent("empty", isDirectory: true)
        try makePrivateFolder(empty, mode: 0o700)
        #expect(try SigningKeyStore.place(other, in: empty) == nil)
        #expect(try SigningKeyStore.loadOrCreate(in: empty).identity.keyId == other.keyId)
    }

    @Test func serveRefusesToImportAnotherKeyOverTheServersOwn() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cargosim-cert-\(UUID().uuidString).sqlite")
        defer { removeDatabase(db.path) }
        let own = try SigningKeyStore.loadOrCreate(in: CertificationSettings.keyFolder(besideDatabase: db.path))
            .identity
        let other = try Self.write(Array(SigningIdentity.generate().privateKeyText.utf8), "other-key")
        let broken = try Self.write(Array("CARGOSIM ED25519 PRIVATE KEY\nnot hex\n".utf8), "broken-key")
        defer { for f in [other, broken] { try? FileManager.default.removeItem(at: f) } }
        let (status, _, err) = try Binary.run([
            "serve", "--db", db.path, "--port", "0", "--import-signing-key", other.path,
        ])
        #expect(status == 1 && err.contains("already signs with key \(own.keyId)"), "\(err)")
        let (brokenStatus, _, brokenErr) = try Binary.run([
            "serve", "--db", db.path, "--port", "0", "--import-signing-key", broken.path,
        ])
        #expect(
            brokenStatus == 1 && brokenErr.contains(broken.path) && brokenErr.contains("not a CargoSim private key"))
        // The server's own key is untouched.
        #expect(
            try SigningKeyStore.loadOrCreate(in: CertificationSettings.keyFolder(besideDatabase: db.path)).identity
                .keyId == own.keyId)
    }

    // MARK: Evaluation

    @Test func anEvaluationGivesEveryReasonWithItsFigureAndThreshold() async throws {
        let world = try await TestWorld.make()
        try await Self.storeAttempts(world, "trainee1", mode: .test)
        try await Self.storeAttempts(world, "trainee1", mode: .training)
        let keys = try Self.keys(world, .test)
        let concealment = keys.filter(\.irregular).count, clean = keys.count - concealment
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            let policies = try await instructor.get("/api/certification/policies")
            #expect(policies.status == .ok)
            let listed = policies.json() as? [[String: Any]] ?? []
            #expect(listed.compactMap { $0["name"] as? String } == ["default"])
            let rates = listed.first?["accuracy"] as? [String: Any]
            #expect((rates?["falsePassRate"] as? Double).map { abs($0 - 0.075) < 0.002 } == true)

            let answer = try await instructor.post(
                "/api/certification/evaluations", ["userId": world.users["trainee1"]!.id, "policy": "default"])
            #expect(answer.status == .ok, "\(answer.text)")
            let e = answer.object
            #expect(e["granted"] as? Bool == false)
            #expect(e["policyVersion"] as? String == "cargosim-2026.2")
            let reasons = e["reasons"] as? [[String: Any]] ?? []
            func reason(_ code: String) -> [String: Any]? { reasons.first { $0["code"] as? String == code } }
            #expect(reason("concealmentCases")?["figure"] as? String == "\(concealment)")
            #expect(reason("concealmentCases")?["threshold"] as? String == "≥ 30")
            #expect(reason("concealmentCases")?["passed"] as? Bool == false)
            #expect(reason("cleanCases")?["figure"] as? String == "\(clean)")
            for code in ["hitRate", "falseAlarmRate", "dPrime"] {
                #expect(reason(code)?["figure"] is String && reason(code)?["threshold"] is String, "\(code)")
            }
            // The able trainee finds every concealment: H's figure is what Scoring's report says.
            #expect(reason("hitRate")?["figure"] as? String == "1.00")
            let evidence = e["evidence"] as? [String: Any] ?? [:]
            #expect(evidence["distinctCases"] as? Int == keys.count)
            let ignored = evidence["ignored"] as? [[String: Any]] ?? []
            #expect(ignored.count == keys.count && ignored.allSatisfy { $0["reason"] as? String == "trainingMode" })
            let accuracy = e["accuracy"] as? [String: Any] ?? [:]
            #expect(accuracy["concealmentCases"] as? Int == concealment)
            #expect(accuracy["falsePassRate"] is Double && accuracy["falseFailRate"] is Double)
            #expect((e["reliability"] as? [String: Any])?["trainees"] as? Int == 1)
            #expect(!(e["byStage"] as? [Any] ?? []).isEmpty)

            // No test-mode grade: said, not an empty decision.
            let none = try await instructor.post(
                "/api/certification/evaluations", ["userId": world.users["trainee2"]!.id])
            #expect(none.status == .conflict && none.errorCode == "no-evidence")
            let unknown = try await instructor.post(
                "/api/certification/evaluations", ["userId": world.users["trainee1"]!.id, "policy": "../default"])
            #expect(
                unknown.status == .badRequest
                    && (unknown.object["error"] as? [String: Any])?["field"] as? String == "policy")
            // A refused decision is never signed.
            let admin = try await anonymous.signedIn("admin")
            let refused = try await admin.post(
                "/api/certification/certificates", ["userId": world.users["trainee1"]!.id, "policy": "default"])
            #expect(refused.status == .conflict && refused.errorCode == "not-granted")
            #expect(try await world.storage.certificates().isEmpty)
        }
    }

    // MARK: Issue, verify, revoke

    @Test func anIssuedCertificateVerifiesWithTheCommandLineUntilItIsRevoked() async throws {
        let keys = try Fixture.testImported.get().cases.map {
            try JSONDecoder().decode(AnswerKey.self, from: Data($0.key))
        }
        let concealment = keys.filter(\.irregular).count, clean = keys.count - concealment
        try #require(concealment >= 1 && clean >= 1, "the fixture course needs a concealment and a clean case")
        let assets = try Self.assetsWithSmallPolicy(concealment: concealment, clean: clean)
        defer { try? FileManager.default.removeItem(at: assets) }
        let world = try await TestWorld.make(assets: assets)
        // The command line checks dates against the real clock: the server's clock is brought to it.
        let realNow = Int64(Date().timeIntervalSince1970 * 1000)
        world.clock.advance(minutes: Int((realNow - world.clock.now().millisecondsSinceEpoch) / 60_000))
        try await Self.storeAttempts(world, "trainee1", mode: .test)
        let userId = world.users["trainee1"]!.id
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            let admin = try await anonymous.signedIn("admin")
            let asInstructor = try await instructor.post(
                "/api/certification/certificates", ["userId": userId, "policy": "small"])
            #expect(asInstructor.status == .forbidden)

            let issued = try await admin.post(
                "/api/certification/certificates", ["userId": userId, "policy": "small", "name": "Ana Trainee"])
            try #require(issued.status == .created, "\(issued.text)")
            let id = try #require(issued.object["id"] as? String)
            let code = try #require(issued.object["verificationCode"] as? String)
            #expect(issued.object["status"] as? String == "valid")
            #expect(issued.object["policyVersion"] as? String == "test-small-1")

            let file = try await instructor.get("/api/certification/certificates/\(id)/file")
            #expect(file.status == .ok && file.text.hasPrefix(Certificates.certificateHeader))
            #expect(Certificates.verificationCode(Data(file.body)) == code)
            let publicKey = try await anonymous.get("/api/certification/public-key")
            let list = try await anonymous.get("/api/certification/revocations")
            let certificateFile = try Self.write(file.body, "cert")
            let keyFile = try Self.write(publicKey.body, "pub")
            let listFile = try Self.write(list.body, "list")
            defer { for f in [certificateFile, keyFile, listFile] { try? FileManager.default.removeItem(at: f) } }
            let (status, out, err) = try Binary.run([
                "certificate", "verify", certificateFile.path, "--public-key", keyFile.path, "--revocations",
                listFile.path,
            ])
            #expect(status == 0, "\(out)\n\(err)")
            #expect(out.contains("VALID: Ana Trainee (trainee1), trainee, policy test-small-1"), "\(out)")
            #expect(out.contains(code))

            let byCode = try await anonymous.post(
                "/api/verify", ["code": code.lowercased().replacingOccurrences(of: "-", with: "")])
            #expect(byCode.status == .ok && byCode.object["result"] as? String == "valid", "\(byCode.text)")
            let facts = byCode.object["certificate"] as? [String: Any] ?? [:]
            #expect(facts["holder"] as? String == "Ana Trainee" && facts["role"] as? String == "trainee")
            #expect(facts["policyVersion"] as? String == "test-small-1")
            let byFile = try await anonymous.post("/api/verify", ["certificate": file.text])
            #expect(byFile.object["result"] as? String == "valid")
            // One byte changed: refused, and nothing of it shown.
            let forged = file.text.replacingOccurrences(of: "Ana Trainee", with: "Ana Trainer")
            let refused = try await anonymous.post("/api/verify", ["certificate": forged])
            #expect(refused.object["result"] as? String == "invalid" && refused.object["certificate"] == nil)

            let printed = try await instructor.get("/api/certification/certificates/\(id)/print?lang=es")
            #expect(printed.status == .ok && printed.text.contains(code) && printed.text.contains("Ana Trainee"))

            let revoked = try await admin.post(
                "/api/certification/certificates/\(id)/revoke", ["reason": "Attempts made under another's account"])
            #expect(revoked.status == .ok && revoked.object["status"] as? String == "revoked", "\(revoked.text)")
            let again = try await admin.post("/api/certification/certificates/\(id)/revoke", ["reason": "twice"])
            #expect(again.status == .conflict)
            let newList = try await anonymous.get("/api/certification/revocations")
            let opened = try Certificates.openRevocations(
                Data(newList.body), publicKey: try SigningIdentity.publicKey(fromText: publicKey.text))
            #expect(opened.sequence == 2 && opened.revocations.map(\.certificateId) == [id])
            try Data(newList.body).write(to: listFile)
            let (revokedStatus, _, revokedErr) = try Binary.run([
                "certificate", "verify", certificateFile.path, "--public-key", keyFile.path, "--revocations",
                listFile.path,
            ])
            #expect(revokedStatus == 1 && revokedErr.contains("revoked"), "\(revokedErr)")
            let afterwards = try await anonymous.post("/api/verify", ["code": code])
            #expect(afterwards.object["result"] as? String == "revoked")
            let revocation = afterwards.object["revocation"] as? [String: Any] ?? [:]
            #expect(revocation["reason"] as? String == "Attempts made under another's account")
            #expect(revocation["listSequence"] as? Int == 2)

            let audit = try await world.storage.auditLog(limit: 10).map(\.action)
            #expect(audit.contains("certificate.issue") && audit.contains("certificate.revoke"))
            let listed = try await instructor.get("/api/certification/certificates")
            #expect((listed.json() as? [[String: Any]])?.first?["status"] as? String == "revoked")
        }
    }

    /// A calibration round of 20 items from 5 trainees' attempts, graded across the scale by a panel of three and by
    /// `candidate`, who grades every item as the panel does, and by a careless grader one step low on every item.
    static func calibrationRound(candidate: String) throws -> [String: Any] {
        let scale = ["fail", "weak", "pass", "good", "excellent"]
        let items = (0..<20).map { "T00\($0 % 5 + 1)/case-\($0)" }
        let grades = Dictionary(uniqueKeysWithValues: items.enumerated().map { ($1, $0 % scale.count) })
        let panel = grades.mapValues { scale[$0] }
        let record = CalibrationRecord(
            id: "round-19", rubricVersion: "cargosim-default-1", scale: scale, items: items,
            reference: ["panel-1": panel, "panel-2": panel, "panel-3": panel],
            candidates: [candidate: panel, "careless": grades.mapValues { scale[max(0, $0 - 1)] }])
        return try JSONSerialization.jsonObject(with: try JSONEncoder().encode(record)) as! [String: Any]
    }

    @Test func aTrainerIsEvaluatedOnTheRoundAndAnExpertsSignedDelivery() async throws {
        let keys = try Fixture.testImported.get().cases.map {
            try JSONDecoder().decode(AnswerKey.self, from: Data($0.key))
        }
        let concealment = keys.filter(\.irregular).count, clean = keys.count - concealment
        try #require(concealment >= 1 && clean >= 1, "the fixture course needs a concealment and a clean case")
        let assets = try Self.assetsWithSmallPolicy(concealment: concealment, clean: clean)
        defer { try? FileManager.default.removeItem(at: assets) }
        let world = try await TestWorld.make(assets: assets)
        try await Self.storeAttempts(world, "trainee1", mode: .test)
        let userId = world.users["trainee1"]!.id
        let expert = SigningIdentity.generate(), stranger = SigningIdentity.generate()
        let signOff = SupervisedDelivery(
            keyId: expert.keyId, expert: "expert1", trainer: "trainee1", course: "Foundation course, Callao, cohort 3",
            deliveredOn: CalendarDate(year: 2026, month: 9, day: 1), outcome: .signedOff, signedAt: world.clock.now())
        let delivery = String(decoding: Certificates.signOff(signOff, with: expert), as: UTF8.self)
        let expertKey = expert.publicKeyText, strangerKey = stranger.publicKeyText
        try await world.test { anonymous in
            let body: [String: Any] = [
                "userId": userId, "policy": "small", "role": "trainer",
                "calibration": try Self.calibrationRound(candidate: "trainee1"), "delivery": delivery,
                "expertKeys": [expertKey],
            ]
            let admin = try await anonymous.signedIn("admin")
            let answer = try await admin.post("/api/certification/evaluations", body)
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.object["role"] as? String == "trainer")
            let reasons = answer.object["reasons"] as? [[String: Any]] ?? []
            func reason(_ code: String) -> [String: Any]? { reasons.first { $0["code"] as? String == code } }
            for code in [
                "kappa", "weightedKappa", "alpha", "calibrationItems", "calibrationTrainees", "supervisedDelivery",
            ] {
                #expect(reason(code)?["passed"] as? Bool == true, "\(code): \(reason(code) ?? [:])")
            }
            #expect(reason("weightedKappa")?["figure"] as? String == "1.000")
            #expect(reason("calibrationTrainees")?["figure"] as? String == "5")
            #expect((reason("supervisedDelivery")?["figure"] as? String)?.contains("signed off by expert1") == true)
            #expect(answer.object["granted"] as? Bool == true, "\(reasons.filter { $0["passed"] as? Bool == false })")
            #expect((answer.object["calibration"] as? [String: Any])?["candidate"] as? String == "trainee1")

            // Signed by a key the certifier does not trust: the delivery is not met, and nothing is granted.
            var untrusted = body
            untrusted["expertKeys"] = [strangerKey]
            let refused = try await admin.post("/api/certification/evaluations", untrusted)
            let refusedReasons = refused.object["reasons"] as? [[String: Any]] ?? []
            let deliveryReason = refusedReasons.first { $0["code"] as? String == "supervisedDelivery" }
            #expect(deliveryReason?["passed"] as? Bool == false && refused.object["granted"] as? Bool == false)
            #expect((deliveryReason?["figure"] as? String)?.contains("not accepted") == true)
            // A grader who is not in the round, a trainer without a round, a trainee with one: each names its field.
            var stranger1 = body
            stranger1["candidate"] = "nobody"
            let noCandidate = try await admin.post("/api/certification/evaluations", stranger1)
            #expect(
                noCandidate.status == .badRequest
                    && (noCandidate.object["error"] as? [String: Any])?["field"] as? String == "candidate")
            var noRound = body
            noRound["calibration"] = nil
            let missing = try await admin.post("/api/certification/evaluations", noRound)
            #expect(
                missing.status == .badRequest
                    && (missing.object["error"] as? [String: Any])?["field"] as? String == "calibration")
            var asTrainee = body
            asTrainee["role"] = "trainee"
            let wrongRole = try await admin.post("/api/certification/evaluations", asTrainee)
            #expect(
                wrongRole.status == .badRequest
                    && (wrongRole.object["error"] as? [String: Any])?["field"] as? String == "role")

            // The certifier records the sign-off once, verified against the expert's key; it is then evidence by id.
            let recorded = try await admin.post(
                "/api/certification/signoffs", ["delivery": delivery, "expertKey": expertKey])
            #expect(
                recorded.status == .created && recorded.object["trainer"] as? String == "trainee1", "\(recorded.text)")
            let signOffId = try #require(recorded.object["id"] as? String)
            #expect(
                try await admin.post("/api/certification/signoffs", ["delivery": delivery, "expertKey": expertKey])
                    .status
                    == .conflict)
            let forged = try await admin.post(
                "/api/certification/signoffs", ["delivery": delivery, "expertKey": strangerKey])
            #expect(
                forged.status == .badRequest
                    && (forged.object["error"] as? [String: Any])?["field"] as? String == "delivery")
            let instructor = try await anonymous.signedIn("instructor")
            #expect(
                try await instructor.post(
                    "/api/certification/signoffs", ["delivery": delivery, "expertKey": expertKey]
                )
                .status == .forbidden)
            #expect((try await instructor.get("/api/certification/signoffs").json() as? [Any])?.count == 1)
            var byId = body
            byId["delivery"] = nil
            byId["expertKeys"] = nil
            byId["signOffId"] = signOffId
            let fromRecord = try await admin.post("/api/certification/evaluations", byId)
            let recordedReason = (fromRecord.object["reasons"] as? [[String: Any]] ?? []).first {
                $0["code"] as? String == "supervisedDelivery"
            }
            #expect(recordedReason?["passed"] as? Bool == true, "\(fromRecord.text)")
            var both = body
            both["signOffId"] = signOffId
            let twice = try await admin.post("/api/certification/evaluations", both)
            #expect(
                twice.status == .badRequest
                    && (twice.object["error"] as? [String: Any])?["field"] as? String == "signOffId")

            // Issued as a trainer: the certificate says so, and carries the agreement figures.
            let issued = try await admin.post("/api/certification/certificates", body)
            #expect(issued.status == .created && issued.object["role"] as? String == "trainer", "\(issued.text)")
            let id = try #require(issued.object["id"] as? String)
            let file = try await admin.get("/api/certification/certificates/\(id)/file")
            let verified = try await anonymous.post("/api/verify", ["certificate": file.text])
            let facts = verified.object["certificate"] as? [String: Any] ?? [:]
            #expect(verified.object["result"] as? String == "valid" && facts["role"] as? String == "trainer")
            #expect((facts["figures"] as? [String: String])?["weightedKappa"] == "1.000")
        }
    }

    @Test func aCalibrationRoundIsGradedBlindAndComparedWhenClosed() async throws {
        let world = try await TestWorld.make()
        for name in ["panel2", "cand"] {
            let input = AccountInput(
                username: name, displayName: name.capitalized, role: .instructor, password: TestWorld.password,
                language: "en")
            _ = try await world.storage.createUser(input.newUser(cost: 4), at: world.clock.now())
        }
        let (group, assignments) = try await world.storage.createGroup(
            NewAssignmentGroup(courseId: world.course.courseId, mode: .training, createdBy: "instructor"),
            userIds: [world.users["trainee1"]!.id, world.users["trainee2"]!.id], overridingModeConflict: false,
            at: world.clock.now())
        for (name, assignment) in zip(["trainee1", "trainee2"], assignments) {
            try await Self.storeAttempts(world, name, mode: .training, assignmentId: assignment.id)
        }
        try await Self.storeAttempts(world, "trainee1", mode: .test)
        let caseCount = world.course.cases.count
        try await world.test { anonymous in
            let admin = try await anonymous.signedIn("admin")
            let instructor = try await anonymous.signedIn("instructor")
            let candidate = try await anonymous.signedIn("cand")
            let outsider = try await anonymous.signedIn("panel2")
            let trainee = try await anonymous.signedIn("trainee1")
            let made = try await admin.post(
                "/api/certification/rounds",
                [
                    "name": "Workshop round", "groupId": group.id, "panel": ["admin", "instructor"],
                    "candidates": ["cand"],
                ])
            #expect(made.status == .created, "\(made.text)")
            let rid = try #require(made.object["id"] as? Int)
            let items = (made.object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(items.count == 2 * caseCount)
            // Taken in turn from each trainee.
            #expect(items.prefix(2).map { $0.split(separator: "/")[0] } == ["trainee1", "trainee2"])
            #expect(try await trainee.get("/api/certification/rounds/\(rid)").status == .notFound)
            let badGrader = try await admin.post(
                "/api/certification/rounds",
                ["name": "x", "groupId": group.id, "panel": ["admin", "trainee1"], "candidates": ["cand"]])
            #expect(
                badGrader.status == .badRequest
                    && (badGrader.object["error"] as? [String: Any])?["field"] as? String == "panel[1]")

            let scale = ["fail", "weak", "pass", "good", "excellent"]
            for (index, item) in items.enumerated() {
                for grader in [admin, instructor] {
                    let put = try await grader.request(
                        .put, "/api/certification/rounds/\(rid)/grades",
                        json: ["item": item, "grade": scale[index % 5]])
                    #expect(put.status == .noContent, "\(put.text)")
                }
                if index > 0 {  // the candidate leaves the first item ungraded
                    _ = try await candidate.request(
                        .put, "/api/certification/rounds/\(rid)/grades",
                        json: ["item": item, "grade": scale[index % 5]])
                }
            }
            let notInRound = try await outsider.request(
                .put, "/api/certification/rounds/\(rid)/grades", json: ["item": items[0], "grade": "pass"])
            #expect(notInRound.status == .forbidden)
            let offScale = try await candidate.request(
                .put, "/api/certification/rounds/\(rid)/grades", json: ["item": items[0], "grade": "superb"])
            #expect(offScale.status == .badRequest)
            // While open a grader sees their own grades only, and everyone's counts.
            let seen = try await candidate.get("/api/certification/rounds/\(rid)").object
            #expect((seen["yourGrades"] as? [String: String])?.count == items.count - 1)
            #expect(seen["yourRole"] as? String == "candidate" && seen["results"] == nil)
            let progress = seen["progress"] as? [[String: Any]] ?? []
            #expect(progress.first { $0["grader"] as? String == "admin" }?["graded"] as? Int == items.count)

            let early = try await admin.post(
                "/api/certification/evaluations",
                ["userId": world.users["trainee1"]!.id, "role": "trainer", "roundId": rid, "candidate": "cand"])
            #expect(
                early.status == .badRequest
                    && (early.object["error"] as? [String: Any])?["field"] as? String == "roundId")
            #expect(try await instructor.post("/api/certification/rounds/\(rid)/close", [:]).status == .forbidden)
            let closed = try await admin.post("/api/certification/rounds/\(rid)/close", [:])
            #expect(closed.status == .ok && closed.object["status"] as? String == "closed", "\(closed.text)")
            let results = closed.object["results"] as? [String: Any] ?? [:]
            let agreement = (results["candidates"] as? [[String: Any]])?.first ?? [:]
            #expect(agreement["candidate"] as? String == "cand")
            #expect(agreement["itemsMissing"] as? Int == 1 && agreement["missingItems"] as? [String] == [items[0]])
            #expect(agreement["weightedKappaQuadratic"] as? Double == 1)
            #expect(results["distinctTrainees"] as? Int == 2)
            let late = try await candidate.request(
                .put, "/api/certification/rounds/\(rid)/grades", json: ["item": items[0], "grade": "pass"])
            #expect(late.status == .conflict)

            // The closed round is a trainer's calibration evidence.
            let evaluation = try await admin.post(
                "/api/certification/evaluations",
                ["userId": world.users["trainee1"]!.id, "role": "trainer", "roundId": rid, "candidate": "cand"])
            #expect(evaluation.status == .ok, "\(evaluation.text)")
            let reasons = evaluation.object["reasons"] as? [[String: Any]] ?? []
            let itemsReason = reasons.first { $0["code"] as? String == "calibrationItems" }
            #expect(
                (itemsReason?["figure"] as? String)?.hasPrefix("\(items.count - 1) (1 missing: \(items[0])") == true)
            #expect(reasons.first { $0["code"] as? String == "weightedKappa" }?["figure"] as? String == "1.000")
            let audit = try await world.storage.auditLog(limit: 5).map(\.action)
            #expect(audit.contains("calibration.create") && audit.contains("calibration.close"))
        }
    }

    @Test func theRevocationListIsSignedAgainWhenADayOld() async throws {
        let world = try await TestWorld.make()
        try await world.test { anonymous in
            let key = try SigningIdentity.publicKey(
                fromText: try await anonymous.get("/api/certification/public-key").text)
            func sequence() async throws -> Int? {
                let list = try await anonymous.get("/api/certification/revocations")
                return try Certificates.openRevocations(Data(list.body), publicKey: key).sequence
            }
            #expect(try await sequence() == 1)
            world.clock.advance(minutes: 60)
            #expect(try await sequence() == 1)
            world.clock.advance(minutes: 24 * 60)
            #expect(try await sequence() == 2)
        }
    }

    @Test func publicVerificationIsRateLimitedPerAddress() async throws {
        let world = try await TestWorld.make()
        try await world.test { anonymous in
            for _ in 0..<30 {
                let answer = try await anonymous.post("/api/verify", ["code": "AAAAA-BBBBB"])
                #expect(answer.status == .ok && answer.object["result"] as? String == "unknown")
            }
            let refused = try await anonymous.post("/api/verify", ["code": "AAAAA-BBBBB"])
            #expect(refused.status == .tooManyRequests && refused.errorCode == "throttled")
            #expect(refused.headers[.retryAfter].flatMap(Int.init).map { $0 >= 1 && $0 <= 60 } == true)
            world.clock.advance(minutes: 1)
            let later = try await anonymous.post("/api/verify", ["code": "AAAAA-BBBBB"])
            #expect(later.status == .ok)
            let malformed = try await anonymous.post("/api/verify", ["code": "not a code"])
            #expect(malformed.status == .badRequest)
            let both = try await anonymous.post("/api/verify", ["code": "AAAAA-BBBBB", "certificate": "x"])
            #expect(both.status == .badRequest)
        }
    }

    @Test func traineesFindNoCertificationRoute() async throws {
        let world = try await TestWorld.make()
        try await Self.storeAttempts(world, "trainee1", mode: .test)
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            let id = world.users["trainee1"]!.id
            for (method, path, body) in [
                (HTTPRequest.Method.get, "/api/certification/policies", nil),
                (.post, "/api/certification/evaluations", ["userId": id] as [String: Any]?),
                (.get, "/api/certification/certificates", nil),
                (.post, "/api/certification/certificates", ["userId": id]),
            ] {
                let answer = try await trainee.request(method, path, json: body)
                #expect(answer.status == .notFound && answer.errorCode == "not-found", "\(path)")
            }
            #expect(try await world.storage.certificates().isEmpty)
        }
    }

    // MARK: Storage

    @Test func theStoreKeepsOnlyTheNextRevocationListOfAKey() async throws {
        let world = try await TestWorld.make()
        defer { removeDatabase(world.path) }
        let time = world.clock.now()
        let list = { (n: Int) in RevocationListRecord(keyId: "00000000000000aa", sequence: n, issuedAt: time, file: [1])
        }
        try await world.storage.saveRevocationList(list(1))
        await #expect(throws: StorageError.self) { try await world.storage.saveRevocationList(list(1)) }
        await #expect(throws: StorageError.self) { try await world.storage.saveRevocationList(list(3)) }
        try await world.storage.saveRevocationList(list(2))
        #expect(try await world.storage.latestRevocationList(keyId: "00000000000000aa")?.sequence == 2)
        #expect(try await world.storage.latestRevocationList(keyId: "00000000000000bb") == nil)
    }
}
