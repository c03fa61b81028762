extension Renderer {
    /// The column-major image `columns` (`height` samples per column) blurred by a separable Gaussian of `sigma`
    /// pixels (edges clamped; kernel radius ⌈3σ⌉, none for σ = 0) and written row-major into `target`.
    ///
    /// Along rows first, then along columns. The kernel is symmetric, so each sum takes the centre tap times its
    /// weight plus, for each distance, the two taps at that distance added first and times their common weight
    /// (half the multiplications). In tiles of 32 columns: the tile's columns are blurred along the rows four
    /// columns and four rows at a time (contiguous in `columns`), each 4 × 4 block transposed in registers into
    /// a row-major tile with the edge rows repeated above and below, which is then blurred along the columns
    /// four columns at a time straight into `target`'s rows. Every sample is read and written once; the tile
    /// stays in cache.
    static func blurTransposing(
        _ columns: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Float>, width: Int,
        height: Int, sigma: Double
    ) {
        typealias V = SIMD4<Float>
        let radius = sigma > 0 ? max(1, Int((3 * sigma).rounded(.up))) : 0
        // weights[t]: the normalised weight at distance t from the centre.
        var weights = (0...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        if radius == 0 { weights = [1] }
        let total = weights[0] + 2 * weights.dropFirst().reduce(0, +)
        weights = weights.map { $0 / total }
        let tileWidth = 32
        let paddedRows = height + 2 * radius
        let tile = UnsafeMutablePointer<Float>.allocate(capacity: paddedRows * tileWidth)
        defer { tile.deallocate() }
        tile.initialize(repeating: 0, count: paddedRows * tileWidth)
        // Each column's neighbours by distance −radius … radius, edges clamped.
        let neighbours = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: 4 * (2 * radius + 1))
        defer { neighbours.deallocate() }
        let source = columns.baseAddress!, output = target.baseAddress!
        let taps = 2 * radius + 1
        weights.withUnsafeBufferPointer { weights in
            let weights = weights.baseAddress!
            /// The blur along the rows at `row` of the column whose neighbours start at `near`.
            @inline(__always) func alongRow(_ near: UnsafePointer<UnsafePointer<Float>>, _ row: Int) -> V {
                var sum = V(repeating: weights[0]) * UnsafeRawPointer(near[radius] + row).loadUnaligned(as: V.self)
                var t = 1
                while t <= radius {
                    let pair =
                        UnsafeRawPointer(near[radius - t] + row).loadUnaligned(as: V.self)
                        + UnsafeRawPointer(near[radius + t] + row).loadUnaligned(as: V.self)
                    sum += V(repeating: weights[t]) * pair
                    t += 1
                }
                return sum
            }
            for column0 in stride(from: 0, to: width, by: tileWidth) {
                let count = min(tileWidth, width - column0)
                // Along the rows: tile[(radius + row) * tileWidth + j] for the tile's column j.
                var j = 0
                while j < count {
                    let block = min(4, count - j)
                    for c in 0..<4 {
                        let column = column0 + j + min(c, block - 1)
                        for t in 0..<taps {
                            neighbours[c * taps + t] = source + min(width - 1, max(0, column - radius + t)) * height
                        }
                    }
                    var row = 0
                    while row + 4 <= height {
                        let a = alongRow(neighbours, row), b = alongRow(neighbours + taps, row)
                        let c = alongRow(neighbours + 2 * taps, row), d = alongRow(neighbours + 3 * taps, row)
                        // The 4 × 4 block transposed: one vector per row of four columns.
                        let ab0 = V(a.x, b.x, a.y, b.y), ab1 = V(a.z, b.z, a.w, b.w)
                        let cd0 = V(c.x, d.x, c.y, d.y), cd1 = V(c.z, d.z, c.w, d.w)
                        let to = UnsafeMutableRawPointer(tile + (radius + row) * tileWidth + j)
                        to.storeBytes(of: V(ab0.x, ab0.y, cd0.x, cd0.y), as: V.self)
                        to.storeBytes(of: V(ab0.z, ab0.w, cd0.z, cd0.w), toByteOffset: 4 * tileWidth, as: V.self)
                        to.storeBytes(of: V(ab1.x, ab1.y, cd1.x, cd1.y), toByteOffset: 8 * tileWidth, as: V.self)
                        to.storeBytes(of: V(ab1.z, ab1.w, cd1.z, cd1.w), toByteOffset: 12 * tileWidth, as: V.self)
                        row += 4
                    }
                    // The last rows one by one (the tile's columns past `count` hold copies of the last one).
                    while row < height {
                        for c in 0..<4 {
                            let near = neighbours + c * taps
                            var sum = weights[0] * near[radius][row]
                            for t in stride(from: 1, through: radius, by: 1) {
                                sum += weights[t] * (near[radius - t][row] + near[radius + t][row])
                            }
                            tile[(radius + row) * tileWidth + j + c] = sum
                        }
                        row += 1
                    }
                    j += 4
                }
                for pad in 0..<radius {
                    (tile + pad * tileWidth).update(from: tile + radius * tileWidth, count: tileWidth)
                    (tile + (radius + height + pad) * tileWidth).update(
                        from: tile + (radius + height - 1) * tileWidth, count: tileWidth)
                }
                // Along the columns, four columns at a time, into the image's rows.
                for row in 0..<height {
                    let centre = UnsafeRawPointer(tile + (row + radius) * tileWidth)
                    var j = 0
                    while j < count {
                        var sum = V(repeating: weights[0]) * centre.loadUnaligned(fromByteOffset: 4 * j, as: V.self)
                        var t = 1
                        while t <= radius {
                            let pair =
                                centre.loadUnaligned(fromByteOffset: 4 * (j - t * tileWidth), as: V.self)
                                + centre.loadUnaligned(fromByteOffset: 4 * (j + t * tileWidth), as: V.self)
                            sum += V(repeating: weights[t]) * pair
                            t += 1
                        }
                        let to = row * width + column0 + j
                        if j + 4 <= count {
                            UnsafeMutableRawPointer(output + to).storeBytes(of: sum, as: V.self)
                        } else {
                            for lane in 0..<(count - j) { output[to + lane] = sum[lane] }
                        }
                        j += 4
                    }
                }
            }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
