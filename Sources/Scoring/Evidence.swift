import CargoModel

/// An attempt that certification does not count, and why.
public struct IgnoredAttempt: Hashable, Sendable, Codable {
    public enum Reason: String, Hashable, Sendable, Codable {
        /// Made in training mode: the key's feedback was shown, so it is practice, not evidence.
        case trainingMode
        /// The same trainee attempted the same case before: only the first attempt counts.
        case repeatedCase
    }

    public var caseId: String
    /// 1-based line of the attempts file (or the attempt's position when it came from no file).
    public var line: Int
    public var reason: Reason
    /// For `repeatedCase`: the line of the attempt that counts.
    public var countedLine: Int?

    public init(caseId: String, line: Int, reason: Reason, countedLine: Int? = nil) {
        self.caseId = caseId
        self.line = line
        self.reason = reason
        self.countedLine = countedLine
    }
}

/// Which of a subject's attempts certification counts.
///
/// The rule: **test mode only, one attempt per distinct case, the first one**. An attempt made in training
/// mode showed the key's feedback, so it is not evidence of unaided skill; a repeated case is a case the trainee
/// has seen (and in test mode may have had released), so only its first attempt counts. "First" is the attempt
/// begun earliest — its first decision's `shownAt` — with the file order breaking ties, so reordering the file
/// cannot choose which attempt counts. Every attempt left out is listed with its line and reason, never dropped
/// silently.
public struct EvidenceSelection: Hashable, Sendable, Codable {
    public var subject: String
    /// Indexes into the attempts given, of the attempts that count, in the order given.
    public var counted: [Int]
    /// The attempts left out, in the order of their lines.
    public var ignored: [IgnoredAttempt]

    /// Distinct cases counted.
    public var distinctCases: Int { counted.count }
    public var trainingAttempts: Int { ignored.filter { $0.reason == .trainingMode }.count }
    public var repeatedAttempts: Int { ignored.filter { $0.reason == .repeatedCase }.count }

    /// Selects the subject's evidence.
    ///
    /// - Parameters:
    ///   - attempts: attempts with their lines (every trainee's; only the subject's are looked at).
    ///   - subject: the trainee id.
    public static func select(_ attempts: [(attempt: Attempt, line: Int)], subject: String) -> EvidenceSelection {
        var ignored: [IgnoredAttempt] = []
        var firstByCase: [String: Int] = [:]
        func started(_ a: Attempt) -> Int64 { a.decisions.first?.shownAt.millisecondsSinceEpoch ?? Int64.max }
        for (index, entry) in attempts.enumerated() where entry.attempt.traineeId == subject {
            let a = entry.attempt
            guard a.mode == .test else {
                ignored.append(IgnoredAttempt(caseId: a.caseId, line: entry.line, reason: .trainingMode))
                continue
            }
            if let other = firstByCase[a.caseId] {
                let o = attempts[other]
                if started(a) < started(o.attempt) {
                    firstByCase[a.caseId] = index
                    ignored.append(
                        IgnoredAttempt(caseId: a.caseId, line: o.line, reason: .repeatedCase, countedLine: entry.line))
                } else {
                    ignored.append(
                        IgnoredAttempt(caseId: a.caseId, line: entry.line, reason: .repeatedCase, countedLine: o.line))
                }
            } else {
                firstByCase[a.caseId] = index
            }
        }
        // A repeat may have been recorded against an attempt that a still earlier one replaced later on.
        for k in ignored.indices where ignored[k].reason == .repeatedCase {
            ignored[k].countedLine = attempts[firstByCase[ignored[k].caseId]!].line
        }
        return EvidenceSelection(
            subject: subject, counted: firstByCase.values.sorted(), ignored: ignored.sorted { $0.line < $1.line })
    }

    /// Selects with lines 1, 2, 3 … (attempts that came from no file).
    public static func select(_ attempts: [Attempt], subject: String) -> EvidenceSelection {
        select(attempts.enumerated().map { ($1, $0 + 1) }, subject: subject)
    }
}

/// How one trainee's attempts in a file stand as certification evidence (`report` prints it, so that a report
/// over repeated or training attempts says so).
public struct TraineeEvidence: Hashable, Sendable, Codable {
    public var traineeId: String
    public var attempts: Int
    /// Distinct cases attempted in test mode (what certification counts).
    public var distinctTestCases: Int
    public var trainingAttempts: Int
    /// Test-mode attempts of a case the trainee had already attempted in test mode.
    public var repeatedTestAttempts: Int
    /// The lines of the first few repeats (at most 10).
    public var repeatedLines: [Int]

    public init(
        traineeId: String, attempts: Int, distinctTestCases: Int, trainingAttempts: Int, repeatedTestAttempts: Int,
        repeatedLines: [Int]
    ) {
        self.traineeId = traineeId
        self.attempts = attempts
        self.distinctTestCases = distinctTestCases
        self.trainingAttempts = trainingAttempts
        self.repeatedTestAttempts = repeatedTestAttempts
        self.repeatedLines = repeatedLines
    }

    /// Whether every attempt would count for certification.
    public var isClean: Bool { trainingAttempts == 0 && repeatedTestAttempts == 0 }
}
