import CargoModel
import Foundation
import Hummingbird
import Scoring
import Storage

extension TrainingServer {
    struct CourseView: Encodable {
        var id: String
        var title: String
        var caseCount: Int
        var importedAt: Instant
    }

    struct AssignInput: Decodable {
        var courseId: String
        var userIds: [Int64]
        var mode: AttemptMode
        /// Assign even where a user holds the course (or one sharing cases) in the other mode; audited.
        var overrideModeConflict: Bool?
    }

    struct ResultRow: Encodable {
        var userId: Int64
        var username: String
        var caseId: String
        var score: Double
        var outcome: String
        var submittedAt: Instant
    }

    func addStaffRoutes(to router: Router<ServerContext>) {
        router.get("/api/users") { request, _ in
            let (user, _) = try await self.authenticate(request)
            try self.requireStaff(user)
            return jsonResponse(try await self.storage.users())
        }

        // Clears the account's failed sign-ins from every address: a trainee locked out by their own typing (or
        // by someone at their machine) signs in again at once.
        router.post("/api/users/:uid/unlock") { request, context in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            guard let target = try await self.storage.user(id: try pathId(context, "uid")) else {
                throw APIError.notFound
            }
            try await self.storage.clearLoginFailures(username: target.username)
            self.throttle.withLockedValue { $0.storeChanged() }
            await self.audit(user.username, "user.unlock", target.username)
            return noContent()
        }

        // One request, one class assignment (a group); kept for the command line's shape of answer.
        router.post("/api/assignments") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            let input = try await self.decodeBody(
                AssignInput.self, from: request, allowedFields: ["courseId", "userIds", "mode", "overrideModeConflict"])
            let (_, assignments) = try await self.createGroup(
                GroupInput(
                    courseId: input.courseId, userIds: input.userIds, cohort: nil, mode: input.mode,
                    overrideModeConflict: input.overrideModeConflict),
                by: user)
            return jsonResponse(assignments.map { ["id": $0.id] }, status: .created)
        }

        router.get("/api/assignments/:aid/results") { request, context in
            let (user, _) = try await self.authenticate(request)
            try self.requireStaff(user)
            guard let assignment = try await self.storage.assignment(id: try pathId(context, "aid")) else {
                throw APIError.notFound
            }
            let username = try await self.storage.user(id: assignment.userId)?.username ?? ""
            let rows = try await self.storage.grades(assignmentId: assignment.id).map {
                ResultRow(
                    userId: $0.userId, username: username, caseId: $0.caseId, score: $0.score, outcome: $0.outcome,
                    submittedAt: $0.gradedAt)
            }
            return jsonResponse(rows)
        }

        router.post("/api/assignments/:aid/release") { request, context in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            guard let assignment = try await self.storage.assignment(id: try pathId(context, "aid")) else {
                throw APIError.notFound
            }
            try await self.storage.releaseResults(assignmentId: assignment.id)
            self.work.resultsReleased(assignmentId: assignment.id)
            await self.audit(user.username, "release", "assignment \(assignment.id)")
            return noContent()
        }

        router.get("/api/assignments/:aid/attempts.jsonl") { request, context in
            let (user, _) = try await self.authenticate(request)
            try self.requireStaff(user)
            guard let assignment = try await self.storage.assignment(id: try pathId(context, "aid")) else {
                throw APIError.notFound
            }
            var bytes: [UInt8] = []
            for grade in try await self.storage.grades(assignmentId: assignment.id) {
                bytes += grade.attemptJSON
                bytes.append(0x0A)
            }
            return fileResponse(bytes, contentType: "application/x-ndjson; charset=utf-8")
        }

        router.get("/api/audit") { request, _ in
            let (user, _) = try await self.authenticate(request)
            try self.requireStaff(user, admin: true)
            let limitText = request.uri.queryParameters["limit"].map(String.init)
            let limit = limitText.flatMap { Int($0) } ?? 100
            guard (1...10_000).contains(limit) else {
                throw APIError.badRequest("Give limit from 1 to 10000.", field: "limit")
            }
            return jsonResponse(try await self.storage.auditLog(limit: limit))
        }
    }
}
