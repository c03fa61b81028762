import CargoModel
import CaseBundle
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Storage
import Testing

@testable import TrainingServer

/// The checkout's folders, found from this file's path.
enum Checkout {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let assets = root.appendingPathComponent("Assets", isDirectory: true)
    static let mix = root.appendingPathComponent("Cases/curricula/foundation-40.yaml")
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

/// The `cargosim` binary next to the test bundle (`swift build` puts it there); `CARGOSIM_BINARY` overrides.
enum Binary {
    static let url: Result<URL, FixtureError> = {
        if let given = ProcessInfo.processInfo.environment["CARGOSIM_BINARY"], !given.isEmpty {
            return .success(URL(fileURLWithPath: given))
        }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(exe)
        }
        candidates += Bundle.allBundles.map(\.bundlePath) + CommandLine.arguments
        for candidate in candidates {
            var folder = URL(fileURLWithPath: candidate)
            for _ in 0..<4 {
                folder = folder.deletingLastPathComponent()
                let binary = folder.appendingPathComponent("cargosim")
                if FileManager.default.isExecutableFile(atPath: binary.path) { return .success(binary) }
            }
        }
        return .failure(
            FixtureError(description: "Run `swift build` first: these tests run the built cargosim binary."))
    }()

    /// Runs the binary to completion; (status, stdout, stderr).
    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = try url.get()
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["CARGOSIM_ASSETS"] = Checkout.assets.path
        process.environment = environment
        // Output goes to files, not pipes: reading a pipe through FileHandle traps on EINTR on Linux.
        let outFile = temporaryFile("out"), errFile = temporaryFile("err")
        defer {
            try? FileManager.default.removeItem(at: outFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        try process.run()
        process.waitUntilExit()
        let outData = (try? Data(contentsOf: outFile)) ?? Data()
        let errData = (try? Data(contentsOf: errFile)) ?? Data()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }
}

/// Deletes a test database and its WAL files (each holds a copy of the fixture course's scans), and the signing-key
/// folder beside it.
func removeDatabase(_ path: String) {
    for suffix in ["", "-wal", "-shm", ".certification"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// An empty file in the temporary folder.
func temporaryFile(_ label: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cargosim-\(label)-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: url.path, contents: nil)
    return url
}

/// A small course generated once per test run with the built binary (4 cases with scans).
enum Fixture {
    static let course: Result<URL, FixtureError> = {
        // Kept between runs under a name of the binary's build time: a rebuilt generator gets a new fixture,
        // and repeated runs neither regenerate it nor fill the temporary folder.
        let binary: URL
        switch Binary.url {
        case .success(let url): binary = url
        case .failure(let error): return .failure(error)
        }
        let built =
            (try? FileManager.default.attributesOfItem(atPath: binary.path)[.modificationDate] as? Date)?
            .timeIntervalSince1970 ?? 0
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cargosim-server-fixture-90210417-\(Int(built))", isDirectory: true)
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("course.json").path) {
            return .success(folder)
        }
        let scratch = URL(fileURLWithPath: folder.path + "-\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: scratch)
        do {
            let (status, out, err) = try Binary.run([
                "generate", "--seed", "90210417", "--count", "4", "--mix", Checkout.mix.path, "--out", scratch.path,
                "--title", "Fixture course",
            ])
            guard status == 0 else { return .failure(FixtureError(description: "generate failed: \(out)\n\(err)")) }
            // Another test process may have finished first: then its fixture (the same bytes) is used.
            do { try FileManager.default.moveItem(at: scratch, to: folder) } catch {
                try? FileManager.default.removeItem(at: scratch)
            }
            return .success(folder)
        } catch {
            return .failure(FixtureError(description: "\(error)"))
        }
    }()

    static let imported: Result<CourseImport, FixtureError> = {
        do {
            let folder = try course.get()
            return .success(
                try CourseLoader.load(
                    courseDirectory: folder, keysDirectory: folder.appendingPathComponent("keys"),
                    schemaDirectory: Checkout.assets.appendingPathComponent("schema")))
        } catch {
            return .failure(FixtureError(description: "\(error)"))
        }
    }()

    /// A second course for test mode: the fixture relabelled (course id, case ids, hash), so that no trainee holds
    /// one course, or a case, in both modes.
    static let testImported: Result<CourseImport, FixtureError> = {
        do {
            let base = try imported.get()
            let cases = try base.cases.map { item -> CaseImport in
                var c = try JSONDecoder().decode(InspectionCase.self, from: Data(item.document))
                var key = try JSONDecoder().decode(AnswerKey.self, from: Data(item.key))
                c.id = "T" + c.id
                key.caseId = c.id
                return CaseImport(
                    caseId: c.id, document: Array(try CanonicalJSON.encode(c)), files: item.files,
                    key: Array(try CanonicalJSON.encode(key)))
            }
            return .success(
                CourseImport(
                    courseId: base.courseId + "-TEST", title: "Fixture test",
                    courseHash: String(repeating: "7e", count: 32),
                    index: base.index, cases: cases))
        } catch {
            return .failure(FixtureError(description: "\(error)"))
        }
    }()

    static let localizer: Localizer = {
        (try? Localizer(directory: Checkout.assets.appendingPathComponent("i18n"))) ?? Localizer(tables: [:])
    }()
}

/// A clock the tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var milliseconds: Int64 = 1_790_000_000_000

    func now() -> Instant { lock.withLock { Instant(millisecondsSinceEpoch: milliseconds) } }
    func advance(minutes: Int) { lock.withLock { milliseconds += Int64(minutes) * 60_000 } }
}

/// A server on a fresh temporary database with the fixture course and its relabelled copy, an admin, an
/// instructor and two trainees (a training assignment of the course and a test assignment of the copy each).
struct TestWorld {
    let server: TrainingServer
    let storage: any Storage
    /// The store's database (a temporary SQLite file, or a PostgreSQL database of its own).
    let database: TestDatabase
    /// A temporary path the server's files go beside (`<path>.certification/`, `<path>.work/`): the SQLite file's
    /// own path, or one of its own with PostgreSQL.
    let path: String
    let clock: TestClock
    let course: CourseImport
    /// The course of the test assignments.
    let testCourse: CourseImport
    let users: [String: User]
    /// Assignment ids by username and mode.
    let assignments: [String: [AttemptMode: Int64]]
    static let password = "correct horse 42"

    /// `making`: the server can make courses (paperwork only, in a temporary work folder). `assets`: the `Assets/`
    /// folder the server reads (its policies, web pages and translations); the checkout's unless given. The signing
    /// key of the certification office is made on first use in `<db>.certification/`.
    /// `store`: SQLite (a temporary file), or PostgreSQL (a database of its own on the test server, `StoreKind`).
    static func make(making: Bool = false, assets: URL = Checkout.assets, store: StoreKind = .sqlite) async throws
        -> TestWorld
    {
        let database = try await TestDatabase.make(store)
        let path =
            store == .sqlite
            ? database.location
            : FileManager.default.temporaryDirectory.appendingPathComponent("cargosim-test-\(UUID().uuidString)").path
        let storage = try await database.open()
        let clock = TestClock()
        let course = try Fixture.imported.get(), testCourse = try Fixture.testImported.get()
        _ = try await storage.importCourse(course, at: clock.now())
        _ = try await storage.importCourse(testCourse, at: clock.now())
        var users: [String: User] = [:]
        var assignments: [String: [AttemptMode: Int64]] = [:]
        for (name, role) in [
            ("admin", Role.admin), ("instructor", .instructor), ("trainee1", .trainee), ("trainee2", .trainee),
        ] {
            let input = AccountInput(
                username: name, displayName: name.capitalized, role: role, password: password, language: "en")
            users[name] = try await storage.createUser(input.newUser(cost: 4), at: clock.now())
        }
        for name in ["trainee1", "trainee2"] {
            for mode in AttemptMode.allCases {
                let a = try await storage.createAssignment(
                    courseId: mode == .test ? testCourse.courseId : course.courseId, userId: users[name]!.id,
                    mode: mode, at: clock.now())
                assignments[name, default: [:]][mode] = a.id
            }
        }
        let server = TrainingServer(
            .init(
                storage: storage, assets: assets, localizer: Fixture.localizer,
                clock: { [clock] in clock.now() }, bcryptCost: 4, version: "test",
                making: making
                    ? CourseMaking(
                        catalog: try CatalogLoader().load(from: Checkout.assets),
                        materials: try MaterialTableLoader.load(from: Checkout.assets),
                        curricula: Checkout.root.appendingPathComponent("Cases/curricula"),
                        workDirectory: URL(fileURLWithPath: path + ".work"), renderScans: false)
                    : nil,
                certification: CertificationSettings(
                    keyFolder: CertificationSettings.keyFolder(besideDatabase: path), issuer: "Test training centre")))
        return TestWorld(
            server: server, storage: storage, database: database, path: path, clock: clock, course: course,
            testCourse: testCourse, users: users,
            assignments: assignments)
    }

    var application: some ApplicationProtocol { Application(router: server.router(), logger: quietLogger) }

    /// Runs `body` against the router in process, then deletes the temporary database.
    func test<T: Sendable>(_ body: @Sendable (Client) async throws -> T) async throws -> T {
        do {
            let value = try await application.test(.router) { client in try await body(Client(client: client)) }
            await remove()
            return value
        } catch {
            await remove()
            throw error
        }
    }

    /// Deletes the database and the files beside it.
    func remove() async {
        TestDatabase.close(storage)
        removeDatabase(path)
        try? FileManager.default.removeItem(atPath: path + ".work")
        await database.remove()
    }

    /// The case ids of the course of the `mode` assignments.
    func caseIds(_ mode: AttemptMode = .training) -> [String] {
        (mode == .test ? testCourse : course).cases.map(\.caseId)
    }

    /// The case's full document (as the fixture course or its copy holds it).
    func inspectionCase(_ id: String) throws -> InspectionCase {
        let bytes = (course.cases + testCourse.cases).first { $0.caseId == id }!.document
        return try JSONDecoder().decode(InspectionCase.self, from: Data(bytes))
    }
}

/// A signed-in (or anonymous) client: keeps the session cookie and the CSRF token.
struct Client: Sendable {
    let client: any TestClientProtocol
    var cookie: String? = nil
    var csrf: String? = nil

    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() -> Any? { try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }
        var object: [String: Any] { json() as? [String: Any] ?? [:] }
        var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
    }

    func request(
        _ method: HTTPRequest.Method, _ uri: String, json: Any? = nil, raw: [UInt8]? = nil, csrf sendCSRF: Bool = true,
        headers extra: HTTPFields = [:]
    ) async throws -> Answer {
        var headers = extra
        if let cookie { headers[.cookie] = "\(TrainingServer.cookieName)=\(cookie)" }
        if sendCSRF, let csrf { headers[HTTPField.Name("X-CSRF-Token")!] = csrf }
        var body: ByteBuffer? = nil
        if let json {
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed]))
            headers[.contentType] = "application/json"
        } else if let raw {
            body = ByteBuffer(bytes: raw)
            headers[.contentType] = "application/json"
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Answer(status: response.status, headers: response.headers, body: Array(response.body.readableBytesView))
        }
    }

    func get(_ uri: String) async throws -> Answer { try await request(.get, uri) }
    func post(_ uri: String, _ json: Any) async throws -> Answer { try await request(.post, uri, json: json) }

    /// Signs in; the returned client carries the cookie and CSRF token.
    func signedIn(_ username: String, password: String = TestWorld.password) async throws -> Client {
        let answer = try await request(.post, "/api/login", json: ["username": username, "password": password])
        guard answer.status == .ok, let setCookie = answer.headers[.setCookie],
            let token = setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last,
            let csrf = answer.object["csrfToken"] as? String
        else { throw FixtureError(description: "login of \(username) failed: \(answer.status) \(answer.text)") }
        var copy = self
        copy.cookie = String(token)
        copy.csrf = csrf
        return copy
    }
}

/// A decision body for a stage: the first offered disposition that is not referToAgency.
func decisionBody(_ stage: Stage, disposition: Disposition? = nil) -> [String: Any] {
    let chosen = disposition ?? Disposition.options(at: stage).first { $0 != .referToAgency }!
    return ["stage": stage.rawValue, "disposition": chosen.rawValue]
}

/// The tests' server logger: warnings and errors only (a line per request at `info` would bury the test output).
let quietLogger: Logger = {
    var logger = Logger(label: "cargosim.test")
    logger.logLevel = .warning
    return logger
}()
