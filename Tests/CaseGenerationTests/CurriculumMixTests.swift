import CargoModel
import CaseGeneration
import Testing

@Suite struct CurriculumMixTests {
    static let mix = CurriculumMix(
        count: 300, prevalence: 0.4, cleanWithRedFlags: 0.3, irregularWithCleanPapers: 0.6,
        difficultyStart: 1, difficultyEnd: 5, targetingOnly: 0.1)

    static let course: [GeneratedCase] = {
        do { return try planCourse(mix, seed: 77).map { try Repository.generator.generate($0) } } catch {
            fatalError("\(error)")
        }
    }()

    @Test func theCourseHasExactlyTheMixsShares() {
        let irregular = Self.course.filter(\.key.irregular)
        let clean = Self.course.filter { !$0.key.irregular }
        #expect(irregular.count == 120)
        #expect(clean.count == 180)
        // Red flags are what the documents show (targeting indicators), whatever the truth.
        #expect(clean.filter(\.key.hasRedFlags).count == 54)  // 30 % of 180
        #expect(irregular.filter { !$0.key.hasRedFlags }.count == 72)  // 60 % of 120
        #expect(Self.course.filter { $0.inspectionCase.stages == [.targeting] }.count == 30)
    }

    @Test func redFlagsAloneDoNotPredictConcealment() {
        let flagged = Self.course.filter(\.key.hasRedFlags)
        let unflagged = Self.course.filter { !$0.key.hasRedFlags }
        let pFlagged = Double(flagged.filter(\.key.irregular).count) / Double(flagged.count)
        let pUnflagged = Double(unflagged.filter(\.key.irregular).count) / Double(unflagged.count)
        // With these shares: 48/102 ≈ 0.47 of flagged cases and 72/198 ≈ 0.36 of unflagged ones hide something.
        #expect(abs(pFlagged - 48.0 / 102) < 1e-9 && abs(pUnflagged - 72.0 / 198) < 1e-9)
        #expect(pFlagged < 0.75 && pUnflagged > 0.25, "flags would give the answer away")
    }

    @Test func difficultyRampsFromStartToEnd() {
        let plan = planCourse(Self.mix, seed: 77)
        let levels = plan.compactMap(\.spec.difficulty)
        #expect(levels.first == 1 && levels.last == 5)
        #expect(levels == levels.sorted())
        // The difficulty reached follows the target: within clean and within irregular cases, the
        // last fifth of the course is harder on average than the first.
        func mean(_ cases: ArraySlice<GeneratedCase>, irregular: Bool) -> Double {
            let scores = cases.filter { $0.key.irregular == irregular }.map(\.key.difficulty.score)
            return scores.reduce(0, +) / Double(max(1, scores.count))
        }
        for irregular in [true, false] {
            let first = mean(Self.course.prefix(60), irregular: irregular)
            let last = mean(Self.course.suffix(60), irregular: irregular)
            #expect(last > first + 0.03, "irregular \(irregular): \(first) → \(last)")
        }
    }

    @Test func everyCaseRecordsItsDifficultyAndItsFactors() {
        for made in Self.course {
            #expect(Set(made.key.difficulty.factors.map(\.code)) == Set(DifficultyFactorCode.allCases))
        }
    }

    @Test func scenarioWeightsAreRespected() {
        var mix = CurriculumMix(count: 60, prevalence: 0.5)
        mix.scenarios = [.clean: 1, .falseFrontWall: 1]
        let course = planCourse(mix, seed: 5)
        #expect(course.allSatisfy { [.clean, .falseFrontWall].contains($0.spec.scenario) })
    }

    @Test func includedSpecsKeepTheirPlaceAndCount() {
        var mix = CurriculumMix(count: 10)
        mix.include = ["a.yaml", "b.yaml"]
        let pinned = [CaseSpec(name: "first", scenario: .clean), CaseSpec(name: "second", scenario: .doorPanels)]
        let plan = planCourse(mix, included: pinned, seed: 1)
        #expect(plan.count == 10)
        #expect(plan.first?.spec.name == "first" && plan.last?.spec.name == "second")
        #expect(plan.filter(\.pinned).count == 2)
    }

    @Test func includedSpecsCountTowardThePrevalence() throws {
        // The foundation curriculum: 40 cases at prevalence 0.5 with two included concealments gave 21 + 19.
        var mix = CurriculumMix(count: 40, prevalence: 0.5)
        let pinned = [CaseSpec(scenario: .ripOnRipOff), CaseSpec(scenario: .falseFrontWall)]
        for seed: CourseSeed in [1, 2, 3] {
            let plan = planCourse(mix, included: pinned, seed: seed)
            let irregular = plan.filter { $0.spec.scenario?.isIrregularByDefault == true }.count
            #expect(irregular == 20 && plan.count - irregular == 20)
        }
        mix.count = 5
        mix.prevalence = 0.2
        let crowded = planCourse(mix, included: pinned, seed: 1)
        #expect(crowded.filter { $0.spec.scenario?.isIrregularByDefault == true }.count == 2, "never fewer than included")
    }

    @Test func mixValidationNamesTheField() {
        var mix = CurriculumMix(count: 0, prevalence: 1.5)
        mix.difficultyEnd = 9
        let fields = Set(mix.validate().errors.map(\.field))
        #expect(fields == ["count", "prevalence", "difficultyEnd"])
    }
}
