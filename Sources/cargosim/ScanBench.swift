import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import PNGEncoding
import XRayImaging

extension BenchSuites {
    /// Scan benchmarks run by `cargosim bench`.
    static let scans = [
        BenchSuite(
            name: "scans", summary: "a loaded 40 ft case, dual-energy linac at 4 mm: render, encode, whole case",
            run: runScanBench),
        BenchSuite(
            name: "render",
            summary: "the render alone (no encoding): the scans suite's case, then the cases of a small course",
            run: runRenderBench),
    ]
}

/// The bench case's container type (the issue's), then the high cube `bench render` renders as well.
let benchmarkContainerTypes = ["42G1", "45G1"]

/// A loaded 40 ft dry van with a concealment among the goods: the issue's bench case. The standard height (42G1)
/// gives the issue's "about 3,000 × 650" pixels at 4 mm (3,048 × 648; at the default seed 620 of its 764 shapes are
/// floor-loaded sacks, ellipsoids, the costly kind of load to render). `bench render` also renders the same load in
/// a high cube (45G1: 3,048 × 724 px, 705 sacks), 11 % more pixels.
func benchmarkCase(
    _ generator: CaseGenerator, seed: UInt64, containerType: String = benchmarkContainerTypes[0]
) throws -> GeneratedCase {
    var spec = CaseSpec(scenario: .withinLoad)
    spec.containerType = containerType
    spec.difficulty = 3
    return try generator.generate(spec, seed: seed)
}

private func runScanBench(_ context: BenchContext) throws {
    let workspace = context.workspace
    let materials = try loadMaterials(workspace)
    let profile = ScannerProfile.dualEnergyLinac.withPixelPitch(4)
    let pipeline = ScanPipeline(renderer: Renderer(materials: materials), profile: profile)
    var generator = CaseGenerator(catalog: workspace.catalog)
    generator.materialDensities = pipeline.densities
    let made = try benchmarkCase(generator, seed: context.seed)
    let renderer = pipeline.renderer
    let noise = ScanPipeline.noiseSeed(caseSeed: context.seed, profile: profile)
    let repeats = 12

    // Warm up, then take the median of the repeats.
    var scan = try renderer.render(made.scene, with: profile, noiseSeed: noise)
    // Wall-clock and this thread's CPU time (the one-core figure when other work shares the machine); for the
    // render also the fastest repeat, the one least slowed by other work on the machine.
    var cpuTimes: [String: [Double]] = [:]
    func cpu(_ name: String) -> Double { cpuTimes[name]![repeats / 2] }
    func median(_ name: String = "", _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = [], cpu: [Double] = []
        for _ in 0..<repeats {
            let start = monotonicSeconds(), startCPU = threadCPUSeconds()
            try body()
            times.append(monotonicSeconds() - start)
            cpu.append(threadCPUSeconds() - startCPU)
        }
        cpuTimes[name] = cpu.sorted()
        return times.sorted()[repeats / 2]
    }
    let render = try median("render") { scan = try renderer.render(made.scene, with: profile, noiseSeed: noise) }
    var bytes = 0
    let encode = try median("encode") {
        bytes =
            try PNG.encodeRGB8(width: scan.width, height: scan.height, pixels: scan.display).count
            + PNG.encodeGray16(width: scan.width, height: scan.height, pixels: scan.high).count
            + PNG.encodeGray16(width: scan.width, height: scan.height, pixels: scan.low).count
    }
    let sealMakers = workspace.catalog.sealMakers
    var caseBytes = 0
    let whole = try median("whole") {
        let again = try benchmarkCase(generator, seed: context.seed)
        let prepared = try PreparedCase(again, seed: context.seed, pipeline: pipeline, sealMakers: sealMakers)
        caseBytes =
            prepared.caseFiles.values.reduce(0) { $0 + $1.count } + prepared.keyFiles.values.reduce(0) { $0 + $1.count }
            + (try CanonicalJSON.encode(prepared.inspectionCase).count) + (try CanonicalJSON.encode(prepared.key).count)
    }
    let shapes = made.scene.shapes.count
    print(
        "scene                    \(made.scene.containerType), \(shapes) shapes, \(scan.width) × \(scan.height) px at \(profile.pixelPitchMM) mm"
    )
    print(
        "render (no encoding)     \(ms(render)) ms, \(ms(cpu("render"))) ms CPU  (median of \(repeats), fastest \(ms(cpuTimes["render"]![0])) ms CPU, 1 core; aim < 50 ms in release)"
    )
    print("libpng, 3 images alone   \(ms(encode)) ms, \(ms(cpu("encode"))) ms CPU  (\(bytes / 1024) KiB)")
    print(
        "whole case + 3 PNGs      \(ms(whole)) ms, \(ms(cpu("whole"))) ms CPU  (\(String(format: "%.2f", whole / encode))× libpng alone, \(String(format: "%.2f", cpu("whole") / cpu("encode")))× in CPU time; aim ≤ 1.3×)"
    )
    print("bytes per case           \(caseBytes / 1024) KiB  (PNGs, door.svg, case, key, scene)")

    // A course on all cores against one.
    let count = min(max(8, context.courseCases / 500), 48)
    let plan = planCourse(CurriculumMix(count: count), seed: CourseSeed(demonstration: context.seed))
    var start = monotonicSeconds()
    for planned in plan {
        _ = try PreparedCase(
            try generator.generate(planned), seed: planned.seed, pipeline: pipeline, sealMakers: sealMakers)
    }
    let serial = monotonicSeconds() - start
    start = monotonicSeconds()
    let results = parallelMap(plan.count) { [generator, pipeline] i in
        (try? PreparedCase(
            try generator.generate(plan[i]), seed: plan[i].seed, pipeline: pipeline, sealMakers: sealMakers)) != nil
    }
    let parallel = monotonicSeconds() - start
    print(
        "course of \(count) cases      \(String(format: "%.2f", serial)) s on 1 core, \(String(format: "%.2f", parallel)) s on \(coreCount) cores"
            + (results.allSatisfy { $0 } ? "" : " (some cases failed)"))
}

/// The quick render figure: the scans suite's case (median of 12, this thread's CPU time), the same load in a high
/// cube, then each case of a planned course once (load kinds differ: cartons, sacks, drums, vehicles), as min,
/// median and max.
private func runRenderBench(_ context: BenchContext) throws {
    let workspace = context.workspace
    let materials = try loadMaterials(workspace)
    let profile = ScannerProfile.dualEnergyLinac.withPixelPitch(4)
    let renderer = Renderer(materials: materials)
    var generator = CaseGenerator(catalog: workspace.catalog)
    generator.materialDensities = ScanPipeline(renderer: renderer, profile: profile).densities
    let noise = ScanPipeline.noiseSeed(caseSeed: context.seed, profile: profile)
    for containerType in benchmarkContainerTypes {
        let made = try benchmarkCase(generator, seed: context.seed, containerType: containerType)
        var scan = try renderer.render(made.scene, with: profile, noiseSeed: noise)
        var cpuTimes: [Double] = []
        for _ in 0..<12 {
            let start = threadCPUSeconds()
            scan = try renderer.render(made.scene, with: profile, noiseSeed: noise)
            cpuTimes.append(threadCPUSeconds() - start)
        }
        print(
            "render (no encoding)     \(ms(cpuTimes.sorted()[6])) ms CPU  (median of 12, fastest \(ms(cpuTimes.min()!)), 1 core; \(containerType), \(made.scene.shapes.count) shapes, \(scan.width) × \(scan.height) px; aim < 50 ms in release)"
        )
    }
    // What each effect of the detector chain costs: the bench case with none of them, each alone, and all (the
    // profile's own chain), this thread's CPU time, median of 12 (docs/scanner-model.md).
    let made = try benchmarkCase(generator, seed: context.seed)
    let full = profile.detector
    var variants: [(String, DetectorChain)] = [("none (ideal detector)", .ideal)]
    variants.append(("scatter", DetectorChain(scatterAmplitude: full.scatterAmplitude, scatterSigmaMM: full.scatterSigmaMM)))
    variants.append(
        ("noise: hardening, Swank, correlation",
            DetectorChain(swankFactor: full.swankFactor, beamHardeningNoise: true, correlatedNoise: true)))
    variants.append(("dose and gain", DetectorChain(pulseDoseSigma: full.pulseDoseSigma, channelGainSigma: full.channelGainSigma)))
    variants.append(("emergent penetration", DetectorChain(emergentPenetration: true)))
    variants.append(("classes on \(full.classificationWindow) × \(full.classificationWindow) means", DetectorChain(classificationWindow: full.classificationWindow)))
    variants.append(("all (the profile's chain)", full))
    for (name, chain) in variants {
        var variant = profile
        variant.detector = chain
        _ = try renderer.render(made.scene, with: variant, noiseSeed: noise)
        var cpuTimes: [Double] = []
        for _ in 0..<12 {
            let start = threadCPUSeconds()
            _ = try renderer.render(made.scene, with: variant, noiseSeed: noise)
            cpuTimes.append(threadCPUSeconds() - start)
        }
        print(
            "  chain: \(name.padding(toLength: 38, withPad: " ", startingAt: 0)) \(ms(cpuTimes.sorted()[6])) ms CPU (median of 12, fastest \(ms(cpuTimes.min()!)))")
    }
    // A digest of what the render gives (both channels' samples, the display, the classes): equal before and after
    // a change that should leave the pixels alone.
    var digest: UInt64 = 0xCBF2_9CE4_8422_2325
    func add<T>(_ values: [T]) {
        values.withUnsafeBytes { bytes in
            for byte in bytes { digest = (digest ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
    }
    var courseTimes: [Double] = []
    let plan = planCourse(CurriculumMix(count: 16), seed: CourseSeed(demonstration: context.seed))
    for planned in plan {
        let scene = try generator.generate(planned).scene
        guard !scene.shapes.isEmpty else { continue }
        let seed = ScanPipeline.noiseSeed(caseSeed: planned.seed, profile: profile)
        let start = threadCPUSeconds()
        let rendered = try renderer.render(scene, with: profile, noiseSeed: seed)
        courseTimes.append(threadCPUSeconds() - start)
        add(rendered.high)
        add(rendered.low)
        add(rendered.display)
        add(rendered.materialClasses.map(\.rawValue))
    }
    courseTimes.sort()
    if !courseTimes.isEmpty {
        print(
            "course of \(courseTimes.count) cases      \(ms(courseTimes[0])) / \(ms(courseTimes[courseTimes.count / 2])) / \(ms(courseTimes[courseTimes.count - 1])) ms CPU per render (min / median / max), pixels' digest \(String(digest, radix: 16))"
        )
    }
}

/// Seconds as milliseconds with one decimal.
func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }
