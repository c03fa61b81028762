import CargoModel

/// A scene shape reduced to what the projection needs, in mm, with its attenuation per mm (× fill).
///
/// Curved shapes whose path length changes from row to row (ellipsoids, cylinders along x and y) add their
/// path length × fill to a per-material length down the column instead (`material` indexes the projection's
/// curved materials): one number per row rather than a vector of every bin's optical depth.
struct ProjectedShape {
    enum Kind { case box, ellipsoid, cylinderAlongX, cylinderAlongY, cylinderAlongZ }
    var kind: Kind
    /// Footprint bounds in x and z (mm).
    var x0: Double, x1: Double, z0: Double, z1: Double
    /// Centre in x and z; semi-axes in x, y, z (ellipsoids), radius in `rx` (cylinders).
    var cx: Double, cz: Double, rx: Double, ry: Double, rz: Double
    /// Path length along y for boxes and cylinders along y.
    var depth: Double
    var mu: SIMD16<Float>
    /// The curved material's index and the shape's fill (−1 and unused for boxes and cylinders along z).
    var material: Int = -1, fill: Double = 1
    /// Columns the footprint touches.
    var firstColumn: Int, lastColumn: Int
    /// Index in the scene, for a stable order.
    var order: Int
}

extension Renderer {
    /// The scene's shapes that land in the image, in sweep order, and the attenuation per mm at fill 1 of each
    /// curved material (indexed by `ProjectedShape.material`).
    func prepare(_ sceneShapes: [SceneShape], profile: ScannerProfile, geometry: ImageGeometry) throws(XRayImagingError)
        -> (shapes: [ProjectedShape], curvedMaterials: [SIMD16<Float>])
    {
        let vectors = try attenuationVectors(for: Set(sceneShapes.map(\.material)), profile: profile)
        var curvedIndex: [String: Int] = [:]
        var curvedMaterials: [SIMD16<Float>] = []
        var shapes: [ProjectedShape] = []
        shapes.reserveCapacity(sceneShapes.count)
        for (order, shape) in sceneShapes.enumerated() where shape.fill > 0 {
            let mu = vectors[shape.material]! * Float(shape.fill)
            var projected: ProjectedShape
            switch shape.geometry {
            case let .box(b):
                guard b.length > 0, b.width > 0, b.height > 0 else { continue }
                projected = ProjectedShape(
                    kind: .box, x0: Double(b.x), x1: Double(b.x + b.length), z0: Double(b.z),
                    z1: Double(b.z + b.height),
                    cx: 0, cz: 0, rx: 0, ry: 0, rz: 0, depth: Double(b.width), mu: mu, firstColumn: 0, lastColumn: -1,
                    order: order)
            case let .ellipsoid(b):
                guard b.length > 0, b.width > 0, b.height > 0 else { continue }
                projected = ProjectedShape(
                    kind: .ellipsoid, x0: Double(b.x), x1: Double(b.x + b.length), z0: Double(b.z),
                    z1: Double(b.z + b.height), cx: Double(b.x) + Double(b.length) / 2,
                    cz: Double(b.z) + Double(b.height) / 2, rx: Double(b.length) / 2, ry: Double(b.width) / 2,
                    rz: Double(b.height) / 2, depth: 0, mu: mu, firstColumn: 0, lastColumn: -1, order: order)
            case let .cylinder(x, _, z, radius, length, axis):
                guard radius > 0, length > 0 else { continue }
                let r = Double(radius), x = Double(x), z = Double(z), l = Double(length)
                switch axis {
                case .x:
                    projected = ProjectedShape(
                        kind: .cylinderAlongX, x0: x, x1: x + l, z0: z - r, z1: z + r, cx: 0, cz: z, rx: r, ry: r,
                        rz: r,
                        depth: 0, mu: mu, firstColumn: 0, lastColumn: -1, order: order)
                case .y:
                    projected = ProjectedShape(
                        kind: .cylinderAlongY, x0: x - r, x1: x + r, z0: z - r, z1: z + r, cx: x, cz: z, rx: r, ry: r,
                        rz: r, depth: l, mu: mu, firstColumn: 0, lastColumn: -1, order: order)
                case .z:
                    projected = ProjectedShape(
                        kind: .cylinderAlongZ, x0: x - r, x1: x + r, z0: z, z1: z + l, cx: x, cz: 0, rx: r, ry: r,
                        rz: r,
                        depth: 0, mu: mu, firstColumn: 0, lastColumn: -1, order: order)
                }
            }
            if projected.kind == .ellipsoid || projected.kind == .cylinderAlongX || projected.kind == .cylinderAlongY {
                if let index = curvedIndex[shape.material] {
                    projected.material = index
                } else {
                    projected.material = curvedMaterials.count
                    curvedIndex[shape.material] = curvedMaterials.count
                    curvedMaterials.append(vectors[shape.material]!)
                }
                projected.fill = shape.fill
            }
            let c0 = geometry.columnCoordinate(ofX: projected.x0), c1 = geometry.columnCoordinate(ofX: projected.x1)
            projected.firstColumn = max(0, Int(c0.rounded(.down)))
            projected.lastColumn = min(geometry.width - 1, Int(c1.rounded(.up)) - 1)
            let r0 = geometry.rowCoordinate(ofZ: projected.z1), r1 = geometry.rowCoordinate(ofZ: projected.z0)
            guard projected.firstColumn <= projected.lastColumn, r1 > 0, r0 < Double(geometry.height) else { continue }
            shapes.append(projected)
        }
        // Sweep order: by first column, then scene order (a fixed order of summation).
        shapes.sort { ($0.firstColumn, $0.order) < ($1.firstColumn, $1.order) }
        return (shapes, curvedMaterials)
    }

    /// Column by column: accumulate each bin's optical depth down the column (boxes through a difference
    /// array, curved shapes row by row) at the rows where something starts or ends, then walk the column in
    /// runs of rows of equal optical depths: one exponentiation and weighting per run, the run filled with it.
    ///
    /// `high` and `low` (`width × height` samples) are written column-major: a column is contiguous, as it is
    /// computed; writing a column straight into a row-major image would touch a new page per row.
    static func project(
        _ shapes: [ProjectedShape], curvedMaterials: [SIMD16<Float>], geometry: ImageGeometry,
        weightsHigh: SIMD16<Float>, weightsLow: SIMD16<Float>, high: inout [Float], low: inout [Float]
    ) {
        let width = geometry.width, height = geometry.height, pitch = geometry.pitch
        // Boxes go through a difference array down the column in steps of 2⁻¹⁸ of optical depth, so that
        // a +v at a box's top and its −v at the bottom cancel exactly: pixels outside a shape's footprint
        // are bit-identical with and without it, whatever the order of the other shapes.
        var difference = [SIMD16<Float>](repeating: .zero, count: height + 1)
        var direct = [SIMD16<Float>](repeating: .zero, count: height + 1)
        // A bit per row where the optical depths may change from the row above: a row where a difference or a
        // direct term was added, and the row after a direct term. Between marks the depths are constant.
        var marks = [UInt64](repeating: 0, count: (height + 2 + 63) / 64)
        // Per curved material, its path length × fill (mm) down the column; the materials the column touched, in
        // the order it touched them (the order of summation).
        let lengthStride = height + 1
        var lengths = [Float](repeating: 0, count: max(1, curvedMaterials.count * lengthStride))
        var touched = [Bool](repeating: false, count: curvedMaterials.count)
        var columnMaterials: [Int] = []
        var active: [Int] = []
        var next = 0
        high.withUnsafeMutableBufferPointer { high in
            low.withUnsafeMutableBufferPointer { low in
                difference.withUnsafeMutableBufferPointer { difference in
                    direct.withUnsafeMutableBufferPointer { direct in
                        marks.withUnsafeMutableBufferPointer { marks in
                            lengths.withUnsafeMutableBufferPointer { lengths in
                                curvedMaterials.withUnsafeBufferPointer { curvedMaterials in
                                    let rows = Double(height)
                                    @inline(__always) func mark(_ row: Int) { marks[row >> 6] |= 1 << UInt64(row & 63) }
                                    /// Adds `value` × the covered share of each row between heights z0 and z1.
                                    @inline(__always) func addRows(_ z0: Double, _ z1: Double, _ value: SIMD16<Float>) {
                                        let ua = max(0, geometry.rowCoordinate(ofZ: z1)),
                                            ub = min(rows, geometry.rowCoordinate(ofZ: z0))
                                        guard ub > ua else { return }
                                        let ra = Int(ua), rb = Int(ub)
                                        mark(ra)
                                        mark(ra + 1)
                                        if ra == rb {
                                            direct[ra] += value * Float(ub - ua)
                                            return
                                        }
                                        direct[ra] += value * Float(Double(ra + 1) - ua)
                                        if ra + 1 < rb {
                                            let step = quantised(value)
                                            difference[ra + 1] += step
                                            difference[rb] -= step
                                            mark(rb)
                                        }
                                        if rb < height {
                                            direct[rb] += value * Float(ub - Double(rb))
                                            mark(rb)
                                            mark(rb + 1)
                                        }
                                    }
                                    /// Rows whose band overlaps heights z0…z1, marked (with the row after them).
                                    @inline(__always) func rowRange(_ z0: Double, _ z1: Double) -> Range<Int> {
                                        let ra = max(0, Int(geometry.rowCoordinate(ofZ: z1).rounded(.down)))
                                        let rb = min(height, Int(geometry.rowCoordinate(ofZ: z0).rounded(.up)))
                                        guard ra < rb else { return ra..<ra }
                                        // rows ra…rb, a word at a time
                                        let first = ra >> 6, last = rb >> 6
                                        for word in first...last {
                                            var bits = ~UInt64(0)
                                            if word == first { bits &= ~UInt64(0) << UInt64(ra & 63) }
                                            if word == last { bits &= ~UInt64(0) >> UInt64(63 - (rb & 63)) }
                                            marks[word] |= bits
                                        }
                                        return ra..<rb
                                    }
                                    /// The start of `material`'s lengths down the column, noting that the column uses it.
                                    @inline(__always) func lengthsOf(_ material: Int) -> UnsafeMutablePointer<Float> {
                                        if !touched[material] {
                                            touched[material] = true
                                            columnMaterials.append(material)
                                        }
                                        return lengths.baseAddress! + material * lengthStride
                                    }

                                    for column in 0..<width {
                                        var changed = false
                                        while next < shapes.count, shapes[next].firstColumn <= column {
                                            active.append(next)
                                            next += 1
                                            changed = true
                                        }
                                        var k = 0
                                        while k < active.count {
                                            if shapes[active[k]].lastColumn < column {
                                                active.remove(at: k)
                                                changed = true
                                            } else {
                                                k += 1
                                            }
                                        }
                                        let base = column * height
                                        // A column whose shapes are all boxes and rods along x, each covering it exactly as
                                        // it covered the previous column, repeats that column bit for bit: copy it.
                                        if column > 0, !changed,
                                            Self.repeatsPreviousColumn(
                                                active, shapes, column: column, geometry: geometry)
                                        {
                                            (high.baseAddress! + base).update(
                                                from: high.baseAddress! + base - height, count: height)
                                            (low.baseAddress! + base).update(
                                                from: low.baseAddress! + base - height, count: height)
                                            continue
                                        }
                                        let (colX0, colX1) = geometry.xRange(ofColumn: column)
                                        let colCentre = (colX0 + colX1) / 2
                                        for index in active {
                                            let s = shapes[index]
                                            switch s.kind {
                                            case .box:
                                                let cover = (min(colX1, s.x1) - max(colX0, s.x0)) / pitch
                                                if cover > 0 { addRows(s.z0, s.z1, s.mu * Float(s.depth * cover)) }
                                            case .cylinderAlongZ:
                                                let mean =
                                                    chordIntegral(colX0 - s.cx, colX1 - s.cx, radius: s.rx) / pitch
                                                if mean > 0 { addRows(s.z0, s.z1, s.mu * Float(mean)) }
                                            case .cylinderAlongX:
                                                let cover = (min(colX1, s.x1) - max(colX0, s.x0)) / pitch
                                                guard cover > 0 else { continue }
                                                let length = lengthsOf(s.material)
                                                for row in rowRange(s.z0, s.z1) {
                                                    let top = geometry.topZ - Double(row) * pitch
                                                    let mean =
                                                        chordIntegral(top - pitch - s.cz, top - s.cz, radius: s.rz)
                                                        / pitch
                                                    length[row] += Float(mean * cover * s.fill)
                                                }
                                            case .cylinderAlongY:
                                                guard abs(colCentre - s.cx) < s.rx + pitch else { continue }
                                                let samples = s.rz < 2 * pitch ? 4 : 1
                                                let length = lengthsOf(s.material)
                                                for row in rowRange(s.z0, s.z1) {
                                                    let top = geometry.topZ - Double(row) * pitch
                                                    var cover = 0.0
                                                    for j in 0..<samples {
                                                        let dz =
                                                            top - (Double(j) + 0.5) * pitch / Double(samples) - s.cz
                                                        let h2 = s.rx * s.rx - dz * dz
                                                        guard h2 > 0 else { continue }
                                                        let h = h2.squareRoot()
                                                        cover += max(0, min(colX1, s.cx + h) - max(colX0, s.cx - h))
                                                    }
                                                    length[row] += Float(
                                                        s.depth * cover / (pitch * Double(samples)) * s.fill)
                                                }
                                            case .ellipsoid:
                                                let samples = s.rz < 2 * pitch ? 4 : 1
                                                let factor = s.ry / s.rx
                                                if s.rx < 1.5 * pitch {
                                                    // Narrow: the chord's mean over the column, exactly.
                                                    let length = lengthsOf(s.material)
                                                    for row in rowRange(s.z0, s.z1) {
                                                        let top = geometry.topZ - Double(row) * pitch
                                                        var sum = 0.0
                                                        for j in 0..<samples {
                                                            let dz =
                                                                (top - (Double(j) + 0.5) * pitch / Double(samples)
                                                                    - s.cz)
                                                                / s.rz
                                                            let share = 1 - dz * dz
                                                            guard share > 0 else { continue }
                                                            sum +=
                                                                factor
                                                                * chordIntegral(
                                                                    colX0 - s.cx, colX1 - s.cx,
                                                                    radius: s.rx * share.squareRoot())
                                                                / pitch
                                                        }
                                                        length[row] += Float(sum / Double(samples) * s.fill)
                                                    }
                                                    continue
                                                }
                                                // At the column's centre, offset dx from the ellipsoid's, and height offset u
                                                // from its centre the chord along y is 2·(ry/rx)·√(rx² − dx² − (rx/rz)²·u²):
                                                // four rows at a time, in Double (near the rim the difference cancels).
                                                let dx = colCentre - s.cx
                                                let q0 = s.rx * s.rx - dx * dx
                                                guard q0 > 0 else { continue }
                                                typealias D = SIMD4<Double>
                                                let length = lengthsOf(s.material)
                                                let range = rowRange(s.z0, s.z1)
                                                let scale = 2 * factor * s.fill / Double(samples)
                                                let k = (s.rx / s.rz) * (s.rx / s.rz)
                                                let top = geometry.topZ - s.cz
                                                @inline(__always) func chords(_ rows: D) -> D {
                                                    var sum = D.zero
                                                    for j in 0..<samples {
                                                        let u =
                                                            top - (rows + (Double(j) + 0.5) / Double(samples)) * pitch
                                                        var v = q0 - k * u * u
                                                        v = v.replacing(with: D.zero, where: v .< D.zero)
                                                        sum += v.squareRoot()
                                                    }
                                                    return scale * sum
                                                }
                                                let lanes = D(0, 1, 2, 3)
                                                var row = range.lowerBound
                                                while row < range.upperBound {
                                                    let c = chords(lanes + Double(row))
                                                    for lane in 0..<min(4, range.upperBound - row) {
                                                        length[row + lane] += Float(c[lane])
                                                    }
                                                    row += 4
                                                }
                                            }
                                        }
                                        // Walk the marked rows in order; each run from one mark to the next has the depths
                                        // of its first row. A run with the same depths as the run above (bit for bit) takes
                                        // its transmissions without exponentiating again.
                                        var depth = SIMD16<Float>.zero
                                        var tau = SIMD16<Float>(repeating: -1)
                                        var valueHigh: Float = 1, valueLow: Float = 1
                                        var start = 0
                                        @inline(__always) func fill(to end: Int) {
                                            var row = base + start
                                            while row < base + end {
                                                high[row] = valueHigh
                                                low[row] = valueLow
                                                row += 1
                                            }
                                        }
                                        mark(0)
                                        for word in 0..<marks.count {
                                            var bits = marks[word]
                                            marks[word] = 0
                                            while bits != 0 {
                                                let row = word << 6 + bits.trailingZeroBitCount
                                                bits &= bits - 1
                                                guard row < height else { break }
                                                fill(to: row)
                                                depth += difference[row]
                                                var t = depth + direct[row]
                                                difference[row] = .zero
                                                direct[row] = .zero
                                                for material in columnMaterials {
                                                    let at = material * lengthStride + row
                                                    t += curvedMaterials[material] * lengths[at]
                                                    lengths[at] = 0
                                                }
                                                if !sameBits(t, tau) {
                                                    let e = expNegative(t)
                                                    valueHigh = pairwiseSum(e * weightsHigh)
                                                    valueLow = pairwiseSum(e * weightsLow)
                                                    tau = t
                                                }
                                                start = row
                                            }
                                        }
                                        fill(to: height)
                                        difference[height] = .zero
                                        direct[height] = .zero
                                        for material in columnMaterials { touched[material] = false }
                                        columnMaterials.removeAll(keepingCapacity: true)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// True when `column` gets exactly what `column − 1` got from the same active shapes: every one a box or a
    /// rod along x (constant down its footprint's columns) whose covered share of the column is the same.
    @inline(__always)
    static func repeatsPreviousColumn(
        _ active: [Int], _ shapes: [ProjectedShape], column: Int, geometry: ImageGeometry
    ) -> Bool {
        let (x0, x1) = geometry.xRange(ofColumn: column)
        let (p0, p1) = geometry.xRange(ofColumn: column - 1)
        for index in active {
            let s = shapes[index]
            guard s.kind == .box || s.kind == .cylinderAlongX else { return false }
            if min(x1, s.x1) - max(x0, s.x0) != min(p1, s.x1) - max(p0, s.x0) { return false }
        }
        return true
    }
}

/// The sum of the 16 lanes in a fixed pairwise order (halves added lane by lane): vector adds where the standard
/// library's `sum()` adds lane after lane.
@inline(__always)
func pairwiseSum(_ v: SIMD16<Float>) -> Float {
    let eight = v.lowHalf + v.highHalf
    let four = eight.lowHalf + eight.highHalf
    return (four[0] + four[2]) + (four[1] + four[3])
}

/// True when the two vectors hold the same bits in every lane (then exp gives the same bits too).
@inline(__always)
func sameBits(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> Bool {
    let x = unsafeBitCast(a, to: SIMD16<UInt32>.self) ^ unsafeBitCast(b, to: SIMD16<UInt32>.self)
    let half = x.lowHalf | x.highHalf
    let quarter = half.lowHalf | half.highHalf
    return (quarter.lowHalf | quarter.highHalf) == .zero
}

/// ∫ from a to b of the chord 2·√(r² − t²) dt (a, b clamped to [−r, r]): the area of a disc of radius r
/// between two parallel lines, in mm².
@inline(__always)
func chordIntegral(_ a: Double, _ b: Double, radius r: Double) -> Double {
    let lo = max(-r, min(r, a)), hi = max(-r, min(r, b))
    guard hi > lo else { return 0 }
    @inline(__always) func primitive(_ t: Double) -> Double {
        t * max(0, r * r - t * t).squareRoot() + r * r * asin(max(-1, min(1, t / r)))
    }
    return primitive(hi) - primitive(lo)
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
