import CargoModel
import CaseGeneration
import Foundation

/// The kinds of JSON file CargoSim writes, each with its schema in `Assets/schema/`.
public enum CourseFileKind: String, Sendable, CaseIterable {
    case course, `case`, key, decision, attempt

    /// The schema's file name (`case.schema.json`).
    public var schemaFileName: String { rawValue + ".schema.json" }
}

/// The JSON Schemas of the course files, loaded from `Assets/schema/`.
public struct CourseSchemas: Sendable {
    public let validators: [CourseFileKind: JSONSchemaValidator]

    /// Loads `<kind>.schema.json` for every kind from `directory` (usually `Assets/schema`).
    public init(directory: URL) throws(BundleError) {
        var validators: [CourseFileKind: JSONSchemaValidator] = [:]
        for kind in CourseFileKind.allCases {
            let file = directory.appendingPathComponent(kind.schemaFileName)
            let data = try CourseReader.read(file)
            do {
                validators[kind] = try JSONSchemaValidator(schemaData: data, file: file.path)
            } catch {
                throw BundleError(
                    code: "schema.invalid", file: file.path, field: error.pointer,
                    message: error.message + " Fix the schema (see JSONSchemaValidator for what it supports).")
            }
        }
        self.validators = validators
    }

    public subscript(kind: CourseFileKind) -> JSONSchemaValidator { validators[kind]! }
}

/// Checks a course folder against the on-disk contract (`CourseLayout`) and reports every problem found.
///
/// Checks, in this order: `course.json` is of this format, valid against its schema and decodes; case ids
/// are valid folder names and unique; its file list gives its course hash and names only files of listed
/// cases; every listed file is present with its SHA-256 (a missing or changed file is named) and no
/// unlisted file sits in a case folder or stage pack; each case's `case.json` and stage documents are
/// valid against the case schema as one document, decode, pass `InspectionCase.validate()` and carry
/// their folder's id, and `case.json` holds no later stage. A stage pack whose folder `stages/<stage>/` is
/// absent is not released yet (a trainee pack) and is not a problem; a released one must be whole. When
/// a keys folder is present or given, every `<id>.json` in it is a valid key for that case, every case has
/// one, `course-seed.json` names this course, and no file belongs to no case (`<id>.<anything>` files such
/// as `<id>.scene.json` belong to their case).
///
/// Problems are `BundleError`s with the file (relative to the course folder when inside it), the field
/// (`targeting.billOfLading.goods[0].hsCode`) and a message saying what to do. Codes: `course.*`,
/// `schema.violation`, `json.*`, and the model's validation codes (`goods.hsCode`, `port.locode`, …).
/// Files are read one at a time and hashed in 1 MiB chunks, so memory stays small on large courses.
public struct CourseValidator: Sendable {
    public let schemas: CourseSchemas

    public init(schemas: CourseSchemas) { self.schemas = schemas }

    /// Loads the schemas from `schemaDirectory` (usually `Assets/schema`).
    public init(schemaDirectory: URL) throws(BundleError) {
        self.init(schemas: try CourseSchemas(directory: schemaDirectory))
    }

    /// Validates the course in `courseDirectory`; `keysDirectory` defaults to `<course>/keys` when it exists
    /// (a trainee pack has none, and then keys are not checked). An empty result means the course is valid.
    public func validate(courseDirectory: URL, keysDirectory: URL? = nil) -> [BundleError] {
        var problems: [BundleError] = []
        let root = courseDirectory
        func relative(_ parts: String...) -> String { parts.joined(separator: "/") }
        func problem(_ code: String, _ file: String, field: String? = nil, value: String? = nil, _ message: String) {
            problems.append(
                BundleError(code: code, file: display(file, in: root), field: field, value: value, message: message))
        }

        // course.json
        let indexFile = "course.json"
        guard
            let indexData = readIfPresent(
                root.appendingPathComponent(indexFile), as: indexFile, in: root, into: &problems)
        else { return problems }
        do { try CourseReader.checkFormatVersion(of: indexData, file: indexFile) } catch {
            problems.append(error)
            return problems
        }
        guard let index: CourseIndex = check(indexData, file: indexFile, kind: .course, in: root, into: &problems)
        else {
            return problems
        }

        // Case ids.
        var listed: [String] = []
        var folded: Set<String> = []
        for (i, id) in index.caseIds.enumerated() {
            guard CourseNames.isValidCaseId(id) else {
                problem(
                    "course.caseId", indexFile, field: "caseIds[\(i)]", value: id,
                    "A case id is 1 to \(CourseNames.maximumCaseIdLength) letters, digits and dashes; regenerate the course."
                )
                continue
            }
            guard folded.insert(id.lowercased()).inserted else {
                problem(
                    "course.duplicateCaseId", indexFile, field: "caseIds[\(i)]", value: id,
                    "The case id \(id) is listed twice (ids are compared ignoring case); regenerate the course.")
                continue
            }
            listed.append(id)
        }

        // The file list of course.json: it must give the course hash, and name only files of listed cases.
        let listedSet = Set(listed)
        if index.recomputedHash != index.courseHash {
            problem(
                "course.hash", indexFile, field: "courseHash", value: index.courseHash,
                "The file list of course.json does not give its course hash: course.json was changed after the "
                    + "course was written. Restore it from the original copy or regenerate the course.")
        }
        for path in index.files.keys.sorted() {
            guard let owner = CourseLayout.owner(ofPath: path), listedSet.contains(owner.caseId),
                CourseLayout.stage(ofCaseFile: String(path.split(separator: "/").last ?? "")) == owner.stage
            else {
                problem(
                    "course.fileList", indexFile, field: "files", value: path,
                    "course.json lists a file that belongs to no case of the course; regenerate the course.")
                continue
            }
        }

        // Case files, stage by stage. A stage pack whose folder stages/<stage>/ is absent is not released yet
        // (a trainee pack); a released one must be whole.
        let casesFolder = root.appendingPathComponent("cases", isDirectory: true)
        let stagesFolder = root.appendingPathComponent(CourseLayout.stagesFolder, isDirectory: true)
        let laterStages = Stage.allCases.filter { $0 != .targeting }
        let released = Set([Stage.targeting] + laterStages.filter { isDirectory(stagesFolder.appendingPathComponent($0.rawValue)) })
        for id in listed {
            let expected = index.files(ofCase: id)
            if !expected.contains(where: { $0.path == "cases/\(id)/case.json" }) {
                problem(
                    "course.fileList", indexFile, field: "files", value: "cases/\(id)/case.json",
                    "course.json does not list this case's case.json; regenerate the course.")
            }
            var documents: [Stage: Data] = [:]
            for stage in Stage.allCases {
                let folderPath = CourseLayout.folder(of: stage, caseId: id)
                let folder = root.appendingPathComponent(folderPath, isDirectory: true)
                let here = expected.filter { $0.stage == stage }
                guard isDirectory(folder) else {
                    guard !here.isEmpty, released.contains(stage) else { continue }
                    problem(
                        stage == .targeting ? "course.missingCase" : "course.missingFile", folderPath,
                        stage == .targeting
                            ? "The course lists case \(id) but its folder is missing; copy the course again or regenerate it."
                            : "The \(stage.rawValue) stage pack lacks case \(id); copy the stage pack again or regenerate the course.")
                    continue
                }
                let wanted = Dictionary(uniqueKeysWithValues: here.map { ($0.path, $0.sha256) })
                var seen: Set<String> = []
                for name in listing(folder) where !name.hasPrefix(".") {
                    let path = folderPath + "/" + name
                    let url = folder.appendingPathComponent(name)
                    if isDirectory(url) {
                        problem("course.strayFolder", path, "A case folder holds only files; remove this folder.")
                        continue
                    }
                    guard let want = wanted[path] else {
                        problem(
                            "course.strayFile", path,
                            "This file is not part of the course (course.json does not list it); remove it.")
                        continue
                    }
                    seen.insert(path)
                    guard let digest = hashFile(url) else {
                        problem("io.unreadable", path, "Cannot read this file; check its permissions.")
                        continue
                    }
                    if digest != want {
                        problem(
                            "course.fileChanged", path,
                            "This file differs from the one the course was written with (its SHA-256 is in "
                                + "course.json); restore it from the original copy or regenerate the course.")
                    }
                    if name == CourseLayout.documentName(of: stage) { documents[stage] = try? CourseReader.read(url) }
                }
                for path in wanted.keys.sorted() where !seen.contains(path) {
                    problem(
                        "course.missingFile", path,
                        "This file of the course is missing; copy the course again or regenerate it.")
                }
            }
            if documents[.targeting] != nil {
                checkCase(
                    id, documents: documents, released: released, listed: Set(expected.map(\.path)), into: &problems)
            }
        }
        for name in listing(casesFolder) where !name.hasPrefix(".") && !folded.contains(name.lowercased()) {
            let isFolder = isDirectory(casesFolder.appendingPathComponent(name))
            problem(
                isFolder ? "course.unlistedCase" : "course.strayFile", relative("cases", name),
                isFolder
                    ? "This case folder is not listed in course.json; remove it, or regenerate the course."
                    : "cases/ holds only case folders; remove this file.")
        }
        for name in listing(stagesFolder) where !name.hasPrefix(".") {
            guard let stage = Stage(rawValue: name), stage != .targeting,
                isDirectory(stagesFolder.appendingPathComponent(name))
            else {
                problem(
                    "course.strayFile", relative(CourseLayout.stagesFolder, name),
                    "stages/ holds only the folders screening, examination and evidence; remove this.")
                continue
            }
            let folder = stagesFolder.appendingPathComponent(name)
            for entry in listing(folder) where !entry.hasPrefix(".") && !folded.contains(entry.lowercased()) {
                problem(
                    "course.unlistedCase", relative(CourseLayout.stagesFolder, name, entry),
                    "This is not a case of the course; remove it, or regenerate the course.")
            }
        }
        if !isDirectory(casesFolder) && !listed.isEmpty {
            problem(
                "course.missingCase", "cases", "The cases folder is missing; copy the course again or regenerate it.")
        }

        // Keys.
        let keysFolder = keysDirectory ?? root.appendingPathComponent("keys", isDirectory: true)
        guard isDirectory(keysFolder) else {
            if keysDirectory != nil {
                problem(
                    "course.notFound", keysFolder.path,
                    "The keys folder does not exist; give the keys folder of this course.")
            }
            return problems
        }
        var keyed: Set<String> = []
        for name in listing(keysFolder) where !name.hasPrefix(".") {
            let url = keysFolder.appendingPathComponent(name)
            let file = display(url.path, in: root)
            if name == CourseNames.courseSeedFile {
                checkSeedRecord(url, file: file, courseId: index.courseId, into: &problems)
                continue
            }
            guard let owner = CourseNames.caseId(ofKeyFile: name), listedSet.contains(owner), !isDirectory(url) else {
                problems.append(
                    BundleError(
                        code: "course.strayKey", file: file,
                        message: "This file belongs to no case of the course; remove it, or give the "
                            + "keys folder that goes with this course."))
                continue
            }
            guard name == owner + ".json" else { continue }  // <id>.scene.json and the like
            keyed.insert(owner)
            guard let data = readIfPresent(url, as: url.path, in: root, into: &problems),
                let key: AnswerKey = check(data, file: url.path, kind: .key, in: root, into: &problems)
            else { continue }
            if key.caseId != owner {
                problems.append(
                    BundleError(
                        code: "course.keyMismatch", file: file, field: "caseId", value: key.caseId,
                        message: "The key in \(name) is for another case; regenerate the course."))
            }
        }
        for id in listed where !keyed.contains(id) {
            problems.append(
                BundleError(
                    code: "course.missingKey",
                    file: display(keysFolder.appendingPathComponent(id + ".json").path, in: root),
                    message: "Case \(id) has no answer key; give the keys folder that goes with this course."))
        }
        return problems
    }

    /// Checks one JSON file's bytes against the schema of `kind` and, if it conforms, decodes and validates it
    /// as the model type (`InspectionCase`, `AnswerKey`, `Decision`, `Attempt`, `CourseIndex`). `file` names it
    /// in the problems. An empty result means the file is valid.
    public func validate(json data: Data, file: String, kind: CourseFileKind) -> [BundleError] {
        var problems: [BundleError] = []
        let base: URL? = nil
        switch kind {
        case .course:
            let _: CourseIndex? = check(data, file: file, kind: kind, in: base, into: &problems)
        case .case:
            if let value: InspectionCase = check(data, file: file, kind: kind, in: base, into: &problems) {
                problems += value.validate().errors.map { BundleError($0, file: file) }
            }
        case .key:
            let _: AnswerKey? = check(data, file: file, kind: kind, in: base, into: &problems)
        case .decision:
            if let value: Decision = check(data, file: file, kind: kind, in: base, into: &problems) {
                problems += value.validate().errors.map { BundleError($0, file: file) }
            }
        case .attempt:
            if let value: Attempt = check(data, file: file, kind: kind, in: base, into: &problems) {
                problems += value.validate().errors.map { BundleError($0, file: file) }
            }
        }
        return problems
    }

    // MARK: Internals

    /// Checks a case's documents (`case.json` and the stage documents present) against the case schema as
    /// one document, then decodes and validates it; each problem names the file its field is in.
    private func checkCase(
        _ id: String, documents: [Stage: Data], released: Set<Stage>, listed: Set<String>,
        into problems: inout [BundleError]
    ) {
        func file(of stage: Stage) -> String {
            CourseLayout.folder(of: stage, caseId: id) + "/" + CourseLayout.documentName(of: stage)
        }
        /// The file and the field within it of a field path of the whole case (`screening.scans[0]`).
        func locate(_ field: String?) -> (file: String, field: String?) {
            guard let field else { return (file(of: .targeting), nil) }
            for stage in Stage.allCases where stage != .targeting && documents[stage] != nil {
                if field == stage.rawValue { return (file(of: stage), nil) }
                if field.hasPrefix(stage.rawValue + ".") || field.hasPrefix(stage.rawValue + "[") {
                    let rest = field.dropFirst(stage.rawValue.count)
                    return (file(of: stage), String(rest.hasPrefix(".") ? rest.dropFirst() : rest))
                }
            }
            return (file(of: .targeting), field)
        }
        var whole: [String: JSONValue] = [:]
        var parts: [Stage: JSONValue] = [:]
        for (stage, data) in documents.sorted(by: { $0.key < $1.key }) {
            do { parts[stage] = try JSONValue(parsing: data) } catch {
                problems.append(
                    BundleError(
                        code: "json.syntax", file: file(of: stage), line: error.line, column: error.column,
                        message: error.message + " The file is not valid JSON; restore it or regenerate the course."))
                return
            }
        }
        guard case .object(let targeting)? = parts[.targeting] else {
            problems.append(
                BundleError(code: "schema.violation", file: file(of: .targeting), message: "case.json holds a JSON object."))
            return
        }
        whole = targeting
        for (stage, value) in parts where stage != .targeting {
            if whole[stage.rawValue] != nil {
                problems.append(
                    BundleError(
                        code: "course.stageInCase", file: file(of: .targeting), field: stage.rawValue,
                        message: "case.json holds the \(stage.rawValue) stage, which belongs in its stage pack: the "
                            + "trainee pack would give it away. Regenerate the course."))
            }
            whole[stage.rawValue] = value
        }
        let violations = schemas[.case].validate(.object(whole))
        for violation in violations {
            let place = locate(Self.fieldPath(violation.pointer))
            problems.append(
                BundleError(
                    code: "schema.violation", file: place.file, field: place.field,
                    message: violation.reason + " (\(CourseFileKind.case.schemaFileName): \(violation.keyword))"))
        }
        guard violations.isEmpty else { return }
        do {
            var decoded = try CanonicalJSON.decode(InspectionCase.self, from: documents[.targeting]!, file: file(of: .targeting))
            if let data = documents[.screening] {
                decoded.screening = try CanonicalJSON.decode(ScreeningStage.self, from: data, file: file(of: .screening))
            }
            if let data = documents[.examination] {
                decoded.examination = try CanonicalJSON.decode(
                    ExaminationStage.self, from: data, file: file(of: .examination))
            }
            if let data = documents[.evidence] {
                decoded.evidence = try CanonicalJSON.decode(EvidenceStage.self, from: data, file: file(of: .evidence))
            }
            // A missing document that course.json lists is reported once, as a missing file.
            for stage in decoded.stages
            where released.contains(stage) && documents[stage] == nil && !listed.contains(file(of: stage)) {
                problems.append(
                    BundleError(
                        code: "course.stageMissing", file: file(of: stage), field: "stages",
                        message: "Case \(id) lists the \(stage.rawValue) stage but its stage pack has no document for "
                            + "it; copy the course again or regenerate it."))
            }
            for error in decoded.validate(requiringEveryStage: false).errors {
                let place = locate(error.field.isEmpty ? nil : error.field)
                var located = BundleError(error, file: place.file)
                located.field = place.field
                problems.append(located)
            }
            if decoded.id != id {
                problems.append(
                    BundleError(
                        code: "course.caseId", file: file(of: .targeting), field: "id", value: decoded.id,
                        message: "The case in folder \(id) carries another id; the course was edited by hand: "
                            + "regenerate it."))
            }
        } catch {
            problems.append(error)
        }
    }

    /// `keys/course-seed.json` must decode, hold a 64-hex-digit seed and name this course.
    private func checkSeedRecord(_ url: URL, file: String, courseId: String, into problems: inout [BundleError]) {
        guard let data = try? CourseReader.read(url) else {
            problems.append(
                BundleError(code: "io.unreadable", file: file, message: "Cannot read this file; check its permissions."))
            return
        }
        do {
            let record = try CanonicalJSON.decode(CourseSeedRecord.self, from: data, file: file)
            if CourseSeed(text: record.courseSeed)?.isGuessable != false || record.courseSeed.count != 64 {
                problems.append(
                    BundleError(
                        code: "course.seed", file: file, field: "courseSeed",
                        message: "The course seed is 64 hex digits; restore this file from the grader pack."))
            } else if record.courseId != courseId {
                problems.append(
                    BundleError(
                        code: "course.seed", file: file, field: "courseId", value: record.courseId,
                        message: "This seed is for another course; give the keys folder that goes with this course."))
            }
        } catch {
            problems.append(error)
        }
    }

    /// Parses, checks against the schema, and decodes. Returns nil when the file is not usable; the decoder's
    /// error is reported only when the schema found nothing (otherwise it would repeat the schema's finding).
    private func check<T: Decodable>(
        _ data: Data, file: String, kind: CourseFileKind, in root: URL?,
        into problems: inout [BundleError]
    ) -> T? {
        let shown = display(file, in: root)
        let parsed: JSONValue
        do { parsed = try JSONValue(parsing: data) } catch {
            problems.append(
                BundleError(
                    code: "json.syntax", file: shown, line: error.line, column: error.column,
                    message: error.message + " The file is not valid JSON; restore it or regenerate the course."))
            return nil
        }
        let violations = schemas[kind].validate(parsed)
        for violation in violations {
            problems.append(
                BundleError(
                    code: "schema.violation", file: shown, field: Self.fieldPath(violation.pointer),
                    message: violation.reason + " (\(kind.schemaFileName): \(violation.keyword))"))
        }
        do { return try CanonicalJSON.decode(T.self, from: data, file: shown) } catch {
            if violations.isEmpty { problems.append(error) }
            return nil
        }
    }

    private func readIfPresent(_ url: URL, as file: String, in root: URL, into problems: inout [BundleError]) -> Data? {
        do { return try CourseReader.read(url) } catch {
            var located = error
            located.file = display(file, in: root)
            problems.append(located)
            return nil
        }
    }

    /// A path inside the course shown relative to it; other paths as they are.
    private func display(_ file: String, in root: URL?) -> String {
        guard let root else { return file }
        let prefix = root.standardizedFileURL.path + "/"
        return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : file
    }

    /// `/a/b/0/c` → `a.b[0].c`, the model's field style.
    static func fieldPath(_ pointer: String) -> String {
        var path = ""
        for token in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let name = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if !name.isEmpty, name.allSatisfy(\.isASCII), name.allSatisfy(\.isNumber) {
                path += "[\(name)]"
            } else {
                path += (path.isEmpty ? "" : ".") + name
            }
        }
        return path
    }

    private func listing(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }

    /// SHA-256 hex of a file, read in 1 MiB chunks; nil when it cannot be read.
    private func hashFile(_ url: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        var hasher = FileDigest()
        do {
            // read(upToCount:) returns nil or empty data at the end, depending on the platform.
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        } catch {
            return nil
        }
        return hasher.finalizeHex()
    }
}
