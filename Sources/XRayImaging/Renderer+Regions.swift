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
        var covered: [(Int, Int)] = []
        var minC = Int.max, maxC = Int.min, minR = Int.max, maxR = Int.min
        for row in r0...r1 {
            let zTop = geometry.topZ - Double(row) * pitch
            for column in c0...c1 {
                let x0 = geometry.originX + Double(column) * pitch
                if footprints.contains(where: { $0.touches(x0: x0, x1: x0 + pitch, z0: zTop - pitch, z1: zTop) }) {
                    covered.append((column, row))
                    minC = min(minC, column); maxC = max(maxC, column)
                    minR = min(minR, row); maxR = max(maxR, row)
                }
            }
        }
        guard !covered.isEmpty else { return nil }
        let box = PixelRegion.Box(x: minC, y: minR, width: maxC - minC + 1, height: maxR - minR + 1)
        var bitmap = [Bool](repeating: false, count: box.width * box.height)
        for (column, row) in covered { bitmap[(row - box.y) * box.width + (column - box.x)] = true }
        var runs: [Int] = []
        var current = false, length = 0
        for bit in bitmap {
            if bit == current {
                length += 1
            } else {
                runs.append(length)
                current = bit
                length = 1
            }
        }
        runs.append(length)

        // Contrast to noise on τ = −ln T.
        let ringWidth = max(2, min(12, max(box.width, box.height) / 2))
        var inside = Statistics(), ring = Statistics(), insideClean = Statistics(), ringClean = Statistics()
        var photonVariance = 0.0
        let flux = profile.photonsPerPixelHigh
        let dark = profile.transmissionFloor * flux / 3
        for (column, row) in covered {
            let i = row * geometry.width + column
            inside.add(-log(Double(scan.transmissionHigh[i])))
            insideClean.add(-log(Double(max(clean[i], Float(profile.transmissionFloor)))))
        }
        for row in max(0, box.y - ringWidth)...min(geometry.height - 1, box.y + box.height - 1 + ringWidth) {
            for column in max(0, box.x - ringWidth)...min(geometry.width - 1, box.x + box.width - 1 + ringWidth)
            where !box.contains(column: column, row: row) {
                let i = row * geometry.width + column
                ring.add(-log(Double(scan.transmissionHigh[i])))
                let t = max(Double(clean[i]), profile.transmissionFloor)
                ringClean.add(-log(t))
                let signal = flux * t
                photonVariance += (signal + dark * dark) / (signal * signal)
            }
        }
        var expected = 0.0, measured = 0.0
        if ring.count > 1 {
            let noise = (ringClean.variance + photonVariance / Double(ring.count)).squareRoot()
            expected = noise > 0 ? abs(insideClean.mean - ringClean.mean) / noise : 0
            measured = ring.variance > 0 ? abs(inside.mean - ring.mean) / ring.variance.squareRoot() : expected
        }
        return PixelRegion(
            box: box, maskRuns: runs, pixelCount: covered.count,
            contrastToNoise: seeded ? measured : expected, expectedContrastToNoise: expected)
    }
}

/// Running mean and variance (Welford).
struct Statistics {
    var count = 0
    var mean = 0.0
    private var m2 = 0.0

    mutating func add(_ x: Double) {
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        m2 += delta * (x - mean)
    }

    /// Sample variance (n − 1).
    var variance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
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
