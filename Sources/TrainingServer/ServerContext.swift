import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The request context of the training server: the client's address (for sign-in throttling).
public struct ServerContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The client's address as a trusted proxy forwarded it (`ForwardedAddressMiddleware`).
    var forwardedAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are read by the server itself with its own limit (`TrainingServer.maximumBodyBytes`).
    public var maxUploadSize: Int { TrainingServer.maximumBodyBytes }

    /// The address used for throttling: the peer's IP without its port, or the client's behind a trusted proxy.
    var clientAddress: String { forwardedAddress ?? remoteAddress?.ipAddress ?? "unknown" }
}

/// Behind a trusted reverse proxy (`ConnectionLimits.trustedProxies`), reads the client's address from the last entry
/// of `X-Forwarded-For` (the one the proxy itself added: earlier entries come from the client and prove nothing).
/// Requests from any other peer keep their own address, whatever headers they send.
struct ForwardedAddressMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    static let header = HTTPField.Name("X-Forwarded-For")!
    let trusted: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let peer = context.remoteAddress?.ipAddress, trusted.contains(peer),
            let forwarded = request.headers[values: Self.header].last,
            let last = forwarded.split(separator: ",").last
        else { return try await next(request, context) }
        let address = last.trimmingCharacters(in: .whitespaces)
        guard !address.isEmpty, address.count <= 45, (try? SocketAddress(ipAddress: address, port: 0)) != nil else {
            return try await next(request, context)
        }
        var context = context
        context.forwardedAddress = address
        return try await next(request, context)
    }
}
