import CargoModel
import Foundation
import Testing
import XRayImaging

/// Partly covered pixels: a detector pixel measures the mean of the transmitted intensity exp(−τ) over its area,
/// not exp of the mean optical depth. Against exact analytic cases and exact sub-rectangle averages.
@Suite("Partial pixels")
struct PartialPixelTests {
    let renderer = Repository.renderer

    /// Σ_bins w·exp(−μ·ℓ) of the high channel, in Double.
    static func transmission(_ material: String, length: Double, profile: ScannerProfile, fill: Double = 1) -> Double {
        profile.highEnergy.reduce(0) { sum, bin in
            let mu = Repository.materials.linearAttenuation(of: material, at: bin.energyMeV)! / 10 * fill
            return sum + bin.weight * exp(-mu * length)
        }
    }

    /// The high channel's noise-free transmission at a pixel of a sharp 4 mm render.
    func render(_ shapes: [SceneShape], profile: ScannerProfile) throws -> RenderedScan {
        var scene = TestScenes.empty()
        scene.shapes = shapes
        return try renderer.render(scene, with: profile, noiseSeed: nil)
    }

    static func box(_ material: String, x: Int, z: Int, length: Int, width: Int, height: Int) -> SceneShape {
        SceneShape(
            name: "\(material)-\(x)-\(z)", role: .phantom,
            geometry: .box(Box3D(x: x, y: 100, z: z, length: length, width: width, height: height)),
            material: material)
    }

    /// A water block over the right half of a column (4 mm pixels; the block starts at x = 202 mm in column 50), and
    /// its corner over a quarter of a pixel: T = (1 − a) + a·T_block, a = ½ and ¼, in Double per bin.
    @Test func halfAndQuarterCoveredPixelsAverageTheIntensity() throws {
        let profile = ScannerProfile.dualEnergyLinac.sharp
        // z from 98 to 300: rows (400 − 300) / 4 = 25 up to 75.5, the last half covered.
        let scan = try render(
            [Self.box("water", x: 202, z: 98, length: 300, width: 800, height: 202)], profile: profile)
        let block = Self.transmission("water", length: 800, profile: profile)
        let cases: [(column: Int, row: Int, share: Double)] = [
            (50, 40, 0.5), (60, 75, 0.5), (50, 75, 0.25), (60, 40, 1),
        ]
        for (column, row, share) in cases {
            let expected = (1 - share) + share * block
            let got = Double(scan.transmissionHigh[row * scan.width + column])
            #expect(abs(got / expected - 1) < 3e-4, "(\(column), \(row)), share \(share): \(got), exact \(expected)")
        }
        // The old rule, exp of the mean depth, would be far off here: the test tells the two apart.
        let meanDepth = Self.transmission("water", length: 400, profile: profile)
        #expect(abs(meanDepth / (0.5 + 0.5 * block) - 1) > 0.05)
    }

    /// A 1 mm steel plate 2 m long along the beam, seen edge-on, upright (a quarter of a column) and lying (a
    /// quarter of a row), in front of a steel wall across the whole image: T = T_wall·(¾ + ¼·T_plate), however thick
    /// the plate is along the beam (exp of the mean depth would give T_wall·T_plate^¼, about 0 here).
    @Test func thinPlatesSeenEdgeOnLetTheUncoveredShareThrough() throws {
        let profile = ScannerProfile.dualEnergyLinac.sharp
        let wall = Self.box("steel", x: 0, z: 0, length: 800, width: 10, height: 400)
        let upright = Self.box("steel", x: 201, z: 100, length: 1, width: 2000, height: 200)
        let lying = Self.box("steel", x: 400, z: 201, length: 200, width: 2000, height: 1)
        let scan = try render([wall, upright, lying], profile: profile)
        let tWall = Self.transmission("steel", length: 10, profile: profile)
        let exact = profile.highEnergy.reduce(0.0) { sum, bin in
            let mu = Repository.materials.linearAttenuation(of: "steel", at: bin.energyMeV)! / 10
            return sum + bin.weight * exp(-mu * 10) * (0.75 + 0.25 * exp(-mu * 2000))
        }
        // upright: column 50 ([200, 204)), rows 25..<75; lying: z 201…202 in row (400 − 204) / 4 = 49, columns 100..<150
        for (column, row) in [(50, 30), (50, 60), (110, 49), (140, 49)] {
            let got = Double(scan.transmissionHigh[row * scan.width + column])
            #expect(abs(got / exact - 1) < 3e-4, "(\(column), \(row)): \(got), exact \(exact)")
        }
        #expect(exact > 0.7 * tWall)
    }

    /// Random boxes with edges anywhere against the exact average of exp(−τ) over each pixel (the pixel cut into
    /// rectangles at every box edge inside it). Pixels where one box at most has an edge inside are exact (within
    /// Float rounding); where several have, their shares are taken as independent: few pixels are more than 1 % off.
    @Test func randomBoxesAgainstExactSubRectangleAverages() throws {
        let profile = ScannerProfile.dualEnergyLinac.sharp.withPixelPitch(5)
        let materials = ["water", "steel", "fruit", "aluminium", "wood"]
        var random = TestRandom(seed: 91)
        var worstSingle = 0.0, offByOnePercent = 0, pixels = 0
        for _ in 0..<3 {
            var scene = TestScenes.empty(length: 600, height: 400)
            for i in 0..<(6 + Int(random.next() % 10)) {
                let x = Int(random.next() % 550), z = Int(random.next() % 350)
                let b = Box3D(
                    x: x, y: 0, z: z, length: 3 + Int(random.next() % UInt64(600 - x)),
                    width: 20 + Int(random.next() % 400),
                    height: 3 + Int(random.next() % UInt64(400 - z)))
                scene.shapes.append(
                    SceneShape(
                        name: "box-\(i)", role: .phantom, geometry: .box(b),
                        material: materials[Int(random.next() % 5)],
                        fill: 0.3 + Double(random.next() % 70) / 100))
            }
            let scan = try renderer.render(scene, with: profile, noiseSeed: nil)
            let pitch = profile.pixelPitchMM
            let boxes = scene.shapes.map { shape -> (Box3D, [Double]) in
                guard case let .box(b) = shape.geometry else { fatalError() }
                let mu = profile.highEnergy.map {
                    Repository.materials.linearAttenuation(of: shape.material, at: $0.energyMeV)! / 10 * shape.fill
                        * Double(b.width)
                }
                return (b, mu)
            }
            for row in 0..<scan.height {
                for column in 0..<scan.width {
                    let (x0, z1) = (Double(column) * pitch, 400 - Double(row) * pitch)
                    let (x1, z0) = (x0 + pitch, z1 - pitch)
                    var xs = [x0, x1], zs = [z0, z1]
                    var edged = 0
                    for (b, _) in boxes {
                        let inside = [Double(b.x), Double(b.x + b.length)].filter { $0 > x0 && $0 < x1 }
                        let insideZ = [Double(b.z), Double(b.z + b.height)].filter { $0 > z0 && $0 < z1 }
                        let overlaps =
                            Double(b.x) < x1 && Double(b.x + b.length) > x0 && Double(b.z) < z1
                            && Double(b.z + b.height) > z0
                        if overlaps, !(inside.isEmpty && insideZ.isEmpty) { edged += 1 }
                        xs += inside
                        zs += insideZ
                    }
                    xs.sort()
                    zs.sort()
                    var exact = 0.0
                    for i in 0..<(xs.count - 1) {
                        for j in 0..<(zs.count - 1) {
                            let area = (xs[i + 1] - xs[i]) * (zs[j + 1] - zs[j]) / (pitch * pitch)
                            guard area > 0 else { continue }
                            let (cx, cz) = ((xs[i] + xs[i + 1]) / 2, (zs[j] + zs[j + 1]) / 2)
                            var tau = [Double](repeating: 0, count: profile.highEnergy.count)
                            for (b, mu) in boxes
                            where cx > Double(b.x) && cx < Double(b.x + b.length) && cz > Double(b.z)
                                && cz < Double(b.z + b.height)
                            {
                                for k in tau.indices { tau[k] += mu[k] }
                            }
                            for (k, bin) in profile.highEnergy.enumerated() {
                                exact += area * bin.weight * exp(-tau[k])
                            }
                        }
                    }
                    exact = max(profile.transmissionFloor, exact)
                    let error = abs(Double(scan.transmissionHigh[row * scan.width + column]) / exact - 1)
                    if edged <= 1 { worstSingle = max(worstSingle, error) }
                    if error > 0.01 { offByOnePercent += 1 }
                    pixels += 1
                }
            }
        }
        #expect(worstSingle < 3e-4, "pixels with one edged box at most: worst relative error \(worstSingle)")
        #expect(Double(offByOnePercent) < 0.005 * Double(pixels), "\(offByOnePercent) of \(pixels) pixels > 1 % off")
    }
}

extension PartialPixelTests {
    /// Discs (cylinders along the beam, off the pixel grid) of water 300 mm long, radius 50 mm and 3 mm (under a
    /// pixel): each pixel's covered share is exact and averaged in intensity, T = (1 − a) + a·T_disc, so over the
    /// image Σ (1 − T) = (1 − T_disc) · πr² / pitch², the disc's area in pixels.
    @Test(arguments: [50, 3])
    func aDiscCoversItsAreaExactly(radius: Int) throws {
        let profile = ScannerProfile.dualEnergyLinac.sharp
        var scene = TestScenes.empty()
        scene.shapes = [
            SceneShape(
                name: "drum", role: .phantom,
                geometry: .cylinder(x: 301, y: 100, z: 203, radius: radius, length: 300, axis: .y), material: "water")
        ]
        let scan = try renderer.render(scene, with: profile, noiseSeed: nil)
        let disc = Self.transmission("water", length: 300, profile: profile)
        var sum = 0.0
        for t in scan.transmissionHigh { sum += 1 - Double(t) }
        let pixels = sum / (1 - disc)
        let area = Double.pi * Double(radius * radius) / (profile.pixelPitchMM * profile.pixelPitchMM)
        #expect(abs(pixels / area - 1) < 2e-4, "radius \(radius) mm: \(pixels) pixels, the disc has \(area)")
        // Every pixel lies between the open beam and the disc's own transmission.
        #expect(scan.transmissionHigh.allSatisfy { Double($0) >= disc * (1 - 1e-5) && $0 <= 1 })
    }
}
