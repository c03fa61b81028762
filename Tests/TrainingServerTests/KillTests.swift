import CargoModel
import Foundation
import PostgresStorage
import Storage
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The real `cargosim serve` on a temporary database: trainees submit concurrently, the server is killed
/// with SIGKILL mid-stream, and after a restart every decision that was acknowledged (201) is there.
@Suite(.serialized) struct KillTests {
    final class Server {
        let process = Process()
        let port: Int

        init(db: String, stateDir: String) throws {
            process.executableURL = try Binary.url.get()
            process.arguments = [
                "serve", "--db", db, "--state-dir", stateDir, "--port", "0", "--assets", Checkout.assets.path,
            ]
            // Standard output goes to a file that is polled: reading a pipe through FileHandle traps on EINTR.
            let out = temporaryFile("serve")
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = FileHandle.nullDevice
            try process.run()
            var text = ""
            let deadline = Date().addingTimeInterval(90)
            var found: Int?
            while found == nil, Date() < deadline, process.isRunning {
                Thread.sleep(forTimeInterval: 0.05)
                text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
                if let range = text.range(of: "http://127.0.0.1:") {
                    let digits = text[range.upperBound...].prefix { $0.isNumber }
                    if text[range.upperBound...].dropFirst(digits.count).first == "/" { found = Int(digits) }
                }
            }
            guard let found else {
                process.terminate()
                throw FixtureError(description: "serve printed no address: \(text)")
            }
            port = found
            try? FileManager.default.removeItem(at: out)
        }

        func kill() {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// A blocking HTTP client on the calling thread. The trainees below are plain threads, not tasks: under
    /// `swift test --parallel` other tests can hold every thread of the cooperative pool for minutes, and
    /// trainees that were tasks then sent nothing before the deadline (the test failed with no decision made).
    struct HTTP: Sendable {
        let port: Int
        let session: URLSession

        func call(_ method: String, _ path: String, json: Any? = nil, cookie: String? = nil, csrf: String? = nil)
            throws -> (Int, Data, String?)
        {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            request.httpMethod = method
            request.timeoutInterval = 20
            if let json {
                request.httpBody = try JSONSerialization.data(withJSONObject: json)
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            if let cookie { request.setValue("cargosim_session=\(cookie)", forHTTPHeaderField: "Cookie") }
            if let csrf { request.setValue(csrf, forHTTPHeaderField: "X-CSRF-Token") }
            let done = DispatchSemaphore(value: 0)
            let box = Outcome()
            session.dataTask(with: request) { data, response, error in
                box.set(data: data, response: response as? HTTPURLResponse, error: error)
                done.signal()
            }.resume()
            done.wait()
            let (data, response, error) = box.get()
            if let error { throw error }
            guard let response else { throw FixtureError(description: "no HTTP response for \(method) \(path)") }
            return (response.statusCode, data ?? Data(), response.value(forHTTPHeaderField: "Set-Cookie"))
        }

        func object(_ data: Data) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        }
    }

    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var data: Data?
        private var response: HTTPURLResponse?
        private var error: Error?
        func set(data: Data?, response: HTTPURLResponse?, error: Error?) {
            lock.lock()
            (self.data, self.response, self.error) = (data, response, error)
            lock.unlock()
        }
        func get() -> (Data?, HTTPURLResponse?, Error?) {
            lock.lock()
            defer { lock.unlock() }
            return (data, response, error)
        }
    }

    /// The decisions that got a 201, and what the trainees saw otherwise (for the failure message).
    final class Acknowledged: @unchecked Sendable {
        private let lock = NSLock()
        private var acked: [(assignment: Int64, caseId: String, stage: String)] = []
        private var seen: [String] = []
        func add(_ a: Int64, _ c: String, _ s: String) {
            lock.lock()
            acked.append((a, c, s))
            lock.unlock()
        }
        func note(_ text: String) {
            lock.lock()
            if seen.count < 20 { seen.append(text) }
            lock.unlock()
        }
        var count: Int {
            lock.lock()
            defer { lock.unlock() }
            return acked.count
        }
        var decisions: [(assignment: Int64, caseId: String, stage: String)] {
            lock.lock()
            defer { lock.unlock() }
            return acked
        }
        var other: [String] {
            lock.lock()
            defer { lock.unlock() }
            return seen
        }
    }

    @Test(arguments: StoreKind.available)
    func everyAcknowledgedDecisionSurvivesKill9(_ kind: StoreKind) async throws {
        let folder = try Fixture.course.get()
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("cargosim-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        let database = try await TestDatabase.make(kind)
        let db = kind == .sqlite ? temp.appendingPathComponent("server.sqlite").path : database.location
        let stateDir = temp.appendingPathComponent("state").path
        do {
            try await killAndRestart(db: db, stateDir: stateDir, folder: folder)
        } catch {
            await database.remove()
            throw error
        }
        await database.remove()
    }

    private func killAndRestart(db: String, stateDir: String, folder: URL) async throws {
        let trainees = (1...4).map { "killtrainee\($0)" }
        for name in trainees {
            let (status, _, err) = try Binary.run([
                "users", "add", name, "--password", "kill test password", "--bcrypt-cost", "4", "--db", db,
            ])
            #expect(status == 0, "\(err)")
        }
        let (importStatus, _, importError) = try Binary.run([
            "course", "import", folder.path, "--keys", folder.appendingPathComponent("keys").path, "--db", db,
        ])
        try #require(importStatus == 0, "\(importError)")
        let courseId = try Fixture.imported.get().courseId
        let (assignStatus, _, assignError) = try Binary.run([
            "assign", "--course", courseId, "--users", trainees.joined(separator: ","), "--mode", "training", "--db",
            db,
        ])
        try #require(assignStatus == 0, "\(assignError)")

        let server = try Server(db: db, stateDir: stateDir)
        let http = HTTP(port: server.port, session: URLSession(configuration: .ephemeral))
        let acknowledged = Acknowledged()
        let cases = try Fixture.imported.get().cases.map {
            try JSONDecoder().decode(InspectionCase.self, from: Data($0.document))
        }
        // Each trainee works every case, stage by stage, as fast as the server answers, on its own thread.
        let finished = DispatchGroup()
        for name in trainees {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                do {
                    let (_, loginData, setCookie) = try http.call(
                        "POST", "/api/login", json: ["username": name, "password": "kill test password"])
                    let login = http.object(loginData)
                    guard let cookie = setCookie?.split(separator: ";").first?.split(separator: "=").last,
                        let csrf = login["csrfToken"] as? String
                    else {
                        acknowledged.note("log-in failed: \(login)")
                        return
                    }
                    let me = String(cookie)
                    let (_, data, _) = try http.call("GET", "/api/assignments", cookie: me)
                    let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
                    guard let aid = (list.first?["id"] as? NSNumber)?.int64Value else {
                        acknowledged.note("no assignment: \(String(decoding: data, as: UTF8.self))")
                        return
                    }
                    for c in cases {
                        let base = "/api/assignments/\(aid)/cases/\(c.id)"
                        for stage in c.stages {
                            if stage == .examination {
                                _ = try http.call(
                                    "POST", base + "/examine", json: ["points": [c.examination!.points[0].rawValue]],
                                    cookie: me, csrf: csrf)
                            }
                            let (status, answer, _) = try http.call(
                                "POST", base + "/decisions", json: decisionBody(stage), cookie: me, csrf: csrf)
                            if status == 201 {
                                acknowledged.add(aid, c.id, stage.rawValue)
                            } else {
                                acknowledged.note("\(stage.rawValue): \(status) \(http.object(answer))")
                            }
                        }
                    }
                } catch {
                    // The server was killed under this request: expected (noted in case nothing got through).
                    acknowledged.note("\(error)")
                }
            }
            thread.start()
        }
        // Kill once some decisions are acknowledged and others are still in flight.
        let deadline = Date().addingTimeInterval(120)
        while acknowledged.count < 6, Date() < deadline { usleep(2000) }
        server.kill()
        finished.wait()
        let acked = acknowledged.decisions
        #expect(acked.count >= 6, "\(acknowledged.other)")

        // Restart on the same database: the server comes up and every acknowledged decision is there.
        let restarted = try Server(db: db, stateDir: stateDir)
        let (health, _, _) = try HTTP(port: restarted.port, session: URLSession(configuration: .ephemeral)).call(
            "GET", "/api/health")
        #expect(health == 200)
        restarted.kill()
        let storage: any Storage =
            db.hasPrefix("postgres://") ? try await PostgresStorage(url: db) : try SQLiteStorage(path: db)
        defer { TestDatabase.close(storage) }
        for item in acked {
            let stored = try await storage.decisions(assignmentId: item.assignment, caseId: item.caseId)
            #expect(stored.contains { $0.decision.stage.rawValue == item.stage }, "lost \(item)")
        }
    }
}
