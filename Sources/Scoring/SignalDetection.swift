import Foundation

/// The four outcomes of signal-detection trials (one trial = one case; signal = something hidden).
public struct DetectionCounts: Hashable, Sendable, Codable {
    /// Irregular cases the trainee stopped.
    public var hits: Int
    /// Irregular cases the trainee released.
    public var misses: Int
    /// Clean cases the trainee stopped.
    public var falseAlarms: Int
    /// Clean cases the trainee released.
    public var correctRejections: Int

    public init(hits: Int = 0, misses: Int = 0, falseAlarms: Int = 0, correctRejections: Int = 0) {
        self.hits = hits
        self.misses = misses
        self.falseAlarms = falseAlarms
        self.correctRejections = correctRejections
    }

    public var signalTrials: Int { hits + misses }
    public var noiseTrials: Int { falseAlarms + correctRejections }
    public var total: Int { signalTrials + noiseTrials }

    /// Adds one trial.
    public mutating func record(signal: Bool, alarm: Bool) {
        switch (signal, alarm) {
        case (true, true): hits += 1
        case (true, false): misses += 1
        case (false, true): falseAlarms += 1
        case (false, false): correctRejections += 1
        }
    }

    public static func + (lhs: DetectionCounts, rhs: DetectionCounts) -> DetectionCounts {
        DetectionCounts(
            hits: lhs.hits + rhs.hits, misses: lhs.misses + rhs.misses,
            falseAlarms: lhs.falseAlarms + rhs.falseAlarms,
            correctRejections: lhs.correctRejections + rhs.correctRejections)
    }
}

/// A two-sided interval.
public struct Interval: Hashable, Sendable, Codable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }
}

/// Signal-detection measures of a set of trials, with intervals and the raw counts.
///
/// Formulas (sources in `docs/sources.md#signal-detection`):
/// - hit rate H = hits / signal trials, false-alarm rate F = false alarms / noise trials (raw, as reported);
///   their 95 % intervals are Wilson score intervals (Wilson 1927), which stay inside [0, 1] at 0 and 1.
/// - d′ = z(H′) − z(F′) and c = −½[z(H′) + z(F′)] on the log-linear corrected rates of Hautus (1995):
///   H′ = (hits + 0.5) / (signal trials + 1), F′ = (false alarms + 0.5) / (noise trials + 1), so that
///   perfect and zero rates give finite values.
/// - A′ (Pollack & Norman 1964, Grier 1971) on the same corrected rates: for H ≥ F,
///   A′ = ½ + (H − F)(1 + H − F) / (4H(1 − F)); for H < F, A′ = ½ − (F − H)(1 + F − H) / (4F(1 − H)).
/// - The 95 % interval of d′ is d′ ± 1.96·√Var(d′) with the variance of Gourevitch & Galanter (1967)
///   (Macmillan & Creelman, *Detection Theory*, 2005, ch. 13; Miller 1996):
///   Var(d′) = H′(1 − H′) / (N_s φ(z(H′))²) + F′(1 − F′) / (N_n φ(z(F′))²), with N_s and N_n the signal and
///   noise trials; Var(c) = Var(d′) / 4.
public struct DetectionStatistics: Hashable, Sendable, Codable {
    public var counts: DetectionCounts
    /// Raw H; nil without signal trials.
    public var hitRate: Double?
    /// Raw F; nil without noise trials.
    public var falseAlarmRate: Double?
    public var hitRateInterval: Interval?
    public var falseAlarmRateInterval: Interval?
    /// Log-linear corrected H′ and F′ used for d′, c and A′.
    public var correctedHitRate: Double
    public var correctedFalseAlarmRate: Double
    /// nil unless there are both signal and noise trials.
    public var dPrime: Double?
    public var dPrimeInterval: Interval?
    public var aPrime: Double?
    public var criterion: Double?
    public var criterionInterval: Interval?

    /// z for a two-sided 95 % interval.
    public static let z95 = 1.959963984540054

    public init(_ counts: DetectionCounts) {
        self.counts = counts
        let ns = counts.signalTrials, nn = counts.noiseTrials
        hitRate = ns > 0 ? Double(counts.hits) / Double(ns) : nil
        falseAlarmRate = nn > 0 ? Double(counts.falseAlarms) / Double(nn) : nil
        hitRateInterval = ns > 0 ? Self.wilson(successes: counts.hits, trials: ns) : nil
        falseAlarmRateInterval = nn > 0 ? Self.wilson(successes: counts.falseAlarms, trials: nn) : nil
        let h = (Double(counts.hits) + 0.5) / (Double(ns) + 1)
        let f = (Double(counts.falseAlarms) + 0.5) / (Double(nn) + 1)
        correctedHitRate = h
        correctedFalseAlarmRate = f
        guard ns > 0, nn > 0 else { return }
        let zh = Normal.quantile(h), zf = Normal.quantile(f)
        let d = zh - zf
        dPrime = d
        criterion = -0.5 * (zh + zf)
        aPrime = Self.aPrime(hitRate: h, falseAlarmRate: f)
        let variance =
            h * (1 - h) / (Double(ns) * pow(Normal.density(zh), 2))
            + f * (1 - f) / (Double(nn) * pow(Normal.density(zf), 2))
        let half = Self.z95 * variance.squareRoot()
        dPrimeInterval = Interval(lower: d - half, upper: d + half)
        criterionInterval = Interval(lower: criterion! - half / 2, upper: criterion! + half / 2)
    }

    /// A′ for the given rates (no correction applied here); nil when undefined (H = F = 0 or H = F = 1).
    public static func aPrime(hitRate h: Double, falseAlarmRate f: Double) -> Double? {
        if h >= f {
            let denominator = 4 * h * (1 - f)
            guard denominator > 0 else { return h == f ? 0.5 : nil }
            return 0.5 + (h - f) * (1 + h - f) / denominator
        }
        let denominator = 4 * f * (1 - h)
        guard denominator > 0 else { return nil }
        return 0.5 - (f - h) * (1 + f - h) / denominator
    }

    /// The Wilson score interval of a proportion at 95 %.
    public static func wilson(successes: Int, trials: Int, z: Double = z95) -> Interval {
        precondition(trials > 0 && successes >= 0 && successes <= trials)
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return Interval(lower: max(0, centre - half), upper: min(1, centre + half))
    }

    /// The largest d′ that `signal` and `noise` trials can show under the log-linear correction
    /// (every signal a hit, no false alarm).
    public static func maximumDPrime(signalTrials: Int, noiseTrials: Int) -> Double {
        Normal.quantile((Double(signalTrials) + 0.5) / (Double(signalTrials) + 1))
            - Normal.quantile(0.5 / (Double(noiseTrials) + 1))
    }
}
