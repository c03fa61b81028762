import CargoModel
import Foundation
import HTTPTypes
import Storage
import Testing

@testable import TrainingServer

/// The server's in-memory caches (`WorkCache`) answer exactly as the store would: a session ends at once on
/// sign-out or expiry, a decision or an examination shows in the next case view, a language change in the
/// next `/api/me`, released results in the next feedback, and a cached case stays 404 for anyone else.
@Suite struct CacheTests {
    @Test func signingOutEndsTheSessionAtOnceOnEveryRoute() async throws {
        let world = try await TestWorld.make()
        let aid = world.assignments["trainee1"]![.training]!
        let base = "/api/assignments/\(aid)/cases/\(world.caseIds()[0])"
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            // Read several times, so that the session, the user and the case are all cached.
            for _ in 0..<3 {
                #expect(try await trainee.get("/api/me").status == .ok)
                #expect(try await trainee.get(base).status == .ok)
            }
            let other = try await anonymous.signedIn("trainee1")
            #expect(try await trainee.request(.post, "/api/logout").status == .noContent)
            #expect(try await trainee.get("/api/me").status == .unauthorized)
            #expect(try await trainee.get(base).status == .unauthorized)
            #expect(try await trainee.post(base + "/decisions", decisionBody(.targeting)).status == .unauthorized)
            #expect(try await trainee.request(.post, "/api/logout").status == .unauthorized)
            // The same person's other session is untouched.
            #expect(try await other.get(base).status == .ok)
        }
    }

    @Test func aCachedSessionExpiresOnTheClock() async throws {
        let world = try await TestWorld.make()
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            #expect(try await trainee.get("/api/me").status == .ok)
            world.clock.advance(minutes: Int(TrainingServer.sessionMilliseconds / 60_000) - 1)
            #expect(try await trainee.get("/api/me").status == .ok)
            world.clock.advance(minutes: 1)
            #expect(try await trainee.get("/api/me").status == .unauthorized)
            #expect(try await trainee.get("/api/assignments").status == .unauthorized)
        }
    }

    @Test func aDecisionChangesTheCachedCaseViewAtOnce() async throws {
        let world = try await TestWorld.make()
        let aid = world.assignments["trainee1"]![.training]!
        let caseId = world.caseIds().first { (try? world.inspectionCase($0).stages.count) == 4 }!
        let base = "/api/assignments/\(aid)/cases/\(caseId)"
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            for _ in 0..<2 {
                let view = try await trainee.get(base)
                #expect(view.object["currentStage"] as? String == "targeting")
                #expect((view.object["case"] as? [String: Any])?["screening"] == nil)
                #expect(try await trainee.get(base + "/scans/scan-high.png").errorCode == "stage-locked")
            }
            #expect(try await trainee.post(base + "/decisions", decisionBody(.targeting)).status == .created)
            let view = try await trainee.get(base)
            #expect(view.object["currentStage"] as? String == "screening")
            #expect(view.object["decided"] as? [String] == ["targeting"])
            #expect((view.object["case"] as? [String: Any])?["screening"] != nil)
            #expect(try await trainee.get(base + "/scans/scan-high.png").status == .ok)
            // The gate moved in the cache too: the same stage again is a conflict, the next one is accepted.
            #expect(try await trainee.post(base + "/decisions", decisionBody(.targeting)).status == .conflict)
            #expect(try await trainee.post(base + "/decisions", decisionBody(.screening)).status == .created)
            #expect(try await trainee.get(base + "/door.svg").status == .ok)

            // The examination: points offered, then chosen, then their observations in the view.
            let before = try await trainee.get(base)
            let examination = (before.object["case"] as? [String: Any])?["examination"] as? [String: Any]
            #expect(examination?["chosenPoints"] == nil)
            let offered = examination?["points"] as? [String] ?? []
            try #require(!offered.isEmpty)
            let examine = try await trainee.post(base + "/examine", ["points": [offered[0]]])
            #expect(examine.status == .ok)
            let after = try await trainee.get(base)
            let chosen = (after.object["case"] as? [String: Any])?["examination"] as? [String: Any]
            #expect(chosen?["chosenPoints"] as? [String] == [offered[0]])
            #expect(try await trainee.post(base + "/examine", ["points": [offered[0]]]).status == .conflict)
            // The examination decision carries the chosen points, read from the cache.
            #expect(try await trainee.post(base + "/decisions", decisionBody(.examination)).status == .created)
            let stored = try await world.storage.decisions(assignmentId: aid, caseId: caseId)
            #expect(stored.map(\.decision.stage) == [.targeting, .screening, .examination])
            #expect(stored.last?.decision.examinedPoints.map(\.rawValue) == [offered[0]])
        }
    }

    @Test func aCachedCaseIsStill404ForAnotherTraineeAndStaff() async throws {
        let world = try await TestWorld.make()
        let aid = world.assignments["trainee1"]![.training]!
        let caseId = world.caseIds()[0]
        let base = "/api/assignments/\(aid)/cases/\(caseId)"
        try await world.test { anonymous in
            let owner = try await anonymous.signedIn("trainee1")
            #expect(try await owner.post(base + "/decisions", decisionBody(.targeting)).status == .created)
            #expect(try await owner.get(base).status == .ok)
            #expect(try await owner.get(base + "/scans/scan-high.png").status == .ok)
            for name in ["trainee2", "instructor"] {
                let other = try await anonymous.signedIn(name)
                for path in [base, base + "/scans/scan-high.png", base + "/scans/scan-high.png/probe?x=1&y=1"] {
                    let answer = try await other.get(path)
                    #expect(answer.status == .notFound, "\(name) \(path): \(answer.status)")
                    #expect(answer.errorCode == "not-found")
                }
                let decision = try await other.post(base + "/decisions", decisionBody(.screening))
                #expect(decision.status == .notFound, "\(name): \(decision.text)")
            }
            #expect(try await world.storage.decisions(assignmentId: aid, caseId: caseId).count == 1)
        }
    }

    @Test func aLanguageChangeShowsInTheNextAnswer() async throws {
        let world = try await TestWorld.make()
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            let before = try await trainee.get("/api/me")
            #expect((before.object["user"] as? [String: Any])?["language"] as? String == "en")
            #expect(try await trainee.request(.put, "/api/me/language", json: ["language": "pt"]).status == .ok)
            let after = try await trainee.get("/api/me")
            #expect((after.object["user"] as? [String: Any])?["language"] as? String == "pt")
        }
    }

    @Test func releasedResultsShowInTheNextFeedback() async throws {
        let world = try await TestWorld.make()
        let aid = world.assignments["trainee1"]![.test]!
        let caseId = world.caseIds(.test)[0]
        let stages = try world.inspectionCase(caseId).stages
        let base = "/api/assignments/\(aid)/cases/\(caseId)"
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            for stage in stages {
                #expect(try await trainee.get(base).status == .ok)
                if stage == .examination {
                    let points = try world.inspectionCase(caseId).examination!.points
                    _ = try await trainee.post(base + "/examine", ["points": [points[0].rawValue]])
                }
                let decided = try await trainee.post(base + "/decisions", decisionBody(stage))
                #expect(decided.status == .created, "\(stage): \(decided.text)")
            }
            let hidden = try await trainee.get(base + "/feedback")
            #expect(hidden.status == .ok && hidden.object["released"] as? Bool == false)
            #expect(hidden.object["stages"] == nil)
            let instructor = try await anonymous.signedIn("instructor")
            #expect(try await instructor.request(.post, "/api/assignments/\(aid)/release").status == .noContent)
            let shown = try await trainee.get(base + "/feedback")
            #expect(shown.status == .ok && shown.object["released"] as? Bool == true)
            #expect((shown.object["stages"] as? [Any])?.count == stages.count)
        }
    }

    // MARK: The cache on its own

    static func session(_ hash: String, expires ms: Int64) -> SessionRecord {
        SessionRecord(
            tokenHash: hash, userId: 1, csrfToken: "c", createdAt: Instant(millisecondsSinceEpoch: 0),
            expiresAt: Instant(millisecondsSinceEpoch: ms))
    }

    @Test func aSignedOutSessionIsNotKeptAgainByALookupThatReadItBefore() {
        let cache = WorkCache()
        let record = Self.session("a", expires: 1_000)
        #expect(cache.session(tokenHash: "a", at: Instant(millisecondsSinceEpoch: 0)).known == false)
        cache.keep(record)
        #expect(cache.session(tokenHash: "a", at: Instant(millisecondsSinceEpoch: 0)).session == record)
        #expect(cache.session(tokenHash: "a", at: Instant(millisecondsSinceEpoch: 1_000)).session == nil)
        cache.keep(record)
        cache.signOut(record, at: Instant(millisecondsSinceEpoch: 10))
        // A lookup that read the row before it was deleted comes back late: still refused.
        cache.keep(record)
        let after = cache.session(tokenHash: "a", at: Instant(millisecondsSinceEpoch: 20))
        #expect(after.known && after.session == nil)
    }

    @Test func aReadThatBeganBeforeAWriteDoesNotPutTheOldValueBack() {
        let cache = WorkCache()
        let old = User(id: 7, username: "u", displayName: "U", role: .trainee, language: "en")
        var new = old
        new.language = "es"
        let epoch = cache.currentEpoch
        cache.updated(new)
        cache.keep(old, readAt: epoch)
        #expect(cache.user(id: 7) == new)

        let assignment = Assignment(
            id: 3, courseId: "c", userId: 7, mode: .test, resultsReleased: false,
            assignedAt: Instant(millisecondsSinceEpoch: 0))
        let before = cache.currentEpoch
        cache.keep(assignment, readAt: before)
        #expect(cache.assignment(id: 3) == assignment)
        cache.resultsReleased(assignmentId: 3)
        #expect(cache.assignment(id: 3) == nil)
        cache.keep(assignment, readAt: before)
        #expect(cache.assignment(id: 3) == nil)
    }

    /// Progress only grows, so reads and writes merged in any order end at the most advanced state (seeded).
    @Test func progressMergedInAnyOrderEndsAtTheMostAdvancedState() {
        var random = SplitMix(seed: 0x5EED_CA5E)
        let stages: [Stage] = [.targeting, .screening, .examination, .evidence]
        for round in 0..<300 {
            let cache = WorkCache()
            // States as a read or a write at successive moments would see them.
            let finalDecided = random.next(5)
            let chosenAt = random.next(finalDecided + 2)
            var states: [WorkCache.Progress] = []
            for step in 0...finalDecided {
                var state = WorkCache.Progress()
                if random.next(2) == 1 { state.decided = Array(stages.prefix(step)) }
                if random.next(2) == 1 {
                    state.chosen = .some(step >= chosenAt ? [.doors] : nil)
                }
                if step > 0 { state.shown[stages[step - 1]] = Instant(millisecondsSinceEpoch: Int64(step)) }
                states.append(state)
            }
            var last = WorkCache.Progress(decided: Array(stages.prefix(finalDecided)))
            last.chosen = .some(finalDecided + 1 > chosenAt ? [.doors] : nil)
            states.append(last)
            for i in stride(from: states.count - 1, to: 0, by: -1) { states.swapAt(i, random.next(i + 1)) }
            for state in states { cache.merge(state, assignmentId: 1, caseId: "c") }
            let merged = cache.progress(assignmentId: 1, caseId: "c")
            #expect(merged.decided == Array(stages.prefix(finalDecided)), "round \(round)")
            #expect(merged.chosen == last.chosen, "round \(round)")
            #expect(merged.shown.count == finalDecided, "round \(round)")
        }
    }

    @Test func aProgressReadFromBeforeAnotherWriteIsReturnedButNotKept() {
        let cache = WorkCache()
        let epoch = cache.currentEpoch
        cache.updated(User(id: 1, username: "u", displayName: "U", role: .trainee, language: "en"))
        let returned = cache.merge(
            .init(decided: [.targeting]), assignmentId: 1, caseId: "c", readAt: epoch)
        #expect(returned.decided == [.targeting])
        #expect(cache.progress(assignmentId: 1, caseId: "c").decided == nil)
    }
}
