import CargoModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import NIOCore
import Storage

extension TrainingServer {
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

    func addAccountRoutes(to router: Router<ServerContext>, secureCookies: Bool) {
        let cookieFlags = "Path=/; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
        router.get("/api/health") { _, _ in
            jsonResponse(["status": "ok", "version": self.configuration.version])
        }

        router.post("/api/login") { request, context in
            let input = try await self.decodeBody(
                LoginInput.self, from: request, allowedFields: ["username", "password"])
            guard input.username.count <= 64, input.password.count <= 256 else {
                throw APIError.unauthenticated
            }
            let pair = SignInThrottle.Pair(address: context.clientAddress, username: input.username)
            let reservation = try await self.reserveSignIn(pair)
            let found: (user: User, passwordHash: String)?
            let verified: Bool
            do {
                found = try await self.storage.credentials(username: input.username)
                verified = try await self.passwordChecks.verify(
                    input.password, hash: found?.passwordHash ?? self.decoyHash)
            } catch is PasswordChecks.Busy {
                self.throttle.withLockedValue { $0.cancel(reservation) }
                throw APIError.busy
            } catch {
                self.throttle.withLockedValue { $0.cancel(reservation) }
                throw error
            }
            let time = self.now()
            guard let found, verified, !found.user.disabled else {
                // Counted whatever happens next: the place is given back only once the store holds the failure.
                defer { self.throttle.withLockedValue { $0.finish(reservation) } }
                try await self.storage.recordLoginFailure(username: pair.username, address: pair.address, at: time)
                throw APIError(.unauthorized, "unauthenticated", "Wrong username or password.")
            }
            do {
                try await self.storage.clearLoginFailures(username: pair.username, address: pair.address)
                self.throttle.withLockedValue { $0.finish(reservation) }
            } catch {
                self.throttle.withLockedValue { $0.cancel(reservation) }
                throw error
            }
            let token = Tokens.random()
            let session = SessionRecord(
                tokenHash: Tokens.hash(token), userId: found.user.id, csrfToken: Tokens.random(), createdAt: time,
                expiresAt: Instant(millisecondsSinceEpoch: time.millisecondsSinceEpoch + Self.sessionMilliseconds))
            try await self.storage.createSession(session)
            await self.audit(found.user.username, "login", "from \(context.clientAddress)")
            var response = jsonResponse(SignedIn(user: found.user, csrfToken: session.csrfToken))
            response.headers[.setCookie] =
                "\(Self.cookieName)=\(token); \(cookieFlags); Max-Age=\(Self.sessionMilliseconds / 1000)"
            return response
        }

        router.post("/api/logout") { request, _ in
            let (user, session) = try await self.authenticateChange(request)
            // Refused from this moment, before the row goes (a lookup just before cannot keep it alive).
            self.work.signOut(session, at: self.now())
            try await self.storage.deleteSession(tokenHash: session.tokenHash)
            await self.audit(user.username, "logout", "")
            var response = noContent()
            response.headers[.setCookie] = "\(Self.cookieName)=; \(cookieFlags); Max-Age=0"
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

    /// Checks the sign-in limits for `pair` and takes a place under them in one step (see `SignInThrottle`),
    /// or throws 429 `throttled` with the seconds to wait.
    func reserveSignIn(_ pair: SignInThrottle.Pair) async throws -> SignInThrottle.Reservation {
        let rules = throttle.withLockedValue { $0.rules }
        // A read that raced with a change of the same address is read again; after a few, the caller waits.
        for _ in 0..<4 {
            let snapshot = throttle.withLockedValue { $0.snapshot() }
            let time = now()
            let stored = try await storage.loginFailureSummary(
                username: pair.username, address: pair.address,
                pairSince: Instant(millisecondsSinceEpoch: time.millisecondsSinceEpoch - rules.pairMemoryMilliseconds),
                addressSince: Instant(
                    millisecondsSinceEpoch: time.millisecondsSinceEpoch - rules.addressWindowMilliseconds))
            switch throttle.withLockedValue({ $0.admit(pair, stored: stored, readAfter: snapshot, at: time) }) {
            case .admit(let reservation): return reservation
            case .refuse(let seconds): throw APIError.throttled(retryAfterSeconds: seconds)
            case .stale: continue
            }
        }
        throw APIError.throttled(retryAfterSeconds: 1)
    }
}
