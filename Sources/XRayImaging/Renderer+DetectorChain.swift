#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif

/// The noise model's tables and the image operations of the detector chain (`DetectorChain`).
struct NoiseModel {
    /// Steps of the variance-factor tables per unit of optical depth.
    static let stepsPerUnit: Float = 16
    /// The tables reach τ = 14, beyond the converter's lowest code (τ ≈ 11.5).
    static let maximumDepth: Float = 14

    /// f(τ) per channel at τ = i / `stepsPerUnit`: the photon noise's variance per unit of signal over the open
    /// beam's, Ē(τ)/(Ē₀·A_S) (see `Renderer.detect`).
    let factorsHigh: [Float]
    let factorsLow: [Float]
    /// True when the factors vary with τ (beam hardening on).
    let varies: Bool

    /// The tables of `profile`, the hardening taken behind steel (`steelAttenuation`: μ per mm at each bin of the
    /// high, then the low channel).
    init(profile: ScannerProfile, steelHigh: [Double], steelLow: [Double]) {
        let chain = profile.detector
        let count = Int(Self.maximumDepth * Self.stepsPerUnit) + 1
        let swank = chain.swankFactor
        varies = chain.beamHardeningNoise
        func table(_ bins: [ScannerProfile.EnergyBin], _ mu: [Double]) -> [Float] {
            guard chain.beamHardeningNoise else { return [Float](repeating: Float(1 / swank), count: count) }
            let openMean = bins.reduce(0) { $0 + $1.weight * $1.energyMeV }
            // (τ, f) along a steel wedge in 0.5 mm steps, then onto the τ grid.
            var points: [(tau: Double, factor: Double)] = [(0, 1)]
            var t = 0.5
            while t < 2000 {
                var transmission = 0.0, energy = 0.0
                for (k, bin) in bins.enumerated() {
                    let share = bin.weight * exp(-mu[k] * t)
                    transmission += share
                    energy += share * bin.energyMeV
                }
                guard transmission > 1e-300 else { break }
                points.append((-log(transmission), energy / transmission / openMean))
                if -log(transmission) > Double(Self.maximumDepth) { break }
                t += 0.5
            }
            var values: [Float] = []
            var j = 0
            for i in 0..<count {
                let tau = Double(i) / Double(Self.stepsPerUnit)
                while j + 1 < points.count, points[j + 1].tau < tau { j += 1 }
                let factor: Double
                if j + 1 >= points.count {
                    factor = points[points.count - 1].factor
                } else {
                    let a = points[j], b = points[j + 1]
                    factor = a.factor + (b.factor - a.factor) * (tau - a.tau) / max(1e-12, b.tau - a.tau)
                }
                values.append(Float(factor / swank))
            }
            return values
        }
        factorsHigh = table(profile.highEnergy, steelHigh)
        factorsLow = table(profile.lowEnergy, steelLow)
    }

    /// The detector's noise correlation kernel (c₀, c₁): (g(1), 1, g(1)) of the blur's Gaussian g of `sigma`
    /// pixels, scaled to c₀² + 2c₁² = 1 so that the deviates keep unit variance in each direction.
    static func correlationKernel(sigma: Double) -> (Float, Float) {
        let g = exp(-1 / (2 * sigma * sigma))
        let c0 = 1 / (1 + 2 * g * g).squareRoot()
        return (Float(c0), Float(g * c0))
    }

    /// Convolves `values` (a `width × height` row-major image) in place with the separable 3 × 3 kernel
    /// (c₁, c₀, c₁) in each direction, edges repeated.
    static func correlate(_ values: UnsafeMutablePointer<Float>, width: Int, height: Int, kernel: (Float, Float)) {
        typealias V = SIMD8<Float>
        let c0 = V(repeating: kernel.0), c1 = V(repeating: kernel.1)
        let padded = (width + 7) & ~7
        let rows = UnsafeMutablePointer<Float>.allocate(capacity: 2 * padded + 16)
        rows.initialize(repeating: 0, count: 2 * padded + 16)
        defer { rows.deallocate() }
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
        }
        // Down the columns: the previous row's original values kept aside; eight columns at a time, the last ones
        // one by one.
        let previous = rows, line = rows + padded
        previous.update(from: values, count: width)
        let whole = width & ~7
        for row in 0..<height {
            let current = values + row * width
            let below = values + min(height - 1, row + 1) * width
            var x = 0
            while x < whole {
                let original = load(current + x)
                store(c0 * original + c1 * (load(previous + x) + load(below + x)), current + x)
                store(original, previous + x)
                x += 8
            }
            while x < width {
                let original = current[x]
                current[x] = kernel.0 * original + kernel.1 * (previous[x] + below[x])
                previous[x] = original
                x += 1
            }
        }
        // Along the rows, from a copy of each row with its edges repeated.
        for row in 0..<height {
            let current = values + row * width
            line[0] = current[0]
            (line + 1).update(from: current, count: width)
            line[width + 1] = current[width - 1]
            var x = 0
            while x < whole {
                store(c0 * load(line + x + 1) + c1 * (load(line + x) + load(line + x + 2)), current + x)
                x += 8
            }
            while x < width {
                current[x] = kernel.0 * line[x + 1] + kernel.1 * (line[x] + line[x + 2])
                x += 1
            }
        }
    }

    /// The mean of each pixel's `window × window` neighbourhood (edges repeated), from `values` into `means`
    /// (both `width × height`, row-major): along the rows, then down the columns.
    static func boxMean(
        of values: UnsafePointer<Float>, into means: UnsafeMutablePointer<Float>, width: Int, height: Int, window: Int
    ) {
        let half = window / 2
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: width * height + width + 2 * half)
        defer { scratch.deallocate() }
        let line = scratch + width * height
        let inverse = 1 / Float(window)
        for row in 0..<height {
            let source = values + row * width
            for k in 0..<half {
                line[k] = source[0]
                line[half + width + k] = source[width - 1]
            }
            (line + half).update(from: source, count: width)
            // Tap by tap along the whole row (contiguous, so vectorised), then scaled.
            let target = scratch + row * width
            target.update(from: line, count: width)
            for k in 1..<window {
                let tap = line + k
                for x in 0..<width { target[x] += tap[x] }
            }
            for x in 0..<width { target[x] *= inverse }
        }
        for row in 0..<height {
            let target = means + row * width
            for x in 0..<width { target[x] = 0 }
            for k in -half...half {
                let source = scratch + min(height - 1, max(0, row + k)) * width
                for x in 0..<width { target[x] += source[x] }
            }
            for x in 0..<width { target[x] *= inverse }
        }
    }
}

extension NormalDeviates {
    /// Standard normal deviates for `count` pixels (a multiple of 8) of each channel, from one 64-bit draw per
    /// eight pixels: its four 16-bit fields' low 12 bits pick quadruples, two for the high channel, two for the
    /// low.
    static func draw(
        high: UnsafeMutablePointer<Float>, low: UnsafeMutablePointer<Float>, count: Int,
        using random: inout NoiseRandom
    ) {
        quadruples.withUnsafeBufferPointer { table in
            let table = table.baseAddress!
            var i = 0
            while i < count {
                let bits = random.next()
                @inline(__always) func z(_ shift: UInt64) -> SIMD4<Float> {
                    table[Int(truncatingIfNeeded: bits >> shift) & 0xFFF]
                }
                UnsafeMutableRawPointer(high + i).storeBytes(of: SIMD8(lowHalf: z(0), highHalf: z(16)), as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(low + i).storeBytes(of: SIMD8(lowHalf: z(32), highHalf: z(48)), as: SIMD8<Float>.self)
                i += 8
            }
        }
    }
}

/// Linac pulse-to-pulse dose and channel gain: multiplicative factors per image column and row.
enum DetectorVariations {
    /// `count` factors 1 + σ·z, z standard normal deviates (one draw each).
    static func factors(count: Int, sigma: Double, using random: inout NoiseRandom) -> [Float] {
        let table = NormalDeviates.quadruples
        return (0..<count).map { _ in
            let bits = random.next()
            // Two table quantiles of independent indices, averaged and rescaled: finer steps than one.
            let z = (table[Int(bits & 0xFFF)].x + table[Int((bits >> 32) & 0xFFF)].y) / Float(2).squareRoot()
            return 1 + Float(sigma) * z
        }
    }

    /// Multiplies each pixel of `image` (`width × height`, row-major) by its column's dose and its row's gain.
    static func apply(
        dose: [Float], gain: [Float], to image: UnsafeMutablePointer<Float>, width: Int, height: Int
    ) {
        dose.withUnsafeBufferPointer { dose in
            for row in 0..<height {
                let g = gain[row]
                let line = image + row * width
                for x in 0..<width { line[x] *= g * dose[x] }
            }
        }
    }
}

/// Scatter and build-up reaching the detector (`DetectorChain.scatterAmplitude`): Ohnesorge's convolution model,
/// S = a · (K ∗ T·ln(1/T)), K a normalised Gaussian of σ mm.
///
/// Computed on a grid of 8 × 8-pixel blocks (the block means of T·ln(1/T)), blurred there by the Gaussian of
/// σ / (8 · pitch) blocks (edges repeated), and read back at each pixel by bilinear interpolation between block
/// centres: the effective kernel is the Gaussian convolved with the 8-pixel box and the 8-pixel tent (variance
/// + 16 px², under 1 % of σ² for σ ≥ 30 px), and every step is normalised, so the kernel integrates to 1 and a
/// uniform field gets exactly a · T·ln(1/T).
enum ScatterModel {
    static let block = 8

    /// Adds the scatter to `image` (`width × height` transmissions, row-major).
    static func add(
        to image: inout [Float], width: Int, height: Int, pitch: Double, amplitude: Double, sigmaMM: Double
    ) {
        let b = block
        let cw = (width + b - 1) / b, ch = (height + b - 1) / b
        var coarse = [Float](repeating: 0, count: cw * ch)
        image.withUnsafeBufferPointer { image in
            for row in 0..<height {
                let line = image.baseAddress! + row * width
                let base = (row / b) * cw
                var x = 0
                while x + 8 <= width {
                    let t = UnsafeRawPointer(line + x).loadUnaligned(as: SIMD8<Float>.self)
                    let w = SIMD8<Float>.zero - maximum(t, SIMD8(repeating: 1e-30)) * fastLog(maximum(t, SIMD8(repeating: 1e-30)))
                    coarse[base + x / b] += w.sum()
                    x += 8
                }
                while x < width {
                    let t = max(line[x], 1e-30)
                    coarse[base + x / b] += -t * Float(log(Double(t)))
                    x += 1
                }
            }
        }
        for j in 0..<ch {
            let rowsIn = Float(min(b, height - j * b))
            for i in 0..<cw { coarse[j * cw + i] /= rowsIn * Float(min(b, width - i * b)) }
        }
        // The Gaussian on the block grid, separable, edges repeated.
        let sigma = sigmaMM / (pitch * Double(b))
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var weights = (0...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let total = weights[0] + 2 * weights.dropFirst().reduce(0, +)
        weights = weights.map { $0 / total }
        var blurred = [Float](repeating: 0, count: cw * ch)
        for j in 0..<ch {
            for i in 0..<cw {
                var sum = weights[0] * coarse[j * cw + i]
                for t in 1...radius {
                    sum += weights[t] * (coarse[j * cw + max(0, i - t)] + coarse[j * cw + min(cw - 1, i + t)])
                }
                blurred[j * cw + i] = sum
            }
        }
        for j in 0..<ch {
            for i in 0..<cw {
                var sum = weights[0] * blurred[j * cw + i]
                for t in 1...radius {
                    sum += weights[t] * (blurred[max(0, j - t) * cw + i] + blurred[min(ch - 1, j + t) * cw + i])
                }
                coarse[j * cw + i] = sum * Float(amplitude)
            }
        }
        // Bilinear between block centres (pixel coordinate b·i + (b − 1)/2), clamped at the edges.
        func interpolation(_ n: Int, _ blocks: Int) -> (index: [Int], fraction: [Float]) {
            var index = [Int](repeating: 0, count: n), fraction = [Float](repeating: 0, count: n)
            for p in 0..<n {
                let u = (Double(p) - Double(b - 1) / 2) / Double(b)
                let i0 = Int(u.rounded(.down))
                if i0 < 0 {
                    index[p] = 0
                    fraction[p] = 0
                } else if i0 >= blocks - 1 {
                    index[p] = blocks - 1
                    fraction[p] = 0
                } else {
                    index[p] = i0
                    fraction[p] = Float(u - Double(i0))
                }
            }
            return (index, fraction)
        }
        let (columnIndex, columnFraction) = interpolation(width, cw)
        let (rowIndex, rowFraction) = interpolation(height, ch)
        var line = [Float](repeating: 0, count: cw + 1)
        image.withUnsafeMutableBufferPointer { image in
            for row in 0..<height {
                let j = rowIndex[row], f = rowFraction[row]
                let j1 = min(ch - 1, j + 1)
                for i in 0..<cw { line[i] = coarse[j * cw + i] * (1 - f) + coarse[j1 * cw + i] * f }
                line[cw] = line[cw - 1]
                let target = image.baseAddress! + row * width
                for x in 0..<width {
                    let i = columnIndex[x], g = columnFraction[x]
                    target[x] += line[i] * (1 - g) + line[i + 1] * g
                }
            }
        }
    }
}
