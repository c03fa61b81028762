import Scoring
import Testing

@Suite struct CohenKappaTests {
    /// Expands a 2×2 table [[a, b], [c, d]] (rows: rater 1, columns: rater 2) into paired grades.
    func pairs(_ table: [[Int]]) -> ([Int?], [Int?]) {
        var first: [Int?] = [], second: [Int?] = []
        for i in 0..<table.count {
            for j in 0..<table[i].count {
                for _ in 0..<table[i][j] {
                    first.append(i)
                    second.append(j)
                }
            }
        }
        return (first, second)
    }

    /// Wikipedia, "Cohen's kappa", worked example: 50 grant proposals, both yes 20, both no 15,
    /// A yes B no 5, A no B yes 10: pₒ = 0.7, pₑ = 0.5, κ = 0.4.
    @Test func matchesTheGrantProposalExample() throws {
        let (a, b) = pairs([[20, 5], [10, 15]])
        #expect(abs(try #require(Agreement.kappa(a, b, categories: 2)) - 0.4) < 1e-12)
    }

    /// Wikipedia, "Cohen's kappa", "Same percentages but different numbers": [[45, 15], [25, 15]] gives
    /// κ = 0.1304 and [[25, 35], [5, 35]] gives κ = 0.2593 although both agree on 60 % of items.
    @Test func matchesTheSamePercentagesDifferentNumbersExamples() throws {
        let (a1, b1) = pairs([[45, 15], [25, 15]])
        let (a2, b2) = pairs([[25, 35], [5, 35]])
        #expect(abs(try #require(Agreement.kappa(a1, b1, categories: 2)) - 0.1304) < 5e-5)
        #expect(abs(try #require(Agreement.kappa(a2, b2, categories: 2)) - 0.2593) < 5e-5)
    }

    /// Ten items graded 0–2 by two graders, computed by hand (and cross-checked in Python with the
    /// agreement-weight form κ_w = (pₒ,w − pₑ,w)/(1 − pₑ,w)): unweighted 13/33, linear 11/21, quadratic 2/3.
    @Test func weightedKappaMatchesAHandComputedExample() throws {
        let a: [Int?] = [0, 1, 2, 2, 1, 0, 2, 1, 1, 0], b: [Int?] = [0, 2, 2, 1, 1, 0, 2, 0, 1, 1]
        #expect(abs(try #require(Agreement.kappa(a, b, categories: 3)) - 13.0 / 33) < 1e-12)
        #expect(abs(try #require(Agreement.kappa(a, b, categories: 3, weighting: .linear)) - 11.0 / 21) < 1e-12)
        #expect(abs(try #require(Agreement.kappa(a, b, categories: 3, weighting: .quadratic)) - 2.0 / 3) < 1e-12)
    }

    @Test func withTwoCategoriesWeightingChangesNothing() throws {
        let (a, b) = pairs([[20, 5], [10, 15]])
        let plain = try #require(Agreement.kappa(a, b, categories: 2))
        #expect(abs(try #require(Agreement.kappa(a, b, categories: 2, weighting: .linear)) - plain) < 1e-12)
        #expect(abs(try #require(Agreement.kappa(a, b, categories: 2, weighting: .quadratic)) - plain) < 1e-12)
    }

    @Test func perfectAgreementIsOneAndMissingPairsAreLeftOut() throws {
        let a: [Int?] = [0, 1, 2, nil, 3], b: [Int?] = [0, 1, 2, 3, nil]
        #expect(try #require(Agreement.kappa(a, b, categories: 4)) == 1)
    }

    @Test func kappaIsUndefinedWhenBothGradersGiveOneGrade() {
        #expect(Agreement.kappa([1, 1, 1], [1, 1, 1], categories: 3) == nil)
        #expect(Agreement.kappa([nil], [1], categories: 3) == nil)
    }

    @Test(arguments: [
        (0.0, "slight"), (0.3, "fair"), (0.5, "moderate"), (0.7, "substantial"), (0.9, "almostPerfect"),
        (-0.1, "poor"),
    ])
    func landisKochBands(kappa: Double, band: String) {
        #expect(Agreement.landisKochBand(kappa) == band)
    }
}

@Suite struct KrippendorffAlphaTests {
    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example with four observers,
    /// twelve units and missing values (section C, and the ordinal, interval and ratio variants in E):
    /// α nominal = 0.743, ordinal = 0.815, interval = 0.849, ratio = 0.797.
    static let reliabilityData: [[Double?]] = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3],
        [nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil],
    ]

    @Test(arguments: [(AlphaMetric.nominal, 0.743), (.ordinal, 0.815), (.interval, 0.849), (.ratio, 0.797)])
    func matchesKrippendorffsPublishedExampleWithMissingValues(metric: AlphaMetric, expected: Double) throws {
        let alpha = try #require(Agreement.krippendorffAlpha(Self.reliabilityData, metric: metric))
        #expect(abs(alpha - expected) < 0.0005, "α \(metric) = \(alpha)")
    }

    @Test func perfectAgreementIsOneAndNoVariationIsUndefined() {
        #expect(Agreement.krippendorffAlpha([[1, 2, 3], [1, 2, 3]], metric: .nominal) == 1)
        #expect(Agreement.krippendorffAlpha([[1, 1, 1], [1, 1, 1]], metric: .nominal) == nil)
        #expect(Agreement.krippendorffAlpha([[1, nil], [nil, 2]], metric: .nominal) == nil)
    }

    @Test func twoGradersNominalAlphaIsCloseToKappaOnLargeSamples() throws {
        // α corrects for small samples: α = 1 − (n − 1)·D_o/D_e approaches Scott's π, close to κ when the
        // graders' marginals agree.
        var rng = SplitMix64(seed: 5)
        var a: [Int?] = [], b: [Int?] = []
        for _ in 0..<4000 {
            let truth = Int(rng.next() % 3)
            a.append(truth)
            b.append(rng.next() % 5 == 0 ? Int(rng.next() % 3) : truth)
        }
        let kappa = try #require(Agreement.kappa(a, b, categories: 3))
        let alpha = try #require(
            Agreement.krippendorffAlpha(
                [a.map { $0.map(Double.init) }, b.map { $0.map(Double.init) }],
                metric: .nominal))
        #expect(abs(kappa - alpha) < 0.01)
    }
}
