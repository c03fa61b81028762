import CargoModel
import Foundation
import NIOCore
import Storage

/// What every trainee request reads, kept in memory: sessions, users, assignments, each case's progress
/// (stages decided, points chosen, when stages were first shown) and the case views as sent.
///
/// Each request used to ask the store for its session, user, assignment and decisions (decoding every
/// decision's JSON) and to encode the case view again: most of the server's work per request under load
/// (make bench-server). The store stays the truth; the cache holds only what the server itself read or
/// wrote, and the server is the only writer of what can change here once it exists:
///
/// - sessions end by signing out (`signOut` before the row is deleted: a signed-out token is refused at
///   once, and a lookup that read the row just before cannot bring it back) or by expiry (checked against
///   the clock on every hit, as the store's query does);
/// - a user changes only by `PUT /api/me/language`, an assignment only by releasing its results: those
///   writes update the entry and move `epoch` on, so that a read that began before cannot put the old
///   value back;
/// - a case's progress only grows (stages decided in order, points chosen once, a stage's first showing
///   kept): every write and every read is merged into the entry keeping the more advanced state, so the
///   order in which they arrive does not matter.
///
/// Only what exists is kept (an unknown token, user or assignment is asked of the store each time), and
/// every map is bounded: when one is full it is emptied (and `epoch` moves on).
///
/// On a store shared by several server instances (`Storage.isShared`: PostgreSQL) the server is no longer the only
/// writer: a sign-out, a decision or a release through another instance must show here at once. The cache then keeps
/// only what never changes once it exists — when a stage was first shown, and case views (keyed by everything they
/// depend on) — and reads sessions, users, assignments and the stages decided from the store on every request
/// (a few indexed one-row reads; `make bench-cluster` measures the cost).
final class WorkCache: @unchecked Sendable {
    /// The progress of one case of one assignment, as far as known.
    struct Progress: Hashable, Sendable {
        /// The stages decided, in order; nil until read or written.
        var decided: [Stage]?
        /// The examination points chosen: `.some(nil)` when known to be none yet, nil until read or written.
        var chosen: [ExaminationPoint]??
        /// When each stage was first shown (known stages only; a first showing never changes).
        var shown: [Stage: Instant] = [:]

        /// Keeps the more advanced of the two states, field by field.
        mutating func merge(_ other: Progress) {
            if let more = other.decided, more.count > (decided?.count ?? -1) { decided = more }
            if let known = other.chosen, known != nil || chosen == nil { chosen = known }
            shown.merge(other.shown) { first, _ in first }
        }
    }

    struct ProgressKey: Hashable, Sendable {
        var assignmentId: Int64
        var caseId: String
    }

    /// A case view depends only on these (`RestrictedCase`): the same key, the same bytes.
    struct ViewKey: Hashable, Sendable {
        var courseId: String
        var caseId: String
        var mode: AttemptMode
        var decided: Int
        var chosen: [ExaminationPoint]?
        /// Only cases with a time limit carry one (their view names the trainee's own deadline).
        var deadline: Instant? = nil
        var timedOut = false
    }

    static let maximumEntries = 50_000
    static let maximumViews = 4_096

    /// Other instances write the same store: keep only what cannot change.
    let shared: Bool
    private let lock = NSLock()
    private var sessions: [String: SessionRecord] = [:]
    /// Token hashes signed out, with the time they would have expired (kept until then).
    private var signedOut: [String: Instant] = [:]
    /// Users whose sessions all ended (account disabled, password reset): sessions created up to then are refused.
    private var sessionsEnded: [Int64: Instant] = [:]
    private var users: [Int64: User] = [:]
    private var assignments: [Int64: Assignment] = [:]
    private var progress: [ProgressKey: Progress] = [:]
    private var views: [ViewKey: ByteBuffer] = [:]
    /// Moves on with every write that replaces a value (and every emptying): a read from the store that began
    /// under an older epoch is not kept.
    private var epoch: UInt64 = 0

    var currentEpoch: UInt64 { lock.withLock { epoch } }

    init(shared: Bool = false) { self.shared = shared }

    // MARK: Sessions

    /// The session if cached and not expired at `time`; `known` is false when the store must be asked.
    func session(tokenHash: String, at time: Instant) -> (known: Bool, session: SessionRecord?) {
        lock.withLock {
            if signedOut[tokenHash] != nil { return (true, nil) }
            guard let session = sessions[tokenHash] else { return (false, nil) }
            if let ended = sessionsEnded[session.userId], session.createdAt <= ended {
                sessions[tokenHash] = nil
                return (true, nil)
            }
            guard session.expiresAt > time else {
                sessions[tokenHash] = nil
                return (true, nil)
            }
            return (true, session)
        }
    }

    /// Keeps a session the store returned, unless it was signed out meanwhile.
    func keep(_ session: SessionRecord) {
        if shared { return }
        lock.withLock {
            guard signedOut[session.tokenHash] == nil else { return }
            if let ended = sessionsEnded[session.userId], session.createdAt <= ended { return }
            if sessions.count >= Self.maximumEntries { sessions.removeAll() }
            sessions[session.tokenHash] = session
        }
    }

    /// Ends a session for every request from now on; call before deleting it from the store.
    func signOut(_ session: SessionRecord, at time: Instant) {
        lock.withLock {
            sessions[session.tokenHash] = nil
            if signedOut.count >= 1_000 { signedOut = signedOut.filter { $0.value > time } }
            signedOut[session.tokenHash] = session.expiresAt
        }
    }

    /// Ends every session of a user created up to `time`, for every request from now on; call before the store
    /// deletes them (a read racing with the deletion cannot bring one back).
    func endSessions(userId: Int64, at time: Instant) {
        lock.withLock {
            sessions = sessions.filter { $0.value.userId != userId }
            sessionsEnded[userId] = time
        }
    }

    // MARK: Users and assignments

    func user(id: Int64) -> User? { lock.withLock { users[id] } }

    /// Keeps a user read from the store when no write came between (`epoch` as it was before the read).
    func keep(_ user: User, readAt readEpoch: UInt64) {
        if shared { return }
        lock.withLock {
            guard readEpoch == epoch else { return }
            if users.count >= Self.maximumEntries { emptyAll() }
            users[user.id] = user
        }
    }

    /// A user as the store has it after a write.
    func updated(_ user: User) {
        lock.withLock {
            epoch &+= 1
            if !shared { users[user.id] = user }
        }
    }

    func assignment(id: Int64) -> Assignment? { lock.withLock { assignments[id] } }

    func keep(_ assignment: Assignment, readAt readEpoch: UInt64) {
        if shared { return }
        lock.withLock {
            guard readEpoch == epoch else { return }
            if assignments.count >= Self.maximumEntries { emptyAll() }
            assignments[assignment.id] = assignment
        }
    }

    /// Results released: the assignment is read from the store again.
    func resultsReleased(assignmentId: Int64) {
        lock.withLock {
            epoch &+= 1
            assignments[assignmentId] = nil
        }
    }

    // MARK: Progress

    func progress(assignmentId: Int64, caseId: String) -> Progress {
        lock.withLock { progress[ProgressKey(assignmentId: assignmentId, caseId: caseId)] ?? Progress() }
    }

    /// Merges what was read or written; returns the merged state. A read from the store passes the epoch
    /// from before it: if the cache was emptied meanwhile, a write in between may be missing from it, and
    /// the read is returned but not kept.
    @discardableResult
    func merge(_ known: Progress, assignmentId: Int64, caseId: String, readAt readEpoch: UInt64? = nil) -> Progress {
        lock.withLock {
            let key = ProgressKey(assignmentId: assignmentId, caseId: caseId)
            var entry = progress[key] ?? Progress()
            entry.merge(known)
            if let readEpoch, readEpoch != epoch { return entry }
            if progress[key] == nil, progress.count >= Self.maximumEntries { emptyAll() }
            // Shared: the stages decided and the points chosen can grow through another instance; only the first
            // showings (which never change) are kept.
            progress[key] = shared ? Progress(shown: entry.shown) : entry
            return entry
        }
    }

    // MARK: Case views

    func view(_ key: ViewKey) -> ByteBuffer? { lock.withLock { views[key] } }

    func keep(view: ByteBuffer, for key: ViewKey) {
        lock.withLock {
            if views.count >= Self.maximumViews { views.removeAll() }
            views[key] = view
        }
    }

    /// Empties the maps that a stale read could refill (sessions are guarded by `signedOut` instead).
    private func emptyAll() {
        epoch &+= 1
        users.removeAll()
        assignments.removeAll()
        progress.removeAll()
    }
}
