import Hummingbird
import NIOCore

/// The request context of the training server: the client's address (for sign-in throttling).
public struct ServerContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are read by the server itself with its own limit (`TrainingServer.maximumBodyBytes`).
    public var maxUploadSize: Int { TrainingServer.maximumBodyBytes }

    /// The address used for throttling: the peer's IP without its port.
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
