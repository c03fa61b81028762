import CargoModel
import Foundation
import Testing
import XRayImaging

/// The detector pass (noise, encodings, classes, display) against the pixel-by-pixel rules it vectorises.
@Suite("Detector")
struct DetectorTests {
    let renderer = Repository.renderer

    /// Slabs of the four reference materials at rising thickness, so every class shows, noise included; an
    /// image width that is not a whole number of eight pixels.
    static func wedges() -> Scene {
        var scene = TestScenes.empty(length: 1603, height: 400)
        let materials = ["polyethylene", "aluminium", "steel", "lead"]
        for (m, material) in materials.enumerated() {
            for (k, thickness) in [30, 120, 300, 600].enumerated() {
                scene.shapes.append(
                    SceneShape(
                        name: "\(material)-\(thickness)", role: .phantom,
                        geometry: .box(
                            Box3D(
                                x: 20 + (m * 4 + k) * 98, y: 100, z: 60, length: 90,
                                width: material == "lead" ? thickness / 6 : thickness, height: 280)),
                        material: material, fill: 1))
            }
        }
        return scene
    }

    /// Every pixel's class is the local-ratio rule's, written out window by window over the scan's own 16-bit
    /// samples, exactly; and all six classes occur.
    @Test(arguments: [nil, 11] as [UInt64?])
    func classesFollowTheLocalRatioRule(seed: UInt64?) throws {
        let profile = ScannerProfile.dualEnergyLinac
        let rule = try LocalRatioClassifier(MaterialClassifier(profile: profile, materials: Repository.materials))
        let scan = try renderer.render(Self.wedges(), with: profile, noiseSeed: seed)
        var disagree = 0
        var seen: Set<MaterialClass> = []
        for y in 0..<scan.height {
            for x in 0..<scan.width {
                let expected = LocalRatioClassifierTests.naive(
                    rule, high: scan.high, low: scan.low, width: scan.width, height: scan.height, x: x, y: y)
                if expected != scan.materialClasses[y * scan.width + x].rawValue { disagree += 1 }
                seen.insert(scan.materialClasses[y * scan.width + x])
            }
        }
        #expect(disagree == 0, "\(disagree) of \(scan.materialClasses.count)")
        #expect(seen.isSuperset(of: [.unknown, .organic, .mixed, .inorganic, .saturated]), "\(seen)")
    }

    /// The display: grey 1 − τ_high / τ_floor tinted by the pixel's class at 65 % saturation, each byte within
    /// one of the rounded product (the vector log's last bits).
    @Test func displayIsTheTintedGreyOfEachPixel() throws {
        let profile = ScannerProfile.dualEnergyLinac
        let classifier = try MaterialClassifier(profile: profile, materials: Repository.materials)
        let scan = try renderer.render(Self.wedges(), with: profile, noiseSeed: 3)
        var worst = 0.0
        for i in scan.materialClasses.indices {
            let grey = max(0, 1 - -log(Double(scan.transmissionHigh[i])) / Double(classifier.saturationDepthHigh))
            let tint = scan.materialClasses[i].tint
            let s = 0.65
            let factors = [tint.red, tint.green, tint.blue].map { 1 - s + s * Double($0) }
            for c in 0..<3 {
                worst = max(worst, abs(Double(scan.display[3 * i + c]) - grey * factors[c] * 255))
            }
        }
        #expect(worst <= 1.0, "worst byte off by \(worst)")
    }

    /// Memory one render leaves behind (the command line keeps freed buffers in the process for the next render)
    /// never reaches the next scene's pixels: every buffer is written in full before it is read.
    @Test func leftoversOfAnotherSceneDoNotShow() throws {
        let profile = ScannerProfile.dualEnergyLinac
        let first = try renderer.render(Self.wedges(), with: profile, noiseSeed: 5)
        var other = Self.wedges()
        for k in other.shapes.indices { other.shapes[k].material = "lead" }
        _ = try renderer.render(other, with: profile, noiseSeed: 6)
        let again = try renderer.render(Self.wedges(), with: profile, noiseSeed: 5)
        #expect(first.high == again.high && first.low == again.low && first.display == again.display)
        #expect(first.materialClasses == again.materialClasses && first.regions == again.regions)
        #expect(first.transmissionHigh == again.transmissionHigh && first.transmissionLow == again.transmissionLow)
    }
}
