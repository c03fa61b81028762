#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
/// The detector blur: a separable Gaussian of `sigma` pixels (edges clamped; kernel radius ⌈3σ⌉, none for σ = 0)
/// from the projection's column-major columns into a row-major image, a tile of 32 columns at a time, each as soon
/// as the projection has written the columns it reads (`advance(projectedThrough:)`): those columns are then still
/// in the cache, and the projection needs only a ring of `columnSlots` columns, not a whole column-major image
/// (reading that image back from memory was about a third of the blur's time).
///
/// Along rows first, then along columns. The kernel is symmetric, so each sum takes the centre tap times its
/// weight plus, for each distance in turn, the two taps at that distance added first and times their common
/// weight (half the multiplications). In a tile the columns are blurred along the rows four columns and four rows
/// at a time from the 4 + 2r source columns those need, each 4 × 4 block transposed in registers into a row-major
/// tile with the edge rows repeated above and below, which is then blurred along the columns four columns at a
/// time straight into the target's rows. Every sample is written once; the tile stays in cache. One copy of the
/// loops serves every radius: copies unrolled for each of the profiles' radii (0 to 3) measured no faster, as the
/// blur waits on its stores into the target, not on its arithmetic.
struct TiledBlur {
    static let tileWidth = BlurredImage.tileWidth
    let image: BlurredImage
    let radius: Int
    /// The next tile to blur.
    private(set) var nextTile = 0
    let tileCount: Int
    private let weights: UnsafeMutablePointer<SIMD4<Float>>
    private let tile: UnsafeMutablePointer<Float>
    private let near: UnsafeMutablePointer<UnsafePointer<Float>>

    static func radius(sigma: Double) -> Int { sigma > 0 ? max(1, Int((3 * sigma).rounded(.up))) : 0 }

    /// The column slots the source needs for a blur of `sigma`: a power of two of at least 32 + 2r, since a tile
    /// reads 32 + 2r consecutive columns and is blurred once the last of them is written, before the next column
    /// takes the slot of the first.
    static func columnSlots(sigma: Double) -> Int {
        let span = tileWidth + 2 * radius(sigma: sigma)
        return 1 << (Int.bitWidth - (span - 1).leadingZeroBitCount)
    }

    /// A blur from `source`, where column c (`height` samples) starts at `source + (c % slots) · height` for
    /// `slots = columnSlots(sigma:)`, into the row-major `target` (`width × height`). Owns scratch memory:
    /// call `deallocate()`.
    init(source: UnsafePointer<Float>, target: UnsafeMutablePointer<Float>, width: Int, height: Int, sigma: Double) {
        radius = Self.radius(sigma: sigma)
        // weights[t]: the normalised weight at distance t from the centre.
        var w = (0...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        if radius == 0 { w = [1] }
        let total = w[0] + 2 * w.dropFirst().reduce(0, +)
        weights = .allocate(capacity: radius + 1)
        for t in 0...radius { weights[t] = SIMD4(repeating: w[t] / total) }
        image = BlurredImage(
            source: source, target: target, width: width, height: height,
            slotMask: Self.columnSlots(sigma: sigma) - 1)
        tileCount = (width + Self.tileWidth - 1) / Self.tileWidth
        tile = .allocate(capacity: (height + 2 * radius) * Self.tileWidth)
        tile.initialize(repeating: 0, count: (height + 2 * radius) * Self.tileWidth)
        near = .allocate(capacity: 4 + 2 * radius)
    }

    func deallocate() {
        weights.deallocate()
        tile.deallocate()
        near.deallocate()
    }

    /// Blurs every tile not yet blurred whose source columns are all written, given that columns 0 through
    /// `column` are (all of them once `column` is the last).
    mutating func advance(projectedThrough column: Int) {
        var end = nextTile
        while end < tileCount, min(image.width - 1, (end + 1) * Self.tileWidth - 1 + radius) <= column { end += 1 }
        guard end > nextTile else { return }
        let tiles = nextTile..<end
        image.blur(tiles, weights: weights, radius: radius, tile: tile, near: near)
        nextTile = end
    }
}

/// The source and target of `TiledBlur`.
struct BlurredImage {
    typealias V = SIMD4<Float>
    static let tileWidth = 32
    let source: UnsafePointer<Float>
    let target: UnsafeMutablePointer<Float>
    let width: Int, height: Int
    /// Source column c starts at `source + (c & slotMask) · height`.
    let slotMask: Int

    /// Blurs the tiles `tiles` with the kernel `weights[0...radius]` (each weight in every lane).
    func blur(
        _ tiles: Range<Int>, weights: UnsafePointer<V>, radius: Int, tile: UnsafeMutablePointer<Float>,
        near: UnsafeMutablePointer<UnsafePointer<Float>>
    ) {
        let tileWidth = Self.tileWidth
        for index in tiles {
            let column0 = index * tileWidth
            let count = min(tileWidth, width - column0)
            // Along the rows: tile[(radius + row) * tileWidth + j] for the tile's column j. Output columns past the
            // image's last one (in the last group) take clamped neighbours and are never stored.
            for j in stride(from: 0, to: count, by: 4) {
                for k in 0..<(4 + 2 * radius) {
                    near[k] = source + (min(width - 1, max(0, column0 + j - radius + k)) & slotMask) &* height
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
