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
    /// Signal detection at this stage alone: signal = the case is irregular, alarm = the stage's decision was not
    /// `release` (a referral for scanning, a stop for examination, a seizure …), over the attempts that reached it.
    public var detection: DetectionStatistics
}

/// Signal detection of one decision stage: targeting (the referral on papers), screening (the image
/// interpretation), examination (the findings) and evidence (the final disposition) are different skills, so each
/// gets its own hits, false alarms and d′. Signal: the case is irregular; alarm: the stage's decision was not
/// `release`. Counted over the attempts that reached the stage (a box released at targeting has no screening).
public struct StageDetection: Hashable, Sendable, Codable {
    public var stage: Stage
    public var detection: DetectionStatistics

    public init(stage: Stage, detection: DetectionStatistics) {
        self.stage = stage
        self.detection = detection
    }
}

/// Per stage (in stage order; stages no attempt reached are left out), from full grades.
public func stageDetection(_ grades: [Grade]) -> [StageDetection] {
    var counts: [Stage: DetectionCounts] = [:]
    for grade in grades {
        for result in grade.stages {
            counts[result.stage, default: DetectionCounts()].record(
                signal: grade.signal, alarm: result.chosen != .release)
        }
    }
    return Stage.allCases.compactMap { stage in
        counts[stage].map { StageDetection(stage: stage, detection: DetectionStatistics($0)) }
    }
}

/// Per stage, in stage order, over the stages the grades decided (stages no attempt decided are left out).
///
/// - Complexity: O(n log n) for n stage results.
public func stageStatistics(_ grades: [Grade]) -> [StageStatistics] {
    var byStage: [Stage: [StageResult]] = [:]
    var counts: [Stage: DetectionCounts] = [:]
    for grade in grades {
        for result in grade.stages {
            byStage[result.stage, default: []].append(result)
            counts[result.stage, default: DetectionCounts()].record(
                signal: grade.signal, alarm: result.chosen != .release)
        }
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
            medianResponseSeconds: median(results.map(\.responseSeconds)) ?? 0,
            detection: DetectionStatistics(counts[stage] ?? DetectionCounts()))
    }
}

/// The median of the values (the mean of the middle two for an even count); nil when there are none.
public func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted(), middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
