/// exp(−τ) for 16 lanes at once, τ ≥ 0, relative error below 2 × 10⁻⁷ (Float precision).
///
/// Range reduction e^x = 2ᵏ·e^r with |r| ≤ ln 2 / 2, then a degree-6 Taylor polynomial; the power of two
/// is built in the exponent bits. τ is capped at 87 (e^−87 ≈ 1.6 × 10⁻³⁸, the smallest normal Float),
/// far below any detector floor; τ is never negative here (sums of μ·ℓ ≥ 0). Written with vector
/// constants and `replacing(with:where:)`: the standard library's generic `clamped`, `pointwiseMin` and
/// Float → Int conversions on SIMD types run lane by lane and cost ten times the whole function.
@inline(__always)
func expNegative(_ tau: SIMD16<Float>) -> SIMD16<Float> {
    // Four lanes at a time: the width of the baseline x86-64 and ARM vector registers, which keeps the
    // polynomial's temporaries in registers (the same arithmetic lane by lane as a 16-lane version).
    let low = tau.lowHalf, high = tau.highHalf
    return SIMD16(
        lowHalf: SIMD8(lowHalf: expNegative(low.lowHalf), highHalf: expNegative(low.highHalf)),
        highHalf: SIMD8(lowHalf: expNegative(high.lowHalf), highHalf: expNegative(high.highHalf)))
}

/// exp(−τ) for 4 lanes, as `expNegative(_: SIMD16<Float>)`.
@inline(__always)
func expNegative(_ tau: SIMD4<Float>) -> SIMD4<Float> {
    typealias V = SIMD4<Float>
    let cap = V(repeating: 87)
    let x = V.zero - tau.replacing(with: cap, where: tau .> cap)
    // Round x·log₂e to an integer k by adding 1.5 × 2²³: the sum's low mantissa bits then hold k.
    let magic = V(repeating: 12_582_912)
    let shifted = x * V(repeating: 1.442_695_04) + magic
    let k = shifted - magic
    let r = x - k * V(repeating: 0.693_145_75) - k * V(repeating: 1.428_606_8e-6)
    var p = V(repeating: 1.0 / 720)
    p = p * r + V(repeating: 1.0 / 120)
    p = p * r + V(repeating: 1.0 / 24)
    p = p * r + V(repeating: 1.0 / 6)
    p = p * r + V(repeating: 0.5)
    p = p * r + V(repeating: 1)
    p = p * r + V(repeating: 1)
    let biased = unsafeBitCast(shifted, to: SIMD4<Int32>.self) &- SIMD4<Int32>(repeating: 0x4B40_0000 - 127)
    let exponent = biased &<< 23
    return p * unsafeBitCast(exponent, to: V.self)
}

/// `value` rounded to a multiple of 2⁻¹⁸ (lanes from 16 up are left as they are). Sums and differences
/// of such values below 64 are exact in Float, so a box's +v at its top and −v below its bottom cancel
/// exactly in the column's running sum, whatever else was added in between.
@inline(__always)
func quantised(_ value: SIMD16<Float>) -> SIMD16<Float> {
    let scaled = value * SIMD16<Float>(repeating: 262_144)
    let magic = SIMD16<Float>(repeating: 12_582_912)
    let rounded = (scaled + magic) - magic
    return rounded.replacing(with: scaled, where: scaled .>= SIMD16<Float>(repeating: 4_194_304))
        * SIMD16<Float>(repeating: 1 / 262_144)
}

#if arch(x86_64)
    import _Builtin_intrinsics.intel
#endif

/// √v for four Doubles ≥ 0, as one vector instruction where there is one. The standard library's
/// `squareRoot()` goes through the C library's `sqrt` lane by lane (with a branch for errno on negative
/// input); the instruction gives the same correctly rounded results.
@inline(__always)
func squareRoot(_ v: SIMD4<Double>) -> SIMD4<Double> {
    #if arch(x86_64)
        SIMD4(lowHalf: _mm_sqrt_pd(v.lowHalf), highHalf: _mm_sqrt_pd(v.highHalf))
    #else
        v.squareRoot()
    #endif
}

/// √x for eight Floats ≥ 0, correctly rounded (so bit-identical on every machine): SSE's `sqrtps` on x86-64,
/// the standard library's lane by lane elsewhere (on x86-64 that is a scalar `sqrtss` and a branch for negative
/// arguments per lane: 16 of each per eight pixels here, a sixth of the detector's time when measured).
@inline(__always)
func squareRoot(_ x: SIMD8<Float>) -> SIMD8<Float> {
    #if arch(x86_64)
        SIMD8(lowHalf: _mm_sqrt_ps(x.lowHalf), highHalf: _mm_sqrt_ps(x.highHalf))
    #else
        x.squareRoot()
    #endif
}

/// Four Doubles rounded to Floats, as two vector conversions on x86-64 (the standard library converts lane by lane).
@inline(__always)
func floats(_ v: SIMD4<Double>) -> SIMD4<Float> {
    #if arch(x86_64)
        _mm_movelh_ps(_mm_cvtpd_ps(v.lowHalf), _mm_cvtpd_ps(v.highHalf))
    #else
        SIMD4<Float>(v)
    #endif
}

/// √x for four Floats ≥ 0, correctly rounded: SSE's `sqrtps` on x86-64, the standard library's lane by lane elsewhere.
@inline(__always)
func squareRoot(_ x: SIMD4<Float>) -> SIMD4<Float> {
    #if arch(x86_64)
        _mm_sqrt_ps(x)
    #else
        x.squareRoot()
    #endif
}

/// The lane-wise maximum and minimum of two vectors without NaNs: SSE's `maxps` and `minps` on x86-64 (a
/// comparison and a selection otherwise).
@inline(__always)
func maximum(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    #if arch(x86_64)
        SIMD8(lowHalf: _mm_max_ps(a.lowHalf, b.lowHalf), highHalf: _mm_max_ps(a.highHalf, b.highHalf))
    #else
        a.replacing(with: b, where: a .< b)
    #endif
}

@inline(__always)
func minimum(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    #if arch(x86_64)
        SIMD8(lowHalf: _mm_min_ps(a.lowHalf, b.lowHalf), highHalf: _mm_min_ps(a.highHalf, b.highHalf))
    #else
        a.replacing(with: b, where: a .> b)
    #endif
}

/// Four colours as 0x00BBGGRR words packed into twelve bytes R G B R G B … (the vector's first twelve bytes in
/// memory order; the last four are zero). With vector shifts on x86-64: a colour stored lane by lane makes the
/// compiler do the arithmetic before it lane by lane too.
@inline(__always)
func packedRGB(_ words: SIMD4<UInt32>) -> SIMD4<UInt32> {
    #if arch(x86_64)
        // Per 64-bit half: the first colour's three bytes, then the second's.
        let pairs = unsafeBitCast(words, to: SIMD2<UInt64>.self)
        let six = unsafeBitCast(
            (pairs & SIMD2(repeating: 0xFF_FFFF)) | ((pairs &>> 8) & SIMD2(repeating: 0xFFFF_FF00_0000)),
            to: SIMD2<Int64>.self)
        // The second half's six bytes moved down to follow the first's: 48 bits up, across the halves.
        let second = _mm_unpackhi_epi64(six, six)
        let moved = _mm_unpacklo_epi64(_mm_slli_epi64(second, 48), _mm_srli_epi64(second, 16))
        return unsafeBitCast(_mm_or_si128(_mm_move_epi64(six), moved), to: SIMD4<UInt32>.self)
    #else
        let (a, b, c, d) = (words.x, words.y, words.z, words.w)
        return SIMD4(a | b << 24, b >> 8 | c << 16, c >> 16 | d << 8, 0)
    #endif
}
