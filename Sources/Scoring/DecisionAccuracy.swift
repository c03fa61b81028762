import Foundation

/// The probability of certification at one true ability.
public struct OperatingPoint: Hashable, Sendable, Codable {
    /// The trainee's true d′ and criterion c (0: unbiased).
    public var trueDPrime: Double
    public var criterion: Double
    /// The true hit and false-alarm rates these give: H = Φ(d′/2 − c), F = Φ(−d′/2 − c).
    public var hitRate: Double
    public var falseAlarmRate: Double
    /// The probability that the policy's proficiency gates pass.
    public var passProbability: Double
}

/// How accurately a policy decides on a test form of given size: its operating characteristic, the standard error
/// of d′ at the cut, and the false-pass and false-fail rates.
///
/// Computed exactly: given the true rates, the hits on N_s concealment cases and the false alarms on N_n clean
/// cases are independent binomials, so P(pass) = Σₕ Σ_f Bin(h; N_s, H) · Bin(f; N_n, F) · [the gates pass on
/// (h, f)], summed over all (N_s + 1)(N_n + 1) outcomes with the very gates `evaluateTrainee` applies. The count
/// and per-kind gates are taken as met (the form has the cases) and localisation is left out.
public struct DecisionAccuracy: Hashable, Sendable, Codable {
    public var concealmentCases: Int
    public var cleanCases: Int
    /// The policy's d′ bar.
    public var bar: Double
    /// The distance from the bar at which the error rates are taken.
    public var margin: Double
    /// The standard error of the d′ estimate of a trainee exactly at the bar (unbiased), on this form:
    /// √[H(1−H)/(N_s φ(z_H)²) + F(1−F)/(N_n φ(z_F)²)] at H = Φ(bar/2), F = Φ(−bar/2).
    public var standardErrorAtCut: Double
    /// P(pass) of an unbiased trainee exactly at the bar.
    public var passAtBar: Double
    /// P(pass) of an unbiased trainee `margin` below the bar.
    public var falsePassRate: Double
    /// P(fail) of an unbiased trainee `margin` above the bar.
    public var falseFailRate: Double
    /// P(pass) at bar − 1, − ½, 0, + ½, + 1 (unbiased), and at the bar with c = ±0.5.
    public var curve: [OperatingPoint]
}

/// The binomial probability of k successes in n trials at rate p (through log-gamma: no overflow for large n).
public func binomialProbability(_ k: Int, _ n: Int, _ p: Double) -> Double {
    precondition(n >= 0 && k >= 0 && k <= n)
    if p <= 0 { return k == 0 ? 1 : 0 }
    if p >= 1 { return k == n ? 1 : 0 }
    let logChoose = lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    return exp(logChoose + Double(k) * log(p) + Double(n - k) * log1p(-p))
}

extension CertificationPolicy {
    /// Whether the trainee's proficiency gates pass on these counts (the count gates are not looked at).
    public func traineeProficiencyPasses(_ counts: DetectionCounts) -> Bool {
        Self.proficiencyReasons(
            DetectionStatistics(counts), hit: trainee.minimumHitRate, falseAlarm: trainee.maximumFalseAlarmRate,
            dPrime: trainee.minimumDPrime, lowerBound: trainee.minimumDPrimeLowerBound, z: decisionZ,
            confidence: decisionConfidence ?? 0.5
        ).allSatisfy(\.passed)
    }

    /// The exact probability that a trainee of true d′ and criterion c passes the trainee proficiency gates on a
    /// form of `concealmentCases` + `cleanCases` (see `DecisionAccuracy`).
    public func passProbability(trueDPrime: Double, criterion: Double = 0, concealmentCases: Int, cleanCases: Int)
        -> OperatingPoint
    {
        let h = Normal.cdf(trueDPrime / 2 - criterion), f = Normal.cdf(-trueDPrime / 2 - criterion)
        let hits = (0...concealmentCases).map { binomialProbability($0, concealmentCases, h) }
        let alarms = (0...cleanCases).map { binomialProbability($0, cleanCases, f) }
        var total = 0.0
        for k in 0...concealmentCases where hits[k] > 0 {
            for j in 0...cleanCases where alarms[j] > 0 {
                let counts = DetectionCounts(
                    hits: k, misses: concealmentCases - k, falseAlarms: j, correctRejections: cleanCases - j)
                if traineeProficiencyPasses(counts) { total += hits[k] * alarms[j] }
            }
        }
        return OperatingPoint(
            trueDPrime: trueDPrime, criterion: criterion, hitRate: h, falseAlarmRate: f, passProbability: total)
    }

    /// The accuracy of the trainee decision on a form of this size, with error rates at `margin` from the bar.
    public func traineeDecisionAccuracy(concealmentCases: Int, cleanCases: Int, margin: Double = 0.5)
        -> DecisionAccuracy
    {
        let bar = trainee.minimumDPrime
        func point(_ d: Double, _ c: Double = 0) -> OperatingPoint {
            passProbability(trueDPrime: d, criterion: c, concealmentCases: concealmentCases, cleanCases: cleanCases)
        }
        let h = Normal.cdf(bar / 2), f = Normal.cdf(-bar / 2)
        let variance =
            h * (1 - h) / (Double(max(1, concealmentCases)) * pow(Normal.density(Normal.quantile(h)), 2))
            + f * (1 - f) / (Double(max(1, cleanCases)) * pow(Normal.density(Normal.quantile(f)), 2))
        let curve = [bar - 1, bar - 0.5, bar, bar + 0.5, bar + 1].map { point($0) } + [point(bar, -0.5), point(bar, 0.5)]
        return DecisionAccuracy(
            concealmentCases: concealmentCases, cleanCases: cleanCases, bar: bar, margin: margin,
            standardErrorAtCut: variance.squareRoot(), passAtBar: point(bar).passProbability,
            falsePassRate: point(bar - margin).passProbability,
            falseFailRate: 1 - point(bar + margin).passProbability, curve: curve)
    }
}

/// The reliability of a test form from a cohort's right/wrong answers.
public struct FormReliability: Hashable, Sendable, Codable {
    /// Trainees with an answer to every item, and the items.
    public var trainees: Int
    public var items: Int
    /// Kuder–Richardson 20: k/(k − 1) · (1 − Σ pᵢqᵢ / σ²ₓ), σ²ₓ the population variance of the number correct;
    /// nil when the total scores do not vary or there are fewer than 2 items.
    public var kr20: Double?
    /// The standard error of measurement of the number correct: σₓ √(1 − KR-20).
    public var standardErrorOfMeasurement: Double?
    public var meanScore: Double
    public var scoreStandardDeviation: Double
}

/// KR-20 (Kuder & Richardson 1937) of a persons × items matrix of right (true) and wrong answers, every row complete.
public func formReliability(_ answers: [[Bool]]) -> FormReliability {
    let n = answers.count, k = answers.first?.count ?? 0
    precondition(answers.allSatisfy { $0.count == k }, "every trainee needs an answer to every item")
    guard n > 0, k > 0 else {
        return FormReliability(
            trainees: n, items: k, kr20: nil, standardErrorOfMeasurement: nil, meanScore: 0, scoreStandardDeviation: 0)
    }
    let totals = answers.map { Double($0.filter { $0 }.count) }
    let mean = totals.reduce(0, +) / Double(n)
    let variance = totals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
    var pq = 0.0
    for item in 0..<k {
        let p = Double(answers.filter { $0[item] }.count) / Double(n)
        pq += p * (1 - p)
    }
    var kr20: Double?
    if k >= 2, variance > 0 { kr20 = Double(k) / Double(k - 1) * (1 - pq / variance) }
    return FormReliability(
        trainees: n, items: k, kr20: kr20,
        standardErrorOfMeasurement: kr20.map { variance.squareRoot() * max(0, 1 - $0).squareRoot() },
        meanScore: mean, scoreStandardDeviation: variance.squareRoot())
}
