import Foundation
import Testing

@testable import CaseBundle

/// `parallelMap`: results in index order, every index once. (How many threads share the work is libdispatch's
/// choice: in a busy test run the calling thread sometimes does it all, so that is not checked.)
@Suite struct ParallelTests {
    @Test func everyIndexOnceInOrder() {
        let runs = Counts()
        let results = parallelMap(200) { i in
            runs.add(i)
            var x = UInt64(i)
            for _ in 0..<20_000 { x = x &* 6_364_136_223_846_793_005 &+ 1 }  // some work, so that helpers join in
            return (i, x)
        }
        #expect(results.map(\.0) == Array(0..<200))
        #expect(parallelMap(0) { $0 }.isEmpty)
        #expect(parallelMap(1) { $0 * 3 } == [0])
        #expect(runs.all == Dictionary(uniqueKeysWithValues: (0..<200).map { ($0, 1) }))
    }
}

/// How often each index ran, from several threads.
private final class Counts: @unchecked Sendable {
    private var counts: [Int: Int] = [:]
    private let lock = NSLock()
    func add(_ i: Int) { lock.withLock { counts[i, default: 0] += 1 } }
    var all: [Int: Int] { lock.withLock { counts } }
}
