import CargoModel
import Foundation
import Testing
import XRayImaging

/// The detector chain's effects (`DetectorChain`), each against its model, one switched on at a time.
@Suite("Detector chain")
struct DetectorChainTests {
    let renderer = Repository.renderer

    /// The linac without blur and with only `chain`'s effects.
    static func linac(_ chain: DetectorChain) -> ScannerProfile {
        var profile = ScannerProfile.dualEnergyLinac.sharp
        profile.detector = chain
        return profile
    }

    /// A slab of `material` over the whole of a `length × height` mm scene.
    static func filled(_ material: String, thickness: Int, length: Int = 2000, height: Int = 1200) -> Scene {
        var scene = TestScenes.empty(length: length, height: height)
        scene.shapes.append(
            SceneShape(
                name: "slab", role: .phantom,
                geometry: .box(Box3D(x: 0, y: 100, z: 0, length: length, width: thickness, height: height)),
                material: material))
        return scene
    }

    static func meanAndSD(_ values: [Double]) -> (mean: Double, sd: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        return (mean, (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot())
    }

    // MARK: Intensity averaging over partial pixels

    /// A steel plate's edges crossing pixels: a column the plate's end crosses at a fraction f of the pixel, and a
    /// row its top crosses at a fraction g, read (1 − f)·T₀ + f·T₁ and (1 − g)·T₀ + g·T₁, as an intensity-integrating
    /// detector reads them; the corner pixel (f·g of it covered) likewise. Averaging the optical depth instead
    /// would read T₁^f (for 100 mm of steel, half covered: 0.18 against the true 0.52).
    @Test(arguments: [0.25, 0.5, 0.8])
    func partialPixelsAverageTheTransmittedIntensity(fraction: Double) throws {
        let profile = Self.linac(.ideal)
        let pitch = profile.pixelPitchMM
        var scene = TestScenes.empty(length: 400, height: 400)
        // The plate's right end at column 50 + fraction, its top at row 50 + (1 − fraction) (rows count down).
        let end = 200 + fraction * pitch, top = 200 - (1 - fraction) * pitch
        scene.shapes.append(
            SceneShape(
                name: "plate", role: .phantom,
                geometry: .box(Box3D(x: 0, y: 100, z: 0, length: Int(end.rounded()), width: 100, height: Int(top.rounded()))),
                material: "steel"))
        // Box3D holds whole millimetres: the fractions the pixel actually gets.
        let f = (end.rounded() - 200) / pitch, g = (top.rounded() - (200 - pitch)) / pitch
        let scan = try renderer.render(scene, with: profile, noiseSeed: nil)
        let t0 = 1.0, t1 = beerLambert("steel", thicknessMM: 100, bins: profile.highEnergy)
        func at(_ row: Int, _ column: Int) -> Double { Double(scan.transmissionHigh[row * scan.width + column]) }
        #expect(abs(at(80, 50) - ((1 - f) * t0 + f * t1)) < 2e-4, "edge column: \(at(80, 50))")
        #expect(abs(at(50, 20) - ((1 - g) * t0 + g * t1)) < 2e-4, "edge row: \(at(50, 20))")
        #expect(abs(at(50, 50) - ((1 - f * g) * t0 + f * g * t1)) < 2e-4, "corner: \(at(50, 50))")
        #expect(abs(at(80, 20) - t1) < 2e-4)
    }

    /// A 1 mm steel sheet lying flat (2 m along the beam) inside one 4 mm row: a quarter of the pixel sees
    /// through it, three quarters see past it, so the pixel reads 0.75 + 0.25·T_sheet, not T_sheet^0.25.
    @Test func aThinPlateSeenEdgeOnIsNotTooDark() throws {
        let profile = Self.linac(.ideal)
        var scene = TestScenes.empty(length: 400, height: 400)
        scene.shapes.append(
            SceneShape(
                name: "sheet", role: .phantom,
                geometry: .box(Box3D(x: 100, y: 100, z: 201, length: 200, width: 2000, height: 1)), material: "steel"))
        let scan = try renderer.render(scene, with: profile, noiseSeed: nil)
        let sheet = beerLambert("steel", thicknessMM: 2000, bins: profile.highEnergy)
        // z 201…202 lies in row 49 (z 200…204).
        let value = Double(scan.transmissionHigh[49 * scan.width + 50])
        #expect(abs(value - (0.75 + 0.25 * sheet)) < 2e-4, "\(value)")
    }

    // MARK: Scatter

    /// The scatter kernel integrates to the amplitude: over a uniform field every pixel gets exactly
    /// a · T·ln(1/T); across a long step edge the scatter falls from the bright side's level to the dark side's
    /// as the Gaussian's integral (half-way at the edge, within 16 % of the step at ±σ of its 16 %/84 % points).
    @Test func scatterKernelIntegratesToTheAmplitudeAndSpreadsAsTheGaussian() throws {
        let chain = DetectorChain(scatterAmplitude: 0.01, scatterSigmaMM: 200)
        let profile = Self.linac(chain)
        let uniform = try renderer.render(Self.filled("water", thickness: 300), with: profile, noiseSeed: nil)
        let t = beerLambert("water", thicknessMM: 300, bins: profile.highEnergy)
        let expected = t + 0.01 * t * log(1 / t)
        for i in stride(from: 0, to: uniform.transmissionHigh.count, by: 997) {
            #expect(abs(Double(uniform.transmissionHigh[i]) / expected - 1) < 1e-4)
        }
        // The left half water, the right half steel (clear of both clips): the scatter source steps from
        // w = T·ln(1/T) of the water to that of the steel, and the scatter follows a·(w_s + (w_w − w_s)·Φ((x₀ − x)/σ)).
        var scene = TestScenes.empty(length: 4000, height: 1200)
        scene.shapes.append(
            SceneShape(
                name: "water", role: .phantom,
                geometry: .box(Box3D(x: 0, y: 100, z: 0, length: 2000, width: 300, height: 1200)), material: "water"))
        scene.shapes.append(
            SceneShape(
                name: "steel", role: .phantom,
                geometry: .box(Box3D(x: 2000, y: 100, z: 0, length: 2000, width: 150, height: 1200)), material: "steel"))
        let step = try renderer.render(scene, with: profile, noiseSeed: nil)
        let ts = beerLambert("steel", thicknessMM: 150, bins: profile.highEnergy)
        let ww = t * log(1 / t), ws = ts * log(1 / ts)
        let row = step.height / 2
        func scatter(atMM x: Double) -> Double {
            let column = Int(x / profile.pixelPitchMM)
            let value = Double(step.transmissionHigh[row * step.width + column])
            return (x < 2000 ? value - t : value - ts) / 0.01
        }
        // Pixel centres sit 2 mm right of these x.
        for (x, share) in [(500.0, 1.0), (3500, 0.0), (1998, 0.5), (1798, 0.841), (2198, 0.159)] {
            let expected = ws + (ww - ws) * share
            #expect(abs(scatter(atMM: x) - expected) < 0.03 * (ww - ws), "at \(x) mm: \(scatter(atMM: x)) against \(expected)")
        }
    }

    // MARK: Dose and gain

    /// Pulse-to-pulse dose (one factor per column) and channel gain (one per row): behind a uniform slab the
    /// columns' means of T over the noise-free T spread with the configured σ across the columns, the rows' with
    /// theirs across the rows (within 15 %: 500 columns and 300 rows drawn), and the effects stay off without a
    /// noise seed.
    @Test(arguments: [(0.01, 0.004), (0.004, 0.01)])
    func bandingAndStripesSpreadAsConfigured(dose: Double, gain: Double) throws {
        let profile = Self.linac(DetectorChain(pulseDoseSigma: dose, channelGainSigma: gain))
        let scene = Self.filled("water", thickness: 200)
        let clean = try renderer.render(scene, with: profile, noiseSeed: nil)
        #expect(clean.transmissionHigh == (try renderer.render(scene, with: profile.sharp, noiseSeed: nil)).transmissionHigh)
        for seed: UInt64 in [3, 4] {
            let scan = try renderer.render(scene, with: profile, noiseSeed: seed)
            var columns = [Double](repeating: 0, count: scan.width), rows = [Double](repeating: 0, count: scan.height)
            for row in 0..<scan.height {
                for column in 0..<scan.width {
                    let i = row * scan.width + column
                    let ratio = Double(scan.transmissionHigh[i]) / Double(clean.transmissionHigh[i])
                    columns[column] += ratio / Double(scan.height)
                    rows[row] += ratio / Double(scan.width)
                }
            }
            let across = Self.meanAndSD(columns).sd, down = Self.meanAndSD(rows).sd
            #expect(abs(across / dose - 1) < 0.15, "seed \(seed): columns spread \(across), configured \(dose)")
            #expect(abs(down / gain - 1) < 0.15, "seed \(seed): rows spread \(down), configured \(gain)")
        }
    }

    // MARK: Noise

    /// Beam hardening and the Swank factor: behind steel the photon noise's relative σ is √(f·T/N)/T with
    /// f = Ē(τ)/(Ē₀·A_S) from the hardened spectrum, within 6 %; behind 200 mm of steel f·A_S is well above 1 (the
    /// white open-mix model understates σ there), and in the open beam's mix (thin water) f = 1/A_S.
    @Test(arguments: [("water", 20), ("steel", 100), ("steel", 200)])
    func noiseFollowsTheHardenedSpectrumAndTheSwankFactor(material: String, thickness: Int) throws {
        let profile = Self.linac(DetectorChain(swankFactor: 0.7, beamHardeningNoise: true))
        let scene = Self.filled(material, thickness: thickness, length: 1200, height: 800)
        let scan = try renderer.render(scene, with: profile, noiseSeed: 21)
        let values = scan.transmissionHigh.map(Double.init)
        let (mean, sd) = Self.meanAndSD(values)
        // The hardened spectrum behind this slab: signal-weighted mean energy over the open beam's.
        var transmission = 0.0, energy = 0.0, open = 0.0
        for bin in profile.highEnergy {
            let share = bin.weight * beerLambert(material, thicknessMM: Double(thickness), bins: [.init(energyMeV: bin.energyMeV, weight: 1)])
            transmission += share
            energy += share * bin.energyMeV
            open += bin.weight * bin.energyMeV
        }
        let hardening = energy / transmission / open
        let dark = profile.transmissionFloor / 3
        let expected = (mean * hardening / 0.7 / profile.photonsPerPixelHigh + dark * dark).squareRoot()
        #expect(abs(sd / expected - 1) < 0.06, "\(material) \(thickness) mm: σ \(sd), model \(expected)")
        if material == "steel" && thickness == 200 { #expect(hardening > 1.15, "hardening factor \(hardening)") }
        if material == "water" { #expect(hardening < 1.05) }
    }

    /// The detector's correlation: with the 0.6-pixel light spread, neighbouring pixels' noise correlates as the
    /// 3 × 3 kernel says (lag 1 along a row and down a column: 2·c₀·c₁, lag 2: c₁², within 0.03), and each pixel's σ
    /// stays the model's.
    @Test func correlatedNoiseHasTheKernelsCorrelation() throws {
        var profile = Self.linac(DetectorChain(correlatedNoise: true))
        profile.blurSigmaPixels = 0.6
        let scene = Self.filled("water", thickness: 200, length: 1200, height: 800)
        let clean = try renderer.render(scene, with: profile, noiseSeed: nil)
        let scan = try renderer.render(scene, with: profile, noiseSeed: 8)
        let g = exp(-1 / (2 * 0.6 * 0.6)), c0 = 1 / (1 + 2 * g * g).squareRoot(), c1 = g * c0
        func noise(_ row: Int, _ column: Int) -> Double {
            let i = row * scan.width + column
            return Double(scan.transmissionHigh[i]) - Double(clean.transmissionHigh[i])
        }
        func correlation(_ dr: Int, _ dc: Int) -> Double {
            var ab = 0.0, aa = 0.0, bb = 0.0
            for row in 10..<(scan.height - 10) {
                for column in 10..<(scan.width - 10) {
                    let a = noise(row, column), b = noise(row + dr, column + dc)
                    ab += a * b
                    aa += a * a
                    bb += b * b
                }
            }
            return ab / (aa * bb).squareRoot()
        }
        #expect(abs(correlation(0, 1) - 2 * c0 * c1) < 0.03, "along a row: \(correlation(0, 1))")
        #expect(abs(correlation(1, 0) - 2 * c0 * c1) < 0.03, "down a column: \(correlation(1, 0))")
        #expect(abs(correlation(0, 2) - c1 * c1) < 0.03, "lag 2: \(correlation(0, 2))")
        let (mean, sd) = Self.meanAndSD(scan.transmissionHigh.map(Double.init))
        let dark = profile.transmissionFloor / 3
        let expected = (mean / profile.photonsPerPixelHigh + dark * dark).squareRoot()
        #expect(abs(sd / expected - 1) < 0.06, "σ \(sd), model \(expected)")
    }

    // MARK: Classes

    /// A steel plate 10–20 mm thick (inside a container's two 2 mm corten walls), with the linac's noise: on the
    /// locally averaged ratio (7 × 7) it reads as metal (inorganic or heavy metal) over at least 98 % of its
    /// inside, and inorganic over at least 90 % up to 15 mm; pixel by pixel the noise scatters a tenth or more of
    /// it into the organic and mixed classes. At 20 mm (τ_high ≈ 0.9) the linac's steel and lead curves cross
    /// (R 1.1361 against 1.1386), so there no window tells steel from lead: it reads metal, split between the two.
    @Test(arguments: [10, 12, 15, 20])
    func aSteelPlateReadsAsMetalOnTheLocallyAveragedRatio(thickness: Int) throws {
        var scene = TestScenes.empty(length: 1600, height: 800)
        for (name, y) in [("left-wall", -2), ("right-wall", 2350)] {
            scene.shapes.append(
                SceneShape(
                    name: name, role: .structure,
                    geometry: .box(Box3D(x: 0, y: y, z: 0, length: 1600, width: 2, height: 800)),
                    material: "corten-steel"))
        }
        scene.shapes.append(
            SceneShape(
                name: "plate", role: .phantom,
                geometry: .box(Box3D(x: 400, y: 1000, z: 200, length: 800, width: thickness, height: 400)),
                material: "steel"))
        let profile = ScannerProfile.dualEnergyLinac
        #expect(profile.detector.classificationWindow == 7)
        var perPixel = profile
        perPixel.detector.classificationWindow = 1
        func shares(_ candidate: ScannerProfile) throws -> (inorganic: Double, metal: Double) {
            let scan = try renderer.render(scene, with: candidate, noiseSeed: 31)
            var inorganic = 0, metal = 0, total = 0
            // The plate covers columns 100…299 and rows 50…149 at 4 mm; three pixels in from its edges.
            for row in 53..<147 {
                for column in 103..<297 {
                    total += 1
                    let kind = scan.materialClasses[row * scan.width + column]
                    if kind == .inorganic { inorganic += 1 }
                    if kind == .inorganic || kind == .heavyMetal { metal += 1 }
                }
            }
            return (Double(inorganic) / Double(total), Double(metal) / Double(total))
        }
        let averaged = try shares(profile), single = try shares(perPixel)
        #expect(averaged.metal >= 0.98, "\(thickness) mm, 7 × 7: metal \(averaged.metal)")
        if thickness <= 15 { #expect(averaged.inorganic >= 0.9, "\(thickness) mm, 7 × 7: inorganic \(averaged.inorganic)") }
        #expect(single.metal < 0.95, "\(thickness) mm, pixel by pixel: metal \(single.metal)")
    }

    // MARK: Penetration

    /// With the penetration left to emerge, the measured transmission behind far more steel than the scanner
    /// penetrates is the scatter and the electronic noise, not a floor: it varies from pixel to pixel around the
    /// scatter's level (below the floor), and is clipped only at the converter's lowest code.
    @Test func behindTooMuchSteelTheImageIsScatterAndNoise() throws {
        let profile = ScannerProfile.dualEnergyLinac
        #expect(profile.detector.emergentPenetration)
        var scene = Self.filled("water", thickness: 400, length: 2000, height: 1200)
        scene.shapes.append(
            SceneShape(
                name: "block", role: .phantom,
                geometry: .box(Box3D(x: 800, y: 1000, z: 400, length: 400, width: 800, height: 400)), material: "steel"))
        let scan = try renderer.render(scene, with: profile, noiseSeed: 2)
        var values: [Double] = []
        for row in 125..<175 {
            for column in 225..<275 { values.append(Double(scan.transmissionHigh[row * scan.width + column])) }
        }
        let (mean, sd) = Self.meanAndSD(values)
        #expect(values.min()! >= Double(Float(DetectorChain.minimumTransmission)))
        #expect(values.contains { $0 < profile.transmissionFloor })
        #expect(sd > profile.transmissionFloor / 6, "σ \(sd)")
        #expect(mean < 2 * profile.transmissionFloor, "mean \(mean)")
        let classes = Set((125..<175).flatMap { row in (225..<275).map { scan.materialClasses[row * scan.width + $0] } })
        #expect(classes == [.saturated], "\(classes)")
    }
}
