import CargoModel

/// Which stages of a case a trainee may see and decide, from the stages decided so far.
///
/// A pure state machine: a stage opens only when every earlier stage of the case is decided; the current
/// stage is the first undecided one; the case is finished when every stage is decided. The server asks it
/// before showing anything and before recording a decision.
public struct StageGate: Hashable, Sendable {
    /// The case's stages, in order.
    public let stages: [Stage]
    /// The stages decided so far, in order (always a prefix of `stages`).
    public private(set) var decided: [Stage]

    public init(stages: [Stage], decided: [Stage]) {
        self.stages = stages
        // Only the in-order prefix counts; storage guarantees it, and the gate does not trust otherwise.
        var prefix: [Stage] = []
        for (stage, given) in zip(stages, decided) {
            guard stage == given else { break }
            prefix.append(stage)
        }
        self.decided = prefix
    }

    /// The stage to decide now; nil once the case is finished.
    public var current: Stage? { decided.count < stages.count ? stages[decided.count] : nil }

    public var isFinished: Bool { current == nil }

    /// True when the stage's material may be shown: it is decided or current.
    public func isOpen(_ stage: Stage) -> Bool {
        guard let index = stages.firstIndex(of: stage) else { return false }
        return index <= decided.count
    }

    /// What deciding `stage` now leads to.
    public enum Step: Hashable, Sendable {
        /// Recorded; `next` opens (nil: the case is finished).
        case accepted(next: Stage?)
        /// Already decided: a second submission.
        case alreadyDecided
        /// Not the current stage (a later one, or one the case does not have).
        case notOpen
    }

    /// Decides `stage`: the step to take, and the gate moves on when accepted.
    public mutating func decide(_ stage: Stage) -> Step {
        if decided.contains(stage) { return .alreadyDecided }
        guard stage == current else { return .notOpen }
        decided.append(stage)
        return .accepted(next: current)
    }
}
