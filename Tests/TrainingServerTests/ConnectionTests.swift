import Foundation
import NIOCore
import Testing

@testable import TrainingServer

/// Slow, silent and malformed clients on real sockets: deadlines close them, one address cannot take every
/// connection, bad framing is a 400 and an oversized chunked body a 413, and other users are answered meanwhile.
@Suite struct ConnectionTests {
    /// Short deadlines so that the tests take seconds (the defaults are 10 s, 30 s and 60 s), yet long enough that
    /// a loaded machine (tests in parallel with a build) does not reach them before a prompt client has sent.
    static let limits = ConnectionLimits(
        maximumConnections: 512, maximumConnectionsPerAddress: 8, headerTimeout: .seconds(2),
        bodyTimeout: .seconds(2), idleTimeout: .seconds(4))

    static func world() async throws -> TestWorld { try await TestWorld.make(connections: limits) }

    /// Answers /api/health from 127.0.0.1 within two seconds: before the slow clients' deadline, i.e. meanwhile.
    static func healthy(_ port: Int) async throws -> Bool {
        let started = ContinuousClock.now
        let answer = try await rawCall(port: port, "GET", "/api/health")
        return answer?.status == 200 && ContinuousClock.now - started < .seconds(2)
    }

    @Test func aConnectionThatSendsNothingIsClosedAtTheHeaderDeadline() async throws {
        let world = try await Self.world()
        try await world.live { port in
            let silent = try await RawConnection.open(port: port, from: "127.0.0.2")
            #expect(await silent.closedByServer(within: .seconds(5)))
        }
    }

    /// A head trickled a line at a time is closed at its deadline however steadily it trickles, and others are
    /// answered meanwhile.
    @Test func aSlowlorisIsClosedAtTheHeaderDeadlineThoughItKeepsSending() async throws {
        let world = try await Self.world()
        try await world.live { port in
            var slow: [RawConnection] = []
            for _ in 0..<6 {
                let connection = try await RawConnection.open(port: port, from: "127.0.0.2")
                try await connection.send("GET /api/health HTTP/1.1\r\nHost: localhost\r\n")
                slow.append(connection)
            }
            let started = ContinuousClock.now
            var line = 0
            while ContinuousClock.now - started < .seconds(6), slow.contains(where: { !$0.isClosed }) {
                for connection in slow where !connection.isClosed {
                    try? await connection.send("X-Trickle-\(line): 1\r\n")
                }
                line += 1
                #expect(try await Self.healthy(port))
                try await Task.sleep(for: .milliseconds(150))
            }
            let allClosed = slow.allSatisfy { $0.isClosed }
            #expect(allClosed, "slow heads still open after 6 s")
            #expect(ContinuousClock.now - started < .seconds(4.5))
        }
    }

    @Test func anIdleKeptAliveConnectionIsClosedAtTheIdleDeadline() async throws {
        let world = try await Self.world()
        try await world.live { port in
            let connection = try await RawConnection.open(port: port, from: "127.0.0.2")
            try await connection.send(rawRequest("GET", "/api/health"))
            #expect(await connection.response()?.status == 200)
            // Past the header deadline but within the idle one: still open for the next request.
            try await Task.sleep(for: .milliseconds(2600))
            #expect(!connection.isClosed)
            #expect(await connection.closedByServer(within: .seconds(5)))
        }
    }

    @Test func aBodySentTooSlowlyIsClosedAtTheBodyDeadline() async throws {
        let world = try await Self.world()
        try await world.live { port in
            let connection = try await RawConnection.open(port: port, from: "127.0.0.2")
            try await connection.send(
                "POST /api/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n{"
            )
            let started = ContinuousClock.now
            while ContinuousClock.now - started < .seconds(6), !connection.isClosed {
                try? await connection.send(" ")
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(connection.isClosed && ContinuousClock.now - started < .seconds(4.5))
        }
    }

    /// An address over its share of connections has the extra ones closed at once; others still get in.
    @Test func oneAddressCannotHoldTheServer() async throws {
        let world = try await Self.world()
        try await world.live { port in
            var held: [RawConnection] = []
            for _ in 0..<40 { held.append(try await RawConnection.open(port: port, from: "127.0.0.2")) }
            try await Task.sleep(for: .milliseconds(300))
            let open = held.filter { !$0.isClosed }.count
            #expect(open <= 8, "\(open) of 40 connections from one address still open")
            #expect(try await Self.healthy(port))
            for connection in held { await connection.close() }
        }
    }

    /// When every connection is taken the server stops accepting; the slow ones reach their deadline and the
    /// waiting connection is served then.
    @Test func aFullServerServesTheNextConnectionOnceSlowOnesExpire() async throws {
        var limits = Self.limits
        limits.maximumConnections = 10
        limits.maximumConnectionsPerAddress = 64
        let world = try await TestWorld.make(connections: limits)
        try await world.live { port in
            var held: [RawConnection] = []
            for _ in 0..<10 { held.append(try await RawConnection.open(port: port, from: "127.0.0.2")) }
            let started = ContinuousClock.now
            let answer = try await rawCall(port: port, "GET", "/api/health")
            #expect(answer?.status == 200)
            #expect(ContinuousClock.now - started < .seconds(6))
            for connection in held { await connection.close() }
        }
    }

    static func chunked(_ chunks: [String]) -> String {
        "POST /api/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunks.joined()
    }

    @Test func aChunkedBodyOver64KiBIsA413() async throws {
        let world = try await Self.world()
        try await world.live { port in
            let connection = try await RawConnection.open(port: port)
            // 80 KiB in 8 KiB chunks, written at once: the server holds the whole request when it refuses it, so
            // its close cannot reset the connection under an answer still on its way (a loaded machine, writing
            // chunk by chunk, saw that once).
            let piece = "2000\r\n" + String(repeating: "x", count: 8192) + "\r\n"
            // The server may answer and close before the write completes ("I/O on closed channel"): its answer is
            // what is checked.
            try? await connection.send(Self.chunked(Array(repeating: piece, count: 10) + ["0\r\n\r\n"]))
            let answer = await connection.response()
            #expect(answer?.status == 413 && answer?.errorCode == "too-large", "\(answer?.text ?? "no answer")")
            await connection.close()
        }
    }

    @Test(arguments: [
        ["FFFFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n"], ["zz\r\n{}\r\n0\r\n\r\n"], ["2\r\n{}XX0\r\n\r\n"],
    ])
    func malformedChunkingIsA400(chunks: [String]) async throws {
        let world = try await Self.world()
        try await world.live { port in
            let connection = try await RawConnection.open(port: port)
            // The server may refuse and close before the write completes ("I/O on closed channel", seen once): its
            // answer is what is checked.
            try? await connection.send(Self.chunked(chunks))
            let answer = await connection.response()
            #expect(answer?.status == 400, "\(chunks): \(answer.map { "\($0.status) \($0.text)" } ?? "no answer")")
            await connection.close()
            #expect(try await Self.healthy(port))
        }
    }

    @Test func bothContentLengthAndChunkedIsA400() async throws {
        let world = try await Self.world()
        try await world.live { port in
            let connection = try await RawConnection.open(port: port)
            try await connection.send(
                "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
            )
            #expect(await connection.response()?.status == 400)
            await connection.close()
        }
    }

    /// The deadlines as a state machine, without sockets.
    @Test func deadlinesFollowTheConnection() {
        let limits = ConnectionDeadlines.Limits(header: .seconds(10), body: .seconds(30), idle: .seconds(60))
        let open = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
        var machine = ConnectionDeadlines(limits: limits, openedAt: open)
        #expect(machine.deadline == open + .seconds(10))
        machine.bytesReceived(at: open + .seconds(9))
        #expect(machine.deadline == open + .seconds(10), "the first head counts from the connection")
        machine.headReceived(at: open + .seconds(9))
        #expect(machine.deadline == open + .seconds(39))
        machine.requestEnded(at: open + .seconds(10))
        #expect(machine.deadline == open + .seconds(70), "answering: progress every idle timeout")
        machine.answerEnded(at: open + .seconds(11))
        #expect(machine.deadline == open + .seconds(71), "kept alive for the idle timeout")
        machine.bytesReceived(at: open + .seconds(50))
        #expect(machine.deadline == open + .seconds(60), "a later head counts from its first byte")
        machine.bytesReceived(at: open + .seconds(59))
        #expect(machine.deadline == open + .seconds(60), "more bytes do not move it")
        machine.headReceived(at: open + .seconds(59))
        machine.answerEnded(at: open + .seconds(59))
        #expect(machine.answeredBeforeTheBodyEnded)
        // A declared body gets its time at 64 KiB/s on top (a course uploaded over a slow network).
        var upload = ConnectionDeadlines(limits: limits, openedAt: open)
        upload.headReceived(at: open, bodyBytes: 100 * 64 * 1024)
        #expect(upload.deadline == open + .seconds(130))
    }

    @Test func theConnectionCapStaysBelowTheDescriptorLimit() {
        #expect(ConnectionLimits().clamped(toDescriptorLimit: 256).maximumConnections == 192)
        #expect(ConnectionLimits().clamped(toDescriptorLimit: 65536).maximumConnections == 512)
        #expect(ConnectionLimits().clamped(toDescriptorLimit: 40).maximumConnections == 16)
    }
}
