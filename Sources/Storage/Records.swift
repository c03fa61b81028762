import CargoModel

/// What a user may do: trainees work their assignments; instructors assign and review; admins also manage
/// accounts and read the audit log.
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin, instructor, trainee

    /// Instructors and admins.
    public var isStaff: Bool { self != .trainee }
}

/// A user as the server shows it (never the password hash).
public struct User: Hashable, Sendable, Codable {
    public var id: Int64
    public var username: String
    public var displayName: String
    public var role: Role
    /// `en`, `es` or `pt`.
    public var language: String
    /// A disabled account cannot sign in, and its sessions ended when it was disabled.
    public var disabled: Bool

    public init(id: Int64, username: String, displayName: String, role: Role, language: String, disabled: Bool = false) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.language = language
        self.disabled = disabled
    }
}

/// A user to create, with the bcrypt hash of their password.
public struct NewUser: Hashable, Sendable {
    public var username: String
    public var displayName: String
    public var role: Role
    public var language: String
    public var passwordHash: String

    public init(username: String, displayName: String, role: Role, language: String, passwordHash: String) {
        self.username = username
        self.displayName = displayName
        self.role = role
        self.language = language
        self.passwordHash = passwordHash
    }
}

/// The failed sign-ins that throttling counts, read in one transaction.
public struct LoginFailureSummary: Hashable, Sendable {
    /// Failures of this username from this address.
    public var pairFailures: Int
    /// The latest of them.
    public var lastPairFailure: Instant?
    /// Failures from this address, any username.
    public var addressFailures: Int
    /// The earliest of them.
    public var firstAddressFailure: Instant?

    public init(pairFailures: Int, lastPairFailure: Instant?, addressFailures: Int, firstAddressFailure: Instant?) {
        self.pairFailures = pairFailures
        self.lastPairFailure = lastPairFailure
        self.addressFailures = addressFailures
        self.firstAddressFailure = firstAddressFailure
    }
}

/// A signed-in session: the hash of the cookie's token (the token itself is never stored) and its CSRF token.
public struct SessionRecord: Hashable, Sendable {
    public var tokenHash: String
    public var userId: Int64
    public var csrfToken: String
    public var createdAt: Instant
    public var expiresAt: Instant

    public init(tokenHash: String, userId: Int64, csrfToken: String, createdAt: Instant, expiresAt: Instant) {
        self.tokenHash = tokenHash
        self.userId = userId
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// One case of a course to import: its `case.json`, its files and its key.
public struct CaseImport: Sendable {
    public var caseId: String
    public var document: [UInt8]
    /// File name → bytes (`scan.png`, `scan-high.png`, `scan-low.png`, `door.svg`).
    public var files: [String: [UInt8]]
    public var key: [UInt8]

    public init(caseId: String, document: [UInt8], files: [String: [UInt8]], key: [UInt8]) {
        self.caseId = caseId
        self.document = document
        self.files = files
        self.key = key
    }
}

/// A course to import: the `course.json` index and its cases in order.
public struct CourseImport: Sendable {
    public var courseId: String
    public var title: String
    public var courseHash: String
    public var index: [UInt8]
    public var cases: [CaseImport]

    public init(courseId: String, title: String, courseHash: String, index: [UInt8], cases: [CaseImport]) {
        self.courseId = courseId
        self.title = title
        self.courseHash = courseHash
        self.index = index
        self.cases = cases
    }
}

public enum CourseImportOutcome: String, Sendable {
    case imported
    /// The same course (same id and hash) was already there.
    case unchanged
}

public struct CourseSummary: Hashable, Sendable, Codable {
    public var id: String
    public var title: String
    public var courseHash: String
    public var caseCount: Int
    public var importedAt: Instant

    public init(id: String, title: String, courseHash: String, caseCount: Int, importedAt: Instant) {
        self.id = id
        self.title = title
        self.courseHash = courseHash
        self.caseCount = caseCount
        self.importedAt = importedAt
    }
}

/// A course given to one user, in training or test mode.
public struct Assignment: Hashable, Sendable, Codable {
    public var id: Int64
    public var courseId: String
    public var userId: Int64
    public var mode: AttemptMode
    public var resultsReleased: Bool
    public var assignedAt: Instant
    /// The class assignment this belongs to (nil for one made on its own, before groups existed).
    public var groupId: Int64?
    /// The window (server-enforced): no case opens before `opensAt`, no decision is taken after `closesAt`.
    public var opensAt: Instant?
    public var closesAt: Instant?
    /// Test mode: minutes per case from the moment its first stage is shown (server-enforced).
    public var caseTimeLimitMinutes: Int?

    public init(
        id: Int64, courseId: String, userId: Int64, mode: AttemptMode, resultsReleased: Bool, assignedAt: Instant,
        groupId: Int64? = nil, opensAt: Instant? = nil, closesAt: Instant? = nil, caseTimeLimitMinutes: Int? = nil
    ) {
        self.id = id
        self.courseId = courseId
        self.userId = userId
        self.mode = mode
        self.resultsReleased = resultsReleased
        self.assignedAt = assignedAt
        self.groupId = groupId
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.caseTimeLimitMinutes = caseTimeLimitMinutes
    }
}

/// A decision as the server stored it (times stamped by the server).
public struct DecisionRecord: Hashable, Sendable {
    public var assignmentId: Int64
    public var userId: Int64
    public var caseId: String
    public var decision: Decision

    public init(assignmentId: Int64, userId: Int64, caseId: String, decision: Decision) {
        self.assignmentId = assignmentId
        self.userId = userId
        self.caseId = caseId
        self.decision = decision
    }
}

/// The grade of one finished case: the summary columns and the full grade and attempt as JSON.
public struct GradeRecord: Hashable, Sendable {
    public var assignmentId: Int64
    public var userId: Int64
    public var caseId: String
    public var score: Double
    public var outcome: String
    public var gradeJSON: [UInt8]
    public var attemptJSON: [UInt8]
    public var gradedAt: Instant

    public init(
        assignmentId: Int64, userId: Int64, caseId: String, score: Double, outcome: String, gradeJSON: [UInt8],
        attemptJSON: [UInt8], gradedAt: Instant
    ) {
        self.assignmentId = assignmentId
        self.userId = userId
        self.caseId = caseId
        self.score = score
        self.outcome = outcome
        self.gradeJSON = gradeJSON
        self.attemptJSON = attemptJSON
        self.gradedAt = gradedAt
    }
}

/// One line of the audit log: who did what, when.
public struct AuditEntry: Hashable, Sendable, Codable {
    public var at: Instant
    /// The username, or `cli` / `system`.
    public var actor: String
    public var action: String
    public var detail: String

    public init(at: Instant, actor: String, action: String, detail: String) {
        self.at = at
        self.actor = actor
        self.action = action
        self.detail = detail
    }
}
