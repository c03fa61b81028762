import CaseGeneration
import Testing

@Suite struct VisibilityCapTests {
    /// A candidate case in these tests: which variant it is and the CNR it would show.
    struct Candidate: Equatable {
        var variant: Int
        var cnr: Double?
    }

    @Test func aCaseUnderTheFloorWithinTheCapIsKept() {
        var cap = VisibilityCap(floor: 5, maxBelowFloor: 0.5)
        #expect(cap.offer(weakestCNR: 9, variant: 0) == .keep(variant: 0))
        // 1 of 2 under the floor: 50 % ≤ 50 %.
        #expect(cap.offer(weakestCNR: 2, variant: 0) == .keep(variant: 0))
        #expect(cap.withConcealment == 2 && cap.below == 1 && cap.redrawn == 0 && cap.holds)
    }

    @Test func aCaseBeyondTheCapIsRedrawnUntilOneClearsTheFloor() {
        var cap = VisibilityCap(floor: 5, maxBelowFloor: 0.25)
        #expect(cap.offer(weakestCNR: 8, variant: 0) == .keep(variant: 0))
        // 1 of 2 would be 50 % > 25 %: redraw.
        #expect(cap.offer(weakestCNR: 3, variant: 0) == .redraw(variant: 1))
        #expect(cap.offer(weakestCNR: 4.9, variant: 1) == .redraw(variant: 2))
        #expect(cap.offer(weakestCNR: 5, variant: 2) == .keep(variant: 2))
        #expect(cap.withConcealment == 2 && cap.below == 0 && cap.redrawn == 2 && cap.overCap == 0 && cap.holds)
    }

    @Test func whenNoRedrawClearsTheFloorTheClearestIsKeptAndCounted() {
        var cap = VisibilityCap(floor: 5, maxBelowFloor: 0)
        #expect(cap.offer(weakestCNR: 1, variant: 0) == .redraw(variant: 1))
        #expect(cap.offer(weakestCNR: 2, variant: 1) == .redraw(variant: 2))
        #expect(cap.offer(weakestCNR: 4, variant: 2) == .redraw(variant: 3))
        #expect(cap.offer(weakestCNR: 3, variant: 3) == .keep(variant: 2))
        #expect(cap.overCap == 1 && cap.below == 1 && cap.redrawn == 3 && !cap.holds)
        // The next case starts afresh.
        #expect(cap.offer(weakestCNR: 7, variant: 0) == .keep(variant: 0))
        #expect(cap.withConcealment == 2)
    }

    @Test func casesWithoutAConcealmentInTheScanDoNotCount() {
        var cap = VisibilityCap(floor: 5, maxBelowFloor: 0)
        #expect(cap.offer(weakestCNR: nil, variant: 0) == .keep(variant: 0))
        #expect(cap.withConcealment == 0 && cap.below == 0)
    }

    @Test func withoutACapNothingIsRedrawn() {
        var cap = VisibilityCap(floor: 5, maxBelowFloor: nil)
        for _ in 0..<10 { #expect(cap.offer(weakestCNR: 0.5, variant: 0) == .keep(variant: 0)) }
        #expect(cap.below == 10 && cap.redrawn == 0 && cap.holds)
    }

    /// Seeded courses: CNRs drawn at random, redraws that raise the CNR by a random step. Whenever every
    /// over-cap case could be redrawn clear, the cap holds at every prefix of the course; the admitted
    /// candidate is the variant the machine said; the counters add up.
    @Test func theCapHoldsAtEveryPrefixOfRandomCourses() throws {
        var random = TestRandom(seed: 20_261_129)
        func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        for round in 0..<300 {
            let share = [0, 0.1, 0.25, 0.5, 1][round % 5]
            let floor = 2 + 6 * uniform()
            var cap = VisibilityCap(floor: floor, maxBelowFloor: share)
            var kept: [Candidate] = []
            var redraws = 0
            for _ in 0..<(10 + Int(random.next() % 60)) {
                let shows = random.next() % 4 != 0
                let first = Candidate(variant: 0, cnr: shows ? 12 * uniform() : nil)
                let base = first.cnr ?? 0
                let chosen = cap.admit(first, weakestCNR: \.cnr) { variant in
                    redraws += 1
                    // Thinner cargo beside the concealment: the CNR rises with the variant, at the third
                    // variant above the floor at the latest.
                    let step = variant == VisibilityCap.redrawLimit ? floor : (floor / 2) * uniform()
                    return Candidate(variant: variant, cnr: base + Double(variant) * step)
                }
                kept.append(chosen)
                #expect(cap.holds, "round \(round): \(cap.below) of \(cap.withConcealment) over \(share)")
                if let cnr = chosen.cnr, chosen.variant > 0 { #expect(cnr >= floor) }
            }
            let shown = kept.filter { $0.cnr != nil }
            #expect(cap.withConcealment == shown.count)
            #expect(cap.below == shown.filter { $0.cnr! < floor }.count)
            #expect(Double(cap.below) <= share * Double(shown.count) + 1e-9)
            #expect(cap.redrawn == redraws && cap.overCap == 0)
        }
    }

    @Test func redrawErrorsReachTheCaller() {
        struct Failure: Error {}
        var cap = VisibilityCap(floor: 5, maxBelowFloor: 0)
        #expect(throws: Failure.self) {
            _ = try cap.admit(Candidate(variant: 0, cnr: 1), weakestCNR: \.cnr) { _ in throw Failure() }
        }
    }
}
