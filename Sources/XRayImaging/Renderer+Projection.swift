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
        struct Footprint: Hashable {
            var material: Int
            var x0: Double, x1: Double, z0: Double, z1: Double
        }
        var ellipsoids: [Footprint: Int] = [:]
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
            if projected.kind == .ellipsoid || projected.kind == .cylinderAlongX {
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
            if projected.kind == .ellipsoid {
                // An ellipsoid's chord at any pixel is (ry/rx)·fill times a function of its footprint alone, so
                // ellipsoids of one material over the same footprint (a row of sacks across the container, one
                // behind the other along the beam) are one shape with the sum of their ry·fill.
                projected.ry *= projected.fill
                projected.fill = 1
                let key = Footprint(
                    material: projected.material, x0: projected.x0, x1: projected.x1, z0: projected.z0, z1: projected.z1
                )
                if let merged = ellipsoids[key] {
                    shapes[merged].ry += projected.ry
                    continue
                }
                ellipsoids[key] = shapes.count
            }
            shapes.append(projected)
        }
        // Sweep order: by first column, then scene order (a fixed order of summation).
        shapes.sort { ($0.firstColumn, $0.order) < ($1.firstColumn, $1.order) }
        return (shapes, curvedMaterials)
    }

    /// Column by column: accumulate the optical depths of boxes down the column through a difference array (runs of
    /// rows between the rows where a box starts or ends), and each curved material's path length row by row; then
    /// walk the column run by run. A run without curved material costs one exponentiation; under one curved
    /// material a pixel reads its transmissions from the run's `LengthTables` table; where two or more overlap, or
    /// the path is too long for a table, a pixel is exponentiated bin by bin. Which of the three a pixel takes
    /// depends only on what lies along its own ray, so a pixel's value does too: pixels outside a shape's
    /// footprint are bit-identical with and without it.
    ///
    /// `high` and `low` are a ring of `slotMask + 1` column slots (a power of two): column c is written to the
    /// `height` samples from (c & `slotMask`) · `height`, contiguous as it is computed (writing a column straight
    /// into a row-major image would touch a new page per row). `columnDone(c)` is called once column c is written;
    /// the caller takes what it needs of the ring before later columns reuse its slots.
    static func project(
        _ shapes: [ProjectedShape], curvedMaterials: [SIMD16<Float>], geometry: ImageGeometry,
        weightsHigh: SIMD16<Float>, weightsLow: SIMD16<Float>, high: UnsafeMutableBufferPointer<Float>,
        low: UnsafeMutableBufferPointer<Float>, slotMask: Int, columnDone: (Int) -> Void
    ) {
        let width = geometry.width, height = geometry.height, pitch = geometry.pitch
        // Boxes go through a difference array down the column in steps of 2⁻¹⁸ of optical depth, so that
        // a +v at a box's top and its −v at the bottom cancel exactly: pixels outside a shape's footprint
        // are bit-identical with and without it, whatever the order of the other shapes.
        var difference = [SIMD16<Float>](repeating: .zero, count: height + 1)
        var direct = [SIMD16<Float>](repeating: .zero, count: height + 1)
        // A bit per row where the boxes' depths may change from the row above: a row where a difference or a
        // direct term was added, and the row after a direct term. Between marks the depths are constant.
        var marks = [UInt64](repeating: 0, count: (height + 2 + 63) / 64)
        // Per curved material, its path length × fill (mm) down the column, and the rows it reaches (first, end);
        // the materials the column touched.
        let lengthStride = height + 1
        var lengths = [Float](repeating: 0, count: max(1, curvedMaterials.count * lengthStride))
        var reach = [(first: Int, end: Int)](repeating: (0, 0), count: curvedMaterials.count)
        var touched = [Bool](repeating: false, count: curvedMaterials.count)
        // Per curved material, the longest path down the column: the largest value written to its lengths (every
        // addition is ≥ 0, so that is the largest final one), which sizes its tables.
        var longest = [Float](repeating: 0, count: curvedMaterials.count)
        var columnMaterials: [Int] = []
        var overlapping: [Int] = []
        var segmentTables = [Int](repeating: -1, count: curvedMaterials.count)
        var tables = LengthTables(curvedMaterials: curvedMaterials, weightsHigh: weightsHigh, weightsLow: weightsLow)
        defer { tables.deallocate() }
        var active: [Int] = []
        var next = 0
        // The last run without curved material: its depths and transmissions (runs repeat down and across columns).
        var constantBase = SIMD16<Float>(repeating: -1)
        var constantHigh: Float = 1, constantLow: Float = 1
        // The last pixel exponentiated bin by bin.
        var exactTau = SIMD16<Float>(repeating: -1)
        var exactHigh: Float = 1, exactLow: Float = 1
        difference.withUnsafeMutableBufferPointer { difference in
            direct.withUnsafeMutableBufferPointer { direct in
                marks.withUnsafeMutableBufferPointer { marks in
                    lengths.withUnsafeMutableBufferPointer { lengths in
                        curvedMaterials.withUnsafeBufferPointer { curvedMaterials in
                            let rows = Double(height)
                            @inline(__always) func mark(_ row: Int) { marks[row >> 6] |= 1 << UInt64(row & 63) }
                            /// Adds, to each row between heights z0 and z1, the depths that make a shape of
                            /// depths `tau` over the share `cover` of the column (and the covered share of the
                            /// row) attenuate the pixel as it does (`partial`). `edges`: the top and bottom rows'
                            /// depths at full cover, when known.
                            @inline(__always) func addRows(
                                _ z0: Double, _ z1: Double, _ tau: SIMD16<Float>, cover: Double,
                                edges: (top: SIMD16<Float>, bottom: SIMD16<Float>)? = nil
                            ) {
                                let ua = max(0, geometry.rowCoordinate(ofZ: z1)),
                                    ub = min(rows, geometry.rowCoordinate(ofZ: z0))
                                guard ub > ua else { return }
                                let ra = Int(ua), rb = Int(ub)
                                mark(ra)
                                mark(ra + 1)
                                if ra == rb {
                                    direct[ra] += partial(tau, cover * (ub - ua))
                                    return
                                }
                                direct[ra] += edges?.top ?? partial(tau, cover * (Double(ra + 1) - ua))
                                if ra + 1 < rb {
                                    let step = quantised(partial(tau, cover))
                                    difference[ra + 1] += step
                                    difference[rb] -= step
                                    mark(rb)
                                }
                                if rb < height {
                                    direct[rb] += edges?.bottom ?? partial(tau, cover * (ub - Double(rb)))
                                    mark(rb)
                                    mark(rb + 1)
                                }
                            }
                            /// The rows whose band overlaps heights z0…z1 and the start of `material`'s lengths
                            /// down the column, noting that the column uses the material on those rows.
                            @inline(__always) func curved(_ material: Int, _ z0: Double, _ z1: Double) -> (
                                Range<Int>, UnsafeMutablePointer<Float>
                            ) {
                                let ra = max(0, Int(geometry.rowCoordinate(ofZ: z1).rounded(.down)))
                                let rb = max(ra, min(height, Int(geometry.rowCoordinate(ofZ: z0).rounded(.up))))
                                if !touched[material] {
                                    touched[material] = true
                                    longest[material] = 0
                                    columnMaterials.append(material)
                                    reach[material] = (ra, rb)
                                } else {
                                    reach[material] = (
                                        min(reach[material].first, ra), max(reach[material].end, rb)
                                    )
                                }
                                return (ra..<rb, lengths.baseAddress! + material * lengthStride)
                            }
                            /// Adds `value` to row `row` of `material`'s lengths `length`.
                            @inline(__always) func lengthen(
                                _ length: UnsafeMutablePointer<Float>, _ row: Int, by value: Float,
                                _ material: Int
                            ) {
                                length[row] += value
                                longest[material] = max(longest[material], length[row])
                            }
                            @inline(__always) func lengthsOf(_ material: Int) -> UnsafeMutablePointer<Float> {
                                lengths.baseAddress! + material * lengthStride
                            }
                            /// The transmissions of depths `tau`, bin by bin.
                            @inline(__always) func exact(_ tau: SIMD16<Float>) -> (Float, Float) {
                                if !sameBits(tau, exactTau) {
                                    let e = expNegative(tau)
                                    exactHigh = pairwiseSum(e * weightsHigh)
                                    exactLow = pairwiseSum(e * weightsLow)
                                    exactTau = tau
                                }
                                return (exactHigh, exactLow)
                            }

                            // Each box's top and bottom rows at full cover of a column: the same in every column
                            // it covers whole, so computed once.
                            let boxEdges: [(top: SIMD16<Float>, bottom: SIMD16<Float>)?] = shapes.map { s in
                                guard s.kind == .box else { return nil }
                                let tau = s.mu * Float(s.depth)
                                let ua = max(0, geometry.rowCoordinate(ofZ: s.z1)),
                                    ub = min(rows, geometry.rowCoordinate(ofZ: s.z0))
                                guard ub > ua else { return nil }
                                let ra = Int(ua), rb = Int(ub)
                                return (
                                    partial(tau, Double(ra + 1) - ua),
                                    rb < height ? partial(tau, ub - Double(rb)) : .zero
                                )
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
                                let base = (column & slotMask) * height
                                // A column whose shapes are all boxes and rods along x, each covering it exactly as
                                // it covered the previous column, repeats that column bit for bit: copy it.
                                if column > 0, !changed,
                                    Self.repeatsPreviousColumn(
                                        active, shapes, column: column, geometry: geometry)
                                {
                                    let previous = ((column - 1) & slotMask) * height
                                    (high.baseAddress! + base).update(
                                        from: high.baseAddress! + previous, count: height)
                                    (low.baseAddress! + base).update(
                                        from: low.baseAddress! + previous, count: height)
                                    columnDone(column)
                                    continue
                                }
                                let (colX0, colX1) = geometry.xRange(ofColumn: column)
                                let colCentre = (colX0 + colX1) / 2
                                for index in active {
                                    let s = shapes[index]
                                    switch s.kind {
                                    case .box:
                                        let cover = (min(colX1, s.x1) - max(colX0, s.x0)) / pitch
                                        if cover >= fullCover {
                                            addRows(s.z0, s.z1, s.mu * Float(s.depth), cover: 1, edges: boxEdges[index])
                                        } else if cover > 0 {
                                            addRows(s.z0, s.z1, s.mu * Float(s.depth), cover: cover)
                                        }
                                    case .cylinderAlongZ:
                                        let mean =
                                            chordIntegral(colX0 - s.cx, colX1 - s.cx, radius: s.rx) / pitch
                                        if mean > 0 { addRows(s.z0, s.z1, s.mu * Float(mean), cover: 1) }
                                    case .cylinderAlongX:
                                        let cover = (min(colX1, s.x1) - max(colX0, s.x0)) / pitch
                                        guard cover > 0 else { continue }
                                        let (range, length) = curved(s.material, s.z0, s.z1)
                                        for row in range {
                                            let top = geometry.topZ - Double(row) * pitch
                                            let mean =
                                                chordIntegral(top - pitch - s.cz, top - s.cz, radius: s.rz)
                                                / pitch
                                            lengthen(length, row, by: Float(mean * cover * s.fill), s.material)
                                        }
                                    case .cylinderAlongY:
                                        // A disc of one path length along the beam: each pixel's covered share of
                                        // its area exactly (`discRectangleArea`), the rows wholly inside as a box's.
                                        let tau = s.mu * Float(s.depth)
                                        let a0 = colX0 - s.cx, a1 = colX1 - s.cx
                                        let near = a0 > 0 ? a0 : (a1 < 0 ? -a1 : 0)
                                        guard near < s.rx else { continue }
                                        let far = max(abs(a0), abs(a1))
                                        let reach = (s.rx * s.rx - near * near).squareRoot()
                                        let firstRow = max(
                                            0, Int(geometry.rowCoordinate(ofZ: s.cz + reach).rounded(.down)))
                                        let endRow = min(
                                            height, Int(geometry.rowCoordinate(ofZ: s.cz - reach).rounded(.up)))
                                        guard endRow > firstRow else { continue }
                                        var fullFirst = endRow, fullEnd = endRow
                                        if far < s.rx {
                                            let inner = (s.rx * s.rx - far * far).squareRoot()
                                            let f0 = max(
                                                firstRow, Int(geometry.rowCoordinate(ofZ: s.cz + inner).rounded(.up)))
                                            let f1 = min(
                                                endRow, Int(geometry.rowCoordinate(ofZ: s.cz - inner).rounded(.down)))
                                            if f1 > f0 {
                                                fullFirst = f0
                                                fullEnd = f1
                                                let step = quantised(tau)
                                                difference[f0] += step
                                                difference[f1] -= step
                                                mark(f0)
                                                mark(f1)
                                            }
                                        }
                                        for row in firstRow..<endRow where row < fullFirst || row >= fullEnd {
                                            let top = geometry.topZ - Double(row) * pitch - s.cz
                                            let share =
                                                discRectangleArea(a0, a1, top - pitch, top, radius: s.rx)
                                                / (pitch * pitch)
                                            guard share > 0 else { continue }
                                            direct[row] += partial(tau, share)
                                            mark(row)
                                            mark(row + 1)
                                        }
                                    case .ellipsoid:
                                        let samples = s.rz < 2 * pitch ? 4 : 1
                                        let factor = s.ry / s.rx
                                        if s.rx < 1.5 * pitch {
                                            // Narrow: the chord's mean over the column, exactly.
                                            let (range, length) = curved(s.material, s.z0, s.z1)
                                            for row in range {
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
                                                lengthen(
                                                    length, row, by: Float(sum / Double(samples) * s.fill),
                                                    s.material)
                                            }
                                            continue
                                        }
                                        // At the column's centre, offset dx from the ellipsoid's, and height offset u
                                        // from its centre the chord along y is 2·(ry/rx)·√(rx² − dx² − (rx/rz)²·u²):
                                        // four rows at a time, the square in Double (near the rim the difference
                                        // cancels), its root in Float (a correctly rounded root of a Float-rounded
                                        // square: 10⁻⁷ of the chord).
                                        let dx = colCentre - s.cx
                                        let q0 = s.rx * s.rx - dx * dx
                                        guard q0 > 0 else { continue }
                                        typealias D = SIMD4<Double>
                                        let scale = 2 * factor * s.fill / Double(samples)
                                        let k = (s.rx / s.rz) * (s.rx / s.rz)
                                        // Only the rows this column's ellipse reaches (|u| < √(q0/k)): elsewhere
                                        // every chord is 0.
                                        let reachZ = (q0 / k).squareRoot()
                                        let (range, length) = curved(s.material, s.cz - reachZ, s.cz + reachZ)
                                        let top = geometry.topZ - s.cz
                                        // The heights sampled in a row, from its top edge, in pixels.
                                        let offsets =
                                            samples == 1
                                            ? SIMD4<Double>(0.5, 0, 0, 0) : SIMD4(0.125, 0.375, 0.625, 0.875)
                                        typealias F = SIMD4<Float>
                                        let scaleF = F(repeating: Float(scale))
                                        /// The chords at four rows.
                                        @inline(__always) func chords(_ rows: D) -> F {
                                            var sum = F.zero
                                            for j in 0..<samples {
                                                let u = top - (rows + offsets[j]) * pitch
                                                var v = q0 - k * u * u
                                                v = v.replacing(with: D.zero, where: v .< D.zero)
                                                sum += squareRoot(floats(v))
                                            }
                                            return scaleF * sum
                                        }
                                        let lanes = D(0, 1, 2, 3)
                                        var row = range.lowerBound
                                        var reached = F.zero
                                        while row + 4 <= range.upperBound {
                                            let at = UnsafeMutableRawPointer(length + row)
                                            let sum = at.loadUnaligned(as: F.self) + chords(lanes + Double(row))
                                            at.storeBytes(of: sum, as: F.self)
                                            reached = reached.replacing(with: sum, where: sum .> reached)
                                            row += 4
                                        }
                                        longest[s.material] = max(
                                            longest[s.material],
                                            max(max(reached[0], reached[1]), max(reached[2], reached[3])))
                                        if row < range.upperBound {
                                            let c = chords(lanes + Double(row))
                                            for lane in 0..<(range.upperBound - row) {
                                                lengthen(length, row + lane, by: c[lane], s.material)
                                            }
                                        }
                                    }
                                }
                                // Curved materials in a fixed order (their index), whatever order the shapes came in.
                                columnMaterials.sort()

                                /// Rows start..<end, whose boxes give depths `b`.
                                @inline(__always) func walk(_ start: Int, _ end: Int, _ b: SIMD16<Float>) {
                                    overlapping.removeAll(keepingCapacity: true)
                                    for material in columnMaterials
                                    where reach[material].first < end && reach[material].end > start {
                                        overlapping.append(material)
                                    }
                                    if overlapping.isEmpty {
                                        if !sameBits(b, constantBase) {
                                            let e = expNegative(b)
                                            constantHigh = pairwiseSum(e * weightsHigh)
                                            constantLow = pairwiseSum(e * weightsLow)
                                            constantBase = b
                                        }
                                        (high.baseAddress! + base + start).update(
                                            repeating: constantHigh, count: end - start)
                                        (low.baseAddress! + base + start).update(
                                            repeating: constantLow, count: end - start)
                                        return
                                    }
                                    if overlapping.count == 1 {
                                        // One curved material: its table, as far as the column's longest path
                                        // needs (below the limit: longer paths are computed exactly). The
                                        // table's entries are pure functions of its key, so one grown further
                                        // than this run needs gives the same pixels.
                                        let material = overlapping[0]
                                        let length = lengthsOf(material)
                                        let limit = tables.limits[material]
                                        let inverseStep = tables.inverseSteps[material]
                                        let table = tables.table(base: b, material: material)
                                        let intervals = tables.intervals(
                                            table,
                                            through: min(
                                                LengthTables.maximumPoints - 1,
                                                Int(min(longest[material], limit) * inverseStep) + 1))
                                        let mu = curvedMaterials[material]
                                        var row = start
                                        // Four rows at a time while their paths fit the table.
                                        while row + 4 <= end {
                                            let at = UnsafeMutableRawPointer(length + row)
                                            let l = at.loadUnaligned(as: SIMD4<Float>.self)
                                            guard all(l .< SIMD4(repeating: limit)) else { break }
                                            at.storeBytes(of: .zero, as: SIMD4<Float>.self)
                                            let (h, w) = interpolate4(
                                                intervals, lengths: l, inverseStep: inverseStep)
                                            UnsafeMutableRawPointer(high.baseAddress! + base + row).storeBytes(
                                                of: h, as: SIMD4<Float>.self)
                                            UnsafeMutableRawPointer(low.baseAddress! + base + row).storeBytes(
                                                of: w, as: SIMD4<Float>.self)
                                            row += 4
                                        }
                                        for row in row..<end {
                                            let l = length[row]
                                            length[row] = 0
                                            let (h, w) =
                                                l < limit
                                                ? interpolate(intervals, length: l, inverseStep: inverseStep)
                                                : exact(b + mu * l)
                                            high[base + row] = h
                                            low[base + row] = w
                                        }
                                        return
                                    }
                                    // Several: pixel by pixel, by how many have a path there.
                                    for material in overlapping { segmentTables[material] = -1 }
                                    for row in start..<end {
                                        var count = 0, only = 0
                                        for material in overlapping where lengthsOf(material)[row] != 0 {
                                            count += 1
                                            only = material
                                        }
                                        let values: (Float, Float)
                                        let l = lengthsOf(only)[row]
                                        if count == 1, l < tables.limits[only] {
                                            if segmentTables[only] < 0 {
                                                segmentTables[only] = tables.table(base: b, material: only)
                                            }
                                            let inverseStep = tables.inverseSteps[only]
                                            let intervals = tables.intervals(
                                                segmentTables[only], through: Int(l * inverseStep) + 1)
                                            values = interpolate(intervals, length: l, inverseStep: inverseStep)
                                        } else {
                                            var tau = b
                                            for material in overlapping {
                                                let length = lengthsOf(material)[row]
                                                if length != 0 { tau += curvedMaterials[material] * length }
                                            }
                                            values = exact(tau)
                                        }
                                        for material in overlapping { lengthsOf(material)[row] = 0 }
                                        high[base + row] = values.0
                                        low[base + row] = values.1
                                    }
                                }

                                // Walk the marked rows in order: each run from one mark to the next has the boxes'
                                // depths of its first row.
                                var depth = SIMD16<Float>.zero
                                var runDepths = SIMD16<Float>.zero
                                var start = 0
                                mark(0)
                                for word in 0..<marks.count {
                                    var bits = marks[word]
                                    marks[word] = 0
                                    while bits != 0 {
                                        let row = word << 6 + bits.trailingZeroBitCount
                                        bits &= bits - 1
                                        guard row < height else { break }
                                        if row > start { walk(start, row, runDepths) }
                                        depth += difference[row]
                                        runDepths = depth + direct[row]
                                        difference[row] = .zero
                                        direct[row] = .zero
                                        start = row
                                    }
                                }
                                walk(start, height, runDepths)
                                difference[height] = .zero
                                direct[height] = .zero
                                for material in columnMaterials { touched[material] = false }
                                columnMaterials.removeAll(keepingCapacity: true)
                                columnDone(column)
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

/// A share of a pixel's area this close to 1 is the whole pixel.
let fullCover = 0.999_999

/// The optical depths per bin that make a shape of depths `tau` over the share `a` of a pixel's area attenuate the
/// pixel as it does. A detector pixel measures the mean of exp(−τ) over its area, not exp of the mean τ: the shape
/// multiplies each bin's transmission by (1 − a) + a·exp(−τ), so its depths are −ln((1 − a) + a·exp(−τ)), added to
/// those of whatever lies wholly across the pixel. Exact when the shape is the only one with an edge inside the
/// pixel; where several are, their shares are taken as independent (the product of their factors). A plate seen
/// edge-on over half a pixel lets half the beam through, however thick it is along the beam (exp of the mean depth
/// would let almost none through).
@inline(__always)
func partial(_ tau: SIMD16<Float>, _ a: Double) -> SIMD16<Float> {
    guard a < fullCover else { return tau }
    guard a > 0 else { return .zero }
    let f = SIMD16<Float>(repeating: Float(1 - a)) + Float(a) * expNegative(tau)
    return SIMD16<Float>.zero - SIMD16(lowHalf: fastLog(f.lowHalf), highHalf: fastLog(f.highHalf))
}

/// The area (mm²) of the disc of radius r centred at the origin within the rectangle [x0, x1] × [z0, z1]: the integral
/// over x of the covered height, cut where the disc's half-height √(r² − x²) crosses z0 or z1, so that each piece is
/// a rectangle's side or the half-chord's integral (`chordIntegral`). Exact to rounding.
func discRectangleArea(_ x0: Double, _ x1: Double, _ z0: Double, _ z1: Double, radius r: Double) -> Double {
    let lo = max(-r, x0), hi = min(r, x1)
    guard hi > lo, z1 > z0 else { return 0 }
    var cuts: (Double, Double, Double, Double, Double, Double) = (lo, hi, lo, lo, lo, lo)
    var count = 2
    withUnsafeMutableBytes(of: &cuts) { raw in
        let c = raw.bindMemory(to: Double.self)
        for z in [z0, z1] where abs(z) < r {
            let t = (r * r - z * z).squareRoot()
            if -t > lo && -t < hi {
                c[count] = -t
                count += 1
            }
            if t > lo && t < hi {
                c[count] = t
                count += 1
            }
        }
        c[0..<count].sort()
    }
    var area = 0.0
    withUnsafeBytes(of: cuts) { raw in
        let c = raw.bindMemory(to: Double.self)
        for k in 0..<(count - 1) {
            let a = c[k], b = c[k + 1]
            guard b > a else { continue }
            let m = (a + b) / 2
            let h = max(0, r * r - m * m).squareRoot()
            let top = min(z1, h), bottom = max(z0, -h)
            guard top > bottom else { continue }
            // Over (a, b) the top is z1 or the half-chord throughout, and the bottom z0 or its negative.
            let halfChord = chordIntegral(a, b, radius: r) / 2
            area += (top == z1 ? z1 * (b - a) : halfChord) - (bottom == z0 ? z0 * (b - a) : -halfChord)
        }
    }
    return area
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
