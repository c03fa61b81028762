extension Renderer {
    /// The column-major image `columns` (`height` samples per column) blurred by a separable Gaussian of `sigma`
    /// pixels (edges clamped; kernel radius ⌈3σ⌉, none for σ = 0) and written row-major into `target`.
    ///
    /// Along rows first, then along columns, each sum adding its taps in kernel order from zero (as a scalar
    /// loop over the clamped neighbours would). In tiles of 32 columns: the tile's columns are blurred along
    /// the rows eight rows at a time (contiguous in `columns`) into a row-major tile with the edge rows
    /// repeated above and below, which is then blurred along the columns eight columns at a time straight into
    /// `target`'s rows. Every sample is read and written once; the tile stays in cache.
    static func blurTransposing(
        _ columns: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Float>, width: Int,
        height: Int, sigma: Double
    ) {
        typealias V = SIMD8<Float>
        let radius = sigma > 0 ? max(1, Int((3 * sigma).rounded(.up))) : 0
        var kernel = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        if radius == 0 { kernel = [1] }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        let taps = kernel.count
        let tileWidth = 32
        let paddedRows = height + 2 * radius
        let tile = UnsafeMutablePointer<Float>.allocate(capacity: paddedRows * tileWidth)
        defer { tile.deallocate() }
        tile.initialize(repeating: 0, count: paddedRows * tileWidth)
        let source = columns.baseAddress!, output = target.baseAddress!
        kernel.withUnsafeBufferPointer { kernel in
            for column0 in stride(from: 0, to: width, by: tileWidth) {
                let count = min(tileWidth, width - column0)
                // Along the rows: tile[(radius + row) * tileWidth + j] for the tile's column j.
                for j in 0..<count {
                    let column = column0 + j
                    var row = 0
                    while row + 8 <= height {
                        var sum = V.zero
                        for k in 0..<taps {
                            let from = min(width - 1, max(0, column - radius + k)) * height + row
                            sum += kernel[k] * UnsafeRawPointer(source + from).loadUnaligned(as: V.self)
                        }
                        for lane in 0..<8 { tile[(radius + row + lane) * tileWidth + j] = sum[lane] }
                        row += 8
                    }
                    while row < height {
                        var sum: Float = 0
                        for k in 0..<taps {
                            sum += kernel[k] * source[min(width - 1, max(0, column - radius + k)) * height + row]
                        }
                        tile[(radius + row) * tileWidth + j] = sum
                        row += 1
                    }
                }
                for pad in 0..<radius {
                    (tile + pad * tileWidth).update(from: tile + radius * tileWidth, count: tileWidth)
                    (tile + (radius + height + pad) * tileWidth).update(
                        from: tile + (radius + height - 1) * tileWidth, count: tileWidth)
                }
                // Along the columns, eight columns at a time, into the image's rows.
                for row in 0..<height {
                    var j = 0
                    while j < count {
                        var sum = V.zero
                        for k in 0..<taps {
                            sum +=
                                kernel[k] * UnsafeRawPointer(tile + (row + k) * tileWidth + j).loadUnaligned(as: V.self)
                        }
                        let to = row * width + column0 + j
                        if j + 8 <= count {
                            UnsafeMutableRawPointer(output + to).storeBytes(of: sum, as: V.self)
                        } else {
                            for lane in 0..<(count - j) { output[to + lane] = sum[lane] }
                        }
                        j += 8
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
