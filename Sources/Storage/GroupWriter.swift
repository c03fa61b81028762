import Dispatch
import Foundation
import GRDB

/// Group commit: the writes that wait while one transaction reaches the disk go together in the next.
///
/// With `synchronous = FULL` every commit waits for an fsync, and a writer's fsync was what a decision waited
/// for under load: two hundred trainees deciding at once queued one fsync each behind the single writer
/// (make bench-server). Here one thread takes every write waiting at that moment, runs each in its own
/// savepoint (a write that fails, a conflict, is rolled back alone and reports its own error), commits them
/// in one transaction, and only then answers each: a write that returned is on the disk, as before. A write
/// that finds nothing waiting before it is committed at once, so a quiet server adds no delay.
final class GroupWriter: @unchecked Sendable {
    /// One waiting write: `run` inside the batch's transaction (keeping its own outcome), `finish` after the
    /// commit (nil) or with the error that failed it.
    private struct Entry {
        let run: (Database) -> Void
        let finish: (Error?) -> Void
    }

    private let pool: DatabasePool
    private let queue = DispatchQueue(label: "cargosim.storage.group-writer")
    private let lock = NSLock()
    private var pending: [Entry] = []
    private var draining = false
    private var largest = 0

    /// The largest batch committed so far (tests check that writes do go together).
    var largestBatch: Int { lock.withLock { largest } }

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `work` in a savepoint of the next group transaction and returns once that transaction is committed.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            // Touched only on the writer's queue: by `run`, then by `finish`.
            let outcome = Outcome<T>()
            let entry = Entry(
                run: { db in
                    do {
                        var value: T?
                        try db.inSavepoint {
                            value = try work(db)
                            return .commit
                        }
                        outcome.result = value.map { .success($0) }
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                        outcome.result = .failure(StorageError.conflict("That is already recorded."))
                    } catch {
                        outcome.result = .failure(error)
                    }
                },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else if let result = outcome.result {
                        continuation.resume(with: result)
                    } else {
                        continuation.resume(throwing: StorageError(code: "io", message: "The write did not run."))
                    }
                })
            let start: Bool = lock.withLock {
                pending.append(entry)
                if draining { return false }
                draining = true
                return true
            }
            if start { queue.async { self.drain() } }
        }
    }

    /// Commits batches until nothing waits.
    private func drain() {
        while true {
            let batch: [Entry] = lock.withLock {
                let taken = pending
                pending = []
                if taken.isEmpty { draining = false }
                largest = max(largest, taken.count)
                return taken
            }
            if batch.isEmpty { return }
            var commitError: Error?
            do {
                try pool.write { db in
                    for entry in batch { entry.run(db) }
                }
            } catch {
                commitError = error
            }
            for entry in batch { entry.finish(commitError) }
        }
    }

    private final class Outcome<T>: @unchecked Sendable {
        var result: Result<T, Error>?
    }
}
