import CargoModel
import Foundation
import Scoring
import Testing

/// Each candidate against the panel's reference, with bootstrap intervals, round size and missing grades
/// (issue 19, part 4).
@Suite struct CalibrationAgreementTests {
    /// Maple's EssayTools `QuadraticWeightedKappa` documentation, examples 1 and 2 (scores 1–10): 0.758620689655172
    /// and 0.438095238095238. Quadratic weights (i − j)² / (k − 1)², as Cohen (1968) and Fleiss & Cohen (1973).
    @Test func quadraticWeightedKappaOfPublishedExamples() throws {
        let first = [9, 7, 8, 7, 6, 8, 3, 5, 10].map { $0 - 1 }
        let second = [8, 8, 6, 6, 7, 6, 1, 4, 8].map { $0 - 1 }
        let third = [3, 5, 6, 6, 7, 6, 1, 4, 8].map { $0 - 1 }
        let one = try #require(Agreement.kappa(first, second, categories: 10, weighting: .quadratic))
        let two = try #require(Agreement.kappa(first, third, categories: 10, weighting: .quadratic))
        #expect(abs(one - 0.758620689655172) < 1e-12)
        #expect(abs(two - 0.438095238095238) < 1e-12)
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", A: binary data, two observers, no missing
    /// data: α = 0.095.
    @Test func alphaOfKrippendorffsTwoObserverExample() throws {
        let a: [Double?] = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
        let b: [Double?] = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
        let alpha = try #require(Agreement.krippendorffAlpha([a, b], metric: .nominal))
        #expect(abs(alpha - 2.0 / 21.0) < 1e-12 && String(format: "%.3f", alpha) == "0.095")
    }

    /// A panel of five that agrees perfectly carries α over panel + candidate (0.742) above 0.667 for a candidate
    /// who barely agrees with the reference (quadratic κ 0.167, α 0.176: the "κ = 0.18 passed"); against
    /// the reference alone the candidate is refused. Figures also computed in Python.
    static func carriedRound() throws -> CalibrationRecord {
        let scale = ["1", "2", "3", "4", "5"]
        let items = (1...24).map { "T\(($0 - 1) % 6 + 1)/case-\($0)" }
        let truth = items.indices.map { $0 % 5 }
        var reference: [String: [String: String]] = [:]
        for p in ["P1", "P2", "P3", "P4", "P5"] {
            reference[p] = Dictionary(uniqueKeysWithValues: zip(items, truth.map { scale[$0] }))
        }
        // The candidate: a fixed shuffle of the reference grades, agreeing by chance on a few.
        let shuffled = truth.indices.map { truth[($0 * 13 + 5) % truth.count] }
        var candidate = Dictionary(uniqueKeysWithValues: zip(items, shuffled.map { scale[$0] }))
        candidate[items[0]] = nil  // one grade missing
        return CalibrationRecord(
            id: "carried", rubricVersion: "v", scale: scale, items: items, reference: reference,
            candidates: ["C": candidate, "Silent": [:]])
    }

    @Test func thePanelCannotCarryACandidateWhoDisagreesWithIt() throws {
        let results = try Self.carriedRound().run()
        let c = try #require(results.candidates.first { $0.candidate == "C" })
        #expect(try #require(c.alphaOrdinal) >= 0.667, "α over panel + candidate: carried by the panel")
        #expect(String(format: "%.3f", try #require(c.alphaOrdinal)) == "0.742")
        #expect(String(format: "%.3f", try #require(c.alphaWithReference)) == "0.176")
        #expect(String(format: "%.3f", try #require(c.weightedKappaQuadratic)) == "0.167")
        var agreement = c
        agreement.kappa = 0.9
        agreement.weightedKappaQuadratic = 0.9  // only α is left to fail
        let strong = Scoring.report("T9", summaries("T9", hits: 29, misses: 1, falseAlarms: 2, correctRejections: 28))
        let decision = CertificationPolicy.standard.evaluateTrainer(
            strong, calibration: agreement, delivery: nil, round: results)
        #expect(decision.reasons.first { $0.code == "alpha" }?.passed == false)
        // Round size: 24 items from 6 trainees; the candidate graded 23 and the figure names the one missing.
        #expect(results.itemCount == 24 && results.distinctTrainees == 6)
        let items = try #require(decision.reasons.first { $0.code == "calibrationItems" })
        #expect(items.passed && items.figure == "23 (1 missing: T1/case-1)")
        #expect(c.missingItems == ["T1/case-1"])
    }

    @Test func aCandidateWhoseGradesAreAllMissingIsReportedNotDropped() throws {
        let results = try Self.carriedRound().run()
        let silent = try #require(results.candidates.first { $0.candidate == "Silent" })
        #expect(silent.itemsGraded == 0 && silent.itemsMissing == 24 && silent.missingItems.count == 24)
        #expect(silent.kappa == nil && silent.alphaWithReference == nil)
        let strong = Scoring.report("T9", summaries("T9", hits: 29, misses: 1, falseAlarms: 2, correctRejections: 28))
        let decision = CertificationPolicy.standard.evaluateTrainer(
            strong, calibration: silent, delivery: nil, round: results)
        #expect(decision.reasons.first { $0.code == "calibrationItems" }?.passed == false)
    }

    @Test func bootstrapIntervalsAreReproducibleAndHoldTheEstimate() throws {
        let first = try Self.carriedRound().run(), second = try Self.carriedRound().run()
        let a = try #require(first.candidates.first { $0.candidate == "C" })
        let b = try #require(second.candidates.first { $0.candidate == "C" })
        #expect(a.weightedKappaQuadraticInterval == b.weightedKappaQuadraticInterval)
        #expect(a.alphaWithReferenceInterval == b.alphaWithReferenceInterval)
        let kappa = try #require(a.weightedKappaQuadraticInterval), alpha = try #require(a.alphaWithReferenceInterval)
        #expect(kappa.lower <= a.weightedKappaQuadratic! && a.weightedKappaQuadratic! <= kappa.upper)
        #expect(alpha.lower <= a.alphaWithReference! && a.alphaWithReference! <= alpha.upper)
        #expect(first.bootstrapResamples == 2000 && first.bootstrapSeed == CalibrationBootstrap.seed)
        // Perfect agreement on every resample: a degenerate interval at 1.
        let perfect = (0..<10).map { ($0 % 4, $0 % 4) }
        let interval = try #require(
            CalibrationBootstrap.interval(perfect) {
                Agreement.kappa($0.map(\.0), $0.map(\.1), categories: 4, weighting: .quadratic)
            })
        #expect(interval.lower == 1 && interval.upper == 1)
        // Another seed, another (close) interval: the seed is what makes it reproducible.
        let pairs = (0..<30).map { ($0 % 5, ($0 * 3) % 5) }
        func q(_ p: [(Int, Int)]) -> Double? { Agreement.kappa(p.map(\.0), p.map(\.1), categories: 5, weighting: .quadratic) }
        #expect(CalibrationBootstrap.interval(pairs, seed: 1, q) == CalibrationBootstrap.interval(pairs, seed: 1, q))
        #expect(CalibrationBootstrap.interval(pairs, seed: 1, q) != CalibrationBootstrap.interval(pairs, seed: 2, q))
    }
}
