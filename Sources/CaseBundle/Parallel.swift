import Foundation

// Long CPU work runs on threads of its own, never on libdispatch's shared pool. On Linux that pool also runs Swift
// concurrency's tasks and grows by polling (a thread a second at most); a parallel `DispatchQueue.concurrentPerform`
// issued from a pool thread waits for helpers the pool may not start, and a course-making job in a busy test run
// once made no progress for 900 s. A thread of our own always runs.

/// The stack of the threads started here (the size of a main thread's on Linux).
private let workerStackSize = 8 << 20

/// Runs `body` for every index in `0..<count` on all cores and returns the results in index order. The calling
/// thread works too; the others are started for this call and joined before it returns.
public func parallelMap<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let box = ResultBox<T>(count: count)
    let helpers = min(count, coreCount) - 1
    guard helpers > 0 else {
        for i in 0..<count { box.set(i, body(i)) }
        return box.values()
    }
    let next = IndexCounter(count)
    let work: @Sendable () -> Void = {
        while let i = next.take() { box.set(i, body(i)) }
    }
    let finished = DispatchSemaphore(value: 0)
    for _ in 0..<helpers {
        let thread = Thread {
            work()
            finished.signal()
        }
        thread.stackSize = workerStackSize
        thread.start()
    }
    work()
    for _ in 0..<helpers { finished.wait() }
    return box.values()
}

/// Runs `body` on a thread of its own and returns its result to the awaiting task, which holds no thread
/// meanwhile.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = workerStackSize
        thread.start()
    }
}

/// Hands out `0..<count` one index at a time to several threads.
private final class IndexCounter: @unchecked Sendable {
    private let count: Int
    private var next = 0
    private let lock = NSLock()
    init(_ count: Int) { self.count = count }
    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) {
        lock.lock()
        storage[i] = value
        lock.unlock()
    }
    func values() -> [T] { storage.map { $0! } }
}
