import CargoModel
import Scoring

/// What `GET /api/groups/{gid}/report` answers: Scoring's cohort report over the class's graded cases (`aggregate`:
/// H, F, d′, c with their intervals, breakdowns by concealment kind, topic, vantage and difficulty, learning curves,
/// item analysis), with the stage breakdown (`stageStatistics`), the cohort's learning curve
/// (`cohortLearningCurve`), and the people's names. Nothing here computes a statistic of its own.
struct ClassReport: Encodable {
    struct Trainee: Encodable {
        var userId: Int64
        var username: String
        var displayName: String
        var report: TraineeReport
        var byStage: [StageStatistics]
    }

    /// An item (case) of the analysis, with its place in the course.
    struct Item: Encodable {
        var position: Int
        var caseId: String
        var scenario: String
        var attempts: Int
        var difficulty: Double
        var discrimination: Double?
        var flags: [ItemFlag]
    }

    var groupId: Int64
    var blockSize: Int
    var graded: Int
    var caseCount: Int
    var cohort: TraineeReport
    var cohortByStage: [StageStatistics]
    var cohortLearningCurve: [LearningPoint]
    var trainees: [Trainee]
    var items: [Item]

    /// One graded case of the class, in the order graded.
    struct Graded {
        var userId: Int64
        var grade: Grade
    }

    /// The report, and the `CohortReport` it came from (for the CSV).
    static func make(
        groupId: Int64, graded: [Graded], keys: [String: AnswerKey], vantages: [String: Vantage], caseIds: [String],
        people: [Int64: ClassProgress.Person], blockSize: Int
    ) -> (ClassReport, CohortReport) {
        var sequence: [String: Int] = [:]
        var summaries: [AttemptSummary] = []
        var gradesByTrainee: [String: [Grade]] = [:]
        var userIds: [String: Int64] = [:]
        for item in graded {
            guard let key = keys[item.grade.caseId] else { continue }
            let trainee = item.grade.traineeId
            let n = sequence[trainee, default: 0]
            sequence[trainee] = n + 1
            summaries.append(
                AttemptSummary(grade: item.grade, key: key, vantage: vantages[item.grade.caseId], sequence: n))
            gradesByTrainee[trainee, default: []].append(item.grade)
            userIds[trainee] = item.userId
        }
        let report = aggregate(summaries, blockSize: blockSize)
        let positions = Dictionary(caseIds.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let view = ClassReport(
            groupId: groupId, blockSize: blockSize, graded: summaries.count, caseCount: caseIds.count,
            cohort: report.cohort, cohortByStage: Scoring.stageStatistics(graded.map(\.grade)),
            cohortLearningCurve: Scoring.cohortLearningCurve(summaries, blockSize: blockSize),
            trainees: report.trainees.map { t in
                let id = userIds[t.traineeId] ?? 0
                return Trainee(
                    userId: id, username: t.traineeId, displayName: people[id]?.displayName ?? t.traineeId, report: t,
                    byStage: stageStatistics(gradesByTrainee[t.traineeId] ?? []))
            },
            items: report.items.map {
                Item(
                    position: positions[$0.caseId] ?? -1, caseId: $0.caseId, scenario: $0.scenario,
                    attempts: $0.attempts,
                    difficulty: $0.difficulty, discrimination: $0.discrimination, flags: $0.flags)
            }.sorted { $0.position < $1.position })
        return (view, report)
    }
}
