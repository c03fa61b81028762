import ArgumentParser
import CargoModel
import CaseBundle
import CaseGeneration
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure generation speed and the memory of writing a large course (use a release build).",
        discussion: """
            Reports paperwork-only generation in cases per second on one core (no files written), the same \
            with JSON encoding, and the peak resident memory and time of a child process that writes a \
            course of --course-cases cases to a temporary folder. Run it with `make bench`.
            """)

    @Option(help: "Cases to generate for the speed figure.")
    var cases = 20_000

    @Option(help: "Cases in the course written for the memory figure (0 to skip).")
    var courseCases = 10_000

    @Option(help: "Seed of the benchmark courses.")
    var seed: UInt64 = 20_261_129

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        if cases < 1 { throw ValidationError("Give --cases of at least 1.") }
        if courseCases < 0 { throw ValidationError("Give --course-cases of 0 or more.") }
    }

    func run() throws {
        let workspace = try Workspace(assetOptions)
        let generator = CaseGenerator(catalog: workspace.catalog)
        let plan = planCourse(CurriculumMix(count: cases), seed: seed)
        #if DEBUG
            printError("warning: this is a debug build; figures are only meaningful from `make bench` (release).")
        #endif
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

        print("CargoSim \(CaseGenerator.version) benchmark (seed \(seed))")
        print(String(repeating: "-", count: 60))
        print("paperwork generation     \(rate(cases, generateSeconds)) cases/s  (\(cases) cases, \(format(generateSeconds)) s, 1 core)")
        print("generation + JSON        \(rate(cases, encodeSeconds)) cases/s  (\(bytes / max(1, cases)) bytes of JSON per case)")
        if failures > 0 { print("cases that failed         \(failures)") }
        _ = checksum

        if courseCases > 0 {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cargosim-bench-\(getpid())")
            defer { try? FileManager.default.removeItem(at: folder) }
            let child = Process()
            child.executableURL = URL(fileURLWithPath: AssetLocator.runningExecutablePath() ?? CommandLine.arguments[0])
            child.arguments = ["bench-write", "--count", "\(courseCases)", "--seed", "\(seed)", "--out", folder.path,
                               "--assets", workspace.assets.path]
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
            print("write \(courseCases)-case course  \(format(seconds)) s, \(rate(courseCases, seconds)) cases/s, peak memory \(format(peakMB)) MB")
        }
    }

    private func rate(_ count: Int, _ seconds: Double) -> String { String(Int(Double(count) / max(seconds, 1e-9))) }
    private func format(_ value: Double) -> String { String(Double(Int(value * 100)) / 100) }
}

/// Writes a course of `count` drawn cases: the child process that `bench` measures.
struct BenchWriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-write", abstract: "Used by bench.",
                                                    shouldDisplay: false)

    @Option var count: Int
    @Option var seed: UInt64
    @Option var out: String
    @OptionGroup var assetOptions: AssetOptions

    func run() throws {
        let workspace = try Workspace(assetOptions)
        let generator = CaseGenerator(catalog: workspace.catalog)
        do {
            let writer = try CourseWriter(outputDirectory: URL(fileURLWithPath: out), title: "bench",
                                          generatorVersion: CaseGenerator.version, courseId: opaqueCourseID(seed: seed),
                                          overwrite: true)
            for planned in planCourse(CurriculumMix(count: count), seed: seed) {
                let made = try generator.generate(planned)
                try writer.add(case: made.inspectionCase, key: made.key)
            }
            _ = try writer.finish()
        } catch {
            fail(error)
        }
    }
}
