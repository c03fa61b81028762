import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Scoring
import Storage

/// The training server: the JSON API of `docs/API.md` over a `Storage`, and the browser UI from
/// `Assets/web/`.
///
/// Everything it needs comes in through `Configuration` (the store, the assets, the rubric and the clock),
/// so tests run it on a temporary database with a fixed clock.
public final class TrainingServer: Sendable {
    /// Request bodies above this are refused with 413 `too-large`.
    public static let maximumBodyBytes = 64 * 1024
    /// How long a session lasts.
    public static let sessionMilliseconds: Int64 = 12 * 3_600_000
    static let cookieName = "cargosim_session"
    static let languages = ["en", "es", "pt"]

    public struct Configuration: Sendable {
        public var storage: any Storage
        /// The `Assets/` folder: `web/`, `i18n/`.
        public var assets: URL
        public var localizer: Localizer
        public var rubric: Rubric
        /// The server's clock: every stamp and expiry reads it.
        public var clock: @Sendable () -> Instant
        /// bcrypt cost for new passwords (4…31; 12 in production, lower in tests).
        public var bcryptCost: UInt8
        public var version: String
        /// Lock-outs and the bcrypt checks allowed at once.
        public var signIn: SignInLimits
        /// Open connections and the deadlines of slow clients.
        public var connections: ConnectionLimits
        /// What the server needs to make courses itself (console generation and import); nil: it cannot.
        public var making: CourseMaking?
        /// The certification office's signing-key folder and issuer; nil: the server issues no certificates.
        public var certification: CertificationSettings?

        public init(
            storage: any Storage, assets: URL, localizer: Localizer, rubric: Rubric = .standard,
            clock: @escaping @Sendable () -> Instant = TrainingServer.systemClock, bcryptCost: UInt8 = 12,
            version: String, signIn: SignInLimits = .init(), connections: ConnectionLimits = .init(),
            making: CourseMaking? = nil, certification: CertificationSettings? = nil
        ) {
            self.storage = storage
            self.assets = assets
            self.localizer = localizer
            self.rubric = rubric
            self.clock = clock
            self.bcryptCost = bcryptCost
            self.version = version
            self.signIn = signIn
            self.connections = connections
            self.making = making
            self.certification = certification
        }
    }

    public let configuration: Configuration
    var storage: any Storage { configuration.storage }
    let cases = CaseCache()
    /// Reduced levels, tiles and class maps of the scans (the viewer over a slow network).
    let tiles = TileCache()
    let work: WorkCache
    /// Course making, one job at a time.
    let jobs = JobQueue()
    /// Compared against when the username is unknown, at the same cost as real hashes, so that a wrong
    /// name takes as long as a wrong password (usernames are not probed by timing).
    let decoyHash: String
    /// bcrypt, a few at a time on threads of its own.
    let passwordChecks: PasswordChecks
    /// Sign-in attempts in flight, checked and counted in one step.
    let throttle: NIOLockedValueBox<SignInThrottle>
    let connectionRegistry: ConnectionRegistry
    /// The catalogue the printed packs name seal makers and goods from, loaded when first needed.
    let catalog = NIOLockedValueBox<Catalog?>(nil)
    /// The programme's signing key (its raw private bytes), read from the certification folder on first use.
    let signingKey = NIOLockedValueBox<Data?>(nil)
    /// Public verifications per address and minute.
    let verifyThrottle: NIOLockedValueBox<VerifyThrottle>

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        work = WorkCache(shared: configuration.storage.isShared)
        decoyHash = Bcrypt.hash(Tokens.random(), cost: configuration.bcryptCost)
        passwordChecks = PasswordChecks(
            concurrent: configuration.signIn.concurrentPasswordChecks,
            waiting: configuration.signIn.waitingPasswordChecks)
        throttle = NIOLockedValueBox(SignInThrottle(rules: configuration.signIn.rules))
        verifyThrottle = NIOLockedValueBox(
            VerifyThrottle(perMinute: configuration.certification?.verificationsPerMinute ?? 30))
        connectionRegistry = ConnectionRegistry(
            maximumPerAddress: configuration.connections.maximumConnectionsPerAddress,
            uncapped: configuration.connections.trustedProxies)
    }

    @Sendable public static func systemClock() -> Instant {
        Instant(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    func now() -> Instant { configuration.clock() }

    /// The router with every route of the API and the static files; `secureCookies` marks the session cookie
    /// `Secure` (served over HTTPS).
    public func router(secureCookies: Bool = false) -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        // Behind a trusted proxy, first of all: the log line, throttling and the audit name the client.
        if !configuration.connections.trustedProxies.isEmpty {
            router.add(middleware: ForwardedAddressMiddleware(trusted: configuration.connections.trustedProxies))
        }
        // Outermost otherwise: the line is written with the status the error middleware gave.
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: StaticFilesMiddleware(assets: configuration.assets))
        addAccountRoutes(to: router, secureCookies: secureCookies)
        addTraineeRoutes(to: router)
        addScanTileRoutes(to: router)
        addStaffRoutes(to: router)
        addGroupRoutes(to: router)
        addPeopleRoutes(to: router)
        addCourseRoutes(to: router)
        addSpecRoutes(to: router)
        addWatchRoutes(to: router)
        addDebriefRoutes(to: router)
        addCertificationRoutes(to: router)
        addCalibrationRoutes(to: router)
        addSignOffRoutes(to: router)
        return router
    }

    /// The application listening on `host:port`, over HTTPS with `tls` when given; `onRunning` gets the bound
    /// port (useful with port 0). Every connection has the limits of `configuration.connections`.
    public func application(
        host: String, port: Int, tls: TLSIdentity? = nil, logger: Logger? = nil,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let limits = configuration.connections, registry = connectionRegistry
        let tlsConfiguration = try tls?.serverConfiguration()
        let server = HTTPServerBuilder { responder -> any ServerChildChannel in
            let guarded = GuardedHTTP1Channel(responder: responder, limits: limits, registry: registry)
            guard let tlsConfiguration else { return guarded }
            return try TLSChannel(guarded, tlsConfiguration: tlsConfiguration)
        }
        return Application(
            router: router(secureCookies: tls != nil),
            server: server,
            configuration: .init(
                address: .hostname(host, port: port), serverName: "cargosim",
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maximumConnections)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    // MARK: Request helpers

    /// Reads the body (at most 64 KiB) and decodes it, refusing fields the type does not have.
    func decodeBody<T: Decodable>(
        _ type: T.Type, from request: Request, allowedFields: Set<String>
    ) async throws -> T {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maximumBodyBytes {
            throw APIError.tooLarge
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maximumBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.tooLarge
        }
        let data = Data(buffer.readableBytesView)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw APIError.badRequest("The body is not JSON; send a JSON object (UTF-8).")
        }
        guard let fields = object as? [String: Any] else {
            throw APIError.badRequest("Send a JSON object.")
        }
        if let unknown = fields.keys.sorted().first(where: { !allowedFields.contains($0) }) {
            throw APIError.badRequest(
                "Unknown field; allowed: " + allowedFields.sorted().joined(separator: ", ") + ".", field: unknown)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError.badRequest(Self.describe(error), field: Self.fieldPath(of: error))
        }
    }

    static func fieldPath(of error: DecodingError) -> String? {
        let path: [any CodingKey]
        switch error {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        @unknown default: path = []
        }
        let text = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        let trimmed = text.hasPrefix(".") ? String(text.dropFirst()) : text
        return trimmed.isEmpty ? nil : trimmed
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound: return "A required field is missing; add it."
        case .typeMismatch(let type, _): return "Wrong type; give a \(type) here."
        case .valueNotFound: return "A value is missing; give one."
        case .dataCorrupted(let context):
            // The model's own messages say what to write ("Write the time as …"); the raw value is not echoed.
            return context.debugDescription.hasPrefix("Cannot initialize")
                ? "Not one of the allowed values; check the field against docs/API.md."
                : "Invalid value; check the field against docs/API.md."
        @unknown default: return "The body does not match; check it against docs/API.md."
        }
    }

    /// The signed-in user and session, or 401.
    func authenticate(_ request: Request) async throws -> (user: User, session: SessionRecord) {
        guard let token = request.cookies[Self.cookieName]?.value, !token.isEmpty, token.count <= 128 else {
            throw APIError.unauthenticated
        }
        let tokenHash = Tokens.hash(token), time = now()
        let cached = work.session(tokenHash: tokenHash, at: time)
        var found = cached.session
        if !cached.known, let stored = try await storage.session(tokenHash: tokenHash, at: time) {
            work.keep(stored)
            found = stored
        }
        guard let session = found, let user = try await self.user(id: session.userId), !user.disabled else {
            throw APIError.unauthenticated
        }
        return (user, session)
    }

    /// A user, from the cache or the store.
    func user(id: Int64) async throws -> User? {
        if let cached = work.user(id: id) { return cached }
        let epoch = work.currentEpoch
        guard let stored = try await storage.user(id: id) else { return nil }
        work.keep(stored, readAt: epoch)
        return stored
    }

    /// An assignment, from the cache or the store.
    func assignment(id: Int64) async throws -> Assignment? {
        if let cached = work.assignment(id: id) { return cached }
        let epoch = work.currentEpoch
        guard let stored = try await storage.assignment(id: id) else { return nil }
        work.keep(stored, readAt: epoch)
        return stored
    }

    /// As `authenticate`, and the CSRF header must match the session's token (for state changes).
    func authenticateChange(_ request: Request) async throws -> (user: User, session: SessionRecord) {
        let signedIn = try await authenticate(request)
        guard let given = request.headers[HTTPField.Name("X-CSRF-Token")!],
            Tokens.equal(given, signedIn.session.csrfToken)
        else { throw APIError.csrf }
        return signedIn
    }

    /// Staff only; a trainee gets the same 404 as for a route that does not exist.
    func requireStaff(_ user: User, admin: Bool = false) throws {
        guard admin ? user.role == .admin : user.role.isStaff else { throw APIError.notFound }
    }

    func audit(_ actor: String, _ action: String, _ detail: String) async {
        try? await storage.audit(AuditEntry(at: now(), actor: actor, action: action, detail: detail))
    }
}

/// The integer id in a path parameter, or 404 (ids are not probed: a malformed id is simply not there).
func pathId(_ context: ServerContext, _ name: String) throws -> Int64 {
    guard let text = context.parameters.get(name), text.count <= 18, text.allSatisfy(\.isASCII),
        let id = Int64(text), id > 0
    else { throw APIError.notFound }
    return id
}

/// A 204 with nothing in it.
func noContent() -> Response { Response(status: .noContent) }
