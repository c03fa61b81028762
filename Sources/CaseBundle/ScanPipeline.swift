import CargoModel
import CaseGeneration
import Foundation
import PNGEncoding
import XRayImaging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Seconds from an arbitrary monotonic origin.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Number of cores to use.
public var coreCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

/// Renders scenes into the files of a case folder and the key's pixel geometry.
public struct ScanPipeline: Sendable {
    public let renderer: Renderer
    public let profile: ScannerProfile
    /// CNR under which a concealment counts as hard to see (`lowContrast`, the mix's floor).
    public var visibilityFloor: Double = 5

    public init(renderer: Renderer, profile: ScannerProfile) {
        self.renderer = renderer
        self.profile = profile
    }

    /// The renderer's densities in kg/m³ (the table keeps g/cm³), for the scene planner, so that
    /// scene masses and images agree.
    public var densities: [String: Double] {
        var table: [String: Double] = [:]
        for name in renderer.materials.materialNames {
            if let gramsPerCubicCentimetre = renderer.materials.density(of: name) {
                table[name] = gramsPerCubicCentimetre * 1000
            }
        }
        return table
    }

    /// The profile's image files: `scan.png`, `scan-high.png`, `scan-low.png` for the default
    /// profile, `scan-<profile>…` for the others.
    public static func fileNames(for profile: ScannerProfile) -> (display: String, high: String, low: String) {
        let stem = profile.name == ScannerProfile.dualEnergyLinac.name ? "scan" : "scan-\(profile.name)"
        return (stem + ".png", stem + "-high.png", stem + "-low.png")
    }

    /// The photon-noise seed of a case's scan with a profile: derived one-way from the case seed
    /// (HMAC-SHA-256), so that noise recovered from pixels would still not give the seed back.
    public static func noiseSeed(caseSeed: UInt64, profile: ScannerProfile) -> UInt64 {
        derive("scan-noise/" + profile.name, fromCaseSeed: caseSeed)
    }

    public struct Output: Sendable {
        public var references: [ScanReference]
        public var scanKey: ScanKey
        public var files: [String: Data]
        public var renderSeconds: Double
    }

    /// Renders `scene` and encodes its three images; the key entry lists every anomaly of `anomalies` that shows.
    public func render(_ scene: Scene, anomalies: [Anomaly], caseSeed: UInt64) throws -> Output {
        let noiseSeed = Self.noiseSeed(caseSeed: caseSeed, profile: profile)
        let started = monotonicSeconds()
        let scan = try renderer.render(scene, with: profile, noiseSeed: noiseSeed)
        let renderSeconds = monotonicSeconds() - started
        let names = Self.fileNames(for: profile)
        var files: [String: Data] = [:]
        files[names.display] = Data(try PNG.encodeRGB8(width: scan.width, height: scan.height, pixels: scan.display))
        files[names.high] = Data(try PNG.encodeGray16(width: scan.width, height: scan.height, pixels: scan.high))
        var fileList = [names.display, names.high]
        if profile.isDualEnergy {
            files[names.low] = Data(try PNG.encodeGray16(width: scan.width, height: scan.height, pixels: scan.low))
            fileList.append(names.low)
        }
        let references = fileList.map {
            ScanReference(
                file: $0, profile: profile.name, widthPixels: scan.width, heightPixels: scan.height,
                pixelPitchMM: scan.pixelPitchMM)
        }
        let pixels = anomalies.compactMap { anomaly -> AnomalyPixels? in
            guard let region = scan.region(of: anomaly.id) else { return nil }
            return AnomalyPixels(
                anomalyId: anomaly.id,
                box: PixelBox(x: region.box.x, y: region.box.y, width: region.box.width, height: region.box.height),
                maskRuns: region.maskRuns, contrastToNoise: (max(0, region.contrastToNoise) * 100).rounded() / 100)
        }
        let key = ScanKey(
            file: names.display, profile: profile.name, widthPixels: scan.width, heightPixels: scan.height,
            pixelPitchMM: scan.pixelPitchMM, noiseSeed: String(noiseSeed), anomalies: pixels)
        return Output(references: references, scanKey: key, files: files, renderSeconds: renderSeconds)
    }
}

/// One case made ready for the course writer: the case with its scan references, the key with
/// its pixel geometry and difficulty, and the extra files of both packs.
public struct PreparedCase: Sendable {
    public var inspectionCase: InspectionCase
    public var key: AnswerKey
    public var caseFiles: [String: Data]
    public var keyFiles: [String: Data]
    /// The weakest CNR of the case's concealments in the default scan (nil: no concealment shows).
    public var weakestCNR: Double?

    /// Renders (when the case has a screening stage) and draws the door end (when it has an examination stage).
    public init(
        _ made: GeneratedCase, seed: UInt64, pipeline: ScanPipeline, sealMakers: [SealMaker], renderScans: Bool = true
    )
        throws
    {
        inspectionCase = made.inspectionCase
        key = made.key
        caseFiles = [:]
        keyFiles = [made.inspectionCase.id + ".scene.json": try CanonicalJSON.encode(made.scene)]
        if renderScans, inspectionCase.screening != nil {
            let output = try pipeline.render(made.scene, anomalies: made.key.anomalies, caseSeed: seed)
            inspectionCase.screening?.scans = output.references
            key.scans = [output.scanKey]
            key.applyScanVisibility(floor: pipeline.visibilityFloor)
            caseFiles.merge(output.files) { $1 }
            weakestCNR = output.scanKey.weakestContrastToNoise
        }
        if let svg = DoorEndDrawing.svg(for: inspectionCase, sealMakers: sealMakers) {
            caseFiles["door.svg"] = Data(svg.utf8)
        }
    }
}

/// Runs `body` for every index in `0..<count` on all cores and returns the results in index order.
public func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let box = ResultBox<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { i in
        box.set(i, body(i))
    }
    return box.values()
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) {
        lock.lock()
        storage[i] = value
        lock.unlock()
    }
    func values() -> [T] { storage.map { $0! } }
}
