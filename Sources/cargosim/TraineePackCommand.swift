import ArgumentParser
import CargoModel
import CaseBundle
import Foundation

/// `cargosim trainee-pack`: what an instructor hands out for offline work, stage by stage.
struct TraineePackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainee-pack",
        abstract: "Copy the part of a course a trainee may have: the papers, and the stage packs released so far.",
        discussion: """
            A course keeps each stage of its cases apart: cases/ holds the targeting stage (the papers and the seal \
            record), stages/screening/ the scans, stages/examination/ what each examination point shows and the \
            door end, stages/evidence/ the custody material. Hand out the pack --through targeting at the start; \
            when the trainees have decided targeting, run the command again --through screening into the same \
            folder, and so on. keys/ (the answers and the course seed) is never copied.

            Examples:
              cargosim trainee-pack course --out pack-for-trainees
              cargosim trainee-pack course --out pack-for-trainees --through screening
            """)

    @Argument(help: ArgumentHelp("The course folder (it holds course.json).", valueName: "course"))
    var coursePath: String

    @Option(help: ArgumentHelp("The folder to write the pack into (created; files already there are kept).", valueName: "dir"))
    var out: String

    @Option(help: "The last stage released: targeting (default), screening, examination or evidence.")
    var through: Stage = .targeting

    @Flag(help: "Print only errors.")
    var quiet = false

    @OptionGroup var assetOptions: AssetOptions

    func run() throws {
        let source = URL(fileURLWithPath: coursePath).standardizedFileURL
        let target = URL(fileURLWithPath: out).standardizedFileURL
        var copied = 0
        do {
            let reader = try CourseReader(courseDirectory: source)
            guard target.resolvingSymlinksInPath().path != source.resolvingSymlinksInPath().path else {
                throw BundleError(
                    code: "pack.sameFolder", file: out,
                    message: "Give --out a folder other than the course itself (the pack is a copy).")
            }
            if FileManager.default.fileExists(atPath: target.appendingPathComponent("course.json").path) {
                let existing = try CourseReader(courseDirectory: target)
                guard existing.index.courseId == reader.index.courseId else {
                    throw BundleError(
                        code: "pack.otherCourse", file: out, value: existing.index.courseId,
                        message: "This folder holds a pack of another course; give an empty folder or the pack of "
                            + "course \(reader.index.courseId).")
                }
            }
            var paths = ["course.json"]
            for id in reader.caseIds {
                paths += reader.index.files(ofCase: id).filter { $0.stage <= through }.map(\.path)
            }
            for path in paths {
                let from = source.appendingPathComponent(path), to = target.appendingPathComponent(path)
                guard FileManager.default.fileExists(atPath: from.path) else {
                    throw BundleError(
                        code: "course.missingFile", file: from.path,
                        message: "The course lacks this file; validate it with `cargosim validate` and copy it again.")
                }
                do {
                    try FileManager.default.createDirectory(
                        at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
                    let data = try Data(contentsOf: from)
                    if (try? Data(contentsOf: to)) != data {
                        try data.write(to: to, options: .atomic)
                        copied += 1
                    }
                } catch {
                    throw BundleError(
                        code: "io.unwritable", file: to.path,
                        message: "Cannot write here; check free space and permissions, or choose another --out.")
                }
            }
        } catch {
            fail(error)
        }
        if !quiet {
            let text = (try Workspace(assetOptions)).localizer, lang = userLanguage()
            print(
                text.text(
                    "cli.traineePackWritten", lang,
                    ["path": out, "stage": text.text("stage." + through.rawValue, lang), "count": "\(copied)"]))
        }
    }
}
