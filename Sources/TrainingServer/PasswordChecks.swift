import HummingbirdBcrypt
import NIOConcurrencyHelpers
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// bcrypt, on threads of its own and a few at a time.
///
/// A check costs about 250 ms of CPU at cost 12. Run on Swift's cooperative pool (two threads on a two-core
/// machine) a burst of sign-ins held every thread and case views waited behind it; here at most `concurrent`
/// checks run, on their own threads at a lower scheduling priority, at most `waiting` more queue, and any
/// beyond are refused at once (`busy`) so that a burst costs a bounded amount of work.
final class PasswordChecks: Sendable {
    struct Busy: Error {}

    struct Counts: Sendable, Hashable {
        /// Checks run so far.
        var runs = 0
        /// Checks running or waiting now.
        var inFlight = 0
        var running = 0
        /// The most that ever ran at once.
        var largestRunning = 0
        /// Refused because `waiting` were already queued.
        var refused = 0
    }

    let concurrent: Int
    let waiting: Int
    private let pool: NIOThreadPool
    private let counts = NIOLockedValueBox(Counts())

    init(concurrent: Int, waiting: Int) {
        self.concurrent = max(1, concurrent)
        self.waiting = max(0, waiting)
        pool = NIOThreadPool(numberOfThreads: self.concurrent)
        pool.start()
    }

    deinit { pool.shutdownGracefully { _ in } }

    var snapshot: Counts { counts.withLockedValue { $0 } }

    /// Whether `password` matches the bcrypt `hash`; throws `Busy` when `concurrent + waiting` checks are already
    /// in flight.
    func verify(_ password: String, hash: String) async throws -> Bool {
        let admitted = counts.withLockedValue { counts -> Bool in
            guard counts.inFlight < concurrent + waiting else {
                counts.refused += 1
                return false
            }
            counts.inFlight += 1
            return true
        }
        guard admitted else { throw Busy() }
        defer { counts.withLockedValue { $0.inFlight -= 1 } }
        return try await pool.runIfActive { [counts] in
            #if canImport(Glibc)
                // On Linux this lowers the calling thread only: requests keep the CPU when both compete.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            #endif
            counts.withLockedValue {
                $0.runs += 1
                $0.running += 1
                $0.largestRunning = max($0.largestRunning, $0.running)
            }
            defer { counts.withLockedValue { $0.running -= 1 } }
            return Bcrypt.verify(password, hash: hash)
        }
    }

    /// Hashes on the same threads (new accounts from the API), under the same limits.
    func hash(_ password: String, cost: UInt8) async throws -> String {
        try await pool.runIfActive { Bcrypt.hash(password, cost: cost) }
    }
}
