import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

/// The limits on connections: how many, and how slow a client may be.
public struct ConnectionLimits: Sendable, Hashable {
    /// Open connections at most; when they are all taken the server stops accepting and new ones wait in the
    /// system's queue (the listen backlog) until one closes.
    public var maximumConnections: Int
    /// Open connections from one address at most; one more is closed at once.
    public var maximumConnectionsPerAddress: Int
    /// A request's head must arrive within this of its first byte (of the connection, for the first request).
    public var headerTimeout: TimeAmount
    /// A request's body must arrive within this of its head.
    public var bodyTimeout: TimeAmount
    /// A connection may wait this long for its next request; an answer must make progress this often.
    public var idleTimeout: TimeAmount
    /// Reverse proxies in front of the server (nginx, by IP address): their connections are not capped per address,
    /// and the client address of their requests (for sign-in throttling and the audit log) is the last one in their
    /// `X-Forwarded-For`. Empty: every peer is a client.
    public var trustedProxies: Set<String> = []

    public init(
        maximumConnections: Int = 512, maximumConnectionsPerAddress: Int = 64, headerTimeout: TimeAmount = .seconds(10),
        bodyTimeout: TimeAmount = .seconds(30), idleTimeout: TimeAmount = .seconds(60)
    ) {
        self.maximumConnections = maximumConnections
        self.maximumConnectionsPerAddress = maximumConnectionsPerAddress
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
    }

    /// These limits with at most as many connections as a process with `descriptors` file descriptors can hold
    /// while keeping 64 for the database, the assets and the logs (and at least 16).
    public func clamped(toDescriptorLimit descriptors: Int) -> ConnectionLimits {
        var clamped = self
        clamped.maximumConnections = max(16, min(maximumConnections, descriptors - 64))
        return clamped
    }

    var deadlines: ConnectionDeadlines.Limits {
        .init(header: headerTimeout, body: bodyTimeout, idle: idleTimeout)
    }
}

/// Open connections per client address, shared by every connection of one server.
final class ConnectionRegistry: Sendable {
    private let open = NIOLockedValueBox([String: Int]())
    let maximumPerAddress: Int
    /// Proxies, whose connections carry many clients: not capped.
    let uncapped: Set<String>

    init(maximumPerAddress: Int, uncapped: Set<String> = []) {
        self.maximumPerAddress = maximumPerAddress
        self.uncapped = uncapped
    }

    /// Counts a new connection from `address`, or answers false when the address has its share already.
    func opened(_ address: String) -> Bool {
        open.withLockedValue { open in
            let count = open[address, default: 0]
            guard count < maximumPerAddress || uncapped.contains(address) else { return false }
            open[address] = count + 1
            return true
        }
    }

    func closed(_ address: String) {
        open.withLockedValue { open in
            if let count = open[address] { open[address] = count > 1 ? count - 1 : nil }
        }
    }

    var total: Int { open.withLockedValue { $0.values.reduce(0, +) } }
}

/// The first handler of every connection (after TLS): refuses an address over its share, and closes the
/// connection at the deadline of `ConnectionDeadlines`, which it feeds with the bytes it sees and the request
/// and answer boundaries that `RequestBoundaries` reports from behind the HTTP codec.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let registry: ConnectionRegistry
    private let limits: ConnectionDeadlines.Limits
    private var deadlines: ConnectionDeadlines?
    private var address: String?
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var closeAfterAnswer = false

    init(registry: ConnectionRegistry, limits: ConnectionDeadlines.Limits) {
        self.registry = registry
        self.limits = limits
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    private func start(_ context: ChannelHandlerContext) {
        guard deadlines == nil else { return }
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        deadlines = ConnectionDeadlines(limits: limits, openedAt: .now())
        guard registry.opened(address) else {
            // Closed from here rather than by failing the set-up: a failed set-up reaches the listening
            // channel as an error and would stop it accepting.
            context.close(promise: nil)
            return
        }
        self.address = address
        schedule(context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { stop() }

    private func stop() {
        timer?.cancel()
        timer = nil
        if let address {
            registry.closed(address)
            self.address = nil
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines?.bytesReceived(at: .now())
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let written = promise ?? context.eventLoop.makePromise()
        written.futureResult.hop(to: context.eventLoop).assumeIsolated().whenSuccess { [self] in
            deadlines?.answerProgressed(at: .now())
        }
        context.write(data, promise: written)
    }

    // MARK: Reported by `RequestBoundaries`

    func headReceived(_ context: ChannelHandlerContext, bodyBytes: Int?) {
        deadlines?.headReceived(at: .now(), bodyBytes: bodyBytes)
        schedule(context)
    }

    func requestEnded(_ context: ChannelHandlerContext) {
        deadlines?.requestEnded(at: .now())
        schedule(context)
    }

    /// Called as the end of an answer is written; true when the connection is to close after it.
    func answerEnding(_ context: ChannelHandlerContext) -> Bool {
        guard var deadlines else { return false }
        deadlines.answerEnded(at: .now())
        self.deadlines = deadlines
        schedule(context)
        return deadlines.answeredBeforeTheBodyEnded
    }

    // MARK: Timer

    private func schedule(_ context: ChannelHandlerContext) {
        guard let deadline = deadlines?.deadline, address != nil else { return }
        // A timer already due earlier re-checks when it fires; only an earlier deadline needs a new one.
        if let timerDeadline, timer != nil, timerDeadline <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.timerFired(context)
        }
    }

    private func timerFired(_ context: ChannelHandlerContext) {
        timer = nil
        guard let deadline = deadlines?.deadline else { return }
        if NIODeadline.now() >= deadline {
            context.close(promise: nil)
        } else {
            schedule(context)
        }
    }
}

/// Sits behind the HTTP codec and tells the connection's `ConnectionGuard` where requests and answers begin and
/// end; after a 400 or 413 given before the request's body ended it closes the connection rather than read the
/// rest of a body that is refused anyway.
final class RequestBoundaries: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var connectionGuard: ConnectionGuard?
    private var refusing = false

    func handlerAdded(context: ChannelHandlerContext) {
        connectionGuard = try? context.pipeline.syncOperations.handler(type: ConnectionGuard.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            connectionGuard?.headReceived(context, bodyBytes: head.headerFields[.contentLength].flatMap { Int($0) })
        case .end: connectionGuard?.requestEnded(context)
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        if case .head(let head) = part { refusing = head.status == .badRequest || head.status == .contentTooLarge }
        guard case .end = part, let connectionGuard else {
            context.write(data, promise: promise)
            return
        }
        if connectionGuard.answerEnding(context) && refusing {
            context.writeAndFlush(data, promise: promise)
            context.close(promise: nil)
        } else {
            context.write(data, promise: promise)
        }
    }
}

/// HTTP/1.1 with the connection limits: `ConnectionGuard` first in the pipeline, `RequestBoundaries` behind the
/// codec. TLS, when used, wraps this channel (its handshake then counts against the header deadline).
struct GuardedHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let registry: ConnectionRegistry
    let limits: ConnectionLimits

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits, registry: ConnectionRegistry) {
        base = HTTP1Channel(
            responder: responder, configuration: .init(additionalChannelHandlers: [RequestBoundaries()]))
        self.registry = registry
        self.limits = limits
    }

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let limits = self.limits.deadlines, registry = self.registry
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ConnectionGuard(registry: registry, limits: limits))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
