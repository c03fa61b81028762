import CargoModel
import CaseBundle
import Foundation
import HTTPTypes
import Storage
import Testing

@testable import TrainingServer

/// Before submitting, a trainee fetches every route they can reach — at every stage, with good and bad
/// input — and no part of any key shows in any answer (bodies, headers, error messages).
@Suite struct KeyIsolationTests {
    /// Strings of the keys that the trainee pack itself never contains: scenario names, anomaly kinds,
    /// zones and materials, rationale codes, seeds, and the field names only a key has.
    static func forbiddenStrings(_ world: TestWorld) throws -> [String] {
        var packText = ""
        for item in world.course.cases {
            packText += String(decoding: item.document, as: UTF8.self)
            packText += String(decoding: item.files["door.svg"] ?? [], as: UTF8.self)
        }
        packText += String(decoding: world.course.index, as: UTF8.self)
        var candidates: Set<String> = []
        // The course seed (grader pack only): whoever has it regenerates every key.
        let seedFile = try Fixture.course.get().appendingPathComponent("keys/course-seed.json")
        if let record = try? JSONDecoder().decode(CourseSeedRecord.self, from: Data(contentsOf: seedFile)) {
            candidates.formUnion([record.courseSeed, record.courseSeed.uppercased()])
        }
        for item in world.course.cases + world.testCourse.cases {
            let key = try JSONDecoder().decode(AnswerKey.self, from: Data(item.key))
            candidates.insert(key.scenario)
            candidates.insert(key.seed)
            for scan in key.scans { candidates.insert(scan.noiseSeed) }
            for anomaly in key.anomalies {
                candidates.formUnion([anomaly.kind.rawValue, anomaly.zone.rawValue, anomaly.material])
            }
            for rationale in key.rationale { candidates.insert(rationale.code.rawValue) }
            for discrepancy in key.discrepancies { candidates.insert(discrepancy.code.rawValue) }
            for scan in key.scans {
                for anomaly in scan.anomalies {
                    let b = anomaly.box
                    candidates.insert("\"x\":\(b.x),\"y\":\(b.y)")
                    candidates.insert("\(b.x),\(b.y),\(b.width),\(b.height)")
                }
            }
        }
        let keyOnlyFields = [
            "\"scenario\"", "\"seed\"", "\"irregular\"", "\"expectations\"", "\"anomalies\"", "\"rationale\"",
            "\"anomalyId\"", "\"essentialPoints\"", "\"significant\"", "\"discrepancies\"", "\"expected\"",
            "\"best\"", "\"acceptable\"", "\"regions\"", "\"score\"", "\"outcome\"",
        ]
        let values = candidates.filter { $0.count >= 4 && !packText.contains($0) }
        return values.sorted() + keyOnlyFields.filter { !packText.contains($0) }
    }

    @Test func noRouteGivesAnyPartOfAKeyBeforeSubmission() async throws {
        let world = try await TestWorld.make()
        let forbidden = try Self.forbiddenStrings(world)
        #expect(forbidden.count > 16, "the fixture's keys should give distinctive strings: \(forbidden)")
        let other = world.assignments["trainee2"]![.training]!
        // trainee1 is in a class too: its routes are the instructor's.
        let (classGroup, _) = try await world.storage.createGroup(
            NewAssignmentGroup(courseId: world.course.courseId, mode: .training, createdBy: "instructor"),
            userIds: [world.users["trainee1"]!.id], overridingModeConflict: false, at: world.clock.now())
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            var seen: [(String, Client.Answer)] = []
            func fetch(_ method: HTTPRequest.Method, _ path: String, _ body: Any? = nil) async throws {
                seen.append(("\(method) \(path)", try await trainee.request(method, path, json: body)))
            }
            try await fetch(.get, "/api/me")
            try await fetch(.get, "/api/assignments")
            try await fetch(.get, "/api/assignments/\(other)")
            try await fetch(.get, "/api/assignments/999999")
            try await fetch(.get, "/api/courses")
            try await fetch(.get, "/api/audit")
            // The console's class and print routes: a trainee reaches none of them.
            for gid in [classGroup.id, 999] {
                for route in ["progress", "report", "report.csv", "debrief/\(world.caseIds()[0])"] {
                    try await fetch(.get, "/api/groups/\(gid)/\(route)")
                }
                let aid = world.assignments["trainee1"]![.training]!
                try await fetch(.get, "/api/groups/\(gid)/attempts/\(aid)/cases/\(world.caseIds()[0])")
                try await fetch(.get, "/api/groups/\(gid)/cases/\(world.caseIds()[0])/files/scan.png")
            }
            for print in ["exercise", "guide", "cases/\(world.caseIds()[0])/scan.png"] {
                try await fetch(.get, "/api/courses/\(world.course.courseId)/print/\(print)")
            }
            for mode in AttemptMode.allCases {
                let aid = world.assignments["trainee1"]![mode]!
                try await fetch(.get, "/api/assignments/\(aid)")
                try await fetch(.get, "/api/assignments/\(aid)/results")
                try await fetch(.get, "/api/assignments/\(aid)/attempts.jsonl")
                try await fetch(.get, "/api/assignments/\(aid)/cases/not-a-case")
                for caseId in world.caseIds(mode) {
                    let c = try world.inspectionCase(caseId)
                    let base = "/api/assignments/\(aid)/cases/\(caseId)"
                    try await fetch(.get, "/api/assignments/\(other)/cases/\(caseId)")
                    // Work every stage but the last, fetching everything before and after each decision.
                    for stage in c.stages {
                        try await fetch(.get, base)
                        for scan in TrainingServer.scanFiles { try await fetch(.get, base + "/scans/\(scan)") }
                        try await fetch(.get, base + "/scans/scan-high.png/probe?x=3&y=2")
                        try await fetch(.get, base + "/scans/scan-low.png/probe?x=99999&y=0")
                        for scan in TrainingServer.scanFiles {
                            try await fetch(.get, base + "/scans/\(scan)/tiles/0/0/0")
                        }
                        try await fetch(.get, base + "/scans/scan-high.png/tiles/99/0/0")
                        try await fetch(.get, base + "/classes.png")
                        try await fetch(.get, base + "/door.svg")
                        try await fetch(.get, base + "/feedback")
                        try await fetch(.post, base + "/decisions", decisionBody(c.stages.last!))
                        try await fetch(
                            .post, base + "/decisions", ["stage": stage.rawValue, "disposition": "nonsense"])
                        if stage == .examination {
                            let points = c.examination!.points.map(\.rawValue)
                            try await fetch(.post, base + "/examine", ["points": points])
                            try await fetch(.post, base + "/examine", ["points": points])
                            try await fetch(.get, base)
                        }
                        if stage == c.stages.last! { break }
                        try await fetch(.post, base + "/decisions", decisionBody(stage))
                        try await fetch(.post, base + "/decisions", decisionBody(stage))
                    }
                    try await fetch(.get, base)
                }
            }
            #expect(seen.count > 100)
            for (what, answer) in seen {
                #expect(answer.status.code < 500, "\(what): \(answer.status.code) \(answer.text)")
                var headerText = ""
                for field in answer.headers { headerText += field.name.rawName + ": " + field.value + "\n" }
                let bytes = Data(answer.body + Array(headerText.utf8))
                for text in forbidden {
                    #expect(bytes.range(of: Data(text.utf8)) == nil, "\(what) shows \(text)")
                }
            }
        }
    }

}
