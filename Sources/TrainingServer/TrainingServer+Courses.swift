import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import Storage
import XRayImaging

/// What the server needs to make courses itself (generation and import in the console): the catalogue and
/// material table of `Assets/`, the starter curricula of `Cases/curricula/`, and a private folder for work
/// in progress.
public struct CourseMaking: Sendable {
    public var catalog: Catalog
    public var materials: MaterialTable
    /// `Cases/curricula` (the starter mixes the console offers), when present.
    public var curricula: URL?
    /// Courses are made here, then imported and removed (mode 700).
    public var workDirectory: URL
    /// Scans are rendered unless false (tests make paperwork-only courses quickly).
    public var renderScans: Bool

    public init(
        catalog: Catalog, materials: MaterialTable, curricula: URL?, workDirectory: URL, renderScans: Bool = true
    ) {
        self.catalog = catalog
        self.materials = materials
        self.curricula = curricula
        self.workDirectory = workDirectory
        self.renderScans = renderScans
    }
}

/// The console's course library and course making (docs/API.md, "Courses and authoring").
extension TrainingServer {
    /// A course as the library lists it: what it holds, read from its keys (staff only).
    struct CourseLibraryEntry: Encodable {
        var id: String
        var title: String
        var caseCount: Int
        var importedAt: Instant
        var courseHash: String
        var irregularCount: Int
        var scenarios: [String: Int]
        var difficulty: [String: Int]
        var concealments: [String: Int]
        var targetingOnly: Int
        /// The weakest concealment's contrast-to-noise per case that has one: lowest, median, highest.
        var visibility: [String: Double]?
        var hasSeed: Bool
    }

    struct CaseRow: Encodable {
        var position: Int
        var caseId: String
        var scenario: String
        var irregular: Bool
        var difficulty: Int
        var concealments: [String]
        var weakestCNR: Double?
        var stages: [Stage]
        var vantage: Vantage
        var containerType: String
    }

    struct CoursePreview: Encodable {
        var `case`: InspectionCase
        var key: AnswerKey
        var files: [String]
    }

    func requireStaffUser(_ request: Request) async throws -> User {
        let (user, _) = try await authenticate(request)
        try requireStaff(user)
        return user
    }

    /// Keys of a course, decoded (staff views only; never on a trainee's path).
    func keys(courseId: String) async throws -> [(caseId: String, inspectionCase: InspectionCase, key: AnswerKey)] {
        var out: [(String, InspectionCase, AnswerKey)] = []
        for caseId in try await storage.caseIds(courseId: courseId) {
            guard let c = try await cases.inspectionCase(courseId: courseId, caseId: caseId, storage: storage),
                let bytes = try await storage.answerKey(courseId: courseId, caseId: caseId)
            else { continue }
            out.append((caseId, c, try JSONDecoder().decode(AnswerKey.self, from: Data(bytes))))
        }
        return out
    }

    func libraryEntry(_ summary: CourseSummary) async throws -> CourseLibraryEntry {
        let all = try await keys(courseId: summary.id)
        func count(_ values: [String]) -> [String: Int] { values.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
        let cnrs = all.compactMap { $0.key.scans.first?.weakestContrastToNoise }.sorted()
        return CourseLibraryEntry(
            id: summary.id, title: summary.title, caseCount: summary.caseCount, importedAt: summary.importedAt,
            courseHash: summary.courseHash, irregularCount: all.filter(\.key.irregular).count,
            scenarios: count(all.map(\.key.scenario)), difficulty: count(all.map { String($0.key.difficulty.level) }),
            concealments: count(all.flatMap { $0.key.anomalies.map(\.kind.rawValue) }),
            targetingOnly: all.filter { $0.inspectionCase.stages == [.targeting] }.count,
            visibility: cnrs.isEmpty
                ? nil : ["min": cnrs.first!, "median": cnrs[cnrs.count / 2], "max": cnrs.last!],
            hasSeed: try await storage.courseSeed(courseId: summary.id) != nil)
    }

    func addCourseRoutes(to router: Router<ServerContext>) {
        router.get("/api/courses") { request, _ in
            _ = try await self.requireStaffUser(request)
            var out: [CourseLibraryEntry] = []
            for summary in try await self.storage.courses() { out.append(try await self.libraryEntry(summary)) }
            return jsonResponse(out)
        }

        router.get("/api/courses/:id") { request, context in
            _ = try await self.requireStaffUser(request)
            guard let id = context.parameters.get("id"), let summary = try await self.storage.course(id: id) else {
                throw APIError.notFound
            }
            let rows = try await self.keys(courseId: id).enumerated().map { position, item in
                CaseRow(
                    position: position + 1, caseId: item.caseId, scenario: item.key.scenario,
                    irregular: item.key.irregular, difficulty: item.key.difficulty.level,
                    concealments: item.key.anomalies.map(\.kind.rawValue),
                    weakestCNR: item.key.scans.first?.weakestContrastToNoise, stages: item.inspectionCase.stages,
                    vantage: item.inspectionCase.vantage,
                    containerType: item.inspectionCase.targeting.billOfLading.containerType)
            }
            struct Detail: Encodable {
                var course: CourseLibraryEntry
                var cases: [CaseRow]
            }
            return jsonResponse(Detail(course: try await self.libraryEntry(summary), cases: rows))
        }

        // The whole case (every stage) with its key: the instructor's preview.
        router.get("/api/courses/:id/cases/:cid") { request, context in
            _ = try await self.requireStaffUser(request)
            guard let id = context.parameters.get("id"), let cid = context.parameters.get("cid"),
                CourseNames.isValidCaseId(cid),
                let c = try await self.cases.inspectionCase(courseId: id, caseId: cid, storage: self.storage),
                let bytes = try await self.storage.answerKey(courseId: id, caseId: cid)
            else { throw APIError.notFound }
            var files = c.screening?.scans.map(\.file) ?? []
            if c.examination != nil { files.append("door.svg") }
            return jsonResponse(
                CoursePreview(case: c, key: try JSONDecoder().decode(AnswerKey.self, from: Data(bytes)), files: files))
        }

        router.get("/api/courses/:id/cases/:cid/files/:name") { request, context in
            _ = try await self.requireStaffUser(request)
            guard let id = context.parameters.get("id"), let cid = context.parameters.get("cid"),
                let name = context.parameters.get("name"), CourseNames.isValidCaseId(cid),
                Self.scanFiles.contains(name) || name == "door.svg",
                let bytes = try await self.cases.file(courseId: id, caseId: cid, name: name, storage: self.storage)
            else { throw APIError.notFound }
            return fileResponse(
                bytes, contentType: name.hasSuffix(".svg") ? "image/svg+xml" : "image/png", cacheable: true)
        }

        // The seed of a course made on the server: whoever has it has every key. Shown to staff, audited.
        router.get("/api/courses/:id/seed") { request, context in
            let user = try await self.requireStaffUser(request)
            guard let id = context.parameters.get("id"), try await self.storage.course(id: id) != nil else {
                throw APIError.notFound
            }
            let seed = try await self.storage.courseSeed(courseId: id)
            await self.audit(user.username, "course.seedShown", id)
            return jsonResponse(["courseSeed": seed])
        }

        router.get("/api/curricula") { request, _ in
            _ = try await self.requireStaffUser(request)
            return jsonResponse(try self.starterCurricula())
        }

        router.post("/api/courses/generate") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            let input = try await self.decodeBody(
                GenerateInput.self, from: request, allowedFields: GenerateInput.fields)
            let job = try await self.startGeneration(input, by: user)
            return jsonResponse(job, status: .accepted)
        }

        // A course folder packed as .tar.gz or .zip (the body, at most 2 GiB): kept aside, then unpacked,
        // validated as `course import` does and imported by a job; an upload that fails leaves nothing behind.
        router.post("/api/courses/import") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            let making = try self.requireMaking()
            try makePrivateFolder(making.workDirectory)
            let upload = making.workDirectory.appendingPathComponent("upload-\(Tokens.random().prefix(16))")
            do {
                try await self.receive(request, into: upload, limit: Self.maximumUploadBytes)
            } catch {
                try? FileManager.default.removeItem(at: upload)
                throw error
            }
            let job = try await self.storage.createJob(
                kind: "import", total: 1, createdBy: user.username, at: self.now())
            await self.audit(user.username, "course.upload", "job \(job.id)")
            Task.detached { [self] in
                await self.jobs.runOne(job: job.id) {
                    await self.importUpload(job: job.id, upload: upload, making: making, by: user)
                }
            }
            return jsonResponse(JobView(job), status: .accepted)
        }

        router.get("/api/jobs") { request, _ in
            _ = try await self.requireStaffUser(request)
            return jsonResponse(try await self.storage.jobs(limit: 50).map(JobView.init))
        }

        router.get("/api/jobs/:jid") { request, context in
            _ = try await self.requireStaffUser(request)
            guard let job = try await self.storage.job(id: try pathId(context, "jid")) else { throw APIError.notFound }
            return jsonResponse(JobView(job))
        }
    }

    // MARK: Curricula

    struct Curriculum: Encodable {
        var file: String
        var mix: CurriculumMix
        var yaml: String
    }

    /// The starter curricula (`Cases/curricula/*.yaml`), each with its mix and its YAML text.
    func starterCurricula() throws -> [Curriculum] {
        guard let folder = configuration.making?.curricula,
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [] }
        var out: [Curriculum] = []
        for name in names.sorted() where name.hasSuffix(".yaml") {
            let url = folder.appendingPathComponent(name)
            guard let mix = try? YAMLSpecReader().readMix(fileAt: url),
                let text = try? String(contentsOf: url, encoding: .utf8)
            else { continue }
            out.append(Curriculum(file: name, mix: mix, yaml: text))
        }
        return out
    }

    // MARK: Generation

    struct GenerateInput: Decodable {
        var title: String
        /// The mix as the form has it (the keys of a curriculum's YAML); checked by the YAML reader's rules.
        var mix: JSONValue
        /// Specs of the library to include, placed at even intervals.
        var includeSpecIds: [Int64]?
        /// A seed to reproduce a course (64 hex digits, or a demonstration text); absent: a new secret one.
        var seed: String?
        static let fields: Set<String> = ["title", "mix", "includeSpecIds", "seed"]
    }

    struct JobView: Encodable {
        var id: Int64
        var kind: String
        var state: JobRecord.State
        var done: Int
        var total: Int
        var courseId: String?
        var error: JSONValue?
        var createdBy: String
        var createdAt: Instant
        var updatedAt: Instant

        init(_ job: JobRecord) {
            id = job.id
            kind = job.kind
            state = job.state
            done = job.done
            total = job.total
            courseId = job.courseId
            error = job.errorJSON.flatMap { try? JSONValue(parsing: Data($0.utf8)) }
            createdBy = job.createdBy
            createdAt = job.createdAt
            updatedAt = job.updatedAt
        }
    }

    /// The mix of a form, written as YAML and read back by the curriculum reader: the same rules and messages
    /// as `cargosim validate`, each problem naming its field.
    func readMix(_ value: JSONValue, field: String = "mix") throws -> CurriculumMix {
        guard case .object(let members) = value else {
            throw APIError.badRequest("Give the mix as an object.", field: field)
        }
        let text = YAMLWriter.yaml(members, order: YAMLWriter.mixOrder)
        do { return try YAMLSpecReader().readMix(yaml: text, file: "mix") } catch {
            throw APIError.fromBundle(error, prefix: field)
        }
    }

    func startGeneration(_ input: GenerateInput, by user: User) async throws -> JobView {
        guard let making = configuration.making else {
            throw APIError(.serviceUnavailable, "busy", "This server cannot make courses (no catalogue loaded).")
        }
        let title = input.title.trimmingCharacters(in: .whitespaces)
        guard (1...120).contains(title.count) else {
            throw APIError.badRequest("Give the course a title of 1 to 120 characters.", field: "title")
        }
        let mix = try readMix(input.mix)
        guard mix.count <= 400 else {
            throw APIError.badRequest(
                "Make at most 400 cases at once in the browser (the command line makes more).", field: "mix.count")
        }
        var included: [CaseSpec] = []
        for (i, id) in (input.includeSpecIds ?? []).enumerated() {
            guard let record = try await storage.spec(id: id) else {
                throw APIError.badRequest("No such spec in the library.", field: "includeSpecIds[\(i)]")
            }
            do {
                included.append(
                    try YAMLSpecReader().readSpec(yaml: record.yaml, file: record.name, catalog: making.catalog))
            } catch {
                throw APIError.badRequest(
                    "The spec \(record.name) no longer reads (\(error)); open it in authoring and correct it.",
                    field: "includeSpecIds[\(i)]")
            }
        }
        guard included.count <= mix.count else {
            throw APIError.badRequest("Include at most as many specs as the course has cases.", field: "includeSpecIds")
        }
        let seed: CourseSeed
        if let text = input.seed, !text.isEmpty {
            guard let given = CourseSeed(text: text) else {
                throw APIError.badRequest(
                    "Give the seed as 64 hex digits (from a course's seed), or leave it empty for a new secret seed.",
                    field: "seed")
            }
            seed = given
        } else {
            seed = .random()
        }
        if try await storage.course(id: seed.courseId) != nil {
            throw APIError.conflict(
                "A course with this seed is already in the library (\(seed.courseId)).", field: "seed")
        }
        let job = try await storage.createJob(kind: "generate", total: mix.count, createdBy: user.username, at: now())
        await audit(user.username, "course.generate", "job \(job.id): \(title), \(mix.count) cases")
        let plan = planCourse(mix, included: included, seed: seed)
        Task.detached { [self] in
            await self.jobs.runOne(job: job.id) {
                await self.produce(
                    job: job.id, plan: plan, mix: mix, title: title, seed: seed, making: making, by: user)
            }
        }
        return JobView(job)
    }

    /// Makes the course in the work folder, imports it, stores its seed, and removes the folder; the job row
    /// follows each step.
    func produce(
        job: Int64, plan: [PlannedCase], mix: CurriculumMix, title: String, seed: CourseSeed, making: CourseMaking,
        by user: User
    ) async {
        let folder = making.workDirectory.appendingPathComponent("job-\(job)", isDirectory: true)
        let done = NIOLockedValueBox(0)
        let finished = NIOLockedValueBox(false)
        func update(_ state: JobRecord.State, courseId: String? = nil, error: String? = nil) async {
            try? await storage.updateJob(
                id: job, state: state, done: done.withLockedValue { $0 }, total: plan.count, courseId: courseId,
                errorJSON: error, at: now())
        }
        await update(.running)
        let reporter = Task {
            while !finished.withLockedValue({ $0 }) {
                try? await Task.sleep(nanoseconds: 500_000_000)
                await update(.running)
            }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome: Result<Void, any Error> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(
                    returning: Result {
                        try makePrivateFolder(making.workDirectory)
                        let writer = try CourseWriter(
                            outputDirectory: folder, title: title, generatorVersion: CaseGenerator.version,
                            courseId: seed.courseId, overwrite: true, courseSeed: seed)
                        let production = CourseProduction(
                            catalog: making.catalog, materials: making.materials, visibilityFloor: mix.visibilityFloor,
                            renderScans: making.renderScans)
                        do {
                            _ = try production.produce(plan, maxBelowFloor: mix.maxBelowFloor, into: writer) { n in
                                done.withLockedValue { $0 = n }
                            }
                            _ = try writer.finish()
                        } catch {
                            writer.abandon()
                            throw error
                        }
                    })
            }
        }
        finished.withLockedValue { $0 = true }
        reporter.cancel()
        do {
            try outcome.get()
            let loaded = try CourseLoader.load(
                courseDirectory: folder, keysDirectory: folder.appendingPathComponent("keys"),
                schemaDirectory: configuration.assets.appendingPathComponent("schema"))
            _ = try await storage.importCourse(loaded, at: now())
            try await storage.setCourseSeed(courseId: loaded.courseId, seed: seed.text)
            // The keys leave the work folder before the job says it is done.
            try? FileManager.default.removeItem(at: folder)
            await update(.done, courseId: loaded.courseId)
            await audit(user.username, "course.import", "\(loaded.courseId) (\(loaded.cases.count) cases, generated)")
        } catch {
            try? FileManager.default.removeItem(at: folder)
            await update(.failed, error: Self.jobError(error))
        }
    }

    static let maximumUploadBytes = 2 << 30

    /// Streams the body into `file` (mode 600), refusing more than `limit` bytes (413) and an empty body (400).
    func receive(_ request: Request, into file: URL, limit: Int) async throws {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw APIError.tooLarge }
        try writePrivately(Data(), to: file)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        var total = 0
        for try await buffer in request.body {
            total += buffer.readableBytes
            guard total <= limit else { throw APIError.tooLarge }
            try handle.write(contentsOf: Data(buffer.readableBytesView))
        }
        guard total > 0 else {
            throw APIError.badRequest("Send the course archive (.tar.gz or .zip) as the body of the request.")
        }
    }

    /// Unpacks, validates and imports an uploaded course; the folder and the upload are removed whatever happens.
    func importUpload(job: Int64, upload: URL, making: CourseMaking, by user: User) async {
        let folder = making.workDirectory.appendingPathComponent("import-\(job)", isDirectory: true)
        defer {
            try? FileManager.default.removeItem(at: upload)
            try? FileManager.default.removeItem(at: folder)
        }
        try? await storage.updateJob(
            id: job, state: .running, done: 0, total: 1, courseId: nil, errorJSON: nil, at: now())
        do {
            let loaded: (CourseImport, String?) = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global(qos: .utility).async { [configuration] in
                    continuation.resume(
                        with: Result {
                            let course = try CourseArchive.unpack(upload, into: folder)
                            let keys = course.appendingPathComponent("keys", isDirectory: true)
                            guard FileManager.default.fileExists(atPath: keys.path) else {
                                throw BundleError(
                                    code: "archive.noKeys",
                                    message: "The archive has no keys/ folder next to course.json; the server grades "
                                        + "with the keys, so pack the whole course as it was generated.")
                            }
                            let imported = try CourseLoader.load(
                                courseDirectory: course, keysDirectory: keys,
                                schemaDirectory: configuration.assets.appendingPathComponent("schema"))
                            let seedFile = keys.appendingPathComponent(CourseNames.courseSeedFile)
                            let seed = (try? Data(contentsOf: seedFile)).flatMap {
                                try? JSONDecoder().decode(CourseSeedRecord.self, from: $0).courseSeed
                            }
                            return (imported, seed)
                        })
                }
            }
            let (course, seed) = loaded
            let outcome: CourseImportOutcome
            do { outcome = try await storage.importCourse(course, at: now()) } catch let error as StorageError
                where error.code == "conflict"
            {
                throw BundleError(code: "course.conflict", message: error.message)
            }
            if let seed { try await storage.setCourseSeed(courseId: course.courseId, seed: seed) }
            // Nothing of the upload is left once the job says it is done (or failed, below).
            try? FileManager.default.removeItem(at: upload)
            try? FileManager.default.removeItem(at: folder)
            try await storage.updateJob(
                id: job, state: .done, done: 1, total: 1, courseId: course.courseId,
                errorJSON: outcome == .unchanged
                    ? #"{"message":"This course was already in the library; nothing changed.","problems":[]}"# : nil,
                at: now())
            await audit(user.username, "course.import", "\(course.courseId) (\(course.cases.count) cases, uploaded)")
        } catch {
            try? FileManager.default.removeItem(at: upload)
            try? FileManager.default.removeItem(at: folder)
            try? await storage.updateJob(
                id: job, state: .failed, done: 0, total: 1, courseId: nil, errorJSON: Self.jobError(error), at: now())
        }
    }

    /// A job's error as JSON: a message and, for a course that does not validate, every problem.
    static func jobError(_ error: any Error) -> String {
        var message = "\(error)"
        var problems: [[String: String]] = []
        if let failure = error as? CourseProduction.Failure {
            message = "Case \(failure.caseNumber) of \(failure.caseCount): \(failure.error)"
        } else if let many = error as? BundleErrors {
            message = "The course does not validate (\(many.errors.count) problem(s)); nothing was imported."
            problems = many.errors.map { e in
                var row = ["message": e.message, "code": e.code]
                if let file = e.file { row["file"] = file }
                if let field = e.field { row["field"] = field }
                if let line = e.line { row["line"] = String(line) }
                return row
            }
        } else if let bundle = error as? BundleError {
            message = bundle.description
        }
        let object: [String: Any] = ["message": message, "problems": problems]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// One course-making job at a time (two cores render for it); the others wait their turn. The queue knows the jobs
/// it holds, waiting or running, so that the server can mark them alive in the store (`TrainingServer.keepJobsAlive`).
actor JobQueue {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private(set) var held: Set<Int64> = []

    func runOne(job: Int64, _ body: @Sendable () async -> Void) async {
        held.insert(job)
        defer { held.remove(job) }
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        }
        busy = true
        await body()
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}

extension TrainingServer {
    /// How often an instance marks its jobs alive, and how long a job may go unmarked before any instance takes
    /// its instance for stopped and marks it failed.
    static let jobHeartbeat = Duration.seconds(10)
    public static let jobIdleLimit: Int64 = 60_000

    /// Runs until cancelled: every `jobHeartbeat`, marks the jobs this instance holds alive and fails the jobs no
    /// instance has marked for `jobIdleLimit` (their instance stopped: killed, or its machine lost). On one
    /// SQLite server `serve` fails every unfinished job at start instead; this loop then only keeps its own alive.
    public func keepJobsAlive() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.jobHeartbeat)
            let time = now()
            try? await storage.touchJobs(ids: Array(await jobs.held).sorted(), at: time)
            if storage.isShared {
                _ = try? await storage.failUnfinishedJobs(
                    idleSince: Instant(millisecondsSinceEpoch: time.millisecondsSinceEpoch - Self.jobIdleLimit),
                    at: time)
            }
        }
    }
}

extension APIError {
    /// A YAML reader's error (one or many) as a 400 with every problem: field (prefixed), line and message.
    static func fromBundle(_ error: any Error, prefix: String) -> APIError {
        let errors = (error as? BundleErrors)?.errors ?? [(error as? BundleError)].compactMap { $0 }
        guard let first = errors.first else { return .badRequest("\(error)", field: prefix) }
        func field(_ e: BundleError) -> String { e.field.map { prefix + "." + $0 } ?? prefix }
        return APIError(
            .badRequest, "bad-request", first.message, field: field(first),
            problems: errors.map { .init(line: $0.line, field: field($0), message: $0.message) })
    }
}
