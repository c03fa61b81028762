import CargoModel

/// A scene shape reduced to what the projection needs, in mm, with its attenuation per mm (× fill).
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
    /// Columns the footprint touches.
    var firstColumn: Int, lastColumn: Int
    /// Index in the scene, for a stable order.
    var order: Int
}

extension Renderer {
    func prepare(_ sceneShapes: [SceneShape], profile: ScannerProfile, geometry: ImageGeometry) throws(XRayImagingError)
        -> [ProjectedShape]
    {
        let vectors = try attenuationVectors(for: Set(sceneShapes.map(\.material)), profile: profile)
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
            let c0 = geometry.columnCoordinate(ofX: projected.x0), c1 = geometry.columnCoordinate(ofX: projected.x1)
            projected.firstColumn = max(0, Int(c0.rounded(.down)))
            projected.lastColumn = min(geometry.width - 1, Int(c1.rounded(.up)) - 1)
            let r0 = geometry.rowCoordinate(ofZ: projected.z1), r1 = geometry.rowCoordinate(ofZ: projected.z0)
            guard projected.firstColumn <= projected.lastColumn, r1 > 0, r0 < Double(geometry.height) else { continue }
            shapes.append(projected)
        }
        // Sweep order: by first column, then scene order (a fixed order of summation).
        shapes.sort { ($0.firstColumn, $0.order) < ($1.firstColumn, $1.order) }
        return shapes
    }

    /// Column by column: accumulate each bin's optical depth down the column (boxes through a difference
    /// array, curved shapes row by row), then exponentiate once per pixel and weight the bins.
    static func project(
        _ shapes: [ProjectedShape], geometry: ImageGeometry, weightsHigh: SIMD16<Float>,
        weightsLow: SIMD16<Float>, high: inout [Float], low: inout [Float]
    ) {
        let width = geometry.width, height = geometry.height, pitch = geometry.pitch
        // Boxes go through a difference array down the column in steps of 2⁻¹⁸ of optical depth, so that
        // a +v at a box's top and its −v at the bottom cancel exactly: pixels outside a shape's footprint
        // are bit-identical with and without it, whatever the order of the other shapes.
        var difference = [SIMD16<Float>](repeating: .zero, count: height + 1)
        var direct = [SIMD16<Float>](repeating: .zero, count: height + 1)
        // The optical depths of the last column computed, per row.
        var previous = [SIMD16<Float>](repeating: .zero, count: height)
        var active: [Int] = []
        var next = 0
        // Columns are written contiguously (column-major) and transposed in tiles at the end: writing a
        // column straight into row-major images touches a new page per row.
        var columnsHigh = [Float](repeating: 1, count: width * height)
        var columnsLow = [Float](repeating: 1, count: width * height)
        columnsHigh.withUnsafeMutableBufferPointer { high in
            columnsLow.withUnsafeMutableBufferPointer { low in
                difference.withUnsafeMutableBufferPointer { difference in
                    direct.withUnsafeMutableBufferPointer { direct in
                        previous.withUnsafeMutableBufferPointer { previous in
                            let rows = Double(height)
                            /// Adds `value` × the covered share of each row between heights z0 and z1.
                            @inline(__always) func addRows(_ z0: Double, _ z1: Double, _ value: SIMD16<Float>) {
                                let ua = max(0, geometry.rowCoordinate(ofZ: z1)),
                                    ub = min(rows, geometry.rowCoordinate(ofZ: z0))
                                guard ub > ua else { return }
                                let ra = Int(ua), rb = Int(ub)
                                if ra == rb {
                                    direct[ra] += value * Float(ub - ua)
                                    return
                                }
                                direct[ra] += value * Float(Double(ra + 1) - ua)
                                if ra + 1 < rb {
                                    let step = quantised(value)
                                    difference[ra + 1] += step
                                    difference[rb] -= step
                                }
                                if rb < height { direct[rb] += value * Float(ub - Double(rb)) }
                            }
                            /// Rows whose band overlaps heights z0…z1.
                            @inline(__always) func rowRange(_ z0: Double, _ z1: Double) -> Range<Int> {
                                let ra = max(0, Int(geometry.rowCoordinate(ofZ: z1).rounded(.down)))
                                let rb = min(height, Int(geometry.rowCoordinate(ofZ: z0).rounded(.up)))
                                return ra..<max(ra, rb)
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
                                // A column whose shapes are all boxes and rods along x, each covering it exactly as
                                // it covered the previous column, repeats that column bit for bit: copy it.
                                if column > 0, !changed,
                                    Self.repeatsPreviousColumn(active, shapes, column: column, geometry: geometry)
                                {
                                    let from = (column - 1) * height, to = column * height
                                    for row in 0..<height {
                                        high[to + row] = high[from + row]
                                        low[to + row] = low[from + row]
                                    }
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
                                        let mean = chordIntegral(colX0 - s.cx, colX1 - s.cx, radius: s.rx) / pitch
                                        if mean > 0 { addRows(s.z0, s.z1, s.mu * Float(mean)) }
                                    case .cylinderAlongX:
                                        let cover = (min(colX1, s.x1) - max(colX0, s.x0)) / pitch
                                        guard cover > 0 else { continue }
                                        for row in rowRange(s.z0, s.z1) {
                                            let top = geometry.topZ - Double(row) * pitch
                                            let mean =
                                                chordIntegral(top - pitch - s.cz, top - s.cz, radius: s.rz) / pitch
                                            direct[row] += s.mu * Float(mean * cover)
                                        }
                                    case .cylinderAlongY:
                                        let samples = s.rz < 2 * pitch ? 4 : 1
                                        for row in rowRange(s.z0, s.z1) {
                                            let top = geometry.topZ - Double(row) * pitch
                                            var cover = 0.0
                                            for j in 0..<samples {
                                                let dz = top - (Double(j) + 0.5) * pitch / Double(samples) - s.cz
                                                let h2 = s.rx * s.rx - dz * dz
                                                guard h2 > 0 else { continue }
                                                let h = h2.squareRoot()
                                                cover += max(0, min(colX1, s.cx + h) - max(colX0, s.cx - h))
                                            }
                                            if cover > 0 {
                                                direct[row] += s.mu * Float(s.depth * cover / (pitch * Double(samples)))
                                            }
                                        }
                                    case .ellipsoid:
                                        let samples = s.rz < 2 * pitch ? 4 : 1
                                        let exact = s.rx < 1.5 * pitch
                                        let factor = s.ry / s.rx
                                        for row in rowRange(s.z0, s.z1) {
                                            let top = geometry.topZ - Double(row) * pitch
                                            var sum = 0.0
                                            for j in 0..<samples {
                                                let dz =
                                                    (top - (Double(j) + 0.5) * pitch / Double(samples) - s.cz) / s.rz
                                                let share = 1 - dz * dz
                                                guard share > 0 else { continue }
                                                let hx = s.rx * share.squareRoot()
                                                if exact {
                                                    sum +=
                                                        factor * chordIntegral(colX0 - s.cx, colX1 - s.cx, radius: hx)
                                                        / pitch
                                                } else {
                                                    let dx = colCentre - s.cx
                                                    let q = hx * hx - dx * dx
                                                    if q > 0 { sum += 2 * factor * q.squareRoot() }
                                                }
                                            }
                                            if sum > 0 { direct[row] += s.mu * Float(sum / Double(samples)) }
                                        }
                                    }
                                }
                                // Between shape edges the optical depths repeat down the column, and across it
                                // from the previous column: reuse those pixels rather than exponentiate again (the
                                // same depths give the same bits).
                                var depth = SIMD16<Float>.zero
                                var above = SIMD16<Float>(repeating: -1)
                                let base = column * height
                                for row in 0..<height {
                                    depth += difference[row]
                                    let tau = depth + direct[row]
                                    if row > 0, sameBits(tau, above) {
                                        high[base + row] = high[base + row - 1]
                                        low[base + row] = low[base + row - 1]
                                    } else if column > 0, sameBits(tau, previous[row]) {
                                        high[base + row] = high[base - height + row]
                                        low[base + row] = low[base - height + row]
                                    } else {
                                        let e = expNegative(tau)
                                        high[base + row] = (e * weightsHigh).sum()
                                        low[base + row] = (e * weightsLow).sum()
                                    }
                                    above = tau
                                    previous[row] = tau
                                    difference[row] = .zero
                                    direct[row] = .zero
                                }
                                difference[height] = .zero
                            }
                        }
                    }
                }
            }
        }
        transpose(columnsHigh, into: &high, width: width, height: height)
        transpose(columnsLow, into: &low, width: width, height: height)
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

    /// Copies a column-major image into a row-major one, in 32 × 32 tiles.
    static func transpose(_ source: [Float], into target: inout [Float], width: Int, height: Int) {
        source.withUnsafeBufferPointer { source in
            target.withUnsafeMutableBufferPointer { target in
                let tile = 32
                for column0 in stride(from: 0, to: width, by: tile) {
                    for row0 in stride(from: 0, to: height, by: tile) {
                        for column in column0..<min(width, column0 + tile) {
                            for row in row0..<min(height, row0 + tile) {
                                target[row * width + column] = source[column * height + row]
                            }
                        }
                    }
                }
            }
        }
    }

    /// A separable Gaussian of `sigma` pixels, edges clamped; kernel radius ⌈3σ⌉.
    ///
    /// Eight pixels at a time along each row (and each row from its neighbours above and below); each sum
    /// adds its taps in kernel order, as a scalar loop would.
    static func blur(_ image: inout [Float], width: Int, height: Int, sigma: Double) {
        typealias V = SIMD8<Float>
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        var temporary = [Float](repeating: 0, count: image.count)
        image.withUnsafeMutableBufferPointer { image in
            temporary.withUnsafeMutableBufferPointer { temporary in
                kernel.withUnsafeBufferPointer { kernel in
                    let source = UnsafeRawPointer(image.baseAddress!)
                    let target = UnsafeMutableRawPointer(temporary.baseAddress!)
                    let stride = MemoryLayout<Float>.stride
                    // along rows: the clamp only where the kernel overhangs an edge
                    let inner = radius..<max(radius, width - radius)
                    for row in 0..<height {
                        let base = row * width
                        var column = inner.lowerBound
                        while column + 8 <= inner.upperBound {
                            var sum = V.zero
                            for k in 0...(2 * radius) {
                                let x = source.loadUnaligned(
                                    fromByteOffset: (base + column - radius + k) * stride, as: V.self)
                                sum += kernel[k] * x
                            }
                            target.storeBytes(of: sum, toByteOffset: (base + column) * stride, as: V.self)
                            column += 8
                        }
                        for edge in [0..<min(width, radius), min(width, column)..<width] {
                            for column in edge {
                                var sum: Float = 0
                                for k in -radius...radius {
                                    sum += kernel[k + radius] * image[base + min(width - 1, max(0, column + k))]
                                }
                                temporary[base + column] = sum
                            }
                        }
                    }
                    // along columns, a row at a time from the rows above and below
                    let blurred = UnsafeMutableRawPointer(image.baseAddress!)
                    let rows = UnsafeRawPointer(temporary.baseAddress!)
                    for row in 0..<height {
                        let base = row * width
                        var column = 0
                        while column + 8 <= width {
                            var sum = V.zero
                            for k in -radius...radius {
                                let from = min(height - 1, max(0, row + k)) * width
                                sum +=
                                    kernel[k + radius]
                                    * rows.loadUnaligned(fromByteOffset: (from + column) * stride, as: V.self)
                            }
                            blurred.storeBytes(of: sum, toByteOffset: (base + column) * stride, as: V.self)
                            column += 8
                        }
                        for column in column..<width {
                            var sum: Float = 0
                            for k in -radius...radius {
                                sum += kernel[k + radius] * temporary[min(height - 1, max(0, row + k)) * width + column]
                            }
                            image[base + column] = sum
                        }
                    }
                }
            }
        }
    }
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
