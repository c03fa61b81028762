#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
extension Renderer {
    /// The column-major image `columns` (`height` samples per column) blurred by a separable Gaussian of `sigma`
    /// pixels (edges clamped; kernel radius ⌈3σ⌉, none for σ = 0) and written row-major into `target`.
    ///
    /// Along rows first, then along columns. The kernel is symmetric, so each sum takes the centre tap times its
    /// weight plus, for each distance in turn, the two taps at that distance added first and times their common
    /// weight (half the multiplications). In tiles of 32 columns: the tile's columns are blurred along the rows
    /// four columns and four rows at a time from the 4 + 2r source columns those need, each 4 × 4 block
    /// transposed in registers into a row-major tile with the edge rows repeated above and below, which is then
    /// blurred along the columns four columns at a time straight into `target`'s rows. Every sample is written
    /// once; the tile stays in cache. The scanner profiles' radii (1 to 3) have their own copies of the loops,
    /// unrolled by the compiler.
    static func blurTransposing(
        _ columns: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Float>, width: Int,
        height: Int, sigma: Double
    ) {
        let radius = sigma > 0 ? max(1, Int((3 * sigma).rounded(.up))) : 0
        // weights[t]: the normalised weight at distance t from the centre.
        var weights = (0...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        if radius == 0 { weights = [1] }
        let total = weights[0] + 2 * weights.dropFirst().reduce(0, +)
        weights = weights.map { $0 / total }
        let image = BlurredImage(
            source: columns.baseAddress!, target: target.baseAddress!, width: width, height: height)
        weights.map { SIMD4(repeating: $0) }.withUnsafeBufferPointer { weights in
            let weights = weights.baseAddress!
            switch radius {
            case 0: image.blur(weights: weights, radius: 0)
            case 1: image.blur(weights: weights, radius: 1)
            case 2: image.blur(weights: weights, radius: 2)
            case 3: image.blur(weights: weights, radius: 3)
            default: image.blur(weights: weights, radius: radius)
            }
        }
    }
}

/// The source and target of `Renderer.blurTransposing`.
private struct BlurredImage {
    typealias V = SIMD4<Float>
    static let tileWidth = 32
    let source: UnsafePointer<Float>
    let target: UnsafeMutablePointer<Float>
    let width: Int, height: Int

    /// Blurs the whole image with the kernel `weights[0...radius]` (each weight in every lane). Inlined into each
    /// caller, so that a constant radius unrolls the loops over the taps.
    @inline(__always)
    func blur(weights: UnsafePointer<V>, radius: Int) {
        let tileWidth = Self.tileWidth
        let tile = UnsafeMutablePointer<Float>.allocate(capacity: (height + 2 * radius) * tileWidth)
        defer { tile.deallocate() }
        tile.initialize(repeating: 0, count: (height + 2 * radius) * tileWidth)
        // The source columns of four output columns and their neighbours, edges clamped.
        let near = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: 4 + 2 * radius)
        defer { near.deallocate() }
        for column0 in stride(from: 0, to: width, by: tileWidth) {
            let count = min(tileWidth, width - column0)
            // Along the rows: tile[(radius + row) * tileWidth + j] for the tile's column j. Output columns past the
            // image's last one (in the last group) take clamped neighbours and are never stored.
            for j in stride(from: 0, to: count, by: 4) {
                for k in 0..<(4 + 2 * radius) {
                    near[k] = source + min(width - 1, max(0, column0 + j - radius + k)) &* height
                }
                alongRows(near: near, into: tile + radius &* tileWidth + j, weights: weights, radius: radius)
            }
            for pad in 0..<radius {
                (tile + pad * tileWidth).update(from: tile + radius * tileWidth, count: tileWidth)
                (tile + (radius + height + pad) * tileWidth).update(
                    from: tile + (radius + height - 1) * tileWidth, count: tileWidth)
            }
            alongColumns(tile: tile, column0: column0, count: count, weights: weights, radius: radius)
        }
    }

    /// Four output columns blurred along the rows from their 4 + 2·radius source columns `near`, written
    /// transposed into the tile's rows from `to` on.
    @inline(__always)
    func alongRows(
        near: UnsafePointer<UnsafePointer<Float>>, into to: UnsafeMutablePointer<Float>, weights: UnsafePointer<V>,
        radius: Int
    ) {
        let tileWidth = Self.tileWidth
        /// Output column c (0…3) at rows row…row + 3.
        @inline(__always) func sum(_ row: Int, _ c: Int) -> V {
            @inline(__always) func sample(_ k: Int) -> V { UnsafeRawPointer(near[k] + row).loadUnaligned(as: V.self) }
            var sum = weights[0] * sample(c + radius)
            for t in 1..<(radius + 1) {
                sum += weights[t] * (sample(c + radius - t) + sample(c + radius + t))
            }
            return sum
        }
        var row = 0
        while row + 4 <= height {
            let a = sum(row, 0), b = sum(row, 1), c = sum(row, 2), d = sum(row, 3)
            // The 4 × 4 block transposed: one vector per row of four columns.
            let ab0 = V(a.x, b.x, a.y, b.y), ab1 = V(a.z, b.z, a.w, b.w)
            let cd0 = V(c.x, d.x, c.y, d.y), cd1 = V(c.z, d.z, c.w, d.w)
            let out = UnsafeMutableRawPointer(to + row &* tileWidth)
            out.storeBytes(of: V(ab0.x, ab0.y, cd0.x, cd0.y), as: V.self)
            out.storeBytes(of: V(ab0.z, ab0.w, cd0.z, cd0.w), toByteOffset: 4 * tileWidth, as: V.self)
            out.storeBytes(of: V(ab1.x, ab1.y, cd1.x, cd1.y), toByteOffset: 8 * tileWidth, as: V.self)
            out.storeBytes(of: V(ab1.z, ab1.w, cd1.z, cd1.w), toByteOffset: 12 * tileWidth, as: V.self)
            row &+= 4
        }
        // The last rows one by one.
        while row < height {
            for c in 0..<4 {
                var sum = weights[0].x * near[c + radius][row]
                for t in 1..<(radius + 1) {
                    sum += weights[t].x * (near[c + radius - t][row] + near[c + radius + t][row])
                }
                to[row &* tileWidth + c] = sum
            }
            row += 1
        }
    }

    /// The tile (its rows padded by `radius` copies of the edge rows) blurred along the columns into the target's
    /// columns `column0 ..< column0 + count`, four at a time.
    @inline(__always)
    func alongColumns(
        tile: UnsafeMutablePointer<Float>, column0: Int, count: Int, weights: UnsafePointer<V>, radius: Int
    ) {
        let tileWidth = Self.tileWidth
        for row in 0..<height {
            let centre = UnsafeRawPointer(tile + (row &+ radius) &* tileWidth)
            let output = target + (row &* width &+ column0)
            var j = 0
            while j < count {
                var sum = weights[0] * centre.loadUnaligned(fromByteOffset: 4 &* j, as: V.self)
                for t in 1..<(radius + 1) {
                    let pair =
                        centre.loadUnaligned(fromByteOffset: 4 &* (j &- t &* tileWidth), as: V.self)
                        + centre.loadUnaligned(fromByteOffset: 4 &* (j &+ t &* tileWidth), as: V.self)
                    sum += weights[t] * pair
                }
                if j + 4 <= count {
                    UnsafeMutableRawPointer(output + j).storeBytes(of: sum, as: V.self)
                } else {
                    for lane in 0..<(count - j) { output[j + lane] = sum[lane] }
                }
                j &+= 4
            }
        }
    }
}
