import CargoModel

extension Renderer {
    /// The pixel box, mask and contrast-to-noise of every anomaly of the scene (shapes with role
    /// `.anomaly` and an `anomalyId`), from their geometry in mm.
    ///
    /// The mask holds every pixel the anomaly's footprint (its projection along the beam) covers at all;
    /// the box is the mask's bounding box. The ring for the contrast-to-noise ratio is the band around the
    /// box, `clamp(max(box side) / 2, 2, 12)` pixels wide, inside the image.
    static func regions(
        of scene: Scene, geometry: ImageGeometry, scan: RenderedScan, clean: [Float],
        profile: ScannerProfile, seeded: Bool
    ) -> [String: PixelRegion] {
        var byId: [String: [SceneShape]] = [:]
        for shape in scene.shapes where shape.role == .anomaly {
            if let id = shape.anomalyId { byId[id, default: []].append(shape) }
        }
        var regions: [String: PixelRegion] = [:]
        for id in byId.keys.sorted() {
            if let region = region(
                of: byId[id]!, geometry: geometry, scan: scan, clean: clean, profile: profile,
                seeded: seeded)
            {
                regions[id] = region
            }
        }
        return regions
    }

    static func region(
        of shapes: [SceneShape], geometry: ImageGeometry, scan: RenderedScan, clean: [Float],
        profile: ScannerProfile, seeded: Bool
    ) -> PixelRegion? {
        let pitch = geometry.pitch
        let footprints = shapes.map { Footprint($0.geometry) }
        // Candidate rectangle from the bounds, then the mask decides.
        var c0 = Int.max, c1 = Int.min, r0 = Int.max, r1 = Int.min
        for f in footprints {
            c0 = min(c0, Int(geometry.columnCoordinate(ofX: f.x0).rounded(.down)))
            c1 = max(c1, Int(geometry.columnCoordinate(ofX: f.x1).rounded(.up)) - 1)
            r0 = min(r0, Int(geometry.rowCoordinate(ofZ: f.z1).rounded(.down)))
            r1 = max(r1, Int(geometry.rowCoordinate(ofZ: f.z0).rounded(.up)) - 1)
        }
        c0 = max(0, c0); r0 = max(0, r0)
        c1 = min(geometry.width - 1, c1); r1 = min(geometry.height - 1, r1)
        guard c0 <= c1, r0 <= r1 else { return nil }
        // Per row, the covered columns as sorted, disjoint intervals: each footprint covers an interval of a row
        // (rectangles and ellipses are convex), found by bisection-free arithmetic and settled by `touches` itself.
        var rowIntervals: [[Range<Int>]] = []
        var minC = Int.max, maxC = Int.min, minR = Int.max, maxR = Int.min, covered = 0
        var pieces: [Range<Int>] = []
        for row in r0...r1 {
            let zTop = geometry.topZ - Double(row) * pitch
            pieces.removeAll(keepingCapacity: true)
            for f in footprints {
                if let columns = f.columns(z0: zTop - pitch, z1: zTop, within: c0...c1, geometry: geometry) {
                    pieces.append(columns)
                }
            }
            pieces.sort { $0.lowerBound < $1.lowerBound }
            var merged: [Range<Int>] = []
            for piece in pieces {
                if let last = merged.last, piece.lowerBound <= last.upperBound {
                    merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, piece.upperBound)
                } else {
                    merged.append(piece)
                }
            }
            if let first = merged.first, let last = merged.last {
                minC = min(minC, first.lowerBound)
                maxC = max(maxC, last.upperBound - 1)
                minR = min(minR, row)
                maxR = max(maxR, row)
                covered += merged.reduce(0) { $0 + $1.count }
            }
            rowIntervals.append(merged)
        }
        guard covered > 0 else { return nil }
        let box = PixelRegion.Box(x: minC, y: minR, width: maxC - minC + 1, height: maxR - minR + 1)
        // Mask runs over the box row by row, alternating uncovered and covered from uncovered.
        var runs: [Int] = []
        var current = false, length = 0
        func emit(_ bit: Bool, _ count: Int) {
            guard count > 0 else { return }
            if bit == current {
                length += count
            } else {
                runs.append(length)
                current = bit
                length = count
            }
        }
        for row in box.y..<(box.y + box.height) {
            var at = box.x
            for columns in rowIntervals[row - r0] {
                emit(false, columns.lowerBound - at)
                emit(true, columns.count)
                at = columns.upperBound
            }
            emit(false, box.x + box.width - at)
        }
        runs.append(length)

        // Contrast to noise on τ = −ln T.
        let ringWidth = max(2, min(12, max(box.width, box.height) / 2))
        var inside = Moments(), ring = Moments(), insideClean = Moments(), ringClean = Moments()
        var photonVariance = 0.0
        let flux = profile.photonsPerPixelHigh
        let dark = profile.transmissionFloor * flux / 3
        let floor = Float(profile.transmissionFloor)
        scan.transmissionHigh.withUnsafeBufferPointer { measured in
            clean.withUnsafeBufferPointer { clean in
                for (offset, intervals) in rowIntervals.enumerated() {
                    let rowStart = (r0 + offset) * geometry.width
                    for columns in intervals {
                        var i = rowStart + columns.lowerBound
                        let end = rowStart + columns.upperBound
                        while i < end {
                            // Eight at a time (the last group padded with the open beam, τ = 0, and not counted).
                            let n = min(8, end - i)
                            var t = SIMD8<Float>(repeating: 1), c = SIMD8<Float>(repeating: 1)
                            for k in 0..<n {
                                t[k] = measured[i + k]
                                c[k] = max(clean[i + k], floor)
                            }
                            let tau = SIMD8<Float>.zero - fastLog(t), tauClean = SIMD8<Float>.zero - fastLog(c)
                            for k in 0..<n {
                                inside.add(Double(tau[k]))
                                insideClean.add(Double(tauClean[k]))
                            }
                            i += n
                        }
                    }
                }
                for row in max(0, box.y - ringWidth)...min(geometry.height - 1, box.y + box.height - 1 + ringWidth) {
                    for column in max(0, box.x - ringWidth)...min(geometry.width - 1, box.x + box.width - 1 + ringWidth)
                    where !box.contains(column: column, row: row) {
                        let i = row * geometry.width + column
                        ring.add(-log(Double(measured[i])))
                        let t = max(Double(clean[i]), profile.transmissionFloor)
                        ringClean.add(-log(t))
                        let signal = flux * t
                        photonVariance += (signal + dark * dark) / (signal * signal)
                    }
                }
            }
        }
        var expected = 0.0, measured = 0.0
        if ring.count > 1 {
            let noise = (ringClean.variance + photonVariance / Double(ring.count)).squareRoot()
            expected = noise > 0 ? abs(insideClean.mean - ringClean.mean) / noise : 0
            measured = ring.variance > 0 ? abs(inside.mean - ring.mean) / ring.variance.squareRoot() : expected
        }
        return PixelRegion(
            box: box, maskRuns: runs, pixelCount: covered,
            contrastToNoise: seeded ? measured : expected, expectedContrastToNoise: expected)
    }
}

/// Count, mean and variance from sums of differences to the first value (which keeps the sums small, so that
/// the variance does not cancel), without a division per value.
struct Moments {
    private(set) var count = 0
    private var shift = 0.0, sum = 0.0, sumOfSquares = 0.0

    @inline(__always) mutating func add(_ x: Double) {
        if count == 0 { shift = x }
        count += 1
        let d = x - shift
        sum += d
        sumOfSquares += d * d
    }

    var mean: Double { count > 0 ? shift + sum / Double(count) : 0 }
    /// Sample variance (n − 1).
    var variance: Double {
        count > 1 ? max(0, (sumOfSquares - sum * sum / Double(count)) / Double(count - 1)) : 0
    }
}

/// A shape's projection along the beam (y) onto the (x, z) plane.
struct Footprint {
    enum Kind { case rectangle, ellipse, disc }
    var kind: Kind
    var x0: Double, x1: Double, z0: Double, z1: Double

    init(_ geometry: SceneGeometry) {
        let b = geometry.bounds
        x0 = Double(b.x); x1 = Double(b.x + b.length); z0 = Double(b.z); z1 = Double(b.z + b.height)
        switch geometry {
        case .box: kind = .rectangle
        case .ellipsoid: kind = .ellipse
        case let .cylinder(_, _, _, _, _, axis): kind = axis == .y ? .disc : .rectangle
        }
    }

    /// The columns within `candidates` whose pixel, over heights z0…z1, the footprint touches (as `touches` says),
    /// or nil: an interval, as the footprint is convex along a row.
    func columns(z0: Double, z1: Double, within candidates: ClosedRange<Int>, geometry: ImageGeometry) -> Range<Int>? {
        guard z1 > self.z0, z0 < self.z1 else { return nil }
        // The footprint's extent along this band: the whole width for a rectangle; for an ellipse the chord at the
        // band's height nearest the centre.
        var left = x0, right = x1
        if kind != .rectangle {
            let cx = (x0 + x1) / 2, cz = (self.z0 + self.z1) / 2, rx = (x1 - x0) / 2, rz = (self.z1 - self.z0) / 2
            let w = (min(z1, max(z0, cz)) - cz) / rz
            guard w * w < 1 else { return nil }
            let half = rx * (1 - w * w).squareRoot()
            left = cx - half
            right = cx + half
        }
        @inline(__always) func hits(_ column: Int) -> Bool {
            let px0 = geometry.originX + Double(column) * geometry.pitch
            return touches(x0: px0, x1: px0 + geometry.pitch, z0: z0, z1: z1)
        }
        // First guesses from the extent, then settled against `touches` (rounding at the edges).
        var first = max(candidates.lowerBound, Int(geometry.columnCoordinate(ofX: left).rounded(.down)))
        var last = min(candidates.upperBound, Int(geometry.columnCoordinate(ofX: right).rounded(.up)) - 1)
        first = min(first, candidates.upperBound)
        last = max(last, candidates.lowerBound)
        while first > candidates.lowerBound, hits(first - 1) { first -= 1 }
        while first <= last, !hits(first) { first += 1 }
        while last < candidates.upperBound, hits(last + 1) { last += 1 }
        while last >= first, !hits(last) { last -= 1 }
        return first <= last ? first..<(last + 1) : nil
    }

    /// True when the footprint covers part of the rectangle [x0, x1] × [z0, z1] of positive area.
    func touches(x0 px0: Double, x1 px1: Double, z0 pz0: Double, z1 pz1: Double) -> Bool {
        guard px1 > x0, px0 < x1, pz1 > z0, pz0 < z1 else { return false }
        if kind == .rectangle { return true }
        // ellipse or disc: the rectangle's nearest point to the centre lies strictly inside
        let cx = (x0 + x1) / 2, cz = (z0 + z1) / 2, rx = (x1 - x0) / 2, rz = (z1 - z0) / 2
        let nx = min(px1, max(px0, cx)), nz = min(pz1, max(pz0, cz))
        let u = (nx - cx) / rx, w = (nz - cz) / rz
        return u * u + w * w < 1
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
