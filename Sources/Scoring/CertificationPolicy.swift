import CargoModel
import Crypto
import Foundation

/// What a trainee must show (shipped default: `Assets/policies/default.yaml`).
public struct TraineeRequirements: Hashable, Sendable, Codable {
    /// Irregular cases attempted, at least.
    public var minimumConcealmentCases: Int
    /// Clean cases attempted, at least.
    public var minimumCleanCases: Int
    /// Cases of each kind in `kinds` attempted, at least.
    public var minimumCasesPerKind: Int
    /// Concealment kinds that must each be met `minimumCasesPerKind` times (empty: none).
    public var kinds: [AnomalyKind]
    public var minimumHitRate: Double
    public var maximumFalseAlarmRate: Double
    public var minimumDPrime: Double
    /// The lower end of d′'s 95 % interval must reach this (left out: not gated; the shipped policy leaves it
    /// out: `decisionConfidence` sets how the d′ bar itself is compared, and `certify` reports the error rates).
    public var minimumDPrimeLowerBound: Double?
    /// Share of anomalies found on the scans (left out: not required).
    public var minimumLocalisationRate: Double?
    /// d′ bars per decision stage, by stage name (`targeting`, `screening`, `examination`, `evidence`), on that
    /// stage's own hits and false alarms (`StageDetection`); compared as the overall d′ is (`decisionConfidence`).
    /// Left out: no stage is gated on its own.
    public var minimumStageDPrime: [String: Double]? = nil

    public init(
        minimumConcealmentCases: Int, minimumCleanCases: Int, minimumCasesPerKind: Int, kinds: [AnomalyKind],
        minimumHitRate: Double, maximumFalseAlarmRate: Double, minimumDPrime: Double,
        minimumDPrimeLowerBound: Double?, minimumLocalisationRate: Double?
    ) {
        self.minimumConcealmentCases = minimumConcealmentCases
        self.minimumCleanCases = minimumCleanCases
        self.minimumCasesPerKind = minimumCasesPerKind
        self.kinds = kinds
        self.minimumHitRate = minimumHitRate
        self.maximumFalseAlarmRate = maximumFalseAlarmRate
        self.minimumDPrime = minimumDPrime
        self.minimumDPrimeLowerBound = minimumDPrimeLowerBound
        self.minimumLocalisationRate = minimumLocalisationRate
    }
}

/// What a trainer must show on top of the trainee's counts: a higher own bar, agreement with the panel
/// on a calibration round, and a supervised delivery signed off by an expert.
public struct TrainerRequirements: Hashable, Sendable, Codable {
    public var minimumHitRate: Double
    public var maximumFalseAlarmRate: Double
    public var minimumDPrime: Double
    public var minimumDPrimeLowerBound: Double
    /// Cohen's κ against the reference (nominal), at least (Landis & Koch "substantial": 0.61).
    public var minimumKappa: Double
    /// Quadratic weighted κ, at least.
    public var minimumWeightedKappa: Double
    /// Krippendorff's α (ordinal) of the candidate against the panel's reference, at least (Krippendorff: 0.667
    /// tentative, 0.800 reliable). Not α over the panel plus the candidate: the panel's agreement would carry it.
    public var minimumAlpha: Double
    public var requireSupervisedDelivery: Bool
    /// The calibration round must have at least this many items (left out: not gated) …
    public var minimumCalibrationItems: Int? = nil
    /// … drawn from at least this many distinct trainees' attempts (left out: not gated).
    public var minimumCalibrationTrainees: Int? = nil

    public init(
        minimumHitRate: Double, maximumFalseAlarmRate: Double, minimumDPrime: Double,
        minimumDPrimeLowerBound: Double, minimumKappa: Double, minimumWeightedKappa: Double,
        minimumAlpha: Double, requireSupervisedDelivery: Bool, minimumCalibrationItems: Int? = nil,
        minimumCalibrationTrainees: Int? = nil
    ) {
        self.minimumCalibrationItems = minimumCalibrationItems
        self.minimumCalibrationTrainees = minimumCalibrationTrainees
        self.minimumHitRate = minimumHitRate
        self.maximumFalseAlarmRate = maximumFalseAlarmRate
        self.minimumDPrime = minimumDPrime
        self.minimumDPrimeLowerBound = minimumDPrimeLowerBound
        self.minimumKappa = minimumKappa
        self.minimumWeightedKappa = minimumWeightedKappa
        self.minimumAlpha = minimumAlpha
        self.requireSupervisedDelivery = requireSupervisedDelivery
    }
}

/// A versioned certification policy.
public struct CertificationPolicy: Hashable, Sendable, Codable {
    /// Printed on every certificate (`cargosim-2026.1`).
    public var version: String
    /// How long a certificate is valid, in days.
    public var validityDays: Int
    /// The oldest revocation list a verifier accepts, in days before the time of verification (left out: the
    /// standard 30). The issuer must publish a list at least this often (`certificate refresh-list`).
    public var revocationListMaximumAgeDays: Int?
    /// The one-sided confidence of the bounds the hit-rate, false-alarm-rate and d′ gates compare with their
    /// thresholds (left out: 0.5). At 0.5 the bounds are the estimates themselves, so a trainee exactly at the bar
    /// passes about half the time; at 0.975 they are the ends of the 95 % intervals (lower for H and d′, upper
    /// for F), so a trainee at the bar passes about 2.5 % of the time and must be about two standard errors
    /// above it to pass half the time. `certify` reports the resulting false-pass and false-fail rates.
    public var decisionConfidence: Double?
    public var trainee: TraineeRequirements
    public var trainer: TrainerRequirements

    public init(
        version: String, validityDays: Int, revocationListMaximumAgeDays: Int? = nil, decisionConfidence: Double? = nil,
        trainee: TraineeRequirements, trainer: TrainerRequirements
    ) {
        self.version = version
        self.validityDays = validityDays
        self.revocationListMaximumAgeDays = revocationListMaximumAgeDays
        self.decisionConfidence = decisionConfidence
        self.trainee = trainee
        self.trainer = trainer
    }

    /// The limit when a policy leaves it out.
    public static let standardRevocationListMaximumAgeDays = 30

    /// The limit in force.
    public var maximumRevocationListAgeDays: Int {
        revocationListMaximumAgeDays ?? Self.standardRevocationListMaximumAgeDays
    }

    /// The values shipped in `Assets/policies/default.yaml` (kept equal by a test).
    ///
    /// Chosen by the exact operating characteristic (`passProbability`, docs/certification-statistics.md): on
    /// 30 + 30 distinct test cases, an unbiased trainee exactly at the d′ bar of 1.5 passes about half the time
    /// (0.49), one 0.5 above it 0.91 of the time, one 1.0 above it 0.996; 0.5 below the bar 0.075, 1.0 below 0.002.
    public static let standard = CertificationPolicy(
        version: "cargosim-2026.2", validityDays: 730, revocationListMaximumAgeDays: 30, decisionConfidence: 0.5,
        trainee: TraineeRequirements(
            minimumConcealmentCases: 30, minimumCleanCases: 30, minimumCasesPerKind: 2,
            kinds: [], minimumHitRate: 0.70, maximumFalseAlarmRate: 0.30,
            minimumDPrime: 1.5, minimumDPrimeLowerBound: nil, minimumLocalisationRate: nil),
        trainer: TrainerRequirements(
            minimumHitRate: 0.90, maximumFalseAlarmRate: 0.20, minimumDPrime: 2.0,
            minimumDPrimeLowerBound: 1.2, minimumKappa: 0.61, minimumWeightedKappa: 0.61,
            minimumAlpha: 0.667, requireSupervisedDelivery: true, minimumCalibrationItems: 20,
            minimumCalibrationTrainees: 5))

    /// Checks that the policy can be met and makes sense: rates in [0, 1], counts not negative, agreement
    /// thresholds in (−1, 1], d′ thresholds finite, and the trainer's bar at or above the trainee's.
    /// Field paths (`trainee.minimumHitRate`) let a YAML reader point at the line.
    public func validate() -> ValidationReport {
        var r = ValidationReport()
        r.check(
            !version.trimmingCharacters(in: .whitespaces).isEmpty, code: "policy.version", field: "version",
            value: version, "Give the policy a version; certificates cite it.")
        r.check(
            validityDays >= 1 && validityDays <= 3660, code: "policy.validity", field: "validityDays",
            value: "\(validityDays)", "Give a validity between 1 and 3660 days.")
        if let days = revocationListMaximumAgeDays {
            r.check(
                days >= 0 && days <= 3660, code: "policy.revocationListAge", field: "revocationListMaximumAgeDays",
                value: "\(days)", "Give the oldest revocation list accepted as 0 to 3660 days.")
        }
        func rate(_ value: Double?, _ field: String) {
            guard let value else { return }
            r.check(
                value.isFinite && value >= 0 && value <= 1, code: "policy.impossible", field: field, value: "\(value)",
                "A rate lies between 0 and 1; no trainee can meet this threshold.")
        }
        func count(_ value: Int, _ field: String) {
            r.check(
                value >= 0 && value <= 100_000, code: "policy.count", field: field, value: "\(value)",
                "Give a count between 0 and 100000.")
        }
        func dPrime(_ value: Double, _ field: String) {
            r.check(
                value.isFinite && value >= -10 && value <= 10, code: "policy.impossible", field: field,
                value: "\(value)",
                "Give a d′ between −10 and 10 (a perfect score over 1000 cases gives about 6.2).")
        }
        func agreement(_ value: Double, _ field: String) {
            r.check(
                value.isFinite && value > -1 && value <= 1, code: "policy.impossible", field: field, value: "\(value)",
                "Agreement (κ, α) is at most 1; use a threshold above −1 and at most 1 (0.61 is substantial).")
        }
        let t = trainee
        count(t.minimumConcealmentCases, "trainee.minimumConcealmentCases")
        count(t.minimumCleanCases, "trainee.minimumCleanCases")
        count(t.minimumCasesPerKind, "trainee.minimumCasesPerKind")
        rate(t.minimumHitRate, "trainee.minimumHitRate")
        rate(t.maximumFalseAlarmRate, "trainee.maximumFalseAlarmRate")
        rate(t.minimumLocalisationRate, "trainee.minimumLocalisationRate")
        dPrime(t.minimumDPrime, "trainee.minimumDPrime")
        if let bound = t.minimumDPrimeLowerBound { dPrime(bound, "trainee.minimumDPrimeLowerBound") }
        if let confidence = decisionConfidence {
            r.check(
                confidence.isFinite && confidence >= 0.5 && confidence < 1, code: "policy.impossible",
                field: "decisionConfidence", value: "\(confidence)",
                "Give the confidence of the decision bounds from 0.5 (the estimates themselves) to below 1 (0.975: the ends of the 95 % intervals).")
        }
        r.check(
            t.minimumConcealmentCases >= 1 && t.minimumCleanCases >= 1, code: "policy.impossible",
            field: t.minimumConcealmentCases < 1 ? "trainee.minimumConcealmentCases" : "trainee.minimumCleanCases",
            value: "\(min(t.minimumConcealmentCases, t.minimumCleanCases))",
            "d′ needs both concealment and clean cases; ask for at least 1 of each.")
        for (name, value) in t.minimumStageDPrime ?? [:] {
            r.check(
                Stage(rawValue: name) != nil, code: "policy.stage", field: "trainee.minimumStageDPrime",
                value: name, "Name a stage: targeting, screening, examination or evidence.")
            dPrime(value, "trainee.minimumStageDPrime.\(name)")
        }
        r.check(
            t.kinds.count == Set(t.kinds).count, code: "policy.duplicate", field: "trainee.kinds",
            value: t.kinds.map(\.rawValue).joined(separator: ","), "Name each kind once.")
        r.check(
            t.minimumCasesPerKind * t.kinds.count <= max(t.minimumConcealmentCases, 0) || t.kinds.isEmpty
                || t.minimumCasesPerKind == 0,
            code: "policy.inconsistent", field: "trainee.minimumCasesPerKind", value: "\(t.minimumCasesPerKind)",
            "The per-kind minimums add up to more than minimumConcealmentCases; raise that or lower this.")
        let tr = trainer
        rate(tr.minimumHitRate, "trainer.minimumHitRate")
        rate(tr.maximumFalseAlarmRate, "trainer.maximumFalseAlarmRate")
        dPrime(tr.minimumDPrime, "trainer.minimumDPrime")
        dPrime(tr.minimumDPrimeLowerBound, "trainer.minimumDPrimeLowerBound")
        agreement(tr.minimumKappa, "trainer.minimumKappa")
        agreement(tr.minimumWeightedKappa, "trainer.minimumWeightedKappa")
        agreement(tr.minimumAlpha, "trainer.minimumAlpha")
        func above(_ ok: Bool, _ field: String, _ value: Double, _ traineeValue: Double) {
            r.check(
                ok, code: "policy.trainerBelowTrainee", field: field, value: "\(value)",
                "A trainer's own proficiency must be at or above the trainee bar (\(traineeValue)); raise it.")
        }
        above(tr.minimumHitRate >= t.minimumHitRate, "trainer.minimumHitRate", tr.minimumHitRate, t.minimumHitRate)
        above(
            tr.maximumFalseAlarmRate <= t.maximumFalseAlarmRate, "trainer.maximumFalseAlarmRate",
            tr.maximumFalseAlarmRate, t.maximumFalseAlarmRate)
        above(tr.minimumDPrime >= t.minimumDPrime, "trainer.minimumDPrime", tr.minimumDPrime, t.minimumDPrime)
        if let bound = t.minimumDPrimeLowerBound {
            above(
                tr.minimumDPrimeLowerBound >= bound, "trainer.minimumDPrimeLowerBound", tr.minimumDPrimeLowerBound,
                bound)
        }
        return r
    }
}

/// Whether the expert who supervised a delivery passes it.
public enum DeliveryOutcome: String, Hashable, Sendable, Codable, CaseIterable {
    /// The candidate taught the course to standard and may deliver it alone.
    case signedOff
    /// The candidate must deliver again under supervision.
    case furtherSupervision
}

/// An expert's sign-off of a candidate trainer's supervised delivery of the course: the payload the expert
/// signs with their Ed25519 key (`Certificates.signOff`), read back only through `Certificates.verifySignOff`.
public struct SupervisedDelivery: Hashable, Sendable, Codable {
    public var formatVersion: Int
    /// Unique per sign-off (for revocation): 16 hex digits of SHA-256 over the key id, trainer, course and time.
    public var signOffId: String
    /// The expert's signing key id (`SigningIdentity.keyId`).
    public var keyId: String
    /// The expert's id, the candidate trainer's id (the traineeId in their attempts), and the course or
    /// delivery (`Foundation course, Port of Callao, cohort 3`).
    public var expert: String
    public var trainer: String
    public var course: String
    /// The day the supervised delivery ended.
    public var deliveredOn: CalendarDate
    public var outcome: DeliveryOutcome
    /// When the expert signed.
    public var signedAt: Instant

    public init(
        keyId: String, expert: String, trainer: String, course: String, deliveredOn: CalendarDate,
        outcome: DeliveryOutcome, signedAt: Instant
    ) {
        formatVersion = 1
        let seed = "\(keyId)|\(trainer)|\(course)|\(signedAt.millisecondsSinceEpoch)"
        signOffId = Crypto.SHA256.hash(data: Data(seed.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        self.keyId = keyId
        self.expert = expert
        self.trainer = trainer
        self.course = course
        self.deliveredOn = deliveredOn
        self.outcome = outcome
        self.signedAt = signedAt
    }
}

/// A sign-off whose signature was checked against a trusted expert key and that no revocation list names.
/// Only `Certificates.verifySignOff` makes one, so the trainer policy cannot be handed an unchecked sign-off.
public struct VerifiedDelivery: Hashable, Sendable {
    public let signOff: SupervisedDelivery

    init(_ signOff: SupervisedDelivery) { self.signOff = signOff }
}

/// The role a certificate grants.
public enum CertificationRole: String, Hashable, Sendable, Codable, CaseIterable {
    case trainee, trainer
}

/// One requirement checked: its code (`hitRate`), whether it was met, the figure and the threshold.
public struct DecisionReason: Hashable, Sendable, Codable {
    public var code: String
    public var passed: Bool
    /// The candidate's figure, as printed (`0.85`, `31`).
    public var figure: String
    /// The threshold with its comparison (`≥ 0.80`).
    public var threshold: String
}

/// A certification decision with every reason, pass or fail.
public struct CertificationDecision: Hashable, Sendable, Codable {
    public var subject: String
    public var role: CertificationRole
    public var policyVersion: String
    public var granted: Bool
    public var reasons: [DecisionReason]
    /// The figures a certificate carries.
    public var figures: [String: String]
}

private func fixed(_ x: Double?, _ digits: Int = 2) -> String {
    guard let x, x.isFinite else { return "n/a" }
    return String(format: "%.\(digits)f", x)
}

extension CertificationPolicy {
    /// Evaluates a trainee's report against the trainee requirements.
    public func evaluateTrainee(_ report: TraineeReport) -> CertificationDecision {
        var reasons = proficiencyReasons(
            report, hit: trainee.minimumHitRate, falseAlarm: trainee.maximumFalseAlarmRate,
            dPrime: trainee.minimumDPrime, lowerBound: trainee.minimumDPrimeLowerBound)
        reasons.insert(contentsOf: countReasons(report), at: 0)
        for (name, minimum) in (trainee.minimumStageDPrime ?? [:]).sorted(by: { $0.key < $1.key }) {
            let stage = report.byStage?.first { $0.stage.rawValue == name }?.detection
            var reason = stage.map {
                Self.proficiencyReasons(
                    $0, hit: 0, falseAlarm: 1, dPrime: minimum, lowerBound: nil, z: decisionZ,
                    confidence: decisionConfidence ?? 0.5)[2]
            } ?? DecisionReason(code: "", passed: false, figure: "n/a", threshold: "≥ " + fixed(minimum))
            reason.code = "stageDPrime.\(name)"
            reasons.append(reason)
        }
        if let minimum = trainee.minimumLocalisationRate {
            let rate = report.localisation.hitRate
            reasons.append(
                DecisionReason(
                    code: "localisationRate", passed: (rate ?? -1) >= minimum, figure: fixed(rate),
                    threshold: "≥ " + fixed(minimum)))
        }
        return decision(report.traineeId, .trainee, reasons, report)
    }

    /// Evaluates a trainer candidate: trainee counts, the trainer's own bar, calibration agreement, and the
    /// supervised delivery.
    ///
    /// - Parameter delivery: the expert's sign-off as `Certificates.verifySignOff` found it: verified, refused
    ///   (forged, altered, signed by an unknown key, revoked — the reason cites why), or nil when none was given.
    ///   Only a verified sign-off for this trainer with the outcome `signedOff` meets the requirement.
    public func evaluateTrainer(
        _ report: TraineeReport, calibration: CandidateAgreement?, delivery: Result<VerifiedDelivery, CertificateError>?,
        round: CalibrationResults? = nil
    )
        -> CertificationDecision
    {
        var reasons = countReasons(report)
        reasons += proficiencyReasons(
            report, hit: trainer.minimumHitRate, falseAlarm: trainer.maximumFalseAlarmRate,
            dPrime: trainer.minimumDPrime, lowerBound: trainer.minimumDPrimeLowerBound)
        func agreement(_ code: String, _ value: Double?, _ minimum: Double) {
            reasons.append(
                DecisionReason(
                    code: code, passed: (value ?? -2) >= minimum, figure: fixed(value, 3),
                    threshold: "≥ " + fixed(minimum, 3)))
        }
        agreement("kappa", calibration?.kappa, trainer.minimumKappa)
        agreement("weightedKappa", calibration?.weightedKappaQuadratic, trainer.minimumWeightedKappa)
        agreement("alpha", calibration?.alphaWithReference, trainer.minimumAlpha)
        // The round's size counts the items this candidate graded: a missing grade is less evidence, and the
        // figure names the items missing (never dropped silently).
        if let minimum = trainer.minimumCalibrationItems {
            var figure = calibration.map { "\($0.itemsGraded)" } ?? "n/a"
            if let c = calibration, c.itemsMissing > 0 {
                figure += " (\(c.itemsMissing) missing: " + c.missingItems.prefix(5).joined(separator: ", ")
                    + (c.missingItems.count > 5 ? ", …" : "") + ")"
            }
            reasons.append(
                DecisionReason(
                    code: "calibrationItems", passed: (calibration?.itemsGraded ?? -1) >= minimum, figure: figure,
                    threshold: "≥ \(minimum)"))
        }
        if let minimum = trainer.minimumCalibrationTrainees {
            reasons.append(
                DecisionReason(
                    code: "calibrationTrainees", passed: (round?.distinctTrainees ?? -1) >= minimum,
                    figure: round.map { "\($0.distinctTrainees)" } ?? "n/a", threshold: "≥ \(minimum)"))
        }
        if trainer.requireSupervisedDelivery {
            let passed: Bool
            let figure: String
            switch delivery {
            case nil:
                (passed, figure) = (false, "none")
            case .failure(let error)?:
                (passed, figure) = (false, "not accepted: \(error.message)")
            case .success(let verified)?:
                let s = verified.signOff
                if s.trainer != report.traineeId {
                    (passed, figure) = (false, "signed off for \(s.trainer), not \(report.traineeId)")
                } else if s.outcome != .signedOff {
                    (passed, figure) = (false, "further supervision required by \(s.expert) (\(s.deliveredOn))")
                } else {
                    (passed, figure) = (
                        true, "signed off by \(s.expert), key \(s.keyId) (\(s.course), \(s.deliveredOn))"
                    )
                }
            }
            reasons.append(
                DecisionReason(code: "supervisedDelivery", passed: passed, figure: figure, threshold: "signed off"))
        }
        var result = decision(report.traineeId, .trainer, reasons, report)
        result.figures["kappa"] = fixed(calibration?.kappa, 3)
        result.figures["weightedKappa"] = fixed(calibration?.weightedKappaQuadratic, 3)
        result.figures["alpha"] = fixed(calibration?.alphaWithReference, 3)
        return result
    }

    private func countReasons(_ report: TraineeReport) -> [DecisionReason] {
        let c = report.detection.counts
        var reasons = [
            DecisionReason(
                code: "concealmentCases", passed: c.signalTrials >= trainee.minimumConcealmentCases,
                figure: "\(c.signalTrials)", threshold: "≥ \(trainee.minimumConcealmentCases)"),
            DecisionReason(
                code: "cleanCases", passed: c.noiseTrials >= trainee.minimumCleanCases,
                figure: "\(c.noiseTrials)", threshold: "≥ \(trainee.minimumCleanCases)"),
        ]
        for kind in trainee.kinds {
            let n = report.byKind.first { $0.group == kind.rawValue }?.detection.counts.signalTrials ?? 0
            reasons.append(
                DecisionReason(
                    code: "casesOfKind.\(kind.rawValue)", passed: n >= trainee.minimumCasesPerKind,
                    figure: "\(n)", threshold: "≥ \(trainee.minimumCasesPerKind)"))
        }
        return reasons
    }

    /// The z of the one-sided bounds the gates compare (0: the estimates themselves).
    var decisionZ: Double {
        let confidence = decisionConfidence ?? 0.5
        return confidence > 0.5 ? Normal.quantile(confidence) : 0
    }

    private func proficiencyReasons(
        _ report: TraineeReport, hit: Double, falseAlarm: Double, dPrime: Double,
        lowerBound: Double?
    ) -> [DecisionReason] {
        Self.proficiencyReasons(
            report.detection, hit: hit, falseAlarm: falseAlarm, dPrime: dPrime, lowerBound: lowerBound, z: decisionZ,
            confidence: decisionConfidence ?? 0.5)
    }

    /// The hit-rate, false-alarm-rate and d′ gates (and the 95 % lower bound of d′ when asked) on a set of trials.
    /// With z > 0 each gate compares a one-sided bound: the Wilson lower bound of H, the Wilson upper bound of F,
    /// d′ − z·SE(d′) (SE from the Gourevitch & Galanter variance, as the interval); with z = 0 the estimates.
    static func proficiencyReasons(
        _ d: DetectionStatistics, hit: Double, falseAlarm: Double, dPrime: Double, lowerBound: Double?, z: Double,
        confidence: Double
    ) -> [DecisionReason] {
        let c = d.counts
        let bounded = z > 0
        let note = bounded ? " (" + String(format: "%.1f", confidence * 100) + " % bound)" : ""
        var hitFigure = d.hitRate, falseAlarmFigure = d.falseAlarmRate, dPrimeFigure = d.dPrime
        if bounded {
            hitFigure = c.signalTrials > 0 ? DetectionStatistics.wilson(successes: c.hits, trials: c.signalTrials, z: z).lower : nil
            falseAlarmFigure =
                c.noiseTrials > 0
                ? DetectionStatistics.wilson(successes: c.falseAlarms, trials: c.noiseTrials, z: z).upper : nil
            if let e = d.dPrime, let i = d.dPrimeInterval {
                dPrimeFigure = e - z * (i.upper - i.lower) / (2 * DetectionStatistics.z95)
            }
        }
        var reasons = [
            DecisionReason(
                code: "hitRate", passed: (hitFigure ?? -1) >= hit, figure: fixed(hitFigure),
                threshold: "≥ " + fixed(hit) + note),
            DecisionReason(
                code: "falseAlarmRate", passed: (falseAlarmFigure ?? 2) <= falseAlarm, figure: fixed(falseAlarmFigure),
                threshold: "≤ " + fixed(falseAlarm) + note),
            DecisionReason(
                code: "dPrime", passed: (dPrimeFigure ?? -.infinity) >= dPrime, figure: fixed(dPrimeFigure),
                threshold: "≥ " + fixed(dPrime) + note),
        ]
        if let lowerBound {
            reasons.append(
                DecisionReason(
                    code: "dPrimeLowerBound", passed: (d.dPrimeInterval?.lower ?? -.infinity) >= lowerBound,
                    figure: fixed(d.dPrimeInterval?.lower), threshold: "≥ " + fixed(lowerBound)))
        }
        return reasons
    }

    private func decision(
        _ subject: String, _ role: CertificationRole, _ reasons: [DecisionReason], _ report: TraineeReport
    )
        -> CertificationDecision
    {
        let d = report.detection
        let figures: [String: String] = [
            "concealmentCases": "\(d.counts.signalTrials)", "cleanCases": "\(d.counts.noiseTrials)",
            "hits": "\(d.counts.hits)", "falseAlarms": "\(d.counts.falseAlarms)",
            "hitRate": fixed(d.hitRate), "falseAlarmRate": fixed(d.falseAlarmRate), "dPrime": fixed(d.dPrime),
            "dPrimeLower": fixed(d.dPrimeInterval?.lower), "dPrimeUpper": fixed(d.dPrimeInterval?.upper),
            "aPrime": fixed(d.aPrime), "criterion": fixed(d.criterion),
        ]
        return CertificationDecision(
            subject: subject, role: role, policyVersion: version,
            granted: reasons.allSatisfy(\.passed), reasons: reasons, figures: figures)
    }
}
