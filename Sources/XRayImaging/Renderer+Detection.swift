extension Renderer {
    /// Photon noise, the floor and the 16-bit log encoding in one pass over eight pixels at a time; then the
    /// material classes over the samples written, and the display image from both in a last pass.
    ///
    /// Noise: the signal of a pixel is N·T photons (N the open-beam flux per pixel) with variance
    /// N·T + σₑ², σₑ the electronic noise (a third of the floor's signal); drawn as a Gaussian of that
    /// variance (the Poisson distribution's normal approximation), the deviates taken four at a time from
    /// `NormalDeviates.quadruples` (one 64-bit draw per eight pixels). The measured transmission never falls below
    /// the floor.
    /// Classes: by `LocalRatioClassifier` over the 16-bit samples (the ratio averaged over a 7 × 7 window), once
    /// they are all written; no pixel is classified on its own.
    /// Display: grey = 1 − τ_high / τ_floor (white = open beam, black = the floor), tinted by the class
    /// colour at 65 % saturation.
    ///
    /// Reads the noise-free transmissions `cleanHigh` and `cleanLow` (row-major, as `scan`) and writes every
    /// buffer of `scan` but the regions. All arithmetic is lane-wise on vectors (no lane-by-lane work but the
    /// table look-ups, which baseline x86-64 has no gather for); divisions by constants are multiplications.
    static func detect(
        _ scan: inout RenderedScan, cleanHigh: [Float], cleanLow: [Float], profile: ScannerProfile,
        classifier: MaterialClassifier, noiseSeed: UInt64?
    ) {
        let count = scan.width * scan.height, width = scan.width, height = scan.height
        let localRule = LocalRatioClassifier(classifier)
        // Per class: the factors on grey for red, green and blue, × 255 (and 0 for the unused lane).
        var palette = [SIMD4<Float>](repeating: SIMD4(255, 255, 255, 0), count: 8)
        for kind in MaterialClass.allCases where kind != .unknown && kind != .saturated {
            let s: Float = 0.65
            let tint = kind.tint
            palette[Int(kind.rawValue)] = SIMD4(
                (1 - s + s * tint.red) * 255, (1 - s + s * tint.green) * 255, (1 - s + s * tint.blue) * 255, 0)
        }
        let deviates = NormalDeviates.quadruples
        cleanHigh.withUnsafeBufferPointer { cleanHigh in
            cleanLow.withUnsafeBufferPointer { cleanLow in
                scan.transmissionHigh.withUnsafeMutableBufferPointer { th in
                    scan.transmissionLow.withUnsafeMutableBufferPointer { tl in
                        scan.high.withUnsafeMutableBufferPointer { high in
                            scan.low.withUnsafeMutableBufferPointer { low in
                                deviates.withUnsafeBufferPointer { deviates in
                                    palette.withUnsafeBufferPointer { palette in
                                        var detector = Detector(
                                            profile: profile, classifier: classifier, noiseSeed: noiseSeed,
                                            deviates: deviates.baseAddress!, palette: palette.baseAddress!)
                                        detector.run(
                                            high: cleanHigh.baseAddress!, low: cleanLow.baseAddress!, count: count,
                                            into: DetectorOutput(
                                                transmissionHigh: th.baseAddress!, transmissionLow: tl.baseAddress!,
                                                high: high.baseAddress!, low: low.baseAddress!))
                                        let local = localRule.classify(
                                            high: UnsafeBufferPointer(high), low: UnsafeBufferPointer(low),
                                            width: width, height: height)
                                        scan.display.withUnsafeMutableBufferPointer { display in
                                            scan.materialClasses.withUnsafeMutableBufferPointer { classes in
                                                detector.paint(
                                                    classes: local, transmissionHigh: th.baseAddress!, count: count,
                                                    into: display.baseAddress!,
                                                    classesInto: UnsafeMutableRawPointer(classes.baseAddress!))
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

/// Where `Detector.run` writes: `count` samples of each buffer, row-major.
struct DetectorOutput {
    var transmissionHigh: UnsafeMutablePointer<Float>
    var transmissionLow: UnsafeMutablePointer<Float>
    var high: UnsafeMutablePointer<UInt16>
    var low: UnsafeMutablePointer<UInt16>

    /// The same buffers from pixel `offset` on.
    @inline(__always) func advanced(by offset: Int) -> DetectorOutput {
        DetectorOutput(
            transmissionHigh: transmissionHigh + offset, transmissionLow: transmissionLow + offset,
            high: high + offset, low: low + offset)
    }
}

/// The detector's constants and noise generator, for `Renderer.detect`.
struct Detector {
    typealias V = SIMD8<Float>
    typealias U = SIMD8<UInt32>
    typealias I = SIMD8<Int32>

    let floor: V
    let fluxHigh: V, fluxLow: V
    /// 1 / N and (σₑ / N)², per channel: the transmission's noise variance is T / N + (σₑ / N)².
    let inverseFluxHigh: V, inverseFluxLow: V
    let darkHigh2: V, darkLow2: V
    /// σₑ² in photons², per channel.
    let darkPhotonsHigh2: V, darkPhotonsLow2: V
    /// 65535 / opticalDepthFullScale.
    let scale: V
    let greyScale: V
    let noisy: Bool, lowIsHigh: Bool
    var random: NoiseRandom
    let deviates: UnsafePointer<SIMD4<Float>>
    let palette: UnsafePointer<SIMD4<Float>>

    init(
        profile: ScannerProfile, classifier: MaterialClassifier, noiseSeed: UInt64?,
        deviates: UnsafePointer<SIMD4<Float>>, palette: UnsafePointer<SIMD4<Float>>
    ) {
        let floor = Float(profile.transmissionFloor)
        let fluxHigh = Float(profile.photonsPerPixelHigh), fluxLow = Float(profile.photonsPerPixelLow)
        let darkHigh = floor * fluxHigh / 3, darkLow = floor * fluxLow / 3
        self.floor = V(repeating: floor)
        self.fluxHigh = V(repeating: fluxHigh)
        self.fluxLow = V(repeating: fluxLow)
        inverseFluxHigh = V(repeating: 1 / fluxHigh)
        inverseFluxLow = V(repeating: 1 / fluxLow)
        darkHigh2 = V(repeating: (darkHigh / fluxHigh) * (darkHigh / fluxHigh))
        darkLow2 = V(repeating: (darkLow / fluxLow) * (darkLow / fluxLow))
        darkPhotonsHigh2 = V(repeating: darkHigh * darkHigh)
        darkPhotonsLow2 = V(repeating: darkLow * darkLow)
        let scale = Float(65535 / RenderedScan.opticalDepthFullScale)
        self.scale = V(repeating: scale)
        greyScale = V(repeating: 1 / classifier.saturationDepthHigh)
        noisy = noiseSeed != nil
        lowIsHigh = !profile.isDualEnergy
        random = NoiseRandom(seed: noiseSeed ?? 0)
        self.deviates = deviates
        self.palette = palette
    }

    /// The results for eight pixels: measured transmissions and 16-bit samples.
    struct Pixels {
        var transmissionHigh: V, transmissionLow: V
        var high: U, low: U
    }

    /// Detects `count` pixels of the noise-free transmissions `high` and `low`: eight at a time straight into
    /// `output`, the last ones (fewer than eight) through a staging area.
    mutating func run(high: UnsafePointer<Float>, low: UnsafePointer<Float>, count: Int, into output: DetectorOutput) {
        var i = 0
        while i + 8 <= count {
            let h = UnsafeRawPointer(high + i).loadUnaligned(as: V.self)
            let l = UnsafeRawPointer(low + i).loadUnaligned(as: V.self)
            store(eight(high: h, low: l), to: output.advanced(by: i))
            i += 8
        }
        let n = count - i
        guard n > 0 else { return }
        var h = V(repeating: 1), l = V(repeating: 1)
        for k in 0..<n {
            h[k] = high[i + k]
            l[k] = low[i + k]
        }
        let last = eight(high: h, low: l)
        let out = output.advanced(by: i)
        for k in 0..<n {
            out.transmissionHigh[k] = last.transmissionHigh[k]
            out.transmissionLow[k] = last.transmissionLow[k]
            out.high[k] = UInt16(truncatingIfNeeded: last.high[k])
            out.low[k] = UInt16(truncatingIfNeeded: last.low[k])
        }
    }

    /// Writes the classes `classes` (raw values, `count` of them) to `classesInto` and paints the display
    /// (3 × `count` bytes, RGB) from them and the measured transmissions `transmissionHigh`, eight pixels at a time.
    func paint(
        classes: [UInt8], transmissionHigh: UnsafePointer<Float>, count: Int, into display: UnsafeMutablePointer<UInt8>,
        classesInto: UnsafeMutableRawPointer
    ) {
        let one = V(repeating: 1)
        classesInto.copyMemory(from: classes, byteCount: count)
        classes.withUnsafeBytes { classes in
            var i = 0
            while i < count {
                let n = min(8, count - i)
                var h = one
                var kinds = U.zero
                if n == 8 {
                    h = UnsafeRawPointer(transmissionHigh + i).loadUnaligned(as: V.self)
                    kinds = U(truncatingIfNeeded: classes.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self))
                } else {
                    for k in 0..<n {
                        h[k] = transmissionHigh[i + k]
                        kinds[k] = UInt32(classes[i + k])
                    }
                }
                let grey = maximum(one - (V.zero - fastLog(h)) * greyScale, V.zero)
                let words = colours(grey: grey, kinds: kinds)
                let out = UnsafeMutableRawPointer(display + 3 * i)
                if n == 8 {
                    // Twelve bytes of colour per four pixels: the first four pixels' sixteen bytes (the last four
                    // zero), then the next four's over those four and beyond, as eight and four bytes (none past
                    // the eighth pixel).
                    out.storeBytes(of: packedRGB(words.lowHalf), as: SIMD4<UInt32>.self)
                    let next = packedRGB(words.highHalf)
                    out.storeBytes(of: SIMD2(next.x, next.y), toByteOffset: 12, as: SIMD2<UInt32>.self)
                    out.storeBytes(of: next.z, toByteOffset: 20, as: UInt32.self)
                } else {
                    for k in 0..<n {
                        display[3 * (i + k)] = UInt8(truncatingIfNeeded: words[k])
                        display[3 * (i + k) + 1] = UInt8(truncatingIfNeeded: words[k] >> 8)
                        display[3 * (i + k) + 2] = UInt8(truncatingIfNeeded: words[k] >> 16)
                    }
                }
                i += 8
            }
        }
    }

    /// Stores eight pixels' results at the start of `output`.
    @inline(__always)
    func store(_ pixels: Pixels, to output: DetectorOutput) {
        UnsafeMutableRawPointer(output.transmissionHigh).storeBytes(of: pixels.transmissionHigh, as: V.self)
        UnsafeMutableRawPointer(output.transmissionLow).storeBytes(of: pixels.transmissionLow, as: V.self)
        UnsafeMutableRawPointer(output.high).storeBytes(
            of: SIMD8<UInt16>(truncatingIfNeeded: pixels.high), as: SIMD8<UInt16>.self)
        UnsafeMutableRawPointer(output.low).storeBytes(
            of: SIMD8<UInt16>(truncatingIfNeeded: pixels.low), as: SIMD8<UInt16>.self)
    }

    /// Noise, floor and encodings of eight pixels of noise-free transmissions.
    @inline(__always)
    mutating func eight(high cleanHigh: V, low cleanLow: V) -> Pixels {
        var h = cleanHigh, l = cleanLow
        if noisy {
            // Four quadruples of deviates per draw: two for the high channel, two for the low.
            let bits = random.next()
            @inline(__always) func z(_ shift: UInt64) -> SIMD4<Float> {
                deviates[Int(truncatingIfNeeded: bits >> shift) & 0xFFF]
            }
            // N·T + σ·z photons over N: T + √(T / N + (σₑ / N)²)·z.
            let zHigh = V(lowHalf: z(0), highHalf: z(16))
            h += squareRoot(h * inverseFluxHigh + darkHigh2) * zHigh
            if lowIsHigh {
                l = h
            } else {
                let zLow = V(lowHalf: z(32), highHalf: z(48))
                l += squareRoot(l * inverseFluxLow + darkLow2) * zLow
            }
        }
        let one = V(repeating: 1)
        h = minimum(maximum(h, floor), one)
        l = minimum(maximum(l, floor), one)
        let tauHigh = V.zero - fastLog(h), tauLow = V.zero - fastLog(l)
        // With noise, samples keep only the bits above the noise: a step of the largest power of two up to half
        // the photon noise's σ there.
        var stepHigh = I.zero, stepLow = I.zero
        if noisy {
            stepHigh = quantisationStepExponent(transmission: h, flux: fluxHigh, dark2: darkPhotonsHigh2)
            stepLow = quantisationStepExponent(transmission: l, flux: fluxLow, dark2: darkPhotonsLow2)
        }
        return Pixels(
            transmissionHigh: h, transmissionLow: l,
            high: sixteenBitSamples(tauHigh, scale: scale, stepExponent: stepHigh),
            low: sixteenBitSamples(tauLow, scale: scale, stepExponent: stepLow))
    }

    /// Grey × the class's factors, each rounded to the nearest integer (0…255) by the 2²³ trick, as 0x00BBGGRR.
    @inline(__always)
    func colours(grey: V, kinds: U) -> U {
        let p0 = palette[Int(kinds[0])], p1 = palette[Int(kinds[1])], p2 = palette[Int(kinds[2])]
        let p3 = palette[Int(kinds[3])], p4 = palette[Int(kinds[4])], p5 = palette[Int(kinds[5])]
        let p6 = palette[Int(kinds[6])], p7 = palette[Int(kinds[7])]
        let red = V(p0.x, p1.x, p2.x, p3.x, p4.x, p5.x, p6.x, p7.x)
        let green = V(p0.y, p1.y, p2.y, p3.y, p4.y, p5.y, p6.y, p7.y)
        let blue = V(p0.z, p1.z, p2.z, p3.z, p4.z, p5.z, p6.z, p7.z)
        let magic = V(repeating: 8_388_608), byte = U(repeating: 0xFF)
        let r = unsafeBitCast(grey * red + magic, to: U.self) & byte
        let g = unsafeBitCast(grey * green + magic, to: U.self) & byte
        let b = unsafeBitCast(grey * blue + magic, to: U.self) & byte
        return r | (g &<< 8) | (b &<< 16)
    }
}

/// The 16-bit samples of optical depths τ ≥ 0: 65535 − τ·scale rounded to the nearest multiple of the step 2ᵏ
/// (k = `stepExponent`, 0 for full precision), between 0 and 65535.
@inline(__always)
func sixteenBitSamples(_ tau: SIMD8<Float>, scale: SIMD8<Float>, stepExponent k: SIMD8<Int32>) -> SIMD8<UInt32> {
    typealias V = SIMD8<Float>
    typealias I = SIMD8<Int32>
    var value = V(repeating: 65535) - tau * scale
    // 2ᵏ and 2⁻ᵏ built in the exponent bits: multiplying by them is exact, as dividing by 2ᵏ would be. Adding
    // 1.5 × 2²³ rounds to an integer (held in the sum's low mantissa bits).
    let step = unsafeBitCast((k &+ I(repeating: 127)) &<< I(repeating: 23), to: V.self)
    let inverse = unsafeBitCast((I(repeating: 127) &- k) &<< I(repeating: 23), to: V.self)
    let magic = V(repeating: 12_582_912)
    value = ((value * inverse + magic) - magic) * step
    value = minimum(maximum(value, V.zero), V(repeating: 65535))
    return unsafeBitCast(value + magic, to: SIMD8<UInt32>.self) & SIMD8<UInt32>(repeating: 0xFFFF)
}

/// The exponent k (0 to 10) of the quantisation step 2ᵏ of a noisy 16-bit sample: the largest power of two not
/// above half the photon noise's standard deviation in samples at the measured transmission T,
/// σ = scale·√(N·T + σₑ²)/(N·T). Rounding to it adds at most σ²/48 of variance (1 % to the noise's σ) and drops
/// bits that hold only noise, which PNG's compressor cannot squeeze; the samples keep their meaning.
///
/// Without the square root: (σ/2)² = (scale/2)²·(r + σₑ²·r²) with r = 1/(N·T), whose binary exponent e gives
/// k = ⌊e/2⌋ (⌊log₂ x / 2⌋ = ⌊⌊log₂ x⌋ / 2⌋).
@inline(__always)
func quantisationStepExponent(transmission: SIMD8<Float>, flux: SIMD8<Float>, dark2: SIMD8<Float>) -> SIMD8<Int32> {
    typealias V = SIMD8<Float>
    typealias I = SIMD8<Int32>
    let r = V(repeating: 1) / (transmission * flux)
    let halfScale = V(repeating: Float(65535 / RenderedScan.opticalDepthFullScale / 2))
    var halfSquared = halfScale * halfScale * r * (V(repeating: 1) + dark2 * r)
    // k within 0…10 is the binary exponent within 0…21: half² clamped to [1, 2²²) (as comparisons of Floats,
    // cheaper than of the integers).
    halfSquared = minimum(maximum(halfSquared, V(repeating: 1)), V(repeating: 4_194_303.75))
    // half² is a positive normal Float: its exponent field less the bias is ⌊log₂ half²⌋.
    return ((unsafeBitCast(halfSquared, to: I.self) &>> I(repeating: 23)) &- I(repeating: 127)) &>> I(repeating: 1)
}

/// ln x for eight positive normal Floats at once, absolute error below 10⁻⁶ (well inside a 16-bit sample's
/// 1.8 × 10⁻⁴ of optical depth): x = 2ᵉ·m with m in (√½, √2], ln m = 2·atanh s with s = (m − 1)/(m + 1), by
/// its series to s⁹. Pure arithmetic, so bit-identical wherever IEEE Float is.
@inline(__always)
func fastLog(_ x: SIMD8<Float>) -> SIMD8<Float> {
    typealias V = SIMD8<Float>
    typealias I = SIMD8<Int32>
    // x = 2ᵉ·m with m in (√½, √2]: e is the exponent of x·√2 — the integer bits less those of √½ (just above
    // it, 0x3F3504F4) shifted down — and m the bits of x with e taken off the exponent field (exact).
    let bits = unsafeBitCast(x, to: I.self)
    let e = (bits &- I(repeating: 0x3F35_04F4)) &>> 23
    let m = unsafeBitCast(bits &- (e &<< 23), to: V.self)
    // e as a Float: its bits added into the mantissa of 1.5 × 2²³.
    let exponent = unsafeBitCast(e &+ I(repeating: 0x4B40_0000), to: V.self) - V(repeating: 12_582_912)
    let s: V = (m - 1) / (m + 1)
    let s2: V = s * s
    var series: V = s2 * V(repeating: 2.0 / 9) + V(repeating: 2.0 / 7)
    series = series * s2 + V(repeating: 2.0 / 5)
    series = series * s2 + V(repeating: 2.0 / 3)
    series = series * s2 + V(repeating: 2)
    return exponent * V(repeating: 0.693_147_18) + s * series
}

/// Standard normal deviates for photon noise, by table: the normal quantiles at the midpoints of 4,096 equal
/// steps of probability, scaled to unit variance (they reach ±3.7 σ, beyond what photon noise on a 16-bit image
/// needs), dealt into 4,096 quadruples: a 12-bit index draws four deviates for four neighbouring pixels with one
/// vector load (one by one, the 16 loads and insertions per eight pixels took about 2 ms of the detector's 25).
///
/// Lane L of quadruple i is quantile π_L(i), π_L a fixed bijection of the 12-bit numbers (three rounds of an odd
/// multiplier, an addend and an xor-shift, different per lane): in every lane each quantile appears exactly once,
/// so each pixel's deviate has the quantiles' distribution, and the lanes are scrambled against each other
/// (the render's noise shows no correlation between neighbours; `RendererTests`). Integer arithmetic only: the
/// same table everywhere.
enum NormalDeviates {
    static let quadruples: [SIMD4<Float>] = {
        // The quantiles, scaled to unit variance.
        let n = 4096
        let values = (0..<n).map { i -> Double in quantile((Double(i) + 0.5) / Double(n)) }
        let scale = 1 / (values.reduce(0) { $0 + $1 * $1 } / Double(n)).squareRoot()
        let quantiles = values.map { Float($0 * scale) }
        let multipliers: [UInt32] = [0x9E37, 0x6A09, 0xBB67, 0x3C6F]
        return (0..<n).map { (i: Int) -> SIMD4<Float> in
            var quadruple = SIMD4<Float>()
            for lane in 0..<4 {
                var x = UInt32(i)
                for _ in 0..<3 {
                    x = (x &* multipliers[lane] &+ UInt32(2 * lane + 1)) & 0xFFF
                    x ^= x >> 5
                }
                quadruple[lane] = quantiles[Int(x)]
            }
            return quadruple
        }
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
