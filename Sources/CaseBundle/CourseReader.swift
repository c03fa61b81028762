import CargoModel
import Foundation

/// What a path given on the command line points at.
public enum CourseLocation: Hashable, Sendable {
    /// The course folder (the one holding `course.json`).
    case course(URL)
    /// One case of a course: its folder `…/cases/<id>` or its `case.json` was given.
    case caseInCourse(course: URL, caseId: String)
    /// A `case.json` (or a folder holding one) that is not inside a course.
    case standaloneCase(file: URL)

    /// The course folder, when the path is in a course.
    public var courseDirectory: URL? {
        switch self {
        case let .course(url), let .caseInCourse(url, _): url
        case .standaloneCase: nil
        }
    }
}

/// Reads a course written by `CourseWriter`: the index, cases and (only when asked) keys.
///
/// Opening reads and checks `course.json` only; cases and keys are read one at a time, so a large
/// course costs memory only for what is read. Ids are checked to be plain folder names before they
/// are used in a path, so a hand-edited `course.json` cannot make the reader leave the course.
/// Errors are `BundleError`s naming the file and what to do (`course.notFound`, `course.notACourse`,
/// `course.formatVersion`, `course.caseId`, `course.unknownCase`, `course.keyMismatch`, `io.unreadable`,
/// and the `json.*` codes of `CanonicalJSON.decode`).
public struct CourseReader: Sendable {
    /// The course folder.
    public let directory: URL
    /// The decoded `course.json`.
    public let index: CourseIndex
    private let listed: Set<String>

    /// Opens the course in `directory` and reads its `course.json`.
    public init(courseDirectory directory: URL) throws(BundleError) {
        let file = directory.appendingPathComponent("course.json")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw BundleError(
                code: "course.notACourse", file: directory.path,
                message: "No course.json in \(directory.path); give the folder a course was generated "
                    + "into (it holds course.json and cases/).")
        }
        let data = try Self.read(file)
        try Self.checkFormatVersion(of: data, file: file.path)
        let index = try CanonicalJSON.decode(CourseIndex.self, from: data, file: file.path)
        self.directory = directory
        self.index = index
        self.listed = Set(index.caseIds)
    }

    /// Case ids in course order.
    public var caseIds: [String] { index.caseIds }

    /// The default keys folder, `<course>/keys` (it may be absent from a trainee pack).
    public var defaultKeysDirectory: URL { directory.appendingPathComponent("keys", isDirectory: true) }

    /// The folder of case `id`.
    public func caseDirectory(_ id: String) -> URL {
        directory.appendingPathComponent("cases").appendingPathComponent(id, isDirectory: true)
    }

    /// The folder of case `id`'s files of `stage` (`cases/<id>` or `stages/<stage>/<id>`).
    public func folder(of stage: Stage, caseId id: String) -> URL {
        directory.appendingPathComponent(CourseLayout.folder(of: stage, caseId: id), isDirectory: true)
    }

    /// Where a file of case `id` lives (`scan.png` is in the screening pack); nil for a name no stage holds.
    public func fileURL(_ name: String, caseId id: String) -> URL? {
        CourseLayout.path(ofFile: name, caseId: id).map { directory.appendingPathComponent($0) }
    }

    /// Reads case `id` as far as its stage packs are present: `cases/<id>/case.json` (targeting) and, for
    /// every later stage listed, its `<stage>.json` when the stage pack is here. The case must carry the id
    /// of its folder. A trainee pack whose later stages are not released gives a case without them.
    public func readCase(_ id: String) throws(BundleError) -> InspectionCase {
        try checkListed(id)
        let file = caseDirectory(id).appendingPathComponent("case.json")
        var decoded = try Self.readCase(at: file)
        guard decoded.id == id else {
            throw BundleError(
                code: "course.caseId", file: file.path, field: "id", value: decoded.id,
                message: "The case in folder \(id) has the id \"\(decoded.id)\"; the course was edited "
                    + "by hand: regenerate it.")
        }
        for stage in decoded.stages where stage != .targeting {
            let stageFile = folder(of: stage, caseId: id).appendingPathComponent(CourseLayout.documentName(of: stage))
            guard FileManager.default.fileExists(atPath: stageFile.path) else { continue }
            let data = try Self.read(stageFile)
            switch stage {
            case .targeting: break
            case .screening: decoded.screening = try CanonicalJSON.decode(ScreeningStage.self, from: data, file: stageFile.path)
            case .examination:
                decoded.examination = try CanonicalJSON.decode(ExaminationStage.self, from: data, file: stageFile.path)
            case .evidence: decoded.evidence = try CanonicalJSON.decode(EvidenceStage.self, from: data, file: stageFile.path)
            }
        }
        return decoded
    }

    /// Reads case `id` with every stage it lists; throws naming the first stage document that is missing
    /// (a trainee pack whose later stages are not released).
    public func readCompleteCase(_ id: String) throws(BundleError) -> InspectionCase {
        let decoded = try readCase(id)
        for stage in decoded.stages where !decoded.has(stage) {
            let missing = folder(of: stage, caseId: id).appendingPathComponent(CourseLayout.documentName(of: stage))
            throw BundleError(
                code: "course.stageMissing", file: missing.path,
                message: "The \(stage.rawValue) stage of case \(id) is not here (\(CourseLayout.stagesFolder)/"
                    + "\(stage.rawValue)/ is the stage pack); give the whole course as generated, not a trainee pack.")
        }
        return decoded
    }

    /// Reads and decodes the key of case `id` from `keysDirectory` (default `<course>/keys`), as given with
    /// `--keys KEYS_DIR`. The key must be for that case.
    public func readKey(_ id: String, keysDirectory: URL? = nil) throws(BundleError) -> AnswerKey {
        try checkListed(id)
        let folder = keysDirectory ?? defaultKeysDirectory
        let file = folder.appendingPathComponent(id + ".json")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw BundleError(
                code: "course.notFound", file: file.path,
                message: "No answer key for case \(id) in \(folder.path); give the keys folder of this "
                    + "course with --keys KEYS_DIR.")
        }
        let key = try CanonicalJSON.decode(AnswerKey.self, from: try Self.read(file), file: file.path)
        guard key.caseId == id else {
            throw BundleError(
                code: "course.keyMismatch", file: file.path, field: "caseId", value: key.caseId,
                message: "This key is for case \"\(key.caseId)\", not \(id); give the keys folder of "
                    + "this course.")
        }
        return key
    }

    /// Decodes a `case.json` anywhere (a standalone case, or one resolved by `resolve`).
    public static func readCase(at file: URL) throws(BundleError) -> InspectionCase {
        try CanonicalJSON.decode(InspectionCase.self, from: try read(file), file: file.path)
    }

    /// Works out what `path` (as typed on the command line, relative to the current folder) points at:
    /// a course folder, a case folder `…/cases/<id>`, or a `case.json` file.
    public static func resolve(_ path: String) throws(BundleError) -> CourseLocation {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw BundleError(
                code: "course.notFound", file: path,
                message: "Nothing at \(path); give a course folder (it holds course.json), a case "
                    + "folder (course/cases/<id>) or a case.json.")
        }
        let caseFile: URL
        if isDirectory.boolValue {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("course.json").path) {
                return .course(url)
            }
            caseFile = url.appendingPathComponent("case.json")
            guard FileManager.default.fileExists(atPath: caseFile.path) else {
                throw BundleError(
                    code: "course.notACourse", file: path,
                    message: "\(path) holds neither course.json nor case.json; give a course folder, "
                        + "a case folder (course/cases/<id>) or a case.json.")
            }
        } else {
            guard url.lastPathComponent == "case.json" else {
                throw BundleError(
                    code: "course.notACourse", file: path,
                    message: "\(path) is not a case.json; give a course folder, a case folder "
                        + "(course/cases/<id>) or a case.json.")
            }
            caseFile = url
        }
        let caseFolder = caseFile.deletingLastPathComponent()
        let casesFolder = caseFolder.deletingLastPathComponent()
        let course = casesFolder.deletingLastPathComponent()
        if casesFolder.lastPathComponent == "cases",
            FileManager.default.fileExists(atPath: course.appendingPathComponent("course.json").path)
        {
            return .caseInCourse(course: course, caseId: caseFolder.lastPathComponent)
        }
        return .standaloneCase(file: caseFile)
    }

    // MARK: Internals

    private func checkListed(_ id: String) throws(BundleError) {
        guard CourseNames.isValidCaseId(id) else {
            throw BundleError(
                code: "course.caseId", file: directory.appendingPathComponent("course.json").path,
                value: id, message: "\"\(id)\" is not a valid case id (letters, digits and dashes).")
        }
        guard listed.contains(id) else {
            throw BundleError(
                code: "course.unknownCase", file: directory.path, value: id,
                message: "The course has no case \(id); run `cargosim validate` or list the course to "
                    + "see its case ids.")
        }
    }

    /// Refuses a `course.json` of another format version with what to do, before it is decoded.
    static func checkFormatVersion(of data: Data, file: String) throws(BundleError) {
        let probe = try CanonicalJSON.decode(CourseFormatProbe.self, from: data, file: file)
        guard probe.formatVersion == CourseIndex.currentFormatVersion else {
            throw BundleError(
                code: "course.formatVersion", file: file, field: "formatVersion", value: "\(probe.formatVersion)",
                message: "This CargoSim reads course format \(CourseIndex.currentFormatVersion); "
                    + (probe.formatVersion > CourseIndex.currentFormatVersion
                        ? "update CargoSim to open this course."
                        : "regenerate the course (format 1 kept every stage in case.json)."))
        }
    }

    static func read(_ file: URL) throws(BundleError) -> Data {
        do { return try Data(contentsOf: file) } catch {
            let exists = FileManager.default.fileExists(atPath: file.path)
            throw BundleError(
                code: exists ? "io.unreadable" : "course.notFound", file: file.path,
                message: exists
                    ? "Cannot read \(file.path) (\(error.localizedDescription)); check its permissions."
                    : "\(file.path) is missing; the course is incomplete: regenerate it or copy it again.")
        }
    }
}
