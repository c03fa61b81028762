import CargoModel

/// Everything the training server keeps: people and their sessions, courses with their cases and keys,
/// assignments, the decisions trainees submit, grades, the certificates issued with their revocation lists, and the
/// audit log.
///
/// The protocol speaks only in the value types below (no database types), so that another store
/// (PostgreSQL for a national deployment) can implement it without touching the server. Every method is
/// one transaction; times are passed in (the server stamps them), never read from a clock here.
public protocol Storage: Sendable {
    /// True when other server instances may write the same store at the same time (PostgreSQL): the server then
    /// keeps no copy of what another instance can change (sessions, users, assignments, stages decided).
    var isShared: Bool { get }

    // MARK: People

    /// Adds a user; `conflict` when the username is taken.
    func createUser(_ user: NewUser, at time: Instant) async throws -> User
    func user(id: Int64) async throws -> User?
    /// The user and their password hash, for signing in.
    func credentials(username: String) async throws -> (user: User, passwordHash: String)?
    func users() async throws -> [User]
    func setLanguage(userId: Int64, language: String) async throws -> User?

    // MARK: Sessions and sign-in throttling

    func createSession(_ session: SessionRecord) async throws
    /// The session with this token hash if it has not expired at `time`.
    func session(tokenHash: String, at time: Instant) async throws -> SessionRecord?
    func deleteSession(tokenHash: String) async throws
    func recordLoginFailure(username: String, address: String, at time: Instant) async throws
    /// Failures since `time`: for this username and from this address.
    func loginFailures(username: String, address: String, since time: Instant) async throws -> (
        username: Int, address: Int
    )
    /// Clears a username's failures from every address (an instructor's unlock).
    func clearLoginFailures(username: String) async throws
    /// What sign-in throttling needs about one address and username: the pair's failures since `pairSince`
    /// and the address's failures since `addressSince`, with the times that bound their lock-outs.
    func loginFailureSummary(username: String, address: String, pairSince: Instant, addressSince: Instant)
        async throws -> LoginFailureSummary
    /// Clears the failures of one username from one address (after a sign-in from there succeeds).
    func clearLoginFailures(username: String, address: String) async throws

    // MARK: Cohorts

    /// Adds the users to the cohort, creating it when new; returns the cohort's member ids.
    @discardableResult
    func addToCohort(_ name: String, userIds: [Int64]) async throws -> [Int64]
    /// The member ids of a cohort; nil when there is no such cohort.
    func cohortMembers(_ name: String) async throws -> [Int64]?

    // MARK: Courses

    /// Stores a course, its cases with their files, and its keys (kept apart). Importing the same course
    /// again (same id, same hash) changes nothing; the same id with other contents is a `conflict`.
    func importCourse(_ course: CourseImport, at time: Instant) async throws -> CourseImportOutcome
    func courses() async throws -> [CourseSummary]
    func course(id: String) async throws -> CourseSummary?
    /// The case ids of a course in course order.
    func caseIds(courseId: String) async throws -> [String]
    /// The case's `case.json` bytes as imported.
    func caseDocument(courseId: String, caseId: String) async throws -> [UInt8]?
    /// A file of a case (`scan.png`, `door.svg`).
    func caseFile(courseId: String, caseId: String, name: String) async throws -> [UInt8]?
    /// The answer key's bytes. Only grading and feedback code may call this.
    func answerKey(courseId: String, caseId: String) async throws -> [UInt8]?

    // MARK: Assignments and work

    /// Gives a course to a user in a mode. Test integrity: a user who holds (or held) a course — or any course
    /// sharing a case with it — in one mode cannot be given it in the other (`mode-conflict`, naming the
    /// assignment in the way), unless `overridingModeConflict` (an instructor's explicit, audited decision).
    func createAssignment(
        courseId: String, userId: Int64, mode: AttemptMode, at time: Instant, overridingModeConflict: Bool
    ) async throws -> Assignment
    /// The assignment that stands in the way of giving `courseId` to the user in `mode` (the user holds or held it,
    /// or a course sharing a case with it, in the other mode); nil when there is none. For checking a whole list
    /// before assigning any (all or none); `createAssignment` checks again in its transaction.
    func modeConflict(courseId: String, userId: Int64, mode: AttemptMode) async throws -> Assignment?
    /// The user's test assignments holding case `caseId` whose results are not released yet (the tests in
    /// which that case is still open).
    func openTests(userId: Int64, caseId: String) async throws -> [Assignment]
    func assignment(id: Int64) async throws -> Assignment?
    /// A user's assignments, or everyone's when `userId` is nil.
    func assignments(userId: Int64?) async throws -> [Assignment]
    func releaseResults(assignmentId: Int64) async throws
    /// Records when a stage was first shown and returns that time (a later showing keeps the first).
    func recordShown(assignmentId: Int64, caseId: String, stage: Stage, at time: Instant) async throws -> Instant
    func shownTime(assignmentId: Int64, caseId: String, stage: Stage) async throws -> Instant?
    /// Records a decision if the stages decided so far for the case are exactly `decidedBefore`;
    /// `conflict` otherwise (a second decision for a stage, or one out of order). A case's last decision may
    /// bring its grade, saved in the same transaction (both or neither).
    func recordDecision(_ decision: DecisionRecord, decidedBefore: [Stage], grade: GradeRecord?) async throws
    /// The stages of a case decided so far, in order (what the stage gate needs, without the decisions).
    func decidedStages(assignmentId: Int64, caseId: String) async throws -> [Stage]
    /// Decisions of an assignment (of one case when given), in stage order per case.
    func decisions(assignmentId: Int64, caseId: String?) async throws -> [DecisionRecord]
    /// Records the examination points chosen for a case; `conflict` when already recorded.
    func recordExamination(assignmentId: Int64, caseId: String, points: [ExaminationPoint], at time: Instant)
        async throws
    func examination(assignmentId: Int64, caseId: String) async throws -> [ExaminationPoint]?
    func saveGrade(_ grade: GradeRecord) async throws
    func grades(assignmentId: Int64) async throws -> [GradeRecord]

    // MARK: The instructor console

    /// Disables (ending every session of the account at once) or enables an account; nil for no such user.
    func setDisabled(userId: Int64, disabled: Bool) async throws -> User?
    /// Replaces the password hash and ends every session of the account; nil for no such user.
    func setPasswordHash(userId: Int64, hash: String) async throws -> User?
    /// Adds users (each into its cohort when given) all or none; `conflict` naming a taken username.
    func createUsers(_ users: [NewUser], cohorts: [String?], at time: Instant) async throws -> [User]
    /// Every cohort with its member ids, by name.
    func cohorts() async throws -> [(name: String, members: [Int64])]

    /// Gives a course to a class: the group and one assignment per user, all or none, with the mode rule of
    /// `createAssignment` checked for each user.
    func createGroup(_ group: NewAssignmentGroup, userIds: [Int64], overridingModeConflict: Bool, at time: Instant)
        async throws -> (group: AssignmentGroup, assignments: [Assignment])
    func groups() async throws -> [AssignmentGroup]
    func group(id: Int64) async throws -> AssignmentGroup?
    func assignments(groupId: Int64) async throws -> [Assignment]
    func releaseResults(groupId: Int64) async throws

    /// Saves a new spec (`id` nil) or replaces one; `conflict` when the name is another spec's.
    func saveSpec(id: Int64?, name: String, yaml: String, owner: String, at time: Instant) async throws -> SpecRecord
    func specs() async throws -> [SpecRecord]
    func spec(id: Int64) async throws -> SpecRecord?
    func deleteSpec(id: Int64) async throws -> Bool

    func createJob(kind: String, total: Int, createdBy: String, at time: Instant) async throws -> JobRecord
    func updateJob(
        id: Int64, state: JobRecord.State, done: Int, total: Int, courseId: String?, errorJSON: String?,
        at time: Instant
    ) async throws
    func job(id: Int64) async throws -> JobRecord?
    func jobs(limit: Int) async throws -> [JobRecord]
    /// Marks jobs a stopped server left queued or running as failed; returns how many. With `idleSince`, only those
    /// not updated since then (with several instances on one store, a job another instance is running is touched
    /// by it every few seconds and is left alone); nil: every one (one server, starting).
    func failUnfinishedJobs(idleSince: Instant?, at time: Instant) async throws -> Int
    /// Marks the queued or running jobs `ids` as alive at `time` (their `updatedAt`), nothing else.
    func touchJobs(ids: [Int64], at time: Instant) async throws

    /// The seed of a course made on the server (staff only: it gives every key).
    func setCourseSeed(courseId: String, seed: String) async throws
    func courseSeed(courseId: String) async throws -> String?

    // MARK: Watching a class

    /// What a class is doing, in one read: the group's assignments, when each stage of each case was first shown
    /// and when each was decided (no decision bodies: cheap enough to poll every few seconds).
    func groupActivity(groupId: Int64) async throws -> GroupActivity
    /// Every grade of the group's assignments, in the order graded.
    func grades(groupId: Int64) async throws -> [GradeRecord]
    /// Every decision on one case by the group's assignments, in stage order per assignment.
    func decisions(groupId: Int64, caseId: String) async throws -> [DecisionRecord]

    // MARK: Certification

    /// Records a certificate the server issued; `conflict` when its id is already recorded.
    func saveCertificate(_ record: CertificateRecord) async throws
    /// Every certificate issued, newest first.
    func certificates() async throws -> [CertificateRecord]
    func certificate(id: String) async throws -> CertificateRecord?
    /// The certificate whose printed verification code this is.
    func certificate(verificationCode: String) async throws -> CertificateRecord?
    /// Marks a certificate revoked and keeps the revocation list that names it, both or neither: `not-found` for no
    /// such certificate, `conflict` when it is already revoked or `list` is not the next of its key.
    func revokeCertificate(id: String, by actor: String, reason: String, at time: Instant, list: RevocationListRecord)
        async throws
    /// Keeps a newly signed revocation list; `conflict` unless its number is one more than the newest of its key.
    func saveRevocationList(_ list: RevocationListRecord) async throws
    /// The newest revocation list signed with the key; nil before the first.
    func latestRevocationList(keyId: String) async throws -> RevocationListRecord?

    // MARK: Calibration rounds

    /// Keeps a new calibration round (its `id` and `closedAt` are set here) and returns it.
    func createCalibrationRound(_ round: CalibrationRoundRecord) async throws -> CalibrationRoundRecord
    /// Every round, newest first.
    func calibrationRounds() async throws -> [CalibrationRoundRecord]
    func calibrationRound(id: Int64) async throws -> CalibrationRoundRecord?
    /// Records (or replaces) a grader's grade of an item; `not-found` for no such round, `conflict` once it is closed.
    func saveCalibrationGrade(roundId: Int64, _ grade: CalibrationGrade) async throws
    func calibrationGrades(roundId: Int64) async throws -> [CalibrationGrade]
    /// Closes a round; `conflict` when it is already closed or does not exist.
    func closeCalibrationRound(id: Int64, at time: Instant) async throws

    // MARK: Supervised delivery sign-offs

    /// Keeps a sign-off the certifier verified and accepted; `conflict` when its id is already recorded.
    func saveSignOff(_ record: SignOffRecord) async throws
    /// Every sign-off recorded, newest first.
    func signOffs() async throws -> [SignOffRecord]
    func signOff(id: String) async throws -> SignOffRecord?

    // MARK: Audit

    func audit(_ entry: AuditEntry) async throws
    func auditLog(limit: Int) async throws -> [AuditEntry]
}

extension Storage {
    /// One process writes the store (SQLite: one server per file).
    public var isShared: Bool { false }

    /// Gives a course to a user, refusing a mode conflict (see `createAssignment(courseId:userId:mode:at:overridingModeConflict:)`).
    public func createAssignment(courseId: String, userId: Int64, mode: AttemptMode, at time: Instant) async throws
        -> Assignment
    {
        try await createAssignment(
            courseId: courseId, userId: userId, mode: mode, at: time, overridingModeConflict: false)
    }

    /// Records a decision without a grade (see `recordDecision(_:decidedBefore:grade:)`).
    public func recordDecision(_ decision: DecisionRecord, decidedBefore: [Stage]) async throws {
        try await recordDecision(decision, decidedBefore: decidedBefore, grade: nil)
    }
}

/// What a failed storage call reports: a stable code and a sentence saying what to do.
public struct StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `conflict`, `mode-conflict`, `not-found`, `invalid`, `io`, `unavailable` (the store cannot be reached now but
    /// may be again soon: a database server restarting; the call can be tried again).
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func conflict(_ message: String) -> StorageError { StorageError(code: "conflict", message: message) }
    public static func unavailable(_ message: String) -> StorageError {
        StorageError(code: "unavailable", message: message)
    }
    public static func notFound(_ message: String) -> StorageError {
        StorageError(code: "not-found", message: message)
    }

    /// The `mode-conflict` error: which assignment is in the way, why it matters, what to do.
    public static func modeConflict(_ other: Assignment, courseId: String, mode: AttemptMode) -> StorageError {
        StorageError(
            code: "mode-conflict",
            message: "User \(other.userId) holds (or held) "
                + (other.courseId == courseId ? "this course" : "course \(other.courseId), which shares cases with it,")
                + " in \(other.mode.rawValue) mode (assignment \(other.id)); in \(mode.rawValue) mode "
                + (mode == .test
                    ? "the training feedback would already have given the test's answers."
                    : "the training feedback would give away the test's answers.")
                + " Assign another course, or override explicitly (the override is audited).")
    }
}
