import CargoModel
import Storage

/// The sign-in limits (docs/API.md, "Sign-in limits").
public struct SignInLimits: Sendable, Hashable {
    /// Failures of one username from one address before its lock-outs begin.
    public var failuresBeforeLockout: Int
    /// The first lock-out; each further failure doubles it, up to `longestLockout`.
    public var firstLockout: Duration
    public var longestLockout: Duration
    /// Failures of a pair older than this are forgotten.
    public var pairMemory: Duration
    /// Failures from one address, any username, within `addressWindow`.
    public var failuresPerAddress: Int
    public var addressWindow: Duration
    /// bcrypt checks running at once, and waiting beyond those; more are refused with 503 `busy`.
    public var concurrentPasswordChecks: Int
    public var waitingPasswordChecks: Int

    public init(
        failuresBeforeLockout: Int = 5, firstLockout: Duration = .seconds(60), longestLockout: Duration = .seconds(900),
        pairMemory: Duration = .seconds(86_400), failuresPerAddress: Int = 20, addressWindow: Duration = .seconds(900),
        concurrentPasswordChecks: Int = 2, waitingPasswordChecks: Int = 32
    ) {
        self.failuresBeforeLockout = failuresBeforeLockout
        self.firstLockout = firstLockout
        self.longestLockout = longestLockout
        self.pairMemory = pairMemory
        self.failuresPerAddress = failuresPerAddress
        self.addressWindow = addressWindow
        self.concurrentPasswordChecks = concurrentPasswordChecks
        self.waitingPasswordChecks = waitingPasswordChecks
    }

    var rules: SignInThrottle.Rules {
        func milliseconds(_ duration: Duration) -> Int64 {
            duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        }
        return SignInThrottle.Rules(
            failuresBeforeLockout: failuresBeforeLockout, firstLockoutMilliseconds: milliseconds(firstLockout),
            longestLockoutMilliseconds: milliseconds(longestLockout), pairMemoryMilliseconds: milliseconds(pairMemory),
            failuresPerAddress: failuresPerAddress, addressWindowMilliseconds: milliseconds(addressWindow))
    }
}

/// Who may try a password now: the sign-in rules of `docs/API.md` as a state machine, without I/O.
///
/// The store keeps the failures that happened (they outlive a restart); this machine keeps the attempts in
/// flight, so that checking the limits and taking a place under them is one step: sixty sign-ins sent at once
/// see each other's places and only as many as the limits allow reach bcrypt. The caller reads the store's
/// summary after taking a `snapshot`, then calls `admit`; if the store changed for that address in between
/// (a failure recorded, a sign-in cleared, an unlock) the answer is `stale` and the caller reads again.
///
/// The rules, per address and username pair and per address (never per username alone, so that nobody can
/// lock a named user out from everywhere):
/// - after `failuresBeforeLockout` failures of a pair, the next try must wait `firstLockout`, doubling with
///   each further failure up to `longestLockout` (counted from the latest failure); failures older than
///   `pairMemory` are forgotten, and a success or an instructor's unlock clears them;
/// - an address with `failuresPerAddress` failures within `addressWindow` waits until the oldest leaves it.
struct SignInThrottle: Sendable {
    struct Rules: Sendable, Hashable {
        var failuresBeforeLockout = 5
        var firstLockoutMilliseconds: Int64 = 60_000
        var longestLockoutMilliseconds: Int64 = 15 * 60_000
        var pairMemoryMilliseconds: Int64 = 24 * 3_600_000
        var failuresPerAddress = 20
        var addressWindowMilliseconds: Int64 = 15 * 60_000

        /// The lock-out after `failures` failures of a pair (zero below the threshold).
        func lockout(afterFailures failures: Int) -> Int64 {
            guard failures >= failuresBeforeLockout else { return 0 }
            let doublings = min(failures - failuresBeforeLockout, 40)
            let grown = firstLockoutMilliseconds.multipliedReportingOverflow(by: Int64(1) << doublings)
            return grown.overflow ? longestLockoutMilliseconds : min(grown.partialValue, longestLockoutMilliseconds)
        }
    }

    struct Pair: Hashable, Sendable {
        var address: String
        var username: String
    }

    /// The store's version of an address at the time of a read (compared again in `admit`).
    struct Snapshot: Hashable, Sendable {
        var counter: UInt64
    }

    /// A place under the limits, held while the password is checked.
    struct Reservation: Hashable, Sendable {
        var pair: Pair
    }

    enum Decision: Hashable, Sendable {
        case admit(Reservation)
        /// Refused; try again after this many seconds (at least 1).
        case refuse(retryAfterSeconds: Int)
        /// The store changed since the snapshot: read it again and call `admit` again.
        case stale
    }

    let rules: Rules
    private var pendingByPair: [Pair: Int] = [:]
    private var pendingByAddress: [String: Int] = [:]
    /// A counter that grows with every change to the store's failures; per address, the value at its last change.
    private var counter: UInt64 = 0
    private var changedAt: [String: UInt64] = [:]
    /// A change that concerns every address (an unlock by username, or forgetting `changedAt`).
    private var everythingChangedAt: UInt64 = 0

    init(rules: Rules) { self.rules = rules }

    /// Taken before reading the store for `address`.
    func snapshot() -> Snapshot { Snapshot(counter: counter) }

    /// Checks the limits for `pair` against what the store held at `snapshot` plus the attempts in flight, and
    /// takes a place when they allow; `now` is the server's time.
    mutating func admit(_ pair: Pair, stored: LoginFailureSummary, readAfter snapshot: Snapshot, at now: Instant)
        -> Decision
    {
        if everythingChangedAt > snapshot.counter || (changedAt[pair.address] ?? 0) > snapshot.counter {
            return .stale
        }
        let now = now.millisecondsSinceEpoch
        let addressPending = pendingByAddress[pair.address] ?? 0
        if stored.addressFailures + addressPending >= rules.failuresPerAddress {
            // Until the oldest failure leaves the window; a window full of attempts in flight waits a whole window.
            let until = (stored.firstAddressFailure?.millisecondsSinceEpoch ?? now) + rules.addressWindowMilliseconds
            return .refuse(retryAfterSeconds: Self.seconds(until - now))
        }
        let pairPending = pendingByPair[pair] ?? 0
        let failures = stored.pairFailures + pairPending
        if failures >= rules.failuresBeforeLockout {
            let lockout = rules.lockout(afterFailures: failures)
            // An attempt in flight decides the next lock-out; until it ends nobody else tries this pair.
            guard pairPending == 0, let last = stored.lastPairFailure?.millisecondsSinceEpoch else {
                return .refuse(retryAfterSeconds: Self.seconds(lockout))
            }
            if now < last + lockout { return .refuse(retryAfterSeconds: Self.seconds(last + lockout - now)) }
        }
        pendingByPair[pair, default: 0] += 1
        pendingByAddress[pair.address, default: 0] += 1
        return .admit(Reservation(pair: pair))
    }

    /// The attempt ended and the store holds its outcome (a failure recorded, or the pair's failures cleared).
    mutating func finish(_ reservation: Reservation) {
        release(reservation)
        counter += 1
        changedAt[reservation.pair.address] = counter
        if changedAt.count > 10_000 {
            // Forgetting is safe: every snapshot taken before now becomes stale and is read again.
            changedAt = [:]
            everythingChangedAt = counter
        }
    }

    /// The attempt never reached the password check (the server was busy); the store did not change.
    mutating func cancel(_ reservation: Reservation) { release(reservation) }

    /// The store's failures changed outside an attempt (an unlock): every snapshot taken before is stale.
    mutating func storeChanged() {
        counter += 1
        everythingChangedAt = counter
    }

    /// Attempts in flight (for tests).
    var pendingCount: Int { pendingByPair.values.reduce(0, +) }

    private mutating func release(_ reservation: Reservation) {
        let pair = reservation.pair
        if let n = pendingByPair[pair] { pendingByPair[pair] = n > 1 ? n - 1 : nil }
        if let n = pendingByAddress[pair.address] { pendingByAddress[pair.address] = n > 1 ? n - 1 : nil }
    }

    private static func seconds(_ milliseconds: Int64) -> Int { max(1, Int((milliseconds + 999) / 1000)) }
}
