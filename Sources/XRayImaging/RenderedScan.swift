/// A rendered side-view scan: the two channels, the display image, and the pixel geometry of the key's
/// anomalies.
///
/// Image frame: x = container length (column 0 at the scene bounds' front end, the front wall on the
/// left), y = height from the top (row 0 at the roof). Buffers are row-major, `width × height` samples
/// (`display`: × 3, RGB).
public struct RenderedScan: Sendable {
    public var width: Int
    public var height: Int
    /// Pixel pitch in mm (both directions).
    public var pixelPitchMM: Double
    /// The profile's name.
    public var profileName: String
    /// High channel, 16-bit log-encoded transmission: sample = 65535 · (1 + ln T / `opticalDepthFullScale`),
    /// so open beam is white (65535) and T = e⁻¹² would be black; see `transmission(ofSample:)`.
    public var high: [UInt16]
    /// Low channel, encoded as `high`.
    public var low: [UInt16]
    /// 8-bit RGB display image: material pseudo-colour over a grey base of the high channel's log
    /// transmission (white = open beam, black = the detector floor).
    public var display: [UInt8]
    /// High channel transmission as measured (blurred, with noise when seeded, never below the floor), 0–1.
    public var transmissionHigh: [Float]
    /// Low channel transmission as measured.
    public var transmissionLow: [Float]
    /// The material class of each pixel, on the dual-energy ratio averaged over the 7 × 7 pixels around it
    /// (`LocalRatioClassifier` over `high` and `low`: the server's class map and the browser's classes exactly).
    public var materialClasses: [MaterialClass]
    /// The pixel geometry of each anomaly of the scene, by anomaly id.
    public var regions: [String: PixelRegion]

    /// The optical depth (−ln T) that sample 0 stands for: 12, i.e. T ≈ 6 × 10⁻⁶, below every profile's floor.
    public static let opticalDepthFullScale: Double = 12

    /// The transmission a 16-bit sample of `high` or `low` stands for.
    public static func transmission(ofSample sample: UInt16) -> Double {
        exp(-(65535 - Double(sample)) / 65535 * opticalDepthFullScale)
    }

    /// The pixel box, mask and contrast-to-noise of the anomaly `anomalyId`; nil when the scene has no shape
    /// of that anomaly or it lies outside the image.
    public func region(of anomalyId: String) -> PixelRegion? { regions[anomalyId] }
}

/// Where an anomaly lands in a rendered scan, derived from its geometry in mm, and how well it shows.
public struct PixelRegion: Hashable, Sendable, Codable {
    /// A rectangle of pixels: x = column, y = row (0 at the roof), width and height in pixels.
    public struct Box: Hashable, Sendable, Codable {
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int

        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        /// True when pixel (column, row) lies in the box.
        public func contains(column: Int, row: Int) -> Bool {
            column >= x && column < x + width && row >= y && row < y + height
        }
    }

    /// The smallest box holding every pixel the anomaly's shapes cover (projected along the beam).
    public var box: Box
    /// The mask within the box as an uncompressed run-length code (COCO style): alternating counts of
    /// pixels outside and inside the anomaly, starting with outside (possibly 0), row by row over the box.
    public var maskRuns: [Int]
    /// Pixels in the mask.
    public var pixelCount: Int
    /// Contrast-to-noise ratio on the rendered high channel: |mean τ inside − mean τ in a surrounding ring|
    /// over the standard deviation of τ in the ring (τ = −ln T). With noise when the scan was seeded.
    public var contrastToNoise: Double
    /// The same without photon noise drawn: the contrast of the noise-free image over the root sum of the
    /// ring's clutter variance and the expected photon-noise variance of τ. Deterministic for a scene.
    public var expectedContrastToNoise: Double

    public init(box: Box, maskRuns: [Int], pixelCount: Int, contrastToNoise: Double, expectedContrastToNoise: Double) {
        self.box = box
        self.maskRuns = maskRuns
        self.pixelCount = pixelCount
        self.contrastToNoise = contrastToNoise
        self.expectedContrastToNoise = expectedContrastToNoise
    }

    /// The mask as a bitmap over the box, row-major (`box.width × box.height`).
    public var mask: [Bool] {
        var bits: [Bool] = []
        bits.reserveCapacity(box.width * box.height)
        var inside = false
        for run in maskRuns {
            bits.append(contentsOf: repeatElement(inside, count: run))
            inside.toggle()
        }
        if bits.count < box.width * box.height {
            bits.append(contentsOf: repeatElement(false, count: box.width * box.height - bits.count))
        }
        return bits
    }

    /// True when image pixel (column, row) is in the anomaly's mask.
    public func contains(column: Int, row: Int) -> Bool {
        guard box.contains(column: column, row: row) else { return false }
        return mask[(row - box.y) * box.width + (column - box.x)]
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
