import CargoModel
import Foundation
import Scoring
import Storage

/// What `POST /api/certification/evaluations` answers: a person's certification against a policy, decided from the
/// database by Scoring (`EvidenceSelection`, `report`, `stageDetection`, `CertificationPolicy.evaluateTrainee`,
/// `traineeDecisionAccuracy`, `formReliability`), with every reason, its figure and its threshold. Nothing here
/// computes a statistic of its own.
struct CertificationEvaluation: Codable, Sendable {
    struct Subject: Codable, Sendable {
        var userId: Int64
        var username: String
        var displayName: String
    }

    /// A graded attempt that certification does not count, and why (`trainingMode`, `repeatedCase`).
    struct Ignored: Codable, Sendable {
        var assignmentId: Int64
        var caseId: String
        var reason: String
        /// For a repeated case: the assignment whose attempt counts.
        var countedAssignmentId: Int64?
    }

    struct Evidence: Codable, Sendable {
        /// Distinct cases counted (first test-mode attempt of each).
        var distinctCases: Int
        var concealmentCases: Int
        var cleanCases: Int
        var ignored: [Ignored]
    }

    var subject: Subject
    var role: CertificationRole
    /// The policy's name (its file in `Assets/policies/` without `.yaml`) and version.
    var policy: String
    var policyVersion: String
    var granted: Bool
    var reasons: [DecisionReason]
    /// The figures a certificate carries.
    var figures: [String: String]
    var evidence: Evidence
    /// Signal detection of each decision stage on the counted attempts.
    var byStage: [StageDetection]
    /// The policy's exact error rates on a form of this size: false pass, false fail, P(pass) at the bar.
    var accuracy: DecisionAccuracy
    /// KR-20 of the subject's form over the people in the database who took every case of it in test mode.
    var reliability: FormReliability
    /// The rubric the attempts were graded under, and the mean score.
    var rubric: String
    var meanScore: Double
    /// A trainer's agreement with the panel's reference on the calibration round given (bootstrap intervals,
    /// missing grades); absent for a trainee.
    var calibration: CandidateAgreement?
    var evaluatedAt: Instant

    /// One graded case of a person, as stored.
    struct Graded: Sendable {
        var assignmentId: Int64
        var courseId: String
        var attempt: Attempt
        var grade: Grade
    }

    /// Decides the evaluation from the subject's graded cases (`graded`, every mode, in the order stored) and the
    /// test-mode graded cases of everyone (`cohort`, by username, for the form's reliability).
    ///
    /// - Parameters:
    ///   - keys: the answer key of each counted case, by `courseId/caseId`.
    ///   - vantages: the vantage of each counted case, by `courseId/caseId`.
    ///   - role: `trainee` (`evaluateTrainee`), or `trainer` with the candidate's agreement on a calibration round,
    ///     the round, and the supervised delivery's sign-off as `Certificates.verifySignOff` found it
    ///     (`evaluateTrainer`).
    /// - Returns: nil when no attempt counts (only training attempts, or none at all).
    static func make(
        subject: Subject, policyName: String, policy: CertificationPolicy, graded: [Graded],
        cohort: [String: [Graded]], keys: [String: AnswerKey], vantages: [String: Vantage], role: Role = .trainee,
        at time: Instant
    ) -> CertificationEvaluation? {
        let selection = EvidenceSelection.select(
            graded.enumerated().map { ($1.attempt, $0 + 1) }, subject: subject.username)
        guard !selection.counted.isEmpty else { return nil }
        let ignored = selection.ignored.map { entry in
            Ignored(
                assignmentId: graded[entry.line - 1].assignmentId, caseId: entry.caseId, reason: entry.reason.rawValue,
                countedAssignmentId: entry.countedLine.map { graded[$0 - 1].assignmentId })
        }
        let counted = selection.counted.map { graded[$0] }
        var summaries: [AttemptSummary] = []
        for (sequence, item) in counted.enumerated() {
            let id = item.courseId + "/" + item.grade.caseId
            guard let key = keys[id] else { continue }
            summaries.append(AttemptSummary(grade: item.grade, key: key, vantage: vantages[id], sequence: sequence))
        }
        var report = Scoring.report(subject.username, summaries)
        report.byStage = stageDetection(counted.map(\.grade))
        let decision: CertificationDecision
        var agreement: CandidateAgreement?
        switch role {
        case .trainee:
            decision = policy.evaluateTrainee(report)
        case .trainer(let calibration, let round, let delivery):
            decision = policy.evaluateTrainer(report, calibration: calibration, delivery: delivery, round: round)
            agreement = calibration
        }
        let counts = report.detection.counts
        let form = counted.map(\.grade.caseId)
        var answers: [[Bool]] = []
        for (_, items) in cohort.sorted(by: { $0.key < $1.key }) {
            guard let username = items.first?.attempt.traineeId else { continue }
            let chosen = EvidenceSelection.select(items.map(\.attempt), subject: username).counted.map { items[$0] }
            let right = Dictionary(
                chosen.map { ($0.grade.caseId, $0.grade.signal == $0.grade.alarm) }, uniquingKeysWith: { a, _ in a })
            guard form.allSatisfy({ right[$0] != nil }) else { continue }
            answers.append(form.map { right[$0]! })
        }
        var figures = decision.figures
        figures["rubric"] = counted.first?.grade.rubricVersion ?? ""
        figures["meanScore"] = String(format: "%.2f", report.meanScore)
        return CertificationEvaluation(
            subject: subject, role: decision.role, policy: policyName, policyVersion: policy.version,
            granted: decision.granted, reasons: decision.reasons, figures: figures,
            evidence: Evidence(
                distinctCases: selection.distinctCases, concealmentCases: counts.signalTrials,
                cleanCases: counts.noiseTrials, ignored: ignored),
            byStage: report.byStage ?? [],
            accuracy: policy.traineeDecisionAccuracy(
                concealmentCases: counts.signalTrials, cleanCases: counts.noiseTrials),
            reliability: formReliability(answers), rubric: figures["rubric"] ?? "", meanScore: report.meanScore,
            calibration: agreement, evaluatedAt: time)
    }

    /// What the decision is about: a trainee, or a trainer with the evidence only a trainer brings.
    enum Role {
        case trainee
        /// The candidate's agreement (nil: they are not in the round), the round, and the sign-off (nil: none given).
        case trainer(
            calibration: CandidateAgreement?, round: CalibrationResults,
            delivery: Result<VerifiedDelivery, CertificateError>?)
    }
}
