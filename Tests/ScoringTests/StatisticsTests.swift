import Foundation
import Scoring
import Testing

/// Reference values computed independently with Python's `statistics.NormalDist` (CPython's own
/// implementation of Wichura's AS241 for the inverse): `NormalDist().inv_cdf(p)`.
@Suite struct NormalTests {
    @Test(arguments: [
        (1e-10, -6.361340902404056), (0.001, -3.090232306167813), (0.02425, -1.9729610513118845),
        (0.3, -0.5244005127080407), (0.5, 0.0), (0.975, 1.9599639845400536), (0.999999, 4.753424308817089),
    ])
    func quantileMatchesAnIndependentImplementation(p: Double, z: Double) {
        // Near 1, p itself carries an error of about 1e-16, which the slope 1/φ(z) magnifies.
        #expect(abs(Normal.quantile(p) - z) < 1e-12 * max(1, abs(z)) + 1e-15 / Normal.density(z))
    }

    @Test func quantileInvertsTheCDFOverTheWholeRange() {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<10_000 {
            let p = Double(rng.next() >> 11) * 0x1.0p-53
            guard p > 0 else { continue }
            let x = Normal.quantile(p)
            #expect(abs(Normal.cdf(x) - p) <= 1e-14 + 1e-12 * p)
        }
    }

    @Test func quantileOfZeroOneAndOutsideIsInfiniteOrNaN() {
        #expect(Normal.quantile(0) == -.infinity)
        #expect(Normal.quantile(1) == .infinity)
        #expect(Normal.quantile(-0.1).isNaN)
        #expect(Normal.quantile(1.1).isNaN)
        #expect(Normal.quantile(.nan).isNaN)
    }

    @Test func quantileIsSymmetric() {
        for p in stride(from: 0.001, to: 0.5, by: 0.0137) {
            #expect(abs(Normal.quantile(p) + Normal.quantile(1 - p)) < 1e-12)
        }
    }
}

/// Expected values computed independently in Python (statistics.NormalDist) from the formulas in
/// docs/sources.md#signal-detection: log-linear H′ = (h + ½)/(N_s + 1), F′ = (f + ½)/(N_n + 1); d′ = z(H′) − z(F′);
/// c = −½(z(H′) + z(F′)); A′ (Grier 1971) on H′, F′; 95 % interval d′ ± 1.96·√Var, Var of Gourevitch &
/// Galanter (1967).
@Suite struct SignalDetectionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var counts: (Int, Int, Int, Int)
        var dPrime, c, aPrime, lower, upper: Double
        var testDescription: String { "\(counts)" }
    }

    static let cases: [Case] = [
        Case(
            counts: (20, 5, 5, 20), dPrime: 1.602189058564, c: 0, aPrime: 0.865853658537, lower: 0.819980220324,
            upper: 2.384397896803),
        // Perfect: every concealment stopped, no false alarm.
        Case(
            counts: (30, 0, 0, 30), dPrime: 4.282396241944, c: 0, aPrime: 0.991803278689, lower: 2.700685872010,
            upper: 5.864106611878),
        // Zero: every concealment released, every clean box stopped.
        Case(
            counts: (0, 10, 10, 0), dPrime: -3.381243259170, c: 0, aPrime: 0.023809523810, lower: -5.291934700164,
            upper: -1.470551818176),
        Case(
            counts: (9, 1, 3, 7), dPrime: 1.569592683086, c: -0.312007220551, aPrime: 0.857894736842,
            lower: 0.304147163618, upper: 2.835038202553),
        Case(
            counts: (12, 0, 0, 12), dPrime: 3.537650077037, c: 0, aPrime: 0.98, lower: 1.694092299744,
            upper: 5.381207854331),
    ]

    @Test(arguments: cases)
    func dPrimeCriterionAPrimeAndIntervalMatchIndependentValues(_ x: Case) throws {
        let s = DetectionStatistics(
            DetectionCounts(
                hits: x.counts.0, misses: x.counts.1, falseAlarms: x.counts.2,
                correctRejections: x.counts.3))
        #expect(abs(try #require(s.dPrime) - x.dPrime) < 1e-9)
        #expect(abs(try #require(s.criterion) - x.c) < 1e-9)
        #expect(abs(try #require(s.aPrime) - x.aPrime) < 1e-9)
        let interval = try #require(s.dPrimeInterval)
        #expect(abs(interval.lower - x.lower) < 1e-9)
        #expect(abs(interval.upper - x.upper) < 1e-9)
    }

    @Test func perfectAndZeroRatesStayFiniteAndRawRatesAreReported() throws {
        let perfect = DetectionStatistics(DetectionCounts(hits: 30, misses: 0, falseAlarms: 0, correctRejections: 30))
        #expect(perfect.hitRate == 1)
        #expect(perfect.falseAlarmRate == 0)
        #expect(try #require(perfect.dPrime).isFinite)
        #expect(perfect.correctedHitRate == 30.5 / 31)
    }

    @Test func wilsonIntervalsMatchIndependentValuesAndStayInsideZeroOne() throws {
        let s = DetectionStatistics(DetectionCounts(hits: 20, misses: 5, falseAlarms: 0, correctRejections: 30))
        let h = try #require(s.hitRateInterval), f = try #require(s.falseAlarmRateInterval)
        #expect(abs(h.lower - 0.6086904963045967) < 1e-12)
        #expect(abs(h.upper - 0.9113941531319742) < 1e-12)
        #expect(f.lower == 0)
        #expect(abs(f.upper - 0.11351339317396876) < 1e-12)
        let all = DetectionStatistics.wilson(successes: 30, trials: 30)
        #expect(abs(all.lower - 0.8864866068260312) < 1e-12 && all.upper <= 1)
    }

    @Test func withoutSignalOrNoiseTrialsDPrimeIsUndefined() {
        let onlySignal = DetectionStatistics(DetectionCounts(hits: 5, misses: 1))
        #expect(onlySignal.dPrime == nil && onlySignal.aPrime == nil && onlySignal.falseAlarmRate == nil)
        #expect(onlySignal.hitRate == 5.0 / 6)
        #expect(DetectionStatistics(DetectionCounts()).hitRate == nil)
    }

    @Test func aPrimeIsHalfAtChanceAndSymmetric() {
        #expect(DetectionStatistics.aPrime(hitRate: 0.4, falseAlarmRate: 0.4) == 0.5)
        let above = DetectionStatistics.aPrime(hitRate: 0.8, falseAlarmRate: 0.3)!
        let below = DetectionStatistics.aPrime(hitRate: 0.3, falseAlarmRate: 0.8)!
        #expect(abs(above + below - 1) < 1e-12)
    }

    @Test func moreTrialsNarrowTheInterval() throws {
        let small = DetectionStatistics(DetectionCounts(hits: 8, misses: 2, falseAlarms: 2, correctRejections: 8))
        let large = DetectionStatistics(DetectionCounts(hits: 80, misses: 20, falseAlarms: 20, correctRejections: 80))
        let ws = try #require(small.dPrimeInterval), wl = try #require(large.dPrimeInterval)
        #expect(wl.upper - wl.lower < ws.upper - ws.lower)
    }

    @Test func maximumDPrimeIsThePerfectScore() {
        let perfect = DetectionStatistics(DetectionCounts(hits: 20, misses: 0, falseAlarms: 0, correctRejections: 25))
        #expect(abs(DetectionStatistics.maximumDPrime(signalTrials: 20, noiseTrials: 25) - perfect.dPrime!) < 1e-12)
    }
}
