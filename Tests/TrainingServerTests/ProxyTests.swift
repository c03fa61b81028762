import Foundation
import NIOCore
import Testing

@testable import TrainingServer

/// Behind a trusted reverse proxy (`--trusted-proxy`): the proxy's connections are not capped per address, the
/// client address of its requests is the last `X-Forwarded-For` entry, and the header from any other peer is ignored.
@Suite struct ProxyTests {
    static func signIn(port: Int, from source: String, forwardedFor: String) async throws -> RawResponse? {
        let body = try JSONSerialization.data(
            withJSONObject: ["username": "trainee1", "password": TestWorld.password])
        let head =
            "POST /api/login HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: \(forwardedFor)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let connection = try await RawConnection.open(port: port, from: source)
        defer { Task { await connection.close() } }
        try await connection.send(Array(head.utf8) + Array(body))
        return await connection.response()
    }

    @Test func aTrustedProxyForwardsTheClientAddressAndIsNotCappedOthersAreNot() async throws {
        var limits = ConnectionLimits(maximumConnections: 512, maximumConnectionsPerAddress: 8)
        limits.trustedProxies = ["127.0.0.2"]
        let world = try await TestWorld.make(connections: limits)
        try await world.live { port in
            var proxied: [RawConnection] = []
            for _ in 0..<12 { proxied.append(try await RawConnection.open(port: port, from: "127.0.0.2")) }
            var direct: [RawConnection] = []
            for _ in 0..<9 { direct.append(try await RawConnection.open(port: port, from: "127.0.0.3")) }
            #expect(await direct.last!.closedByServer(within: .seconds(3)))
            #expect(proxied.allSatisfy { !$0.isClosed }, "a trusted proxy's connections were capped")
            for connection in proxied + direct { await connection.close() }

            let throughProxy = try await Self.signIn(
                port: port, from: "127.0.0.2", forwardedFor: "203.0.113.9, 10.9.8.7")
            #expect(throughProxy?.status == 200)
            let spoofed = try await Self.signIn(port: port, from: "127.0.0.3", forwardedFor: "10.1.1.1")
            #expect(spoofed?.status == 200)
            let logins = try await world.storage.auditLog(limit: 20).filter { $0.action == "login" }.map(\.detail)
            #expect(logins.contains("from 10.9.8.7"), "\(logins)")
            #expect(logins.contains("from 127.0.0.3"), "\(logins)")
            #expect(!logins.contains("from 10.1.1.1") && !logins.contains("from 203.0.113.9"), "\(logins)")
        }
    }
}
