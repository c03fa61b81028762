/// The course-wide cap on concealments that hardly show, as a state machine.
///
/// A curriculum mix may cap the share of concealment cases whose weakest anomaly shows with a
/// contrast-to-noise ratio (CNR) under the visibility floor (`CurriculumMix.maxBelowFloor`). Cases are
/// offered in course order. A case under the floor is kept while the running share allows it:
/// (below + 1) ≤ cap × (concealment cases so far, this one included), so the cap holds at every prefix of
/// the course, not only at its end. Beyond that the caller draws the case again with scene variants
/// 1 to `redrawLimit` (the load redrawn and thinned beside the concealment) and offers each; the first that
/// clears the floor is kept. If none does, the clearest of them is kept and counted in `overCap`, so the
/// command can say the cap was not met rather than hide it.
///
/// Pure: no rendering, no I/O; the caller measures CNRs and redraws.
public struct VisibilityCap: Sendable {
    /// What to do with the case just offered.
    public enum Step: Hashable, Sendable {
        /// Keep the candidate of this variant (0 = as planned).
        case keep(variant: Int)
        /// Draw the case again with this scene variant and offer it.
        case redraw(variant: Int)
    }

    /// The CNR under which a concealment counts as hard to see.
    public let floor: Double
    /// The largest share (0–1) of concealment cases allowed under the floor; nil: no cap.
    public let maxBelowFloor: Double?
    /// Scene variants tried on a case before giving up on it.
    public static let redrawLimit = 3

    /// Cases kept whose concealment shows in the scan.
    public private(set) var withConcealment = 0
    /// Of those, cases kept under the floor.
    public private(set) var below = 0
    /// Redraws asked for.
    public private(set) var redrawn = 0
    /// Cases kept under the floor beyond the cap because no redraw cleared it.
    public private(set) var overCap = 0

    /// The variants offered for the current case and their CNRs (nil: nothing shows).
    private var offered: [(variant: Int, cnr: Double?)] = []

    public init(floor: Double, maxBelowFloor: Double?) {
        self.floor = floor
        self.maxBelowFloor = maxBelowFloor
    }

    /// Offers the next candidate of the current case: variant 0 first, then the variants `redraw` asked for.
    ///
    /// - Parameter weakestCNR: the CNR of the candidate's weakest concealment in the default scan; nil when
    ///   no concealment shows (a clean case, or one outside the image).
    /// - Returns: `.keep(variant:)` (the case is settled; the next offer starts the next case) or
    ///   `.redraw(variant:)`.
    public mutating func offer(weakestCNR: Double?, variant: Int) -> Step {
        offered.append((variant, weakestCNR))
        if variant == 0 {
            guard let cnr = weakestCNR else { return settle(variant: 0, counted: false, under: false) }
            guard cnr < floor else { return settle(variant: 0, counted: true, under: false) }
            guard let cap = maxBelowFloor, Double(below + 1) > cap * Double(withConcealment + 1) else {
                return settle(variant: 0, counted: true, under: true)
            }
        } else if (weakestCNR ?? .infinity) >= floor {
            // A redraw that clears the floor (or whose concealment no longer shows at all).
            return settle(variant: variant, counted: true, under: false)
        }
        if variant < Self.redrawLimit {
            redrawn += 1
            return .redraw(variant: variant + 1)
        }
        // None cleared the floor: keep the clearest redraw (the first of equals).
        var best = offered[1]
        for candidate in offered.dropFirst(2) where (candidate.cnr ?? 0) > (best.cnr ?? 0) { best = candidate }
        overCap += 1
        return settle(variant: best.variant, counted: true, under: true)
    }

    private mutating func settle(variant: Int, counted: Bool, under: Bool) -> Step {
        offered.removeAll(keepingCapacity: true)
        if counted { withConcealment += 1 }
        if under { below += 1 }
        return .keep(variant: variant)
    }

    /// True when the cases kept so far meet the cap.
    public var holds: Bool {
        guard let cap = maxBelowFloor else { return true }
        return Double(below) <= cap * Double(withConcealment) + 1e-9
    }

    /// Runs the machine over one case: offers `first`, redraws as asked, and returns the candidate kept.
    ///
    /// - Parameters:
    ///   - weakestCNR: a candidate's weakest concealment CNR (nil: none shows).
    ///   - redraw: makes the candidate of a scene variant (1…`redrawLimit`).
    public mutating func admit<Candidate>(
        _ first: Candidate, weakestCNR: (Candidate) -> Double?, redraw: (Int) throws -> Candidate
    ) rethrows -> Candidate {
        var candidates = [first]
        var step = offer(weakestCNR: weakestCNR(first), variant: 0)
        while case let .redraw(variant) = step {
            let candidate = try redraw(variant)
            candidates.append(candidate)
            step = offer(weakestCNR: weakestCNR(candidate), variant: variant)
        }
        guard case let .keep(variant) = step else { return first }
        return candidates[variant]
    }
}
