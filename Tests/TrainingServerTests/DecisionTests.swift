import CargoModel
import Foundation
import HTTPTypes
import Storage
import Testing

@testable import TrainingServer

/// Working a case: stage gating, the once-only decision, examination, server times, grading and feedback.
@Suite struct DecisionTests {
    @Test(arguments: StoreKind.available) func aSecondSubmissionOfAStageIsAConflictAndChangesNothing(_ store: StoreKind)
        async throws
    {
        let world = try await TestWorld.make(store: store)
        let aid = world.assignments["trainee1"]![.training]!
        let caseId = world.caseIds()[0]
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            let path = "/api/assignments/\(aid)/cases/\(caseId)/decisions"
            let first = try await trainee.post(path, decisionBody(.targeting, disposition: .referForScan))
            #expect(first.status == .created)
            #expect(first.object["stage"] as? String == "targeting")
            let before = try await world.storage.decisions(assignmentId: aid, caseId: caseId)
            world.clock.advance(minutes: 3)
            let second = try await trainee.post(path, decisionBody(.targeting, disposition: .release))
            #expect(second.status == .conflict && second.errorCode == "conflict")
            let after = try await world.storage.decisions(assignmentId: aid, caseId: caseId)
            #expect(after == before)
            #expect(after.map(\.decision.disposition) == [.referForScan])
        }
    }

    @Test(arguments: StoreKind.available) func stagesOpenInOrderOnly(_ store: StoreKind) async throws {
        let world = try await TestWorld.make(store: store)
        let aid = world.assignments["trainee1"]![.training]!
        let caseId = world.caseIds().first { (try? world.inspectionCase($0).stages.count) == 4 }!
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            let base = "/api/assignments/\(aid)/cases/\(caseId)"
            let view = try await trainee.get(base)
            #expect(view.object["currentStage"] as? String == "targeting")
            let restricted = view.object["case"] as? [String: Any] ?? [:]
            #expect(restricted["targeting"] != nil)
            #expect(restricted["screening"] == nil && restricted["examination"] == nil && restricted["evidence"] == nil)
            for stage in [Stage.screening, .examination, .evidence] {
                let early = try await trainee.post(base + "/decisions", decisionBody(stage))
                #expect(early.status == .conflict, "\(stage) before targeting: \(early.text)")
            }
            #expect(try await trainee.get(base + "/scans/scan.png").errorCode == "stage-locked")
            #expect(try await trainee.post(base + "/decisions", decisionBody(.targeting)).status == .created)
            let scan = try await trainee.get(base + "/scans/scan.png")
            #expect(scan.status == .ok && scan.headers[.contentType] == "image/png")
            #expect(Array(scan.body.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            #expect(try await trainee.get(base + "/door.svg").errorCode == "stage-locked")
            let screening = (try await trainee.get(base)).object["case"] as? [String: Any] ?? [:]
            #expect(screening["screening"] != nil && screening["examination"] == nil)
        }
    }

    @Test(arguments: StoreKind.available) func aCaseIsWorkedThroughEveryStageAndGradedWithFeedback(_ store: StoreKind)
        async throws
    {
        let world = try await TestWorld.make(store: store)
        let aid = world.assignments["trainee1"]![.training]!
        let caseId = world.caseIds().first { (try? world.inspectionCase($0).stages.count) == 4 }!
        let c = try world.inspectionCase(caseId)
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            let base = "/api/assignments/\(aid)/cases/\(caseId)"
            _ = try await trainee.get(base)
            world.clock.advance(minutes: 2)
            #expect(
                try await trainee.post(base + "/decisions", decisionBody(.targeting, disposition: .referForScan)).status
                    == .created)
            _ = try await trainee.get(base)
            let probe = try await trainee.get(base + "/scans/scan-high.png/probe?x=10&y=5")
            #expect(probe.status == .ok)
            let value = probe.object["value"] as? Int ?? -1
            #expect((0...65535).contains(value))
            let expected = exp(-(65535 - Double(value)) / 65535 * 12)
            #expect(abs((probe.object["transmission"] as? Double ?? -1) - expected) < 1e-9)
            let scan = c.screening!.scans.first { $0.file == "scan.png" }!
            let screening: [String: Any] = [
                "stage": "screening", "disposition": "targetedExamination",
                "markedRegions": [
                    [
                        "scan": "scan.png",
                        "shape": ["type": "rectangle", "x": 1, "y": 1, "width": scan.widthPixels / 4, "height": 10],
                    ]
                ],
            ]
            #expect(try await trainee.post(base + "/decisions", screening).status == .created)
            #expect(try await trainee.get(base + "/door.svg").headers[.contentType] == "image/svg+xml")
            let points = Array(c.examination!.points.prefix(3))
            let examined = try await trainee.post(base + "/examine", ["points": points.map(\.rawValue)])
            #expect(examined.status == .ok)
            let observations = examined.object["observations"] as? [[String: Any]] ?? []
            #expect(!observations.isEmpty)
            #expect(observations.allSatisfy { points.map(\.rawValue).contains($0["point"] as? String ?? "") })
            #expect(try await trainee.post(base + "/examine", ["points": ["doors"]]).status == .conflict)
            #expect(try await trainee.get(base + "/feedback").errorCode == "stage-locked")
            #expect(
                try await trainee.post(base + "/decisions", decisionBody(.examination, disposition: .detain)).status
                    == .created)
            world.clock.advance(minutes: 1)
            let last = try await trainee.post(
                base + "/decisions",
                [
                    "stage": "evidence", "disposition": "referToAgency", "agency": "police",
                    "evidenceSteps": ["witnessPresent", "photographSealInPlace"],
                ])
            #expect(last.status == .created)
            #expect(last.object["final"] as? Bool == true)
            #expect(last.object["nextStage"] is NSNull || last.object["nextStage"] == nil)

            let stored = try await world.storage.decisions(assignmentId: aid, caseId: caseId).map(\.decision)
            #expect(stored.map(\.stage) == c.stages)
            #expect(stored.allSatisfy { $0.clock == .server && $0.shownAt <= $0.decidedAt })
            #expect(stored[2].examinedPoints == points)
            #expect(stored[0].decidedAt.millisecondsSinceEpoch - stored[0].shownAt.millisecondsSinceEpoch == 120_000)

            let feedback = try await trainee.get(base + "/feedback")
            #expect(feedback.status == .ok)
            #expect(feedback.object["released"] as? Bool == true)
            let score = feedback.object["score"] as? Double ?? -1
            #expect((0...1).contains(score))
            let stages = feedback.object["stages"] as? [[String: Any]] ?? []
            #expect(stages.count == 4 && stages.allSatisfy { $0["expected"] != nil })
            #expect(
                !(feedback.object["messages"] as? [String] ?? []).isEmpty
                    || stages.contains { !($0["messages"] as? [String] ?? []).isEmpty })
            let grades = try await world.storage.grades(assignmentId: aid)
            #expect(grades.count == 1 && abs(grades[0].score - score) < 1e-12)

            // Spanish feedback after a language switch.
            #expect(try await trainee.request(.put, "/api/me/language", json: ["language": "es"]).status == .ok)
            let spanish = try await trainee.get(base + "/feedback")
            #expect(spanish.text != feedback.text)
        }
    }

    @Test(arguments: StoreKind.available) func testModeFeedbackWaitsForTheRelease(_ store: StoreKind) async throws {
        let world = try await TestWorld.make(store: store)
        let aid = world.assignments["trainee1"]![.test]!
        let caseId = world.caseIds(.test)[0]
        let c = try world.inspectionCase(caseId)
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            let base = "/api/assignments/\(aid)/cases/\(caseId)"
            for stage in c.stages {
                if stage == .examination {
                    _ = try await trainee.post(base + "/examine", ["points": [c.examination!.points[0].rawValue]])
                }
                #expect(try await trainee.post(base + "/decisions", decisionBody(stage)).status == .created)
            }
            let hidden = try await trainee.get(base + "/feedback")
            #expect(hidden.status == .ok && hidden.text == "{\"released\":false}")
            let instructor = try await anonymous.signedIn("instructor")
            let results = try await instructor.get("/api/assignments/\(aid)/results")
            #expect((results.json() as? [[String: Any]])?.count == 1)
            let lines = try await instructor.get("/api/assignments/\(aid)/attempts.jsonl")
            let attempt = try JSONDecoder().decode(Attempt.self, from: Data(lines.body.prefix { $0 != 0x0A }))
            #expect(attempt.caseId == caseId && attempt.mode == .test && attempt.decisions.count == c.stages.count)
            #expect(try await instructor.request(.post, "/api/assignments/\(aid)/release").status == .noContent)
            let shown = try await trainee.get(base + "/feedback")
            #expect(shown.object["released"] as? Bool == true && shown.object["regions"] != nil)
            // A region's box also comes in the shape a decision's marks use.
            for region in shown.object["regions"] as? [[String: Any]] ?? [] {
                let shape = region["shape"] as? [String: Any]
                #expect(shape?["type"] as? String == "rectangle" && shape?["x"] as? Double == region["x"] as? Double)
            }
            let stages = shown.object["stages"] as? [[String: Any]] ?? []
            #expect(stages.allSatisfy { ($0["acceptable"] as? [String])?.first == $0["expected"] as? String })
        }
    }

    @Test(arguments: StoreKind.available)
    func aCourseHeldInTrainingIsNotAssignedInTestUnlessOverriddenAndThenItsFeedbackWaits(_ store: StoreKind)
        async throws
    {
        let world = try await TestWorld.make(store: store)
        let trainee1 = world.users["trainee1"]!.id, trainee2 = world.users["trainee2"]!.id
        let caseId = world.caseIds()[0]
        let c = try world.inspectionCase(caseId)
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            let before = try await world.storage.assignments(userId: nil).count
            // trainee2 is fine, trainee1 practises the course: refused for both, nothing assigned.
            let body: [String: Any] = [
                "courseId": world.course.courseId, "userIds": [trainee2, trainee1], "mode": "test",
            ]
            let refused = try await instructor.post("/api/assignments", body)
            #expect(refused.status == .conflict && refused.errorCode == "mode-conflict", "\(refused.text)")
            #expect((refused.object["error"] as? [String: Any])?["field"] as? String == "userIds[0]")
            #expect(try await world.storage.assignments(userId: nil).count == before)
            // The reverse: the test course for practice.
            let reverse = try await instructor.post(
                "/api/assignments", ["courseId": world.testCourse.courseId, "userIds": [trainee1], "mode": "training"])
            #expect(reverse.status == .conflict && reverse.errorCode == "mode-conflict", "\(reverse.text)")

            // An explicit override assigns it, and the audit log says so.
            var overriding = body
            overriding["userIds"] = [trainee1]
            overriding["overrideModeConflict"] = true
            let made = try await instructor.post("/api/assignments", overriding)
            #expect(made.status == .created, "\(made.text)")
            let testId = try #require((made.json() as? [[String: Any]])?.first?["id"] as? Int)
            let audit = try await world.storage.auditLog(limit: 10)
            #expect(audit.contains { $0.action == "assign.overrideModeConflict" && $0.actor == "instructor" })

            // trainee1 finishes the case in training: its feedback is held while the test holds the case.
            let trainee = try await anonymous.signedIn("trainee1")
            let base = "/api/assignments/\(world.assignments["trainee1"]![.training]!)/cases/\(caseId)"
            for stage in c.stages {
                if stage == .examination {
                    _ = try await trainee.post(base + "/examine", ["points": [c.examination!.points[0].rawValue]])
                }
                #expect(try await trainee.post(base + "/decisions", decisionBody(stage)).status == .created)
            }
            let held = try await trainee.get(base + "/feedback")
            #expect(
                held.object["released"] as? Bool == false && held.object["heldForTest"] as? Bool == true, "\(held.text)"
            )
            #expect(held.object["stages"] == nil && held.object["regions"] == nil)
            // Once the test's results are released, the training feedback comes.
            #expect(try await instructor.request(.post, "/api/assignments/\(testId)/release").status == .noContent)
            let shown = try await trainee.get(base + "/feedback")
            #expect(shown.object["released"] as? Bool == true && shown.object["stages"] != nil, "\(shown.text)")
        }
    }

    @Test(arguments: StoreKind.available) func badDecisionsAreRefusedNamingTheField(_ store: StoreKind) async throws {
        let world = try await TestWorld.make(store: store)
        let aid = world.assignments["trainee1"]![.training]!
        let caseId = world.caseIds()[0]
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            let path = "/api/assignments/\(aid)/cases/\(caseId)/decisions"
            let cases: [([String: Any], String)] = [
                (["stage": "targeting", "disposition": "detain"], "disposition"),
                (["stage": "targeting", "disposition": "release", "agency": "police"], "agency"),
                (["stage": "targeting"], "disposition"),
                (["stage": "targeting", "disposition": "release", "shownAt": "2020-01-01T00:00:00Z"], "shownAt"),
                (
                    ["stage": "targeting", "disposition": "release", "flaggedIndicators": ["noSuchIndicator"]],
                    "flaggedIndicators[0]"
                ),
                (
                    [
                        "stage": "targeting", "disposition": "release",
                        "markedRegions": [["scan": "other.png", "shape": ["type": "point", "x": 1, "y": 1]]],
                    ], "markedRegions"
                ),
            ]
            for (body, field) in cases {
                let answer = try await trainee.post(path, body)
                #expect(answer.status == .badRequest, "\(body): \(answer.text)")
                #expect(
                    (answer.object["error"] as? [String: Any])?["field"] as? String == field, "\(body): \(answer.text)")
            }
            #expect(try await world.storage.decisions(assignmentId: aid, caseId: caseId).isEmpty)
        }
    }
}
