import CargoModel
import CaseBundle
import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOCore
import Storage

/// People and cohorts in the console: instructors enrol and look after trainees; admins also manage staff
/// accounts. Passwords are generated on the server and shown once.
extension TrainingServer {
    struct NewAccountInput: Decodable {
        var username: String
        var displayName: String
        var role: Role
        var language: String
        var password: String?
        var cohort: String?
        static let fields: Set<String> = ["username", "displayName", "role", "language", "password", "cohort"]
    }

    /// A user made or changed, with the password generated for them (shown once, never stored in clear).
    struct AccountAnswer: Encodable {
        var user: User
        var password: String?
    }

    struct CohortInput: Decodable {
        var name: String
        var userIds: [Int64]
    }

    struct CohortView: Encodable {
        var name: String
        var members: [Int64]
    }

    /// Instructors may act on trainees; admins on everyone. Anything else is a 403 naming the role.
    func requireMayManage(_ actor: User, role: Role, field: String = "role") throws {
        try requireStaff(actor)
        guard actor.role == .admin || role == .trainee else {
            throw APIError(.forbidden, "forbidden", "Only an administrator manages staff accounts.", field: field)
        }
    }

    static func cohortProblem(_ name: String) -> String? {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || trimmed != name || name.count > 80 || name.contains(where: \.isNewline)
            ? "Name the cohort with 1 to 80 characters, no leading or trailing blanks." : nil
    }

    /// The body as bytes (at most `limit`), for uploads that are not JSON.
    func rawBody(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw APIError.tooLarge }
        var request = request
        do { return try await request.collectBody(upTo: limit) } catch let error as HTTPError
        where error.status == .contentTooLarge {
            throw APIError.tooLarge
        }
    }

    func addPeopleRoutes(to router: Router<ServerContext>) {
        router.post("/api/users") { request, _ in
            let (actor, _) = try await self.authenticateChange(request)
            try self.requireStaff(actor)
            let input = try await self.decodeBody(
                NewAccountInput.self, from: request, allowedFields: NewAccountInput.fields)
            try self.requireMayManage(actor, role: input.role)
            let generated = input.password == nil
            let account = AccountInput(
                username: input.username, displayName: input.displayName, role: input.role,
                password: input.password ?? generatedPassword(), language: input.language)
            if let problem = account.problem() { throw APIError.badRequest(problem.message, field: problem.field) }
            if let cohort = input.cohort, let problem = Self.cohortProblem(cohort) {
                throw APIError.badRequest(problem, field: "cohort")
            }
            let hash = try await self.passwordChecks.hash(account.password, cost: self.configuration.bcryptCost)
            do {
                let created = try await self.storage.createUsers(
                    [account.newUser(passwordHash: hash)], cohorts: [input.cohort], at: self.now())[0]
                await self.audit(actor.username, "user.create", "\(created.username) (\(created.role.rawValue))")
                return jsonResponse(
                    AccountAnswer(user: created, password: generated ? account.password : nil), status: .created)
            } catch let error as StorageError where error.code == "conflict" {
                throw APIError.conflict("That username is taken; choose another.", field: "username")
            }
        }

        // A CSV of accounts (text/csv, header line first), all or none; every problem named by line and field.
        router.post("/api/users/import") { request, _ in
            let (actor, _) = try await self.authenticateChange(request)
            try self.requireStaff(actor)
            let body = try await self.rawBody(request, limit: Self.maximumBodyBytes)
            guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
                throw APIError.badRequest("Send the CSV as UTF-8 text.")
            }
            let rows: [AccountRow]
            do { rows = try AccountCSV.parse(text, file: "upload") } catch {
                let errors = (error as? BundleErrors)?.errors ?? [(error as? BundleError)].compactMap { $0 }
                throw APIError(
                    .badRequest, "bad-request",
                    "The CSV has \(errors.count) problem(s); nothing was added. Correct the lines named and send it again.",
                    problems: errors.map { .init(line: $0.line, field: $0.field, message: $0.message) })
            }
            var problems: [APIError.Problem] = []
            for row in rows {
                if row.input.role != .trainee && actor.role != .admin {
                    problems.append(
                        .init(line: row.line, field: "role", message: "Only an administrator adds staff accounts."))
                }
                if let cohort = row.cohort, let problem = Self.cohortProblem(cohort) {
                    problems.append(.init(line: row.line, field: "cohort", message: problem))
                }
                if try await self.storage.credentials(username: row.input.username) != nil {
                    problems.append(
                        .init(
                            line: row.line, field: "username",
                            message: "This username is taken; remove the line or choose another name."))
                }
            }
            guard problems.isEmpty else {
                throw APIError(
                    .badRequest, "bad-request",
                    "The CSV has \(problems.count) problem(s); nothing was added. Correct the lines named and send it again.",
                    problems: problems)
            }
            var newUsers: [NewUser] = []
            for row in rows {
                let hash = try await self.passwordChecks.hash(row.input.password, cost: self.configuration.bcryptCost)
                newUsers.append(row.input.newUser(passwordHash: hash))
            }
            let created: [User]
            do {
                created = try await self.storage.createUsers(newUsers, cohorts: rows.map(\.cohort), at: self.now())
            } catch let error as StorageError where error.code == "conflict" {
                throw APIError.conflict(error.message + " Nothing was added.", field: "username")
            }
            await self.audit(actor.username, "users.import", "\(created.count) accounts")
            return jsonResponse(
                zip(created, rows).map { AccountAnswer(user: $0, password: $1.generated ? $1.input.password : nil) },
                status: .created)
        }

        router.post("/api/users/:uid/password") { request, context in
            let (actor, target) = try await self.managedUser(request, context)
            let password = generatedPassword()
            let hash = try await self.passwordChecks.hash(password, cost: self.configuration.bcryptCost)
            self.work.endSessions(userId: target.id, at: self.now())
            guard let updated = try await self.storage.setPasswordHash(userId: target.id, hash: hash) else {
                throw APIError.notFound
            }
            self.work.updated(updated)
            await self.audit(actor.username, "user.passwordReset", updated.username)
            return jsonResponse(AccountAnswer(user: updated, password: password))
        }

        for (path, disabled) in [("disable", true), ("enable", false)] {
            router.post("/api/users/:uid/\(path)") { request, context in
                let (actor, target) = try await self.managedUser(request, context)
                guard target.id != actor.id else {
                    throw APIError.conflict("You cannot disable your own account.")
                }
                if disabled { self.work.endSessions(userId: target.id, at: self.now()) }
                guard let updated = try await self.storage.setDisabled(userId: target.id, disabled: disabled) else {
                    throw APIError.notFound
                }
                self.work.updated(updated)
                await self.audit(actor.username, "user.\(path)", updated.username)
                return jsonResponse(updated)
            }
        }

        router.get("/api/cohorts") { request, _ in
            let (user, _) = try await self.authenticate(request)
            try self.requireStaff(user)
            return jsonResponse(try await self.storage.cohorts().map { CohortView(name: $0.name, members: $0.members) })
        }

        router.post("/api/cohorts") { request, _ in
            let (actor, _) = try await self.authenticateChange(request)
            try self.requireStaff(actor)
            let input = try await self.decodeBody(CohortInput.self, from: request, allowedFields: ["name", "userIds"])
            if let problem = Self.cohortProblem(input.name) { throw APIError.badRequest(problem, field: "name") }
            guard input.userIds.count <= 1000 else {
                throw APIError.badRequest("Give at most 1000 user ids.", field: "userIds")
            }
            for (i, id) in input.userIds.enumerated() {
                guard let user = try await self.storage.user(id: id), user.role == .trainee else {
                    throw APIError.badRequest("Give the ids of trainees.", field: "userIds[\(i)]")
                }
            }
            let members = try await self.storage.addToCohort(input.name, userIds: input.userIds)
            await self.audit(actor.username, "cohort.add", "\(input.name): \(input.userIds.count) people")
            return jsonResponse(CohortView(name: input.name, members: members))
        }
    }

    /// The user in the path, when the signed-in staff member may manage them (a state change).
    func managedUser(_ request: Request, _ context: ServerContext) async throws -> (User, User) {
        let (actor, _) = try await authenticateChange(request)
        try requireStaff(actor)
        guard let target = try await storage.user(id: try pathId(context, "uid")) else { throw APIError.notFound }
        try requireMayManage(actor, role: target.role, field: "uid")
        return (actor, target)
    }
}
