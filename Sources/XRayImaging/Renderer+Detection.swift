extension Renderer {
    /// Photon noise, the floor, the 16-bit log encoding, material classes and the display image, in one pass
    /// over eight pixels at a time.
    ///
    /// Noise: the signal of a pixel is N·T photons (N the open-beam flux per pixel) with variance
    /// N·T + σₑ², σₑ the electronic noise (a third of the floor's signal); drawn as a Gaussian of that
    /// variance (the Poisson distribution's normal approximation), the deviates taken from
    /// `NormalDeviates` (four per 64-bit draw). The measured transmission never falls below the floor.
    /// Display: grey = 1 − τ_high / τ_floor (white = open beam, black = the floor), tinted by the class
    /// colour at 65 % saturation.
    ///
    /// Reads the noise-free transmissions `cleanHigh` and `cleanLow` (row-major, as `scan`) and writes every
    /// buffer of `scan` but the regions.
    static func detect(
        _ scan: inout RenderedScan, cleanHigh: [Float], cleanLow: [Float], profile: ScannerProfile,
        classifier: MaterialClassifier, noiseSeed: UInt64?
    ) {
        typealias V = SIMD8<Float>
        let count = scan.width * scan.height
        let floor = V(repeating: Float(profile.transmissionFloor)), one = V(repeating: 1)
        let fluxHigh = Float(profile.photonsPerPixelHigh), fluxLow = Float(profile.photonsPerPixelLow)
        let darkHigh = Float(profile.transmissionFloor) * fluxHigh / 3
        let darkLow = Float(profile.transmissionFloor) * fluxLow / 3
        let scale = V(repeating: Float(65535 / RenderedScan.opticalDepthFullScale))
        let greyScale = V(repeating: 1 / classifier.saturationDepthHigh)
        // Per class: the factors on grey for red, green and blue, × 255 (and 0 for the unused lane).
        var palette = [SIMD4<Float>](repeating: SIMD4(255, 255, 255, 0), count: 8)
        for kind in MaterialClass.allCases where kind != .unknown && kind != .saturated {
            let s: Float = 0.65
            let tint = kind.tint
            palette[Int(kind.rawValue)] = SIMD4(
                (1 - s + s * tint.red) * 255, (1 - s + s * tint.green) * 255, (1 - s + s * tint.blue) * 255, 0)
        }
        let noisy = noiseSeed != nil
        var random = NoiseRandom(seed: noiseSeed ?? 0)
        let lowIsHigh = !profile.isDualEnergy
        let deviates = NormalDeviates.table
        cleanHigh.withUnsafeBufferPointer { cleanHigh in
            cleanLow.withUnsafeBufferPointer { cleanLow in
                scan.transmissionHigh.withUnsafeMutableBufferPointer { th in
                    scan.transmissionLow.withUnsafeMutableBufferPointer { tl in
                        scan.high.withUnsafeMutableBufferPointer { high in
                            scan.low.withUnsafeMutableBufferPointer { low in
                                scan.display.withUnsafeMutableBufferPointer { display in
                                    scan.materialClasses.withUnsafeMutableBufferPointer { classes in
                                        classifier.stepMidpoints.withUnsafeBufferPointer { stepMidpoints in
                                            classifier.stepOrders.withUnsafeBufferPointer { stepOrders in
                                                let stepMidpoints = stepMidpoints.baseAddress!,
                                                    stepOrders = stepOrders.baseAddress!
                                                deviates.withUnsafeBufferPointer { z in
                                                    palette.withUnsafeBufferPointer { palette in
                                                        let stride = MemoryLayout<Float>.stride
                                                        let highT = UnsafeMutableRawPointer(th.baseAddress!)
                                                        let lowT = UnsafeMutableRawPointer(tl.baseAddress!)
                                                        let highClean = UnsafeRawPointer(cleanHigh.baseAddress!)
                                                        let lowClean = UnsafeRawPointer(cleanLow.baseAddress!)
                                                        var i = 0
                                                        while i < count {
                                                            let n = min(8, count - i)
                                                            var h = one, l = one
                                                            if n == 8 {
                                                                h = highClean.loadUnaligned(
                                                                    fromByteOffset: i * stride, as: V.self)
                                                                l = lowClean.loadUnaligned(
                                                                    fromByteOffset: i * stride, as: V.self)
                                                            } else {
                                                                for k in 0..<n {
                                                                    h[k] = cleanHigh[i + k]
                                                                    l[k] = cleanLow[i + k]
                                                                }
                                                            }
                                                            if noisy {
                                                                // Four deviates per draw: two for the high channel, two for the low.
                                                                let a = random.next(), b = random.next()
                                                                let c = random.next(), d = random.next()
                                                                @inline(__always) func at(
                                                                    _ bits: UInt64, _ shift: UInt64
                                                                ) -> Float {
                                                                    z[Int(truncatingIfNeeded: bits >> shift) & 0xFFF]
                                                                }
                                                                let zHigh = V(
                                                                    at(a, 0), at(a, 16), at(b, 0), at(b, 16), at(c, 0),
                                                                    at(c, 16),
                                                                    at(d, 0), at(d, 16))
                                                                let signalHigh = h * fluxHigh
                                                                h =
                                                                    (signalHigh + (signalHigh + darkHigh * darkHigh)
                                                                        .squareRoot()
                                                                        * zHigh) / fluxHigh
                                                                if lowIsHigh {
                                                                    l = h
                                                                } else {
                                                                    let zLow = V(
                                                                        at(a, 32), at(a, 48), at(b, 32), at(b, 48),
                                                                        at(c, 32),
                                                                        at(c, 48), at(d, 32), at(d, 48))
                                                                    let signalLow = l * fluxLow
                                                                    l =
                                                                        (signalLow + (signalLow + darkLow * darkLow)
                                                                            .squareRoot()
                                                                            * zLow) / fluxLow
                                                                }
                                                            }
                                                            h = h.replacing(with: floor, where: h .< floor)
                                                            h = h.replacing(with: one, where: h .> one)
                                                            l = l.replacing(with: floor, where: l .< floor)
                                                            l = l.replacing(with: one, where: l .> one)
                                                            let tauHigh = V.zero - fastLog(h),
                                                                tauLow = V.zero - fastLog(l)
                                                            // With noise, samples keep only the bits above the noise: a step of
                                                            // the largest power of two up to half the photon noise's σ there.
                                                            var stepHigh = one, stepLow = one
                                                            if noisy {
                                                                stepHigh = quantisationStep(
                                                                    transmission: h, flux: fluxHigh, dark: darkHigh,
                                                                    scale: scale)
                                                                stepLow = quantisationStep(
                                                                    transmission: l, flux: fluxLow, dark: darkLow,
                                                                    scale: scale)
                                                            }
                                                            let sampleHigh = sixteenBitSamples(
                                                                tauHigh, scale: scale, step: stepHigh)
                                                            let sampleLow = sixteenBitSamples(
                                                                tauLow, scale: scale, step: stepLow)
                                                            var grey = one - tauHigh * greyScale
                                                            grey = grey.replacing(with: V.zero, where: grey .< V.zero)
                                                            if n == 8 {
                                                                highT.storeBytes(
                                                                    of: h, toByteOffset: i * stride, as: V.self)
                                                                lowT.storeBytes(
                                                                    of: l, toByteOffset: i * stride, as: V.self)
                                                            } else {
                                                                for k in 0..<n {
                                                                    th[i + k] = h[k]
                                                                    tl[i + k] = l[k]
                                                                }
                                                            }
                                                            let kinds = classifier.classify(
                                                                tauHigh: tauHigh, tauLow: tauLow,
                                                                stepMidpoints: stepMidpoints,
                                                                stepOrders: stepOrders)
                                                            for k in 0..<n {
                                                                high[i + k] = UInt16(truncatingIfNeeded: sampleHigh[k])
                                                                low[i + k] = UInt16(truncatingIfNeeded: sampleLow[k])
                                                                // a raw value of the classifier's tables (0…5)
                                                                classes[i + k] = unsafeBitCast(
                                                                    UInt8(truncatingIfNeeded: kinds[k]),
                                                                    to: MaterialClass.self)
                                                                // grey × factor rounded to the nearest integer by the 2²³ trick (0…255)
                                                                let rgb = unsafeBitCast(
                                                                    grey[k] * palette[Int(kinds[k])]
                                                                        + SIMD4<Float>(repeating: 8_388_608),
                                                                    to: SIMD4<UInt32>.self)
                                                                display[3 * (i + k)] = UInt8(truncatingIfNeeded: rgb.x)
                                                                display[3 * (i + k) + 1] = UInt8(
                                                                    truncatingIfNeeded: rgb.y)
                                                                display[3 * (i + k) + 2] = UInt8(
                                                                    truncatingIfNeeded: rgb.z)
                                                            }
                                                            i += 8
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The 16-bit samples of optical depths τ ≥ 0: 65535 − τ·scale rounded to the nearest multiple of `step` (a
/// power of two, 1 for full precision), between 0 and 65535.
@inline(__always)
func sixteenBitSamples(_ tau: SIMD8<Float>, scale: SIMD8<Float>, step: SIMD8<Float>) -> SIMD8<UInt32> {
    typealias V = SIMD8<Float>
    var value = V(repeating: 65535) - tau * scale
    // Adding 1.5 × 2²³ rounds to an integer (held in the sum's low mantissa bits); dividing and multiplying by
    // a power of two is exact.
    let magic = V(repeating: 12_582_912)
    value = ((value / step + magic) - magic) * step
    value = value.replacing(with: V.zero, where: value .< V.zero)
    value = value.replacing(with: V(repeating: 65535), where: value .> V(repeating: 65535))
    return unsafeBitCast(value + magic, to: SIMD8<UInt32>.self) & SIMD8<UInt32>(repeating: 0xFFFF)
}

/// The quantisation step of a noisy 16-bit sample: the largest power of two (1 to 1,024) not above half the
/// photon noise's standard deviation in samples at the measured transmission T, σ = scale·√(N·T + σₑ²)/(N·T).
/// Rounding to it adds at most σ²/48 of variance (1 % to the noise's σ) and drops bits that hold only noise,
/// which PNG's compressor cannot squeeze; the samples keep their meaning.
@inline(__always)
func quantisationStep(transmission: SIMD8<Float>, flux: Float, dark: Float, scale: SIMD8<Float>) -> SIMD8<Float> {
    typealias V = SIMD8<Float>
    let signal = transmission * flux
    var half = scale * (signal + dark * dark).squareRoot() / signal * 0.5
    half = half.replacing(with: V(repeating: 1), where: half .< V(repeating: 1))
    half = half.replacing(with: V(repeating: 1024), where: half .> V(repeating: 1024))
    // The power of two at or below: the Float with its mantissa bits cleared.
    return unsafeBitCast(
        unsafeBitCast(half, to: SIMD8<UInt32>.self) & SIMD8<UInt32>(repeating: 0xFF80_0000), to: V.self)
}

/// ln x for eight positive normal Floats at once, absolute error below 10⁻⁶ (well inside a 16-bit sample's
/// 1.8 × 10⁻⁴ of optical depth): x = 2ᵉ·m with m in [√½, √2), ln m = 2·atanh s with s = (m − 1)/(m + 1), by
/// its series to s⁹. Pure arithmetic, so bit-identical wherever IEEE Float is.
@inline(__always)
func fastLog(_ x: SIMD8<Float>) -> SIMD8<Float> {
    typealias V = SIMD8<Float>
    typealias U = SIMD8<UInt32>
    let bits = unsafeBitCast(x, to: U.self)
    // The mantissa as a number in [1, 2), halved (exponent + 1) when above √2.
    var m = unsafeBitCast((bits & U(repeating: 0x007F_FFFF)) | U(repeating: 0x3F80_0000), to: V.self)
    // The biased exponent as a Float: the exponent field dropped into the mantissa of 2²³.
    let field = unsafeBitCast(
        ((bits & U(repeating: 0x7F80_0000)) &>> 23) | U(repeating: 0x4B00_0000), to: V.self)
    var exponent = field - V(repeating: 8_388_608 + 127)
    let high = m .> V(repeating: 1.414_213_56)
    m = m.replacing(with: m * 0.5, where: high)
    exponent = exponent.replacing(with: exponent + 1, where: high)
    let s: V = (m - 1) / (m + 1)
    let s2: V = s * s
    var series: V = s2 * V(repeating: 2.0 / 9) + V(repeating: 2.0 / 7)
    series = series * s2 + V(repeating: 2.0 / 5)
    series = series * s2 + V(repeating: 2.0 / 3)
    series = series * s2 + V(repeating: 2)
    return exponent * V(repeating: 0.693_147_18) + s * series
}

/// Standard normal deviates for photon noise, by table: the normal quantiles at the midpoints of 4,096 equal
/// steps of probability, scaled to unit variance. A 12-bit index draws one; they reach ±3.7 σ, beyond what
/// photon noise on a 16-bit image needs.
enum NormalDeviates {
    static let table: [Float] = {
        let n = 4096
        var values = (0..<n).map { i -> Double in quantile((Double(i) + 0.5) / Double(n)) }
        let variance = values.reduce(0) { $0 + $1 * $1 } / Double(n)
        let scale = 1 / variance.squareRoot()
        values = values.map { $0 * scale }
        return values.map(Float.init)
    }()

    /// Φ⁻¹(p) by bisection on Φ(z) = erfc(−z/√2)/2 (to about 10⁻¹² in z).
    static func quantile(_ p: Double) -> Double {
        var low = -10.0, high = 10.0
        for _ in 0..<80 {
            let mid = (low + high) / 2
            if erfc(-mid / 2.0.squareRoot()) / 2 < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
