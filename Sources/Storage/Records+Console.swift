import CargoModel

/// A course given to a class at once: the course, the mode, who (a cohort or a list), an optional window and,
/// in test mode, a time limit per case. Each trainee gets an `Assignment` of the group, which carries the
/// same window and limit.
public struct AssignmentGroup: Hashable, Sendable, Codable {
    public var id: Int64
    public var courseId: String
    public var mode: AttemptMode
    /// The cohort it was given to, when it was given to one.
    public var cohort: String?
    /// Before this instant the trainees cannot open the cases.
    public var opensAt: Instant?
    /// After this instant no decision is accepted.
    public var closesAt: Instant?
    /// Test mode: minutes per case from the moment its first stage is shown.
    public var caseTimeLimitMinutes: Int?
    public var createdBy: String
    public var createdAt: Instant

    public init(
        id: Int64, courseId: String, mode: AttemptMode, cohort: String?, opensAt: Instant?, closesAt: Instant?,
        caseTimeLimitMinutes: Int?, createdBy: String, createdAt: Instant
    ) {
        self.id = id
        self.courseId = courseId
        self.mode = mode
        self.cohort = cohort
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.caseTimeLimitMinutes = caseTimeLimitMinutes
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// What `createGroup` needs: everything of a group but its id.
public struct NewAssignmentGroup: Hashable, Sendable {
    public var courseId: String
    public var mode: AttemptMode
    public var cohort: String?
    public var opensAt: Instant?
    public var closesAt: Instant?
    public var caseTimeLimitMinutes: Int?
    public var createdBy: String

    public init(
        courseId: String, mode: AttemptMode, cohort: String? = nil, opensAt: Instant? = nil, closesAt: Instant? = nil,
        caseTimeLimitMinutes: Int? = nil, createdBy: String
    ) {
        self.courseId = courseId
        self.mode = mode
        self.cohort = cohort
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.caseTimeLimitMinutes = caseTimeLimitMinutes
        self.createdBy = createdBy
    }
}

/// A case spec in an instructor's library: its YAML exactly as `cargosim validate` reads it.
public struct SpecRecord: Hashable, Sendable, Codable {
    public var id: Int64
    public var name: String
    public var yaml: String
    public var owner: String
    public var updatedAt: Instant

    public init(id: Int64, name: String, yaml: String, owner: String, updatedAt: Instant) {
        self.id = id
        self.name = name
        self.yaml = yaml
        self.owner = owner
        self.updatedAt = updatedAt
    }
}

/// Long work run off the request path (generating or importing a course), with its progress.
public struct JobRecord: Hashable, Sendable, Codable {
    public enum State: String, Sendable, Codable { case queued, running, done, failed }
    public var id: Int64
    /// `generate` or `import`.
    public var kind: String
    public var state: State
    public var done: Int
    public var total: Int
    /// The course made, once done.
    public var courseId: String?
    /// What went wrong, as JSON (`{"message", "problems": [...]}`), once failed.
    public var errorJSON: String?
    public var createdBy: String
    public var createdAt: Instant
    public var updatedAt: Instant

    public init(
        id: Int64, kind: String, state: State, done: Int, total: Int, courseId: String?, errorJSON: String?,
        createdBy: String, createdAt: Instant, updatedAt: Instant
    ) {
        self.id = id
        self.kind = kind
        self.state = state
        self.done = done
        self.total = total
        self.courseId = courseId
        self.errorJSON = errorJSON
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A stage of a case reached by an assignment: first shown, or decided, at `at`.
public struct StageEvent: Hashable, Sendable {
    public var assignmentId: Int64
    public var caseId: String
    public var stage: Stage
    public var at: Instant

    public init(assignmentId: Int64, caseId: String, stage: Stage, at: Instant) {
        self.assignmentId = assignmentId
        self.caseId = caseId
        self.stage = stage
        self.at = at
    }
}

/// What a class is doing: its assignments, every stage first shown and every stage decided.
public struct GroupActivity: Hashable, Sendable {
    public var assignments: [Assignment]
    public var shown: [StageEvent]
    public var decided: [StageEvent]

    public init(assignments: [Assignment], shown: [StageEvent], decided: [StageEvent]) {
        self.assignments = assignments
        self.shown = shown
        self.decided = decided
    }
}
