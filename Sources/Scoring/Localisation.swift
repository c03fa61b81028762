import CargoModel

/// An axis-aligned box in a scan's pixels (origin top left, x right, y down).
public struct RegionBox: Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public init(_ shape: RegionShape) {
        let b = shape.boundingBox
        self.init(x: b.x, y: b.y, width: b.width, height: b.height)
    }

    /// Area in square pixels.
    public var area: Double { max(0, width) * max(0, height) }
    public var centre: (x: Double, y: Double) { (x + width / 2, y + height / 2) }

    /// Intersection over union, 0 when the boxes do not overlap or both have no area.
    public func intersectionOverUnion(_ other: RegionBox) -> Double {
        let w = min(x + width, other.x + other.width) - max(x, other.x)
        let h = min(y + height, other.y + other.height) - max(y, other.y)
        guard w > 0, h > 0 else { return 0 }
        let intersection = w * h
        let union = area + other.area - intersection
        return union > 0 ? intersection / union : 0
    }

    /// True when the point lies inside the box or on its edge.
    public func contains(x px: Double, y py: Double) -> Bool {
        px >= x && px <= x + width && py >= y && py <= y + height
    }
}

/// The size of one scan of a case, in pixels (from `ScreeningStage.scans`).
public struct ScanFrame: Hashable, Sendable, Codable {
    public var file: String
    public var widthPixels: Int
    public var heightPixels: Int

    public init(file: String, widthPixels: Int, heightPixels: Int) {
        self.file = file
        self.widthPixels = widthPixels
        self.heightPixels = heightPixels
    }
}

/// Where one anomaly of the key shows on one scan, in that scan's pixels.
///
/// Made from the key's `scans` (`ScanGeometry(scansOf:key:)`), or given alongside the key (the CLI's
/// `--regions`) when an instructor wants to grade against regions drawn by hand.
public struct KeyRegion: Hashable, Sendable, Codable {
    public var scan: String
    /// The `Anomaly.id` the box belongs to.
    public var anomalyId: String
    public var box: RegionBox

    public init(scan: String, anomalyId: String, box: RegionBox) {
        self.scan = scan
        self.anomalyId = anomalyId
        self.box = box
    }
}

/// The scans of one case and the key's regions on them: what localisation is graded against.
public struct ScanGeometry: Hashable, Sendable, Codable {
    public var frames: [ScanFrame]
    public var regions: [KeyRegion]

    public init(frames: [ScanFrame], regions: [KeyRegion]) {
        self.frames = frames
        self.regions = regions
    }

    /// No scans: localisation is not assessed, and any marked region is an error.
    public static let none = ScanGeometry(frames: [], regions: [])

    public func frame(_ file: String) -> ScanFrame? { frames.first { $0.file == file } }
}

/// What the marks on the scans found.
public struct LocalisationResult: Hashable, Sendable, Codable {
    /// Anomaly ids with at least one region hit, sorted.
    public var found: [String]
    /// Anomaly ids with regions on the scans that no mark hit, sorted.
    public var missed: [String]
    /// Marks that hit no region (including marks that cover too much of the scan).
    public var falseMarks: Int
    /// Of the false marks, those that cover more than the rubric's share of the scan.
    public var tooBroadMarks: Int

    public init(found: [String], missed: [String], falseMarks: Int, tooBroadMarks: Int) {
        self.found = found
        self.missed = missed
        self.falseMarks = falseMarks
        self.tooBroadMarks = tooBroadMarks
    }

    /// found / (found + missed + false marks): 1 for exactly the right marks, 1 when there was nothing
    /// to mark and nothing was marked.
    public var score: Double {
        let total = found.count + missed.count + falseMarks
        return total == 0 ? 1 : Double(found.count) / Double(total)
    }
}

/// Matches marks to key regions under `rule`: each mark hits at most one region (its best match), each
/// region is hit at most once; an anomaly is found when any of its regions is hit.
///
/// - Complexity: O(marks × regions).
public func localise(_ marks: [MarkedRegion], against geometry: ScanGeometry, rule: LocalisationRule)
    -> LocalisationResult
{
    var regionTaken = [Bool](repeating: false, count: geometry.regions.count)
    var foundIds = Set<String>()
    var falseMarks = 0, tooBroad = 0
    for mark in marks {
        let box = RegionBox(mark.shape)
        if let frame = geometry.frame(mark.scan) {
            let scanArea = Double(frame.widthPixels) * Double(frame.heightPixels)
            if scanArea > 0, box.area / scanArea > rule.maximumScanCoverage {
                falseMarks += 1
                tooBroad += 1
                continue
            }
        }
        let probe: (x: Double, y: Double)
        if case let .point(px, py) = mark.shape { probe = (px, py) } else { probe = box.centre }
        var best: (index: Int, score: Double)?
        for (i, region) in geometry.regions.enumerated() where !regionTaken[i] && region.scan == mark.scan {
            let score: Double
            switch rule.mode {
            case .iou:
                let iou = box.intersectionOverUnion(region.box)
                guard iou >= rule.iouThreshold else { continue }
                score = iou
            case .pointInBox:
                guard region.box.contains(x: probe.x, y: probe.y) else { continue }
                // Prefer the smallest box holding the point.
                score = 1 / (1 + region.box.area)
            }
            if best == nil || score > best!.score { best = (i, score) }
        }
        if let best {
            regionTaken[best.index] = true
            foundIds.insert(geometry.regions[best.index].anomalyId)
        } else {
            falseMarks += 1
        }
    }
    let all = Set(geometry.regions.map(\.anomalyId))
    return LocalisationResult(
        found: foundIds.sorted(), missed: all.subtracting(foundIds).sorted(),
        falseMarks: falseMarks, tooBroadMarks: tooBroad)
}
