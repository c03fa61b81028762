import Foundation
import NIOCore
import Testing

@testable import TrainingServer

/// HTTPS for the training room: the self-signed certificate made once and kept, a client that checks its
/// fingerprint signs in over TLS, and the session cookie is `Secure`.
@Suite struct TLSTests {
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cargosim-tls-\(UUID().uuidString)/db.tls")
    }

    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
    }

    @Test func theCertificateIsMadeOnceWithPrivateModesAndRenewedWhenItNoLongerFits() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let (first, created) = try TLSIdentity.loadOrCreate(in: folder, addresses: ["192.168.1.20"], now: now)
        #expect(created)
        #expect(Set(first.names) == ["192.168.1.20", "127.0.0.1", "localhost"])
        #expect(first.fingerprint.count == 95 && first.fingerprint.split(separator: ":").count == 32)
        #expect(first.notValidAfter.timeIntervalSince(now) > 700 * 86_400)
        #expect(Self.mode(folder.path) == 0o700)
        #expect(Self.mode(folder.appendingPathComponent("key.pem").path) == 0o600)
        // Kept: same addresses, or fewer.
        let again = try TLSIdentity.loadOrCreate(in: folder, addresses: [], now: now.addingTimeInterval(86_400))
        #expect(!again.created && again.identity.fingerprint == first.fingerprint)
        // A key left readable by others is made private again.
        _ = chmod(folder.appendingPathComponent("key.pem").path, 0o644)
        _ = try TLSIdentity.loadOrCreate(in: folder, addresses: [], now: now)
        #expect(Self.mode(folder.appendingPathComponent("key.pem").path) == 0o600)
        // Renewed: a new address, or a day before it expires.
        let moved = try TLSIdentity.loadOrCreate(in: folder, addresses: ["10.1.2.3"], now: now)
        #expect(moved.created && moved.identity.fingerprint != first.fingerprint)
        let late = try TLSIdentity.loadOrCreate(
            in: folder, addresses: [], now: now.addingTimeInterval(2 * 365 * 86_400 - 3600))
        #expect(late.created)
    }

    @Test func aClientThatChecksTheFingerprintSignsInOverTLSAndTheCookieIsSecure() async throws {
        let world = try await TestWorld.make(connections: .init())
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let identity = try TLSIdentity.loadOrCreate(in: folder, addresses: []).identity
        defer { removeDatabase(world.path) }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = try world.server.application(host: "127.0.0.1", port: 0, tls: identity, logger: quietLogger) {
            continuation.yield($0)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let answer = try await rawCall(
                port: port, "POST", "/api/login", json: ["username": "trainee1", "password": TestWorld.password],
                pinning: identity.fingerprint)
            #expect(answer?.status == 200)
            let cookie = answer?.headers["set-cookie"] ?? ""
            #expect(cookie.contains("; Secure") && cookie.contains("HttpOnly"), "\(cookie)")
            // Plain HTTP to the HTTPS port gets no answer.
            let plain = try await RawConnection.open(port: port)
            try await plain.send(rawRequest("GET", "/api/health"))
            #expect(await plain.response(timeout: .seconds(2))?.status == nil)
            await plain.close()
            group.cancelAll()
        }
    }

    /// Over plain HTTP (loopback) the cookie stays as before, without `Secure`.
    @Test func overPlainHTTPTheCookieIsNotSecure() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let answer = try await client.post("/api/login", ["username": "trainee1", "password": TestWorld.password])
            #expect(answer.headers[.setCookie]?.contains("Secure") == false)
        }
    }
}

/// `cargosim serve --lan`: HTTPS with the certificate made beside the database, its fingerprint printed.
@Suite struct ServeLanTests {
    @Test func serveLanOffersHTTPSAndPrintsTheFingerprint() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cargosim-lan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("server.sqlite").path
        #expect(
            try Binary.run(["users", "add", "ana", "--password", "a fine password", "--bcrypt-cost", "4", "--db", db]).0
                == 0)
        let process = Process()
        process.executableURL = try Binary.url.get()
        process.arguments = ["serve", "--lan", "--db", db, "--port", "0", "--assets", Checkout.assets.path]
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "en_US.UTF-8"
        process.environment = environment
        let out = temporaryFile("serve-lan")
        defer { try? FileManager.default.removeItem(at: out) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var text = "", port: Int?
        let deadline = Date().addingTimeInterval(60)
        while port == nil, Date() < deadline, process.isRunning {
            try await Task.sleep(for: .milliseconds(50))
            text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            if let range = text.range(of: "https://127.0.0.1:"), text.contains("SHA-256") {
                port = Int(text[range.upperBound...].prefix { $0.isNumber })
            }
        }
        let bound = try #require(port, "serve --lan printed: \(text)")
        let certificate = try String(contentsOfFile: db + ".tls/cert.pem", encoding: .utf8)
        let key = try String(contentsOfFile: db + ".tls/key.pem", encoding: .utf8)
        let identity = try TLSIdentity(certificatePEM: certificate, privateKeyPEM: key)
        #expect(text.contains(identity.fingerprint), "\(text)")
        #expect(!text.contains("http://"), "\(text)")
        let answer = try await rawCall(
            port: bound, "POST", "/api/login", json: ["username": "ana", "password": "a fine password"],
            pinning: identity.fingerprint)
        #expect(answer?.status == 200 && answer?.headers["set-cookie"]?.contains("Secure") == true)
    }
}
