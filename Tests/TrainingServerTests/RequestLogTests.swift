import CargoModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import TrainingServer

/// Every line the server logs, kept for the test.
final class CapturedLog: @unchecked Sendable {
    let lines = NIOLockedValueBox<[String]>([])

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(
            level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
            function: String, line: UInt
        ) {
            let all = self.metadata.merging(metadata ?? [:]) { $1 }
            let text =
                "\(level) \(message) "
                + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            log.lines.withLockedValue { $0.append(text) }
        }
    }

    var logger: Logger { Logger(label: "test") { _ in Handler(log: self) } }
}

@Suite struct RequestLogTests {
    @Test func aLinePerRequestWithStatusAndTimeAndNoSecretOrKeyInAnyLine() async throws {
        let world = try await TestWorld.make()
        let log = CapturedLog()
        let app = Application(router: world.server.router(), logger: log.logger)
        let forbidden = try KeyIsolationTests.forbiddenStrings(world)
        let aid = world.assignments["trainee1"]![.training]!
        let caseId = world.caseIds()[0]
        let c = try world.inspectionCase(caseId)
        let secrets = NIOLockedValueBox<[String]>([TestWorld.password])
        defer { removeDatabase(world.path) }
        try await app.test(.router) { raw in
            let anonymous = Client(client: raw)
            _ = try await anonymous.post("/api/login", ["username": "trainee1", "password": "a wrong one 99"])
            let trainee = try await anonymous.signedIn("trainee1")
            secrets.withLockedValue { $0 += [trainee.cookie!, trainee.csrf!, "a wrong one 99"] }
            let base = "/api/assignments/\(aid)/cases/\(caseId)"
            for stage in c.stages {
                if stage == .examination {
                    _ = try await trainee.post(base + "/examine", ["points": [c.examination!.points[0].rawValue]])
                }
                _ = try await trainee.post(base + "/decisions", decisionBody(stage))
            }
            let feedback = try await trainee.get(base + "/feedback")
            #expect(feedback.status == .ok)
            let instructor = try await anonymous.signedIn("instructor")
            secrets.withLockedValue { $0 += [instructor.cookie!, instructor.csrf!] }
            _ = try await instructor.get("/api/courses/\(world.course.courseId)/cases/\(caseId)")
            _ = try await instructor.get("/api/nope")
        }
        let lines = log.lines.withLockedValue { $0 }.filter { $0.hasPrefix("info ") }
        #expect(lines.count >= c.stages.count + 6, "\(lines)")
        for line in lines {
            #expect(line.contains(" ms") && line.contains("status="), "a request line: \(line)")
            for secret in secrets.withLockedValue({ $0 }) {
                #expect(!line.contains(secret), "a secret in the log: \(line)")
            }
            for value in forbidden { #expect(!line.contains(value), "key data in the log: \(value) in \(line)") }
        }
        #expect(lines.contains { $0.contains("POST /api/login 401") })
        #expect(lines.contains { $0.contains("GET /api/nope 404") })
    }
}
