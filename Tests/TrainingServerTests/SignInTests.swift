import CargoModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import Storage
import Testing

@testable import TrainingServer

/// Sign-in under abuse: limits checked and counted before bcrypt runs, a cap on bcrypt at once, lock-outs per
/// address and username that double and end, and an instructor's unlock.
@Suite struct SignInTests {
    /// Sixty wrong passwords for one username from one address, sent at once: the limit (5) reaches bcrypt,
    /// the rest are refused before it, and a trainee's case views meanwhile go on being answered. The
    /// latency figure belongs to a benchmark; the median bound here only catches the stall this fixed
    /// (case views at a 727 ms median while bcrypt ran for every attempt), with room for a loaded machine.
    @Test func sixtySignInsAtOnceRunAtMostTheLimitOfBcryptAndCaseViewsStayFast() async throws {
        let world = try await TestWorld.make(connections: .init(), bcryptCost: 12)
        let victim = AccountInput(
            username: "victim", displayName: "Victim", role: .trainee, password: "a real password 7", language: "en")
        _ = try await world.storage.createUser(victim.newUser(cost: 12), at: world.clock.now())
        let aid = world.assignments["trainee1"]![.training]!
        let caseId = world.caseIds()[0]
        let (statuses, views, runs) = try await world.live { port in
            let (cookie, _) = try await rawSignIn(port: port, "trainee1")
            let viewer = try await RawConnection.open(port: port)
            let before = world.server.passwordChecks.snapshot.runs
            let finished = NIOLockedValueBox(false)
            let burst = Task { () async throws -> [RawResponse?] in
                defer { finished.withLockedValue { $0 = true } }
                return try await withThrowingTaskGroup(of: RawResponse?.self) { group in
                    for _ in 0..<60 {
                        group.addTask {
                            try await rawCall(
                                port: port, from: "127.0.0.2", "POST", "/api/login",
                                json: ["username": "victim", "password": "not the password"])
                        }
                    }
                    var answers: [RawResponse?] = []
                    for try await answer in group { answers.append(answer) }
                    return answers
                }
            }
            // Case views one after another on a kept-alive connection while the burst is served (at least 1 s).
            var views: [Double] = []
            var read = 0
            let started = ContinuousClock.now
            let view = rawRequest("GET", "/api/assignments/\(aid)/cases/\(caseId)", cookie: cookie)
            while ContinuousClock.now - started < .seconds(30),
                ContinuousClock.now - started < .seconds(1) || !finished.withLockedValue({ $0 })
            {
                let sent = ContinuousClock.now
                try await viewer.send(view)
                guard let answer = await viewer.response(after: read) else { break }
                read += answer.length
                #expect(answer.status == 200)
                views.append((ContinuousClock.now - sent).milliseconds)
            }
            let answers = try await burst.value
            await viewer.close()
            return (
                answers.map { $0.map { "\($0.status)\($0.headers["retry-after"] == nil ? "" : "+retry")" } ?? "none" },
                views, world.server.passwordChecks.snapshot.runs - before
            )
        }
        let counted = Dictionary(statuses.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(runs <= 5, "bcrypt ran \(runs) times for 60 sign-ins at once: \(counted)")
        #expect(counted["401"] == 5 && counted["429+retry"] == 55, "\(counted)")
        let p50 = quantile(views, 0.5)
        print("case views during the burst: \(views.count), p50 \(p50) ms, p99 \(quantile(views, 0.99)) ms")
        // At least a median of three: a loaded CI machine answered one view in 4.9 s and so only three in the
        // burst, at a 79 ms median; the stall this test catches had every view slow.
        #expect(views.count >= 3, "only \(views.count) case views answered during the burst")
        #expect(p50 < 200, "case views p50 \(p50) ms during the burst (\(views.count) views)")
    }

    /// Forty usernames at once from one address: twenty reach bcrypt, the rest wait for the window.
    @Test func aBurstAcrossUsernamesFromOneAddressStopsAtTheAddressLimit() async throws {
        let world = try await TestWorld.make(connections: .init())
        let (statuses, runs) = try await world.live { port in
            let before = world.server.passwordChecks.snapshot.runs
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        try await rawCall(
                            port: port, from: "127.0.0.3", "POST", "/api/login",
                            json: ["username": "nobody\(i)", "password": "not the password"])?.status ?? 0
                    }
                }
                var statuses: [Int] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            return (statuses, world.server.passwordChecks.snapshot.runs - before)
        }
        #expect(runs <= 20, "bcrypt ran \(runs) times")
        #expect(statuses.filter { $0 == 401 }.count == 20 && statuses.filter { $0 == 429 }.count == 20, "\(statuses)")
    }

    /// Wrong passwords for the instructor from one machine lock that machine out, not the instructor at theirs.
    @Test func failuresFromOneAddressDoNotLockTheAccountOutElsewhere() async throws {
        let world = try await TestWorld.make(connections: .init())
        try await world.live { port in
            for _ in 0..<5 {
                let answer = try await rawCall(
                    port: port, from: "127.0.0.2", "POST", "/api/login",
                    json: ["username": "instructor", "password": "guessing away"])
                #expect(answer?.status == 401)
            }
            let locked = try await rawCall(
                port: port, from: "127.0.0.2", "POST", "/api/login",
                json: ["username": "instructor", "password": TestWorld.password])
            #expect(locked?.status == 429 && locked?.errorCode == "throttled")
            #expect(locked?.headers["retry-after"] == "60", "\(locked?.headers ?? [:])")
            let elsewhere = try await rawCall(
                port: port, from: "127.0.0.1", "POST", "/api/login",
                json: ["username": "instructor", "password": TestWorld.password])
            #expect(elsewhere?.status == 200, "\(elsewhere?.text ?? "no answer")")
        }
    }

    /// After five failures the pair waits 1 minute, then 2 after the next failure, and so on; never for good.
    @Test func lockOutsDoubleWithEachFailureAndEnd() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let wrong: [String: Any] = ["username": "trainee1", "password": "wrong password"]
            for _ in 0..<5 { #expect(try await client.post("/api/login", wrong).status == .unauthorized) }
            let first = try await client.post("/api/login", wrong)
            #expect(first.status == .tooManyRequests && first.headers[.retryAfter] == "60")
            world.clock.advance(minutes: 1)
            #expect(try await client.post("/api/login", wrong).status == .unauthorized)
            let second = try await client.post("/api/login", wrong)
            #expect(second.status == .tooManyRequests && second.headers[.retryAfter] == "120")
            world.clock.advance(minutes: 2)
            _ = try await client.signedIn("trainee1")
            // The success cleared the pair: five more failures before the next lock-out.
            for _ in 0..<5 { #expect(try await client.post("/api/login", wrong).status == .unauthorized) }
            #expect(try await client.post("/api/login", wrong).headers[.retryAfter] == "60")
        }
    }

    @Test func anInstructorUnlocksAnAccountAndItIsAudited() async throws {
        let world = try await TestWorld.make()
        let trainee = world.users["trainee1"]!
        try await world.test { anonymous in
            for _ in 0..<5 {
                _ = try await anonymous.post("/api/login", ["username": "trainee1", "password": "wrong password"])
            }
            #expect(
                try await anonymous.post("/api/login", ["username": "trainee1", "password": TestWorld.password]).status
                    == .tooManyRequests)
            let other = try await anonymous.signedIn("trainee2")
            #expect(try await other.request(.post, "/api/users/\(trainee.id)/unlock").status == .notFound)
            #expect(try await anonymous.request(.post, "/api/users/\(trainee.id)/unlock").status == .unauthorized)
            let instructor = try await anonymous.signedIn("instructor")
            #expect(
                try await instructor.request(.post, "/api/users/\(trainee.id)/unlock", csrf: false).status == .forbidden
            )
            #expect(try await instructor.request(.post, "/api/users/999999/unlock").status == .notFound)
            #expect(try await instructor.request(.post, "/api/users/\(trainee.id)/unlock").status == .noContent)
            _ = try await anonymous.signedIn("trainee1")
            #expect(
                try await world.storage.auditLog(limit: 20).contains {
                    $0.action == "user.unlock" && $0.actor == "instructor" && $0.detail.contains("trainee1")
                })
        }
    }

    /// With one check at a time and two waiting, a burst from many addresses gets 503 `busy` beyond them.
    @Test func aBurstBeyondTheWaitingChecksIsRefusedAsBusy() async throws {
        let world = try await TestWorld.make(
            signIn: .init(concurrentPasswordChecks: 1, waitingPasswordChecks: 2), connections: .init(),
            bcryptCost: 10)
        let answers = try await world.live { port in
            try await withThrowingTaskGroup(of: RawResponse?.self) { group in
                for i in 0..<16 {
                    group.addTask {
                        try await rawCall(
                            port: port, from: "127.0.1.\(i + 1)", "POST", "/api/login",
                            json: ["username": "someone\(i)", "password": "not the password"])
                    }
                }
                var answers: [RawResponse?] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
        }
        let busy = answers.compactMap { $0 }.filter { $0.status == 503 }
        #expect(!busy.isEmpty, "\(answers.map { $0?.status ?? 0 })")
        #expect(busy.allSatisfy { $0.errorCode == "busy" && $0.headers["retry-after"] != nil })
        #expect(world.server.passwordChecks.snapshot.largestRunning <= 1)
        #expect(world.server.passwordChecks.snapshot.runs <= 16 - busy.count)
    }

    /// The store's failures outlive the server: a new server on the same database keeps the lock-out.
    @Test func aLockOutOutlivesARestart() async throws {
        let world = try await TestWorld.make()
        try await Application(router: world.server.router(), logger: quietLogger).test(.router) { raw in
            let client = Client(client: raw)
            for _ in 0..<5 {
                _ = try await client.post("/api/login", ["username": "trainee1", "password": "nope nope"])
            }
        }
        let storage = try SQLiteStorage(path: world.path)
        defer { removeDatabase(world.path) }
        let restarted = TrainingServer(
            .init(
                storage: storage, assets: Checkout.assets, localizer: Fixture.localizer,
                clock: { [clock = world.clock] in clock.now() }, bcryptCost: 4, version: "test"))
        try await Application(router: restarted.router(), logger: quietLogger).test(.router) { raw in
            let client = Client(client: raw)
            let answer = try await client.post("/api/login", ["username": "trainee1", "password": TestWorld.password])
            #expect(answer.status == .tooManyRequests)
        }
    }
}

/// The password rule of `AccountInput`: at most 72 bytes (bcrypt reads no further), and not among the weakest.
@Suite struct PasswordRuleTests {
    static func input(_ password: String, username: String = "trainee7") -> AccountInput {
        AccountInput(username: username, displayName: "T", role: .trainee, password: password, language: "en")
    }

    @Test(arguments: [
        "        ", "\t\t\t\t \t\t\t", "aaaaaaaa", "ññññññññññ", "trainee7", "TRAINEE7", "my-trainee7-pw", "password",
        "Password1", "12345678", "iloveyou", "sunshine", "1234", "a b",
    ])
    func weakPasswordsAreRefused(password: String) {
        #expect(Self.input(password).problem()?.field == "password", "\(password) was accepted")
    }

    @Test(arguments: ["correct horse 42", "Pérez, 1990 ✓", "kill test password", "browser-test-pw-1", "ab ab ab"])
    func otherPasswordsAreAccepted(password: String) {
        #expect(Self.input(password).problem() == nil)
    }

    /// 72 bytes are accepted and 73 refused, whether the characters take one byte or several.
    @Test func seventyTwoBytesAreTheMost() {
        let ascii = String((0..<72).map { Array("abcdefghij")[$0 % 10] })
        #expect(ascii.utf8.count == 72 && Self.input(ascii).problem() == nil)
        #expect(Self.input(ascii + "k").problem()?.field == "password")
        let accented = String(repeating: "aé", count: 24)  // 3 bytes a pair
        #expect(accented.utf8.count == 72 && Self.input(accented).problem() == nil)
        let over = accented + "é"
        #expect(over.utf8.count == 74 && Self.input(over).problem()?.message.contains("72") == true)
        let emoji = String(repeating: "🚢x", count: 14) + "ab"  // 5 bytes a pair: 72
        #expect(emoji.utf8.count == 72 && Self.input(emoji).problem() == nil)
        #expect(Self.input(emoji + "🚢").problem()?.field == "password")
    }

    /// Accounts made before the rule, with passwords past 72 bytes, still sign in with their password.
    @Test func anOlderAccountWithALongPasswordStillSignsIn() async throws {
        let world = try await TestWorld.make()
        let long = String(repeating: "long pass ", count: 9)  // 90 bytes
        _ = try await world.storage.createUser(
            NewUser(
                username: "veteran", displayName: "V", role: .trainee, language: "en",
                passwordHash: Bcrypt4Hash.make(long)),
            at: world.clock.now())
        try await world.test { client in
            _ = try await client.signedIn("veteran", password: long)
            #expect(
                try await client.post("/api/login", ["username": "veteran", "password": "wrong"]).status
                    == .unauthorized)
        }
    }

    @Test func theAPIRefusesAWeakPasswordNamingTheField() async throws {
        let world = try await TestWorld.make()
        try await world.test { anonymous in
            let admin = try await anonymous.signedIn("admin")
            for password in ["        ", String(repeating: "xy", count: 36) + "z"] {
                let answer = try await admin.post(
                    "/api/users",
                    [
                        "username": "newbie", "displayName": "N", "role": "trainee", "password": password,
                        "language": "en",
                    ])
                #expect(
                    answer.status == .badRequest
                        && (answer.object["error"] as? [String: Any])?["field"] as? String == "password")
            }
        }
    }
}

enum Bcrypt4Hash {
    static func make(_ password: String) -> String { Bcrypt.hash(password, cost: 4) }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}

/// The sign-in rules as a state machine, without the server.
@Suite struct SignInThrottleTests {
    static let pair = SignInThrottle.Pair(address: "10.0.0.5", username: "ana")
    static let now = Instant(millisecondsSinceEpoch: 1_790_000_000_000)

    static func stored(pair: Int, lastAgo: Int64 = 0, address: Int = 0) -> LoginFailureSummary {
        LoginFailureSummary(
            pairFailures: pair,
            lastPairFailure: pair > 0 ? Instant(millisecondsSinceEpoch: now.millisecondsSinceEpoch - lastAgo) : nil,
            addressFailures: max(address, pair),
            firstAddressFailure: pair > 0 ? Instant(millisecondsSinceEpoch: now.millisecondsSinceEpoch - 60_000) : nil)
    }

    @Test func lockOutsDoubleFromOneMinuteToFifteen() {
        let rules = SignInThrottle.Rules()
        #expect((0...10).map { rules.lockout(afterFailures: $0) / 60_000 } == [0, 0, 0, 0, 0, 1, 2, 4, 8, 15, 15])
        #expect(rules.lockout(afterFailures: 500) == 15 * 60_000)
    }

    @Test func placesInFlightCountAgainstTheLimitsAndAreGivenBack() {
        var throttle = SignInThrottle(rules: .init())
        var held: [SignInThrottle.Reservation] = []
        for _ in 0..<8 {
            if case .admit(let r) = throttle.admit(
                Self.pair, stored: Self.stored(pair: 0), readAfter: throttle.snapshot(), at: Self.now)
            {
                held.append(r)
            }
        }
        #expect(held.count == 5 && throttle.pendingCount == 5)
        throttle.cancel(held[0])
        #expect(throttle.pendingCount == 4)
        // Another username from the same address is not held back by this pair.
        let other = SignInThrottle.Pair(address: "10.0.0.5", username: "bruno")
        #expect(
            throttle.admit(other, stored: Self.stored(pair: 0), readAfter: throttle.snapshot(), at: Self.now) != .stale)
    }

    @Test func aReadThatRacedAChangeOfItsAddressIsStale() {
        var throttle = SignInThrottle(rules: .init())
        let snapshot = throttle.snapshot()
        guard
            case .admit(let r) = throttle.admit(
                Self.pair, stored: Self.stored(pair: 0), readAfter: snapshot, at: Self.now)
        else { Issue.record("not admitted"); return }
        throttle.finish(r)
        #expect(throttle.admit(Self.pair, stored: Self.stored(pair: 0), readAfter: snapshot, at: Self.now) == .stale)
        let elsewhere = SignInThrottle.Pair(address: "10.0.0.6", username: "ana")
        #expect(throttle.admit(elsewhere, stored: Self.stored(pair: 0), readAfter: snapshot, at: Self.now) != .stale)
        throttle.storeChanged()
        #expect(throttle.admit(elsewhere, stored: Self.stored(pair: 0), readAfter: snapshot, at: Self.now) == .stale)
    }

    @Test func theAddressLimitWaitsForTheOldestFailureToLeaveTheWindow() {
        var throttle = SignInThrottle(rules: .init())
        let stored = LoginFailureSummary(
            pairFailures: 0, lastPairFailure: nil, addressFailures: 20,
            firstAddressFailure: Instant(millisecondsSinceEpoch: Self.now.millisecondsSinceEpoch - 14 * 60_000))
        #expect(
            throttle.admit(Self.pair, stored: stored, readAfter: throttle.snapshot(), at: Self.now)
                == .refuse(retryAfterSeconds: 60))
    }

    @Test func aLockedPairWaitsUntilItsLockOutEnds() {
        var throttle = SignInThrottle(rules: .init())
        #expect(
            throttle.admit(
                Self.pair, stored: Self.stored(pair: 6, lastAgo: 30_000), readAfter: throttle.snapshot(), at: Self.now)
                == .refuse(retryAfterSeconds: 90))
        if case .admit = throttle.admit(
            Self.pair, stored: Self.stored(pair: 6, lastAgo: 120_000), readAfter: throttle.snapshot(), at: Self.now)
        {
        } else {
            Issue.record("a pair past its lock-out is admitted")
        }
    }
}
