extension Renderer {
    /// Dose and gain, photon noise, clipping, the 16-bit log encoding, material classes and the display image.
    ///
    /// Signal: the noise-free transmission T (scatter included), times the column's pulse dose (1 + σ_p·z) and the
    /// row's channel gain (1 + σ_g·z) when seeded (`DetectorChain`). Noise: a Gaussian (the Poisson distribution's
    /// normal approximation) of variance T·f(τ)/N + (σₑ/N)², N the open-beam flux per pixel, σₑ the electronic
    /// noise (a third of the floor's signal) and f(τ) = Ē(τ)/(Ē₀·A_S): the signal-weighted mean energy behind a
    /// steel depth τ over the open beam's (an energy-integrating detector's variance per unit of signal grows with
    /// the energy per photon, so beam hardening raises it), over the Swank factor A_S; f = 1 with the effects off.
    /// The deviates come four at a time from `NormalDeviates.quadruples` (one 64-bit draw per eight pixels), then,
    /// with `correlatedNoise`, are convolved with the detector's 3 × 3 kernel. Clipping: at the floor, or at
    /// `DetectorChain.minimumTransmission` when the penetration emerges; at 1 above.
    /// Classes: on the two channels' optical depths averaged over the chain's window, so that a pixel's class is
    /// that of the window's mean ratio (saturated when the window's mean depth reaches the floor's).
    /// Display: grey = 1 − τ_high / τ_floor of the pixel itself (white = open beam, black = the floor), tinted by
    /// the class colour at 65 % saturation.
    ///
    /// Reads the transmissions `cleanHigh` and `cleanLow` (row-major, as `scan`) and writes every buffer of `scan`
    /// but the regions. Arithmetic is lane-wise on eight pixels at a time but for the table look-ups.
    static func detect(
        _ scan: inout RenderedScan, cleanHigh: [Float], cleanLow: [Float], profile: ScannerProfile,
        classifier: MaterialClassifier, noise: NoiseModel, noiseSeed: UInt64?
    ) {
        let width = scan.width, height = scan.height, count = width * height
        let padded = (count + 7) & ~7
        let chain = profile.detector
        // Padded working images: the signal, the deviates, the measured depths and their local means.
        let work = UnsafeMutablePointer<Float>.allocate(capacity: 6 * padded)
        defer { work.deallocate() }
        let signalHigh = work, signalLow = work + padded
        let deviatesHigh = work + 2 * padded, deviatesLow = work + 3 * padded
        let tauHigh = work + 4 * padded, tauLow = work + 5 * padded
        cleanHigh.withUnsafeBufferPointer { signalHigh.update(from: $0.baseAddress!, count: count) }
        cleanLow.withUnsafeBufferPointer { signalLow.update(from: $0.baseAddress!, count: count) }
        (signalHigh + count).update(repeating: 1, count: padded - count)
        (signalLow + count).update(repeating: 1, count: padded - count)
        if let seed = noiseSeed {
            var random = NoiseRandom(seed: seed)
            NormalDeviates.draw(high: deviatesHigh, low: deviatesLow, count: padded, using: &random)
            if !profile.isDualEnergy { deviatesLow.update(from: deviatesHigh, count: padded) }
            if chain.correlatedNoise, profile.blurSigmaPixels > 0 {
                let kernel = NoiseModel.correlationKernel(sigma: profile.blurSigmaPixels)
                for deviates in profile.isDualEnergy ? [deviatesHigh, deviatesLow] : [deviatesHigh] {
                    NoiseModel.correlate(deviates, width: width, height: height, kernel: kernel)
                }
                if !profile.isDualEnergy { deviatesLow.update(from: deviatesHigh, count: padded) }
            }
            if chain.pulseDoseSigma > 0 || chain.channelGainSigma > 0 {
                // Independent streams for the two channels (interlaced pulses, their own amplifiers); a single-energy
                // scanner's low channel is its high one.
                var variations = NoiseRandom(seed: seed ^ 0x5851_F42D_4C95_7F2D)
                let dose = DetectorVariations.factors(count: width, sigma: chain.pulseDoseSigma, using: &variations)
                let gain = DetectorVariations.factors(count: height, sigma: chain.channelGainSigma, using: &variations)
                let doseLow = DetectorVariations.factors(
                    count: width, sigma: chain.pulseDoseSigma, using: &variations)
                let gainLow = DetectorVariations.factors(
                    count: height, sigma: chain.channelGainSigma, using: &variations)
                DetectorVariations.apply(dose: dose, gain: gain, to: signalHigh, width: width, height: height)
                if profile.isDualEnergy {
                    DetectorVariations.apply(dose: doseLow, gain: gainLow, to: signalLow, width: width, height: height)
                } else {
                    signalLow.update(from: signalHigh, count: count)
                }
            }
        }
        // Per class: the factors on grey for red, green and blue, × 255 (and 0 for the unused lane).
        var palette = [SIMD4<Float>](repeating: SIMD4(255, 255, 255, 0), count: 8)
        for kind in MaterialClass.allCases where kind != .unknown && kind != .saturated {
            let s: Float = 0.65
            let tint = kind.tint
            palette[Int(kind.rawValue)] = SIMD4(
                (1 - s + s * tint.red) * 255, (1 - s + s * tint.green) * 255, (1 - s + s * tint.blue) * 255, 0)
        }
        scan.transmissionHigh.withUnsafeMutableBufferPointer { th in
            scan.transmissionLow.withUnsafeMutableBufferPointer { tl in
                scan.high.withUnsafeMutableBufferPointer { high in
                    scan.low.withUnsafeMutableBufferPointer { low in
                        noise.factorsHigh.withUnsafeBufferPointer { factorsHigh in
                            noise.factorsLow.withUnsafeBufferPointer { factorsLow in
                                var detector = Detector(
                                    profile: profile, classifier: classifier, noisy: noiseSeed != nil,
                                    factorsHigh: factorsHigh.baseAddress!, factorsLow: factorsLow.baseAddress!,
                                    lastFactor: noise.factorsHigh.count - 1, hardening: noise.varies)
                                detector.measure(
                                    signalHigh: signalHigh, signalLow: signalLow, deviatesHigh: deviatesHigh,
                                    deviatesLow: deviatesLow, count: count,
                                    into: MeasuredOutput(
                                        transmissionHigh: th.baseAddress!, transmissionLow: tl.baseAddress!,
                                        high: high.baseAddress!, low: low.baseAddress!, tauHigh: tauHigh,
                                        tauLow: tauLow))
                            }
                        }
                    }
                }
            }
        }
        // The depths' local means (into the signal's buffers, no longer needed), for the classes.
        var meanHigh = UnsafePointer(tauHigh), meanLow = UnsafePointer(tauLow)
        let window = profile.isDualEnergy ? chain.classificationWindow : 1
        if window > 1 {
            NoiseModel.boxMean(of: tauHigh, into: signalHigh, width: width, height: height, window: window)
            NoiseModel.boxMean(of: tauLow, into: signalLow, width: width, height: height, window: window)
            meanHigh = UnsafePointer(signalHigh)
            meanLow = UnsafePointer(signalLow)
            for i in count..<padded {
                signalHigh[i] = 0
                signalLow[i] = 0
            }
        }
        for i in count..<padded {
            tauHigh[i] = 0
            tauLow[i] = 0
        }
        scan.display.withUnsafeMutableBufferPointer { display in
            scan.materialClasses.withUnsafeMutableBufferPointer { classes in
                classifier.stepTable.withUnsafeBufferPointer { steps in
                    palette.withUnsafeBufferPointer { palette in
                        let painter = Painter(
                            classifier: classifier, steps: steps.baseAddress!, palette: palette.baseAddress!)
                        painter.paint(
                            tauHigh: tauHigh, meanHigh: meanHigh, meanLow: meanLow, count: count,
                            display: display.baseAddress!, classes: UnsafeMutableRawPointer(classes.baseAddress!))
                    }
                }
            }
        }
    }
}

/// Where `Detector.measure` writes: `count` samples of each buffer, row-major; `tauHigh` and `tauLow` padded to a
/// whole number of eight.
struct MeasuredOutput {
    var transmissionHigh: UnsafeMutablePointer<Float>
    var transmissionLow: UnsafeMutablePointer<Float>
    var high: UnsafeMutablePointer<UInt16>
    var low: UnsafeMutablePointer<UInt16>
    var tauHigh: UnsafeMutablePointer<Float>
    var tauLow: UnsafeMutablePointer<Float>
}

/// The detector's constants, for `Renderer.detect`: noise, clipping and encodings.
struct Detector {
    typealias V = SIMD8<Float>
    typealias U = SIMD8<UInt32>
    typealias I = SIMD8<Int32>
    let floor: V, fluxHigh: V, fluxLow: V, inverseFluxHigh: V, inverseFluxLow: V
    /// (σₑ/N)² per channel, and σₑ² in photons.
    let darkHigh2: V, darkLow2: V, darkPhotonsHigh2: V, darkPhotonsLow2: V
    /// 65535 / opticalDepthFullScale.
    let scale: V
    let noisy: Bool, lowIsHigh: Bool
    /// The noise's variance factor f(τ) per channel, by τ × `NoiseModel.stepsPerUnit` (0…`lastFactor`).
    let factorsHigh: UnsafePointer<Float>, factorsLow: UnsafePointer<Float>
    let lastFactor: I
    /// False when the factors are one constant (no look-up needed).
    let hardening: Bool

    init(
        profile: ScannerProfile, classifier: MaterialClassifier, noisy: Bool, factorsHigh: UnsafePointer<Float>,
        factorsLow: UnsafePointer<Float>, lastFactor: Int, hardening: Bool
    ) {
        self.hardening = hardening
        let floor = Float(profile.transmissionFloor)
        let fluxHigh = Float(profile.photonsPerPixelHigh), fluxLow = Float(profile.photonsPerPixelLow)
        let darkHigh = floor * fluxHigh / 3, darkLow = floor * fluxLow / 3
        self.floor = V(
            repeating: profile.detector.emergentPenetration ? Float(DetectorChain.minimumTransmission) : floor)
        self.fluxHigh = V(repeating: fluxHigh)
        self.fluxLow = V(repeating: fluxLow)
        inverseFluxHigh = V(repeating: 1 / fluxHigh)
        inverseFluxLow = V(repeating: 1 / fluxLow)
        darkHigh2 = V(repeating: (darkHigh / fluxHigh) * (darkHigh / fluxHigh))
        darkLow2 = V(repeating: (darkLow / fluxLow) * (darkLow / fluxLow))
        darkPhotonsHigh2 = V(repeating: darkHigh * darkHigh)
        darkPhotonsLow2 = V(repeating: darkLow * darkLow)
        scale = V(repeating: Float(65535 / RenderedScan.opticalDepthFullScale))
        self.noisy = noisy
        lowIsHigh = !profile.isDualEnergy
        self.factorsHigh = factorsHigh
        self.factorsLow = factorsLow
        self.lastFactor = I(repeating: Int32(lastFactor))
    }

    /// The variance factors of eight pixels from their noise-free depths.
    @inline(__always)
    func factors(_ table: UnsafePointer<Float>, signal: V) -> V {
        let tau = V.zero - fastLog(maximum(signal, V(repeating: 1e-30)))
        var index = unsafeBitCast(
            tau * V(repeating: NoiseModel.stepsPerUnit) + V(repeating: 8_388_608), to: I.self) & I(repeating: 0x7F_FFFF)
        index = index.replacing(with: lastFactor, where: index .> lastFactor)
        return V(
            table[Int(index[0])], table[Int(index[1])], table[Int(index[2])], table[Int(index[3])],
            table[Int(index[4])], table[Int(index[5])], table[Int(index[6])], table[Int(index[7])])
    }

    /// Measures `count` pixels of the signals (padded to eight) with the deviates: transmissions, 16-bit samples
    /// and the measured depths.
    mutating func measure(
        signalHigh: UnsafePointer<Float>, signalLow: UnsafePointer<Float>, deviatesHigh: UnsafePointer<Float>,
        deviatesLow: UnsafePointer<Float>, count: Int, into output: MeasuredOutput
    ) {
        let one = V(repeating: 1)
        var staging = (V.zero, V.zero, SIMD8<UInt16>(), SIMD8<UInt16>())
        var i = 0
        while i < count {
            @inline(__always) func load(_ p: UnsafePointer<Float>) -> V {
                UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
            }
            var h = load(signalHigh), l = load(signalLow)
            if noisy {
                // N·T + σ·z photons over N: T + √(f·T / N + (σₑ / N)²)·z.
                let fh = hardening ? factors(factorsHigh, signal: h) : V(repeating: factorsHigh[0])
                let nh = squareRoot(maximum(h, V.zero) * fh * inverseFluxHigh + darkHigh2) * load(deviatesHigh)
                if lowIsHigh {
                    h += nh
                    l = h
                } else {
                    let fl = hardening ? factors(factorsLow, signal: l) : V(repeating: factorsLow[0])
                    l += squareRoot(maximum(l, V.zero) * fl * inverseFluxLow + darkLow2) * load(deviatesLow)
                    h += nh
                }
            }
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
            let sampleHigh = SIMD8<UInt16>(
                truncatingIfNeeded: sixteenBitSamples(tauHigh, scale: scale, stepExponent: stepHigh))
            let sampleLow = SIMD8<UInt16>(
                truncatingIfNeeded: sixteenBitSamples(tauLow, scale: scale, stepExponent: stepLow))
            UnsafeMutableRawPointer(output.tauHigh + i).storeBytes(of: tauHigh, as: V.self)
            UnsafeMutableRawPointer(output.tauLow + i).storeBytes(of: tauLow, as: V.self)
            if i + 8 <= count {
                UnsafeMutableRawPointer(output.transmissionHigh + i).storeBytes(of: h, as: V.self)
                UnsafeMutableRawPointer(output.transmissionLow + i).storeBytes(of: l, as: V.self)
                UnsafeMutableRawPointer(output.high + i).storeBytes(of: sampleHigh, as: SIMD8<UInt16>.self)
                UnsafeMutableRawPointer(output.low + i).storeBytes(of: sampleLow, as: SIMD8<UInt16>.self)
            } else {
                staging = (h, l, sampleHigh, sampleLow)
                for k in 0..<(count - i) {
                    output.transmissionHigh[i + k] = staging.0[k]
                    output.transmissionLow[i + k] = staging.1[k]
                    output.high[i + k] = staging.2[k]
                    output.low[i + k] = staging.3[k]
                }
            }
            i += 8
        }
    }
}

/// Classes and display colours from the measured depths and their local means.
struct Painter {
    typealias V = SIMD8<Float>
    typealias U = SIMD8<UInt32>
    typealias I = SIMD8<Int32>
    let greyScale: V
    let saturationLimitHigh: V, saturationLimitLow: V, minimumDepth: V
    let lastStep: I
    let steps: UnsafePointer<SIMD4<UInt32>>
    let palette: UnsafePointer<SIMD4<Float>>

    init(classifier: MaterialClassifier, steps: UnsafePointer<SIMD4<UInt32>>, palette: UnsafePointer<SIMD4<Float>>) {
        greyScale = V(repeating: 1 / classifier.saturationDepthHigh)
        saturationLimitHigh = V(repeating: classifier.saturationLimitHigh)
        saturationLimitLow = V(repeating: classifier.saturationLimitLow)
        minimumDepth = V(repeating: classifier.minimumDepth)
        lastStep = I(repeating: Int32(classifier.steps - 1))
        self.steps = steps
        self.palette = palette
    }

    /// Classes from the local means, display from the pixel's own high depth; `count` pixels, the inputs padded.
    func paint(
        tauHigh: UnsafePointer<Float>, meanHigh: UnsafePointer<Float>, meanLow: UnsafePointer<Float>, count: Int,
        display: UnsafeMutablePointer<UInt8>, classes: UnsafeMutableRawPointer
    ) {
        var i = 0
        let one = V(repeating: 1)
        while i < count {
            @inline(__always) func load(_ p: UnsafePointer<Float>) -> V {
                UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
            }
            let kinds = MaterialClassifier.classify(
                tauHigh: load(meanHigh), tauLow: load(meanLow), steps: steps, lastStep: lastStep,
                minimumDepth: minimumDepth, saturationLimitHigh: saturationLimitHigh,
                saturationLimitLow: saturationLimitLow)
            let grey = maximum(one - load(tauHigh) * greyScale, V.zero)
            let colour = colours(grey: grey, kinds: kinds)
            let bytes = SIMD8<UInt8>(truncatingIfNeeded: kinds)
            if i + 8 <= count {
                classes.storeBytes(of: bytes, toByteOffset: i, as: SIMD8<UInt8>.self)
                let out = UnsafeMutableRawPointer(display + 3 * i)
                out.storeBytes(of: packedRGB(colour.lowHalf), as: SIMD4<UInt32>.self)
                let next = packedRGB(colour.highHalf)
                if i + 8 < count {
                    out.storeBytes(of: next, toByteOffset: 12, as: SIMD4<UInt32>.self)
                } else {
                    out.storeBytes(of: SIMD2(next.x, next.y), toByteOffset: 12, as: SIMD2<UInt32>.self)
                    out.storeBytes(of: next.z, toByteOffset: 20, as: UInt32.self)
                }
            } else {
                for k in 0..<(count - i) {
                    classes.storeBytes(of: bytes[k], toByteOffset: i + k, as: UInt8.self)
                    let word = colour[k]
                    display[3 * (i + k)] = UInt8(truncatingIfNeeded: word)
                    display[3 * (i + k) + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    display[3 * (i + k) + 2] = UInt8(truncatingIfNeeded: word >> 16)
                }
            }
            i += 8
        }
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
