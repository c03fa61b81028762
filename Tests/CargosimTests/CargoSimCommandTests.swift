import Foundation
import Testing

@Suite("cargosim --help, end to end")
struct CargoSimCommandTests {
    @Test func topLevelHelpNamesEverySubcommand() throws {
        try Sandbox.with { box in
            let result = try box.cargosim("--help")
            #expect(result.succeeded, "\(result)")
            for subcommand in ["generate", "validate", "show", "bench"] {
                #expect(result.stdout.contains("  " + subcommand + " "), "mentions \(subcommand)\n\(result)")
            }
        }
    }

    @Test(arguments: [
        ("generate", ["--seed", "--count", "--out", "--mix", "--spec", "--title", "--force", "--quiet", "--assets"]),
        ("validate", ["<path>", "--keys", "--assets"]),
        ("show", ["<case>", "--keys", "--lang", "--stage", "--case", "--assets"]),
        ("bench", ["--cases", "--course-cases", "--seed", "--assets"]),
    ])
    func subcommandHelpNamesEveryOption(_ subcommand: String, _ options: [String]) throws {
        try Sandbox.with { box in
            let result = try box.cargosim(subcommand, "--help")
            #expect(result.succeeded, "\(result)")
            for option in options {
                #expect(result.stdout.contains(option), "\(subcommand) --help mentions \(option)\n\(result)")
            }
        }
    }

    @Test func versionIsTheGeneratorVersion() throws {
        try Sandbox.with { box in
            let result = try box.cargosim("--version")
            #expect(result.succeeded, "\(result)")
            #expect(result.stdout.contains(#/\d+\.\d+\.\d+/#), "\(result)")
        }
    }
}
