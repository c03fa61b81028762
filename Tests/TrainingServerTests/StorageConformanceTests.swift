import CargoModel
import Foundation
import Storage
import Testing

@testable import TrainingServer

/// Every behaviour of `Storage` that `StorageTests` and `GroupCommitTests` leave out, the same on each store
/// (SQLite, and PostgreSQL when configured: `StoreKind`): accounts and sessions, classes and the mode rule, the spec
/// library, jobs, watching a class, certificates and revocation lists, calibration rounds, sign-offs, the audit log.
@Suite struct StorageConformanceTests {
    static func at(_ ms: Int64) -> Instant { Instant(millisecondsSinceEpoch: ms) }

    static func newUser(_ name: String, _ role: Role = .trainee) -> NewUser {
        NewUser(username: name, displayName: name.uppercased(), role: role, language: "en", passwordHash: "h-\(name)")
    }

    /// A store with the fixture course (and its test copy) imported.
    static func withStore(_ kind: StoreKind, _ body: (any Storage, CourseImport, CourseImport) async throws -> Void)
        async throws
    {
        try await withTestDatabase(kind) { database in
            let storage = try await database.open()
            defer { TestDatabase.close(storage) }
            let course = try Fixture.imported.get(), testCourse = try Fixture.testImported.get()
            #expect(try await storage.importCourse(course, at: at(1)) == .imported)
            #expect(try await storage.importCourse(testCourse, at: at(2)) == .imported)
            try await body(storage, course, testCourse)
        }
    }

    @Test(arguments: StoreKind.available)
    func accountsSessionsAndThrottling(_ kind: StoreKind) async throws {
        try await Self.withStore(kind) { storage, _, _ in
            let ana = try await storage.createUser(Self.newUser("ana", .instructor), at: Self.at(10))
            #expect(try await storage.user(id: ana.id) == ana)
            #expect(try await storage.credentials(username: "ana")?.passwordHash == "h-ana")
            #expect(try await storage.credentials(username: "nobody") == nil)
            #expect(try await storage.setLanguage(userId: ana.id, language: "es")?.language == "es")
            #expect(try await storage.setLanguage(userId: 999_999, language: "es") == nil)

            // Sessions: found until they expire; a new sign-in sweeps the expired ones.
            let session = SessionRecord(
                tokenHash: "t1", userId: ana.id, csrfToken: "c1", createdAt: Self.at(100), expiresAt: Self.at(200))
            try await storage.createSession(session)
            #expect(try await storage.session(tokenHash: "t1", at: Self.at(150)) == session)
            #expect(try await storage.session(tokenHash: "t1", at: Self.at(200)) == nil)
            try await storage.createSession(
                SessionRecord(
                    tokenHash: "t2", userId: ana.id, csrfToken: "c2", createdAt: Self.at(300), expiresAt: Self.at(900)))
            #expect(try await storage.session(tokenHash: "t1", at: Self.at(150)) == nil)
            try await storage.deleteSession(tokenHash: "t2")
            #expect(try await storage.session(tokenHash: "t2", at: Self.at(310)) == nil)

            // Disabling or a new password ends every session of the account.
            for change in 0..<2 {
                try await storage.createSession(
                    SessionRecord(
                        tokenHash: "s\(change)", userId: ana.id, csrfToken: "c", createdAt: Self.at(400),
                        expiresAt: Self.at(10_000)))
                let changed =
                    change == 0
                    ? try await storage.setDisabled(userId: ana.id, disabled: true)
                    : try await storage.setPasswordHash(userId: ana.id, hash: "new")
                #expect(changed?.id == ana.id)
                #expect(try await storage.session(tokenHash: "s\(change)", at: Self.at(500)) == nil)
            }
            #expect(try await storage.user(id: ana.id)?.disabled == true)
            #expect(try await storage.credentials(username: "ana")?.passwordHash == "new")
            #expect(try await storage.setDisabled(userId: ana.id, disabled: false)?.disabled == false)
            #expect(try await storage.setDisabled(userId: 999_999, disabled: true) == nil)

            // Throttling: the pair's failures with the latest, the address's with the earliest.
            for (minute, user) in [(1, "ana"), (2, "ana"), (3, "bob"), (4, "ana")] {
                try await storage.recordLoginFailure(
                    username: user, address: "10.1.1.1", at: Self.at(Int64(minute) * 60_000))
            }
            try await storage.recordLoginFailure(username: "ana", address: "10.9.9.9", at: Self.at(5 * 60_000))
            let summary = try await storage.loginFailureSummary(
                username: "ana", address: "10.1.1.1", pairSince: Self.at(2 * 60_000), addressSince: Self.at(0))
            #expect(
                summary
                    == LoginFailureSummary(
                        pairFailures: 2, lastPairFailure: Self.at(4 * 60_000), addressFailures: 4,
                        firstAddressFailure: Self.at(60_000)))
            try await storage.clearLoginFailures(username: "ana", address: "10.1.1.1")
            let after = try await storage.loginFailureSummary(
                username: "ana", address: "10.1.1.1", pairSince: Self.at(0), addressSince: Self.at(0))
            #expect(after.pairFailures == 0 && after.lastPairFailure == nil && after.addressFailures == 1)
            #expect(
                try await storage.loginFailures(username: "ana", address: "10.9.9.9", since: Self.at(0)) == (1, 1))
            let empty = try await storage.loginFailureSummary(
                username: "x", address: "none", pairSince: Self.at(0), addressSince: Self.at(0))
            #expect(empty.pairFailures == 0 && empty.firstAddressFailure == nil)

            // Users in bulk: all or none, each into its cohort.
            let made = try await storage.createUsers(
                [Self.newUser("c1"), Self.newUser("c2"), Self.newUser("c3")], cohorts: ["north", "south", nil],
                at: Self.at(20))
            #expect(made.map(\.username) == ["c1", "c2", "c3"])
            await #expect(throws: StorageError.self) {
                _ = try await storage.createUsers(
                    [Self.newUser("c4"), Self.newUser("c1")], cohorts: [nil, nil], at: Self.at(21))
            }
            #expect(try await storage.credentials(username: "c4") == nil)
            try await storage.addToCohort("north", userIds: [made[2].id])
            let cohorts = try await storage.cohorts()
            #expect(cohorts.map(\.name) == ["north", "south"])
            #expect(cohorts.map(\.members) == [[made[0].id, made[2].id], [made[1].id]])
            #expect(try await storage.users().map(\.username) == ["ana", "c1", "c2", "c3"])
        }
    }

    @Test(arguments: StoreKind.available)
    func classesKeepTheModeRuleAllOrNoneAndReleaseTogether(_ kind: StoreKind) async throws {
        try await Self.withStore(kind) { storage, course, testCourse in
            let a = try await storage.createUser(Self.newUser("a"), at: Self.at(1))
            let b = try await storage.createUser(Self.newUser("b"), at: Self.at(1))
            let window = NewAssignmentGroup(
                courseId: course.courseId, mode: .test, cohort: "x", opensAt: Self.at(1_000),
                closesAt: Self.at(9_000), caseTimeLimitMinutes: 15, createdBy: "ana")
            let made = try await storage.createGroup(
                window, userIds: [a.id, b.id], overridingModeConflict: false, at: Self.at(50))
            #expect(made.group.courseId == course.courseId && made.group.caseTimeLimitMinutes == 15)
            #expect(made.group.opensAt == Self.at(1_000) && made.group.cohort == "x" && made.group.createdBy == "ana")
            #expect(made.assignments.map(\.userId) == [a.id, b.id])
            #expect(try await storage.group(id: made.group.id) == made.group)
            #expect(try await storage.groups() == [made.group])
            #expect(try await storage.assignments(groupId: made.group.id) == made.assignments)
            #expect(try await storage.assignment(id: made.assignments[0].id) == made.assignments[0])
            let caseId = course.cases[0].caseId
            #expect(try await storage.openTests(userId: a.id, caseId: caseId).map(\.id) == [made.assignments[0].id])

            // Training the course now would give its test away.
            let other = try await storage.modeConflict(courseId: course.courseId, userId: a.id, mode: .training)
            #expect(other?.id == made.assignments[0].id)
            await #expect(throws: StorageError.modeConflict(other!, courseId: course.courseId, mode: .training)) {
                _ = try await storage.createGroup(
                    NewAssignmentGroup(courseId: course.courseId, mode: .training, createdBy: "ana"),
                    userIds: [a.id], overridingModeConflict: false, at: Self.at(60))
            }
            await #expect(throws: StorageError.self) {
                _ = try await storage.createAssignment(
                    courseId: course.courseId, userId: b.id, mode: .training, at: Self.at(60))
            }
            await #expect(throws: StorageError.self) {
                _ = try await storage.createGroup(
                    NewAssignmentGroup(courseId: "no-such-course", mode: .training, createdBy: "ana"),
                    userIds: [a.id], overridingModeConflict: false, at: Self.at(60))
            }
            await #expect(throws: StorageError.self) {
                _ = try await storage.createGroup(
                    NewAssignmentGroup(courseId: testCourse.courseId, mode: .test, createdBy: "ana"),
                    userIds: [a.id, 999_999], overridingModeConflict: false, at: Self.at(60))
            }
            #expect(try await storage.groups().count == 1)
            let overridden = try await storage.createAssignment(
                courseId: course.courseId, userId: b.id, mode: .training, at: Self.at(70),
                overridingModeConflict: true)
            #expect(overridden.groupId == nil && overridden.mode == .training)
            #expect(try await storage.assignments(userId: b.id).map(\.id) == [made.assignments[1].id, overridden.id])
            #expect(try await storage.assignments(userId: nil).count == 3)

            try await storage.releaseResults(groupId: made.group.id)
            #expect(try await storage.assignments(groupId: made.group.id).allSatisfy(\.resultsReleased))
            #expect(try await storage.openTests(userId: a.id, caseId: caseId).isEmpty)
            try await storage.releaseResults(assignmentId: overridden.id)
            #expect(try await storage.assignment(id: overridden.id)?.resultsReleased == true)
            #expect(try await storage.course(id: course.courseId)?.caseCount == course.cases.count)
            #expect(try await storage.courses().map(\.id) == [course.courseId, testCourse.courseId])
        }
    }

    @Test(arguments: StoreKind.available)
    func watchingAClassReadsShownDecidedGradesAndDecisions(_ kind: StoreKind) async throws {
        try await Self.withStore(kind) { storage, course, _ in
            let a = try await storage.createUser(Self.newUser("a"), at: Self.at(1))
            let made = try await storage.createGroup(
                NewAssignmentGroup(courseId: course.courseId, mode: .training, createdBy: "ana"), userIds: [a.id],
                overridingModeConflict: false, at: Self.at(2))
            let assignment = made.assignments[0].id
            let caseId = course.cases[1].caseId
            _ = try await storage.recordShown(
                assignmentId: assignment, caseId: caseId, stage: .targeting, at: Self.at(5))
            let grade = GradeRecord(
                assignmentId: assignment, userId: a.id, caseId: caseId, score: 0.75, outcome: "hit",
                gradeJSON: Array("{\"g\":1}".utf8), attemptJSON: Array("{\"a\":1}".utf8), gradedAt: Self.at(7))
            let targeting = DecisionRecord(
                assignmentId: assignment, userId: a.id, caseId: caseId,
                decision: StorageTests.decision(.targeting, at: 5))
            try await storage.recordDecision(targeting, decidedBefore: [], grade: grade)
            // A decision refused takes its grade with it (both or neither).
            var other = grade
            other.score = 0.1
            await #expect(throws: StorageError.self) {
                try await storage.recordDecision(targeting, decidedBefore: [], grade: other)
            }
            #expect(try await storage.grades(assignmentId: assignment) == [grade])
            #expect(try await storage.grades(groupId: made.group.id) == [grade])
            // Grading again replaces the case's grade.
            try await storage.saveGrade(other)
            #expect(try await storage.grades(assignmentId: assignment) == [other])

            let activity = try await storage.groupActivity(groupId: made.group.id)
            #expect(activity.assignments == made.assignments)
            #expect(
                activity.shown
                    == [StageEvent(assignmentId: assignment, caseId: caseId, stage: .targeting, at: Self.at(5))])
            #expect(
                activity.decided
                    == [StageEvent(assignmentId: assignment, caseId: caseId, stage: .targeting, at: Self.at(1_005))])
            #expect(try await storage.decisions(groupId: made.group.id, caseId: caseId) == [targeting])
            #expect(try await storage.decisions(groupId: made.group.id, caseId: course.cases[0].caseId).isEmpty)
            #expect(try await storage.examination(assignmentId: assignment, caseId: caseId) == nil)
            #expect(
                try await storage.shownTime(assignmentId: assignment, caseId: caseId, stage: .screening) == nil)
        }
    }

    @Test(arguments: StoreKind.available)
    func specsJobsAndSeeds(_ kind: StoreKind) async throws {
        try await Self.withStore(kind) { storage, course, _ in
            let first = try await storage.saveSpec(id: nil, name: "b-spec", yaml: "a: 1", owner: "ana", at: Self.at(1))
            let second = try await storage.saveSpec(id: nil, name: "a-spec", yaml: "a: 2", owner: "ana", at: Self.at(2))
            await #expect(throws: StorageError.self) {
                _ = try await storage.saveSpec(id: nil, name: "b-spec", yaml: "x", owner: "bob", at: Self.at(3))
            }
            await #expect(throws: StorageError.self) {
                _ = try await storage.saveSpec(id: second.id, name: "b-spec", yaml: "x", owner: "bob", at: Self.at(3))
            }
            await #expect(throws: StorageError.self) {
                _ = try await storage.saveSpec(id: 999_999, name: "c-spec", yaml: "x", owner: "bob", at: Self.at(3))
            }
            let edited = try await storage.saveSpec(
                id: first.id, name: "b-spec", yaml: "a: 3", owner: "bob", at: Self.at(4))
            #expect(
                edited == SpecRecord(id: first.id, name: "b-spec", yaml: "a: 3", owner: "bob", updatedAt: Self.at(4)))
            #expect(try await storage.specs().map(\.name) == ["a-spec", "b-spec"])
            #expect(try await storage.spec(id: second.id) == second)
            #expect(try await storage.deleteSpec(id: second.id))
            #expect(try await !storage.deleteSpec(id: second.id))
            #expect(try await storage.spec(id: second.id) == nil)

            let job = try await storage.createJob(kind: "generate", total: 10, createdBy: "ana", at: Self.at(5))
            #expect(job.state == .queued && job.done == 0 && job.total == 10 && job.courseId == nil)
            try await storage.updateJob(
                id: job.id, state: .running, done: 4, total: 10, courseId: "c-1", errorJSON: nil, at: Self.at(6))
            try await storage.updateJob(
                id: job.id, state: .running, done: 5, total: 10, courseId: nil, errorJSON: nil, at: Self.at(7))
            let running = try await storage.job(id: job.id)
            #expect(running?.courseId == "c-1" && running?.done == 5 && running?.updatedAt == Self.at(7))
            let done = try await storage.createJob(kind: "import", total: 1, createdBy: "ana", at: Self.at(8))
            try await storage.updateJob(
                id: done.id, state: .done, done: 1, total: 1, courseId: nil, errorJSON: nil, at: Self.at(9))
            #expect(try await storage.jobs(limit: 1).map(\.id) == [done.id])
            // A job touched by the instance running it is left alone by a sweep of idle jobs; one idle is failed.
            let queued = try await storage.createJob(kind: "generate", total: 2, createdBy: "ana", at: Self.at(8))
            try await storage.touchJobs(ids: [queued.id, done.id], at: Self.at(12))
            #expect(try await storage.job(id: queued.id)?.updatedAt == Self.at(12))
            #expect(try await storage.job(id: done.id)?.updatedAt == Self.at(9))
            #expect(try await storage.failUnfinishedJobs(idleSince: Self.at(11), at: Self.at(13)) == 1)
            #expect(try await storage.job(id: queued.id)?.state == .queued)
            #expect(try await storage.failUnfinishedJobs(idleSince: nil, at: Self.at(14)) == 1)
            #expect(try await storage.job(id: queued.id)?.state == .failed)
            let failed = try await storage.job(id: job.id)
            #expect(failed?.state == .failed && failed?.errorJSON?.contains("stopped") == true)
            #expect(try await storage.job(id: done.id)?.state == .done)

            #expect(try await storage.courseSeed(courseId: course.courseId) == nil)
            try await storage.setCourseSeed(courseId: course.courseId, seed: "s1")
            try await storage.setCourseSeed(courseId: course.courseId, seed: "s2")
            #expect(try await storage.courseSeed(courseId: course.courseId) == "s2")
        }
    }

    @Test(arguments: StoreKind.available)
    func certificatesRevocationListsCalibrationSignOffsAndAudit(_ kind: StoreKind) async throws {
        try await Self.withStore(kind) { storage, _, _ in
            let a = try await storage.createUser(Self.newUser("a"), at: Self.at(1))
            func certificate(_ id: String, _ code: String, issuedAt: Int64) -> CertificateRecord {
                CertificateRecord(
                    id: id, userId: a.id, subject: "a", subjectName: "A", role: "trainee", policyVersion: "p1",
                    keyId: "k1", verificationCode: code, file: Array("file-\(id)".utf8), decisionJSON: [1, 2, 3],
                    issuedBy: "ana", issuedAt: Self.at(issuedAt), expiresAt: Self.at(issuedAt + 1_000))
            }
            let older = certificate("0001", "CODE-1", issuedAt: 10), newer = certificate("0002", "CODE-2", issuedAt: 20)
            try await storage.saveCertificate(older)
            try await storage.saveCertificate(newer)
            await #expect(throws: StorageError.self) { try await storage.saveCertificate(older) }
            #expect(try await storage.certificates() == [newer, older])
            #expect(try await storage.certificate(verificationCode: "CODE-1") == older)
            #expect(try await storage.certificate(id: "none") == nil)

            let list = { (sequence: Int) in
                RevocationListRecord(keyId: "k1", sequence: sequence, issuedAt: Self.at(Int64(sequence)), file: [9])
            }
            try await storage.saveRevocationList(list(1))
            await #expect(throws: StorageError.self) { try await storage.saveRevocationList(list(1)) }
            await #expect(throws: StorageError.self) {
                try await storage.revokeCertificate(id: "0001", by: "ana", reason: "r", at: Self.at(30), list: list(3))
            }
            #expect(try await storage.certificate(id: "0001")?.revokedAt == nil)
            await #expect(throws: StorageError.notFound("No certificate none was issued here.")) {
                try await storage.revokeCertificate(id: "none", by: "ana", reason: "r", at: Self.at(30), list: list(2))
            }
            try await storage.revokeCertificate(id: "0001", by: "ana", reason: "fraud", at: Self.at(30), list: list(2))
            let revoked = try await storage.certificate(id: "0001")
            #expect(revoked?.revokedAt == Self.at(30) && revoked?.revokedBy == "ana")
            #expect(revoked?.revocationReason == "fraud")
            await #expect(throws: StorageError.self) {
                try await storage.revokeCertificate(id: "0001", by: "ana", reason: "r", at: Self.at(31), list: list(3))
            }
            #expect(try await storage.latestRevocationList(keyId: "k1") == list(2))
            #expect(try await storage.latestRevocationList(keyId: "k2") == nil)

            let round = CalibrationRoundRecord(
                id: 0, name: "R1", rubricVersion: "v1", scale: ["low", "high"],
                items: [CalibrationItem(id: "a/c1", groupId: 1, assignmentId: 2, caseId: "c1", trainee: "a")],
                panel: ["ana"], candidates: ["bob"], createdBy: "ana", createdAt: Self.at(40), closedAt: Self.at(99))
            let saved = try await storage.createCalibrationRound(round)
            #expect(saved.closedAt == nil && saved.items == round.items)
            #expect(try await storage.calibrationRound(id: saved.id) == saved)
            let second = try await storage.createCalibrationRound(round)
            #expect(try await storage.calibrationRounds().map(\.id) == [second.id, saved.id])
            try await storage.saveCalibrationGrade(
                roundId: saved.id, CalibrationGrade(grader: "bob", item: "a/c1", grade: "low", gradedAt: Self.at(41)))
            try await storage.saveCalibrationGrade(
                roundId: saved.id, CalibrationGrade(grader: "bob", item: "a/c1", grade: "high", gradedAt: Self.at(42)))
            try await storage.saveCalibrationGrade(
                roundId: saved.id, CalibrationGrade(grader: "ana", item: "a/c1", grade: "high", gradedAt: Self.at(43)))
            #expect(
                try await storage.calibrationGrades(roundId: saved.id)
                    == [
                        CalibrationGrade(grader: "ana", item: "a/c1", grade: "high", gradedAt: Self.at(43)),
                        CalibrationGrade(grader: "bob", item: "a/c1", grade: "high", gradedAt: Self.at(42)),
                    ])
            await #expect(throws: StorageError.self) {
                try await storage.saveCalibrationGrade(
                    roundId: 999_999, CalibrationGrade(grader: "b", item: "i", grade: "low", gradedAt: Self.at(1)))
            }
            try await storage.closeCalibrationRound(id: saved.id, at: Self.at(50))
            #expect(try await storage.calibrationRound(id: saved.id)?.closedAt == Self.at(50))
            await #expect(throws: StorageError.self) {
                try await storage.closeCalibrationRound(id: saved.id, at: Self.at(51))
            }
            await #expect(throws: StorageError.self) {
                try await storage.saveCalibrationGrade(
                    roundId: saved.id,
                    CalibrationGrade(grader: "bob", item: "a/c1", grade: "low", gradedAt: Self.at(52))
                )
            }

            let signOff = { (id: String, at: Int64) in
                SignOffRecord(
                    id: id, trainer: "bob", expert: "eve", keyId: "ek", expertPublicKey: "pub", course: "C",
                    deliveredOn: "2026-11-30", outcome: "signedOff", signedAt: Self.at(at), file: [7, 7],
                    recordedBy: "ana", recordedAt: Self.at(at + 1))
            }
            try await storage.saveSignOff(signOff("so1", 60))
            try await storage.saveSignOff(signOff("so2", 70))
            await #expect(throws: StorageError.self) { try await storage.saveSignOff(signOff("so1", 80)) }
            #expect(try await storage.signOffs().map(\.id) == ["so2", "so1"])
            #expect(try await storage.signOff(id: "so1") == signOff("so1", 60))

            for i in 0..<3 {
                try await storage.audit(AuditEntry(at: Self.at(Int64(i)), actor: "ana", action: "a\(i)", detail: "d"))
            }
            #expect(try await storage.auditLog(limit: 2).map(\.action) == ["a2", "a1"])
            #expect(try await storage.auditLog(limit: -1).isEmpty)
        }
    }
}
