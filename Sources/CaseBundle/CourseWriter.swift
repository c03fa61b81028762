import CargoModel
import CaseGeneration
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a course to disk case by case, and puts it in place only when it is complete.
///
/// The course is built in a hidden working folder next to the output, `.<name>.partial-<pid>-<random>`,
/// and renamed to the output path by `finish()`. Until then nothing appears at the output path, so a
/// reader never sees half a course:
///
/// - `abandon()` (or dropping a writer that was never finished) removes the working folder.
/// - A crash leaves only the hidden `.partial` folder; the next `CourseWriter` for the same output
///   removes such leftovers of processes that no longer run.
/// - With `overwrite`, the existing course is replaced only after the new one is complete: the old
///   folder is renamed aside, the new one renamed into place, then the old one removed.
///
/// Every file is written to `<name>.tmp` and renamed, and hashed as it is written, so the course hash
/// needs no second pass. Memory is bounded by one case (plus the ids and file digests): a 10,000-case
/// course streams through without growing much. The layout is the documented contract (`CourseLayout`):
///
/// ```
/// <out>/course.json
/// <out>/cases/<id>/case.json              the targeting stage (the trainee pack)
/// <out>/stages/<stage>/<id>/<stage>.json  each later stage, with its files (scan*.png, door.svg)
/// <out>/keys/<id>.json                    (+ extra key files named <id>.<something>: <id>.scene.json)
/// <out>/keys/course-seed.json             the course's secret seed, when given
/// ```
///
/// The grader pack (`keys/`) is created mode 700 and its files mode 600, whatever the umask: it holds
/// every answer and the course seed.
///
/// Errors are `BundleError`s naming the path and what to do; codes: `course.outputNotEmpty`,
/// `course.outputNotFolder`, `course.notACourse`, `course.caseId`, `course.duplicateCaseId`,
/// `course.keyMismatch`, `course.fileName`, `course.writerClosed`, `io.unwritable`, `json.encode`.
/// Not thread-safe: use one writer from one task.
public final class CourseWriter {
    /// Where the finished course goes.
    public let outputDirectory: URL
    /// The hidden folder the course is built in until `finish()`.
    public let workingDirectory: URL
    public let title: String?
    public let generatorVersion: String
    public let courseId: String
    public let overwrite: Bool
    /// The course's secret seed, written to `keys/course-seed.json` (grader pack) by `finish()`.
    public let courseSeed: CourseSeed?

    private enum State { case open, failed, finished, abandoned }
    private var state = State.open
    private var caseIds: [String] = []
    /// Lower-cased ids: two ids differing only in case would share a folder on macOS and Windows.
    private var foldedIds: Set<String> = []
    private var hasher = CourseHasher()
    private var fileDigests: [String: String] = [:]

    /// Prepares to write a course to `outputDirectory`.
    ///
    /// Creates missing parent folders and the hidden working folder, and removes working folders that
    /// crashed runs left next to the output. Throws when the output exists and is not an empty
    /// folder (unless `overwrite` and it holds a course: a folder without `course.json` is never
    /// replaced, so that `--force` cannot wipe an unrelated folder), or when the parent cannot be
    /// written.
    public init(
        outputDirectory: URL, title: String?, generatorVersion: String, courseId: String,
        overwrite: Bool, courseSeed: CourseSeed? = nil
    ) throws(BundleError) {
        let output = outputDirectory.standardizedFileURL.resolvingSymlinksInPath()
        let name = output.lastPathComponent
        guard !name.isEmpty, name != "/", name != "..", name != "." else {
            throw BundleError(
                code: "course.outputNotFolder", file: outputDirectory.path,
                message: "Name a folder to write the course into (e.g. --out course).")
        }
        self.outputDirectory = output
        self.title = title
        self.generatorVersion = generatorVersion
        self.courseId = courseId
        self.overwrite = overwrite
        self.courseSeed = courseSeed

        try Self.checkOutput(output, overwrite: overwrite)
        let parent = output.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw BundleError(
                code: "io.unwritable", file: parent.path,
                message: "Cannot create the folder \(parent.path) to hold the course; choose an --out "
                    + "inside a folder you may write to.")
        }
        Self.removeStalePartials(of: output)

        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let working = parent.appendingPathComponent(".\(name).partial-\(getpid())-\(suffix)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(
                at: working.appendingPathComponent("cases"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                at: working.appendingPathComponent("keys"), withIntermediateDirectories: false,
                attributes: [.posixPermissions: 0o700])
            // The umask may have narrowed the mode given above; the grader pack is the owner's alone.
            guard chmod(working.appendingPathComponent("keys").path, 0o700) == 0 else {
                throw CocoaError(.fileWriteNoPermission)
            }
        } catch {
            try? FileManager.default.removeItem(at: working)
            throw BundleError(
                code: "io.unwritable", file: parent.path,
                message: "Cannot write in \(parent.path); check that you may write there (permissions, "
                    + "free space, a read-only disk), or choose another --out.")
        }
        self.workingDirectory = working
        ActivePartials.shared.insert(working.path)
    }

    deinit {
        if state == .open || state == .failed { removeWorkingDirectory() }
    }

    /// Number of cases added so far.
    public var caseCount: Int { caseIds.count }

    /// Writes one case and its key.
    ///
    /// Writes `cases/<id>/case.json` (the targeting stage), a `<stage>.json` per later stage in its stage
    /// pack, `keys/<id>.json` and the extra files at once. Extra case files go to the pack of their stage
    /// (`CourseLayout.stage(ofCaseFile:)`: `scan*.png` to screening, `door.svg` to examination) and must not
    /// be named like a stage document; extra key files must be named `<id>.<something>` (not `<id>.json`).
    /// Checks that the key belongs to the case, the id is a safe folder name (`CourseNames.isValidCaseId`)
    /// and not already in the course (ignoring letter case). A failed check writes nothing and leaves the
    /// writer usable; a failed write leaves it unusable (abandon it).
    public func add(
        case inspectionCase: InspectionCase, key: AnswerKey, extraCaseFiles: [String: Data] = [:],
        extraKeyFiles: [String: Data] = [:]
    ) throws(BundleError) {
        try requireOpen()
        let id = inspectionCase.id
        guard CourseNames.isValidCaseId(id) else {
            throw BundleError(
                code: "course.caseId", field: "id", value: id,
                message: "A case id names a folder: use 1 to \(CourseNames.maximumCaseIdLength) ASCII "
                    + "letters, digits and dashes, not starting with a dash.")
        }
        guard key.caseId == id else {
            throw BundleError(
                code: "course.keyMismatch", field: "caseId", value: key.caseId,
                message: "The answer key is for case \"\(key.caseId)\", not \"\(id)\"; pass the key "
                    + "generated with this case.")
        }
        guard !foldedIds.contains(id.lowercased()) else {
            throw BundleError(
                code: "course.duplicateCaseId", field: "id", value: id,
                message: "The course already has a case with the id \"\(id)\" (ids are compared "
                    + "ignoring case); give every case its own id.")
        }
        for name in extraCaseFiles.keys.sorted()
        where !CourseNames.isValidFileName(name) || CourseLayout.stage(ofCaseFile: name) == nil
            || name.hasSuffix(".json")
        {
            throw BundleError(
                code: "course.fileName", field: "extraCaseFiles", value: name,
                message: "Extra case files are the scans (scan*.png) and the door end (door.svg), named with "
                    + "letters, digits, dots, dashes and underscores.")
        }
        for name in extraCaseFiles.keys.sorted() {
            let stage = CourseLayout.stage(ofCaseFile: name)!
            guard inspectionCase.stages.contains(stage) else {
                throw BundleError(
                    code: "course.fileName", field: "extraCaseFiles", value: name,
                    message: "This file belongs to the \(stage.rawValue) stage, which case \(id) does not have.")
            }
        }
        for name in extraKeyFiles.keys.sorted()
        where !CourseNames.isValidFileName(name) || !name.hasPrefix(id + ".") || name == id + ".json" {
            throw BundleError(
                code: "course.fileName", field: "extraKeyFiles", value: name,
                message: "Name extra key files \(id).<something> (e.g. \(id).scene.json), with letters, "
                    + "digits, dots, dashes and underscores; \(id).json is the key itself.")
        }
        var files = extraCaseFiles
        let keyData: Data
        do {
            files["case.json"] = try CanonicalJSON.encode(inspectionCase.targetingPart)
            if let stage = inspectionCase.screening { files["screening.json"] = try CanonicalJSON.encode(stage) }
            if let stage = inspectionCase.examination { files["examination.json"] = try CanonicalJSON.encode(stage) }
            if let stage = inspectionCase.evidence { files["evidence.json"] = try CanonicalJSON.encode(stage) }
            keyData = try CanonicalJSON.encode(key)
        } catch {
            throw BundleError(
                code: "json.encode", field: "id", value: id,
                message: "Case \(id) cannot be written as JSON (\(error)); a number is not finite.")
        }

        state = .failed  // until every file of the case is in place
        var hashes: [(name: String, sha256: String)] = []
        var madeFolders: Set<String> = []
        for name in files.keys.sorted() {
            let data = files[name]!
            let stage = CourseLayout.stage(ofCaseFile: name)!
            let folderPath = CourseLayout.folder(of: stage, caseId: id)
            let folder = workingDirectory.appendingPathComponent(folderPath, isDirectory: true)
            if madeFolders.insert(folderPath).inserted {
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                } catch {
                    throw unwritable(folder, reason: error.localizedDescription)
                }
            }
            try writeAside(data, to: folder.appendingPathComponent(name))
            let path = folderPath + "/" + name, digest = FileDigest.hex(data)
            hashes.append((path, digest))
            fileDigests[path] = digest
        }
        let keysFolder = workingDirectory.appendingPathComponent("keys", isDirectory: true)
        var keyFiles = extraKeyFiles
        keyFiles[id + ".json"] = keyData
        for name in keyFiles.keys.sorted() {
            try writeAside(keyFiles[name]!, to: keysFolder.appendingPathComponent(name), mode: 0o600)
        }
        hasher.addCase(id: id, files: hashes)
        caseIds.append(id)
        foldedIds.insert(id.lowercased())
        state = .open
    }

    /// Writes `course.json` and moves the course into place; returns the index written.
    ///
    /// With `overwrite`, an existing course at the output is replaced now, and only now. If the output
    /// was created meanwhile by someone else and may not be replaced, throws and leaves the working
    /// folder for `abandon()`.
    @discardableResult
    public func finish() throws(BundleError) -> CourseIndex {
        try requireOpen()
        let index = CourseIndex(
            courseId: courseId, title: title, generatorVersion: generatorVersion, caseIds: caseIds,
            courseHash: hasher.hex, files: fileDigests)
        let data: Data
        do { data = try CanonicalJSON.encode(index) } catch {
            throw BundleError(
                code: "json.encode", file: "course.json", message: "course.json cannot be written: \(error).")
        }
        state = .failed
        if let courseSeed {
            let record = CourseSeedRecord(courseId: courseId, generatorVersion: generatorVersion, seed: courseSeed)
            let recordData: Data
            do { recordData = try CanonicalJSON.encode(record) } catch {
                throw BundleError(code: "json.encode", file: CourseNames.courseSeedFile, message: "\(error)")
            }
            try writeAside(
                recordData,
                to: workingDirectory.appendingPathComponent("keys").appendingPathComponent(CourseNames.courseSeedFile),
                mode: 0o600)
        }
        try writeAside(data, to: workingDirectory.appendingPathComponent("course.json"))
        try Self.checkOutput(outputDirectory, overwrite: overwrite)
        try moveIntoPlace()
        ActivePartials.shared.remove(workingDirectory.path)
        state = .finished
        return index
    }

    /// Stops writing and removes the working folder. Nothing is left at the output path, and an existing
    /// course there is untouched. Does nothing after `finish()` or a previous `abandon()`.
    public func abandon() {
        guard state == .open || state == .failed else { return }
        removeWorkingDirectory()
        state = .abandoned
    }

    // MARK: Internals

    private func requireOpen() throws(BundleError) {
        switch state {
        case .open: return
        case .failed:
            throw BundleError(
                code: "course.writerClosed", file: outputDirectory.path,
                message: "An earlier write to this course failed; abandon it and write the course again.")
        case .finished, .abandoned:
            throw BundleError(
                code: "course.writerClosed", file: outputDirectory.path,
                message: "This course writer is already finished or abandoned; start a new one.")
        }
    }

    private func removeWorkingDirectory() {
        try? FileManager.default.removeItem(at: workingDirectory)
        ActivePartials.shared.remove(workingDirectory.path)
    }

    /// An `io.unwritable` error for `url`; `reason` defaults to the current `errno`'s text.
    private func unwritable(_ url: URL, reason: String? = nil) -> BundleError {
        let why = reason ?? String(cString: strerror(errno))
        return BundleError(
            code: "io.unwritable", file: url.path,
            message: "Cannot write \(url.path) (\(why)); check free space and permissions, or choose "
                + "another --out.")
    }

    /// Writes `<url>.tmp`, then renames it to `url`; with `mode`, the file has exactly that mode (whatever the
    /// umask) before a byte is written to it.
    private func writeAside(_ data: Data, to url: URL, mode: mode_t? = nil) throws(BundleError) {
        let temporary = url.appendingPathExtension("tmp")
        if let mode {
            do { try writePrivately(data, to: temporary, mode: mode) } catch {
                throw unwritable(url, reason: error.localizedDescription)
            }
        } else {
            do { try data.write(to: temporary) } catch { throw unwritable(url, reason: error.localizedDescription) }
        }
        guard rename(temporary.path, url.path) == 0 else {
            let failure = unwritable(url)
            try? FileManager.default.removeItem(at: temporary)
            throw failure
        }
    }

    private func moveIntoPlace() throws(BundleError) {
        let output = outputDirectory.path
        if !Self.exists(output) || Self.isEmptyDirectory(output) {
            // rename(2) replaces an empty folder in one step.
            guard rename(workingDirectory.path, output) == 0 else { throw unwritable(outputDirectory) }
            return
        }
        // A course to replace (checkOutput allowed it): set it aside, put the new one in, drop the old one.
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let aside = outputDirectory.deletingLastPathComponent()
            .appendingPathComponent(".\(outputDirectory.lastPathComponent).partial-\(getpid())-\(suffix)-old").path
        guard rename(output, aside) == 0 else { throw unwritable(outputDirectory) }
        guard rename(workingDirectory.path, output) == 0 else {
            let failure = unwritable(outputDirectory)
            _ = rename(aside, output)
            throw failure
        }
        try? FileManager.default.removeItem(atPath: aside)
    }

    private static func checkOutput(_ output: URL, overwrite: Bool) throws(BundleError) {
        let path = output.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw BundleError(
                code: "course.outputNotFolder", file: path,
                message: "\(path) is a file, not a folder; choose an empty folder for the course.")
        }
        guard !isEmptyDirectory(path) else { return }
        guard overwrite else {
            throw BundleError(
                code: "course.outputNotEmpty", file: path,
                message: "\(path) is not empty; choose an empty folder or pass --force to replace the "
                    + "course in it.")
        }
        guard exists(output.appendingPathComponent("course.json").path) else {
            throw BundleError(
                code: "course.notACourse", file: path,
                message: "\(path) holds files but no course.json, so it is not replaced even with "
                    + "--force; choose an empty folder, or remove that folder yourself first.")
        }
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func isEmptyDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
            let entries = try? FileManager.default.contentsOfDirectory(atPath: path)
        else { return false }
        return entries.isEmpty
    }

    /// Removes `.<name>.partial-*` folders next to `output` whose writer is gone: its process no longer
    /// runs, or it is this process and no live writer owns the folder. A name that does not parse counts
    /// as gone.
    static func removeStalePartials(of output: URL) {
        let parent = output.deletingLastPathComponent()
        let prefix = ".\(output.lastPathComponent).partial-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
        for entry in entries.sorted() where entry.hasPrefix(prefix) {
            let path = parent.appendingPathComponent(entry).path
            let pidText = entry.dropFirst(prefix.count).prefix { $0 != "-" }
            var stale = true
            if let pid = Int32(pidText), pid > 0 {
                if pid == getpid() {
                    stale = !ActivePartials.shared.contains(path)
                } else {
                    stale = kill(pid, 0) != 0 && errno == ESRCH
                }
            }
            if stale { try? FileManager.default.removeItem(atPath: path) }
        }
    }
}

/// Working folders of live writers in this process, so that one writer's cleanup never removes another's.
private final class ActivePartials: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    static let shared = ActivePartials()
    private let lock = NSLock()
    private var paths: Set<String> = []

    func insert(_ path: String) { lock.withLock { _ = paths.insert(path) } }
    func remove(_ path: String) { lock.withLock { _ = paths.remove(path) } }
    func contains(_ path: String) -> Bool { lock.withLock { paths.contains(path) } }
}

extension CourseWriter {
    /// Replaces or adds files of one case in a finished course (`cargosim render` writes new scans and the
    /// screening document) and rewrites `course.json` with their digests and the new course hash.
    ///
    /// Each file goes to the pack of its stage (`CourseLayout`), written aside and renamed; `course.json` is
    /// rewritten last the same way. The course hash changes: attempts made on the earlier files no longer
    /// match it. Returns the new index.
    @discardableResult
    public static func replaceCaseFiles(
        in courseDirectory: URL, caseId: String, files: [String: Data]
    ) throws(BundleError) -> CourseIndex {
        let reader = try CourseReader(courseDirectory: courseDirectory)
        guard reader.caseIds.contains(caseId) else {
            throw BundleError(
                code: "course.unknownCase", file: courseDirectory.path, value: caseId,
                message: "The course has no case \(caseId); give a case of this course.")
        }
        var index = reader.index
        for name in files.keys.sorted() {
            guard CourseNames.isValidFileName(name), let path = CourseLayout.path(ofFile: name, caseId: caseId) else {
                throw BundleError(
                    code: "course.fileName", value: name,
                    message: "Only scans (scan*.png), door.svg and stage documents can be replaced in a case.")
            }
            let url = courseDirectory.appendingPathComponent(path)
            do {
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                let temporary = url.appendingPathExtension("tmp")
                try files[name]!.write(to: temporary)
                guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
            } catch {
                throw BundleError(
                    code: "io.unwritable", file: url.path,
                    message: "Cannot write \(url.path); check free space and permissions.")
            }
            index.files[path] = FileDigest.hex(files[name]!)
        }
        index.courseHash = index.recomputedHash
        let indexURL = courseDirectory.appendingPathComponent("course.json")
        do {
            let temporary = indexURL.appendingPathExtension("tmp")
            try CanonicalJSON.encode(index).write(to: temporary)
            guard rename(temporary.path, indexURL.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw BundleError(
                code: "io.unwritable", file: indexURL.path,
                message: "Cannot write \(indexURL.path); check free space and permissions.")
        }
        return index
    }
}
