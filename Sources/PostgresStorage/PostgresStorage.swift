import CargoModel
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import PostgresNIO
import Storage

/// The store on PostgreSQL (postgres-nio): the same `Storage` as `SQLiteStorage`, for a programme whose server
/// instances share one database.
///
/// Every method is one transaction on a connection leased from a pool (`PostgresClient`); a write returns only after
/// its `COMMIT` was answered, and with PostgreSQL's default `synchronous_commit = on` that means the commit reached
/// the server's write-ahead log on disk: a decision acknowledged is committed. PostgreSQL commits concurrent
/// transactions together itself (its WAL flush covers every commit waiting), so no group writer is needed here.
/// A decision locks its assignment's row (`SELECT … FOR UPDATE`) before it checks the stages decided so far, so two
/// decisions of one assignment, on any instance, are checked one after the other; the unique key (assignment, user,
/// case, stage) refuses a second decision of a stage whatever happens.
///
/// Scans and other case files are `bytea` with `STORAGE EXTERNAL` (PNGs are compressed already: PostgreSQL does not
/// try again), read in binary over the wire into one buffer.
public final class PostgresStorage: Storage, @unchecked Sendable {
    let client: PostgresClient
    /// How long a call waits for a pooled connection (the server down or restarting, or every connection busy)
    /// before it fails as `unavailable`, which the training server answers with 503 and a `Retry-After`.
    let leaseTimeout: Duration
    /// How long a call waits for its statements once it has a connection before it fails as `unavailable` (and
    /// closes the connection, which rolls its transaction back): a query in flight when the database went away may
    /// never be answered. Imports and copies, which move many megabytes in one transaction, allow `longRunLimit`.
    let runLimit: Duration
    static let longRunLimit = Duration.seconds(1800)
    private let runTask: Task<Void, Never>
    let logger: Logger
    /// Where the database is, for messages (no password).
    public let location: String
    /// Several server instances may share the database.
    public var isShared: Bool { true }

    /// Connects to the database at `url` (`postgres://user[:password]@host[:port]/database[?sslmode=…]`), with at
    /// most `maximumConnections` open, and brings its schema up to date (several instances starting at once take
    /// turns: an advisory lock).
    public init(
        url: String, maximumConnections: Int = 20, leaseTimeout: Duration = .seconds(5),
        runLimit: Duration = .seconds(30)
    ) async throws {
        self.leaseTimeout = leaseTimeout
        self.runLimit = runLimit
        let target = try PostgresLocation(parsing: url)
        var configuration = target.configuration
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        var logger = Logger(label: "cargosim.postgres")
        logger.logLevel = .critical
        self.logger = logger
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runTask = Task { await client.run() }
        location = target.description
        do {
            // One connection first: a server that is down, a wrong password or a missing database is reported at
            // once (the pool would keep trying for a minute before giving up).
            try await Self.withConnection(target, logger) { _ in }
            try await migrate()
        } catch {
            runTask.cancel()
            throw Self.storageError(error, location: location)
        }
    }

    deinit { runTask.cancel() }

    /// Closes every connection; the store answers no more calls.
    public func close() { runTask.cancel() }

    // MARK: Transactions

    /// Runs `body` in one transaction (`BEGIN` … `COMMIT`) on a pooled connection and returns once the commit was
    /// answered; any error rolls it back. PostgreSQL's errors become `StorageError`s: a unique or foreign key
    /// violation that slipped past the checks is a `conflict`, a lost server is `io`.
    func transaction<T: Sendable>(
        _ begin: String = "BEGIN", waiting: Duration? = nil, running: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let logger = self.logger
        do {
            return try await leased(waiting: waiting, running: running) { connection in
                try await connection.query(PostgresQuery(unsafeSQL: begin), logger: logger)
                do {
                    let value = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return value
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch {
            throw Self.storageError(error, location: location)
        }
    }

    /// A read of one statement: no `BEGIN`/`COMMIT` around it (a statement sees one snapshot by itself), so a
    /// session lookup or a case view costs one round trip.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await leased { connection in try await body(connection) }
        } catch {
            throw Self.storageError(error, location: location)
        }
    }

    private struct LeaseTimedOut: Error {}
    struct RunTimedOut: Error { let limit: Duration }

    /// `body` on a pooled connection, waiting at most `waiting` (default `leaseTimeout`) for one, then at most
    /// `running` (default `runLimit`) for `body`. The lease runs in a task of its own that the call does not await
    /// once it has given up: a pool that has lost its database may never answer a request, even a cancelled one, and
    /// a query in flight when the server shut down may never be answered either (both seen: a request that hung for
    /// ever, and with it the server's graceful shutdown). A call that runs past its limit closes its connection, so
    /// that the transaction is rolled back wherever it had got to. `LeaseRace` decides under a lock which came first,
    /// so `body` never starts once the call has given up (nothing runs behind an error).
    func leased<T: Sendable>(
        waiting: Duration? = nil, running: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let race = LeaseRace<T>()
        let client = self.client, timeout = waiting ?? leaseTimeout, limit = running ?? runLimit
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(
                    continuation,
                    lease: Task {
                        do {
                            let value = try await client.withConnection { connection in
                                guard race.beginBody(on: connection) else { throw LeaseTimedOut() }
                                return try await body(connection)
                            }
                            race.finish(.success(value))
                        } catch {
                            race.finish(.failure(error))
                        }
                    },
                    timer: Task {
                        try await Task.sleep(for: timeout)
                        guard race.giveUp(LeaseTimedOut()) == .running else { return }
                        try await Task.sleep(for: limit)
                        if let connection = race.abandon(RunTimedOut(limit: limit)) {
                            Task { try? await connection.close() }
                        }
                    })
            }
        } onCancel: {
            _ = race.giveUp(CancellationError())
        }
    }

    /// A read of several statements: one snapshot for all of them (repeatable read), never writing.
    func snapshot<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    static func storageError(_ error: Error, location: String) -> Error {
        if error is StorageError { return error }
        if let error = error as? RunTimedOut {
            return StorageError.unavailable(
                "PostgreSQL at \(location) did not answer within \(error.limit) (it went away during the call, or "
                    + "is overloaded); the call was rolled back.")
        }
        if error is LeaseTimedOut {
            return StorageError.unavailable(
                "PostgreSQL at \(location) gave no connection within the time allowed (it is restarting, down, or "
                    + "every connection is busy).")
        }
        if let error = error as? PSQLError {
            if let state = error.serverInfo?[.sqlState] {
                if state.hasPrefix("23") { return StorageError.conflict("That is already recorded.") }
                let message = error.serverInfo?[.message] ?? "\(state)"
                if state == "28P01" || state == "28000" {
                    return StorageError(
                        code: "io",
                        message: "PostgreSQL at \(location) refused the sign-in (\(message)); check the user and "
                            + "password in the URL.")
                }
                if state == "3D000" {
                    return StorageError(
                        code: "io",
                        message: "PostgreSQL at \(location) has no such database (\(message)); create it first "
                            + "(createdb) or give another database in the URL.")
                }
                // Shutting down, starting up, a connection failure, too many connections: the server will be back.
                if state.hasPrefix("57P") || state.hasPrefix("08") || state == "53300" {
                    return StorageError.unavailable("PostgreSQL at \(location) answered: \(message) (\(state)).")
                }
                return StorageError(code: "io", message: "PostgreSQL at \(location) answered: \(message) (\(state)).")
            }
            return StorageError.unavailable(
                "Cannot reach PostgreSQL at \(location) (\(error.code)); check that it runs and the URL is right.")
        }
        if "\(type(of: error))".contains("ConnectionPoolError")
            || error is ChannelError
        {
            return StorageError.unavailable(
                "Cannot reach PostgreSQL at \(location) (\(error)); check that it runs and the URL is right.")
        }
        return StorageError(code: "io", message: "PostgreSQL at \(location): \(error)")
    }

    // MARK: Migrations

    /// The schema, one step per entry (never edited once released: a change is a new step). Identifiers are
    /// SQLite's, folded to lower case by PostgreSQL; text sorts byte by byte (`COLLATE "C"`), as in SQLite.
    static let migrations: [(name: String, sql: String)] = [
        ("v1", PostgresSchema.v1)
    ]

    private func migrate() async throws {
        // The pool's first connection may take longer to open than a call waits (a loaded machine).
        try await transaction(waiting: .seconds(120), running: Self.longRunLimit) { connection in
            // One instance migrates at a time; the others wait, then find the work done.
            try await connection.query("SELECT pg_advisory_xact_lock(7304255)", logger: self.logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schemaMigration (name TEXT PRIMARY KEY, appliedAt BIGINT NOT NULL)",
                logger: self.logger)
            let applied = Set(
                try await connection.query("SELECT name FROM schemaMigration", logger: self.logger).collect().map {
                    try $0.decode(String.self)
                })
            for (name, sql) in Self.migrations where !applied.contains(name) {
                for statement in sql.components(separatedBy: ";\n") {
                    let trimmed = statement.trimmingCharacters(in: .whitespacesAndNewlines)
                    if trimmed.isEmpty { continue }
                    try await connection.query(PostgresQuery(unsafeSQL: trimmed), logger: self.logger)
                }
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                try await connection.query(
                    "INSERT INTO schemaMigration (name, appliedAt) VALUES (\(name), \(now))", logger: self.logger)
            }
        }
    }

    // MARK: Query helpers

    /// The rows of `query`, each readable by column name.
    static func rows(_ connection: PostgresConnection, _ query: PostgresQuery, _ logger: Logger) async throws
        -> [Cells]
    {
        try await connection.query(query, logger: logger).collect().map { Cells(row: $0.makeRandomAccess()) }
    }

    func rows(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [Cells] {
        try await Self.rows(connection, query, logger)
    }

    func row(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> Cells? {
        try await rows(connection, query).first
    }

    func exists(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> Bool {
        try await row(connection, query) != nil
    }

    @discardableResult
    func execute(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> Int {
        // The future-returning query gives the command tag, with the number of rows changed.
        let result: PostgresQueryResult = try await connection.query(query, logger: logger).get()
        return result.metadata.rows ?? 0
    }

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// One row, its columns read by name (PostgreSQL folds unquoted names to lower case).
struct Cells {
    let row: PostgresRandomAccessRow

    func callAsFunction<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try row[name.lowercased()].decode(T.self)
    }

    func instant(_ name: String) throws -> Instant { Instant(millisecondsSinceEpoch: try self(name, as: Int64.self)) }

    func optionalInstant(_ name: String) throws -> Instant? {
        try self(name, as: Int64?.self).map(Instant.init(millisecondsSinceEpoch:))
    }

    func bytes(_ name: String) throws -> [UInt8] { PostgresStorage.bytes(try self(name, as: ByteBuffer.self)) }

    func int(_ name: String) throws -> Int { Int(try self(name, as: Int64.self)) }
}

/// A `postgres://` URL read into a client configuration, with a clear error for what is wrong in it.
public struct PostgresLocation: CustomStringConvertible, Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: String

    /// Reads `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]` (or `postgresql://`).
    public init(parsing text: String) throws {
        func invalid(_ why: String) -> StorageError {
            StorageError(
                code: "invalid",
                message: "The database URL \(PostgresLocation.redacted(text)) \(why); give it as "
                    + "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (for example "
                    + "postgres://cargosim@127.0.0.1:5432/cargosim).")
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"),
            let components = URLComponents(string: text)
        else { throw invalid("is not a postgres:// URL") }
        guard let host = components.host, !host.isEmpty else { throw invalid("names no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("names no user") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw invalid("names no database") }
        if let port = components.port, !(1...65535).contains(port) { throw invalid("has a port outside 1–65535") }
        var sslMode = "prefer"
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, ["disable", "prefer", "require"].contains(value) else {
                    throw invalid("has sslmode=\(item.value ?? "") (use disable, prefer or require)")
                }
                sslMode = value
            default: throw invalid("has the parameter \(item.name), which CargoSim does not read")
            }
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        self.sslMode = sslMode
    }

    /// The URL without its password, for messages.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    /// Whether `text` asks for PostgreSQL (and not a SQLite file).
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// `text` with any password replaced by `***`.
    public static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? text
    }

    /// The same for one connection of its own.
    var connectionConfiguration: PostgresConnection.Configuration {
        get throws {
            let tls: PostgresConnection.Configuration.TLS
            switch sslMode {
            case "disable": tls = .disable
            case "require": tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            var configuration = PostgresConnection.Configuration(
                host: host, port: port, username: username, password: password, database: database, tls: tls)
            configuration.options.connectTimeout = .seconds(10)
            return configuration
        }
    }

    var configuration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
    }
}

extension PostgresStorage {
    /// Runs `body` on one connection of its own (no pool), closed afterwards.
    static func withConnection(
        _ target: PostgresLocation, _ logger: Logger, _ body: (PostgresConnection) async throws -> Void
    ) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: try target.connectionConfiguration, id: 0, logger: logger)
        do {
            try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    /// Runs `sql` (no parameters, no transaction: `CREATE DATABASE` cannot run in one) on the database at `url`.
    static func administer(_ url: String, _ sql: String) async throws {
        let target = try PostgresLocation(parsing: url)
        var logger = Logger(label: "cargosim.postgres.admin")
        logger.logLevel = .critical
        do {
            try await withConnection(target, logger) { connection in
                _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
            }
        } catch {
            throw storageError(error, location: target.description)
        }
    }

    /// Creates an empty database `name` (letters, digits and `_`) on the server of `url` and returns its URL: for
    /// tests and benchmarks that each want a database of their own.
    public static func createDatabase(_ name: String, onServerOf url: String) async throws -> String {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw StorageError(code: "invalid", message: "Give a database name of letters, digits and _ (got \(name)).")
        }
        try await administer(url, "CREATE DATABASE \(name)")
        return try databaseURL(name, onServerOf: url)
    }

    /// Drops database `name` on the server of `url` (connections to it are ended first).
    public static func dropDatabase(_ name: String, onServerOf url: String) async throws {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return }
        try await administer(url, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// `url` with its database replaced by `name`.
    public static func databaseURL(_ name: String, onServerOf url: String) throws -> String {
        _ = try PostgresLocation(parsing: url)
        var components = URLComponents(string: url)!
        components.path = "/" + name
        return components.string!
    }
}

/// The outcome of one `leased` call: whichever of the lease, the timer and the caller's cancellation comes first
/// resumes the caller, once. The lease-wait timer and the caller's cancellation win only while the lease waits for
/// a connection; once `body` has begun, the call ends with it or with the run limit (`abandon`).
final class LeaseRace<T: Sendable>: @unchecked Sendable {
    enum State { case waiting, running, over }
    private let lock = NIOLock()
    private var state = State.waiting
    private var continuation: CheckedContinuation<T, any Error>?
    private var lease: Task<Void, Never>?
    private var timer: Task<Void, any Error>?
    private var connection: PostgresConnection?
    /// An outcome that came before `start` stored the continuation (the tasks, and the cancellation handler, may
    /// run before it).
    private var early: Result<T, any Error>?

    func start(
        _ continuation: CheckedContinuation<T, any Error>, lease: Task<Void, Never>, timer: Task<Void, any Error>
    ) {
        let outcome: Result<T, any Error>? = lock.withLock {
            self.lease = lease
            self.timer = timer
            if early == nil { self.continuation = continuation }
            return early
        }
        if let outcome {
            if case .failure = outcome { lease.cancel() }
            timer.cancel()
            continuation.resume(with: outcome)
        }
    }

    /// Called on the leased connection: true when the call still waits, and from now on it waits for `body`.
    func beginBody(on connection: PostgresConnection) -> Bool {
        lock.withLock {
            guard state == .waiting else { return false }
            state = .running
            self.connection = connection
            return true
        }
    }

    /// The lease ended (with `body`'s value or an error).
    func finish(_ result: Result<T, any Error>) {
        _ = end(result, from: [.waiting, .running], cancelLease: false)
    }

    /// The lease-wait timer or the caller's cancellation: ends the call with `error` if no connection has been
    /// leased yet. Returns the state it found.
    func giveUp(_ error: any Error) -> State { end(.failure(error), from: [.waiting], cancelLease: true).state }

    /// The run limit: ends the call with `error` while `body` runs, and returns its connection to be closed.
    func abandon(_ error: any Error) -> PostgresConnection? {
        let (state, connection) = end(.failure(error), from: [.running], cancelLease: true)
        return state == .running ? connection : nil
    }

    private func end(
        _ outcome: Result<T, any Error>, from: Set<State>, cancelLease: Bool
    ) -> (state: State, connection: PostgresConnection?) {
        let (found, waiting, lease, leased):
            (State, CheckedContinuation<T, any Error>?, Task<Void, Never>?, PostgresConnection?) = lock.withLock {
                let found = state
                guard from.contains(found) else { return (found, nil, nil, nil) }
                state = .over
                timer?.cancel()
                guard let continuation else {
                    early = outcome
                    return (found, nil, nil, connection)
                }
                self.continuation = nil
                return (found, continuation, cancelLease ? self.lease : nil, connection)
            }
        lease?.cancel()
        waiting?.resume(with: outcome)
        return (found, leased)
    }
}
