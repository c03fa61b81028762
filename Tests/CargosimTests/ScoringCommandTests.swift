import Foundation
import Testing

/// `certify --rubric`, `signoff sign|verify` and a trainer's certification with a signed sign-off, end to end.
@Suite(.serialized) struct ScoringCommandTests {
    /// A paperwork-only course, a simulated cohort with a calibration round, and an expert's key.
    static func prepare(_ box: Sandbox) throws {
        try box.generateFoundationCourse()
        let simulated = try box.cargosim(
            "simulate-cohort", "--course", "course", "--trainees", "4", "--seed", "3", "--out", "attempts.jsonl",
            "--calibration-out", "round.json")
        try #require(simulated.succeeded, "\(simulated)")
        for name in ["expert", "stranger", "centre"] {
            let keys = try box.cargosim("keys", "init", "--out", "keys", "--name", name)
            try #require(keys.succeeded, "\(keys)")
            let mode = try FileManager.default.attributesOfItem(atPath: box.path("keys/\(name).key").path)[
                .posixPermissions] as? Int
            #expect(mode == 0o600, "the signing key is the owner's alone")
        }
    }

    @Test func certifyGradesUnderTheRubricGivenAndTheCertificateCitesIt() throws {
        try Sandbox.with { box in
            try Self.prepare(box)
            let shipped = try String(
                contentsOf: Checkout.assets.appendingPathComponent("rubrics/default.yaml"), encoding: .utf8)
            // The centre's own rubric: another version, and only the disposition counts.
            let strict = shipped.replacingOccurrences(
                of: "version: cargosim-default-1", with: "version: centre-strict-2"
            )
            .replacingOccurrences(of: "localisation: 0.15", with: "localisation: 0")
            .replacingOccurrences(of: "indicators: 0.1", with: "indicators: 0")
            #expect(strict != shipped)
            _ = try box.write(strict, to: "strict.yaml")
            let shippedPolicy = Checkout.assets.appendingPathComponent("policies/default.yaml").path
            func certify(_ extra: [String], policy: String = shippedPolicy) throws -> CommandResult {
                try box.cargosim(
                    [
                        "certify", "--attempts", "attempts.jsonl", "--keys", "course/keys", "--subject", "T001",
                        "--policy", policy, "--lang", "en",
                    ] + extra)
            }
            let standard = try certify([])
            let custom = try certify(["--rubric", "strict.yaml"])
            #expect(standard.stdout.contains("Graded under rubric cargosim-default-1"), "\(standard)")
            #expect(custom.stdout.contains("Graded under rubric centre-strict-2"), "\(custom)")
            // Sign the decision (granted or not, a refused one exits 1 and writes nothing).
            let signed = try certify(
                ["--rubric", "strict.yaml", "--signing-key", "keys/centre.key", "--out", "T001.cert"],
                policy: try Self.lenientPolicy(box).path)
            #expect(signed.succeeded, "\(signed)")
            // Without a revocation list the signature is good but revocation is unknown: said, exit 2.
            let unchecked = try box.cargosim("certificate", "verify", "T001.cert", "--public-key", "keys/centre.pub")
            #expect(unchecked.status == 2 && unchecked.stdout.contains("REVOCATION NOT CHECKED"), "\(unchecked)")
            let published = try box.cargosim(
                "certificate", "refresh-list", "--signing-key", "keys/centre.key", "--revocations", "centre.revoked")
            #expect(published.succeeded && published.stdout.contains("no. 1"), "\(published)")
            let verified = try box.cargosim(
                "certificate", "verify", "T001.cert", "--public-key", "keys/centre.pub", "--revocations",
                "centre.revoked")
            #expect(verified.succeeded && verified.stdout.contains("VALID: "), "\(verified)")
            #expect(verified.stdout.contains("revocation list no. 1"), "\(verified)")
            // Revoked: the list's number goes up and the certificate is refused.
            let revoked = try box.cargosim(
                "certificate", "revoke", "T001.cert", "--signing-key", "keys/centre.key", "--revocations",
                "centre.revoked", "--reason", "issued in error")
            #expect(revoked.succeeded && revoked.stdout.contains("no. 2"), "\(revoked)")
            let refused = try box.cargosim(
                "certificate", "verify", "T001.cert", "--public-key", "keys/centre.pub", "--revocations",
                "centre.revoked")
            #expect(refused.status == 1 && refused.stderr.contains("revoked"), "\(refused)")
            #expect(verified.stdout.contains("rubric: centre-strict-2"), "\(verified)")
            #expect(verified.stdout.contains("meanScore: "), "\(verified)")
            // A broken rubric is refused naming its field and line.
            _ = try box.write(
                shipped.replacingOccurrences(of: "iouThreshold: 0.3", with: "iouThreshold: 3"), to: "bad.yaml")
            let bad = try certify(["--rubric", "bad.yaml"])
            #expect(!bad.succeeded)
            #expect(bad.stderr.contains("bad.yaml") && bad.stderr.contains("iouThreshold"), "\(bad)")
        }
    }

    /// Issue 19: repeated attempts and training attempts are not evidence. The file of T001's attempts three times
    /// over, and once more in training mode, certifies on exactly the figures of the file with each once, and
    /// `certify` and `report` say what they left out, with the lines.
    @Test func certifyCountsEachTestCaseOnceAndSaysWhatItLeftOut() throws {
        try Sandbox.with { box in
            try Self.prepare(box)
            let text = String(decoding: try Data(contentsOf: box.path("attempts.jsonl")), as: UTF8.self)
            let own = text.split(separator: "\n").map(String.init).filter { $0.contains("\"traineeId\":\"T001\"") }
            try #require(own.count > 4)
            let training = own.map { $0.replacingOccurrences(of: "\"mode\":\"test\"", with: "\"mode\":\"training\"") }
            _ = try box.write(own.joined(separator: "\n") + "\n", to: "once.jsonl")
            _ = try box.write((own + own + own + training).joined(separator: "\n") + "\n", to: "gamed.jsonl")
            func certify(_ file: String) throws -> CommandResult {
                try box.cargosim(
                    "certify", "--attempts", file, "--keys", "course/keys", "--subject", "T001", "--lang", "en")
            }
            func reasons(_ result: CommandResult) -> [String] {
                result.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("  [") }
            }
            let once = try certify("once.jsonl"), gamed = try certify("gamed.jsonl")
            #expect(!reasons(once).isEmpty, "\(once)")
            #expect(reasons(gamed) == reasons(once), "\(gamed)")
            #expect(gamed.stdout.contains("Evidence: \(own.count) distinct cases"), "\(gamed)")
            #expect(gamed.stdout.contains("Not counted: gamed.jsonl:\(own.count + 1): case"), "\(gamed)")
            #expect(gamed.stdout.contains("only its first attempt counts (line 1)"), "\(gamed)")
            #expect(gamed.stdout.contains("Not counted: gamed.jsonl:\(3 * own.count + 1): case"), "\(gamed)")
            #expect(gamed.stdout.contains("training mode"), "\(gamed)")
            // Only training attempts: refused, saying why.
            _ = try box.write(training.joined(separator: "\n") + "\n", to: "training.jsonl")
            let practice = try certify("training.jsonl")
            #expect(!practice.succeeded && practice.stderr.contains("test mode"), "\(practice)")
            // `report` counts every attempt but says which are not evidence, with their lines.
            let report = try box.cargosim("report", "gamed.jsonl", "--keys", "course/keys", "--lang", "en")
            #expect(report.succeeded, "\(report)")
            #expect(report.stderr.contains("T001: \(4 * own.count) attempts, \(own.count) distinct cases"), "\(report)")
            #expect(report.stderr.contains("lines \(own.count + 1), "), "\(report)")
            // Per decision stage, each stage's own signal detection (issue 19, part 3).
            #expect(report.stdout.contains("By decision stage") && report.stdout.contains("Targeting"), "\(report)")
            let json = try box.cargosim("report", "once.jsonl", "--keys", "course/keys", "--format", "json")
            #expect(json.succeeded && json.stdout.contains("\"byStage\""), "\(json)")
        }
    }

    /// Issue 19: every refusal names the file, the line, the field and the value read.
    @Test func gradeReportAndCertifyNameFileLineFieldAndValue() throws {
        try Sandbox.with { box in
            try Self.prepare(box)
            let text = String(decoding: try Data(contentsOf: box.path("attempts.jsonl")), as: UTF8.self)
            var lines = text.split(separator: "\n").map(String.init)
            let caseId = try #require(lines[1].split(separator: "\"").dropFirst(3).first).description
            lines[1] = lines[1].replacingOccurrences(of: "\"caseId\":\"\(caseId)\"", with: "\"caseId\":\"NO-SUCH-CASE\"")
            _ = try box.write(lines.joined(separator: "\n") + "\n", to: "unknown.jsonl")
            for command in [["grade", "unknown.jsonl"], ["report", "unknown.jsonl"]] {
                let result = try box.cargosim(command + ["--keys", "course/keys"])
                #expect(!result.succeeded)
                #expect(
                    result.stderr.contains("unknown.jsonl:2: error: caseId: No answer key")
                        && result.stderr.contains("(value: \"NO-SUCH-CASE\")"), "\(command): \(result)")
                #expect(!result.stderr.contains("NO-SUCH-CASE.json:"), "not reported against a key file that does not exist")
            }
            // A bad time names the time read, and the field, with the line.
            lines = text.split(separator: "\n").map(String.init)
            let time = try #require(lines[2].range(of: #""shownAt":"[^"]*""#, options: .regularExpression))
            lines[2].replaceSubrange(time, with: "\"shownAt\":\"2026-02-30T10:00:00Z\"")
            _ = try box.write(lines.joined(separator: "\n") + "\n", to: "time.jsonl")
            let subject = lines[2].contains("\"T001\"") ? "T001" : "T002"
            let certify = try box.cargosim(
                "certify", "--attempts", "time.jsonl", "--keys", "course/keys", "--subject", subject)
            #expect(!certify.succeeded)
            #expect(
                certify.stderr.contains("time.jsonl:3: error: decisions[0].shownAt: ")
                    && certify.stderr.contains("(value: \"2026-02-30T10:00:00Z\")"), "\(certify)")
        }
    }

    /// The shipped policy with every bar lowered to nothing, so that any simulated trainee is certified.
    static func lenientPolicy(_ box: Sandbox) throws -> URL {
        let text = try String(
            contentsOf: Checkout.assets.appendingPathComponent("policies/default.yaml"), encoding: .utf8)
        let values = [
            "minimumConcealmentCases": "1", "minimumCleanCases": "1", "minimumCasesPerKind": "0",
            "minimumHitRate": "0", "maximumFalseAlarmRate": "1", "minimumDPrime": "-10",
            "minimumDPrimeLowerBound": "-10",
        ]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop { $0 == " " }
            guard let colon = trimmed.firstIndex(of: ":"), let value = values[String(trimmed[..<colon])] else {
                return String(line)
            }
            return String(line.prefix(line.count - trimmed.count)) + trimmed[..<colon] + ": " + value
        }
        return try box.write(lines.joined(separator: "\n"), to: "lenient.yaml")
    }

    @Test func anExpertSignsADeliveryOffAndOnlyATrustedKeyMakesItCount() throws {
        try Sandbox.with { box in
            try Self.prepare(box)
            let sign = try box.cargosim(
                "signoff", "sign", "--signing-key", "keys/expert.key", "--expert", "E-ROSSI", "--trainer", "T001",
                "--course", "Foundation course, Callao, cohort 3", "--delivered-on", "2026-10-17", "--out",
                "T001.signoff")
            try #require(sign.succeeded, "\(sign)")
            let good = try box.cargosim("signoff", "verify", "T001.signoff", "--expert-key", "keys/expert.pub")
            #expect(good.succeeded && good.stdout.contains("VALID: signedOff"), "\(good)")
            let unknown = try box.cargosim("signoff", "verify", "T001.signoff", "--expert-key", "keys/stranger.pub")
            #expect(!unknown.succeeded && unknown.stderr.contains("trusted"), "\(unknown)")
            // An altered file fails.
            let text = String(decoding: try Data(contentsOf: box.path("T001.signoff")), as: UTF8.self)
                .replacingOccurrences(of: "T001", with: "T002")
            _ = try box.write(text, to: "T002.signoff")
            let altered = try box.cargosim("signoff", "verify", "T002.signoff", "--expert-key", "keys/expert.pub")
            #expect(!altered.succeeded, "\(altered)")
            // No key at all: told what to give.
            let keyless = try box.cargosim("signoff", "verify", "T001.signoff")
            #expect(!keyless.succeeded && keyless.stderr.contains("--expert-key"), "\(keyless)")

            func trainer(_ extra: [String]) throws -> CommandResult {
                try box.cargosim(
                    [
                        "certify", "--attempts", "attempts.jsonl", "--keys", "course/keys", "--subject", "T001",
                        "--role", "trainer", "--calibration", "round.json", "--candidate", "candidate-A", "--lang",
                        "en",
                    ] + extra)
            }
            let trusted = try trainer(["--delivery", "T001.signoff", "--expert-key", "keys/expert.pub"])
            let deliveryLine = trusted.stdout.split(separator: "\n").first { $0.contains("Supervised delivery") }
            #expect(deliveryLine?.contains("[✓]") == true && deliveryLine?.contains("E-ROSSI") == true, "\(trusted)")
            let untrusted = try trainer(["--delivery", "T001.signoff", "--expert-key", "keys/stranger.pub"])
            let refusedLine = untrusted.stdout.split(separator: "\n").first { $0.contains("Supervised delivery") }
            #expect(
                refusedLine?.contains("[✗]") == true && refusedLine?.contains("not accepted") == true, "\(untrusted)")
            #expect(!untrusted.succeeded)
            // Withdrawn by the expert: no longer counts.
            let id = try #require(
                sign.stdout.split(separator: " ").dropFirst().first.map(String.init), "\(sign)")
            let revoke = try box.cargosim(
                "certificate", "revoke", id, "--signing-key", "keys/expert.key", "--revocations", "expert.revoked",
                "--reason", "delivered again")
            try #require(revoke.succeeded, "\(revoke)")
            let withdrawn = try box.cargosim(
                "signoff", "verify", "T001.signoff", "--expert-key", "keys/expert.pub", "--expert-revocations",
                "expert.revoked")
            #expect(!withdrawn.succeeded && withdrawn.stderr.contains("withdrew"), "\(withdrawn)")
            // --delivery without a trusted key is refused before anything is graded.
            let noKey = try trainer(["--delivery", "T001.signoff"])
            #expect(!noKey.succeeded && noKey.stderr.contains("--expert-key"), "\(noKey)")
        }
    }
}
