/// exp(−τ) for 16 lanes at once, τ ≥ 0, relative error below 2 × 10⁻⁷ (Float precision).
///
/// Range reduction e^x = 2ᵏ·e^r with |r| ≤ ln 2 / 2, then a degree-6 Taylor polynomial; the power of two
/// is built in the exponent bits. τ is clamped to 87 (e^−87 ≈ 1.6 × 10⁻³⁸, the smallest normal Float),
/// far below any detector floor. Written with SIMD types so the compiler keeps it in vector registers:
/// the renderer calls it once per pixel for all 16 energy bins of both channels.
@inline(__always)
func expNegative(_ tau: SIMD16<Float>) -> SIMD16<Float> {
    let x = -tau.clamped(lowerBound: SIMD16(repeating: 0), upperBound: SIMD16(repeating: 87))
    let k = (x * 1.442_695_04).rounded(.toNearestOrEven)
    let r = x - k * 0.693_145_75 - k * 1.428_606_8e-6
    var p = SIMD16<Float>(repeating: 1.0 / 720)
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let exponent = (SIMD16<Int32>(k, rounding: .towardZero) &+ 127) &<< 23
    return p * unsafeBitCast(exponent, to: SIMD16<Float>.self)
}
