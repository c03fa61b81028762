import Foundation

/// How far apart two grades on an ordered scale are, for weighted κ.
public enum KappaWeighting: String, Sendable, Codable, CaseIterable {
    /// Every disagreement counts the same (Cohen's κ).
    case unweighted
    /// Disagreement weight |i − j| / (k − 1).
    case linear
    /// Disagreement weight ((i − j) / (k − 1))² (Fleiss & Cohen 1973).
    case quadratic
}

/// The level of measurement for Krippendorff's α.
public enum AlphaMetric: String, Sendable, Codable, CaseIterable {
    case nominal, ordinal, interval, ratio
}

/// Inter-rater agreement statistics. Pure functions over grades as category indexes.
///
/// Sources: Cohen (1960) κ = (pₒ − pₑ) / (1 − pₑ); Cohen (1968) weighted κ
/// κ_w = 1 − Σ wᵢⱼ oᵢⱼ / Σ wᵢⱼ eᵢⱼ with disagreement weights; Krippendorff (2011), "Computing
/// Krippendorff's Alpha-Reliability" (coincidence matrix, α = 1 − (n − 1) Σ o δ² / Σ nₖ nₗ δ²).
public enum Agreement {
    /// Cohen's κ (or weighted κ) between two graders over the same items.
    ///
    /// - Parameters:
    ///   - first, second: the grades as indexes into a scale of `categories` values; an item where
    ///     either grade is nil is left out.
    ///   - weighting: `.unweighted` for nominal grades, `.linear` or `.quadratic` for ordinal ones.
    /// - Returns: nil when fewer than one paired item remains, or when chance agreement is total
    ///   (both graders always give the one same grade), where κ is undefined.
    public static func kappa(
        _ first: [Int?], _ second: [Int?], categories: Int, weighting: KappaWeighting = .unweighted
    )
        -> Double?
    {
        precondition(first.count == second.count, "kappa needs the same items from both graders")
        precondition(categories >= 1)
        let k = categories
        var table = [Double](repeating: 0, count: k * k)
        var n = 0.0
        for (a, b) in zip(first, second) {
            guard let a, let b else { continue }
            precondition((0..<k).contains(a) && (0..<k).contains(b), "grade outside the scale")
            table[a * k + b] += 1
            n += 1
        }
        guard n > 0 else { return nil }
        var rows = [Double](repeating: 0, count: k), columns = [Double](repeating: 0, count: k)
        for i in 0..<k { for j in 0..<k { rows[i] += table[i * k + j]; columns[j] += table[i * k + j] } }
        func weight(_ i: Int, _ j: Int) -> Double {
            switch weighting {
            case .unweighted: return i == j ? 0 : 1
            case .linear: return k > 1 ? Double(abs(i - j)) / Double(k - 1) : 0
            case .quadratic: return k > 1 ? pow(Double(i - j) / Double(k - 1), 2) : 0
            }
        }
        var observed = 0.0, expected = 0.0
        for i in 0..<k {
            for j in 0..<k {
                let w = weight(i, j)
                observed += w * table[i * k + j] / n
                expected += w * rows[i] * columns[j] / (n * n)
            }
        }
        guard expected > 0 else { return nil }
        return 1 - observed / expected
    }

    /// Krippendorff's α for any number of graders, with missing grades.
    ///
    /// - Parameters:
    ///   - data: one row per grader, one column per item; nil is a missing grade. Values are the grades'
    ///     numeric values (for nominal and ordinal data any numbers that keep the categories apart and,
    ///     for ordinal data, in order).
    ///   - metric: the difference function δ².
    /// - Returns: nil when fewer than two pairable values exist or the data show no variation at all
    ///   (expected disagreement zero).
    /// - Complexity: O(u·m² + v²) for u items, m graders and v distinct values.
    public static func krippendorffAlpha(_ data: [[Double?]], metric: AlphaMetric) -> Double? {
        guard let items = data.first?.count else { return nil }
        precondition(data.allSatisfy { $0.count == items }, "every grader needs a cell for every item")
        let values = Array(Set(data.flatMap { $0.compactMap { $0 } })).sorted()
        let index = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1, $0) })
        let v = values.count
        var coincidence = [Double](repeating: 0, count: v * v)
        for item in 0..<items {
            let grades = data.compactMap { $0[item] }.map { index[$0]! }
            let m = grades.count
            guard m >= 2 else { continue }
            for i in 0..<m {
                for j in 0..<m where j != i {
                    coincidence[grades[i] * v + grades[j]] += 1 / Double(m - 1)
                }
            }
        }
        var marginals = [Double](repeating: 0, count: v)
        for c in 0..<v { for k in 0..<v { marginals[c] += coincidence[c * v + k] } }
        let n = marginals.reduce(0, +)
        guard n > 1 else { return nil }
        func delta2(_ c: Int, _ k: Int) -> Double {
            switch metric {
            case .nominal: return c == k ? 0 : 1
            case .interval: return pow(values[c] - values[k], 2)
            case .ratio:
                let sum = values[c] + values[k]
                return sum == 0 ? 0 : pow((values[c] - values[k]) / sum, 2)
            case .ordinal:
                let (lo, hi) = (min(c, k), max(c, k))
                var s = 0.0
                for g in lo...hi { s += marginals[g] }
                return pow(s - (marginals[c] + marginals[k]) / 2, 2)
            }
        }
        var observed = 0.0, expected = 0.0
        for c in 0..<v {
            for k in 0..<v where k != c {
                let d = delta2(c, k)
                observed += coincidence[c * v + k] * d
                expected += marginals[c] * marginals[k] * d
            }
        }
        guard expected > 0 else { return nil }
        return 1 - (n - 1) * observed / expected
    }

    /// The Landis & Koch (1977) band of a κ value, as a stable code (`almostPerfect`).
    public static func landisKochBand(_ kappa: Double) -> String {
        switch kappa {
        case ..<0: return "poor"
        case ..<0.205: return "slight"
        case ..<0.405: return "fair"
        case ..<0.605: return "moderate"
        case ..<0.805: return "substantial"
        default: return "almostPerfect"
        }
    }
}
