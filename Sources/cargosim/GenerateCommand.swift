import ArgumentParser
import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import XRayImaging

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a course: cases for trainees and answer keys for the instructor.",
        discussion: """
            Writes <out>/course.json and <out>/cases/ (the trainee pack: each case's papers and seal record), \
            <out>/stages/ (the later stages, released one by one with `cargosim trainee-pack`: the scans scan.png, \
            scan-high.png and scan-low.png, the examination findings and door.svg) and <out>/keys/ (the grader pack: \
            keys with the scans' pixel boxes, the scenes and the course seed). Cases are generated and rendered on all cores and written in course order. \
            The course appears only when complete: an error leaves nothing behind. The same seed, spec and \
            CargoSim version always give the same course, byte for byte. Without --seed a secret 256-bit seed is \
            drawn from the system's secure random source and kept in <out>/keys/course-seed.json: whoever knows \
            it can regenerate every answer key, so it stays with the keys. A short seed (like 7) is for \
            demonstrations only: anyone with CargoSim can try it.
            """)

    @Option(
        help: ArgumentHelp(
            "Seed of the course, to reproduce one: the 64 hex digits of keys/course-seed.json, or a short text "
                + "for a demonstration (guessable). Default: a new secret seed.", valueName: "seed"))
    var seed: String?

    @Option(help: "Number of cases. Default: the mix's count, or 40.")
    var count: Int?

    @Option(help: ArgumentHelp("Output folder; it must not exist or be empty (see --force).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("A curriculum mix (YAML) that draws the cases.", valueName: "file"))
    var mix: String?

    @Option(help: ArgumentHelp("A case spec (YAML); every case follows it with its own seed.", valueName: "file"))
    var spec: String?

    @Option(help: "A title for the course.")
    var title: String?

    @Flag(help: "Replace an existing course in the output folder.")
    var force = false

    @Flag(
        inversion: .prefixedNo,
        help: "Render the scans (default); --no-scans writes a paperwork-only course quickly, without images.")
    var scans = true

    @Flag(help: "Print only errors.")
    var quiet = false

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        if mix != nil && spec != nil {
            throw ValidationError("Give either --mix or --spec, not both.")
        }
        if let count, !(1...100_000).contains(count) {
            throw ValidationError("Give --count from 1 to 100000 (got \(count)).")
        }
        if out.isEmpty { throw ValidationError("Give an output folder with --out, e.g. --out course.") }
        if let seed, CourseSeed(text: seed) == nil {
            throw ValidationError(
                "Give --seed as the 64 hex digits of a course's keys/course-seed.json, or as a short text of 1 to "
                    + "256 characters for a demonstration; leave it out for a new secret seed.")
        }
    }

    func run() throws {
        let workspace = try Workspace(assetOptions)
        let lang = userLanguage()
        let text = workspace.localizer
        let generatorSeed = seed.flatMap(CourseSeed.init(text:)) ?? CourseSeed.random()
        let plan: [PlannedCase]
        let mixUsed: CurriculumMix?
        do {
            (plan, mixUsed) = try makePlan(workspace: workspace, seed: generatorSeed)
        } catch {
            fail(error)
        }
        if !quiet, let seed {
            printError(
                "warning: "
                    + text.text(
                        generatorSeed.isGuessable ? "cli.guessableSeedWarning" : "cli.givenSeedWarning", lang,
                        ["seed": seed]))
        }
        let production: CourseProduction
        do {
            production = CourseProduction(
                catalog: workspace.catalog, materials: try loadMaterials(workspace),
                visibilityFloor: mixUsed?.visibilityFloor, renderScans: scans)
        } catch {
            fail(error)
        }
        let outURL = URL(fileURLWithPath: out)
        let writer: CourseWriter
        do {
            writer = try CourseWriter(
                outputDirectory: outURL, title: title, generatorVersion: CaseGenerator.version,
                courseId: generatorSeed.courseId, overwrite: force, courseSeed: generatorSeed)
        } catch {
            fail(error)
        }
        if !quiet { printError(text.text("cli.generating", lang, ["count": "\(plan.count)"])) }
        var progress = ProgressBar(total: plan.count, label: "cases", enabled: !quiet && standardErrorIsTerminal)
        let course: VisibilityCap
        do {
            course = try production.produce(plan, maxBelowFloor: mixUsed?.maxBelowFloor, into: writer) {
                progress.update($0)
            }
            _ = try writer.finish()
        } catch let failure as CourseProduction.Failure {
            writer.abandon()
            if let generation = failure.error as? GenerationError {
                fail(
                    BundleError(
                        code: generation.code, file: spec ?? mix, field: generation.field,
                        message: "case \(failure.caseNumber) of \(failure.caseCount): " + generation.message))
            }
            fail(failure.error)
        } catch {
            writer.abandon()
            fail(error)
        }
        if !quiet, let cap = course.maxBelowFloor {
            printError(
                text.text(
                    "cli.visibility", lang,
                    [
                        "below": "\(course.below)", "shown": "\(course.withConcealment)", "floor": "\(course.floor)",
                        "cap": "\(Int((cap * 100).rounded()))", "redrawn": "\(course.redrawn)",
                    ]))
            if course.overCap > 0 {
                printError(
                    "warning: "
                        + text.text(
                            "cli.visibilityOverCap", lang,
                            [
                                "over": "\(course.overCap)", "floor": "\(course.floor)",
                                "limit": "\(VisibilityCap.redrawLimit)",
                            ]))
            }
        }
        if !quiet {
            let path = outURL.path
            print(text.text("cli.wrote", lang, ["count": "\(plan.count)", "path": path]))
            print(text.text("cli.traineePack", lang, ["path": "\(path)/course.json, \(path)/cases/"]))
            print(text.text("cli.graderPack", lang, ["path": "\(path)/keys/"]))
            print(text.text("cli.seedKept", lang, ["path": "\(path)/keys/\(CourseNames.courseSeedFile)"]))
            if let first = plan.first {
                let id = first.caseId
                let me = CommandLine.arguments.first ?? "cargosim"
                print(text.text("cli.howToLook", lang, ["command": "\(me) show \(out)/cases/\(id) --lang \(lang)"]))
                print(
                    text.text(
                        "cli.howToLook", lang,
                        ["command": "\(me) show \(out)/cases/\(id) --keys \(out)/keys --lang \(lang)"]))
            }
        }
    }

    private func makePlan(workspace: Workspace, seed: CourseSeed) throws -> ([PlannedCase], CurriculumMix?) {
        let reader = YAMLSpecReader()
        if let spec {
            let url = URL(fileURLWithPath: spec)
            let caseSpec = try reader.readSpec(fileAt: url, catalog: workspace.catalog)
            return (
                (0..<(count ?? 1)).map { PlannedCase(index: $0, pinnedSpec: caseSpec, courseSeed: seed) }, nil
            )
        }
        var curriculum = CurriculumMix(count: count ?? 40)
        var included: [CaseSpec] = []
        if let mix {
            let url = URL(fileURLWithPath: mix)
            curriculum = try reader.readMix(fileAt: url)
            if let count { curriculum.count = count }
            included = try reader.readIncludes(of: curriculum, mixFileAt: url, catalog: workspace.catalog).map(\.spec)
        }
        return (planCourse(curriculum, included: included, seed: seed), mix == nil ? nil : curriculum)
    }
}
