import CargoModel

/// The signal-detection outcome of one attempt.
public enum DetectionOutcome: String, Sendable, Codable, CaseIterable {
    case hit, miss, falseAlarm, correctRejection

    public init(signal: Bool, alarm: Bool) {
        switch (signal, alarm) {
        case (true, true): self = .hit
        case (true, false): self = .miss
        case (false, true): self = .falseAlarm
        case (false, false): self = .correctRejection
        }
    }

    public var isCorrect: Bool { self == .hit || self == .correctRejection }
}

/// One stage's decision against the key.
public struct StageResult: Hashable, Sendable, Codable {
    public var stage: Stage
    public var chosen: Disposition
    public var best: Disposition
    /// True when the key accepts the disposition (and, for a referral, the agency).
    public var acceptable: Bool
    /// The cost-matrix entry (0 when acceptable).
    public var cost: Double
    /// 1 − cost / worst cost at the stage.
    public var score: Double
    public var responseSeconds: Double
    /// True when the rubric's time limit for the stage was passed.
    public var slow: Bool
}

/// Precision and recall of a set of codes against the key's.
public struct PrecisionRecall: Hashable, Sendable, Codable {
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int

    public init(truePositives: Int, falsePositives: Int, falseNegatives: Int) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
    }

    /// nil when nothing was flagged.
    public var precision: Double? {
        truePositives + falsePositives == 0 ? nil : Double(truePositives) / Double(truePositives + falsePositives)
    }
    /// nil when the key has nothing to find.
    public var recall: Double? {
        truePositives + falseNegatives == 0 ? nil : Double(truePositives) / Double(truePositives + falseNegatives)
    }
    /// F1 = 2TP / (2TP + FP + FN); 1 when there was nothing to find and nothing was flagged.
    public var f1: Double {
        let d = 2 * truePositives + falsePositives + falseNegatives
        return d == 0 ? 1 : Double(2 * truePositives) / Double(d)
    }

    static func of<T: Hashable>(given: Set<T>, expected: Set<T>) -> PrecisionRecall {
        PrecisionRecall(
            truePositives: given.intersection(expected).count, falsePositives: given.subtracting(expected).count,
            falseNegatives: expected.subtracting(given).count)
    }
}

/// Two custody steps taken in the wrong order: `step` came before `shouldFollow`.
public struct OrderViolation: Hashable, Sendable, Codable {
    public var step: EvidenceStep
    public var shouldFollow: EvidenceStep
}

/// The custody record against the key's steps and order.
public struct EvidenceResult: Hashable, Sendable, Codable {
    public var missing: [EvidenceStep]
    public var violations: [OrderViolation]
    /// ½ × share of the key's steps taken + ½ × share of ordered pairs (among steps taken) in order.
    public var score: Double
}

/// Which of the essential examination points were examined.
public struct ExaminationResult: Hashable, Sendable, Codable {
    public var covered: [ExaminationPoint]
    public var missed: [ExaminationPoint]
    /// covered / essential; 1 when the key names none.
    public var coverage: Double
}

/// The parts of a case's score, each in [0, 1]; nil when the part does not apply to the attempt.
public struct PartScores: Hashable, Sendable, Codable {
    public var disposition: Double
    public var localisation: Double?
    public var indicators: Double?
    public var sealFindings: Double?
    public var examination: Double?
    public var evidence: Double?
}

/// An attempt graded against its key under a rubric. This is the grader's record: it holds the key's
/// expectations; what the trainee may see is `feedback`.
public struct Grade: Hashable, Sendable, Codable {
    public var caseId: String
    public var traineeId: String
    public var mode: AttemptMode
    public var rubricVersion: String
    public var signal: Bool
    /// The trainee stopped the box: the last decision taken was not `release`.
    public var alarm: Bool
    public var outcome: DetectionOutcome
    public var stages: [StageResult]
    public var localisation: LocalisationResult?
    public var indicators: PrecisionRecall?
    public var sealFindings: PrecisionRecall?
    public var examination: ExaminationResult?
    public var evidence: EvidenceResult?
    public var parts: PartScores
    /// The weighted score, 0–1.
    public var score: Double
    public var passed: Bool
    /// Sum of the stages' response times.
    public var responseSeconds: Double
    public var feedback: Feedback
}
