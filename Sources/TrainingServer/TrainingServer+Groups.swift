import CargoModel
import Foundation
import Hummingbird
import Storage

/// Class assignments: a course given to a cohort or a list of people at once, in training or test mode, with
/// an optional window and a time limit per case in test mode (docs/API.md, "Instructor console").
extension TrainingServer {
    struct GroupInput: Decodable {
        var courseId: String
        var userIds: [Int64]?
        var cohort: String?
        var mode: AttemptMode
        var opensAt: Instant?
        var closesAt: Instant?
        var caseTimeLimitMinutes: Int?
        var overrideModeConflict: Bool?

        static let fields: Set<String> = [
            "courseId", "userIds", "cohort", "mode", "opensAt", "closesAt", "caseTimeLimitMinutes",
            "overrideModeConflict",
        ]
    }

    struct GroupCreated: Encodable {
        var id: Int64
        var assignmentIds: [Int64]
    }

    struct GroupView: Encodable {
        var id: Int64
        var courseId: String
        var title: String
        var mode: AttemptMode
        var cohort: String?
        var opensAt: Instant?
        var closesAt: Instant?
        var caseTimeLimitMinutes: Int?
        var createdBy: String
        var createdAt: Instant
        var traineeCount: Int
        var resultsReleased: Bool
        var trainees: [Trainee]?

        struct Trainee: Encodable {
            var userId: Int64
            var username: String
            var displayName: String
            var assignmentId: Int64
        }
    }

    /// Checks a class assignment and makes it: the group and one assignment per person, all or none.
    func createGroup(_ input: GroupInput, by actor: User) async throws -> (AssignmentGroup, [Assignment]) {
        guard try await storage.course(id: input.courseId) != nil else {
            throw APIError.badRequest("No such course; import or generate it first.", field: "courseId")
        }
        var userIds: [Int64]
        switch (input.userIds, input.cohort) {
        case (let ids?, nil):
            guard !ids.isEmpty, ids.count <= 1000 else {
                throw APIError.badRequest("Give 1 to 1000 user ids.", field: "userIds")
            }
            userIds = ids
        case (nil, let cohort?):
            guard let members = try await storage.cohortMembers(cohort), !members.isEmpty else {
                throw APIError.badRequest("No such cohort, or it has no members; add people to it first.", field: "cohort")
            }
            userIds = members
        default:
            throw APIError.badRequest("Give either userIds or cohort.", field: input.userIds == nil ? "userIds" : "cohort")
        }
        for (i, id) in userIds.enumerated() {
            guard let user = try await storage.user(id: id) else {
                throw APIError.badRequest("No user with this id.", field: "userIds[\(i)]")
            }
            guard user.role == .trainee else {
                throw APIError.badRequest("Assign courses to trainees only.", field: "userIds[\(i)]")
            }
        }
        guard Set(userIds).count == userIds.count else {
            throw APIError.badRequest("Give each person once.", field: "userIds")
        }
        if let opens = input.opensAt, let closes = input.closesAt, closes <= opens {
            throw APIError.badRequest("Close the window after it opens.", field: "closesAt")
        }
        if let closes = input.closesAt, closes <= now() {
            throw APIError.badRequest("The window would be closed already; give a later closing time.", field: "closesAt")
        }
        if let minutes = input.caseTimeLimitMinutes {
            guard input.mode == .test else {
                throw APIError.badRequest("A time limit per case is for test mode.", field: "caseTimeLimitMinutes")
            }
            guard (1...600).contains(minutes) else {
                throw APIError.badRequest("Give 1 to 600 minutes per case.", field: "caseTimeLimitMinutes")
            }
        }
        // Test integrity, checked for everyone before anyone is assigned (all or none).
        let overriding = input.overrideModeConflict ?? false
        var conflicts: [Assignment] = []
        for (i, id) in userIds.enumerated() {
            guard let other = try await storage.modeConflict(courseId: input.courseId, userId: id, mode: input.mode)
            else { continue }
            guard overriding else {
                throw APIError(
                    .conflict, "mode-conflict",
                    StorageError.modeConflict(other, courseId: input.courseId, mode: input.mode).message,
                    field: input.cohort == nil ? "userIds[\(i)]" : "cohort")
            }
            conflicts.append(other)
        }
        let made: (group: AssignmentGroup, assignments: [Assignment])
        do {
            made = try await storage.createGroup(
                NewAssignmentGroup(
                    courseId: input.courseId, mode: input.mode, cohort: input.cohort, opensAt: input.opensAt,
                    closesAt: input.closesAt, caseTimeLimitMinutes: input.caseTimeLimitMinutes,
                    createdBy: actor.username),
                userIds: userIds, overridingModeConflict: overriding, at: now())
        } catch let error as StorageError where error.code == "mode-conflict" {
            throw APIError(.conflict, "mode-conflict", error.message)
        }
        await audit(
            actor.username, "assign",
            "group \(made.group.id): \(input.courseId) \(input.mode.rawValue) to "
                + (input.cohort.map { "cohort \($0)" } ?? userIds.map(String.init).joined(separator: ",")))
        for other in conflicts {
            await audit(
                actor.username, "assign.overrideModeConflict",
                "\(input.courseId) \(input.mode.rawValue) to user \(other.userId) despite assignment \(other.id) "
                    + "(\(other.courseId), \(other.mode.rawValue))")
        }
        return made
    }

    func groupView(_ group: AssignmentGroup, withTrainees: Bool) async throws -> GroupView {
        let members = try await storage.assignments(groupId: group.id)
        var trainees: [GroupView.Trainee]? = nil
        if withTrainees {
            trainees = []
            for assignment in members {
                guard let user = try await user(id: assignment.userId) else { continue }
                trainees?.append(
                    .init(
                        userId: user.id, username: user.username, displayName: user.displayName,
                        assignmentId: assignment.id))
            }
        }
        let title = try await storage.course(id: group.courseId)?.title ?? group.courseId
        return GroupView(
            id: group.id, courseId: group.courseId, title: title, mode: group.mode, cohort: group.cohort,
            opensAt: group.opensAt, closesAt: group.closesAt, caseTimeLimitMinutes: group.caseTimeLimitMinutes,
            createdBy: group.createdBy, createdAt: group.createdAt, traineeCount: members.count,
            resultsReleased: !members.isEmpty && members.allSatisfy(\.resultsReleased), trainees: trainees)
    }

    /// The group in the path, for staff; 404 otherwise.
    func staffGroup(_ request: Request, _ context: ServerContext, change: Bool = false) async throws -> (
        User, AssignmentGroup
    ) {
        let (user, _) = change ? try await authenticateChange(request) : try await authenticate(request)
        try requireStaff(user)
        guard let group = try await storage.group(id: try pathId(context, "gid")) else { throw APIError.notFound }
        return (user, group)
    }

    func addGroupRoutes(to router: Router<ServerContext>) {
        router.post("/api/groups") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            let input = try await self.decodeBody(GroupInput.self, from: request, allowedFields: GroupInput.fields)
            let (group, assignments) = try await self.createGroup(input, by: user)
            return jsonResponse(GroupCreated(id: group.id, assignmentIds: assignments.map(\.id)), status: .created)
        }

        router.get("/api/groups") { request, _ in
            let (user, _) = try await self.authenticate(request)
            try self.requireStaff(user)
            var out: [GroupView] = []
            for group in try await self.storage.groups().reversed() {
                out.append(try await self.groupView(group, withTrainees: false))
            }
            return jsonResponse(out)
        }

        router.get("/api/groups/:gid") { request, context in
            let (_, group) = try await self.staffGroup(request, context)
            return jsonResponse(try await self.groupView(group, withTrainees: true))
        }

        router.post("/api/groups/:gid/release") { request, context in
            let (user, group) = try await self.staffGroup(request, context, change: true)
            try await self.storage.releaseResults(groupId: group.id)
            for assignment in try await self.storage.assignments(groupId: group.id) {
                self.work.resultsReleased(assignmentId: assignment.id)
            }
            await self.audit(user.username, "release", "group \(group.id)")
            return noContent()
        }
    }
}
