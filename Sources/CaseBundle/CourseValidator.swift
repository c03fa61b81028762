import CargoModel
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

/// Checks a course folder against the on-disk contract and reports every problem found.
///
/// Checks, in this order: `course.json` is valid against its schema and decodes; case ids are valid
/// folder names and unique; every listed case folder exists and its `case.json` is valid against the
/// schema, decodes, passes `InspectionCase.validate()` and carries its folder's id; `cases/` holds no
/// unlisted folder or stray file; the course hash recomputes equal (only when every listed folder
/// exists: otherwise the missing case is the problem to fix); and, when a keys folder is present or
/// given, every `<id>.json` in it is a valid key for that case, every case has one, and no file belongs
/// to no case (`<id>.<anything>` files such as `<id>.scene.json` belong to their case).
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
        guard let index: CourseIndex = check(indexData, file: indexFile, kind: .course, in: root, into: &problems)
        else {
            return problems
        }
        guard index.formatVersion == CourseIndex.currentFormatVersion else {
            problem(
                "course.formatVersion", indexFile, field: "formatVersion", value: "\(index.formatVersion)",
                "This CargoSim checks course format \(CourseIndex.currentFormatVersion); use the CargoSim that wrote the course."
            )
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

        // Cases, and the hash as we go.
        let casesFolder = root.appendingPathComponent("cases", isDirectory: true)
        var hasher = CourseHasher()
        var hashable = listed.count == index.caseIds.count
        for id in listed {
            let folder = casesFolder.appendingPathComponent(id, isDirectory: true)
            guard isDirectory(folder) else {
                problem(
                    "course.missingCase", relative("cases", id),
                    "The course lists case \(id) but its folder is missing; copy the course again or regenerate it.")
                hashable = false
                continue
            }
            var files: [(name: String, sha256: String)] = []
            for name in listing(folder) where !name.hasPrefix(".") {
                let url = folder.appendingPathComponent(name)
                if isDirectory(url) {
                    problem(
                        "course.strayFolder", relative("cases", id, name),
                        "A case folder holds only files; remove this folder.")
                    continue
                }
                guard let digest = hashFile(url) else {
                    problem(
                        "io.unreadable", relative("cases", id, name), "Cannot read this file; check its permissions.")
                    hashable = false
                    continue
                }
                files.append((name, digest))
            }
            hasher.addCase(id: id, files: files)
            let caseFile = relative("cases", id, "case.json")
            guard
                let data = readIfPresent(
                    folder.appendingPathComponent("case.json"), as: caseFile, in: root, into: &problems)
            else { continue }
            guard let decoded: InspectionCase = check(data, file: caseFile, kind: .case, in: root, into: &problems)
            else {
                continue
            }
            for error in decoded.validate().errors {
                problems.append(BundleError(error, file: display(caseFile, in: root)))
            }
            if decoded.id != id {
                problem(
                    "course.caseId", caseFile, field: "id", value: decoded.id,
                    "The case in folder \(id) carries another id; the course was edited by hand: regenerate it.")
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
        if !isDirectory(casesFolder) && !listed.isEmpty {
            problem(
                "course.missingCase", "cases", "The cases folder is missing; copy the course again or regenerate it.")
        } else if hashable, hasher.hex != index.courseHash {
            problem(
                "course.hash", indexFile, field: "courseHash", value: index.courseHash,
                "The files under cases/ do not match the course hash: something was changed, added or removed "
                    + "after the course was written. Restore the course from its original copy or regenerate it.")
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
        let listedSet = Set(listed)
        var keyed: Set<String> = []
        for name in listing(keysFolder) where !name.hasPrefix(".") {
            let url = keysFolder.appendingPathComponent(name)
            let file = display(url.path, in: root)
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
        var hasher = SHA256()
        do {
            // read(upToCount:) returns nil or empty data at the end, depending on the platform.
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        } catch {
            return nil
        }
        return hasher.finalizeHex()
    }
}
