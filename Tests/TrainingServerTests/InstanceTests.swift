import CargoModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import PostgresNIO
import Storage
import Testing

@testable import PostgresStorage
@testable import TrainingServer

/// Several server instances on one PostgreSQL database (docs/operations.md, "Several instances"): what one instance
/// does shows through every other at once — a sign-out, a disabled account, a decision — and a database that cannot
/// be reached is answered with 503 and a `Retry-After`.
@Suite struct InstanceTests {
    /// A second instance beside `world.server`: its own server, its own connection pool, the same database.
    static func secondInstance(_ world: TestWorld) async throws -> (TrainingServer, any Storage) {
        let storage = try await world.database.open()
        let server = TrainingServer(
            .init(
                storage: storage, assets: Checkout.assets, localizer: Fixture.localizer,
                clock: { [clock = world.clock] in clock.now() }, bcryptCost: 4, version: "test"))
        return (server, storage)
    }

    /// Runs `body` with a client of each instance.
    static func withTwoInstances(_ body: @Sendable (TestWorld, Client, Client) async throws -> Void) async throws {
        guard StoreKind.available.contains(.postgres) else { return }
        let world = try await TestWorld.make(store: .postgres)
        let (second, secondStorage) = try await secondInstance(world)
        defer { TestDatabase.close(secondStorage) }
        try await world.test { a in
            try await Application(router: second.router(), logger: quietLogger).test(.router) { b in
                try await body(world, a, Client(client: b))
            }
        }
    }

    /// The session cookie and CSRF token of a client signed in on one instance, on another instance's client.
    static func carry(_ from: Client, to other: Client) -> Client {
        var copy = other
        copy.cookie = from.cookie
        copy.csrf = from.csrf
        return copy
    }

    @Test func aSignOutOnOneInstanceRefusesTheTokenOnTheOtherAtOnce() async throws {
        try await Self.withTwoInstances { _, a, b in
            let onA = try await a.signedIn("trainee1")
            let onB = Self.carry(onA, to: b)
            // B has read (and would have kept) the session before the sign-out.
            #expect(try await onB.get("/api/me").status == .ok)
            #expect(try await onB.get("/api/me").status == .ok)
            #expect(try await onA.post("/api/logout", [String: String]()).status == .noContent)
            #expect(try await onB.get("/api/me").status == .unauthorized)
            #expect(try await onA.get("/api/me").status == .unauthorized)
        }
    }

    @Test func aDisabledAccountIsRefusedOnEveryInstanceAtOnce() async throws {
        try await Self.withTwoInstances { world, a, b in
            let trainee = Self.carry(try await a.signedIn("trainee1"), to: b)
            #expect(try await trainee.get("/api/me").status == .ok)
            let admin = try await a.signedIn("admin")
            let id = world.users["trainee1"]!.id
            let disabled = try await admin.post("/api/users/\(id)/disable", [String: String]())
            #expect(disabled.status == .ok, "\(disabled.text)")
            #expect(try await trainee.get("/api/me").status == .unauthorized)
        }
    }

    @Test func aDecisionThroughOneInstanceShowsThroughTheOther() async throws {
        try await Self.withTwoInstances { world, a, b in
            let onA = try await a.signedIn("trainee1")
            let onB = Self.carry(onA, to: b)
            let aid = world.assignments["trainee1"]![.training]!
            let caseId = world.caseIds()[0]
            let base = "/api/assignments/\(aid)/cases/\(caseId)"
            // B shows (and would have kept) the case at targeting.
            #expect(try await onB.get(base).object["currentStage"] as? String == "targeting")
            #expect(try await onA.post(base + "/decisions", decisionBody(.targeting)).status == .created)
            let after = try await onB.get(base)
            #expect(after.object["currentStage"] as? String != "targeting", "\(after.text)")
            // The second decision of the stage is refused whichever instance it reaches.
            let again = try await onB.post(base + "/decisions", decisionBody(.targeting))
            #expect(again.status == .conflict)
            #expect(try await world.storage.decisions(assignmentId: aid, caseId: caseId).count == 1)
        }
    }

    /// Holds the store's only connection for `seconds` (a slow statement); returns once it holds it.
    static func holdTheConnection(_ storage: PostgresStorage, seconds: Int) async -> Task<Void, any Error> {
        let (held, signal) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await storage.read { connection in
                signal.yield()
                _ = try await connection.query("SELECT pg_sleep(\(seconds))", logger: storage.logger).collect()
            }
        }
        for await _ in held { break }
        return holder
    }

    @Test func aDatabaseThatGivesNoConnectionIsAnsweredWith503AndRetryAfter() async throws {
        guard StoreKind.available.contains(.postgres) else { return }
        try await withTestDatabase(.postgres) { database in
            // One connection, held by a slow statement: the next call waits the lease time and is refused as
            // unavailable; nothing runs behind the error.
            let storage = try await PostgresStorage(
                url: database.location, maximumConnections: 1, leaseTimeout: .seconds(1))
            defer { storage.close() }
            let holder = await Self.holdTheConnection(storage, seconds: 4)
            let started = ContinuousClock.now
            await #expect {
                _ = try await storage.users()
            } throws: { error in
                (error as? StorageError)?.code == "unavailable"
            }
            #expect(ContinuousClock.now - started < .seconds(3.5))
            try await holder.value
            // The connection free again, the store answers.
            #expect(try await storage.users().isEmpty)

            let server = TrainingServer(
                .init(
                    storage: storage, assets: Checkout.assets, localizer: Fixture.localizer, bcryptCost: 4,
                    version: "test"))
            let again = await Self.holdTheConnection(storage, seconds: 4)
            try await Application(router: server.router(), logger: quietLogger).test(.router) { client in
                let answer = try await Client(client: client).request(
                    .post, "/api/login", json: ["username": "nobody", "password": "whatever-it-is"])
                #expect(answer.status == .serviceUnavailable, "\(answer.text)")
                #expect(answer.errorCode == "unavailable")
                #expect(answer.headers[.retryAfter] == "5")
            }
            try await again.value
        }
    }

    /// `body`'s outcome, or nil when it has not ended within `limit` (it is left running): a call that hangs fails
    /// the test instead of stalling the suite.
    static func within<T: Sendable>(
        _ limit: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async -> Result<T, any Error>? {
        let waiting = NIOLockedValueBox<CheckedContinuation<Result<T, any Error>?, Never>?>(nil)
        return await withCheckedContinuation { continuation in
            waiting.withLockedValue { $0 = continuation }
            @Sendable func end(_ outcome: Result<T, any Error>?) {
                waiting.withLockedValue { value in
                    defer { value = nil }
                    return value
                }?.resume(returning: outcome)
            }
            Task {
                do { end(.success(try await body())) } catch { end(.failure(error)) }
            }
            Task {
                try? await Task.sleep(for: limit)
                end(nil)
            }
        }
    }

    @Test func aDatabaseThatFallsSilentIsAnsweredAsUnavailableInsteadOfAwaitedForEver() async throws {
        guard StoreKind.available.contains(.postgres) else { return }
        try await withTestDatabase(.postgres) { database in
            let target = try PostgresLocation(parsing: database.location)
            let proxy = try await FreezableProxy.start(to: target.host, port: target.port)
            let storage = try await PostgresStorage(
                url: "postgres://\(target.username)@127.0.0.1:\(proxy.port)/\(target.database)?sslmode=disable",
                maximumConnections: 1, leaseTimeout: .seconds(1), runLimit: .seconds(2))
            #expect(try await storage.users().isEmpty)

            // The database falls silent with the store's one connection open: the statement is never answered, and
            // the call ends at its lease time plus its run limit.
            proxy.freeze(true)
            var started = ContinuousClock.now
            let inFlight = await Self.within(.seconds(30)) { try await storage.users() }
            #expect(ContinuousClock.now - started < .seconds(6))
            #expect(Self.unavailable(inFlight), "\(String(describing: inFlight))")
            // That call closed its connection; the pool's new one is not answered either (the database still
            // silent), and the next call ends at its lease time.
            started = ContinuousClock.now
            let waiting = await Self.within(.seconds(30)) { try await storage.users() }
            #expect(ContinuousClock.now - started < .seconds(4))
            #expect(Self.unavailable(waiting), "\(String(describing: waiting))")

            // The database back, the same store answers again (no restart).
            proxy.freeze(false)
            var answered = false
            let deadline = ContinuousClock.now + .seconds(40)
            while !answered, ContinuousClock.now < deadline {
                if case .success? = await Self.within(.seconds(15), { try await storage.users() }) {
                    answered = true
                } else {
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
            #expect(answered)
            storage.close()
            await proxy.close()
        }
    }

    static func unavailable<T>(_ outcome: Result<T, any Error>?) -> Bool {
        guard case .failure(let error)? = outcome else { return false }
        return (error as? StorageError)?.code == "unavailable"
    }
}
