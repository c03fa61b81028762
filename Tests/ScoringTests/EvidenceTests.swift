import CargoModel
import Foundation
import Scoring
import Testing

/// Certification evidence: distinct cases, test mode only, the first attempt of each case (issue 19, part 1).
@Suite struct EvidenceTests {
    /// 7 concealment and 7 clean cases, each attempted perfectly three times in test mode and once more in training.
    static func gamed(trainee: String = "T1") -> [Attempt] {
        let keys = Repository.keys
        let irregular = keys.filter(\.irregular).prefix(7), clean = keys.filter { !$0.irregular }.prefix(7)
        var out: [Attempt] = []
        for round in 0..<3 {
            for key in irregular + clean {
                var a = perfectAttempt(key, mode: .test, trainee: trainee)
                // Later rounds start later.
                for d in a.decisions.indices {
                    a.decisions[d].shownAt = a.decisions[d].shownAt.adding(minutes: 60 * round)
                    a.decisions[d].decidedAt = a.decisions[d].decidedAt.adding(minutes: 60 * round)
                }
                out.append(a)
            }
        }
        for key in irregular { out.append(perfectAttempt(key, mode: .training, trainee: trainee)) }
        return out
    }

    @Test func repeatsAndTrainingAttemptsAreListedAndNotCounted() throws {
        let attempts = Self.gamed() + [perfectAttempt(Repository.keys[0], mode: .test, trainee: "someone else")]
        let selection = EvidenceSelection.select(attempts, subject: "T1")
        #expect(selection.distinctCases == 14)
        #expect(selection.repeatedAttempts == 28)
        #expect(selection.trainingAttempts == 7)
        #expect(selection.ignored.count == 35, "every attempt left out is listed")
        // The first round counts: lines 1…14.
        #expect(selection.counted.map { $0 + 1 } == Array(1...14))
        let repeat15 = try #require(selection.ignored.first { $0.line == 15 })
        #expect(repeat15.reason == .repeatedCase && repeat15.countedLine == 1)
        #expect(selection.ignored.filter { $0.reason == .trainingMode }.map(\.line) == Array(43...49))
    }

    @Test func theAttemptBegunFirstCountsWhateverTheFileOrder() throws {
        let attempts = Self.gamed()
        // The file reversed: the first round is now at the end of the test-mode lines.
        let reversed = Array(attempts.reversed())
        let selection = EvidenceSelection.select(reversed, subject: "T1")
        let counted = selection.counted.map { reversed[$0] }
        let firstRound = Set(attempts.prefix(14))
        #expect(Set(counted) == firstRound)
        for ignored in selection.ignored where ignored.reason == .repeatedCase {
            let kept = try #require(ignored.countedLine)
            #expect(firstRound.contains(reversed[kept - 1]), "points at the attempt that counts")
        }
    }

    /// The loophole of the issue: three attempts at 7 + 7 cases were 21 + 21 "cases" and certified under the
    /// default policy. Counted as evidence, they are 7 + 7 and refused.
    @Test func repeatingSevenAndSevenCasesNoLongerCertifies() throws {
        let attempts = Self.gamed()
        func summaries(_ list: [Attempt]) throws -> [AttemptSummary] {
            let byId = Dictionary(uniqueKeysWithValues: Repository.keys.map { ($0.caseId, $0) })
            return try list.enumerated().map { n, a in
                let key = byId[a.caseId]!
                return AttemptSummary(grade: try grade(a, against: key), key: key, vantage: nil, sequence: n)
            }
        }
        let everything = report("T1", try summaries(attempts.filter { $0.mode == .test }))
        #expect(everything.detection.counts.signalTrials == 21, "what counting attempts saw")
        let selection = EvidenceSelection.select(attempts, subject: "T1")
        let counted = report("T1", try summaries(selection.counted.map { attempts[$0] }))
        #expect(counted.detection.counts.signalTrials == 7 && counted.detection.counts.noiseTrials == 7)
        let decision = CertificationPolicy.standard.evaluateTrainee(counted)
        #expect(!decision.granted)
        #expect(decision.reasons.first { $0.code == "concealmentCases" }?.passed == false)
    }
}
