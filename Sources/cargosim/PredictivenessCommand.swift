import ArgumentParser
import CargoModel
import CaseBundle
import CaseGeneration
import Foundation

struct PredictivenessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predictiveness",
        abstract: "Measure how well the trainee-visible fields of a course predict which cases hide something.",
        discussion: """
            Generates a course (papers only, no scans; nothing is written), trains a logistic regression on the \
            even-numbered half of its cases and scores the other half: once on the papers alone (what a targeting \
            officer reads) and once on the papers plus the radiation reading and every examination observation. \
            It prints the area under the ROC curve and the accuracy of each, with the project's aim: papers better \
            than chance but far from decisive, the examination at a skilled officer's level and not near \
            certainty. --explain lists the features that weigh most; --rules lists features that decide the \
            answer alone (every case showing them is of one class).
            """)

    @Option(help: "Cases in the course (at least 100).")
    var cases = 4000

    @Option(help: "Seed of the course (a number; the course is a demonstration course: nothing is kept).")
    var seed: UInt64 = 20_261_129

    @Option(help: ArgumentHelp("A curriculum mix (YAML); default: the default mix.", valueName: "file"))
    var mix: String?

    @Option(help: "List the N features that weigh most in each model.")
    var explain = 0

    @Flag(help: "List features that alone decide the answer (shown by at least 1 % of the cases).")
    var rules = false

    @Option(
        help: ArgumentHelp(
            "List the N yes/no features that tell the classes apart most, with how often each shows in clean and in irregular cases and its likelihood ratio (shown by at least 1 % of the cases).",
            valueName: "N"))
    var features = 0

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        if cases < 100 { throw ValidationError("Give --cases of at least 100 (half of them train the model).") }
        if explain < 0 { throw ValidationError("Give --explain as 0 or more.") }
        if features < 0 { throw ValidationError("Give --features as 0 or more.") }
    }

    func run() throws {
        let workspace = try Workspace(assetOptions)
        var curriculum = CurriculumMix(count: cases)
        var included: [CaseSpec] = []
        do {
            if let mix {
                let url = URL(fileURLWithPath: mix)
                let reader = YAMLSpecReader()
                curriculum = try reader.readMix(fileAt: url)
                curriculum.count = cases
                included = try reader.readIncludes(of: curriculum, mixFileAt: url, catalog: workspace.catalog).map(
                    \.spec)
            }
        } catch {
            fail(error)
        }
        let course = generateForMeasure(curriculum, included: included, seed: seed, catalog: workspace.catalog)
        let measure = Predictiveness(cases: course, catalog: workspace.catalog, strongest: explain)
        printPredictiveness(measure, seed: seed)
        if explain > 0 {
            for figure in measure.figures {
                print("\nstrongest features, \(label(figure.scope)) (weight × spread; + means a concealment):")
                for (name, weight) in figure.strongest {
                    print("  \(name.padding(toLength: 48, withPad: " ", startingAt: 0)) \(signed(weight))")
                }
            }
        }
        if features > 0 {
            for scope in TraineeVisibleFeatures.Scope.allCases {
                let found = Predictiveness.featureEvidence(
                    cases: course, catalog: workspace.catalog, scope: scope, minimumCount: max(5, cases / 100)
                ).prefix(features)
                print(
                    "\nfeatures that tell the classes apart, \(label(scope)) (share of clean cases, share of irregular cases, likelihood ratio; above 1 means a concealment):"
                )
                for e in found {
                    print(
                        "  \(e.name.padding(toLength: 48, withPad: " ", startingAt: 0)) "
                            + "\(percentText(Double(e.clean) / Double(max(1, e.cleanTotal))).leftAligned(8)) "
                            + "\(percentText(Double(e.irregular) / Double(max(1, e.irregularTotal))).leftAligned(8)) "
                            + "\(ratioText(e.likelihoodRatio))")
                }
            }
        }
        if rules {
            for scope in TraineeVisibleFeatures.Scope.allCases {
                let found = Predictiveness.ruleLikeFeatures(
                    cases: course, catalog: workspace.catalog, scope: scope, minimumCount: max(5, cases / 100))
                print("\nfeatures that decide alone, \(label(scope)): \(found.isEmpty ? "none" : "")")
                for rule in found {
                    print(
                        "  \(rule.name.padding(toLength: 48, withPad: " ", startingAt: 0)) \(rule.count) cases, all \(rule.irregular == 0 ? "clean" : "irregular")"
                    )
                }
            }
        }
    }
}

/// Generates the paperwork of a course (no scans) on all cores, in course order, with each case's truth.
func generateForMeasure(
    _ mix: CurriculumMix, included: [CaseSpec] = [], seed: UInt64, catalog: Catalog
) -> [(InspectionCase, irregular: Bool)] {
    let generator = CaseGenerator(catalog: catalog)
    let plan = planCourse(mix, included: included, seed: CourseSeed(demonstration: seed))
    let chunk = 64
    let chunks = parallelMap((plan.count + chunk - 1) / chunk) { c in
        ((c * chunk)..<min(plan.count, (c + 1) * chunk)).compactMap { i -> CaseAndTruth? in
            guard let made = try? generator.generate(plan[i]) else { return nil }
            return CaseAndTruth(inspectionCase: made.inspectionCase, irregular: made.key.irregular)
        }
    }
    return chunks.joined().map { ($0.inspectionCase, irregular: $0.irregular) }
}

/// A generated case and whether it hides something (a Sendable pair for `parallelMap`).
private struct CaseAndTruth: Sendable {
    var inspectionCase: InspectionCase
    var irregular: Bool
}

func printPredictiveness(_ measure: Predictiveness, seed: UInt64) {
    print(
        "CargoSim \(CaseGenerator.version) predictiveness: \(measure.trainingCases + measure.heldOutCases) cases (seed \(seed)), "
            + "\(percentText(measure.prevalence)) hide something; logistic regression trained on \(measure.trainingCases), "
            + "scored on the \(measure.heldOutCases) held out")
    print("scope                  AUC     accuracy  (always the commoner class)  aim for the AUC  features")
    for figure in measure.figures {
        let aim = figure.scope == .papers ? Predictiveness.Aim.papers : Predictiveness.Aim.papersAndExamination
        let verdict = aim.contains(figure.auc) ? "met" : "NOT met"
        print(
            "\(label(figure.scope).padding(toLength: 22, withPad: " ", startingAt: 0)) \(fixed3(figure.auc))   "
                + "\(fixed3(figure.accuracy))     (\(fixed3(figure.baseline)))                     "
                + "\(fixed2(aim.lowestAUC))–\(fixed2(aim.highestAUC)) \(verdict.padding(toLength: 7, withPad: " ", startingAt: 0)) \(figure.featureCount)"
        )
    }
}

private func label(_ scope: TraineeVisibleFeatures.Scope) -> String {
    scope == .papers ? "papers alone" : "papers + examination"
}

func fixed3(_ value: Double) -> String {
    let thousandths = Int((value * 1000).rounded())
    let fraction = String(abs(thousandths % 1000))
    return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}

func fixed2(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = String(abs(hundredths % 100))
    return "\(hundredths / 100)." + String(repeating: "0", count: 2 - fraction.count) + fraction
}

private func percentText(_ share: Double) -> String { fixed2(share * 100).dropLast(1) + " %" }

private func ratioText(_ ratio: Double) -> String { ratio >= 10 ? String(Int(ratio.rounded())) : fixed2(ratio) }

extension String {
    fileprivate func leftAligned(_ width: Int) -> String {
        padding(toLength: max(width, count), withPad: " ", startingAt: 0)
    }
}

private func signed(_ value: Double) -> String { (value >= 0 ? "+" : "−") + fixed2(abs(value)) }

extension BenchSuites {
    static let predictiveness = [
        BenchSuite(
            name: "predictiveness",
            summary: "how well papers, and papers plus examination, predict a concealment (4,000-case default course)",
            run: runPredictivenessBench)
    ]
}

private func runPredictivenessBench(_ context: BenchContext) throws {
    let cases = 4000
    let start = monotonicSeconds()
    let course = generateForMeasure(CurriculumMix(count: cases), seed: context.seed, catalog: context.workspace.catalog)
    let measure = Predictiveness(cases: course, catalog: context.workspace.catalog, strongest: 0)
    printPredictiveness(measure, seed: context.seed)
    print(
        "(measured in \(format(monotonicSeconds() - start)) s on all cores; `cargosim predictiveness --explain 20` says why)"
    )
}
