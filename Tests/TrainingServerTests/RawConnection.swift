import CaseBundle
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

@testable import TrainingServer

/// A TCP connection to a live server that sends exactly the bytes it is given, from a chosen loopback address
/// (127.0.0.2 is another client than 127.0.0.1 to the server), optionally over TLS. For slow clients,
/// malformed framing and bursts of sign-ins that a well-behaved HTTP client cannot send.
final class RawConnection: Sendable {
    let channel: any Channel
    private let collector: Collector

    /// What the server sent so far, and whether it closed the connection.
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        private struct State {
            var bytes: [UInt8] = []
            var closed = false
            var waiters: [(check: @Sendable ([UInt8], Bool) -> Bool, resume: @Sendable (Bool) -> Void)] = []
        }
        private let state = NIOLockedValueBox(State())

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            changed { $0.bytes += buffer.readableBytesView }
        }
        func channelInactive(context: ChannelHandlerContext) {
            changed { $0.closed = true }
            context.fireChannelInactive()
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }

        private func changed(_ update: (inout State) -> Void) {
            let ready = state.withLockedValue { state -> [@Sendable (Bool) -> Void] in
                update(&state)
                let (bytes, closed) = (state.bytes, state.closed)
                var ready: [@Sendable (Bool) -> Void] = []
                state.waiters.removeAll { waiter in
                    guard waiter.check(bytes, closed) else { return false }
                    ready.append(waiter.resume)
                    return true
                }
                return ready
            }
            for resume in ready { resume(true) }
        }

        var snapshot: (bytes: [UInt8], closed: Bool) { state.withLockedValue { ($0.bytes, $0.closed) } }

        /// Waits until `check` holds for what came so far, or `timeout` passes; true when it held.
        func wait(timeout: TimeAmount, on loop: any EventLoop, _ check: @escaping @Sendable ([UInt8], Bool) -> Bool)
            async -> Bool
        {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let once = NIOLockedValueBox(false)
                let resume: @Sendable (Bool) -> Void = { value in
                    let first = once.withLockedValue { done -> Bool in
                        defer { done = true }
                        return !done
                    }
                    if first { continuation.resume(returning: value) }
                }
                let already = state.withLockedValue { state -> Bool in
                    if check(state.bytes, state.closed) { return true }
                    state.waiters.append((check, resume))
                    return false
                }
                if already {
                    resume(true)
                } else {
                    loop.scheduleTask(in: timeout) { resume(false) }
                }
            }
        }
    }

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    /// Opens a connection; over TLS when `fingerprint` is given, accepting only a server certificate with that
    /// SHA-256 fingerprint, as a trainee does who compares the one the server printed with the browser's.
    /// (BoringSSL does not take a self-signed end-entity certificate as a trust root; OpenSSL does, and
    /// `curl --cacert <db>.tls/cert.pem` verifies the server's certificate against it.)
    static func open(port: Int, from source: String = "127.0.0.1", pinning fingerprint: String? = nil)
        async throws -> RawConnection
    {
        let collector = Collector()
        let tls = try fingerprint.map { _ in
            try NIOSSLContext(configuration: TLSConfiguration.makeClientConfiguration())
        }
        let pinned = fingerprint.map { $0.replacingOccurrences(of: ":", with: "").lowercased() }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: try SocketAddress(ipAddress: source, port: 0))
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: "localhost") { chain, promise in
                                let der = (try? chain.first?.toDERBytes()) ?? []
                                promise.succeed(
                                    FileDigest.hex(der) == pinned ? .certificateVerified : .failed)
                            })
                    }
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, collector: collector)
    }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// True when the server closes the connection within `timeout`.
    func closedByServer(within timeout: TimeAmount) async -> Bool {
        await collector.wait(timeout: timeout, on: channel.eventLoop) { _, closed in closed }
    }

    var isClosed: Bool { collector.snapshot.closed }

    /// The next complete answer (status, lower-cased headers, body) after the `skip` bytes already read, or nil
    /// when none comes within `timeout`. 60 s by default: at the start of the suite, with some seven hundred tests
    /// in flight on two cores, one answer to a malformed request took longer than the 20 s this used to allow (CI,
    /// 7 December); a test that expects no answer gives its own, short timeout.
    func response(after skip: Int = 0, timeout: TimeAmount = .seconds(60)) async -> RawResponse? {
        let complete = await collector.wait(timeout: timeout, on: channel.eventLoop) { bytes, closed in
            RawResponse(parsing: Array(bytes.dropFirst(skip))) != nil || closed
        }
        guard complete else { return nil }
        return RawResponse(parsing: Array(collector.snapshot.bytes.dropFirst(skip)))
    }

    var receivedCount: Int { collector.snapshot.bytes.count }

    func close() async { try? await channel.close().get() }
}

/// One HTTP/1.1 answer with a Content-Length body.
struct RawResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
    /// Bytes of the connection this answer took.
    var length: Int

    init?(parsing bytes: [UInt8]) {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.dropLast(3).first(where: { Array(bytes[$0..<$0 + 4]) == separator })
        else { return nil }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
            let status = Int(statusLine.dropFirst(9).prefix(3))
        else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard bytes.count >= end + 4 + length else { return nil }
        self.status = status
        self.headers = headers
        body = Array(bytes[(end + 4)..<(end + 4 + length)])
        self.length = end + 4 + length
    }

    var text: String { String(decoding: body, as: UTF8.self) }
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
}

/// A request as bytes, with a JSON body and the session's cookie and CSRF token when given.
func rawRequest(
    _ method: String, _ path: String, json: Any? = nil, cookie: String? = nil, csrf: String? = nil,
    close: Bool = false
) -> [UInt8] {
    var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n"
    if let cookie { head += "Cookie: \(TrainingServer.cookieName)=\(cookie)\r\n" }
    if let csrf { head += "X-CSRF-Token: \(csrf)\r\n" }
    if close { head += "Connection: close\r\n" }
    var body: [UInt8] = []
    if let json {
        body = Array((try? JSONSerialization.data(withJSONObject: json)) ?? Data())
        head += "Content-Type: application/json\r\n"
    }
    if method != "GET" || !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
    return Array((head + "\r\n").utf8) + body
}

/// Sends one request on a new connection from `source` and returns the answer (nil when none came).
func rawCall(
    port: Int, from source: String = "127.0.0.1", _ method: String, _ path: String, json: Any? = nil,
    cookie: String? = nil, csrf: String? = nil, pinning fingerprint: String? = nil
) async throws -> RawResponse? {
    let connection = try await RawConnection.open(port: port, from: source, pinning: fingerprint)
    defer { Task { await connection.close() } }
    try await connection.send(rawRequest(method, path, json: json, cookie: cookie, csrf: csrf, close: true))
    return await connection.response()
}

extension TestWorld {
    /// Runs `body` against the server listening on a free loopback port (real sockets), then deletes the
    /// temporary database.
    func live<T: Sendable>(_ body: @Sendable (_ port: Int) async throws -> T) async throws -> T {
        defer { removeDatabase(path) }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = try server.application(host: "127.0.0.1", port: 0, logger: quietLogger) { port in
            continuation.yield(port)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let services = ServiceGroup(
                configuration: .init(services: [app], gracefulShutdownSignals: [], logger: app.logger))
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw FixtureError(description: "the server did not start") }
            do {
                let value = try await body(port)
                await services.triggerGracefulShutdown()
                return value
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
        }
    }

    /// A world whose server has these limits (the same fixture otherwise).
    static func make(signIn: SignInLimits = .init(), connections: ConnectionLimits, bcryptCost: UInt8 = 4)
        async throws -> TestWorld
    {
        let world = try await make()
        let server = TrainingServer(
            .init(
                storage: world.storage, assets: Checkout.assets, localizer: Fixture.localizer,
                clock: { [clock = world.clock] in clock.now() }, bcryptCost: bcryptCost, version: "test",
                signIn: signIn, connections: connections))
        return TestWorld(
            server: server, storage: world.storage, database: world.database, path: world.path, clock: world.clock,
            course: world.course,
            testCourse: world.testCourse, users: world.users, assignments: world.assignments)
    }
}

/// Signs in over a raw connection; (cookie, csrf).
func rawSignIn(port: Int, from source: String = "127.0.0.1", _ username: String, password: String = TestWorld.password)
    async throws -> (cookie: String, csrf: String)
{
    guard
        let answer = try await rawCall(
            port: port, from: source, "POST", "/api/login", json: ["username": username, "password": password]),
        answer.status == 200, let setCookie = answer.headers["set-cookie"],
        let token = setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last,
        let csrf = answer.object["csrfToken"] as? String
    else { throw FixtureError(description: "sign-in of \(username) failed") }
    return (String(token), csrf)
}

/// The q-quantile of a list of durations in milliseconds.
func quantile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)]
}
