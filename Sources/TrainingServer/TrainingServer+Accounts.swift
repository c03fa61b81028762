import CargoModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import NIOCore
import Storage

extension TrainingServer {
    /// Failures within this window count towards throttling.
    static let throttleWindowMinutes = 15
    static let maximumFailuresPerUsername = 5
    static let maximumFailuresPerAddress = 20
    struct SignedIn: Encodable {
        var user: User
        var csrfToken: String
    }

    struct LoginInput: Decodable {
        var username: String
        var password: String
    }

    struct LanguageInput: Decodable {
        var language: String
    }

    func addAccountRoutes(to router: Router<ServerContext>) {
        router.get("/api/health") { _, _ in
            jsonResponse(["status": "ok", "version": self.configuration.version])
        }

        router.post("/api/login") { request, context in
            let input = try await self.decodeBody(
                LoginInput.self, from: request, allowedFields: ["username", "password"])
            guard input.username.count <= 64, input.password.count <= 256 else {
                throw APIError.unauthenticated
            }
            let time = self.now()
            let since = time.adding(minutes: -Self.throttleWindowMinutes)
            let failures = try await self.storage.loginFailures(
                username: input.username, address: context.clientAddress, since: since)
            if failures.username >= Self.maximumFailuresPerUsername
                || failures.address >= Self.maximumFailuresPerAddress
            {
                throw APIError.throttled
            }
            let found = try await self.storage.credentials(username: input.username)
            let hash = found?.passwordHash ?? self.decoyHash
            let password = input.password
            let verified = await Task.detached { Bcrypt.verify(password, hash: hash) }.value
            guard let found, verified, !found.user.disabled else {
                try await self.storage.recordLoginFailure(
                    username: input.username, address: context.clientAddress, at: time)
                throw APIError(.unauthorized, "unauthenticated", "Wrong username or password.")
            }
            try await self.storage.clearLoginFailures(username: input.username)
            let token = Tokens.random()
            let session = SessionRecord(
                tokenHash: Tokens.hash(token), userId: found.user.id, csrfToken: Tokens.random(), createdAt: time,
                expiresAt: Instant(millisecondsSinceEpoch: time.millisecondsSinceEpoch + Self.sessionMilliseconds))
            try await self.storage.createSession(session)
            await self.audit(found.user.username, "login", "from \(context.clientAddress)")
            var response = jsonResponse(SignedIn(user: found.user, csrfToken: session.csrfToken))
            response.headers[.setCookie] =
                "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Self.sessionMilliseconds / 1000)"
            return response
        }

        router.post("/api/logout") { request, _ in
            let (user, session) = try await self.authenticateChange(request)
            // Refused from this moment, before the row goes (a lookup just before cannot keep it alive).
            self.work.signOut(session, at: self.now())
            try await self.storage.deleteSession(tokenHash: session.tokenHash)
            await self.audit(user.username, "logout", "")
            var response = noContent()
            response.headers[.setCookie] = "\(Self.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
            return response
        }

        router.get("/api/me") { request, _ in
            let (user, session) = try await self.authenticate(request)
            return jsonResponse(SignedIn(user: user, csrfToken: session.csrfToken))
        }

        router.put("/api/me/language") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            let input = try await self.decodeBody(LanguageInput.self, from: request, allowedFields: ["language"])
            guard Self.languages.contains(input.language) else {
                throw APIError.badRequest("Choose en, es or pt.", field: "language")
            }
            guard let updated = try await self.storage.setLanguage(userId: user.id, language: input.language) else {
                throw APIError.unauthenticated
            }
            self.work.updated(updated)
            return jsonResponse(updated)
        }
    }
}
