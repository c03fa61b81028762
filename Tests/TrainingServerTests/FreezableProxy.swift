import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP relay on loopback in front of a server (here PostgreSQL) that a test can freeze: frozen, it keeps every
/// connection open and accepts new ones, but passes no byte either way, as a database whose machine or network has
/// gone silent (no refusal, no reset: the calls in flight are never answered). Thawed, it relays again.
final class FreezableProxy: Sendable {
    let port: Int
    private let frozen: NIOLockedValueBox<Bool>
    private let listener: any Channel

    private init(port: Int, frozen: NIOLockedValueBox<Bool>, listener: any Channel) {
        self.port = port
        self.frozen = frozen
        self.listener = listener
    }

    /// Listens on a free loopback port and relays each connection to `host:port`.
    static func start(to host: String, port target: Int) async throws -> FreezableProxy {
        let frozen = NIOLockedValueBox(false)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Nothing is read from the client before its relay to the server is in place.
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { inbound in
                ClientBootstrap(group: inbound.eventLoop)
                    .connect(host: host, port: target)
                    .flatMapThrowing { outbound in
                        try outbound.pipeline.syncOperations.addHandler(Relay(frozen: frozen, peer: inbound))
                        try inbound.pipeline.syncOperations.addHandler(Relay(frozen: frozen, peer: outbound))
                    }
                    .flatMap { inbound.setOption(.autoRead, value: true) }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FreezableProxy(port: listener.localAddress?.port ?? 0, frozen: frozen, listener: listener)
    }

    func freeze(_ value: Bool) { frozen.withLockedValue { $0 = value } }

    /// Stops listening (the relayed connections close with their ends).
    func close() async { try? await listener.close() }

    /// Passes what one end sends to the other unless frozen (then it is dropped); closes the other end with it.
    private final class Relay: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let frozen: NIOLockedValueBox<Bool>
        let peer: any Channel

        init(frozen: NIOLockedValueBox<Bool>, peer: any Channel) {
            self.frozen = frozen
            self.peer = peer
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if frozen.withLockedValue({ $0 }) { return }
            peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer.close(promise: nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
