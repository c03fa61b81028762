import CargoModel
import Foundation
import Scoring
import Testing

/// Signal detection per decision stage (issue 19, part 3).
@Suite struct StageDetectionTests {
    @Test func eachStageCountsItsOwnDecisions() throws {
        let keys = Repository.keys
        let irregular = try #require(keys.first { $0.irregular && $0.expectations[.screening] != nil })
        let clean = try #require(keys.first { !$0.irregular })
        // An irregular box stopped at targeting, released at screening (a miss there), yet stopped at the end.
        var a = perfectAttempt(irregular, mode: .test)
        let screening = try #require(a.decisions.firstIndex { $0.stage == .screening })
        a.decisions[screening].disposition = .release
        let b = perfectAttempt(clean, mode: .test)
        let grades = [try grade(a, against: irregular), try grade(b, against: clean)]
        let stages = stageDetection(grades)
        let byStage = Dictionary(uniqueKeysWithValues: stages.map { ($0.stage, $0.detection.counts) })
        #expect(byStage[.screening]?.hits == 0 && byStage[.screening]?.misses == 1)
        let targeting = try #require(byStage[.targeting])
        #expect(targeting.signalTrials == 1 && targeting.noiseTrials == 1)
        #expect(targeting.hits == (a.decisions[0].disposition != .release ? 1 : 0))
        #expect(targeting.falseAlarms == (b.decisions[0].disposition != .release ? 1 : 0))
        // The same counts in the stage statistics the server's report carries.
        let statistics = stageStatistics(grades)
        for s in statistics { #expect(s.detection.counts == byStage[s.stage]) }
    }

    @Test func bulkGradingGivesTheSameStageFiguresAsFullGrades() throws {
        var rng = SplitMix64(seed: 23)
        let keys = Array(Repository.keys.prefix(30))
        let simulator = CohortSimulator(keys: keys, courseHash: testCourseHash, start: t0)
        let attempts = CohortSimulator.trainees(count: 4, using: &rng).flatMap {
            simulator.attempts(for: $0, mode: .test, using: &rng)
        }
        let cases = Dictionary(uniqueKeysWithValues: keys.map { ($0.caseId, BulkGrader.Case(prepared: PreparedKey($0))) })
        let result = try AttemptLines.encode(attempts).withUnsafeBufferPointer { buffer in
            try BulkGrader(courseHash: testCourseHash).grade(buffer, keys: cases)
        }
        let byId = Dictionary(uniqueKeysWithValues: keys.map { ($0.caseId, PreparedKey($0)) })
        let grades = try attempts.map { try grade($0, against: byId[$0.caseId]!) }
        #expect(result.cohortStages == stageDetection(grades))
        for trainee in Set(attempts.map(\.traineeId)) {
            #expect(result.stages[trainee] == stageDetection(grades.filter { $0.traineeId == trainee }))
        }
        let withStages = result.reportWithStages
        #expect(withStages.cohort.byStage == result.cohortStages)
        #expect(result.report.cohort.byStage == nil, "the plain report stays equal to aggregate's")
    }

    @Test func aPolicyMayGateAStageOnItsOwn() throws {
        var report = Scoring.report("T", summaries("T", hits: 28, misses: 2, falseAlarms: 3, correctRejections: 27))
        var policy = CertificationPolicy.standard
        #expect(policy.evaluateTrainee(report).granted)
        policy.trainee.minimumStageDPrime = ["screening": 1.0]
        #expect(policy.validate().isValid)
        // Without the stage's figures: refused, saying n/a.
        let unknown = policy.evaluateTrainee(report)
        #expect(!unknown.granted && unknown.reasons.last?.figure == "n/a")
        report.byStage = [
            StageDetection(
                stage: .screening,
                detection: DetectionStatistics(DetectionCounts(hits: 18, misses: 12, falseAlarms: 12, correctRejections: 18)))
        ]
        let weak = policy.evaluateTrainee(report)
        #expect(!weak.granted && weak.reasons.filter { !$0.passed }.map(\.code) == ["stageDPrime.screening"])
        policy.trainee.minimumStageDPrime = ["screening": 0.3]
        #expect(policy.evaluateTrainee(report).granted)
        policy.trainee.minimumStageDPrime = ["scanning": 1]
        #expect(policy.validate().errors.map(\.field) == ["trainee.minimumStageDPrime"])
    }
}
