import CargoModel
import Scoring
import Storage

/// What `GET /api/groups/{gid}/progress` answers: who is on which case and stage, how many cases each trainee
/// submitted, and how long the stages take, from the class's activity (stages shown and decided) at one instant.
///
/// A pure function of its inputs (`init`), so that tests build it from made-up activity with a fixed clock.
struct ClassProgress: Encodable {
    struct CaseColumn: Encodable {
        var caseId: String
        var position: Int
        var stages: [Stage]
    }

    /// One case a trainee has opened (cases never opened are left out).
    struct CaseCell: Encodable {
        var caseId: String
        /// `in-progress`, `submitted` or `timed-out` (the window closed, or a test case's time ran out).
        var status: String
        var currentStage: Stage?
        var decided: [Stage]
        /// Seconds from each decided stage's first showing to its decision, by stage name.
        var seconds: [String: Double]
        var startedAt: Instant
        var submittedAt: Instant?
    }

    struct Current: Encodable {
        var caseId: String
        var stage: Stage
        /// When this stage was first shown.
        var since: Instant?
    }

    struct TraineeProgress: Encodable {
        var userId: Int64
        var username: String
        var displayName: String
        var assignmentId: Int64
        var submittedCount: Int
        var startedCount: Int
        /// The case open now: the latest one shown that still takes decisions.
        var current: Current?
        var lastActivityAt: Instant?
        var cases: [CaseCell]
    }

    /// The class's time on one stage: decided stages and the trainees on it now.
    struct StageTime: Encodable {
        var stage: Stage
        var decided: Int
        var medianSeconds: Double?
        var meanSeconds: Double?
        var working: Int
    }

    var groupId: Int64
    var at: Instant
    var caseCount: Int
    var submitted: Int
    var inProgress: Int
    var cases: [CaseColumn]
    var trainees: [TraineeProgress]
    var stageTimes: [StageTime]

    /// The people of the class, as the server knows them.
    struct Person {
        var username: String
        var displayName: String
    }

    init(
        group: AssignmentGroup, activity: GroupActivity, cases: [(caseId: String, stages: [Stage])],
        people: [Int64: Person], at now: Instant
    ) {
        groupId = group.id
        at = now
        caseCount = cases.count
        self.cases = cases.enumerated().map { CaseColumn(caseId: $1.caseId, position: $0, stages: $1.stages) }
        let stagesOf = Dictionary(cases.map { ($0.caseId, $0.stages) }, uniquingKeysWith: { a, _ in a })
        struct Key: Hashable {
            var assignmentId: Int64
            var caseId: String
        }
        var shown: [Key: [Stage: Instant]] = [:]
        var decided: [Key: [(Stage, Instant)]] = [:]
        for e in activity.shown {
            shown[Key(assignmentId: e.assignmentId, caseId: e.caseId), default: [:]][e.stage] = e.at
        }
        for e in activity.decided {
            decided[Key(assignmentId: e.assignmentId, caseId: e.caseId), default: []].append((e.stage, e.at))
        }
        var durations: [Stage: [Double]] = [:]
        var working: [Stage: Int] = [:]
        var trainees: [TraineeProgress] = []
        for assignment in activity.assignments {
            let person = people[assignment.userId] ?? Person(username: "#\(assignment.userId)", displayName: "")
            var cells: [CaseCell] = []
            var current: (cell: CaseCell, shownAt: Instant)?
            var last: Instant?
            for (caseId, stages) in cases {
                let key = Key(assignmentId: assignment.id, caseId: caseId)
                guard let firstShown = shown[key]?.values.min() else { continue }
                let made = decided[key] ?? []
                let decidedStages = made.map(\.0)
                let gate = StageGate(stages: stagesOf[caseId] ?? stages, decided: decidedStages)
                var seconds: [String: Double] = [:]
                for (stage, at) in made {
                    if let from = shown[key]?[stage] {
                        let s = Double(at.millisecondsSinceEpoch - from.millisecondsSinceEpoch) / 1000
                        seconds[stage.rawValue] = max(0, s)
                        durations[stage, default: []].append(max(0, s))
                    }
                }
                let times = (shown[key]?.values.map { $0 } ?? []) + made.map(\.1)
                if let latest = times.max() { last = max(last ?? latest, latest) }
                var timedOut = false
                if !gate.isFinished {
                    if let closes = assignment.closesAt, now >= closes { timedOut = true }
                    if assignment.mode == .test, let minutes = assignment.caseTimeLimitMinutes,
                        let first = shown[key]?[.targeting], now >= first.adding(minutes: minutes)
                    {
                        timedOut = true
                    }
                }
                let cell = CaseCell(
                    caseId: caseId,
                    status: gate.isFinished ? "submitted" : timedOut ? "timed-out" : "in-progress",
                    currentStage: gate.isFinished || timedOut ? nil : gate.current, decided: decidedStages,
                    seconds: seconds, startedAt: firstShown, submittedAt: gate.isFinished ? made.last?.1 : nil)
                cells.append(cell)
                if cell.status == "in-progress", let stage = cell.currentStage {
                    let since = shown[key]?[stage] ?? firstShown
                    if current == nil || since > current!.shownAt { current = (cell, since) }
                }
            }
            let open = current.map { Current(caseId: $0.cell.caseId, stage: $0.cell.currentStage!, since: $0.shownAt) }
            if let stage = open?.stage { working[stage, default: 0] += 1 }
            trainees.append(
                TraineeProgress(
                    userId: assignment.userId, username: person.username, displayName: person.displayName,
                    assignmentId: assignment.id, submittedCount: cells.filter { $0.status == "submitted" }.count,
                    startedCount: cells.count, current: open, lastActivityAt: last, cases: cells))
        }
        self.trainees = trainees
        submitted = trainees.map(\.submittedCount).reduce(0, +)
        inProgress = trainees.flatMap(\.cases).filter { $0.status == "in-progress" }.count
        stageTimes = Stage.allCases.compactMap { stage in
            let values = durations[stage] ?? []
            guard !values.isEmpty || working[stage] != nil else { return nil }
            return StageTime(
                stage: stage, decided: values.count, medianSeconds: median(values),
                meanSeconds: values.isEmpty ? nil : values.reduce(0, +) / Double(values.count),
                working: working[stage] ?? 0)
        }
    }
}
