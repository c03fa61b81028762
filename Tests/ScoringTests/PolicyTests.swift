import CargoModel
import CaseBundle
import Crypto
import Foundation
import Scoring
import Testing

@Suite struct PolicyReadingTests {
    static let defaultURL = Repository.assets.appendingPathComponent("policies/default.yaml")

    func read(_ yaml: String) throws -> CertificationPolicy {
        try YAMLSpecReader().readDocument(CertificationPolicy.self, yaml: yaml, file: "policy.yaml") { $0.validate() }
    }

    @Test func theShippedDefaultReadsAndEqualsTheBuiltInStandard() throws {
        let policy = try YAMLSpecReader().readDocument(CertificationPolicy.self, fileAt: Self.defaultURL) {
            $0.validate()
        }
        #expect(policy == CertificationPolicy.standard)
        #expect(CertificationPolicy.standard.validate().isValid)
    }

    @Test(arguments: [
        ("  minimumHitRate: 0.70", "  minimumHitRate: 1.2", "trainee.minimumHitRate"),
        ("  maximumFalseAlarmRate: 0.30", "  maximumFalseAlarmRate: -0.1", "trainee.maximumFalseAlarmRate"),
        ("  minimumKappa: 0.61", "  minimumKappa: 1.5", "trainer.minimumKappa"),
        ("  minimumDPrime: 2.0", "  minimumDPrime: 1.0", "trainer.minimumDPrime"),
        ("  minimumCleanCases: 30", "  minimumCleanCases: 0", "trainee.minimumCleanCases"),
        ("validityDays: 730", "validityDays: 0", "validityDays"),
    ])
    func anImpossibleThresholdIsAnErrorNamingTheFieldAndLine(original: String, replacement: String, field: String)
        throws
    {
        let text = try String(contentsOf: Self.defaultURL, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        let lineNumber = try #require(lines.firstIndex { $0.hasPrefix(original) }) + 1
        let changed = text.replacingOccurrences(of: original, with: replacement)
        do {
            _ = try read(changed)
            Issue.record("accepted \(replacement)")
        } catch let errors as BundleErrors {
            let error = try #require(errors.errors.first { $0.field == field }, "\(errors)")
            #expect(error.line == lineNumber)
            #expect(error.file == "policy.yaml")
        }
    }

    @Test func anUnknownKeyOrKindIsNamedWithItsLine() throws {
        do {
            _ = try read("version: x\nvalidityDays: 10\ntrainee:\n  minimumHitRat: 0.5\n")
            Issue.record("accepted a typo")
        } catch let errors as BundleErrors {
            #expect(errors.errors.contains { $0.line == 4 || $0.message.contains("minimum") })
        }
        let text = try String(contentsOf: Self.defaultURL, encoding: .utf8).replacingOccurrences(
            of: "kinds: []", with: "kinds: [ripOnRipOf]")
        #expect(throws: BundleErrors.self) { try read(text) }
    }

    /// Seeded fuzz: byte edits of the default policy never crash the reader; every failure is a BundleErrors.
    @Test func fuzzedPoliciesAreReadOrRefusedNeverCrash() throws {
        let original = Array(try String(contentsOf: Self.defaultURL, encoding: .utf8).utf8)
        var rng = SplitMix64(seed: 77)
        let interesting = Array(":-[]{}#&*!|>'\"\t\n 0123456789.e".utf8)
        for _ in 0..<400 {
            var bytes = original
            for _ in 0...(rng.next() % 3) {
                let k = Int(rng.next() % UInt64(bytes.count))
                if rng.next() % 2 == 0 {
                    bytes[k] = interesting[Int(rng.next() % UInt64(interesting.count))]
                } else {
                    bytes.remove(at: k)
                }
            }
            do {
                let policy = try read(String(decoding: bytes, as: UTF8.self))
                #expect(policy.validate().isValid)
            } catch is BundleErrors {
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
    }
}

@Suite struct PolicyDecisionTests {
    let base = summaries("T1", hits: 26, misses: 4, falseAlarms: 5, correctRejections: 25, kind: .ripOnRipOff)
    var report: TraineeReport { Scoring.report("T1", base) }

    func reason(_ decision: CertificationDecision, _ code: String) -> DecisionReason? {
        decision.reasons.first { $0.code == code }
    }

    /// For each threshold: set it just past the trainee's figure (refused, that reason fails) and just short
    /// of it (granted), all else equal.
    @Test(arguments: [
        "hitRate", "falseAlarmRate", "dPrime", "dPrimeLowerBound", "concealmentCases", "cleanCases", "casesOfKind",
    ])
    func aTraineeJustBelowIsRefusedAndJustAboveIsGranted(code: String) throws {
        let d = report.detection
        func policy(_ delta: Double) -> CertificationPolicy {
            var p = CertificationPolicy.standard
            p.trainee = TraineeRequirements(
                minimumConcealmentCases: 1, minimumCleanCases: 1, minimumCasesPerKind: 0,
                kinds: [], minimumHitRate: 0, maximumFalseAlarmRate: 1, minimumDPrime: -5,
                minimumDPrimeLowerBound: -5, minimumLocalisationRate: nil)
            switch code {
            case "hitRate": p.trainee.minimumHitRate = d.hitRate! + delta
            case "falseAlarmRate": p.trainee.maximumFalseAlarmRate = d.falseAlarmRate! - delta
            case "dPrime": p.trainee.minimumDPrime = d.dPrime! + delta
            case "dPrimeLowerBound": p.trainee.minimumDPrimeLowerBound = d.dPrimeInterval!.lower + delta
            case "concealmentCases": p.trainee.minimumConcealmentCases = 30 + (delta > 0 ? 1 : 0)
            case "cleanCases": p.trainee.minimumCleanCases = 30 + (delta > 0 ? 1 : 0)
            default:
                p.trainee.kinds = [.ripOnRipOff]
                p.trainee.minimumCasesPerKind = 30 + (delta > 0 ? 1 : 0)
                p.trainee.minimumConcealmentCases = 30
            }
            return p
        }
        let below = policy(1e-6).evaluateTrainee(report), above = policy(-1e-6).evaluateTrainee(report)
        let key = code == "casesOfKind" ? "casesOfKind.ripOnRipOff" : code
        #expect(!below.granted && reason(below, key)?.passed == false)
        #expect(below.reasons.filter { !$0.passed }.map(\.code) == [key])
        #expect(above.granted && above.reasons.allSatisfy { $0.passed })
    }

    @Test func everyReasonCitesItsFigureAndThreshold() throws {
        let decision = CertificationPolicy.standard.evaluateTrainee(report)
        let hit = try #require(reason(decision, "hitRate"))
        #expect(hit.figure == "0.87" && hit.threshold == "≥ 0.70")
        // The shipped policy gates d′ itself at the bar (decisionConfidence 0.5), not the interval's lower end.
        #expect(
            decision.reasons.map(\.code) == ["concealmentCases", "cleanCases", "hitRate", "falseAlarmRate", "dPrime"])
        #expect(decision.figures["dPrime"] == String(format: "%.2f", report.detection.dPrime!))
    }

    @Test func aTrainerNeedsAgreementAndASignedOffDelivery() throws {
        let strong = Scoring.report("T9", summaries("T9", hits: 29, misses: 1, falseAlarms: 2, correctRejections: 28))
        var agreement = CandidateAgreement(
            candidate: "T9", itemsGraded: 20, itemsMissing: 0, kappa: 0.7, weightedKappaLinear: 0.75,
            weightedKappaQuadratic: 0.8, alphaNominal: 0.68, alphaOrdinal: 0.7, meanBias: 0, departures: [])
        agreement.alphaWithReference = 0.7
        let round = CalibrationResults(
            roundId: "r", rubricVersion: "x", scale: ["a", "b"], reference: [:], panelAlphaOrdinal: nil,
            allAlphaNominal: nil, allAlphaOrdinal: nil, candidates: [agreement], itemCount: 20, distinctTrainees: 5)
        let expert = SignOffTests.expert
        let signed = Certificates.signOff(
            SignOffTests.signOff(trainer: "T9", keyId: expert.keyId), with: expert)
        let delivery = Result { () throws(CertificateError) in
            try Certificates.verifySignOff(signed, trustedKeys: [expert.publicKey], now: SignOffTests.later)
        }
        let policy = CertificationPolicy.standard
        #expect(policy.evaluateTrainer(strong, calibration: agreement, delivery: delivery, round: round).granted)
        let unsigned = policy.evaluateTrainer(strong, calibration: agreement, delivery: nil, round: round)
        #expect(!unsigned.granted && unsigned.reasons.filter { !$0.passed }.map(\.code) == ["supervisedDelivery"])
        var weak = agreement
        weak.kappa = 0.6
        let disagreeing = policy.evaluateTrainer(strong, calibration: weak, delivery: delivery, round: round)
        #expect(disagreeing.reasons.filter { !$0.passed }.map(\.code) == ["kappa"])
        // A trainee-level d′ is not enough for a trainer.
        let traineeLevel = Scoring.report(
            "T9", summaries("T9", hits: 26, misses: 4, falseAlarms: 5, correctRejections: 25))
        #expect(!policy.evaluateTrainer(traineeLevel, calibration: agreement, delivery: delivery, round: round).granted)
        #expect(policy.evaluateTrainee(traineeLevel).granted)
    }

    @Test func aTrainerBarBelowTheTraineeBarIsRefused() {
        var p = CertificationPolicy.standard
        p.trainer.minimumHitRate = 0.5
        #expect(p.validate().errors.map(\.field) == ["trainer.minimumHitRate"])
    }
}

@Suite struct RubricReadingTests {
    @Test func theShippedRubricReadsAndEqualsTheBuiltInStandard() throws {
        let url = Repository.assets.appendingPathComponent("rubrics/default.yaml")
        let rubric = try YAMLSpecReader().readDocument(Rubric.self, fileAt: url) { $0.validate() }
        #expect(rubric == Rubric.standard)
    }

    @Test func aRubricWithAnImpossibleThresholdIsNamedByFieldAndLine() throws {
        let url = Repository.assets.appendingPathComponent("rubrics/default.yaml")
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(
            of: "iouThreshold: 0.3", with: "iouThreshold: 3")
        let line = try #require(text.components(separatedBy: "\n").firstIndex { $0.contains("iouThreshold: 3") }) + 1
        do {
            _ = try YAMLSpecReader().readDocument(Rubric.self, yaml: text, file: "r.yaml") { $0.validate() }
            Issue.record("accepted an IoU threshold of 3")
        } catch let errors as BundleErrors {
            #expect(errors.errors.first?.field == "localisation.iouThreshold" && errors.errors.first?.line == line)
        }
    }
}
