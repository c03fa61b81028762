import CargoModel
import Foundation
import Testing
import XRayImaging
import Yams

/// The phantom specs in `Cases/phantoms/`: each YAML file describes a `Scene` directly and is decoded
/// with Yams' `YAMLDecoder` for now (no line/column errors yet; CaseBundle's spec reader will take over).
enum Phantoms {
    static func files() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: Repository.phantoms, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func scene(_ url: URL) throws -> Scene {
        try YAMLDecoder().decode(Scene.self, from: String(contentsOf: url, encoding: .utf8))
    }
}

@Suite("Phantoms")
struct PhantomTests {
    @Test func thePhantomsOfTheRealTestObjectsAreShipped() throws {
        let names = try Phantoms.files().map { $0.deletingPathExtension().lastPathComponent }
        for expected in ["steel-penetration", "wire-and-resolution", "contrast-sensitivity", "material-discrimination"]
        {
            #expect(names.contains(expected), "missing Cases/phantoms/\(expected).yaml")
        }
    }

    @Test(arguments: ScannerProfile.all)
    func everyPhantomRendersWithEveryProfile(profile: ScannerProfile) throws {
        for url in try Phantoms.files() {
            let scene = try Phantoms.scene(url)
            #expect(scene.containerType == "phantom")
            #expect(!scene.shapes.isEmpty)
            let scan = try Repository.renderer.render(scene, with: profile, noiseSeed: 1)
            #expect(scan.width == Int((Double(scene.bounds.length) / profile.pixelPitchMM).rounded()))
            // something in the phantom attenuates
            #expect(scan.transmissionHigh.contains { $0 < 0.5 }, "\(url.lastPathComponent)")
        }
    }

    @Test func materialDiscriminationBlocksShowTheirClassesOnTheLinac() throws {
        let url = Repository.phantoms.appendingPathComponent("material-discrimination.yaml")
        let scene = try Phantoms.scene(url)
        let profile = ScannerProfile.dualEnergyLinac
        let scan = try Repository.renderer.render(scene, with: profile.sharp, noiseSeed: nil)
        // the block at the middle thickness of each material shows that material's class
        for (name, kind) in [
            ("polyethylene-200", MaterialClass.organic), ("aluminium-100", .mixed), ("steel-50", .inorganic),
            ("lead-20", .heavyMetal),
        ] {
            let shape = try #require(scene.shapes.first { $0.name == name })
            let b = shape.geometry.bounds
            let column = Int((Double(b.x - scene.bounds.x) + Double(b.length) / 2) / profile.pixelPitchMM)
            let row = Int(
                (Double(scene.bounds.z + scene.bounds.height - b.z) - Double(b.height) / 2) / profile.pixelPitchMM)
            #expect(scan.materialClasses[row * scan.width + column] == kind, "\(name)")
        }
    }
}
