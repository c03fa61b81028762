import NIOCore

/// When a connection is to be closed because its client is too slow or silent: one connection's deadlines as a
/// state machine, without I/O (`ConnectionGuard` feeds it events and closes the connection at `deadline`).
///
/// - A request's head must arrive within `header` of its first byte, and the first request's within `header`
///   of the connection opening: a client that trickles a byte at a time (slowloris) or sends nothing is closed
///   however steadily it trickles.
/// - A request's body must arrive within `body` of its head, plus the time its declared length takes at
///   `minimumBodyBytesPerSecond` (64 KiB/s): a course uploaded to the console over a slow training-room network
///   gets its time, a client that drips a small body does not.
/// - Between requests a connection may stay open `idle` without sending anything.
/// - While the server answers, the answer must make progress (the client read some of it) every `idle`.
struct ConnectionDeadlines: Sendable {
    struct Limits: Sendable, Hashable {
        var header: TimeAmount
        var body: TimeAmount
        var idle: TimeAmount
    }

    enum Inbound: Hashable, Sendable {
        /// No byte of the next request yet, since this moment.
        case waiting(since: NIODeadline)
        /// Part of a request's head has come; its clock started then.
        case head(since: NIODeadline)
        /// The head has come, the body is coming.
        case body(since: NIODeadline)
    }

    let limits: Limits
    private(set) var inbound: Inbound
    /// Requests whose answer has not been written to the end.
    private(set) var unanswered = 0
    /// The last time the answer in progress moved (or the request it answers ended).
    private var lastProgress: NIODeadline
    private var firstRequest = true

    init(limits: Limits, openedAt: NIODeadline) {
        self.limits = limits
        inbound = .waiting(since: openedAt)
        lastProgress = openedAt
    }

    /// Bytes arrived (before they are parsed).
    mutating func bytesReceived(at now: NIODeadline) {
        // The first request's head counts from the connection, later ones from their first byte.
        if case .waiting(let since) = inbound { inbound = .head(since: firstRequest ? since : now) }
    }

    /// The slowest average a declared body may arrive at.
    static let minimumBodyBytesPerSecond = 64 * 1024

    /// A request's head arrived, declaring `bodyBytes` (Content-Length) when it does.
    mutating func headReceived(at now: NIODeadline, bodyBytes: Int? = nil) {
        firstRequest = false
        unanswered += 1
        let bytes = Int64(min(max(0, bodyBytes ?? 0), 1 << 40))
        let allowance = TimeAmount.milliseconds(bytes * 1000 / Int64(Self.minimumBodyBytesPerSecond))
        inbound = .body(since: now + allowance)
    }

    mutating func requestEnded(at now: NIODeadline) {
        inbound = .waiting(since: now)
        lastProgress = now
    }

    /// Some of an answer was written out to the client.
    mutating func answerProgressed(at now: NIODeadline) { lastProgress = now }

    /// An answer was written to its end.
    mutating func answerEnded(at now: NIODeadline) {
        unanswered = max(0, unanswered - 1)
        lastProgress = now
        if case .waiting = inbound { inbound = .waiting(since: now) }
    }

    /// Whether the client is still sending the body of a request whose answer is done (then the connection is
    /// closed after the answer rather than the rest of the body read).
    var answeredBeforeTheBodyEnded: Bool {
        if case .body = inbound { return unanswered == 0 }
        return false
    }

    /// The moment the connection is closed unless something happens before.
    var deadline: NIODeadline {
        switch inbound {
        case .head(let since): return since + limits.header
        case .body(let since): return since + limits.body
        case .waiting(let since):
            if unanswered > 0 { return lastProgress + limits.idle }
            return since + (firstRequest ? limits.header : limits.idle)
        }
    }
}
