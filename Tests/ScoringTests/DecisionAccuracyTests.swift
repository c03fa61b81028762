import CargoModel
import Foundation
import Scoring
import Testing

/// The decision's measurement error (issue 19, part 2): exact operating characteristic, KR-20, error rates.
@Suite struct DecisionAccuracyTests {
    /// An independent exact computation: binomial coefficients by multiplication (not log-gamma), every outcome
    /// judged by the rule as written here (d′ from the log-linear rates, H and F point estimates).
    static func independentPassProbability(
        d: Double, c: Double, ns: Int, nn: Int, bar: Double, minimumHit: Double, maximumFalseAlarm: Double,
        lowerBound: Double? = nil
    ) -> Double {
        func choose(_ n: Int, _ k: Int) -> Double {
            var r = 1.0
            for i in 0..<k { r = r * Double(n - i) / Double(i + 1) }
            return r
        }
        func pmf(_ k: Int, _ n: Int, _ p: Double) -> Double {
            choose(n, k) * pow(p, Double(k)) * pow(1 - p, Double(n - k))
        }
        let h = 0.5 * erfc(-(d / 2 - c) / 2.0.squareRoot()), f = 0.5 * erfc(-(-d / 2 - c) / 2.0.squareRoot())
        var total = 0.0
        for k in 0...ns {
            for j in 0...nn {
                let stats = DetectionStatistics(
                    DetectionCounts(hits: k, misses: ns - k, falseAlarms: j, correctRejections: nn - j))
                var pass =
                    stats.dPrime! >= bar && Double(k) / Double(ns) >= minimumHit
                    && Double(j) / Double(nn) <= maximumFalseAlarm
                if let lowerBound { pass = pass && stats.dPrimeInterval!.lower >= lowerBound }
                if pass { total += pmf(k, ns, h) * pmf(j, nn, f) }
            }
        }
        return total
    }

    @Test(arguments: [(0.5, 0.0), (1.0, 0.0), (1.5, 0.0), (2.0, 0.0), (2.5, 0.0), (1.5, -0.5), (1.5, 0.5)])
    func theDefaultPolicysPassProbabilityIsTheExactBinomialOne(d: Double, c: Double) {
        let policy = CertificationPolicy.standard
        let point = policy.passProbability(trueDPrime: d, criterion: c, concealmentCases: 30, cleanCases: 30)
        let independent = Self.independentPassProbability(
            d: d, c: c, ns: 30, nn: 30, bar: 1.5, minimumHit: 0.7, maximumFalseAlarm: 0.3)
        #expect(abs(point.passProbability - independent) < 1e-12, "\(point.passProbability) vs \(independent)")
    }

    /// The default is chosen so that a trainee at the bar passes about half the time and one clearly above almost
    /// always. Figures also computed in Python (statistics.NormalDist, math.comb), as docs/certification.md quotes them.
    @Test func theDefaultPolicyIsCalibratedAtTheBar() {
        let accuracy = CertificationPolicy.standard.traineeDecisionAccuracy(concealmentCases: 30, cleanCases: 30)
        let expected: [Double] = [
            0.001897658571863305, 0.07496125508662688, 0.4893537544531139, 0.9094276348827964,
            0.9958499137452281, 0.15050721006328902, 0.1505072100632887,
        ]
        for (point, value) in zip(accuracy.curve, expected) {
            #expect(abs(point.passProbability - value) < 1e-9, "\(point)")
        }
        #expect(abs(accuracy.passAtBar - 0.5) < 0.05)
        #expect(accuracy.curve[4].passProbability > 0.99, "clearly above (bar + 1) almost always passes")
        #expect(abs(accuracy.falsePassRate - 0.07496125508662688) < 1e-9)
        #expect(abs(accuracy.falseFailRate - (1 - 0.9094276348827964)) < 1e-9)
        // SE of d′ at the cut: √(2 · H(1−H) / (30 φ(z_H)²)) at H = Φ(0.75).
        let h = 0.5 * erfc(-0.75 / 2.0.squareRoot())
        let phi = exp(-0.75 * 0.75 / 2) / (2 * Double.pi).squareRoot()
        #expect(abs(accuracy.standardErrorAtCut - (2 * h * (1 - h) / (30 * phi * phi)).squareRoot()) < 1e-12)
    }

    /// The issue's figures for the old default (20 + 20, H ≥ 0.80, F ≤ 0.30, d′ ≥ 1.5, lower bound ≥ 0.8):
    /// "a true d′ of 2.0 is certified only about 65 % of the time, one of 1.0 about 4 %".
    @Test func theOldDefaultHadTheErrorRatesTheIssueMeasured() {
        var old = CertificationPolicy.standard
        old.trainee.minimumHitRate = 0.8
        old.trainee.minimumDPrimeLowerBound = 0.8
        let at2 = old.passProbability(trueDPrime: 2, concealmentCases: 20, cleanCases: 20).passProbability
        let at1 = old.passProbability(trueDPrime: 1, concealmentCases: 20, cleanCases: 20).passProbability
        #expect(abs(at2 - 0.6518679005891145) < 1e-9 && abs(at1 - 0.0372534733938061) < 1e-9)
        #expect(
            abs(
                at2
                    - Self.independentPassProbability(
                        d: 2, c: 0, ns: 20, nn: 20, bar: 1.5, minimumHit: 0.8, maximumFalseAlarm: 0.3, lowerBound: 0.8))
                < 1e-12)
    }

    /// Gating on the ends of the 95 % intervals moves the 50 % point about two standard errors above the bar.
    @Test func aConfidenceOfNinetySevenAndAHalfGatesOnTheIntervalEnds() {
        var strict = CertificationPolicy.standard
        strict.decisionConfidence = 0.975
        #expect(strict.validate().isValid)
        let atBar = strict.passProbability(trueDPrime: 1.5, concealmentCases: 30, cleanCases: 30).passProbability
        let above = strict.passProbability(trueDPrime: 2.5, concealmentCases: 30, cleanCases: 30).passProbability
        #expect(abs(atBar - 0.0083133368658134) < 1e-9 && abs(above - 0.5084189308639543) < 1e-9)
        // The decision itself: a trainee with d′ above the bar but a lower bound below it is refused.
        let report = Scoring.report("T", summaries("T", hits: 26, misses: 4, falseAlarms: 8, correctRejections: 22))
        #expect(report.detection.dPrime! > 1.5 && report.detection.dPrimeInterval!.lower < 1.5)
        #expect(CertificationPolicy.standard.evaluateTrainee(report).granted)
        let refused = strict.evaluateTrainee(report)
        #expect(!refused.granted && refused.reasons.first { $0.code == "dPrime" }?.passed == false)
        #expect(refused.reasons.first { $0.code == "dPrime" }?.threshold == "≥ 1.50 (97.5 % bound)")
    }

    @Test func binomialProbabilitiesSumToOneAndMatchSmallCases() {
        #expect(abs(binomialProbability(2, 4, 0.5) - 0.375) < 1e-15)
        #expect(abs((0...200).map { binomialProbability($0, 200, 0.3) }.reduce(0, +) - 1) < 1e-12)
        #expect(binomialProbability(0, 5, 0) == 1 && binomialProbability(5, 5, 1) == 1)
    }

    /// KR-20 by hand: 5 trainees × 4 items in a Guttman pattern; p = .8 .6 .4 .2, Σpq = 0.8, σ² = 2,
    /// KR-20 = 4/3 · (1 − 0.8/2) = 0.8, SEM = √2 · √0.2.
    @Test func kr20OfAWorkedExample() throws {
        let answers = [
            [true, true, true, true], [true, true, true, false], [true, true, false, false],
            [true, false, false, false], [false, false, false, false],
        ]
        let r = formReliability(answers)
        #expect(abs(try #require(r.kr20) - 0.8) < 1e-12)
        #expect(abs(try #require(r.standardErrorOfMeasurement) - (2.0 * 0.2).squareRoot()) < 1e-12)
        #expect(formReliability([[true, false], [true, false]]).kr20 == nil, "no variance: undefined")
    }
}
