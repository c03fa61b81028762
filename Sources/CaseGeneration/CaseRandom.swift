/// The project's own pseudo-random generator: xoshiro256** seeded through SplitMix64
/// (Blackman and Vigna, 2018).
///
/// CargoSim promises byte-identical courses for the same generator version, seed and spec, so
/// it never uses the standard library's generator or its `random(in:)` samplers, whose
/// algorithms may change between toolchains. Every sampler below is built on `next()` alone.
public struct CaseRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator for `seed`; equal seeds give equal sequences.
    public init(seed: UInt64) {
        var mixer = seed
        s0 = splitMix64(&mixer)
        s1 = splitMix64(&mixer)
        s2 = splitMix64(&mixer)
        s3 = splitMix64(&mixer)
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// An independent stream of `seed` named `stream` (`paperwork`, `seal`, `load`, `noise`):
    /// adding draws to one stream never shifts the others.
    public init(seed: UInt64, stream: String) {
        self.init(seed: mix(seed, fnv1a64(stream)))
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }
}

@inline(__always) private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

/// One step of SplitMix64: advances `state` and returns a well-mixed value.
@inline(__always) func splitMix64(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Mixes two 64-bit values into one (used to derive seeds).
func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var state = a ^ (b &* 0xD6E8_FEB8_6659_FD93)
    return splitMix64(&state)
}

/// FNV-1a, 64-bit, over the UTF-8 bytes of `text`.
func fnv1a64(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01B3
    }
    return hash
}

/// Samplers the project owns, built on `next()` only.
extension RandomNumberGenerator {
    /// Uniform integer in `range` (Lemire's multiply-and-reject, unbiased).
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
        if span == 0 { return Int(truncatingIfNeeded: next()) }  // the full 64-bit range
        var product = next().multipliedFullWidth(by: span)
        if product.low < span {
            let threshold = (0 &- span) % span
            while product.low < threshold { product = next().multipliedFullWidth(by: span) }
        }
        return range.lowerBound &+ Int(truncatingIfNeeded: product.high)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [lower, upper).
    public mutating func double(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// One element, uniformly; the array must not be empty.
    public mutating func pick<T>(_ items: [T]) -> T { items[int(in: 0...(items.count - 1))] }

    /// One element with probability proportional to its weight; nil when all weights are zero.
    public mutating func weighted<T>(_ items: [(T, Double)]) -> T? {
        let total = items.reduce(0) { $0 + max(0, $1.1) }
        guard total > 0 else { return nil }
        var target = unit() * total
        for (item, weight) in items where weight > 0 {
            target -= weight
            if target < 0 { return item }
        }
        return items.last { $0.1 > 0 }?.0
    }

    /// Normal deviate (Box–Muller, one of the pair).
    public mutating func normal(mean: Double, deviation: Double) -> Double {
        let u1 = max(unit(), 1e-300)
        let u2 = unit()
        return mean + deviation * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A Fisher–Yates shuffle.
    public mutating func shuffled<T>(_ items: [T]) -> [T] {
        var copy = items
        if copy.count < 2 { return copy }
        for i in stride(from: copy.count - 1, to: 0, by: -1) {
            copy.swapAt(i, int(in: 0...i))
        }
        return copy
    }

    /// `count` distinct elements in random order (fewer if the array is shorter).
    public mutating func sample<T>(_ items: [T], count: Int) -> [T] {
        Array(shuffled(items).prefix(count))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
