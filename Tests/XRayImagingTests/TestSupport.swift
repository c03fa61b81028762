import CargoModel
import CaseBundle
import Foundation
import XRayImaging

/// The repository's own folders, found from this file's path.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let assets = root.appendingPathComponent("Assets", isDirectory: true)
    static let phantoms = root.appendingPathComponent("Cases/phantoms", isDirectory: true)

    /// The real material table, loaded once.
    static let materials: MaterialTable = {
        do { return try MaterialTableLoader.load(from: assets) } catch {
            fatalError("Cannot load Assets/materials: \(error)")
        }
    }()

    static let renderer = Renderer(materials: materials)
}

extension ScannerProfile {
    /// The profile without detector blur (for pixel-exact geometry tests).
    var sharp: ScannerProfile {
        var copy = self
        copy.blurSigmaPixels = 0
        copy.detector = .ideal
        return copy
    }
}

/// Scenes for tests, in container millimetres.
enum TestScenes {
    /// An empty scene of `length × height` mm (width 2,350 mm).
    static func empty(length: Int = 800, height: Int = 400) -> Scene {
        Scene(
            containerType: "phantom", bounds: Box3D(x: 0, y: 0, z: 0, length: length, width: 2350, height: height),
            shapes: [])
    }

    /// One slab of `material`, `thickness` mm along the beam, filling the middle of an empty scene.
    static func slab(_ material: String, thickness: Int, fill: Double = 1) -> Scene {
        var scene = empty()
        scene.shapes.append(
            SceneShape(
                name: "slab", role: .phantom,
                geometry: .box(Box3D(x: 200, y: 100, z: 100, length: 400, width: thickness, height: 200)),
                material: material, fill: fill))
        return scene
    }

    /// A small loaded box container: steel walls, a plywood floor, cartons of `cargo`, and optionally a
    /// concealment of cocaine (box) and a body (ellipsoid) inside the load.
    static func loaded(cargo: String = "fruit", withAnomalies: Bool) -> Scene {
        var shapes: [SceneShape] = [
            SceneShape(
                name: "left-wall", role: .structure,
                geometry: .box(Box3D(x: 0, y: -2, z: 0, length: 5900, width: 2, height: 2390)), material: "corten-steel"
            ),
            SceneShape(
                name: "right-wall", role: .structure,
                geometry: .box(Box3D(x: 0, y: 2350, z: 0, length: 5900, width: 2, height: 2390)),
                material: "corten-steel"),
            SceneShape(
                name: "floor", role: .structure,
                geometry: .box(Box3D(x: 0, y: 0, z: -28, length: 5900, width: 2350, height: 28)), material: "plywood"),
            SceneShape(
                name: "cross-member", role: .structure,
                geometry: .box(Box3D(x: 0, y: 0, z: -150, length: 5900, width: 2350, height: 8)), material: "steel"),
            SceneShape(
                name: "post", role: .structure,
                geometry: .cylinder(x: 5800, y: 0, z: -150, radius: 60, length: 2540, axis: .z), material: "steel"),
        ]
        for i in 0..<5 {
            shapes.append(
                SceneShape(
                    name: "pallet-\(i)", role: .load,
                    geometry: .box(Box3D(x: 100 + i * 1150, y: 50, z: 0, length: 1100, width: 2250, height: 1800)),
                    material: cargo, fill: 0.45))
        }
        if withAnomalies {
            shapes.append(
                SceneShape(
                    name: "bricks", role: .anomaly,
                    geometry: .box(Box3D(x: 2600, y: 900, z: 600, length: 400, width: 500, height: 300)),
                    material: "cocaine-hydrochloride", fill: 0.9, anomalyId: "A1"))
            shapes.append(
                SceneShape(
                    name: "person", role: .anomaly,
                    geometry: .ellipsoid(Box3D(x: 4000, y: 700, z: 100, length: 500, width: 350, height: 1700)),
                    material: "human-body", fill: 1, anomalyId: "A2"))
        }
        return Scene(
            containerType: "22G1", bounds: Box3D(x: -45, y: -45, z: -200, length: 6058, width: 2438, height: 2591),
            shapes: shapes)
    }
}

/// The noise-free transmission of a slab of `material` `thicknessMM` thick for a channel's bins, computed
/// independently of the renderer: Beer–Lambert per bin in Double with Foundation's `exp`.
func beerLambert(_ material: String, thicknessMM: Double, fill: Double = 1, bins: [ScannerProfile.EnergyBin]) -> Double
{
    let materials = Repository.materials
    let density = materials.density(of: material)! * fill
    return bins.reduce(0) { sum, bin in
        sum + bin.weight
            * exp(-materials.massAttenuation(of: material, at: bin.energyMeV)! * density * thicknessMM / 10)
    }
}

/// A tiny deterministic generator for test inputs (xorshift64*), independent of the module's own.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
}
