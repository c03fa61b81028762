import CargoModel
import CaseBundle
import Foundation
import Testing

@testable import Scoring

/// What the console's class views add to aggregation: per-stage figures, the cohort's learning curve, and the
/// rationale rendered as sentences.
@Suite struct ClassStatisticsTests {
    @Test func stageStatisticsCountAcceptableDecisionsWithTheirWilsonInterval() throws {
        let keys = Repository.keys.prefix(12)
        var grades: [Grade] = []
        for (i, key) in keys.enumerated() {
            var attempt = perfectAttempt(key, trainee: "T\(i % 3)")
            // Every other attempt releases at its first stage: not acceptable when the key stops the box there.
            if i % 2 == 1 { attempt.decisions[0].disposition = .release }
            grades.append(try grade(attempt, against: key, courseHash: testCourseHash))
        }
        let stats = stageStatistics(grades)
        #expect(
            stats.map(\.stage)
                == Stage.allCases.filter { stage in grades.contains { $0.stages.contains { $0.stage == stage } } })
        for s in stats {
            let results = grades.flatMap(\.stages).filter { $0.stage == s.stage }
            let acceptable = results.filter(\.acceptable).count
            #expect(s.attempts == results.count && s.acceptable == acceptable)
            #expect(s.interval == DetectionStatistics.wilson(successes: acceptable, trials: results.count))
            #expect(abs(s.meanScore - results.map(\.score).reduce(0, +) / Double(results.count)) < 1e-12)
            #expect(s.medianResponseSeconds == 60, "a minute per stage in the perfect attempts")
        }
        #expect(stageStatistics([]).isEmpty)
    }

    @Test func theMedianOfOddAndEvenCounts() {
        #expect(median([]) == nil)
        #expect(median([3, 1, 2]) == 2)
        #expect(median([4, 1, 3, 2]) == 2.5)
    }

    @Test func theCohortLearningCurvePoolsEachBlockOfEveryTraineesOwnSequence() {
        // Two trainees, 6 attempts each: the first getting better, the second always right.
        var all: [AttemptSummary] = []
        for n in 0..<6 {
            all.append(summary("A", n, signal: true, alarm: n >= 3))
            all.append(summary("B", n, signal: n % 2 == 0, alarm: n % 2 == 0))
        }
        let curve = cohortLearningCurve(all, blockSize: 3)
        #expect(curve.map(\.block) == [1, 2] && curve.map(\.attempts) == [6, 6])
        #expect(curve[0].proportionCorrect == 0.5 && curve[1].proportionCorrect == 1)
        // A block of one trainee alone is that trainee's own learning point.
        let own = report("A", all.filter { $0.traineeId == "A" }, blockSize: 3).learningCurve
        #expect(cohortLearningCurve(all.filter { $0.traineeId == "A" }, blockSize: 3) == own)
        #expect(cohortLearningCurve(all, blockSize: 0).isEmpty)
    }

    @Test func rationaleParametersThatAreCodesAreTranslated() throws {
        let localizer = try Localizer(directory: Repository.assets.appendingPathComponent("i18n"))
        let items = [
            RationaleItem(
                code: .harmlessRedFlag, parameters: ["indicator": "newConsignee", "explanation": "newBusinessVerified"]),
            RationaleItem(code: .trustedTraderRecord, parameters: ["programme": "aeo", "years": "12"]),
            RationaleItem(code: .sealBypassed, parameters: ["method": "hingeRivetsReplaced"]),
        ]
        for lang in ["en", "es", "pt"] {
            for item in items {
                let line = Feedback.line(of: item, language: lang) { localizer.text($0, lang, $1) }
                for value in item.parameters.values where value.count > 3 && !value.allSatisfy(\.isNumber) {
                    #expect(!line.contains(value), "\(lang): \(line) shows the code \(value)")
                }
                #expect(!line.contains("{"), "\(lang): \(line)")
            }
        }
        let explained = Feedback.line(of: items[0], language: "en") { localizer.text($0, "en", $1) }
        #expect(explained.contains(localizer.text("explanation.newBusinessVerified", "en")))
    }
}
