import CargoModel

/// How a group of graded attempts decided one stage: how often the key accepted the decision, the mean stage
/// score and the time taken.
public struct StageStatistics: Hashable, Sendable, Codable {
    public var stage: Stage
    /// Attempts that decided this stage.
    public var attempts: Int
    /// Decisions the key accepts (`StageResult.acceptable`).
    public var acceptable: Int
    /// acceptable / attempts.
    public var proportionAcceptable: Double
    /// Wilson 95 % interval of `proportionAcceptable`.
    public var interval: Interval
    /// Mean of the stage scores (1 − cost / worst cost), 0–1.
    public var meanScore: Double
    /// Mean and median time from the stage's showing to its decision, in seconds.
    public var meanResponseSeconds: Double
    public var medianResponseSeconds: Double
}

/// Per stage, in stage order, over the stages the grades decided (stages no attempt decided are left out).
///
/// - Complexity: O(n log n) for n stage results.
public func stageStatistics(_ grades: [Grade]) -> [StageStatistics] {
    var byStage: [Stage: [StageResult]] = [:]
    for grade in grades {
        for result in grade.stages { byStage[result.stage, default: []].append(result) }
    }
    return Stage.allCases.compactMap { stage in
        guard let results = byStage[stage], !results.isEmpty else { return nil }
        let n = results.count
        let acceptable = results.filter(\.acceptable).count
        return StageStatistics(
            stage: stage, attempts: n, acceptable: acceptable, proportionAcceptable: Double(acceptable) / Double(n),
            interval: DetectionStatistics.wilson(successes: acceptable, trials: n),
            meanScore: results.map(\.score).reduce(0, +) / Double(n),
            meanResponseSeconds: results.map(\.responseSeconds).reduce(0, +) / Double(n),
            medianResponseSeconds: median(results.map(\.responseSeconds)) ?? 0)
    }
}

/// The median of the values (the mean of the middle two for an even count); nil when there are none.
public func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted(), middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
