import Testing

@testable import CaseGeneration

@Suite struct CaseRandomTests {
    @Test func splitMix64MatchesItsPublishedFirstOutputs() {
        // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        var state: UInt64 = 0
        #expect(splitMix64(&state) == 0xE220_A839_7B1D_CDAF)
        #expect(splitMix64(&state) == 0x6E78_9E6A_A1B9_65F4)
        #expect(splitMix64(&state) == 0x06C4_5D18_8009_454F)
    }

    @Test func theSameSeedGivesTheSameSequence() {
        var a = CaseRandom(seed: 42), b = CaseRandom(seed: 42), c = CaseRandom(seed: 43)
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        #expect(first != (0..<100).map { _ in c.next() })
    }

    @Test func namedStreamsDifferFromEachOtherAndFromTheSeed() {
        var paperwork = CaseRandom(seed: 7, stream: "paperwork")
        var seal = CaseRandom(seed: 7, stream: "seal")
        var plain = CaseRandom(seed: 7)
        let p = (0..<8).map { _ in paperwork.next() }, s = (0..<8).map { _ in seal.next() },
            q = (0..<8).map { _ in plain.next() }
        #expect(p != s && p != q && s != q)
    }

    @Test func integersStayInRangeAndCoverIt() {
        var random = CaseRandom(seed: 1)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 {
            let value = random.int(in: 3...9)
            #expect((3...9).contains(value))
            counts[value - 3] += 1
        }
        // Each of the 7 values expected 10,000 times; a chi-square above 30 (6 df) would be p < 0.0001.
        let chiSquare = counts.reduce(0.0) { $0 + pow(Double($1) - 10_000, 2) / 10_000 }
        #expect(chiSquare < 30, "counts \(counts)")
        #expect(random.int(in: 5...5) == 5)
        #expect(random.int(in: Int.min...Int.max) != random.int(in: Int.min...Int.max))
    }

    @Test func unitDrawsAreInTheHalfOpenInterval() {
        var random = CaseRandom(seed: 9)
        var sum = 0.0
        for _ in 0..<10_000 {
            let u = random.unit()
            #expect(u >= 0 && u < 1)
            sum += u
        }
        #expect(abs(sum / 10_000 - 0.5) < 0.02)
    }

    @Test func weightedPicksFollowTheWeightsAndSkipZeros() {
        var random = CaseRandom(seed: 3)
        var heavy = 0
        for _ in 0..<10_000 {
            let pick = random.weighted([("a", 1.0), ("b", 0), ("c", 3.0)])!
            #expect(pick != "b")
            if pick == "c" { heavy += 1 }
        }
        #expect((7_200...7_800).contains(heavy))
        #expect(random.weighted([("a", 0.0)]) == nil)
    }

    @Test func shuffleIsAPermutation() {
        var random = CaseRandom(seed: 11)
        let items = Array(0..<50)
        let shuffled = random.shuffled(items)
        #expect(shuffled.sorted() == items)
        #expect(shuffled != items)
    }

    @Test func caseSeedsAndIDsAreDistinctAcrossACourse() {
        let course = CourseSeed.random()
        let seeds = (0..<10_000).map { course.caseSeed(index: $0) }
        #expect(Set(seeds).count == seeds.count)
        let ids = (0..<10_000).map { course.caseId(index: $0) }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 12 && $0.first == "C" })
        #expect(Set(seeds.map(opaqueCaseID)).count == seeds.count)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
