import CargoModel
import Foundation
import Storage
import Testing

@testable import TrainingServer

/// Group commit (`GroupWriter`): writes sent at once are committed together, each still atomic on its own: a
/// conflicting write fails alone, the others in its transaction stay, and everything that returned is there
/// after reopening. On PostgreSQL (which groups commits itself) the same concurrent writes keep the same outcomes.
@Suite struct GroupCommitTests {
    @Test(arguments: StoreKind.available)
    func concurrentWritesEachSucceedOrConflictOnTheirOwnAndSurviveReopening(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let course = try Fixture.imported.get()
            let caseIds: [String] = course.cases.map(\.caseId)
            var assignmentIds: [Int64] = []
            var userId: Int64 = 0
            var outcomes: [String: Int] = [:]
            var largestBatch = 0
            do {
                let storage = try await database.open()
                defer { TestDatabase.close(storage) }
                _ = try await storage.importCourse(course, at: Instant(millisecondsSinceEpoch: 0))
                userId = try await storage.createUser(
                    NewUser(username: "t", displayName: "T", role: .trainee, language: "en", passwordHash: "x"),
                    at: Instant(millisecondsSinceEpoch: 0)
                ).id
                for _ in 0..<4 {
                    assignmentIds.append(
                        try await storage.createAssignment(
                            courseId: course.courseId, userId: userId, mode: .training,
                            at: Instant(millisecondsSinceEpoch: 0)
                        ).id)
                }
                // Every (assignment, case) gets its targeting decision three times at once: one must win.
                let targets: [(Int64, String)] = assignmentIds.flatMap { a in caseIds.map { (a, $0) } }
                let user = userId
                outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                    for (assignment, caseId) in targets {
                        for copy in 0..<3 {
                            group.addTask {
                                let record = DecisionRecord(
                                    assignmentId: assignment, userId: user, caseId: caseId,
                                    decision: StorageTests.decision(.targeting, at: Int64(copy) * 10_000))
                                do {
                                    try await storage.recordDecision(record, decidedBefore: [])
                                    return "stored"
                                } catch let error as StorageError where error.code == "conflict" {
                                    return "conflict"
                                }
                            }
                            group.addTask {
                                _ = try await storage.recordShown(
                                    assignmentId: assignment, caseId: caseId, stage: .targeting,
                                    at: Instant(millisecondsSinceEpoch: Int64(copy) + 1))
                                return "shown"
                            }
                        }
                    }
                    var counts: [String: Int] = [:]
                    for try await outcome in group { counts[outcome, default: 0] += 1 }
                    return counts
                }
                // PostgreSQL has no batch of its own to count (its WAL flush covers every commit waiting).
                largestBatch = (storage as? SQLiteStorage)?.largestWriteBatch ?? 2
            }
            let pairs = assignmentIds.count * caseIds.count
            #expect(outcomes["stored"] == pairs)
            #expect(outcomes["conflict"] == pairs * 2)
            #expect(outcomes["shown"] == pairs * 3)
            #expect(
                largestBatch > 1, "no two of \(outcomes.values.reduce(0, +)) concurrent writes were committed together")
            let reopened = try await database.open()
            defer { TestDatabase.close(reopened) }
            for assignment in assignmentIds {
                for caseId in caseIds {
                    #expect(try await reopened.decidedStages(assignmentId: assignment, caseId: caseId) == [.targeting])
                    let shown = try await reopened.shownTime(
                        assignmentId: assignment, caseId: caseId, stage: .targeting)
                    #expect(shown != nil && (1...3).contains(shown!.millisecondsSinceEpoch))
                }
                let all = try await reopened.decisions(assignmentId: assignment, caseId: nil)
                #expect(all.count == caseIds.count)
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func decidedStagesAreTheStoredDecisionsStagesInOrder(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let course = try Fixture.imported.get()
            let caseId = course.cases[0].caseId
            let storage = try await database.open()
            defer { TestDatabase.close(storage) }
            _ = try await storage.importCourse(course, at: Instant(millisecondsSinceEpoch: 0))
            let user = try await storage.createUser(
                NewUser(username: "t", displayName: "T", role: .trainee, language: "en", passwordHash: "x"),
                at: Instant(millisecondsSinceEpoch: 0))
            let assignment = try await storage.createAssignment(
                courseId: course.courseId, userId: user.id, mode: .test, at: Instant(millisecondsSinceEpoch: 0))
            #expect(try await storage.decidedStages(assignmentId: assignment.id, caseId: caseId).isEmpty)
            var before: [Stage] = []
            for stage in [Stage.targeting, .screening] {
                try await storage.recordDecision(
                    DecisionRecord(
                        assignmentId: assignment.id, userId: user.id, caseId: caseId,
                        decision: StorageTests.decision(stage, at: 1_000)),
                    decidedBefore: before)
                before.append(stage)
                #expect(try await storage.decidedStages(assignmentId: assignment.id, caseId: caseId) == before)
                let decoded: [Stage] = try await storage.decisions(assignmentId: assignment.id, caseId: caseId).map(
                    \.decision.stage)
                #expect(decoded == before)
            }
        }
    }
}
