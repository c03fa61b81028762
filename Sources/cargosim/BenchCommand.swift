import ArgumentParser
import CargoModel
import CaseBundle
import CaseGeneration
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One named benchmark of `cargosim bench`: it prints its own lines of figures.
struct BenchSuite: Sendable {
    let name: String
    let summary: String
    let run: @Sendable (BenchContext) throws -> Void
}

/// What every benchmark gets: the loaded workspace and the command's options.
struct BenchContext {
    let workspace: Workspace
    let seed: UInt64
    let cases: Int
    let courseCases: Int
    /// Simulated trainees of the scoring benchmark (200 attempts each).
    var scoringTrainees = 5000
}

/// Every benchmark, in the order `bench` runs them; each module's commands file adds its own.
enum BenchSuites {
    static var all: [BenchSuite] { generation + scans + scoring + predictiveness }
}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure generation speed and the memory of writing a large course (use a release build).",
        discussion: """
            Runs every benchmark suite, or those named. `generation`: paperwork-only generation in cases per \
            second on one core (no files written), the same with JSON encoding, and the peak resident memory \
            and time of a child process that writes a course of --course-cases cases to a temporary folder. \
            Run it with `make bench` (a release build). Before the first suite and after each one, the host \
            check times a fixed piece of arithmetic: on a shared machine it grows with other work on the host, \
            and every figure near it grows alike.
            """)

    @Argument(help: "Suites to run (default: all).")
    var suites: [String] = []

    @Option(help: "Cases to generate for the speed figure.")
    var cases = 20_000

    @Option(help: "Cases in the course written for the memory figure (0 to skip).")
    var courseCases = 10_000

    @Option(help: "Simulated trainees of the scoring benchmark, 200 attempts each (5000: 1,000,000 attempts).")
    var scoringTrainees = 5000

    @Option(help: "Seed of the benchmark courses.")
    var seed: UInt64 = 20_261_129

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        if cases < 1 { throw ValidationError("Give --cases of at least 1.") }
        if courseCases < 0 { throw ValidationError("Give --course-cases of 0 or more.") }
        if scoringTrainees < 1 { throw ValidationError("Give --scoring-trainees of at least 1.") }
        let known = BenchSuites.all.map(\.name)
        for name in suites where !known.contains(name) {
            throw ValidationError("Unknown suite \(name); choose from: \(known.joined(separator: ", ")).")
        }
    }

    func run() throws {
        let context = BenchContext(
            workspace: try Workspace(assetOptions), seed: seed, cases: cases, courseCases: courseCases,
            scoringTrainees: scoringTrainees)
        #if DEBUG
            printError("warning: this is a debug build; figures are only meaningful from `make bench` (release).")
        #endif
        print("CargoSim \(CaseGenerator.version) benchmark (seed \(seed))")
        printHostCheck()
        for suite in BenchSuites.all where suites.isEmpty || suites.contains(suite.name) {
            print("\n\(suite.name): \(suite.summary)")
            print(String(repeating: "-", count: 72))
            try suite.run(context)
            printHostCheck()
        }
    }
}

/// Prints the host check: a fixed piece of arithmetic on 16 KB (in the first-level cache: no memory traffic, no
/// allocation), fastest of three, in this thread's CPU time. Only the share of the core that other work takes moves
/// it: on a shared virtual machine the thread's CPU time grows with the host's load (up to twice the quiet figure on
/// the CI machine), and every figure of the run alike, so the check tells a slow render from a busy host.
func printHostCheck() {
    // Unoptimised, the loop takes half a minute and its figure says nothing.
    guard !isDebugBuild else { return }
    var values = [SIMD8<Float>](repeating: SIMD8(repeating: 1), count: 512)
    var fastest = Double.infinity
    values.withUnsafeMutableBufferPointer { values in
        for _ in 0..<3 {
            let start = threadCPUSeconds()
            for _ in 0..<60_000 {
                for i in values.indices { values[i] = values[i] * 0.999 + SIMD8(repeating: 0.0005) }
            }
            fastest = min(fastest, threadCPUSeconds() - start)
        }
    }
    // Kept where the optimiser cannot prove it unused, so the loop cannot be left out.
    hostCheckSink = values.reduce(0) { $0 + $1.sum() }
    print(
        "host check               \(ms(fastest)) ms CPU  (fixed arithmetic, fastest of 3; about \(hostCheckQuietMilliseconds) ms on the quiet CI machine: more means a busy host)"
    )
}

#if DEBUG
    private let isDebugBuild = true
#else
    private let isDebugBuild = false
#endif

nonisolated(unsafe) private var hostCheckSink: Float = 0

/// The host check's time on the 2-core CI machine in its quiet minutes (release build).
private let hostCheckQuietMilliseconds = 18

extension BenchSuites {
    static let generation = [
        BenchSuite(
            name: "generation", summary: "case paperwork, JSON, and writing a large course", run: runGenerationBench)
    ]
}

private func runGenerationBench(_ context: BenchContext) throws {
    let workspace = context.workspace, cases = context.cases, courseCases = context.courseCases, seed = context.seed
    do {
        let generator = CaseGenerator(catalog: workspace.catalog)
        let plan = planCourse(CurriculumMix(count: cases), seed: CourseSeed(demonstration: seed))
        // Warm up the catalogue indexes and the allocator.
        for planned in plan.prefix(200) { _ = try? generator.generate(planned) }

        var start = monotonicSeconds()
        var failures = 0
        var checksum = 0
        for planned in plan {
            do { checksum &+= try generator.generate(planned).key.difficulty.level } catch { failures += 1 }
        }
        let generateSeconds = monotonicSeconds() - start

        start = monotonicSeconds()
        var bytes = 0
        for planned in plan {
            guard let made = try? generator.generate(planned) else { continue }
            bytes += (try? CanonicalJSON.encode(made.inspectionCase).count) ?? 0
            bytes += (try? CanonicalJSON.encode(made.key).count) ?? 0
        }
        let encodeSeconds = monotonicSeconds() - start

        print(
            "paperwork generation     \(rate(cases, generateSeconds)) cases/s  (\(cases) cases, \(format(generateSeconds)) s, 1 core)"
        )
        print(
            "generation + JSON        \(rate(cases, encodeSeconds)) cases/s  (\(bytes / max(1, cases)) bytes of JSON per case)"
        )
        if failures > 0 { print("cases that failed         \(failures)") }
        _ = checksum

        if courseCases > 0 {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cargosim-bench-\(getpid())")
            defer { try? FileManager.default.removeItem(at: folder) }
            let child = Process()
            child.executableURL = URL(fileURLWithPath: AssetLocator.runningExecutablePath() ?? CommandLine.arguments[0])
            child.arguments = [
                "bench-write", "--count", "\(courseCases)", "--seed", "\(seed)", "--out", folder.path,
                "--assets", workspace.assets.path,
            ]
            let began = monotonicSeconds()
            try child.run()
            child.waitUntilExit()
            let seconds = monotonicSeconds() - began
            guard child.terminationStatus == 0 else {
                printError("error: the course-writing child failed with status \(child.terminationStatus).")
                throw ExitCode(1)
            }
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
            let peakMB = Double(usage.ru_maxrss) / 1024  // Linux reports kilobytes
            print(
                "write \(courseCases)-case course  \(format(seconds)) s, \(rate(courseCases, seconds)) cases/s, peak memory \(format(peakMB)) MB"
            )
        }
    }
}

/// `count / seconds` as a whole number.
func rate(_ count: Int, _ seconds: Double) -> String { String(Int(Double(count) / max(seconds, 1e-9))) }
/// Two decimals, truncated.
func format(_ value: Double) -> String { String(Double(Int(value * 100)) / 100) }

/// Writes a course of `count` drawn cases: the child process that `bench` measures.
struct BenchWriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-write", abstract: "Used by bench.",
        shouldDisplay: false)

    @Option var count: Int
    @Option var seed: UInt64
    @Option var out: String
    @OptionGroup var assetOptions: AssetOptions

    func run() throws {
        let workspace = try Workspace(assetOptions)
        let generator = CaseGenerator(catalog: workspace.catalog)
        do {
            let writer = try CourseWriter(
                outputDirectory: URL(fileURLWithPath: out), title: "bench",
                generatorVersion: CaseGenerator.version, courseId: CourseSeed(demonstration: seed).courseId,
                overwrite: true)
            for planned in planCourse(CurriculumMix(count: count), seed: CourseSeed(demonstration: seed)) {
                let made = try generator.generate(planned)
                try writer.add(case: made.inspectionCase, key: made.key)
            }
            _ = try writer.finish()
        } catch {
            fail(error)
        }
    }
}
