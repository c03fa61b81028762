import CargoModel
import Foundation
import Storage
import Testing

@testable import TrainingServer

/// Class assignments: groups, windows and time limits, enforced by the server.
@Suite struct GroupTests {
    /// A third trainee with no assignment, for the classes these tests make.
    static func newcomer(_ world: TestWorld) async throws -> User {
        let input = AccountInput(
            username: "trainee3", displayName: "Trainee Three", role: .trainee, password: TestWorld.password,
            language: "en")
        return try await world.storage.createUser(input.newUser(cost: 4), at: world.clock.now())
    }

    @Test(arguments: StoreKind.available) func aClassIsAssignedToACohortAllOrNoneAndReleasedAtOnce(_ store: StoreKind)
        async throws
    {
        let world = try await TestWorld.make(store: store)
        let newcomer = try await Self.newcomer(world)
        try await world.storage.addToCohort("port-a", userIds: [newcomer.id, world.users["trainee2"]!.id])
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            // trainee2 practises the course: the whole cohort is refused, nobody is assigned.
            let refused = try await instructor.post(
                "/api/groups", ["courseId": world.course.courseId, "cohort": "port-a", "mode": "test"])
            #expect(refused.status == .conflict && refused.errorCode == "mode-conflict", "\(refused.text)")
            #expect(try await world.storage.assignments(userId: newcomer.id).isEmpty)
            // The test course to the cohort, with a window and a time limit.
            let opens = Instant(millisecondsSinceEpoch: world.clock.now().millisecondsSinceEpoch - 60_000)
            let made = try await instructor.post(
                "/api/groups",
                [
                    "courseId": world.testCourse.courseId, "cohort": "port-a", "mode": "test",
                    "opensAt": opens.description, "caseTimeLimitMinutes": 20,
                ])
            #expect(made.status == .created, "\(made.text)")
            let gid = try #require(made.object["id"] as? Int)
            #expect((made.object["assignmentIds"] as? [Int])?.count == 2)
            let detail = try await instructor.get("/api/groups/\(gid)")
            #expect(
                detail.object["cohort"] as? String == "port-a" && detail.object["caseTimeLimitMinutes"] as? Int == 20)
            #expect((detail.object["trainees"] as? [[String: Any]])?.count == 2)
            let list = try await instructor.get("/api/groups")
            #expect((list.json() as? [[String: Any]])?.contains { $0["id"] as? Int == gid } == true)
            #expect(try await instructor.request(.post, "/api/groups/\(gid)/release").status == .noContent)
            #expect(try await world.storage.assignments(groupId: Int64(gid)).allSatisfy(\.resultsReleased))
            // A trainee reaches none of it.
            let trainee = try await anonymous.signedIn("trainee1")
            #expect(try await trainee.get("/api/groups/\(gid)").status == .notFound)
            #expect(try await trainee.get("/api/groups").status == .notFound)

            // Bad input names the field.
            let badWindow = try await instructor.post(
                "/api/groups",
                [
                    "courseId": world.testCourse.courseId, "userIds": [newcomer.id], "mode": "test",
                    "opensAt": "2030-01-02T00:00:00.000Z", "closesAt": "2030-01-01T00:00:00.000Z",
                ])
            #expect(badWindow.status == .badRequest && badWindow.object.field == "closesAt", "\(badWindow.text)")
            let badLimit = try await instructor.post(
                "/api/groups",
                [
                    "courseId": world.course.courseId, "userIds": [newcomer.id], "mode": "training",
                    "caseTimeLimitMinutes": 10,
                ])
            #expect(badLimit.status == .badRequest && badLimit.object.field == "caseTimeLimitMinutes")
        }
    }

    @Test(arguments: StoreKind.available) func aWindowKeepsCasesShutBeforeItOpensAndTakesNoDecisionAfterItCloses(
        _ store: StoreKind
    ) async throws {
        let world = try await TestWorld.make(store: store)
        let newcomer = try await Self.newcomer(world)
        let now = world.clock.now()
        let (_, assignments) = try await world.storage.createGroup(
            NewAssignmentGroup(
                courseId: world.testCourse.courseId, mode: .test, opensAt: now.adding(minutes: 60),
                closesAt: now.adding(minutes: 120), createdBy: "instructor"),
            userIds: [newcomer.id], overridingModeConflict: false, at: now)
        let aid = assignments[0].id
        let caseId = world.caseIds(.test)[0]
        let base = "/api/assignments/\(aid)/cases/\(caseId)"
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee3")
            let early = try await trainee.get(base)
            #expect(early.status == .conflict && early.errorCode == "not-open", "\(early.text)")
            let summary = try await trainee.get("/api/assignments")
            #expect((summary.json() as? [[String: Any]])?.first?["opensAt"] != nil)
            world.clock.advance(minutes: 61)
            #expect(try await trainee.get(base).status == .ok)
            #expect(try await trainee.post(base + "/decisions", decisionBody(.targeting)).status == .created)
            world.clock.advance(minutes: 60)
            let late = try await trainee.post(base + "/decisions", decisionBody(.screening))
            #expect(late.status == .conflict && late.errorCode == "closed", "\(late.text)")
            // The case closed on its targeting decision: graded on it, and shown as finished.
            let view = try await trainee.get(base)
            #expect(view.object["timedOut"] as? Bool == true)
            #expect(try await world.storage.grades(assignmentId: aid).map(\.caseId) == [caseId])
        }
    }

    @Test(arguments: StoreKind.available) func aTestCaseHasItsTimeFromTheMomentItIsFirstShown(_ store: StoreKind)
        async throws
    {
        let world = try await TestWorld.make(store: store)
        let newcomer = try await Self.newcomer(world)
        let (_, assignments) = try await world.storage.createGroup(
            NewAssignmentGroup(
                courseId: world.testCourse.courseId, mode: .test, caseTimeLimitMinutes: 15, createdBy: "instructor"),
            userIds: [newcomer.id], overridingModeConflict: false, at: world.clock.now())
        let aid = assignments[0].id
        let caseId = world.caseIds(.test)[0]
        let base = "/api/assignments/\(aid)/cases/\(caseId)"
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee3")
            let first = try await trainee.get(base)
            let deadline = try #require(first.object["deadline"] as? String)
            #expect(deadline == world.clock.now().adding(minutes: 15).description)
            world.clock.advance(minutes: 10)
            #expect(try await trainee.post(base + "/decisions", decisionBody(.targeting)).status == .created)
            world.clock.advance(minutes: 6)
            let late = try await trainee.post(base + "/decisions", decisionBody(.screening))
            #expect(late.status == .conflict && late.errorCode == "time-up", "\(late.text)")
            #expect(try await world.storage.grades(assignmentId: aid).count == 1, "graded on the targeting decision")
            // Another case starts its own clock.
            let other = "/api/assignments/\(aid)/cases/\(world.caseIds(.test)[1])"
            #expect(try await trainee.get(other).status == .ok)
            #expect(try await trainee.post(other + "/decisions", decisionBody(.targeting)).status == .created)
        }
    }

    @Test(arguments: StoreKind.available) func anExaminationDecisionComesAfterThePointsAreChosen(_ store: StoreKind)
        async throws
    {
        let world = try await TestWorld.make(store: store)
        let aid = world.assignments["trainee1"]![.training]!
        let caseId = try #require(world.caseIds().first { (try? world.inspectionCase($0).examination) != nil })
        let c = try world.inspectionCase(caseId)
        let base = "/api/assignments/\(aid)/cases/\(caseId)"
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            for stage in c.stages where stage < .examination {
                #expect(try await trainee.post(base + "/decisions", decisionBody(stage)).status == .created)
            }
            let early = try await trainee.post(base + "/decisions", decisionBody(.examination))
            #expect(early.status == .conflict && early.errorCode == "stage-locked", "\(early.text)")
            _ = try await trainee.post(base + "/examine", ["points": [c.examination!.points[0].rawValue]])
            #expect(try await trainee.post(base + "/decisions", decisionBody(.examination)).status == .created)
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The `field` of an error body.
    var field: String? { (self["error"] as? [String: Any])?["field"] as? String }
}
