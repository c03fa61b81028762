import ArgumentParser
import Logging

#if canImport(CMalloc)
    import CMalloc
#endif

@main
struct CargoSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cargosim",
        abstract: "Container inspection training simulator: generate, check and read inspection cases.",
        discussion: """
            A course is a folder: course.json and cases/ are the trainee pack (the papers, safe to hand out); \
            stages/ holds the later stages, released one by one (trainee-pack); keys/ is the grader pack with the \
            answers and the course seed (keep it with the instructor). Specs and curricula are YAML files under Cases/.

            Examples:
              cargosim generate --count 40 --mix Cases/curricula/foundation-40.yaml --out course
              cargosim show course/cases/<case-id> --lang es
              cargosim show course/cases/<case-id> --keys course/keys
              cargosim trainee-pack course --out pack --through screening
              cargosim validate Cases course
            """,
        version: "cargosim \(generatorVersionText)",
        subcommands: [GenerateCommand.self, ValidateCommand.self, ShowCommand.self, TraineePackCommand.self]
            + scanCommands + scoringCommands
            + [PredictivenessCommand.self, BenchCommand.self, BenchWriteCommand.self, StorageBenchCommand.self]
            + serverCommands
    )

    static func main() async {
        keepFreedMemory()
        // Logs (the server's request lines, warnings) go to standard error; standard output stays for results.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        await main(nil)
    }
}

/// Keeps the memory of large freed buffers in the process for the next one instead of returning it to the
/// kernel: a course renders case after case, each scan with about 70 MB of images and temporaries, and
/// memory fresh from the kernel costs a page fault and a cleared page per 4 kB on first touch (about a
/// quarter of a render's time on this kind of machine). glibc otherwise maps buffers above its threshold
/// afresh every time and unmaps them on free. Kept: up to the largest render's working set per thread.
func keepFreedMemory() {
    #if canImport(CMalloc)
        // Above 32 MB glibc refuses the threshold (its per-thread heaps are 64 MB); the scans' buffers are 9 MB.
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 512 << 20)
    #endif
}
