import ArgumentParser
import CargoModel
import CaseBundle
import Foundation
import Logging
import NIOCore
import PostgresStorage
import Scoring
import Storage
import TrainingServer

#if canImport(Glibc)
    import Glibc
#endif

/// The training server and the commands that fill its database (until the instructor console exists).
let serverCommands: [any ParsableCommand.Type] = [
    ServeCommand.self, UsersCommand.self, CourseCommand.self, AssignCommand.self, DemoSetupCommand.self,
    DatabaseCommand.self,
]

/// `--db` and `--state-dir`, shared by the server commands: which store (a SQLite file, or PostgreSQL) and where the
/// files a server keeps outside the database go.
struct DatabaseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The database: a SQLite file (a path, or sqlite:PATH; created when absent) or PostgreSQL "
                + "(postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE). Default: $CARGOSIM_DB, else cargosim.sqlite.",
            valueName: "file-or-url"))
    var db: String?

    /// `--db`, else `$CARGOSIM_DB`, else `cargosim.sqlite` (read here rather than as the option's default, so that
    /// `--help` never prints a URL with its password).
    var location: String {
        db ?? ProcessInfo.processInfo.environment["CARGOSIM_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "cargosim.sqlite"
    }

    @Option(
        help: ArgumentHelp(
            "Where the server keeps its files outside the database (signing key, TLS certificate, course work, "
                + "demo accounts) when the database is PostgreSQL; with SQLite they sit beside the file "
                + "(<db>.certification/ …). Default: $CARGOSIM_STATE_DIR.",
            valueName: "dir"))
    var stateDir: String? = ProcessInfo.processInfo.environment["CARGOSIM_STATE_DIR"].flatMap {
        $0.isEmpty ? nil : $0
    }

    /// Which store `location` names.
    enum Store {
        case sqlite(path: String)
        case postgres(url: String)
    }

    /// Reads `--db`: `postgres://` or `postgresql://` is PostgreSQL, `sqlite:PATH` or a plain path a SQLite file;
    /// another `scheme://` is refused rather than taken for a file name.
    static func store(_ text: String) throws -> Store {
        if PostgresLocation.isPostgresURL(text) {
            _ = try PostgresLocation(parsing: text)
            return .postgres(url: text)
        }
        var path = text
        if text.hasPrefix("sqlite:") {
            path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
        } else if let scheme = text.range(of: "://"), !text[..<scheme.lowerBound].contains("/") {
            throw StorageError(
                code: "invalid",
                message: "The database \(PostgresLocation.redacted(text)) is neither a SQLite file nor a "
                    + "postgres:// URL; give --db as a path, sqlite:PATH or postgres://USER@HOST[:PORT]/DATABASE.")
        }
        guard !path.isEmpty else {
            throw StorageError(
                code: "invalid", message: "Give --db a file name after sqlite: (sqlite:cargosim.sqlite).")
        }
        return .sqlite(path: path)
    }

    var store: Store {
        // validate() has read it already; a bad one never gets here.
        (try? Self.store(location)) ?? .sqlite(path: location)
    }

    func validate() throws {
        do { _ = try Self.store(location) } catch let error as StorageError {
            throw ValidationError(error.message)
        }
    }

    /// The database as messages name it (never a password).
    var label: String {
        switch store {
        case .sqlite(let path): return path
        case .postgres(let url): return (try? PostgresLocation(parsing: url).description) ?? "PostgreSQL"
        }
    }

    var isPostgres: Bool {
        if case .postgres = store { return true }
        return false
    }

    /// Where a server's file or folder `name` (`certification`, `tls`, `work`) goes: beside the SQLite file
    /// (`<db>.<name>`), or in `--state-dir` for PostgreSQL (`<state-dir>/<name>`); nil for PostgreSQL without one.
    func beside(_ name: String) -> String? {
        switch store {
        case .sqlite(let path): return path + "." + name
        case .postgres:
            guard let stateDir else { return nil }
            return URL(fileURLWithPath: stateDir, isDirectory: true).appendingPathComponent(name).path
        }
    }

    /// The folder the demo accounts file goes in: the SQLite file's, or the state folder.
    var folder: URL? {
        switch store {
        case .sqlite(let path): return URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        case .postgres: return stateDir.map { URL(fileURLWithPath: $0, isDirectory: true) }
        }
    }

    /// Fails with the fix when PostgreSQL is chosen without `--state-dir` (what `serve` and `demo-setup` need), and
    /// creates the state folder (mode 700) when absent.
    func requireStateDirectory(for command: String) {
        guard isPostgres else { return }
        guard let stateDir else {
            fail(
                BundleError(
                    code: "db.stateDir", field: "state-dir",
                    message: "With a PostgreSQL database, `\(command)` keeps its signing key, TLS certificate and "
                        + "work files in a folder of this machine: give --state-dir DIR (or set CARGOSIM_STATE_DIR)."))
        }
        do {
            try FileManager.default.createDirectory(
                atPath: stateDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            fail(
                BundleError(
                    code: "db.stateDir", file: stateDir,
                    message: "Cannot create the state folder (\(error)); check the path, or give another --state-dir."))
        }
    }

    func open() async -> any Storage {
        switch store {
        case .sqlite(let path):
            do { return try SQLiteStorage(path: path) } catch {
                fail(BundleError(code: "db.open", file: path, message: "\(error)"))
            }
        case .postgres(let url):
            do { return try await PostgresStorage(url: url) } catch {
                fail(BundleError(code: "db.open", file: label, message: "\(error)"))
            }
        }
    }
}

/// Runs an async storage call, printing its error (with `context`) and exiting on failure.
func storageCall<T>(_ context: String, _ body: () async throws -> T) async -> T {
    do { return try await body() } catch let error as StorageError {
        fail(BundleError(code: "db.\(error.code)", file: context, message: error.message))
    } catch {
        fail(BundleError(code: "db.io", file: context, message: "\(error)"))
    }
}

// MARK: - serve

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the training server: the trainee workspace in the browser and its JSON API.",
        discussion: """
            Prints the address to open. Without --lan it answers this machine only, over plain HTTP. With --lan \
            it listens on every interface over HTTPS only (loopback too), with a self-signed certificate made on \
            first start beside the database (<db>.tls/, renewed when it expires or the addresses change), and \
            prints this machine's addresses on the local network, a join code for each and the certificate's \
            SHA-256 fingerprint to compare with the browser's warning. Stop it with Ctrl-C. Accounts, courses \
            and assignments come from `cargosim users`, `course import` and `assign`. The certification office \
            signs certificates with the programme's Ed25519 key, kept beside the database (<db>.certification/, \
            folder 700, key 600, never served): made on first start, or an existing programme key copied in with \
            --import-signing-key; anyone checks a certificate at /verify. With a PostgreSQL --db \
            (postgres://…), those folders are in --state-dir instead (certification/, tls/, work/); see \
            docs/operations.md.
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port (0: any free port, printed).") var port = 8080
    @Flag(
        help: """
            Listen on the local network (0.0.0.0) over HTTPS with a self-signed certificate kept beside the \
            database (<db>.tls/), and print the addresses trainees open with the certificate's fingerprint.
            """) var lan = false
    @Option(
        help: ArgumentHelp(
            "What the server logs on standard error: info (a line per request: method, path, status, time), "
                + "warning, error, or debug.", valueName: "level"))
    var logLevel: String = "info"
    @Option(help: "Open connections at most (new ones wait while all are taken).") var maxConnections = 512
    @Option(help: "Open connections from one address at most (more are closed at once).")
    var maxConnectionsPerAddress = 64
    @Option(
        help: ArgumentHelp(
            "A reverse proxy in front of this server (its IP address; repeat for several): its connections are not "
                + "capped per address, and its requests are counted against the client address it forwards "
                + "(the last X-Forwarded-For entry) for sign-in limits and the log. See docs/operations.md.",
            valueName: "address"))
    var trustedProxy: [String] = []
    @Option(
        help: ArgumentHelp(
            "Sign certificates with this existing programme key (a .key file from `keys init`), copied into "
                + "<db>.certification/; without it the server makes its own key there on first start.",
            valueName: "file"))
    var importSigningKey: String?
    @Option(help: "The issuer printed on the certificates the server signs (the training centre).")
    var issuer = "CargoSim training centre"
    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        if issuer.trimmingCharacters(in: .whitespaces).isEmpty || issuer.count > 120 {
            throw ValidationError("Give --issuer as the training centre's name, 1 to 120 characters.")
        }
        guard (0...65535).contains(port) else { throw ValidationError("Give --port from 0 to 65535 (got \(port)).") }
        guard ["debug", "info", "warning", "error"].contains(logLevel) else {
            throw ValidationError("Give --log-level as debug, info, warning or error (got \(logLevel)).")
        }
        if lan && host != "127.0.0.1" { throw ValidationError("Give either --lan or --host, not both.") }
        guard maxConnections >= 16 else { throw ValidationError("Give --max-connections of 16 or more.") }
        guard maxConnectionsPerAddress >= 8 else {
            throw ValidationError("Give --max-connections-per-address of 8 or more.")
        }
        for address in trustedProxy where (try? SocketAddress(ipAddress: address, port: 0)) == nil {
            throw ValidationError(
                "Give --trusted-proxy as an IP address, such as 127.0.0.1 (got \(address)).")
        }
    }

    func run() async throws {
        let workspace = try Workspace(assetOptions)
        // The port first: a server that cannot listen must not create or change the database.
        if let problem = portProblem(host: lan ? "0.0.0.0" : host, port: port) {
            fail(BundleError(code: "serve.port", field: "port", value: "\(port)", message: problem))
        }
        database.requireStateDirectory(for: "serve")
        let storage = await database.open()
        let rubricFile = workspace.assets.appendingPathComponent("rubrics/default.yaml")
        let rubric = FileManager.default.fileExists(atPath: rubricFile.path) ? readRubric(rubricFile.path) : .standard
        var connections = ConnectionLimits(
            maximumConnections: maxConnections, maximumConnectionsPerAddress: maxConnectionsPerAddress
        )
        .clamped(toDescriptorLimit: raiseDescriptorLimit())
        connections.trustedProxies = Set(trustedProxy)
        // Course making in the console: the catalogue and materials of Assets/, the starter curricula of Cases/
        // next to it, and a private work folder beside the database.
        let curricula = workspace.assets.deletingLastPathComponent().appendingPathComponent("Cases/curricula")
        let making: CourseMaking?
        do {
            making = CourseMaking(
                catalog: workspace.catalog, materials: try loadMaterials(workspace),
                curricula: FileManager.default.fileExists(atPath: curricula.path) ? curricula : nil,
                workDirectory: URL(fileURLWithPath: database.beside("work")!, isDirectory: true))
        } catch {
            printError("warning: the console cannot make courses here (\(error)); importing still works.")
            making = nil
        }
        // Jobs a stopped server left unfinished: on one SQLite server, every one; on a shared database, those no
        // instance has marked alive for a minute (another instance may be running the others).
        let idleSince =
            storage.isShared
            ? Instant(millisecondsSinceEpoch: now().millisecondsSinceEpoch - TrainingServer.jobIdleLimit) : nil
        _ = await storageCall(database.label) { try await storage.failUnfinishedJobs(idleSince: idleSince, at: now()) }
        // The certification office's signing key: kept beside the database (folder 700, key 600), never served.
        let keyFolder = URL(fileURLWithPath: database.beside("certification")!, isDirectory: true)
        let signingIdentity: SigningIdentity
        do {
            if let importSigningKey {
                let text: String
                do { text = try String(contentsOfFile: importSigningKey, encoding: .utf8) } catch {
                    throw SigningKeyError(
                        code: "key.unreadable", path: importSigningKey,
                        message: "Cannot read the key file (\(error)); check the path.")
                }
                signingIdentity = try SigningKeyStore.importKey(text, from: importSigningKey, into: keyFolder)
            } else {
                let (identity, created) = try SigningKeyStore.loadOrCreate(in: keyFolder)
                if created {
                    FileHandle.standardOutput.write(
                        Data(
                            (workspace.localizer.text("cli.signingKeyCreated", userLanguage(), ["path": keyFolder.path])
                                + "\n").utf8))
                }
                signingIdentity = identity
            }
        } catch let error as SigningKeyError {
            fail(BundleError(code: error.code, file: error.path, message: error.message))
        }
        // Written at once (not buffered by print), so that it comes before the address the server prints.
        FileHandle.standardOutput.write(
            Data(
                (workspace.localizer.text(
                    "cli.signingKey", userLanguage(), ["keyId": signingIdentity.keyId, "path": keyFolder.path]) + "\n")
                    .utf8))
        let server = TrainingServer(
            .init(
                storage: storage, assets: workspace.assets, localizer: workspace.localizer, rubric: rubric,
                version: generatorVersionText, connections: connections, making: making,
                certification: CertificationSettings(keyFolder: keyFolder, issuer: issuer)))
        var logger = Logger(label: "cargosim.serve")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let bindHost = lan ? "0.0.0.0" : host
        let lan = self.lan, db = database.label
        let localizer = workspace.localizer, language = userLanguage()
        @Sendable func text(_ key: String, _ parameters: [String: String] = [:]) -> String {
            localizer.text(key, language, parameters)
        }
        let addresses = lan ? localNetworkAddresses() : []
        // The network is HTTPS only; without --lan the server answers loopback alone, in plain HTTP.
        var tls: TLSIdentity?
        if lan {
            let folder = URL(fileURLWithPath: database.beside("tls")!, isDirectory: true)
            do {
                let (identity, created) = try TLSIdentity.loadOrCreate(in: folder, addresses: addresses)
                if created { print(text("cli.tlsCreated", ["path": folder.path])) }
                tls = identity
            } catch {
                fail(
                    BundleError(
                        code: "tls.identity", file: folder.path, message: "\(error); check the folder is writable."))
            }
        }
        let scheme = tls == nil ? "http" : "https", fingerprint = tls?.fingerprint
        let app = try server.application(host: bindHost, port: port, tls: tls, logger: logger) { bound in
            var lines = [
                text("cli.serving", ["url": "\(scheme)://\(lan ? "127.0.0.1" : bindHost):\(bound)/", "db": db])
            ]
            if lan {
                if addresses.isEmpty { lines.append(text("cli.noLanAddress")) }
                for address in addresses {
                    lines.append(
                        text(
                            "cli.lanAddress",
                            ["url": "\(scheme)://\(address):\(bound)/", "code": joinCode(address, bound)]))
                }
            }
            if let fingerprint { lines.append(text("cli.tlsFingerprint", ["fingerprint": fingerprint])) }
            lines.append(text("cli.stopServer"))
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        let heartbeat = Task { await server.keepJobsAlive() }
        defer { heartbeat.cancel() }
        try await app.runService()
    }
}

/// Raises this process's soft limit of open files to its hard limit (at most 65,536) and returns the limit in
/// force: the connection cap is kept below it, so that the server never runs out of descriptors.
func raiseDescriptorLimit() -> Int {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
    let wanted = min(limit.rlim_max, 65_536)
    if limit.rlim_cur < wanted {
        var raised = limit
        raised.rlim_cur = wanted
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
    }
    return Int(clamping: limit.rlim_cur)
}

/// Why the server could not listen on `host:port` (in use, not allowed, no such address), or nil when it can:
/// a socket is bound there and closed again.
func portProblem(host: String, port: Int) -> String? {
    guard port != 0 else { return nil }
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var yes: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else { return nil }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound != 0 else { return nil }
    switch errno {
    case EADDRINUSE:
        return "Port \(port) is in use (another CargoSim server or another program listens there); stop it, or "
            + "give another port with --port (make run: make run PORT=8081)."
    case EACCES: return "Port \(port) needs administrator rights; give a port above 1023 with --port."
    case EADDRNOTAVAIL: return "\(host) is not an address of this machine; give another --host."
    default: return nil
    }
}

/// This machine's IPv4 addresses other than loopback.
func localNetworkAddresses() -> [String] {
    var out: [String] = []
    var list: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&list) == 0, let first = list else { return [] }
    defer { freeifaddrs(list) }
    var cursor: UnsafeMutablePointer<ifaddrs>? = first
    while let item = cursor {
        defer { cursor = item.pointee.ifa_next }
        guard let address = item.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
            item.pointee.ifa_flags & UInt32(IFF_LOOPBACK) == 0, item.pointee.ifa_flags & UInt32(IFF_UP) != 0
        else { continue }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        if getnameinfo(
            address, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST)
            == 0
        {
            out.append(String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }
    return Array(Set(out)).sorted()
}

/// A short code for an address and port that a trainee can read out or type: the IPv4 address and port
/// (6 bytes) in Crockford base 32 (no I, L, O, U), in groups of four.
func joinCode(_ address: String, _ port: Int) -> String {
    let octets = address.split(separator: ".").compactMap { UInt64($0) }
    guard octets.count == 4 else { return "-" }
    var value = octets.reduce(UInt64(0)) { $0 << 8 | $1 } << 16 | UInt64(port & 0xFFFF)
    let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    var characters: [Character] = []
    for _ in 0..<10 {
        characters.append(alphabet[Int(value & 31)])
        value >>= 5
    }
    let text = String(characters.reversed())
    return text.prefix(5) + "-" + text.suffix(5)
}

// MARK: - users

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Add accounts to the server's database, or unlock one.",
        subcommands: [UsersAddCommand.self, UsersImportCommand.self, UsersUnlockCommand.self])
}

extension Role: ExpressibleByArgument {}

struct UsersAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add one account; prints a generated password when none is given.")

    @Argument(help: "The username (lower-case letters, digits, . _ -).") var username: String
    @Option(help: "The person's name as shown.") var name: String?
    @Option(help: "admin, instructor or trainee.") var role: Role = .trainee
    @Option(help: "en, es or pt.") var language = "en"
    @Option(help: "The password (default: a generated one, printed once).") var password: String?
    @Option(help: "Also add the user to this cohort.") var cohort: String?
    @Option(help: ArgumentHelp("bcrypt cost (4 to 31).", visibility: .hidden)) var bcryptCost: UInt8 = 12
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (4...31).contains(bcryptCost) else { throw ValidationError("Give --bcrypt-cost from 4 to 31.") }
        let input = AccountInput(
            username: username, displayName: name ?? username, role: role, password: password ?? generatedPassword(),
            language: language)
        if let problem = input.problem() { throw ValidationError("\(problem.field): \(problem.message)") }
    }

    func run() async throws {
        let storage = await database.open()
        let secret = password ?? generatedPassword()
        let input = AccountInput(
            username: username, displayName: name ?? username, role: role, password: secret, language: language)
        let user = await storageCall(database.label) {
            try await storage.createUser(input.newUser(cost: bcryptCost), at: now())
        }
        if let cohort {
            _ = await storageCall(database.label) { try await storage.addToCohort(cohort, userIds: [user.id]) }
        }
        await storageCall(database.label) {
            try await storage.audit(
                AuditEntry(
                    at: now(), actor: "cli", action: "user.create", detail: "\(user.username) (\(role.rawValue))"))
        }
        print(
            "Added \(user.username) (\(user.role.rawValue), id \(user.id))"
                + (password == nil ? "; password: \(secret)" : "."))
    }
}

struct UsersUnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Clear an account's failed sign-ins from every address (a running server sees it at once).")

    @Argument(help: "The username.") var username: String
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let storage = await database.open()
        guard await storageCall(database.label, { try await storage.credentials(username: username) }) != nil else {
            fail(
                BundleError(
                    code: "users.unknown", file: database.label, field: "username", value: username,
                    message: "No such user; check the name with the instructor's list of accounts."))
        }
        await storageCall(database.label) { try await storage.clearLoginFailures(username: username) }
        await storageCall(database.label) {
            try await storage.audit(AuditEntry(at: now(), actor: "cli", action: "user.unlock", detail: username))
        }
        print("Unlocked \(username): its failed sign-ins are cleared.")
    }
}

struct UsersImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add the accounts of a CSV file (all or none).",
        discussion: """
            The first line names the columns: username, displayName, role, language (required) and password, \
            cohort (optional). A line without a password gets a generated one, printed once. Every line is \
            checked before anything is added; errors name the line and the field.
            """)

    @Argument(help: "The CSV file.") var file: String
    @Option(help: ArgumentHelp("bcrypt cost (4 to 31).", visibility: .hidden)) var bcryptCost: UInt8 = 12
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            fail(
                BundleError(
                    code: "io.unreadable", file: file, message: "Cannot read the file as UTF-8 text; check the path."))
        }
        let rows: [AccountRow]
        do { rows = try AccountCSV.parse(text, file: file) } catch { fail(error) }
        let storage = await database.open()
        var problems: [BundleError] = []
        for row in rows where try await storage.credentials(username: row.input.username) != nil {
            problems.append(
                BundleError(
                    code: "users.exists", file: file, line: row.line, field: "username", value: row.input.username,
                    message: "This username is taken; remove the line or choose another name. Nothing was added."))
        }
        if !problems.isEmpty { fail(BundleErrors(problems)) }
        for row in rows {
            let user = await storageCall(database.label) {
                try await storage.createUser(row.input.newUser(cost: bcryptCost), at: now())
            }
            if let cohort = row.cohort {
                _ = await storageCall(database.label) { try await storage.addToCohort(cohort, userIds: [user.id]) }
            }
            print(
                "Added \(user.username) (\(user.role.rawValue))"
                    + (row.generated ? "; password: \(row.input.password)" : ""))
        }
        await storageCall(database.label) {
            try await storage.audit(
                AuditEntry(at: now(), actor: "cli", action: "users.import", detail: "\(rows.count) from \(file)"))
        }
    }
}

// MARK: - course import

struct CourseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "course", abstract: "Put courses into the server's database.",
        subcommands: [CourseImportCommand.self])
}

struct CourseImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a generated course and its answer keys (validated first; again: no change).",
        discussion: """
            The cases, their scans and door drawings are stored in the database; the keys are stored apart and \
            only grading reads them. Importing the same course again changes nothing; a different course with \
            the same id is refused.
            """)

    @Argument(help: "The course folder (course.json, cases/).") var course: String
    @Option(help: ArgumentHelp("The course's keys/ folder.", valueName: "dir")) var keys: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var assetOptions: AssetOptions

    func run() async throws {
        let workspace = try Workspace(assetOptions)
        let loaded: CourseImport
        do {
            loaded = try CourseLoader.load(
                courseDirectory: URL(fileURLWithPath: course), keysDirectory: URL(fileURLWithPath: keys),
                schemaDirectory: workspace.assets.appendingPathComponent("schema"))
        } catch {
            printErrors(error)
            printError("Nothing was imported.")
            Foundation.exit(1)
        }
        let storage = await database.open()
        let outcome = await storageCall(course) { try await storage.importCourse(loaded, at: now()) }
        switch outcome {
        case .imported:
            await storageCall(database.label) {
                try await storage.audit(
                    AuditEntry(
                        at: now(), actor: "cli", action: "course.import",
                        detail: "\(loaded.courseId) (\(loaded.cases.count) cases)"))
            }
            print("Imported course \(loaded.courseId) “\(loaded.title)” (\(loaded.cases.count) cases).")
        case .unchanged:
            print("Course \(loaded.courseId) is already imported; nothing changed.")
        }
    }
}

// MARK: - assign

struct AssignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Assign a course to users or a cohort, in training or test mode.",
        discussion: """
            Training shows feedback with the key after each case; test keeps it until results are released. A user \
            who holds (or held) the course, or one sharing cases with it, in the other mode is refused: training \
            feedback would give the test's answers away. Nothing is assigned unless every user can be.
            """)

    @Option(help: "The course id (as `course import` printed).") var course: String
    @Option(help: "Usernames, comma-separated.") var users: String?
    @Option(help: "A cohort's name.") var cohort: String?
    @Option(help: "training or test.") var mode: AttemptMode
    @Flag(help: "Assign even to users who hold the course in the other mode (recorded in the audit log).")
    var overrideModeConflict = false
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if (users == nil) == (cohort == nil) { throw ValidationError("Give either --users or --cohort.") }
    }

    func run() async throws {
        let storage = await database.open()
        var ids: [Int64] = []
        if let users {
            for name in users.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let found = await storageCall(database.label, { try await storage.credentials(username: name) })
                else {
                    fail(
                        BundleError(
                            code: "assign.user", file: database.label, field: "users", value: name,
                            message: "No such user; add it with `cargosim users add`. Nothing was assigned."))
                }
                ids.append(found.user.id)
            }
        } else if let cohort {
            guard let members = await storageCall(database.label, { try await storage.cohortMembers(cohort) }),
                !members.isEmpty
            else {
                fail(
                    BundleError(
                        code: "assign.cohort", file: database.label, field: "cohort", value: cohort,
                        message: "No such cohort, or it is empty; add users with --cohort. Nothing was assigned."))
            }
            ids = members
        }
        guard await storageCall(database.label, { try await storage.course(id: course) }) != nil else {
            fail(
                BundleError(
                    code: "assign.course", file: database.label, field: "course", value: course,
                    message: "No such course; import it with `cargosim course import`. Nothing was assigned."))
        }
        var conflicts: [Assignment] = []
        for id in ids {
            guard
                let other = await storageCall(
                    database.label, { try await storage.modeConflict(courseId: course, userId: id, mode: mode) })
            else { continue }
            conflicts.append(other)
        }
        if !conflicts.isEmpty && !overrideModeConflict {
            printErrors(
                BundleErrors(
                    conflicts.map {
                        BundleError(
                            code: "assign.modeConflict", file: database.label, field: "users", value: "\($0.userId)",
                            message: StorageError.modeConflict($0, courseId: course, mode: mode).message)
                    }))
            printError("Nothing was assigned.")
            Foundation.exit(1)
        }
        let made = await storageCall(database.label) {
            try await storage.createGroup(
                NewAssignmentGroup(courseId: course, mode: mode, cohort: cohort, createdBy: "cli"), userIds: ids,
                overridingModeConflict: overrideModeConflict, at: now())
        }
        for assignment in made.assignments {
            print(
                "Assignment \(assignment.id) (class \(made.group.id)): course \(course) to user \(assignment.userId) "
                    + "(\(mode.rawValue)).")
        }
        for other in conflicts {
            await storageCall(database.label) {
                try await storage.audit(
                    AuditEntry(
                        at: now(), actor: "cli", action: "assign.overrideModeConflict",
                        detail: "\(course) \(mode.rawValue) to user \(other.userId) despite assignment \(other.id) "
                            + "(\(other.courseId), \(other.mode.rawValue))"))
            }
        }
        await storageCall(database.label) {
            try await storage.audit(
                AuditEntry(
                    at: now(), actor: "cli", action: "assign",
                    detail: "\(course) \(mode.rawValue) to \(ids.count) users"))
        }
    }
}

// MARK: - demo-setup

struct DemoSetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-setup",
        abstract: "Prepare the demonstration: accounts, the course and assignments (what `make run` does).",
        discussion: """
            Creates admin, instructor and trainee1..trainee3 when absent, with random passwords written once to \
            demo-accounts.txt next to the database (mode 600); imports the practice course and the test course; \
            gives each demo trainee a training assignment of the first and a test assignment of the second (never \
            the same course in both modes: training feedback would give the test away). Prints the accounts every time.
            """)

    @Option(help: "The practice course folder (training mode).") var course = "demo-course"
    @Option(help: "Its keys (default: <course>/keys).") var keys: String?
    @Option(help: "The test course folder (test mode); another course than the practice one.")
    var testCourse = "demo-test"
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var assetOptions: AssetOptions

    static let accounts: [(String, String, Role)] = [
        ("admin", "Administrator", .admin), ("instructor", "Instructor", .instructor),
        ("trainee1", "Trainee One", .trainee), ("trainee2", "Trainee Two", .trainee),
        ("trainee3", "Trainee Three", .trainee),
    ]

    func run() async throws {
        let workspace = try Workspace(assetOptions)
        let storage = await database.open()
        database.requireStateDirectory(for: "demo-setup")
        let accountsFile = database.folder!.appendingPathComponent("demo-accounts.txt")
        var lines: [String] = []
        if let existing = try? String(contentsOf: accountsFile, encoding: .utf8) {
            lines = existing.split(separator: "\n").map(String.init)
        }
        var created = false
        for (username, name, role) in Self.accounts {
            if await storageCall(database.label, { try await storage.credentials(username: username) }) != nil {
                continue
            }
            let password = generatedPassword()
            let input = AccountInput(
                username: username, displayName: name, role: role, password: password, language: "en")
            _ = await storageCall(database.label) { try await storage.createUser(input.newUser(cost: 12), at: now()) }
            lines.removeAll { $0.hasPrefix(username + " ") }
            lines.append("\(username) \(password) (\(role.rawValue))")
            created = true
        }
        if created {
            let text = lines.joined(separator: "\n") + "\n"
            if FileManager.default.createFile(
                atPath: accountsFile.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            {
                _ = chmod(accountsFile.path, 0o600)
            } else {
                // The accounts are in the database already: without their passwords nobody could sign in.
                FileHandle.standardError.write(
                    Data(
                        ("cargosim: could not write \(accountsFile.path) (check that its folder is writable); "
                            + "keep the new demonstration accounts from here:\n" + text).utf8))
            }
        }

        var loaded: [AttemptMode: CourseImport] = [:]
        for (mode, folder, keysFolder) in [(AttemptMode.training, course, keys), (.test, testCourse, nil)] {
            let courseURL = URL(fileURLWithPath: folder)
            do {
                loaded[mode] = try CourseLoader.load(
                    courseDirectory: courseURL,
                    keysDirectory: URL(fileURLWithPath: keysFolder ?? courseURL.appendingPathComponent("keys").path),
                    schemaDirectory: workspace.assets.appendingPathComponent("schema"))
            } catch { fail(error) }
        }
        guard loaded[.training]!.courseId != loaded[.test]!.courseId else {
            fail(
                BundleError(
                    code: "demo.sameCourse", file: testCourse,
                    message: "Give --test-course another course than --course: a trainee who practises a course "
                        + "with feedback has its test's answers."))
        }
        for mode in AttemptMode.allCases {
            let course = loaded[mode]!
            _ = await storageCall(course.courseId) { try await storage.importCourse(course, at: now()) }
        }
        var traineeIds: [Int64] = []
        for (username, _, role) in Self.accounts where role == .trainee {
            if let user = await storageCall(database.label, { try await storage.credentials(username: username) })?.user
            {
                traineeIds.append(user.id)
            }
        }
        await storageCall(database.label) { try await storage.addToCohort("demo", userIds: traineeIds) }
        // One class per mode: the demo trainees who do not hold the course yet (a database from before the
        // mode rule may hold it in the other mode: left as it is).
        for mode in AttemptMode.allCases {
            let courseId = loaded[mode]!.courseId
            var newcomers: [Int64] = []
            for (username, _, role) in Self.accounts where role == .trainee {
                guard
                    let user = await storageCall(database.label, { try await storage.credentials(username: username) })?
                        .user
                else { continue }
                let existing = await storageCall(database.label) { try await storage.assignments(userId: user.id) }
                guard !existing.contains(where: { $0.courseId == courseId && $0.mode == mode }) else { continue }
                guard
                    await storageCall(
                        database.label,
                        { try await storage.modeConflict(courseId: courseId, userId: user.id, mode: mode) }
                    )
                        == nil
                else { continue }
                newcomers.append(user.id)
            }
            guard !newcomers.isEmpty else { continue }
            _ = await storageCall(database.label) {
                try await storage.createGroup(
                    NewAssignmentGroup(courseId: courseId, mode: mode, cohort: "demo", createdBy: "demo-setup"),
                    userIds: newcomers, overridingModeConflict: false, at: now())
            }
        }
        let language = userLanguage()
        print(workspace.localizer.text("cli.demoAccounts", language, ["path": accountsFile.path]))
        for line in lines { print("  " + line) }
        for (mode, key) in [(AttemptMode.training, "cli.demoCourse"), (.test, "cli.demoTestCourse")] {
            let course = loaded[mode]!
            print(
                workspace.localizer.text(
                    key, language, ["id": course.courseId, "title": course.title, "count": "\(course.cases.count)"]))
        }
    }
}
