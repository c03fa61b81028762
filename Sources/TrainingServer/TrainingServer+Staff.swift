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
        router.get("/api/courses") { request, _ in
            let (user, _) = try await self.authenticate(request)
            try self.requireStaff(user)
            return jsonResponse(
                try await self.storage.courses().map {
                    CourseView(id: $0.id, title: $0.title, caseCount: $0.caseCount, importedAt: $0.importedAt)
                })
        }

        router.get("/api/users") { request, _ in
            let (user, _) = try await self.authenticate(request)
            try self.requireStaff(user)
            return jsonResponse(try await self.storage.users())
        }

        router.post("/api/users") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user, admin: true)
            let input = try await self.decodeBody(AccountInput.self, from: request, allowedFields: AccountInput.fields)
            if let problem = input.problem() { throw APIError.badRequest(problem.message, field: problem.field) }
            let hash = try await self.passwordChecks.hash(input.password, cost: self.configuration.bcryptCost)
            let newUser = input.newUser(passwordHash: hash)
            do {
                let created = try await self.storage.createUser(newUser, at: self.now())
                await self.audit(user.username, "user.create", "\(created.username) (\(created.role.rawValue))")
                return jsonResponse(created, status: .created)
            } catch let error as StorageError where error.code == "conflict" {
                throw APIError.conflict("That username is taken; choose another.", field: "username")
            }
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

        router.post("/api/assignments") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            let input = try await self.decodeBody(
                AssignInput.self, from: request, allowedFields: ["courseId", "userIds", "mode"])
            guard try await self.storage.course(id: input.courseId) != nil else {
                throw APIError.badRequest("No such course; import it first.", field: "courseId")
            }
            guard !input.userIds.isEmpty, input.userIds.count <= 1000 else {
                throw APIError.badRequest("Give 1 to 1000 user ids.", field: "userIds")
            }
            for (i, id) in input.userIds.enumerated() where try await self.storage.user(id: id) == nil {
                throw APIError.badRequest("No user with this id.", field: "userIds[\(i)]")
            }
            var created: [[String: Int64]] = []
            for id in input.userIds {
                let assignment = try await self.storage.createAssignment(
                    courseId: input.courseId, userId: id, mode: input.mode, at: self.now())
                created.append(["id": assignment.id])
            }
            await self.audit(
                user.username, "assign",
                "\(input.courseId) \(input.mode.rawValue) to \(input.userIds.map(String.init).joined(separator: ","))")
            return jsonResponse(created, status: .created)
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
