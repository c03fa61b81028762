import Foundation
import Testing

@testable import CaseBundle

#if canImport(Glibc)
    import Glibc
#endif

/// `parallelMap` and `onOwnThread` on threads of their own: results in index order, every index once, errors
/// carried back. (That they do not wait for libdispatch's pool was checked by blocking 64 of its utility threads:
/// the pool took 63 s to reach the work, threads of their own 0.01 s. The check itself blocked the whole test
/// process, so it is not kept as a test.)
@Suite struct ParallelTests {
    @Test func everyIndexOnceInOrderOnSeveralThreads() {
        let threads = ThreadNames()
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

    @Test func aThreadOfItsOwnGivesBackTheValueOrTheError() async throws {
        let squares = try await onOwnThread { parallelMap(16) { $0 * $0 } }
        #expect(squares == (0..<16).map { $0 * $0 })
        await #expect(throws: CocoaError.self) {
            try await onOwnThread { throw CocoaError(.fileNoSuchFile) }
        }
    }
}

/// The threads that ran a closure, by their POSIX ids (not `Thread.current`, which would make a Foundation
/// thread object for a pool thread: with it in this test the whole suite stalled twice, without it never).
private final class ThreadNames: @unchecked Sendable {
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
