import CargoModel
import Foundation
import HTTPTypes
import Storage
import Testing

@testable import TrainingServer

/// Bad input of every kind gets a clear 4xx and changes nothing: path tricks, oversized and malformed
/// bodies, and a seeded fuzz loop over request bodies.
@Suite struct RequestTests {
    @Test func theWorkspaceAndTranslationsAreServedWithTheirTypes() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let index = try await client.get("/")
            #expect(index.status == .ok && index.headers[.contentType] == "text/html; charset=utf-8")
            #expect(try await client.get("/index.html").body == index.body)
            let spanish = try await client.get("/i18n/es.json")
            #expect(spanish.status == .ok && spanish.headers[.contentType] == "application/json; charset=utf-8")
            #expect((spanish.json() as? [String: String])?.isEmpty == false)
            #expect(try await client.get("/no-such-file.js").status == .notFound)
            #expect(try await client.get("/api/no-such-route").errorCode == "not-found")
        }
    }

    @Test(arguments: [
        "/../Package.swift", "/..%2fPackage.swift", "/%2e%2e/Package.swift", "/%2E%2E%2FPackage.swift",
        "/i18n/../rubrics/default.yaml", "/i18n/%2e%2e%2frubrics%2fdefault.yaml", "/%252e%252e%252fPackage.swift",
        "/..\\Package.swift", "/.%2e/Package.swift", "/i18n/..%5c..%5cPackage.swift", "/%00index.html",
        "/.hidden", "//etc/passwd", "/i18n/%2e%2e/%2e%2e/Package.swift",
    ])
    func pathTricksAreRefused(path: String) async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let answer = try await client.get(path)
            #expect(answer.status == .badRequest || answer.status == .notFound, "\(path): \(answer.status)")
            #expect(!answer.text.contains("swift-tools-version") && !answer.text.contains("weights:"))
            #expect(answer.errorCode != nil)
        }
    }

    @Test func oversizedBodiesAreRefusedWith413() async throws {
        let world = try await TestWorld.make()
        let aid = world.assignments["trainee1"]![.training]!
        let caseId = world.caseIds()[0]
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            let padding = String(repeating: "x", count: 70 * 1024)
            let body = Array("{\"stage\":\"targeting\",\"disposition\":\"release\",\"pad\":\"\(padding)\"}".utf8)
            let answer = try await trainee.request(
                .post, "/api/assignments/\(aid)/cases/\(caseId)/decisions", raw: body)
            #expect(answer.status == .contentTooLarge && answer.errorCode == "too-large")
            let login = try await anonymous.request(.post, "/api/login", raw: body)
            #expect(login.status == .contentTooLarge)
            #expect(try await world.storage.decisions(assignmentId: aid, caseId: caseId).isEmpty)
        }
    }

    @Test func malformedBodiesAreRefusedWith400() async throws {
        let world = try await TestWorld.make()
        let aid = world.assignments["trainee1"]![.training]!
        let caseId = world.caseIds()[0]
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            let path = "/api/assignments/\(aid)/cases/\(caseId)/decisions"
            for raw in [
                "", "{", "[]", "null", "\"text\"", "{\"stage\":1}", "{\"stage\":\"targeting\",\"disposition\":null}",
                "\u{FF}\u{FE}",
            ] {
                let answer = try await trainee.request(.post, path, raw: Array(raw.utf8))
                #expect(answer.status == .badRequest && answer.errorCode == "bad-request", "\(raw): \(answer.text)")
            }
            let unknown = try await trainee.post(path, ["stage": "targeting", "disposition": "release", "score": 1])
            #expect((unknown.object["error"] as? [String: Any])?["field"] as? String == "score")
            #expect(try await world.storage.decisions(assignmentId: aid, caseId: caseId).isEmpty)
        }
    }

    /// Mutated and random bodies against every route that reads one: never a 5xx, and every 4xx in the
    /// JSON error shape.
    @Test func fuzzedBodiesNeverGiveA5xx() async throws {
        let world = try await TestWorld.make()
        let aid = world.assignments["trainee1"]![.training]!
        let caseIds = world.caseIds()
        let seeds: [String] = [
            "{\"stage\":\"targeting\",\"disposition\":\"referForScan\",\"flaggedIndicators\":[]}",
            "{\"stage\":\"screening\",\"disposition\":\"detain\",\"markedRegions\":[{\"scan\":\"scan.png\",\"shape\":{\"type\":\"polygon\",\"points\":[{\"x\":1,\"y\":2},{\"x\":3,\"y\":4},{\"x\":5,\"y\":1}]}}]}",
            "{\"points\":[\"doors\",\"seal\",\"floor\"]}",
            "{\"username\":\"trainee1\",\"password\":\"correct horse 42\"}",
            "{\"language\":\"pt\"}",
            "{\"stage\":\"evidence\",\"disposition\":\"referToAgency\",\"agency\":\"police\",\"evidenceSteps\":[\"witnessPresent\",\"cutSeal\"]}",
        ]
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            var rng = SplitMix(seed: 0xC0FF_EE00_5EED)
            for round in 0..<400 {
                var bytes = Array(seeds[rng.next(seeds.count)].utf8)
                for _ in 0..<(1 + rng.next(6)) {
                    switch rng.next(5) {
                    case 0 where !bytes.isEmpty: bytes[rng.next(bytes.count)] = UInt8(rng.next(256))
                    case 1 where !bytes.isEmpty: bytes.remove(at: rng.next(bytes.count))
                    case 2:
                        let alphabet = Array("{}[]\":,0-9.eE\\u".utf8)
                        bytes.insert(alphabet[rng.next(alphabet.count)], at: rng.next(bytes.count + 1))
                    case 3 where bytes.count > 2: bytes = Array(bytes.prefix(rng.next(bytes.count)))
                    default: bytes += Array("{\"a\":[1e999,-0,null,true]}".utf8).prefix(rng.next(24))
                    }
                }
                let caseId = caseIds[rng.next(caseIds.count)]
                let targets = [
                    "/api/assignments/\(aid)/cases/\(caseId)/decisions",
                    "/api/assignments/\(aid)/cases/\(caseId)/examine",
                    "/api/me/language", "/api/users", "/api/assignments",
                ]
                let path = targets[rng.next(targets.count)]
                let method: HTTPRequest.Method = path.hasSuffix("language") ? .put : .post
                let answer = try await trainee.request(method, path, raw: bytes)
                #expect(
                    answer.status.code < 500,
                    "round \(round) \(path) \(String(decoding: bytes, as: UTF8.self)): \(answer.text)")
                if answer.status.code >= 400 { #expect(answer.errorCode != nil) }
            }
            let login = try await anonymous.request(.post, "/api/login", raw: Array("{\"username\":\u{0}}".utf8))
            #expect(login.status == .badRequest)
        }
    }
}

/// A small seeded generator for the fuzz loops (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ n: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return n <= 1 ? 0 : Int(z % UInt64(n))
    }
}
