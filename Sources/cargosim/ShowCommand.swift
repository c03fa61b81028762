import ArgumentParser
import CargoModel
import CaseBundle
import CasePrint
import Foundation

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a case for a person to read, stage by stage; with --keys, its answer key too.",
        discussion: "CASE is a case folder (course/cases/<id>), its case.json, or a course folder with --case.")

    @Argument(help: ArgumentHelp("The case folder or its case.json.", valueName: "case"))
    var path: String

    @Option(
        help: ArgumentHelp("The grader pack (the course's keys/ folder): also print the answer key.", valueName: "dir"))
    var keys: String?

    @Option(help: "Language: en, es or pt. Default: from $LANG.")
    var lang: String?

    @Option(help: "Show the stages up to this one only: targeting, screening, examination or evidence.")
    var stage: Stage?

    @Option(name: .customLong("case"), help: "The case id, when CASE is a course folder.")
    var caseId: String?

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        if let lang, !["en", "es", "pt"].contains(lang) {
            throw ValidationError("Give --lang as en, es or pt (got \(lang)).")
        }
    }

    func run() throws {
        let workspace = try Workspace(assetOptions)
        let language = lang ?? userLanguage()
        let inspectionCase: InspectionCase
        var key: AnswerKey?
        do {
            let location = try CourseReader.resolve(path)
            switch location {
            case let .course(url):
                guard let caseId else {
                    throw BundleError(
                        code: "show.case", file: path,
                        message:
                            "This is a course folder; name the case with --case ID or give the case folder (\(path)/cases/<id>)."
                    )
                }
                let reader = try CourseReader(courseDirectory: url)
                inspectionCase = try reader.readCase(caseId)
            case let .caseInCourse(url, id):
                let reader = try CourseReader(courseDirectory: url)
                inspectionCase = try reader.readCase(id)
            case let .standaloneCase(file):
                inspectionCase = try CourseReader.readCase(at: file)
            }
            if let keys {
                let url = URL(fileURLWithPath: keys).appendingPathComponent(inspectionCase.id + ".json")
                guard FileManager.default.fileExists(atPath: url.path) else {
                    throw BundleError(
                        code: "show.keyMissing", file: url.path,
                        message:
                            "No answer key for case \(inspectionCase.id) here; give the keys/ folder of the course that holds the case."
                    )
                }
                let loaded = try CanonicalJSON.decode(AnswerKey.self, from: Data(contentsOf: url), file: url.path)
                guard loaded.caseId == inspectionCase.id else {
                    throw BundleError(
                        code: "show.keyMismatch", file: url.path, field: "caseId", value: loaded.caseId,
                        message:
                            "This key belongs to another case; give the keys/ folder of the course that holds \(inspectionCase.id)."
                    )
                }
                key = loaded
            }
        } catch {
            fail(error)
        }
        let renderer = CaseText(localizer: workspace.localizer, lang: language, catalog: workspace.catalog)
        var lines = renderer.render(inspectionCase, through: stage)
        if let key { lines += renderer.render(key) }
        print(lines.joined(separator: "\n"))
    }
}

extension Stage: ExpressibleByArgument {}
