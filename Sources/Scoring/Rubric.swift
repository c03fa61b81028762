import CargoModel

/// Whether a case truly hides something: the row of the cost matrix.
public enum Truth: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable {
    case irregular, clean
}

/// How a marked region counts as finding a key region.
public enum LocalisationMode: String, Sendable, Codable, CaseIterable {
    /// Intersection over union of the mark's bounding box and the key box at least `iouThreshold`.
    case iou
    /// The mark's centre (or the point marked) inside the key box.
    case pointInBox
}

/// The localisation rule of a rubric.
public struct LocalisationRule: Hashable, Sendable, Codable {
    public var mode: LocalisationMode
    /// For `.iou`: the smallest IoU that is a hit, in (0, 1].
    public var iouThreshold: Double
    /// A mark whose bounding box covers more than this share of the scan is never a hit (it is a
    /// false mark): marking the whole container finds nothing.
    public var maximumScanCoverage: Double

    public init(mode: LocalisationMode = .iou, iouThreshold: Double = 0.3, maximumScanCoverage: Double = 0.5) {
        self.mode = mode
        self.iouThreshold = iouThreshold
        self.maximumScanCoverage = maximumScanCoverage
    }
}

/// The weights of a case's parts in its score; parts that do not apply to a case are left out and the
/// rest renormalised.
public struct RubricWeights: Hashable, Sendable, Codable {
    public var disposition: Double
    public var localisation: Double
    public var indicators: Double
    public var sealFindings: Double
    public var examination: Double
    public var evidence: Double

    public init(
        disposition: Double = 0.5, localisation: Double = 0.15, indicators: Double = 0.1,
        sealFindings: Double = 0.1, examination: Double = 0.1, evidence: Double = 0.05
    ) {
        self.disposition = disposition
        self.localisation = localisation
        self.indicators = indicators
        self.sealFindings = sealFindings
        self.examination = examination
        self.evidence = evidence
    }
}

/// How an instructor grades: weights, the cost of each disposition by truth and stage, thresholds. Versioned.
///
/// A stage's disposition score is `1 − cost / worst`, where `cost` is the matrix entry for the case's
/// truth and the disposition chosen (0 when the key lists the disposition as acceptable), and `worst`
/// is the largest entry among the dispositions offered at that stage for that truth.
public struct Rubric: Hashable, Sendable, Codable {
    /// Changes whenever any grade the rubric gives would change (`cargosim-default-1`).
    public var version: String
    public var weights: RubricWeights
    /// cost[stage][truth][disposition], in arbitrary units (only ratios matter).
    public var costs: [Stage: [Truth: [Disposition: Double]]]
    /// Cost of referring to an agency other than the key's, at the evidence stage.
    public var wrongAgencyCost: Double
    public var localisation: LocalisationRule
    /// A case's score at or above which it counts as passed (0–1).
    public var passMark: Double
    /// Seconds per stage beyond which feedback says the decision was slow (not penalised).
    public var responseTimeLimits: [Stage: Double]

    public init(
        version: String, weights: RubricWeights, costs: [Stage: [Truth: [Disposition: Double]]],
        wrongAgencyCost: Double, localisation: LocalisationRule, passMark: Double,
        responseTimeLimits: [Stage: Double]
    ) {
        self.version = version
        self.weights = weights
        self.costs = costs
        self.wrongAgencyCost = wrongAgencyCost
        self.localisation = localisation
        self.passMark = passMark
        self.responseTimeLimits = responseTimeLimits
    }

    /// The shipped default. A missed concealment (release of an irregular box) costs 10 at every stage;
    /// an unneeded examination of a clean box costs 1–3; a referral for scanning that finds nothing costs 0.5.
    public static let standard = Rubric(
        version: "cargosim-default-1",
        weights: RubricWeights(),
        costs: [
            .targeting: [
                .irregular: [.release: 10, .referForScan: 0, .targetedExamination: 0],
                .clean: [.release: 0, .referForScan: 0.5, .targetedExamination: 1],
            ],
            .screening: [
                .irregular: [.release: 10, .targetedExamination: 0, .fullDevanning: 1, .detain: 1],
                .clean: [.release: 0, .targetedExamination: 1, .fullDevanning: 2, .detain: 3],
            ],
            .examination: [
                .irregular: [.release: 10, .fullDevanning: 1, .detain: 0],
                .clean: [.release: 0, .fullDevanning: 2, .detain: 3],
            ],
            .evidence: [
                .irregular: [
                    .release: 10, .detain: 1, .controlledDelivery: 2, .referToAgency: 1, .alertDestinationPort: 3,
                ],
                .clean: [.release: 0, .detain: 3, .controlledDelivery: 3, .referToAgency: 3, .alertDestinationPort: 2],
            ],
        ],
        wrongAgencyCost: 2,
        localisation: LocalisationRule(),
        passMark: 0.7,
        responseTimeLimits: [.targeting: 600, .screening: 300, .examination: 900, .evidence: 600])

    /// Checks the rubric: weights and costs non-negative and finite, some weight, thresholds in range,
    /// every offered disposition priced.
    public func validate() -> ValidationReport {
        var report = ValidationReport()
        report.check(
            !version.isEmpty, code: "rubric.version", field: "version", value: version, "Give the rubric a version.")
        let w = weights
        let all = [
            ("disposition", w.disposition), ("localisation", w.localisation), ("indicators", w.indicators),
            ("sealFindings", w.sealFindings), ("examination", w.examination), ("evidence", w.evidence),
        ]
        for (name, value) in all {
            report.check(
                value.isFinite && value >= 0, code: "rubric.weight", field: "weights.\(name)", value: "\(value)",
                "Use a weight of 0 or more.")
        }
        report.check(
            w.disposition > 0, code: "rubric.weight", field: "weights.disposition", value: "\(w.disposition)",
            "The disposition must carry some weight.")
        for stage in Stage.allCases {
            for truth in Truth.allCases {
                for disposition in Disposition.options(at: stage) {
                    let cost = costs[stage]?[truth]?[disposition]
                    report.check(
                        cost.map { $0.isFinite && $0 >= 0 } ?? false, code: "rubric.cost",
                        field: "costs.\(stage.rawValue).\(truth.rawValue).\(disposition.rawValue)",
                        value: cost.map { "\($0)" } ?? "missing",
                        "Give a cost of 0 or more for every disposition offered at the stage.")
                }
            }
        }
        let l = localisation
        report.check(
            l.iouThreshold > 0 && l.iouThreshold <= 1, code: "rubric.threshold", field: "localisation.iouThreshold",
            value: "\(l.iouThreshold)", "Use an IoU threshold above 0 and at most 1.")
        report.check(
            l.maximumScanCoverage > 0 && l.maximumScanCoverage <= 1, code: "rubric.threshold",
            field: "localisation.maximumScanCoverage", value: "\(l.maximumScanCoverage)",
            "Use a share of the scan above 0 and at most 1.")
        report.check(
            passMark >= 0 && passMark <= 1, code: "rubric.threshold", field: "passMark", value: "\(passMark)",
            "Use a pass mark between 0 and 1.")
        return report
    }

    /// The cost of `disposition` at `stage` for a case of `truth`, and the worst cost offered there.
    func cost(_ disposition: Disposition, at stage: Stage, truth: Truth) -> (cost: Double, worst: Double) {
        let row = costs[stage]?[truth] ?? [:]
        let worst = Disposition.options(at: stage).map { row[$0] ?? 0 }.max() ?? 0
        return (row[disposition] ?? worst, worst)
    }
}
