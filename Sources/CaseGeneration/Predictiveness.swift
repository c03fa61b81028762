import CargoModel

/// How well the trainee-visible fields of a course predict which cases hide something.
///
/// A course teaches judgement only if its fields are evidence, not rules: a classifier that reads the
/// papers should do about as well as a skilled targeting officer (better than chance, far from certain),
/// and one that also reads the examination about as well as a skilled examining officer. This trains an
/// L2-penalised logistic regression (`LogisticRegression`) on half the cases of a course (the even
/// positions of the course order, which a course plan shuffles) and scores the other half.
///
/// The aims (`Aim`) are the project's reading of practice, not a published figure: see
/// `Aim.papers` and `Aim.papersAndExamination`.
public struct Predictiveness: Sendable {
    /// A band a figure should fall in.
    public struct Aim: Sendable, Hashable {
        public var lowestAUC: Double
        public var highestAUC: Double

        /// Papers alone: better than a coin (the indicators are evidence, each with a likelihood ratio above
        /// one) but far from decisive. Pre-arrival targeting in practice finds something in a few per cent of
        /// the containers it selects (UNODC-WCO Container Control Programme reports; WCO Illicit Trade
        /// Reports), so even at a course's 50 % prevalence the papers should rank a concealment above a clean
        /// box not much more than two times in three.
        public static let papers = Aim(lowestAUC: 0.55, highestAUC: 0.75)
        /// Papers and examination: a skilled officer who examines every point and devans partly finds most
        /// concealments and clears most clean boxes, but structural concealments without cutting, goods
        /// deep in a full load, and depot repairs that look like tampering keep it clearly below certainty: under
        /// 0.9 (docs/case-realism.md).
        public static let papersAndExamination = Aim(lowestAUC: 0.75, highestAUC: 0.90)

        public func contains(_ auc: Double) -> Bool { auc >= lowestAUC && auc <= highestAUC }
    }

    /// The figures of one scope.
    public struct Figure: Sendable, Hashable {
        public var scope: TraineeVisibleFeatures.Scope
        /// Area under the ROC curve on the held-out half.
        public var auc: Double
        /// Share of held-out cases classified right at probability 0.5.
        public var accuracy: Double
        /// Share of held-out cases classified right by always answering the more common class.
        public var baseline: Double
        /// Features the model used (columns seen in the training half).
        public var featureCount: Int
        /// The features with the largest effect (|weight| × spread over the training half), largest first.
        public var strongest: [(name: String, weight: Double)]

        public static func == (a: Figure, b: Figure) -> Bool {
            a.scope == b.scope && a.auc == b.auc && a.accuracy == b.accuracy && a.featureCount == b.featureCount
        }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(scope)
            hasher.combine(auc)
        }
    }

    /// A binary feature that decides the answer on its own: every case that shows it is of one class.
    public struct RuleLikeFeature: Sendable, Hashable {
        public var name: String
        /// Cases that show it.
        public var count: Int
        /// Of those, how many hide something.
        public var irregular: Int
    }

    public var trainingCases: Int
    public var heldOutCases: Int
    public var prevalence: Double
    public var figures: [Figure]

    /// Measures `cases` (each case with the truth of its key: irregular or not).
    ///
    /// - Parameters:
    ///   - penalty: λ of the logistic regression's L2 penalty.
    ///   - strongest: how many of the strongest features to keep per scope.
    public init(
        cases: [(InspectionCase, irregular: Bool)], catalog: Catalog, penalty: Double = 1, strongest: Int = 12
    ) {
        let extractor = TraineeVisibleFeatures(catalog: catalog)
        let labels = cases.map(\.irregular)
        let trainIndices = cases.indices.filter { $0 % 2 == 0 }
        let testIndices = cases.indices.filter { $0 % 2 == 1 }
        trainingCases = trainIndices.count
        heldOutCases = testIndices.count
        prevalence = Double(labels.filter { $0 }.count) / Double(max(1, labels.count))
        var figures: [Figure] = []
        for scope in TraineeVisibleFeatures.Scope.allCases {
            let named = cases.map { extractor.features(of: $0.0, scope: scope) }
            // Columns: the features seen in the training half, in name order.
            var names = Set<String>()
            for i in trainIndices { names.formUnion(named[i].keys) }
            let columns = names.sorted()
            let column = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
            func row(_ features: [String: Double]) -> SparseRow {
                let pairs = features.compactMap { name, value in column[name].map { ($0, value) } }
                    .filter { $0.1 != 0 }.sorted { $0.0 < $1.0 }
                return SparseRow(columns: pairs.map(\.0), values: pairs.map(\.1))
            }
            let rows = named.map(row)
            let model = LogisticRegression(
                rows: trainIndices.map { rows[$0] }, labels: trainIndices.map { labels[$0] }, columns: columns.count,
                penalty: penalty)
            let scores = testIndices.map { model.probability(rows[$0]) }
            let truth = testIndices.map { labels[$0] }
            let correct = zip(scores, truth).filter { ($0 >= 0.5) == $1 }.count
            let positives = truth.filter { $0 }.count
            // Spread of each column over the training half, to rank the weights by effect.
            var sum = [Double](repeating: 0, count: columns.count)
            var squares = [Double](repeating: 0, count: columns.count)
            for i in trainIndices {
                for (j, v) in zip(rows[i].columns, rows[i].values) {
                    sum[j] += v
                    squares[j] += v * v
                }
            }
            let n = Double(max(1, trainIndices.count))
            let effects = columns.indices.map { j -> (String, Double) in
                let mean = sum[j] / n
                let spread = max(0, squares[j] / n - mean * mean).squareRoot()
                return (columns[j], model.weights[j] * spread)
            }
            let top = effects.sorted { abs($0.1) > abs($1.1) || (abs($0.1) == abs($1.1) && $0.0 < $1.0) }
                .prefix(strongest).map { (name: $0.0, weight: $0.1) }
            figures.append(
                Figure(
                    scope: scope, auc: areaUnderROC(scores: scores, labels: truth),
                    accuracy: Double(correct) / Double(max(1, truth.count)),
                    baseline: Double(max(positives, truth.count - positives)) / Double(max(1, truth.count)),
                    featureCount: columns.count, strongest: Array(top)))
        }
        self.figures = figures
    }

    /// The figure of `scope`.
    public func figure(_ scope: TraineeVisibleFeatures.Scope) -> Figure? { figures.first { $0.scope == scope } }

    /// How often one binary feature shows in each class: what a trainee could learn from it alone.
    public struct FeatureEvidence: Sendable, Hashable {
        public var name: String
        /// Clean cases that show it, and of all clean cases.
        public var clean: Int
        public var cleanTotal: Int
        /// Irregular cases that show it, and of all irregular cases.
        public var irregular: Int
        public var irregularTotal: Int

        /// Share of irregular cases showing it over share of clean cases showing it, each with half a case added to
        /// both counts so that a feature of one class only gets a large finite ratio, not infinity.
        public var likelihoodRatio: Double {
            let irregularShare = (Double(irregular) + 0.5) / (Double(irregularTotal) + 1)
            let cleanShare = (Double(clean) + 0.5) / (Double(cleanTotal) + 1)
            return irregularShare / cleanShare
        }
    }

    /// Every binary feature (value 1) within `scope` shown by at least `minimumCount` cases, with how often it shows
    /// in each class; sorted by how far its likelihood ratio is from 1 (either way), weighted by how many cases show
    /// it, so the features that tell the classes apart most often come first. An instructor reads it as: which
    /// signs of this course are evidence (ratio near 1 to 3) and which are rules (one class only).
    public static func featureEvidence(
        cases: [(InspectionCase, irregular: Bool)], catalog: Catalog, scope: TraineeVisibleFeatures.Scope,
        minimumCount: Int
    ) -> [FeatureEvidence] {
        let extractor = TraineeVisibleFeatures(catalog: catalog)
        var shown: [String: (Int, Int)] = [:]
        let irregularTotal = cases.filter(\.irregular).count
        let cleanTotal = cases.count - irregularTotal
        for (c, irregular) in cases {
            for (name, value) in extractor.features(of: c, scope: scope) where value == 1 {
                let tally = shown[name] ?? (0, 0)
                shown[name] = irregular ? (tally.0, tally.1 + 1) : (tally.0 + 1, tally.1)
            }
        }
        func weight(_ e: FeatureEvidence) -> Double {
            abs(log(e.likelihoodRatio)) * Double(e.clean + e.irregular).squareRoot()
        }
        return shown.filter { $0.value.0 + $0.value.1 >= minimumCount }
            .map {
                FeatureEvidence(
                    name: $0.key, clean: $0.value.0, cleanTotal: cleanTotal, irregular: $0.value.1,
                    irregularTotal: irregularTotal)
            }
            .sorted { weight($0) > weight($1) || (weight($0) == weight($1) && $0.name < $1.name) }
    }

    /// Binary features (value 1) shown by at least `minimumCount` cases that are all of one class: a rule a
    /// trainee could learn instead of judging. Sorted by count, largest first.
    public static func ruleLikeFeatures(
        cases: [(InspectionCase, irregular: Bool)], catalog: Catalog, scope: TraineeVisibleFeatures.Scope,
        minimumCount: Int
    ) -> [RuleLikeFeature] {
        let extractor = TraineeVisibleFeatures(catalog: catalog)
        var shown: [String: (Int, Int)] = [:]
        for (c, irregular) in cases {
            for (name, value) in extractor.features(of: c, scope: scope) where value == 1 {
                let tally = shown[name] ?? (0, 0)
                shown[name] = (tally.0 + 1, tally.1 + (irregular ? 1 : 0))
            }
        }
        return shown.filter { $0.value.0 >= minimumCount && ($0.value.1 == 0 || $0.value.1 == $0.value.0) }
            .map { RuleLikeFeature(name: $0.key, count: $0.value.0, irregular: $0.value.1) }
            .sorted { $0.count > $1.count || ($0.count == $1.count && $0.name < $1.name) }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
