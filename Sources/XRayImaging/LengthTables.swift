/// The two channels' transmissions through fixed optical depths plus a path length ℓ of one material, tabulated
/// along ℓ and read between grid points by cubic Hermite interpolation: the projection's way of avoiding an
/// exponential per energy bin for every pixel of a load of sacks, drums or rolls.
///
/// Under a curved shape every row of a column has its own path length, but the rest of the column (walls, floor,
/// roof, boxes) is the same along long runs of rows and, in a container, across most columns. For such a run with
/// base optical depths b (per bin) and one curved material of attenuation μ (per bin, per mm), each channel's
/// transmission is f(ℓ) = Σₑ wₑ·exp(−bₑ − μₑ·ℓ), a smooth function of ℓ alone. A table keyed by the bits of b and
/// the material holds f and h·f′ at ℓ = k·h (each grid point one exact evaluation, a pure function of b, μ and k),
/// and between grid points the cubic Hermite polynomial through them, as its four coefficients in t = ℓ/h − k
/// (evaluated by Horner's rule: three multiplications and additions per channel), so a pixel costs one
/// evaluation, and the tables are shared by every column with the same run.
///
/// Accuracy: with h·μ_max = 0.2 (μ_max the material's largest attenuation over the bins), the cubic Hermite error
/// is at most (h·μ_max)⁴/384 · e^(h·μ_max) ≈ 5 × 10⁻⁶ of f, since |f⁗| ≤ μ_max⁴·f for a sum of decaying
/// exponentials: a thirtieth of a 16-bit sample's step of optical depth. At t = 0 Horner's rule gives the constant
/// coefficient, the grid point's value, bit for bit: at ℓ = 0 that is the value of the run without the material.
struct LengthTables {
    /// A table's grid point: f and h·f′ of the high and low channels, as (f_high, f_low, h·f′_high, h·f′_low).
    typealias Point = SIMD4<Float>
    /// An interval's cubic f(k + t) = c₀ + c₁t + c₂t² + c₃t³ in two vectors: (c₀, c₁) of the high and low channels
    /// as (c₀_high, c₀_low, c₁_high, c₁_low), then (c₂_high, c₂_low, c₃_high, c₃_low).
    typealias Interval = (SIMD4<Float>, SIMD4<Float>)

    private struct Key: Hashable {
        var base: SIMD16<UInt32>
        var material: Int
    }

    private struct Table {
        var base: SIMD16<Float>
        var material: Int
        /// The intervals between the `count` grid points computed so far (two vectors each, room for `capacity`
        /// points), and the last of those points, from which the next interval starts (an interval's first vector
        /// is its starting point, so the others need not be kept).
        var intervals: UnsafeMutablePointer<SIMD4<Float>>
        var last = Point()
        var count: Int
        var capacity: Int
    }

    /// Per material: attenuation per mm at fill 1, and the same times each channel's weights.
    private let mu: [SIMD16<Float>]
    private let muWeightsHigh: [SIMD16<Float>], muWeightsLow: [SIMD16<Float>]
    /// Per material: the grid step h (mm), its inverse, and the longest path length a table holds (longer ones
    /// are computed exactly).
    let steps: [Float], inverseSteps: [Float], limits: [Float]
    private let weightsHigh: SIMD16<Float>, weightsLow: SIMD16<Float>
    private var tables: [Table] = []
    private var index: [Key: Int] = [:]

    /// The most grid points a table holds (a table is filled only as far as its longest path length needs).
    static let maximumPoints = 1 << 14

    init(curvedMaterials: [SIMD16<Float>], weightsHigh: SIMD16<Float>, weightsLow: SIMD16<Float>) {
        mu = curvedMaterials
        muWeightsHigh = curvedMaterials.map { $0 * weightsHigh }
        muWeightsLow = curvedMaterials.map { $0 * weightsLow }
        steps = curvedMaterials.map { vector in
            let largest = vector.max()
            return largest > 0 ? 0.2 / largest : 1_000_000
        }
        inverseSteps = steps.map { 1 / $0 }
        limits = steps.map { $0 * Float(Self.maximumPoints - 2) }
        self.weightsHigh = weightsHigh
        self.weightsLow = weightsLow
    }

    /// The table of base depths `base` and `material`, made (empty) on first use.
    mutating func table(base: SIMD16<Float>, material: Int) -> Int {
        let key = Key(base: unsafeBitCast(base, to: SIMD16<UInt32>.self), material: material)
        if let found = index[key] { return found }
        let capacity = 64
        tables.append(
            Table(
                base: base, material: material, intervals: .allocate(capacity: 2 * capacity), count: 0,
                capacity: capacity))
        index[key] = tables.count - 1
        return tables.count - 1
    }

    /// The intervals of `table` (two vectors each, see `Interval`), computed as far as grid point `last` (at most
    /// `maximumPoints − 1`; the intervals up to `last − 1`). The pointer is valid until the next call that extends
    /// a table.
    mutating func intervals(_ table: Int, through last: Int) -> UnsafePointer<SIMD4<Float>> {
        var t = tables[table]
        if last >= t.count {
            if last >= t.capacity {
                var capacity = t.capacity
                while capacity <= last { capacity *= 2 }
                let grown = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: 2 * capacity)
                grown.moveInitialize(from: t.intervals, count: 2 * max(0, t.count - 1))
                t.intervals.deallocate()
                t.intervals = grown
                t.capacity = capacity
            }
            let m = t.material
            for k in t.count...last {
                let next = point(base: t.base, material: m, length: Float(k) * steps[m])
                if k > 0 {
                    let (first, second) = Self.cubic(from: t.last, to: next)
                    (t.intervals + 2 * (k - 1)).initialize(to: first)
                    (t.intervals + 2 * (k - 1) + 1).initialize(to: second)
                }
                t.last = next
            }
            t.count = last + 1
            tables[table] = t
        }
        return UnsafePointer(t.intervals)
    }

    /// The cubic Hermite polynomial between grid points a (t = 0) and b (t = 1), per channel: c₀ = f_a, c₁ = h·f′_a,
    /// c₂ = 3(f_b − f_a) − 2h·f′_a − h·f′_b, c₃ = 2(f_a − f_b) + h·f′_a + h·f′_b, worked in Double and rounded once.
    static func cubic(from a: Point, to b: Point) -> Interval {
        let fa = SIMD2<Double>(Double(a.x), Double(a.y)), da = SIMD2<Double>(Double(a.z), Double(a.w))
        let fb = SIMD2<Double>(Double(b.x), Double(b.y)), db = SIMD2<Double>(Double(b.z), Double(b.w))
        let c2 = 3 * (fb - fa) - 2 * da - db
        let c3 = 2 * (fa - fb) + da + db
        return (a, SIMD4(Float(c2.x), Float(c2.y), Float(c3.x), Float(c3.y)))
    }

    /// One grid point, exactly: the transmissions through `base` plus `length` mm of `material`, and their
    /// derivatives along the length times the step.
    @inline(__always)
    func point(base: SIMD16<Float>, material: Int, length: Float) -> Point {
        let e = expNegative(base + mu[material] * length)
        let step = steps[material]
        return Point(
            pairwiseSum(e * weightsHigh), pairwiseSum(e * weightsLow), -step * pairwiseSum(e * muWeightsHigh[material]),
            -step * pairwiseSum(e * muWeightsLow[material]))
    }

    /// Releases every table.
    mutating func deallocate() {
        for table in tables { table.intervals.deallocate() }
        tables.removeAll()
        index.removeAll()
    }
}

/// The high and low transmissions at path length `length` (0 ≤ length < the material's limit) from a table's
/// intervals (grid points 1 / `inverseStep` apart), by Horner's rule on the interval's cubic; exactly the grid
/// point's values at a grid point's length. The same arithmetic, lane for lane, as `interpolate4`, so that a pixel's
/// value does not depend on which of the two reads it.
@inline(__always)
func interpolate(_ intervals: UnsafePointer<SIMD4<Float>>, length: Float, inverseStep: Float) -> (Float, Float) {
    let x = length * inverseStep
    let r = x.rounded(.down)
    let k = Int(r)
    let t = x - r
    let a = intervals[2 * k], b = intervals[2 * k + 1]
    return (((b.z * t + b.x) * t + a.z) * t + a.x, ((b.w * t + b.y) * t + a.w) * t + a.y)
}

/// `interpolate` for four path lengths at once (each 0 ≤ length < the material's limit, so below 2²²
/// steps): the high and low transmissions of the four.
@inline(__always)
func interpolate4(_ intervals: UnsafePointer<SIMD4<Float>>, lengths: SIMD4<Float>, inverseStep: Float) -> (
    SIMD4<Float>, SIMD4<Float>
) {
    typealias V = SIMD4<Float>
    let x = lengths * inverseStep
    // Rounded down by the 2²³ trick (round to nearest, then one less where that went up); the integer in the low bits.
    let magic = V(repeating: 12_582_912)
    let shifted = x + magic
    var r = shifted - magic
    let up = r .> x
    r = r.replacing(with: r - 1, where: up)
    var k = unsafeBitCast(shifted, to: SIMD4<Int32>.self) & SIMD4(repeating: 0x3F_FFFF)
    k = k.replacing(with: k &- 1, where: up)
    let t = x - r
    let a0 = intervals[2 * Int(k[0])], a1 = intervals[2 * Int(k[1])], a2 = intervals[2 * Int(k[2])]
    let a3 = intervals[2 * Int(k[3])]
    let b0 = intervals[2 * Int(k[0]) + 1], b1 = intervals[2 * Int(k[1]) + 1], b2 = intervals[2 * Int(k[2]) + 1]
    let b3 = intervals[2 * Int(k[3]) + 1]
    let high =
        ((V(b0.z, b1.z, b2.z, b3.z) * t + V(b0.x, b1.x, b2.x, b3.x)) * t + V(a0.z, a1.z, a2.z, a3.z)) * t
        + V(a0.x, a1.x, a2.x, a3.x)
    let low =
        ((V(b0.w, b1.w, b2.w, b3.w) * t + V(b0.y, b1.y, b2.y, b3.y)) * t + V(a0.w, a1.w, a2.w, a3.w)) * t
        + V(a0.y, a1.y, a2.y, a3.y)
    return (high, low)
}
