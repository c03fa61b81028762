/// Material classes on a locally averaged dual-energy ratio, as cargo scanners decide them: the one rule the
/// renderer, the training server's class map and the browser (`js/materials.js`) all apply, on the 16-bit samples.
///
/// Per pixel, from its own samples (d = 65535 − sample, τ = d · 12 / 65535 in Double): *saturated* when τ_high or
/// τ_low reaches its saturation depth less 0.05; *unknown* on a single-energy profile or when τ_high is below the
/// minimum optical depth (too thin to tell). Every other pixel is *classifiable*, and takes its class from its
/// neighbourhood: over the `windowSize` × `windowSize` window centred on it (clipped to the image), the sums D_high
/// and D_low of d over the n classifiable pixels only (so that air beside a small object, and the floor beside a
/// thick one, do not dilute its ratio). The ratio R = D_low / D_high is compared with the reference curves at the
/// window's mean depth τ̄ = D_high · 12 / (65535 · n) (step index ⌊τ̄ · stepsPerUnit + 0.5⌋, at most the last), and
/// the pixel takes the class of the nearest curve (ties to the earlier reference).
///
/// Why: the ratio of one pixel carries the photon noise of two channels; behind 10–20 mm of steel that noise
/// spreads it over the neighbouring curves and per-pixel classes read about 70 % inorganic. Summing over 49 pixels
/// divides the ratio's noise by about 7. Every step is integer arithmetic or one correctly rounded Double operation
/// in a fixed order, so Swift and JavaScript give the same class bit for bit.
public struct LocalRatioClassifier: Sendable, Hashable {
    /// The side of the averaging window in pixels (odd).
    public static let windowSize = 7
    static var radius: Int { windowSize / 2 }

    public let stepsPerUnit: Double
    public let minimumOpticalDepth: Double
    public let saturationDepthHigh: Double
    public let saturationDepthLow: Double
    public let isDualEnergy: Bool
    /// The reference curves: curves[4 · i + m], R of reference m (polyethylene, aluminium, steel, lead) at
    /// τ_high = i / stepsPerUnit.
    public let curves: [Double]

    /// The rule over a calibration's values, as the web calibration file (`Assets/web/calibration/<profile>.json`)
    /// holds them.
    public init(
        stepsPerUnit: Double, minimumOpticalDepth: Double, saturationDepthHigh: Double, saturationDepthLow: Double,
        isDualEnergy: Bool, curves: [Double]
    ) {
        self.stepsPerUnit = stepsPerUnit
        self.minimumOpticalDepth = minimumOpticalDepth
        self.saturationDepthHigh = saturationDepthHigh
        self.saturationDepthLow = saturationDepthLow
        self.isDualEnergy = isDualEnergy
        self.curves = curves.isEmpty ? [1, 1, 1, 1] : curves
    }

    /// The rule over `classifier`'s calibration, each value the shortest decimal of its Float (as the web
    /// calibration file writes it), so that the renderer's classes are the server's and the browser's exactly.
    public init(_ classifier: MaterialClassifier) {
        func decimal(_ value: Float) -> Double { Double(String(value)) ?? Double(value) }
        var curves: [Double] = []
        curves.reserveCapacity(classifier.steps * 4)
        for i in 0..<classifier.steps {
            for m in 0..<4 {
                curves.append(
                    decimal(
                        classifier.referenceRatio(m, atOpticalDepth: Float(i) / MaterialClassifier.stepsPerUnit)))
            }
        }
        self.init(
            stepsPerUnit: Double(MaterialClassifier.stepsPerUnit),
            minimumOpticalDepth: decimal(MaterialClassifier.minimumOpticalDepth),
            saturationDepthHigh: decimal(classifier.saturationDepthHigh),
            saturationDepthLow: decimal(classifier.saturationDepthLow), isDualEnergy: classifier.isEnabled,
            curves: curves)
    }

    /// τ of d = 65535 − sample, as every implementation of the rule computes it.
    @inline(__always) static func opticalDepth(_ d: Int) -> Double { Double(d) * 12 / 65535 }

    /// The smallest d (0…65536) whose τ reaches `depth`: comparing d with it is comparing τ with `depth`.
    static func threshold(_ depth: Double) -> Int {
        var low = 0, high = 65536
        while low < high {
            let mid = (low + high) / 2
            if opticalDepth(mid) >= depth { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// The class (raw value) of a classifiable pixel from its window's sums (`count` ≥ 1, `sumHigh` > 0), over
    /// `curves` (`steps` rows of four).
    @inline(__always)
    static func classOfWindow(
        sumHigh: Int, sumLow: Int, count: Int, curves: UnsafePointer<Double>, steps: Int, stepsPerUnit: Double
    ) -> UInt8 {
        let tau = Double(sumHigh * 12) / Double(65535 * count)
        let c = curves + min(steps - 1, Int((tau * stepsPerUnit + 0.5).rounded(.down))) * 4
        let ratio = Double(sumLow) / Double(sumHigh)
        // The nearest curve, ties to the earlier (strict comparisons in order, as materials.js makes them).
        var best: UInt8 = 1
        var bestDistance = abs(ratio - c[0])
        let d1 = abs(ratio - c[1])
        if d1 < bestDistance {
            bestDistance = d1
            best = 2
        }
        let d2 = abs(ratio - c[2])
        if d2 < bestDistance {
            bestDistance = d2
            best = 3
        }
        if abs(ratio - c[3]) < bestDistance { best = 4 }
        return best
    }

    /// The class (MaterialClass raw value, 0…5) of every pixel of a `width` × `height` scan from its 16-bit high
    /// and low samples (row-major). O(width × height): the window sums by running sums along rows, then down
    /// columns, in integers. A classifiable pixel's d_high, d_low and 1 are packed into one word (bits 0–21, 22–43
    /// and 44–49: a window's sums stay below 49 · 65535 < 2²² and 49 < 2⁶, and never go negative), so each running
    /// sum is one addition and one subtraction per pixel.
    public func classify(high: UnsafeBufferPointer<UInt16>, low: UnsafeBufferPointer<UInt16>, width: Int, height: Int)
        -> [UInt8]
    {
        let count = width * height
        precondition(high.count >= count && low.count >= count, "fewer samples than width × height")
        guard count > 0 else { return [] }
        let saturatedHigh = Self.threshold(saturationDepthHigh - 0.05)
        let saturatedLow = Self.threshold(saturationDepthLow - 0.05)
        let thin = isDualEnergy ? Self.threshold(minimumOpticalDepth) : Int.max
        let r = Self.radius
        let lowShift: UInt64 = 22, countShift: UInt64 = 44, field: UInt64 = (1 << 22) - 1
        var classes = [UInt8](repeating: MaterialClass.unknown.rawValue, count: count)
        // A ring of the packed words and of the row sums of the last 2r + 2 rows (the window's rows and the one
        // leaving it), and the running sums down each column.
        let ringRows = 2 * r + 2
        var packed = [UInt64](repeating: 0, count: ringRows * width)
        var rows = [UInt64](repeating: 0, count: ringRows * width)
        var columns = [UInt64](repeating: 0, count: width)
        let steps = curves.count / 4, stepsPerUnit = stepsPerUnit
        curves.withUnsafeBufferPointer { curves in
            let curves = curves.baseAddress!
            classes.withUnsafeMutableBufferPointer { classes in
                packed.withUnsafeMutableBufferPointer { packed in
                    rows.withUnsafeMutableBufferPointer { rows in
                        columns.withUnsafeMutableBufferPointer { columns in
                            /// Packs row y's classifiable pixels (marking its saturated ones) and sums them along the
                            /// row over [x − r, x + r], into ring slot y mod ringRows; then adds those sums down the
                            /// columns.
                            func enter(_ y: Int) {
                                let slot = (y % ringRows) * width
                                let p = packed.baseAddress! + slot, out = rows.baseAddress! + slot
                                let first = y * width
                                for x in 0..<width {
                                    let h = 65535 - Int(high[first + x]), l = 65535 - Int(low[first + x])
                                    var word: UInt64 = 0
                                    if h >= saturatedHigh || l >= saturatedLow {
                                        classes[first + x] = MaterialClass.saturated.rawValue
                                    } else if h >= thin {
                                        word = UInt64(h) | UInt64(l) << lowShift | 1 << countShift
                                    }
                                    p[x] = word
                                }
                                var sum: UInt64 = 0
                                for x in 0..<min(r, width) { sum &+= p[x] }
                                for x in 0..<width {
                                    if x + r < width { sum &+= p[x + r] }
                                    if x > r { sum &-= p[x - r - 1] }
                                    out[x] = sum
                                    columns[x] &+= sum
                                }
                            }
                            for y in 0..<min(r, height) { enter(y) }
                            for y in 0..<height {
                                if y + r < height { enter(y + r) }
                                if y > r {
                                    let leaving = rows.baseAddress! + ((y - r - 1) % ringRows) * width
                                    for x in 0..<width { columns[x] &-= leaving[x] }
                                }
                                let own = packed.baseAddress! + (y % ringRows) * width
                                let out = classes.baseAddress! + y * width
                                for x in 0..<width where own[x] != 0 {
                                    let sums = columns[x]
                                    out[x] = Self.classOfWindow(
                                        sumHigh: Int(sums & field), sumLow: Int((sums >> lowShift) & field),
                                        count: Int(sums >> countShift), curves: curves, steps: steps,
                                        stepsPerUnit: stepsPerUnit)
                                }
                            }
                        }
                    }
                }
            }
        }
        return classes
    }

    /// `classify(high:low:width:height:)` over arrays.
    public func classify(high: [UInt16], low: [UInt16], width: Int, height: Int) -> [UInt8] {
        high.withUnsafeBufferPointer { h in
            low.withUnsafeBufferPointer { l in classify(high: h, low: l, width: width, height: height) }
        }
    }
}
