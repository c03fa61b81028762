import CargoModel

/// One case of a course before it is generated: its place, its spec, its seed and its id.
public struct PlannedCase: Sendable, Hashable {
    public var index: Int
    public var spec: CaseSpec
    /// The case's own seed (secret: it is kept in the key).
    public var seed: UInt64
    /// The case's opaque id (public), derived from the course seed independently of `seed`.
    public var caseId: String
    /// True when an instructor wrote the spec (it is used as it is, never redrawn).
    public var pinned: Bool

    public init(index: Int, spec: CaseSpec, seed: UInt64, caseId: String, pinned: Bool) {
        self.index = index
        self.spec = spec
        self.seed = seed
        self.caseId = caseId
        self.pinned = pinned
    }

    /// Case `index` of the course drawn from `courseSeed`, following `spec` as written.
    public init(index: Int, pinnedSpec spec: CaseSpec, courseSeed: CourseSeed) {
        self.init(
            index: index, spec: spec, seed: courseSeed.caseSeed(index: index), caseId: courseSeed.caseId(index: index),
            pinned: true)
    }
}

/// What the documents and the truth of a drawn case must be, so that a course matches its mix exactly.
public enum CaseCategory: String, Sendable, CaseIterable {
    case irregularCleanPapers, irregularRedFlags, cleanRedFlags, cleanPapers

    var irregular: Bool { self == .irregularCleanPapers || self == .irregularRedFlags }
    var redFlags: Bool { self == .irregularRedFlags || self == .cleanRedFlags }

    /// The scenarios that can tell a story of this category.
    var scenarios: [Scenario] {
        switch self {
        case .irregularCleanPapers: Scenario.allCases.filter { $0.isIrregularByDefault && $0.allowsCleanPapers }
        case .irregularRedFlags: Scenario.allCases.filter(\.isIrregularByDefault)
        case .cleanRedFlags:
            [
                .clean, .aeoLowRisk, .harmlessRedFlags, .sealNumberDiscrepancy, .nonCompliantSeal, .invalidCheckDigit,
                .radiationNORM,
            ]
        case .cleanPapers: [.clean, .aeoLowRisk, .radiationNORM]
        }
    }
}

/// Draws the cases of a course from a mix: exact numbers of irregular and clean cases, of
/// clean cases with harmless red flags and of irregular cases with clean papers (each rounded
/// to the nearest whole case), in a shuffled order, with a linear difficulty ramp.
///
/// Included specs take their place at even intervals and count toward `count` and toward the
/// prevalence (by their scenario; a spec without one is left out of the count); the other shares
/// apply to the drawn cases. Pure: the same mix, specs and seed give the same plan. Seeds and ids of
/// the cases come from `seed` one-way (`CourseSeed`).
public func planCourse(_ mix: CurriculumMix, included: [CaseSpec] = [], seed: CourseSeed) -> [PlannedCase] {
    var random = CaseRandom(seed: seed.planSeed, stream: "course-plan")
    let total = max(mix.count, included.count)
    let drawn = total - included.count
    // The prevalence holds for the whole course: included specs whose scenario says irregular or clean count
    // toward it (the foundation curriculum's two included concealments gave 21 irregular and 19 clean cases,
    // under the 20 clean cases of the default certification policy).
    let includedIrregular = included.filter { $0.scenario?.isIrregularByDefault == true }.count
    let includedClean = included.filter { $0.scenario.map { !$0.isIrregularByDefault } == true }.count
    let undetermined = included.count - includedIrregular - includedClean
    let wanted = Int((Double(total - undetermined) * mix.prevalence).rounded())
    let irregular = max(0, min(drawn, wanted - includedIrregular))
    let clean = drawn - irregular
    let irregularClean = Int((Double(irregular) * mix.irregularWithCleanPapers).rounded())
    let cleanFlags = Int((Double(clean) * mix.cleanWithRedFlags).rounded())
    var categories: [CaseCategory] =
        Array(repeating: .irregularCleanPapers, count: irregularClean)
        + Array(repeating: .irregularRedFlags, count: irregular - irregularClean)
        + Array(repeating: .cleanRedFlags, count: cleanFlags)
        + Array(repeating: .cleanPapers, count: clean - cleanFlags)
    categories = random.shuffled(categories)
    let targetingOnly = Set(random.sample(Array(0..<drawn), count: Int((Double(drawn) * mix.targetingOnly).rounded())))

    // Positions of the included specs, spread evenly.
    var includedAt: [Int: CaseSpec] = [:]
    for (k, spec) in included.enumerated() {
        includedAt[included.count == 1 ? 0 : k * (total - 1) / max(1, included.count - 1)] = spec
    }
    var plan: [PlannedCase] = []
    var drawnIndex = 0
    for position in 0..<total {
        if let spec = includedAt[position] {
            plan.append(PlannedCase(index: position, pinnedSpec: spec, courseSeed: seed))
            continue
        }
        let category = categories[drawnIndex]
        let ramp = total > 1 ? Double(position) / Double(total - 1) : 0
        let level = Int(
            (Double(mix.difficultyStart) + Double(mix.difficultyEnd - mix.difficultyStart) * ramp).rounded())
        var spec = CaseSpec(scenario: drawScenario(for: category, mix: mix, using: &random))
        spec.redFlags = category.redFlags
        spec.difficulty = max(1, min(5, level))
        if targetingOnly.contains(drawnIndex) { spec.lastStage = .targeting }
        if let weights = mix.vantage, spec.scenario.map({ $0.vantageWeights.count > 1 }) ?? true {
            spec.vantage = random.weighted(Vantage.allCases.map { ($0, weights[$0] ?? 0) })
        }
        plan.append(
            PlannedCase(
                index: position, spec: spec, seed: seed.caseSeed(index: position), caseId: seed.caseId(index: position),
                pinned: false))
        drawnIndex += 1
    }
    return plan
}

private func drawScenario(for category: CaseCategory, mix: CurriculumMix, using random: inout CaseRandom) -> Scenario {
    let allowed = category.scenarios
    let weighted = allowed.map { scenario in (scenario, mix.scenarios.map { $0[scenario] ?? 0 } ?? 1) }
    return random.weighted(weighted) ?? random.pick(allowed)
}

extension CaseGenerator {
    /// Generates a planned case. A drawn case whose story the catalogue cannot tell with its
    /// seed (no clean route for the scenario, say) is redrawn with a derived seed, up to five
    /// times, then with a plain clean or concealment scenario of the same category; a pinned
    /// spec's error is returned as it is.
    public func generate(_ planned: PlannedCase, sceneVariant: Int = 0) throws(GenerationError) -> GeneratedCase {
        let id = planned.caseId
        do {
            return try generate(planned.spec, seed: planned.seed, caseId: id, sceneVariant: sceneVariant)
        } catch {
            if planned.pinned { throw error }
            var spec = planned.spec
            for attempt in 1...6 {
                if attempt == 6 {
                    let irregular = spec.scenario?.isIrregularByDefault ?? false
                    spec.scenario = irregular ? .withinLoad : (spec.redFlags == true ? .harmlessRedFlags : .clean)
                    spec.vantage = nil
                }
                if let made = try? generate(
                    spec, seed: mix(planned.seed, UInt64(attempt)), caseId: id, sceneVariant: sceneVariant)
                {
                    return made
                }
            }
            throw error
        }
    }
}
