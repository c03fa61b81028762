import Foundation
import Testing

@testable import CaseBundle

#if canImport(Glibc)
    import Glibc
#endif

/// `parallelMap`: results in index order, every index once, the work shared between threads.
@Suite struct ParallelTests {
    @Test func everyIndexOnceInOrderOnSeveralThreads() {
        let threads = ThreadIds()
        let results = parallelMap(200) { i in
            threads.note()
            var x = UInt64(i)
            for _ in 0..<20_000 { x = x &* 6_364_136_223_846_793_005 &+ 1 }  // some work, so that helpers join in
            return (i, x)
        }
        #expect(results.map(\.0) == Array(0..<200))
        #expect(parallelMap(0) { $0 }.isEmpty)
        #expect(parallelMap(1) { $0 * 3 } == [0])
        if coreCount > 1 { #expect(threads.count > 1, "one thread did all the work on \(coreCount) cores") }
    }
}

/// The threads that ran a closure, by their POSIX ids (not `Thread.current`, which makes a Foundation thread
/// object for a pool thread).
private final class ThreadIds: @unchecked Sendable {
    private var seen: Set<UInt> = []
    private let lock = NSLock()
    func note() {
        lock.lock()
        seen.insert(UInt(pthread_self()))
        lock.unlock()
    }
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return seen.count
    }
}
