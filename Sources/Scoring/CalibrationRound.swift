/// Why a calibration round refused a step.
public struct CalibrationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: String
    public var field: String
    public var value: String
    public var message: String

    public var description: String { "\(field): \(message) (value: \"\(value)\")" }
}

/// One item where a candidate grades away from the reference.
public struct Departure: Hashable, Sendable, Codable {
    public var item: String
    public var candidateGrade: String
    public var referenceGrade: String
    /// Steps apart on the scale (signed: positive when the candidate is more lenient, i.e. higher).
    public var steps: Int
}

/// How one candidate agrees with the reference grading.
public struct CandidateAgreement: Hashable, Sendable, Codable {
    public var candidate: String
    public var itemsGraded: Int
    public var itemsMissing: Int
    /// Cohen's κ against the reference, the grades taken as nominal.
    public var kappa: Double?
    public var weightedKappaLinear: Double?
    public var weightedKappaQuadratic: Double?
    /// Krippendorff's α over the panel and this candidate (carried by the panel: shown, not gated).
    public var alphaNominal: Double?
    public var alphaOrdinal: Double?
    /// Mean signed steps from the reference (positive: more lenient).
    public var meanBias: Double
    /// The items graded differently, largest departure first.
    public var departures: [Departure]
    /// Krippendorff's α (ordinal) of the candidate against the reference alone (two coders): what the trainer
    /// policy gates, so that the panel's own agreement cannot carry a candidate who disagrees with it.
    public var alphaWithReference: Double? = nil
    /// 95 % bootstrap percentile intervals (items resampled, `CalibrationBootstrap`) of the quadratic weighted κ
    /// and of `alphaWithReference`; nil when too few items.
    public var weightedKappaQuadraticInterval: Interval? = nil
    public var alphaWithReferenceInterval: Interval? = nil
    /// The items this candidate left ungraded (reported, never dropped silently).
    public var missingItems: [String] = []

    public init(
        candidate: String, itemsGraded: Int, itemsMissing: Int, kappa: Double?, weightedKappaLinear: Double?,
        weightedKappaQuadratic: Double?, alphaNominal: Double?, alphaOrdinal: Double?, meanBias: Double,
        departures: [Departure]
    ) {
        self.candidate = candidate
        self.itemsGraded = itemsGraded
        self.itemsMissing = itemsMissing
        self.kappa = kappa
        self.weightedKappaLinear = weightedKappaLinear
        self.weightedKappaQuadratic = weightedKappaQuadratic
        self.alphaNominal = alphaNominal
        self.alphaOrdinal = alphaOrdinal
        self.meanBias = meanBias
        self.departures = departures
    }
}

/// The outcome of a closed round.
public struct CalibrationResults: Hashable, Sendable, Codable {
    public var roundId: String
    public var rubricVersion: String
    public var scale: [String]
    /// The reference grade of every item (the panel's median; lower median for an even panel).
    public var reference: [String: String]
    /// α of the panel alone: how reliable the reference is.
    public var panelAlphaOrdinal: Double?
    /// α over the panel and every candidate, with missing grades.
    public var allAlphaNominal: Double?
    public var allAlphaOrdinal: Double?
    public var candidates: [CandidateAgreement]
    /// Items in the round, and the distinct trainees whose attempts they are (`CalibrationRecord.itemTrainees`,
    /// else the part of the item id before its first "/").
    public var itemCount: Int = 0
    public var distinctTrainees: Int = 0
    /// The bootstrap's resamples and seed (the intervals are reproducible).
    public var bootstrapResamples: Int = 0
    public var bootstrapSeed: UInt64 = 0

    public init(
        roundId: String, rubricVersion: String, scale: [String], reference: [String: String],
        panelAlphaOrdinal: Double?, allAlphaNominal: Double?, allAlphaOrdinal: Double?,
        candidates: [CandidateAgreement], itemCount: Int = 0, distinctTrainees: Int = 0, bootstrapResamples: Int = 0,
        bootstrapSeed: UInt64 = 0
    ) {
        self.roundId = roundId
        self.rubricVersion = rubricVersion
        self.scale = scale
        self.reference = reference
        self.panelAlphaOrdinal = panelAlphaOrdinal
        self.allAlphaNominal = allAlphaNominal
        self.allAlphaOrdinal = allAlphaOrdinal
        self.candidates = candidates
        self.itemCount = itemCount
        self.distinctTrainees = distinctTrainees
        self.bootstrapResamples = bootstrapResamples
        self.bootstrapSeed = bootstrapSeed
    }
}

/// Bootstrap intervals of a candidate's agreement with the reference: the round's items resampled with
/// replacement (Efron & Tibshirani 1993, percentile method), from a fixed seed so that the same round gives the
/// same interval every time.
public enum CalibrationBootstrap {
    public static let resamples = 2000
    public static let seed: UInt64 = 19

    /// The 2.5 % and 97.5 % percentiles of `statistic` over `resamples` resamples of the paired grades (pairs
    /// with a missing grade are left out first); nil with fewer than 5 pairs or when the statistic is undefined
    /// in more than half the resamples.
    public static func interval(
        _ pairs: [(Int, Int)], resamples: Int = resamples, seed: UInt64 = seed, _ statistic: ([(Int, Int)]) -> Double?
    ) -> Interval? {
        guard pairs.count >= 5 else { return nil }
        var rng = SplitMix64(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        var sample = pairs
        for _ in 0..<resamples {
            for k in sample.indices { sample[k] = pairs[Int(rng.next() % UInt64(pairs.count))] }
            if let v = statistic(sample) { values.append(v) }
        }
        guard values.count * 2 >= resamples else { return nil }
        values.sort()
        func quantile(_ q: Double) -> Double {
            // Type 7 (linear interpolation between order statistics).
            let h = q * Double(values.count - 1)
            let lo = Int(h.rounded(.down)), hi = min(values.count - 1, lo + 1)
            return values[lo] + (h - Double(lo)) * (values[hi] - values[lo])
        }
        return Interval(lower: quantile(0.025), upper: quantile(0.975))
    }
}

/// A calibration round for trainer candidates, as a state machine (no I/O).
///
/// 1. `reference`: panelists grade the round's items (attempts) on the round's ordered scale;
/// 2. `openToCandidates()` once every item has at least `minimumPanel` reference grades;
/// 3. `candidates`: each candidate grades the same items (items may be left out: α handles missing data);
/// 4. `close()` computes the agreement and ends the round.
/// Every step returns what happens next or throws a `CalibrationError` naming the field and value.
public struct CalibrationRound: Hashable, Sendable, Codable {
    public enum Phase: String, Hashable, Sendable, Codable { case reference, candidates, closed }

    /// What the round needs next.
    public enum Next: Hashable, Sendable {
        /// Reference grades still missing for these items.
        case awaitReferenceGrades(items: [String])
        /// The reference is complete: open the round to candidates.
        case openToCandidates
        /// This candidate still has these items to grade.
        case awaitCandidateGrades(candidate: String, items: [String])
        /// This candidate has graded every item.
        case candidateComplete(candidate: String)
    }

    public let id: String
    public let rubricVersion: String
    /// The grades, from lowest to highest.
    public let scale: [String]
    public let items: [String]
    public let minimumPanel: Int
    public private(set) var phase: Phase = .reference
    /// panelist → item → index into `scale`.
    public private(set) var panel: [String: [String: Int]] = [:]
    public private(set) var candidates: [String: [String: Int]] = [:]
    /// The trainee of each item, when known (for the round's count of distinct trainees).
    public var itemTrainees: [String: String]? = nil

    public init(id: String, rubricVersion: String, scale: [String], items: [String], minimumPanel: Int = 2)
        throws(CalibrationError)
    {
        guard scale.count >= 2, Set(scale).count == scale.count else {
            throw CalibrationError(
                code: "calibration.scale", field: "scale", value: scale.joined(separator: ","),
                message: "Give at least two distinct grades, lowest first.")
        }
        guard !items.isEmpty, Set(items).count == items.count else {
            throw CalibrationError(
                code: "calibration.items", field: "items", value: "\(items.count)",
                message: "Give at least one item, each once.")
        }
        self.id = id
        self.rubricVersion = rubricVersion
        self.scale = scale
        self.items = items
        self.minimumPanel = max(1, minimumPanel)
    }

    private func index(of grade: String, item: String) throws(CalibrationError) -> Int {
        guard items.contains(item) else {
            throw CalibrationError(
                code: "calibration.item", field: "item", value: item, message: "Grade one of the round's items.")
        }
        guard let i = scale.firstIndex(of: grade) else {
            throw CalibrationError(
                code: "calibration.grade", field: "grade", value: grade,
                message: "Use a grade of the scale: " + scale.joined(separator: ", ") + ".")
        }
        return i
    }

    /// Records a panelist's grade (a later grade of the same item replaces the earlier one).
    @discardableResult
    public mutating func recordReference(panelist: String, item: String, grade: String) throws(CalibrationError) -> Next
    {
        guard phase == .reference else {
            throw CalibrationError(
                code: "calibration.phase", field: "panelist", value: panelist,
                message: "The reference is closed once candidates start; open a new round to change it.")
        }
        panel[panelist, default: [:]][item] = try index(of: grade, item: item)
        let short = items.filter { item in panel.values.filter { $0[item] != nil }.count < minimumPanel }
        return short.isEmpty ? .openToCandidates : .awaitReferenceGrades(items: short)
    }

    /// Ends the reference phase.
    public mutating func openToCandidates() throws(CalibrationError) {
        guard phase == .reference else {
            throw CalibrationError(
                code: "calibration.phase", field: "phase", value: phase.rawValue, message: "The round is already open.")
        }
        let short = items.filter { item in panel.values.filter { $0[item] != nil }.count < minimumPanel }
        guard short.isEmpty else {
            throw CalibrationError(
                code: "calibration.reference", field: "reference", value: short.joined(separator: ","),
                message: "Have at least \(minimumPanel) panelists grade every item first.")
        }
        phase = .candidates
    }

    /// Records a candidate's grade.
    @discardableResult
    public mutating func recordCandidate(_ candidate: String, item: String, grade: String) throws(CalibrationError)
        -> Next
    {
        guard phase == .candidates else {
            throw CalibrationError(
                code: "calibration.phase", field: "candidate", value: candidate,
                message: phase == .reference
                    ? "Open the round to candidates once the reference is complete."
                    : "The round is closed.")
        }
        guard panel[candidate] == nil else {
            throw CalibrationError(
                code: "calibration.panelist", field: "candidate", value: candidate,
                message: "A panelist cannot be a candidate in the same round.")
        }
        candidates[candidate, default: [:]][item] = try index(of: grade, item: item)
        let remaining = items.filter { candidates[candidate]?[$0] == nil }
        return remaining.isEmpty
            ? .candidateComplete(candidate: candidate)
            : .awaitCandidateGrades(candidate: candidate, items: remaining)
    }

    /// Enters a candidate who may have graded nothing, so that a candidate whose grades are all missing is
    /// reported (every item missing, no figures) instead of disappearing.
    public mutating func registerCandidate(_ candidate: String) throws(CalibrationError) {
        guard phase == .candidates else {
            throw CalibrationError(
                code: "calibration.phase", field: "candidate", value: candidate,
                message: "Open the round to candidates once the reference is complete.")
        }
        guard panel[candidate] == nil else {
            throw CalibrationError(
                code: "calibration.panelist", field: "candidate", value: candidate,
                message: "A panelist cannot be a candidate in the same round.")
        }
        if candidates[candidate] == nil { candidates[candidate] = [:] }
    }

    /// The reference grade index of each item: the panel's (lower) median.
    public var referenceIndexes: [String: Int] {
        var out: [String: Int] = [:]
        for item in items {
            let grades = panel.values.compactMap { $0[item] }.sorted()
            if !grades.isEmpty { out[item] = grades[(grades.count - 1) / 2] }
        }
        return out
    }

    /// Closes the round and computes every agreement figure.
    public mutating func close() throws(CalibrationError) -> CalibrationResults {
        guard phase == .candidates else {
            throw CalibrationError(
                code: "calibration.phase", field: "phase", value: phase.rawValue,
                message: phase == .reference ? "Open the round to candidates first." : "The round is already closed.")
        }
        phase = .closed
        return results()
    }

    /// The trainee of an item id written `TRAINEE/CASE` (as `simulate-cohort` writes them); the id itself otherwise.
    public static func trainee(ofItem item: String) -> String {
        item.split(separator: "/", maxSplits: 1).first.map(String.init) ?? item
    }

    /// The agreement figures as they stand (also after closing).
    public func results() -> CalibrationResults {
        let reference = referenceIndexes
        let referenceColumn = items.map { reference[$0] }
        let panelists = panel.keys.sorted()
        let panelRows = panelists.map { p in items.map { panel[p]![$0].map(Double.init) } }
        var agreements: [CandidateAgreement] = []
        for name in candidates.keys.sorted() {
            let grades = candidates[name]!
            let column = items.map { grades[$0] }
            let row = items.map { grades[$0].map(Double.init) }
            var departures: [Departure] = []
            var bias = 0.0, paired = 0
            for (i, item) in items.enumerated() {
                guard let c = column[i], let r = referenceColumn[i] else { continue }
                paired += 1
                bias += Double(c - r)
                if c != r {
                    departures.append(
                        Departure(item: item, candidateGrade: scale[c], referenceGrade: scale[r], steps: c - r))
                }
            }
            departures.sort { abs($0.steps) != abs($1.steps) ? abs($0.steps) > abs($1.steps) : $0.item < $1.item }
            var pairs: [(Int, Int)] = []
            for (c, r) in zip(column, referenceColumn) { if let c, let r { pairs.append((c, r)) } }
            let k = scale.count
            func quadratic(_ p: [(Int, Int)]) -> Double? {
                Agreement.kappa(p.map { $0.0 }, p.map { $0.1 }, categories: k, weighting: .quadratic)
            }
            func alpha(_ p: [(Int, Int)]) -> Double? {
                Agreement.krippendorffAlpha(
                    [p.map { Double($0.0) }, p.map { Double($0.1) }], metric: .ordinal)
            }
            var agreement = CandidateAgreement(
                    candidate: name, itemsGraded: column.compactMap { $0 }.count,
                    itemsMissing: column.filter { $0 == nil }.count,
                    kappa: Agreement.kappa(column, referenceColumn, categories: scale.count),
                    weightedKappaLinear: Agreement.kappa(
                        column, referenceColumn, categories: scale.count, weighting: .linear),
                    weightedKappaQuadratic: Agreement.kappa(
                        column, referenceColumn, categories: scale.count, weighting: .quadratic),
                    alphaNominal: Agreement.krippendorffAlpha(panelRows + [row], metric: .nominal),
                    alphaOrdinal: Agreement.krippendorffAlpha(panelRows + [row], metric: .ordinal),
                    meanBias: paired > 0 ? bias / Double(paired) : 0, departures: departures)
            agreement.alphaWithReference = pairs.isEmpty ? nil : alpha(pairs)
            agreement.weightedKappaQuadraticInterval = CalibrationBootstrap.interval(pairs, quadratic)
            agreement.alphaWithReferenceInterval = CalibrationBootstrap.interval(pairs, alpha)
            agreement.missingItems = items.filter { grades[$0] == nil }
            agreements.append(agreement)
        }
        let candidateRows = candidates.keys.sorted().map { c in items.map { candidates[c]![$0].map(Double.init) } }
        return CalibrationResults(
            roundId: id, rubricVersion: rubricVersion, scale: scale,
            reference: reference.mapValues { scale[$0] },
            panelAlphaOrdinal: panelRows.count >= 2 ? Agreement.krippendorffAlpha(panelRows, metric: .ordinal) : nil,
            allAlphaNominal: Agreement.krippendorffAlpha(panelRows + candidateRows, metric: .nominal),
            allAlphaOrdinal: Agreement.krippendorffAlpha(panelRows + candidateRows, metric: .ordinal),
            candidates: agreements, itemCount: items.count,
            distinctTrainees: Set(items.map { itemTrainees?[$0] ?? Self.trainee(ofItem: $0) }).count,
            bootstrapResamples: CalibrationBootstrap.resamples, bootstrapSeed: CalibrationBootstrap.seed)
    }
}

/// A calibration round as a file: the round's definition and every grade given (`cargosim calibrate`).
public struct CalibrationRecord: Hashable, Sendable, Codable {
    public var id: String
    public var rubricVersion: String
    public var scale: [String]
    public var items: [String]
    /// panelist → item → grade.
    public var reference: [String: [String: String]]
    /// candidate → item → grade (items left out are missing grades).
    public var candidates: [String: [String: String]]
    /// item → the trainee whose attempt it is (left out: the part of the item id before its first "/").
    public var itemTrainees: [String: String]? = nil

    public init(
        id: String, rubricVersion: String, scale: [String], items: [String], reference: [String: [String: String]],
        candidates: [String: [String: String]]
    ) {
        self.id = id
        self.rubricVersion = rubricVersion
        self.scale = scale
        self.items = items
        self.reference = reference
        self.candidates = candidates
    }

    /// Plays the record through a `CalibrationRound` (reference, open, candidates, close).
    /// - Throws: `CalibrationError` naming the panelist or candidate, item and grade at fault.
    public func run(minimumPanel: Int = 2) throws(CalibrationError) -> CalibrationResults {
        var round = try CalibrationRound(
            id: id, rubricVersion: rubricVersion, scale: scale, items: items,
            minimumPanel: minimumPanel)
        func named(_ error: CalibrationError, _ who: String, _ item: String) -> CalibrationError {
            var e = error
            e.field = "\(who).\(item)"
            return e
        }
        for panelist in reference.keys.sorted() {
            for (item, grade) in reference[panelist]!.sorted(by: { $0.key < $1.key }) {
                do { try round.recordReference(panelist: panelist, item: item, grade: grade) } catch {
                    throw named(error, "reference.\(panelist)", item)
                }
            }
        }
        round.itemTrainees = itemTrainees
        try round.openToCandidates()
        for candidate in candidates.keys.sorted() {
            do { try round.registerCandidate(candidate) } catch { throw named(error, "candidates", candidate) }
            for (item, grade) in candidates[candidate]!.sorted(by: { $0.key < $1.key }) {
                do { try round.recordCandidate(candidate, item: item, grade: grade) } catch {
                    throw named(error, "candidates.\(candidate)", item)
                }
            }
        }
        return try round.close()
    }

    /// A simulated round for demonstrations: each item's true grade is its score banded onto the scale;
    /// panelists grade it one step off with probability 0.1, candidates with their own `error` rate and
    /// `bias` (steps, positive lenient), and leave out a grade with probability 0.03.
    public static func simulated(
        id: String, items: [(id: String, score: Double)], scale: [String], panelists: Int,
        candidates: [(name: String, error: Double, bias: Int)],
        using rng: inout some RandomNumberGenerator
    ) -> CalibrationRecord {
        let k = scale.count
        func truth(_ score: Double) -> Int { min(k - 1, max(0, Int(score * Double(k)))) }
        func jitter(_ g: Int, _ p: Double, _ bias: Int, _ rng: inout some RandomNumberGenerator) -> Int {
            var g = g + bias
            if unit(&rng) < p { g += unit(&rng) < 0.5 ? -1 : 1 }
            return min(k - 1, max(0, g))
        }
        var reference: [String: [String: String]] = [:]
        for p in 1...max(1, panelists) {
            let name = "panel-\(p)"
            for item in items {
                reference[name, default: [:]][item.id] = scale[jitter(truth(item.score), 0.1, 0, &rng)]
            }
        }
        var graded: [String: [String: String]] = [:]
        for c in candidates {
            graded[c.name] = [:]
            for item in items where unit(&rng) >= 0.03 {
                graded[c.name]![item.id] =
                    scale[jitter(truth(item.score), c.error, unit(&rng) < 0.5 ? c.bias : 0, &rng)]
            }
        }
        return CalibrationRecord(
            id: id, rubricVersion: Rubric.standard.version, scale: scale, items: items.map(\.id),
            reference: reference, candidates: graded)
    }
}
