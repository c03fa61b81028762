/// A rectangle of pixels in a rendered scan: column `x` from the left (the front wall end),
/// row `y` from the top (the roof), both zero-based.
public struct PixelBox: Hashable, Sendable, Codable {
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

    /// Number of pixels covered.
    public var area: Int { width * height }

    /// True when the pixel at column `column`, row `row` lies in the box.
    public func contains(column: Int, row: Int) -> Bool {
        column >= x && column < x + width && row >= y && row < y + height
    }
}

/// Where one anomaly of the key shows in one rendered scan.
public struct AnomalyPixels: Hashable, Sendable, Codable {
    /// The key anomaly's id (`A1`).
    public var anomalyId: String
    /// The smallest box holding every pixel the anomaly's shapes project onto.
    public var box: PixelBox
    /// The anomaly's pixels inside `box`, row by row from the top, as run lengths that
    /// alternate between pixels outside and inside the anomaly, starting with outside (so a
    /// mask whose first pixel is inside starts with 0). The runs add up to `box.area`.
    public var maskRuns: [Int]
    /// Contrast-to-noise ratio of the anomaly against its surroundings in the high-energy
    /// image: |mean inside − mean of a ring around it| / noise standard deviation.
    public var contrastToNoise: Double

    public init(anomalyId: String, box: PixelBox, maskRuns: [Int], contrastToNoise: Double) {
        self.anomalyId = anomalyId
        self.box = box
        self.maskRuns = maskRuns
        self.contrastToNoise = contrastToNoise
    }

    /// Run-length encodes a row-major mask of `box.area` booleans (see `maskRuns`).
    public static func runs(of mask: [Bool]) -> [Int] {
        var runs: [Int] = []
        var current = false
        var count = 0
        for value in mask {
            if value == current {
                count += 1
            } else {
                runs.append(count)
                current = value
                count = 1
            }
        }
        runs.append(count)
        return runs
    }

    /// The mask as row-major booleans over `box` (inverse of `runs(of:)`).
    public var mask: [Bool] {
        var result: [Bool] = []
        result.reserveCapacity(box.area)
        var inside = false
        for run in maskRuns {
            result.append(contentsOf: repeatElement(inside, count: max(0, run)))
            inside.toggle()
        }
        return result
    }

    /// Number of pixels inside the anomaly.
    public var pixelCount: Int { stride(from: 1, to: maskRuns.count, by: 2).reduce(0) { $0 + maskRuns[$1] } }
}

/// The key's ground truth for one rendered scan: which image, with which scanner profile and
/// pitch, and where each anomaly shows in it. A scan is listed once per profile; re-rendering
/// with the same profile replaces the entry.
public struct ScanKey: Hashable, Sendable, Codable {
    /// The display image the pixel geometry refers to (`scan.png`); the grey images share it.
    public var file: String
    public var profile: String
    public var widthPixels: Int
    public var heightPixels: Int
    public var pixelPitchMM: Double
    /// Seed of the photon noise that was drawn.
    public var noiseSeed: String
    public var anomalies: [AnomalyPixels]

    public init(
        file: String, profile: String, widthPixels: Int, heightPixels: Int, pixelPitchMM: Double,
        noiseSeed: String, anomalies: [AnomalyPixels]
    ) {
        self.file = file
        self.profile = profile
        self.widthPixels = widthPixels
        self.heightPixels = heightPixels
        self.pixelPitchMM = pixelPitchMM
        self.noiseSeed = noiseSeed
        self.anomalies = anomalies
    }

    /// The lowest contrast-to-noise of the scan's anomalies; nil when it shows none.
    public var weakestContrastToNoise: Double? { anomalies.map(\.contrastToNoise).min() }
}
