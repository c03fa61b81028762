import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import PNGEncoding
import XRayImaging

/// The materials table of the workspace's assets (`Assets/materials`).
func loadMaterials(_ workspace: Workspace) throws -> MaterialTable {
    try MaterialTableLoader.load(from: workspace.assets)
}

/// Renders scenes into the files of a case folder and the key's pixel geometry.
struct ScanPipeline: Sendable {
    let renderer: Renderer
    let profile: ScannerProfile
    /// CNR under which a concealment counts as hard to see (`lowContrast`, the mix's floor).
    var visibilityFloor: Double = 5

    /// The renderer's densities in kg/m³ (the table keeps g/cm³), for the scene planner, so that
    /// scene masses and images agree.
    var densities: [String: Double] {
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
    static func fileNames(for profile: ScannerProfile) -> (display: String, high: String, low: String) {
        let stem = profile.name == ScannerProfile.dualEnergyLinac.name ? "scan" : "scan-\(profile.name)"
        return (stem + ".png", stem + "-high.png", stem + "-low.png")
    }

    /// The photon-noise seed of a case's scan with a profile: derived one-way from the case seed
    /// (HMAC-SHA-256), so that noise recovered from pixels would still not give the seed back.
    static func noiseSeed(caseSeed: UInt64, profile: ScannerProfile) -> UInt64 {
        derive("scan-noise/" + profile.name, fromCaseSeed: caseSeed)
    }

    struct Output: Sendable {
        var references: [ScanReference]
        var scanKey: ScanKey
        var files: [String: Data]
        var renderSeconds: Double
    }

    /// Renders `scene` and encodes its three images; the key entry lists every anomaly of `anomalies` that shows.
    func render(_ scene: Scene, anomalies: [Anomaly], caseSeed: UInt64) throws -> Output {
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
struct PreparedCase: Sendable {
    var inspectionCase: InspectionCase
    var key: AnswerKey
    var caseFiles: [String: Data]
    var keyFiles: [String: Data]
    /// The weakest CNR of the case's concealments in the default scan (nil: no concealment shows).
    var weakestCNR: Double?

    /// Renders (when the case has a screening stage) and draws the door end (when it has an examination stage).
    init(_ made: GeneratedCase, seed: UInt64, pipeline: ScanPipeline, sealMakers: [SealMaker], renderScans: Bool = true)
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
func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
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

/// Writes `data` to `url` through a temporary file in the same folder and a rename.
func writeAtomically(_ data: Data, to url: URL) throws {
    try data.write(to: url, options: .atomic)
}

/// Number of cores to use.
var coreCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
