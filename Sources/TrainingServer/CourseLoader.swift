import CaseBundle
import Foundation
import Storage

/// Reads a generated course folder and its keys into what `Storage.importCourse` stores, after checking
/// the whole course against the schemas (nothing is imported from a course that does not validate).
public enum CourseLoader {
    /// Files of a case's stage packs that trainees may receive, once their stage is open.
    public static let caseFiles = ["scan.png", "scan-high.png", "scan-low.png", "door.svg"]

    /// - Throws: `BundleErrors` listing every problem of the course (file, field, what to do).
    public static func load(courseDirectory: URL, keysDirectory: URL, schemaDirectory: URL) throws -> CourseImport {
        let problems = try CourseValidator(schemaDirectory: schemaDirectory).validate(
            courseDirectory: courseDirectory, keysDirectory: keysDirectory)
        if !problems.isEmpty { throw BundleErrors(problems) }
        let reader = try CourseReader(courseDirectory: courseDirectory)
        var cases: [CaseImport] = []
        for caseId in reader.caseIds {
            let keyFile = keysDirectory.appendingPathComponent(caseId + ".json")
            guard let key = FileManager.default.contents(atPath: keyFile.path) else {
                throw BundleError(
                    code: "keys.missing", file: keyFile.path,
                    message: "No answer key for case \(caseId); give the keys/ folder of this course with --keys.")
            }
            // The server keeps the whole case (every stage pack) and gates the stages itself.
            let whole = try reader.readCompleteCase(caseId)
            var files: [String: [UInt8]] = [:]
            for name in caseFiles {
                if let url = reader.fileURL(name, caseId: caseId), let bytes = FileManager.default.contents(atPath: url.path) {
                    files[name] = Array(bytes)
                }
            }
            cases.append(
                CaseImport(
                    caseId: caseId, document: Array(try CanonicalJSON.encode(whole)), files: files, key: Array(key)))
        }
        let indexBytes =
            FileManager.default.contents(
                atPath: courseDirectory.appendingPathComponent("course.json").path) ?? Data()
        return CourseImport(
            courseId: reader.index.courseId, title: reader.index.title ?? reader.index.courseId,
            courseHash: reader.index.courseHash, index: Array(indexBytes), cases: cases)
    }
}
