import Foundation
import NIOCore
import PNGEncoding
import XRayImaging

/// Reduced levels and tiles of a scan, so that the viewer shows a first view from a few hundred kilobytes and
/// fetches the full resolution only for the part in view (docs/architecture.md, "Scans over a slow network").
///
/// Level 0 is the scan itself; level k is the scan reduced 2^k times in each direction: its pixel (x, y) is the
/// mean of the scan's pixels in the block [x·2^k, (x+1)·2^k) × [y·2^k, (y+1)·2^k) that lie inside the scan,
/// rounded half up, per channel (the samples are log-encoded transmission, so this is the mean optical depth).
/// A level is ⌈width / 2^k⌉ × ⌈height / 2^k⌉ and is cut into tiles of `tileSize` × `tileSize` from its top-left
/// corner (the last column and row of tiles are narrower). The coarsest level is the first that fits one tile.
/// Levels are made from the course's own PNGs on the first request and kept in memory: the course format does not
/// change.
enum ScanTiles {
    static let tileSize = 256

    /// The number of levels of a `width` × `height` scan (at least 1).
    static func levelCount(width: Int, height: Int) -> Int {
        var count = 1
        while (width + (1 << (count - 1)) - 1) >> (count - 1) > tileSize
            || (height + (1 << (count - 1)) - 1) >> (count - 1) > tileSize
        {
            count += 1
        }
        return count
    }

    /// A level's size in its own pixels.
    static func levelSize(width: Int, height: Int, level: Int) -> (width: Int, height: Int) {
        let scale = 1 << level
        return ((width + scale - 1) / scale, (height + scale - 1) / scale)
    }

    /// Columns and rows of tiles of a level.
    static func grid(width: Int, height: Int, level: Int) -> (columns: Int, rows: Int) {
        let size = levelSize(width: width, height: height, level: level)
        return ((size.width + tileSize - 1) / tileSize, (size.height + tileSize - 1) / tileSize)
    }

    /// Level `level` of a scan: interleaved samples, as `DecodedPNG.samples`. O(width × height × channels).
    static func reduce(_ scan: DecodedPNG, level: Int) -> [UInt16] {
        reduce(scan.samples, width: scan.width, height: scan.height, channels: scan.channels, level: level)
    }

    /// Level `level` of `width` × `height` pixels of `channels` interleaved samples.
    static func reduce(_ full: [UInt16], width: Int, height: Int, channels: Int, level: Int) -> [UInt16] {
        guard level > 0 else { return full }
        let scale = 1 << level
        let size = levelSize(width: width, height: height, level: level)
        var sums = [UInt64](repeating: 0, count: size.width * size.height * channels)
        full.withUnsafeBufferPointer { samples in
            for y in 0..<height {
                let row = (y / scale) * size.width
                var i = y * width * channels
                for x in 0..<width {
                    let o = (row + x / scale) * channels
                    for c in 0..<channels { sums[o + c] &+= UInt64(samples[i + c]) }
                    i += channels
                }
            }
        }
        var out = [UInt16](repeating: 0, count: sums.count)
        for ly in 0..<size.height {
            let blockHeight = UInt64(min(scale, height - ly * scale))
            for lx in 0..<size.width {
                let count = blockHeight * UInt64(min(scale, width - lx * scale))
                let o = (ly * size.width + lx) * channels
                for c in 0..<channels { out[o + c] = UInt16((sums[o + c] * 2 + count) / (count * 2)) }
            }
        }
        return out
    }

    /// The PNG of one tile of a level (`samples` as `reduce` gives them): 16-bit grey for one channel of 16-bit
    /// data, 8-bit RGB for the colour image. Nil when the tile lies outside the level.
    static func tilePNG(
        samples: [UInt16], levelWidth: Int, levelHeight: Int, channels: Int, bitDepth: Int, column: Int, row: Int
    ) throws -> [UInt8]? {
        let x0 = column * tileSize, y0 = row * tileSize
        guard column >= 0, row >= 0, x0 < levelWidth, y0 < levelHeight else { return nil }
        let w = min(tileSize, levelWidth - x0), h = min(tileSize, levelHeight - y0)
        if channels == 1, bitDepth == 16 {
            var pixels = [UInt16](repeating: 0, count: w * h)
            for y in 0..<h {
                let from = (y0 + y) * levelWidth + x0
                pixels.replaceSubrange(y * w..<(y + 1) * w, with: samples[from..<from + w])
            }
            return try PNG.encodeGray16(width: w, height: h, pixels: pixels)
        }
        guard channels == 3, bitDepth == 8 else { return nil }
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let from = ((y0 + y) * levelWidth + x0) * 3
            for i in 0..<w * 3 { pixels[y * w * 3 + i] = UInt8(truncatingIfNeeded: samples[from + i]) }
        }
        return try PNG.encodeRGB8(width: w, height: h, pixels: pixels)
    }

    /// A strong entity tag of bytes that never change (FNV-1a, 64 bits, and the length).
    static func entityTag(of bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return "\"" + String(hash, radix: 16) + "-" + String(bytes.count, radix: 16) + "\""
    }
}

/// A profile's material-classification curves as the browser reads them (`Assets/web/calibration/<profile>.json`,
/// held to XRayImaging's `MaterialClassifier` by its tests), and the class map by the one rule of the renderer and
/// of `js/materials.js` over them (`LocalRatioClassifier`: the dual-energy ratio averaged over a 7 × 7 window), so
/// that the server's class map is exactly what the renderer and the viewer compute from the full-resolution
/// channels.
struct WebCalibration: Decodable, Sendable {
    var stepsPerUnit: Double
    var minimumOpticalDepth: Double
    var saturationDepthHigh: Double
    var saturationDepthLow: Double
    var isDualEnergy: Bool
    var curves: [Double]

    /// The classification rule over these curves.
    var rule: LocalRatioClassifier {
        LocalRatioClassifier(
            stepsPerUnit: stepsPerUnit, minimumOpticalDepth: minimumOpticalDepth,
            saturationDepthHigh: saturationDepthHigh, saturationDepthLow: saturationDepthLow,
            isDualEnergy: isDualEnergy, curves: curves)
    }

    /// The class code of every pixel (MaterialClass's raw values: 0 unknown … 5 saturated), as a 16-bit grey PNG.
    func classMapPNG(high: DecodedPNG, low: DecodedPNG) throws -> [UInt8] {
        let classes = rule.classify(high: high.samples, low: low.samples, width: high.width, height: high.height)
        return try PNG.encodeGray16(width: high.width, height: high.height, pixels: classes.map { UInt16($0) })
    }
}

/// Levels and encoded tiles of the scans lately asked for, with their entity tags. Bounded: a few scans' levels,
/// and tiles up to `maximumTileBytes`, least recently used out first. A course's files never change once imported,
/// so nothing here goes stale.
final class TileCache: @unchecked Sendable {
    struct Encoded: Sendable {
        var buffer: ByteBuffer
        var entityTag: String
    }

    private let lock = NSLock()
    private var levels: [String: [UInt16]] = [:]
    private var levelOrder: [String] = []
    private static let maximumLevels = 24
    private var tiles: [String: Encoded] = [:]
    private var tileOrder: [String] = []
    private var tileBytes = 0
    static let maximumTileBytes = 96 << 20
    private var calibrations: [String: WebCalibration?] = [:]

    func level(_ key: String, make: () -> [UInt16]) -> [UInt16] {
        if let known = lock.withLock({ levels[key] }) { return known }
        let made = make()
        lock.withLock {
            guard levels[key] == nil else { return }
            levels[key] = made
            levelOrder.append(key)
            if levelOrder.count > Self.maximumLevels { levels[levelOrder.removeFirst()] = nil }
        }
        return made
    }

    func encoded(_ key: String, make: () throws -> [UInt8]?) rethrows -> Encoded? {
        let cached: Encoded? = lock.withLock {
            guard let cached = tiles[key] else { return nil }
            if tileOrder.last != key, let index = tileOrder.firstIndex(of: key) {
                tileOrder.remove(at: index)
                tileOrder.append(key)
            }
            return cached
        }
        if let cached { return cached }
        guard let bytes = try make() else { return nil }
        let made = Encoded(buffer: ByteBuffer(bytes: bytes), entityTag: ScanTiles.entityTag(of: bytes))
        lock.withLock {
            guard tiles[key] == nil else { return }
            tiles[key] = made
            tileOrder.append(key)
            tileBytes += made.buffer.readableBytes
            while tileBytes > Self.maximumTileBytes, !tileOrder.isEmpty {
                tileBytes -= tiles.removeValue(forKey: tileOrder.removeFirst())?.buffer.readableBytes ?? 0
            }
        }
        return made
    }

    /// The profile's calibration file from the web assets, read once; nil when there is none or it does not read.
    func calibration(profile: String, assets: URL) -> WebCalibration? {
        if let known = lock.withLock({ calibrations[profile] }) { return known }
        let url = assets.appendingPathComponent("web/calibration", isDirectory: true)
            .appendingPathComponent(profile + ".json")
        let read = (try? Data(contentsOf: url)).flatMap { try? JSONDecoder().decode(WebCalibration.self, from: $0) }
        lock.withLock { calibrations[profile] = .some(read) }
        return read
    }
}
