import ArgumentParser
import CargoModel
import CaseBundle
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check case specs, curricula and courses; report every problem with its file, line and field.",
        discussion: """
            PATH may be a YAML spec or curriculum, a folder of them (searched recursively, e.g. Cases), or a \
            generated course (a folder holding course.json; its keys/ are checked too when present).
            """)

    @Argument(help: ArgumentHelp("Specs, curricula, folders of them, or courses.", valueName: "path"))
    var paths: [String]

    @Option(help: ArgumentHelp("The grader pack of the course, when it is not <course>/keys.", valueName: "dir"))
    var keys: String?

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        if paths.isEmpty {
            throw ValidationError("Name at least one file or folder to check, e.g. cargosim validate Cases.")
        }
    }

    func run() throws {
        let workspace = try Workspace(assetOptions)
        let lang = userLanguage()
        var failures = 0
        var checked = 0
        let reader = YAMLSpecReader()
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                printError("\(path): error: No such file or folder; check the path.")
                failures += 1
                checked += 1
                continue
            }
            let url = URL(fileURLWithPath: path)
            if isDirectory.boolValue, fm.fileExists(atPath: url.appendingPathComponent("course.json").path) {
                checked += 1
                do {
                    let validator = try CourseValidator(
                        schemaDirectory: workspace.assets.appendingPathComponent("schema"))
                    let problems = validator.validate(
                        courseDirectory: url, keysDirectory: keys.map { URL(fileURLWithPath: $0) })
                    if problems.isEmpty {
                        print(workspace.localizer.text("cli.validOK", lang, ["path": path]))
                    } else {
                        failures += 1
                        for problem in problems {
                            var located = problem
                            located.file = problem.file.map { $0.hasPrefix("/") ? $0 : path + "/" + $0 }
                            printError(located.description)
                        }
                    }
                } catch {
                    failures += 1
                    printErrors(error)
                }
                continue
            }
            let files = isDirectory.boolValue ? yamlFiles(under: url) : [url]
            if files.isEmpty { printError("\(path): warning: no .yaml files here.") }
            for file in files {
                checked += 1
                let shown = isDirectory.boolValue ? file.path.replacingOccurrences(of: url.path, with: path) : path
                do {
                    if isPhantom(file) {
                        // A phantom describes its scene directly: shapes of named materials in millimetres.
                        _ = try reader.readDocument(Scene.self, fileAt: file) { scene in
                            var report = ValidationReport()
                            report.check(
                                !scene.shapes.isEmpty, code: "phantom.shapes", field: "shapes", value: "[]",
                                "A phantom needs at least one shape.")
                            report.check(
                                scene.bounds.length > 0 && scene.bounds.height > 0, code: "phantom.bounds",
                                field: "bounds", value: "\(scene.bounds.length)×\(scene.bounds.height)",
                                "Give the phantom's bounds a positive length and height (mm).")
                            return report
                        }
                    } else {
                        switch try reader.read(fileAt: file, catalog: workspace.catalog) {
                        case .spec: break
                        case .mix(let mix):
                            _ = try reader.readIncludes(of: mix, mixFileAt: file, catalog: workspace.catalog)
                        }
                    }
                    print(workspace.localizer.text("cli.validOK", lang, ["path": shown]))
                } catch {
                    failures += 1
                    printErrors(error)
                }
            }
        }
        if failures > 0 {
            printError(
                checked == 1
                    ? "The check failed; correct what is named above and run validate again."
                    : "\(failures) of \(checked) failed; correct what is named above and run validate again.")
            throw ExitCode(1)
        }
    }

    /// A phantom is a YAML file whose top level says `containerType: phantom`.
    private func isPhantom(_ file: URL) -> Bool {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains {
            $0.trimmingCharacters(in: .whitespaces) == "containerType: phantom"
        }
    }

    private func yamlFiles(under folder: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
            return []
        }
        var found: [URL] = []
        for case let url as URL in walker where ["yaml", "yml"].contains(url.pathExtension) { found.append(url) }
        return found.sorted { $0.path < $1.path }
    }
}
