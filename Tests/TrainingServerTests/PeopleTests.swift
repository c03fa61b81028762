import CargoModel
import Foundation
import HTTPTypes
import Storage
import Testing

@testable import TrainingServer

/// People in the console: enrolling a class by CSV, resetting a password, disabling an account.
@Suite struct PeopleTests {
    @Test func aCSVIsAddedAllOrNoneWithEveryProblemNamedByLineAndField() async throws {
        let world = try await TestWorld.make()
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            let bad = """
                username,displayName,role,language,cohort
                ana.perez,Ana Pérez,trainee,es,Callao 3
                trainee1,Someone,trainee,en,Callao 3
                luis,Luis Gómez,instructor,es,
                BAD NAME,X,trainee,en,
                """
            let refused = try await instructor.request(.post, "/api/users/import", raw: Array(bad.utf8))
            #expect(refused.status == .badRequest, "\(refused.text)")
            let problems = ((refused.object["error"] as? [String: Any])?["problems"] as? [[String: Any]]) ?? []
            let places = Set(problems.map { "\($0["line"] as? Int ?? 0):\($0["field"] as? String ?? "")" })
            #expect(places.contains("5:username"), "\(problems)")
            #expect(try await world.storage.credentials(username: "ana.perez") == nil, "nothing was added")
            // The second pass: the bad line and a taken name, and an instructor adding staff.
            let second = """
                username,displayName,role,language,cohort
                ana.perez,Ana Pérez,trainee,es,Callao 3
                trainee1,Someone,trainee,en,Callao 3
                luis,Luis Gómez,instructor,es,
                """
            let again = try await instructor.request(.post, "/api/users/import", raw: Array(second.utf8))
            let more = ((again.object["error"] as? [String: Any])?["problems"] as? [[String: Any]]) ?? []
            #expect(Set(more.map { "\($0["line"] as? Int ?? 0):\($0["field"] as? String ?? "")" }) == ["3:username", "4:role"])
            #expect(try await world.storage.credentials(username: "ana.perez") == nil, "still nothing")
            let good = """
                username,displayName,role,language,cohort
                ana.perez,Ana Pérez,trainee,es,Callao 3
                joao,João Silva,trainee,pt,Callao 3
                """
            let added = try await instructor.request(.post, "/api/users/import", raw: Array(good.utf8))
            #expect(added.status == .created, "\(added.text)")
            let rows = added.json() as? [[String: Any]] ?? []
            #expect(rows.count == 2 && rows.allSatisfy { ($0["password"] as? String)?.count == 14 })
            let cohorts = try await world.storage.cohorts()
            #expect(cohorts.first { $0.name == "Callao 3" }?.members.count == 2)
            // The generated password works, once given.
            let password = try #require(rows[0]["password"] as? String)
            _ = try await anonymous.signedIn("ana.perez", password: password)
        }
    }

    @Test func aDisabledAccountIsSignedOutAtOnceAndCannotSignInUntilEnabled() async throws {
        let world = try await TestWorld.make()
        let trainee2 = world.users["trainee2"]!.id
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee2")
            #expect(try await trainee.get("/api/assignments").status == .ok)
            let instructor = try await anonymous.signedIn("instructor")
            let disabled = try await instructor.post("/api/users/\(trainee2)/disable", [:])
            #expect(disabled.status == .ok && disabled.object["disabled"] as? Bool == true)
            #expect(try await trainee.get("/api/assignments").status == .unauthorized, "the open session ended")
            let again = try await anonymous.post("/api/login", ["username": "trainee2", "password": TestWorld.password])
            #expect(again.status == .unauthorized)
            #expect(try await instructor.post("/api/users/\(trainee2)/enable", [:]).status == .ok)
            _ = try await anonymous.signedIn("trainee2")
            // Nobody disables themselves; an instructor does not touch an admin.
            let me = world.users["instructor"]!.id, admin = world.users["admin"]!.id
            #expect(try await instructor.post("/api/users/\(me)/disable", [:]).status == .forbidden)
            #expect(try await instructor.post("/api/users/\(admin)/disable", [:]).status == .forbidden)
        }
    }

    @Test func aResetPasswordIsShownOnceAndTheOldOneAndItsSessionsEnd() async throws {
        let world = try await TestWorld.make()
        let trainee1 = world.users["trainee1"]!.id
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            let instructor = try await anonymous.signedIn("instructor")
            let reset = try await instructor.post("/api/users/\(trainee1)/password", [:])
            let password = try #require(reset.object["password"] as? String)
            #expect(try await trainee.get("/api/me").status == .unauthorized)
            let old = try await anonymous.post("/api/login", ["username": "trainee1", "password": TestWorld.password])
            #expect(old.status == .unauthorized)
            _ = try await anonymous.signedIn("trainee1", password: password)
            let audit = try await world.storage.auditLog(limit: 5)
            #expect(audit.contains { $0.action == "user.passwordReset" && !$0.detail.contains(password) })
        }
    }
}
