import ArgumentParser

@main
struct CargoSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cargosim",
        abstract: "Container inspection training simulator: generate, check and read inspection cases.",
        discussion: """
            A course is a folder: course.json and cases/ are the trainee pack (safe to hand out); keys/ is the \
            grader pack (keep it with the instructor). Specs and curricula are YAML files under Cases/.

            Examples:
              cargosim generate --count 40 --mix Cases/curricula/foundation-40.yaml --out course
              cargosim show course/cases/<case-id> --lang es
              cargosim show course/cases/<case-id> --keys course/keys
              cargosim validate Cases course
            """,
        version: "cargosim \(generatorVersionText)",
        subcommands: [GenerateCommand.self, ValidateCommand.self, ShowCommand.self] + scanCommands + scoringCommands
            + [BenchCommand.self, BenchWriteCommand.self] + serverCommands
    )
}
