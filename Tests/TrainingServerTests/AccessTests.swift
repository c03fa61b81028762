import CargoModel
import Foundation
import HTTPTypes
import Scoring
import Storage
import Testing

@testable import TrainingServer

/// Every route for every role: anonymous, the owning trainee, another trainee, an instructor, an admin.
@Suite struct AccessTests {
    enum Who: String, CaseIterable { case anonymous, otherTrainee, instructor, admin, owner }

    struct Route: @unchecked Sendable {
        var method: HTTPRequest.Method
        var path: String
        var body: [String: Any]?
        /// Expected status per caller; callers not listed expect 404.
        var expected: [Who: Int]
    }

    @Test func everyRouteAnswersEveryRoleAsDocumented() async throws {
        let world = try await TestWorld.make()
        let aid = world.assignments["trainee1"]![.training]!
        let caseId = world.caseIds()[0]
        let base = "/api/assignments/\(aid)/cases/\(caseId)"
        let signedIn: [Who: Int] = [.otherTrainee: 200, .instructor: 200, .admin: 200, .owner: 200]
        let staff: [Who: Int] = [.instructor: 200, .admin: 200]
        let ownerOnly: (Int) -> [Who: Int] = { [.owner: $0] }
        // Accounts no client signs in with, so that resetting their passwords ends no session of the walk.
        var spare: [Role: User] = [:]
        for (name, role) in [("spare-trainee", Role.trainee), ("spare-instructor", .instructor)] {
            let input = AccountInput(
                username: name, displayName: name, role: role, password: TestWorld.password, language: "en")
            spare[role] = try await world.storage.createUser(input.newUser(cost: 4), at: world.clock.now())
        }
        // A class of the two trainees on the training course, for the class routes.
        let (group, groupAssignments) = try await world.storage.createGroup(
            NewAssignmentGroup(courseId: world.course.courseId, mode: .training, createdBy: "instructor"),
            userIds: [world.users["trainee1"]!.id, world.users["trainee2"]!.id], overridingModeConflict: false,
            at: world.clock.now())
        let groupAid = groupAssignments[0].id
        let firstCase = try world.inspectionCase(caseId)
        let scanned = firstCase.screening == nil ? [:] : staff
        let examined = firstCase.examination == nil ? [:] : staff
        // A certificate signed with the server's key, for the certificate routes (issuing one needs a decision the
        // fixture's few cases cannot earn under the shipped policy; `CertificationTests` issues through the route).
        let identity = try world.server.signingIdentity()
        let payload = CertificatePayload(
            keyId: identity.keyId, issuer: "Test", subject: "trainee1", subjectName: "Trainee1", role: .trainee,
            policyVersion: "cargosim-2026.2", issuedAt: world.clock.now(), validityDays: 730, figures: [:])
        let certificateFile = [UInt8](Certificates.issue(payload, with: identity))
        try await world.storage.saveCertificate(
            CertificateRecord(
                id: payload.certificateId, userId: world.users["trainee1"]!.id, subject: "trainee1",
                subjectName: "Trainee1", role: "trainee", policyVersion: payload.policyVersion, keyId: identity.keyId,
                verificationCode: Certificates.verificationCode(Data(certificateFile)), file: certificateFile,
                decisionJSON: Array("{}".utf8), issuedBy: "admin", issuedAt: payload.issuedAt,
                expiresAt: payload.expiresAt))
        let certificate = "/api/certification/certificates/\(payload.certificateId)"
        // A calibration round of one attempt of the class: the admin and the instructor grade it as its panel.
        let round = try await world.storage.createCalibrationRound(
            CalibrationRoundRecord(
                id: 0, name: "Access round", rubricVersion: "cargosim-default-1", scale: ["fail", "pass"],
                items: [
                    CalibrationItem(
                        id: "trainee1/\(caseId)", groupId: group.id, assignmentId: groupAid, caseId: caseId,
                        trainee: "trainee1")
                ], panel: ["admin", "instructor"], candidates: ["spare-instructor"], createdBy: "admin",
                createdAt: world.clock.now(), closedAt: nil))
        let rounds = "/api/certification/rounds"
        let everyone: [Who: Int] = [.anonymous: 200].merging(signedIn) { a, _ in a }
        let newUser: [String: Any] = [
            "username": "newbie", "displayName": "New Bie", "role": "trainee", "password": "long enough 1",
            "language": "pt",
        ]
        let routes: [Route] = [
            Route(method: .get, path: "/api/health", expected: [.anonymous: 200].merging(signedIn) { a, _ in a }),
            Route(method: .get, path: "/api/me", expected: signedIn),
            Route(method: .put, path: "/api/me/language", body: ["language": "es"], expected: signedIn),
            Route(method: .get, path: "/api/assignments", expected: signedIn),
            Route(
                method: .get, path: "/api/assignments/\(aid)", expected: [.owner: 200, .instructor: 200, .admin: 200]),
            Route(method: .get, path: base, expected: ownerOnly(200)),
            Route(method: .get, path: base + "/scans/scan.png", expected: ownerOnly(409)),
            Route(method: .get, path: base + "/scans/scan-high.png/probe?x=1&y=1", expected: ownerOnly(409)),
            Route(method: .get, path: base + "/scans/scan-high.png/tiles/0/0/0", expected: ownerOnly(409)),
            Route(method: .get, path: base + "/door.svg", expected: ownerOnly(409)),
            Route(method: .post, path: base + "/examine", body: ["points": ["doors"]], expected: ownerOnly(409)),
            Route(method: .get, path: base + "/feedback", expected: ownerOnly(409)),
            Route(method: .post, path: base + "/decisions", body: decisionBody(.targeting), expected: ownerOnly(201)),
            Route(method: .get, path: "/api/courses", expected: staff),
            Route(method: .get, path: "/api/users", expected: staff),
            // Instructors enrol trainees (the second try of the same username is a conflict); staff accounts are
            // the admin's.
            Route(method: .post, path: "/api/users", body: newUser, expected: [.instructor: 201, .admin: 409]),
            Route(
                method: .post, path: "/api/users",
                body: newUser.merging(["username": "newstaff", "role": "instructor"]) { $1 },
                expected: [.instructor: 403, .admin: 201]),
            Route(method: .get, path: "/api/cohorts", expected: staff),
            Route(
                method: .post, path: "/api/users/\(spare[.trainee]!.id)/password",
                expected: [.instructor: 200, .admin: 200]),
            Route(
                method: .post, path: "/api/users/\(spare[.instructor]!.id)/password",
                expected: [.instructor: 403, .admin: 200]),
            Route(
                method: .post, path: "/api/assignments",
                body: [
                    "courseId": world.testCourse.courseId, "userIds": [world.users["trainee2"]!.id], "mode": "test",
                ],
                expected: [.instructor: 201, .admin: 201]),
            Route(method: .get, path: "/api/assignments/\(aid)/results", expected: staff),
            Route(method: .get, path: "/api/assignments/\(aid)/attempts.jsonl", expected: staff),
            Route(method: .post, path: "/api/assignments/\(aid)/release", expected: [.instructor: 204, .admin: 204]),
            Route(method: .get, path: "/api/audit?limit=5", expected: [.admin: 200]),
            // Watching a class, the debrief and the printed packs: staff only.
            Route(method: .get, path: "/api/groups/\(group.id)/progress", expected: staff),
            Route(method: .get, path: "/api/groups/\(group.id)/report", expected: staff),
            Route(method: .get, path: "/api/groups/\(group.id)/report.csv", expected: staff),
            Route(method: .get, path: "/api/groups/\(group.id)/attempts/\(groupAid)/cases/\(caseId)", expected: staff),
            Route(method: .get, path: "/api/groups/\(group.id)/cases/\(caseId)/files/scan.png", expected: scanned),
            Route(method: .get, path: "/api/groups/\(group.id)/debrief/\(caseId)", expected: staff),
            Route(method: .get, path: "/api/courses/\(world.course.courseId)/print/exercise", expected: staff),
            Route(method: .get, path: "/api/courses/\(world.course.courseId)/print/guide", expected: staff),
            Route(
                method: .get, path: "/api/courses/\(world.course.courseId)/print/cases/\(caseId)/door.svg",
                expected: examined),
            // The certification office: staff evaluate and list; only an administrator issues and revokes (an
            // instructor is told so); the public key, the revocation list and verification need no account.
            Route(method: .get, path: "/api/certification/policies", expected: staff),
            Route(
                method: .post, path: "/api/certification/evaluations", body: ["userId": world.users["trainee2"]!.id],
                expected: [.instructor: 409, .admin: 409]),
            Route(method: .get, path: "/api/certification/certificates", expected: staff),
            Route(
                method: .post, path: "/api/certification/certificates", body: ["userId": world.users["trainee2"]!.id],
                expected: [.instructor: 403, .admin: 409]),
            Route(method: .get, path: certificate, expected: staff),
            Route(method: .get, path: certificate + "/file", expected: staff),
            Route(method: .get, path: certificate + "/print", expected: staff),
            Route(
                method: .post, path: certificate + "/revoke", body: ["reason": "test"],
                expected: [.instructor: 403, .admin: 200]),
            Route(method: .get, path: rounds, expected: staff),
            Route(method: .get, path: "\(rounds)/\(round.id)", expected: staff),
            Route(
                method: .put, path: "\(rounds)/\(round.id)/grades",
                body: ["item": "trainee1/\(caseId)", "grade": "pass"],
                expected: [.instructor: 204, .admin: 204]),
            // The instructor did not make the round (403); the admin closes it.
            Route(method: .post, path: "\(rounds)/\(round.id)/close", expected: [.instructor: 403, .admin: 200]),
            // The class has no graded case yet: nothing to draw items from.
            Route(
                method: .post, path: rounds,
                body: [
                    "name": "R", "groupId": group.id, "panel": ["admin", "instructor"],
                    "candidates": ["spare-instructor"],
                ],
                expected: [.instructor: 409, .admin: 409]),
            Route(method: .get, path: "/api/certification/signoffs", expected: staff),
            Route(
                method: .post, path: "/api/certification/signoffs", body: ["delivery": "x", "expertKey": "y"],
                expected: [.instructor: 403, .admin: 400]),
            Route(method: .get, path: "/api/certification/revocations", expected: everyone),
            Route(method: .get, path: "/api/certification/public-key", expected: everyone),
            Route(method: .post, path: "/api/verify", body: ["code": "AAAAA-BBBBB"], expected: everyone),
            Route(method: .post, path: "/api/logout", expected: signedIn.mapValues { _ in 204 }),
        ]
        try await world.test { anonymous in
            var clients: [Who: Client] = [.anonymous: anonymous]
            clients[.owner] = try await anonymous.signedIn("trainee1")
            clients[.otherTrainee] = try await anonymous.signedIn("trainee2")
            clients[.instructor] = try await anonymous.signedIn("instructor")
            clients[.admin] = try await anonymous.signedIn("admin")
            for route in routes {
                for who in Who.allCases {
                    let client = clients[who]!
                    let answer = try await client.request(route.method, route.path, json: route.body)
                    let expected = route.expected[who] ?? (who == .anonymous ? 401 : 404)
                    #expect(
                        answer.status.code == expected,
                        "\(route.method) \(route.path) as \(who): \(answer.status.code) \(answer.text)")
                    if answer.status.code >= 400 {
                        #expect(answer.errorCode != nil, "\(route.path) as \(who): error body \(answer.text)")
                    }
                }
            }
        }
    }

    @Test func stateChangesWithoutTheCSRFHeaderAreRefused() async throws {
        let world = try await TestWorld.make()
        let aid = world.assignments["trainee1"]![.training]!
        let caseId = world.caseIds()[0]
        try await world.test { anonymous in
            let owner = try await anonymous.signedIn("trainee1")
            let path = "/api/assignments/\(aid)/cases/\(caseId)/decisions"
            let missing = try await owner.request(.post, path, json: decisionBody(.targeting), csrf: false)
            #expect(missing.status == .forbidden && missing.errorCode == "csrf")
            var forged = owner
            forged.csrf = String(repeating: "0", count: 64)
            let wrong = try await forged.request(.post, path, json: decisionBody(.targeting))
            #expect(wrong.status == .forbidden && wrong.errorCode == "csrf")
            #expect(try await world.storage.decisions(assignmentId: aid, caseId: caseId).isEmpty)
            let good = try await owner.request(.post, path, json: decisionBody(.targeting))
            #expect(good.status == .created)
        }
    }

    @Test func loginIsThrottledAfterFiveFailuresForAUsername() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            for _ in 0..<5 {
                let answer = try await client.post(
                    "/api/login", ["username": "trainee1", "password": "wrong password"])
                #expect(answer.status == .unauthorized && answer.errorCode == "unauthenticated")
            }
            let throttled = try await client.post(
                "/api/login", ["username": "trainee1", "password": TestWorld.password])
            #expect(throttled.status == .tooManyRequests && throttled.errorCode == "throttled")
            // Another account is not locked by it.
            _ = try await client.signedIn("trainee2")
            world.clock.advance(minutes: 16)
            _ = try await client.signedIn("trainee1")
        }
    }

    @Test func loginIsThrottledAfterTwentyFailuresFromOneAddress() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            for i in 0..<20 {
                let answer = try await client.post(
                    "/api/login", ["username": "nobody\(i)", "password": "wrong password"])
                #expect(answer.status == .unauthorized)
            }
            let throttled = try await client.post(
                "/api/login", ["username": "trainee2", "password": TestWorld.password])
            #expect(throttled.status == .tooManyRequests)
        }
    }

    @Test func aSessionEndsAtLogoutAndAfterTwelveHours() async throws {
        let world = try await TestWorld.make()
        try await world.test { anonymous in
            let first = try await anonymous.signedIn("trainee1")
            #expect(try await first.get("/api/me").status == .ok)
            #expect(try await first.request(.post, "/api/logout").status == .noContent)
            #expect(try await first.get("/api/me").status == .unauthorized)
            let second = try await anonymous.signedIn("trainee1")
            world.clock.advance(minutes: 12 * 60 + 1)
            #expect(try await second.get("/api/me").status == .unauthorized)
        }
    }
}
