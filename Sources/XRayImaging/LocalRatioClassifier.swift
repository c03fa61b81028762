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

    /// The class (raw value) of a classifiable pixel from its window's sums (`count` ≥ 1, `sumHigh` > 0).
    @inline(__always)
    func classOfWindow(sumHigh: Int, sumLow: Int, count: Int) -> UInt8 {
        let tau = Double(sumHigh * 12) / Double(65535 * count)
        let steps = curves.count / 4
        let i = min(steps - 1, Int((tau * stepsPerUnit + 0.5).rounded(.down))) * 4
        let ratio = Double(sumLow) / Double(sumHigh)
        var best = 0
        var bestDistance = abs(ratio - curves[i])
        for m in 1..<4 {
            let distance = abs(ratio - curves[i + m])
            if distance < bestDistance {
                bestDistance = distance
                best = m
            }
        }
        return UInt8(best + 1)
    }

    /// The class (MaterialClass raw value, 0…5) of every pixel of a `width` × `height` scan from its 16-bit high
    /// and low samples (row-major). O(width × height): the window sums by running sums along rows, then down
    /// columns, in integers.
    public func classify(high: UnsafeBufferPointer<UInt16>, low: UnsafeBufferPointer<UInt16>, width: Int, height: Int)
        -> [UInt8]
    {
        let count = width * height
        precondition(high.count >= count && low.count >= count, "fewer samples than width × height")
        var classes = [UInt8](repeating: MaterialClass.unknown.rawValue, count: count)
        guard count > 0 else { return classes }
        let saturatedHigh = Self.threshold(saturationDepthHigh - 0.05)
        let saturatedLow = Self.threshold(saturationDepthLow - 0.05)
        let thin = isDualEnergy ? Self.threshold(minimumOpticalDepth) : Int.max
        // Per pixel: d of both channels where classifiable, else 0 (and not counted).
        var dHigh = [Int32](repeating: 0, count: count), dLow = [Int32](repeating: 0, count: count)
        var usable = [Int32](repeating: 0, count: count)
        var any = false
        for i in 0..<count {
            let h = 65535 - Int(high[i]), l = 65535 - Int(low[i])
            if h >= saturatedHigh || l >= saturatedLow {
                classes[i] = MaterialClass.saturated.rawValue
            } else if h >= thin {
                dHigh[i] = Int32(h)
                dLow[i] = Int32(l)
                usable[i] = 1
                any = true
            }
        }
        guard any else { return classes }
        let r = Self.radius
        // Along rows: the sums over [x − r, x + r] ∩ the row.
        var rowHigh = [Int32](repeating: 0, count: count), rowLow = [Int32](repeating: 0, count: count)
        var rowCount = [Int32](repeating: 0, count: count)
        for y in 0..<height {
            let base = y * width
            var sh: Int32 = 0, sl: Int32 = 0, sn: Int32 = 0
            for x in 0..<min(r, width) {
                sh += dHigh[base + x]
                sl += dLow[base + x]
                sn += usable[base + x]
            }
            for x in 0..<width {
                if x + r < width {
                    sh += dHigh[base + x + r]
                    sl += dLow[base + x + r]
                    sn += usable[base + x + r]
                }
                if x - r - 1 >= 0 {
                    sh -= dHigh[base + x - r - 1]
                    sl -= dLow[base + x - r - 1]
                    sn -= usable[base + x - r - 1]
                }
                rowHigh[base + x] = sh
                rowLow[base + x] = sl
                rowCount[base + x] = sn
            }
        }
        // Down columns: running sums of the row sums over [y − r, y + r] ∩ the image, one per column.
        var sumHigh = [Int](repeating: 0, count: width), sumLow = [Int](repeating: 0, count: width)
        var sumCount = [Int](repeating: 0, count: width)
        for y in 0..<min(r, height) {
            for x in 0..<width {
                sumHigh[x] += Int(rowHigh[y * width + x])
                sumLow[x] += Int(rowLow[y * width + x])
                sumCount[x] += Int(rowCount[y * width + x])
            }
        }
        for y in 0..<height {
            if y + r < height {
                let base = (y + r) * width
                for x in 0..<width {
                    sumHigh[x] += Int(rowHigh[base + x])
                    sumLow[x] += Int(rowLow[base + x])
                    sumCount[x] += Int(rowCount[base + x])
                }
            }
            if y - r - 1 >= 0 {
                let base = (y - r - 1) * width
                for x in 0..<width {
                    sumHigh[x] -= Int(rowHigh[base + x])
                    sumLow[x] -= Int(rowLow[base + x])
                    sumCount[x] -= Int(rowCount[base + x])
                }
            }
            let base = y * width
            for x in 0..<width where usable[base + x] != 0 {
                classes[base + x] = classOfWindow(sumHigh: sumHigh[x], sumLow: sumLow[x], count: sumCount[x])
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
