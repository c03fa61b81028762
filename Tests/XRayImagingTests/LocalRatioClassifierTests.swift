import CargoModel
import Foundation
import Testing
import XRayImaging

/// Material classes on the locally averaged dual-energy ratio (`LocalRatioClassifier`): the renderer's classes, the
/// server's class map and the browser's are one rule over the 16-bit samples.
@Suite("Local-ratio classes")
struct LocalRatioClassifierTests {
    let renderer = Repository.renderer

    /// The rule written out pixel by pixel over the whole window (no running sums), for comparison.
    static func naive(
        _ rule: LocalRatioClassifier, high: [UInt16], low: [UInt16], width: Int, height: Int, x: Int, y: Int
    )
        -> UInt8
    {
        func depth(_ d: Int) -> Double { Double(d) * 12 / 65535 }
        func own(_ i: Int) -> UInt8? {
            let dh = 65535 - Int(high[i]), dl = 65535 - Int(low[i])
            if depth(dh) >= rule.saturationDepthHigh - 0.05 || depth(dl) >= rule.saturationDepthLow - 0.05 { return 5 }
            if !rule.isDualEnergy || depth(dh) < rule.minimumOpticalDepth { return 0 }
            return nil
        }
        if let verdict = own(y * width + x) { return verdict }
        var sumHigh = 0, sumLow = 0, n = 0
        for v in max(0, y - 3)...min(height - 1, y + 3) {
            for u in max(0, x - 3)...min(width - 1, x + 3) where own(v * width + u) == nil {
                sumHigh += 65535 - Int(high[v * width + u])
                sumLow += 65535 - Int(low[v * width + u])
                n += 1
            }
        }
        let tau = Double(sumHigh * 12) / Double(65535 * n)
        let i = min(rule.curves.count / 4 - 1, Int((tau * rule.stepsPerUnit + 0.5).rounded(.down))) * 4
        let ratio = Double(sumLow) / Double(sumHigh)
        var best = 0
        for m in 1..<4 where abs(ratio - rule.curves[i + m]) < abs(ratio - rule.curves[i + best]) { best = m }
        return UInt8(best + 1)
    }

    /// The running sums give the window's class at every pixel, image borders included, on seeded random samples
    /// (thin, classifiable and saturated pixels mixed), for every profile.
    @Test(arguments: ScannerProfile.all.map(\.name))
    func runningSumsGiveTheWindowsClass(profileName: String) throws {
        let profile = try #require(ScannerProfile.named(profileName))
        let rule = try LocalRatioClassifier(MaterialClassifier(profile: profile, materials: Repository.materials))
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for (width, height) in [(1, 1), (5, 2), (13, 9), (61, 23)] {
            var high = [UInt16](), low = [UInt16]()
            for _ in 0..<(width * height) {
                let tau = next() * 9
                high.append(UInt16(max(0, 65535 - (tau / 12 * 65535).rounded())))
                low.append(UInt16(max(0, 65535 - (tau * (0.7 + next() * 0.8) / 12 * 65535).rounded())))
            }
            let classes = rule.classify(high: high, low: low, width: width, height: height)
            var differ = 0
            for y in 0..<height {
                for x in 0..<width
                where classes[y * width + x]
                    != Self.naive(rule, high: high, low: low, width: width, height: height, x: x, y: y)
                {
                    differ += 1
                }
            }
            #expect(differ == 0, "\(differ) of \(width * height) pixels differ (\(width) × \(height))")
        }
    }

    /// The renderer's classes are the rule's over its own 16-bit samples, and the same rule built from the web
    /// calibration file (as the server and the browser read it) gives the same classes: one rule everywhere.
    @Test(arguments: [ScannerProfile.dualEnergyLinac, .tube450kV, .cobalt60].map(\.name))
    func rendererServerAndBrowserClassAlike(profileName: String) throws {
        let profile = try #require(ScannerProfile.named(profileName))
        let scan = try renderer.render(DetectorTests.wedges(), with: profile, noiseSeed: 17)
        let rule = try LocalRatioClassifier(MaterialClassifier(profile: profile, materials: Repository.materials))
        let ours = rule.classify(high: scan.high, low: scan.low, width: scan.width, height: scan.height)
        #expect(scan.materialClasses.map(\.rawValue) == ours)
        let url = WebCalibrationTests.folder.appendingPathComponent("\(profileName).json")
        let file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let stepsPerUnit = try #require(file["stepsPerUnit"] as? Double)
        let minimum = try #require(file["minimumOpticalDepth"] as? Double)
        let saturationHigh = try #require(file["saturationDepthHigh"] as? Double)
        let saturationLow = try #require(file["saturationDepthLow"] as? Double)
        let dual = try #require(file["isDualEnergy"] as? Bool)
        let curves = try #require(file["curves"] as? [Double])
        let web = LocalRatioClassifier(
            stepsPerUnit: stepsPerUnit, minimumOpticalDepth: minimum, saturationDepthHigh: saturationHigh,
            saturationDepthLow: saturationLow, isDualEnergy: dual, curves: curves)
        #expect(web == rule, "the web calibration file holds the renderer's rule")
        #expect(web.classify(high: scan.high, low: scan.low, width: scan.width, height: scan.height) == ours)
    }

    /// The classes of the pixels of a scan inside the box [x0, x1) × [y0, y1) (pixels).
    static func share(_ kind: MaterialClass, in scan: RenderedScan, columns: Range<Int>, rows: Range<Int>) -> Double {
        var hits = 0
        for y in rows { for x in columns where scan.materialClasses[y * scan.width + x] == kind { hits += 1 } }
        return Double(hits) / Double(columns.count * rows.count)
    }

    /// A steel slab 10–20 mm thick on the linac, with photon noise, reads inorganic in at least 95 % of its pixels
    /// away from its edges; classed pixel by pixel (the rule before) the same samples read about 70 % inorganic, the
    /// ratio's noise spreading them over the neighbouring classes. The slab is 400 × 200 mm at x 200, z 100 in an
    /// 800 × 400 mm scene.
    @Test(arguments: [10, 15, 20])
    func thinSteelReadsInorganic(thickness: Int) throws {
        let profile = ScannerProfile.dualEnergyLinac
        let scan = try renderer.render(TestScenes.slab("steel", thickness: thickness), with: profile, noiseSeed: 29)
        let pitch = profile.pixelPitchMM
        let columns = Int((200 / pitch).rounded(.up)) + 4..<Int(600 / pitch) - 4
        let rows = Int(((400 - 300) / pitch).rounded(.up)) + 4..<Int((400 - 100) / pitch) - 4
        let inorganic = Self.share(.inorganic, in: scan, columns: columns, rows: rows)
        #expect(inorganic >= 0.95, "\(thickness) mm steel: \(Int(inorganic * 100)) % inorganic")
        // The same samples classed pixel by pixel (the rule before): well under 95 %, or the case would not show
        // the averaging at work.
        let classifier = try MaterialClassifier(profile: profile, materials: Repository.materials)
        var perPixel = 0
        for y in rows {
            for x in columns {
                let i = y * scan.width + x
                let kind = classifier.classify(
                    tauHigh: Float(-log(RenderedScan.transmission(ofSample: scan.high[i]))),
                    tauLow: Float(-log(RenderedScan.transmission(ofSample: scan.low[i]))))
                if kind == .inorganic { perPixel += 1 }
            }
        }
        let perPixelShare = Double(perPixel) / Double(columns.count * rows.count)
        #expect(perPixelShare < 0.9, "per pixel \(perPixelShare), averaged \(inorganic)")
    }

    /// Edges: a steel slab beside a polyethylene one (both thick enough to classify), in air. Air around them stays
    /// unknown (no halo of class), each slab's pixels beside the air read its own class (air does not dilute the
    /// ratio), and each slab away from their common edge by more than the window's half reads its own class.
    @Test func edgesKeepTheirClassesAndAirStaysGrey() throws {
        let profile = ScannerProfile.dualEnergyLinac
        var scene = TestScenes.empty()
        scene.shapes = [
            SceneShape(
                name: "steel", role: .phantom,
                geometry: .box(Box3D(x: 200, y: 100, z: 100, length: 200, width: 100, height: 200)), material: "steel"),
            SceneShape(
                name: "polyethylene", role: .phantom,
                geometry: .box(Box3D(x: 400, y: 100, z: 100, length: 200, width: 600, height: 200)),
                material: "polyethylene"),
        ]
        let scan = try renderer.render(scene, with: profile.sharp, noiseSeed: 41)
        // pitch 4 mm: steel columns 50..<100, polyethylene 100..<150, rows 25..<75
        #expect(Self.share(.unknown, in: scan, columns: 0..<48, rows: 0..<scan.height) == 1)
        #expect(Self.share(.unknown, in: scan, columns: 152..<200, rows: 0..<scan.height) == 1)
        #expect(Self.share(.unknown, in: scan, columns: 50..<150, rows: 0..<23) == 1)
        #expect(Self.share(.inorganic, in: scan, columns: 50..<96, rows: 25..<75) >= 0.95)
        #expect(Self.share(.organic, in: scan, columns: 104..<150, rows: 25..<75) >= 0.95)
        // the outermost column and row of each slab, beside air
        #expect(Self.share(.inorganic, in: scan, columns: 50..<51, rows: 29..<71) >= 0.95)
        #expect(Self.share(.organic, in: scan, columns: 149..<150, rows: 29..<71) >= 0.95)
        #expect(Self.share(.inorganic, in: scan, columns: 54..<96, rows: 25..<26) >= 0.95)
    }

    /// A small object is still classed: a steel cube of 3 × 3 pixels and a lead one of 2 × 2 pixels in air (4 mm
    /// pixels), with photon noise, read inorganic and heavy metal over their pixels.
    @Test func smallObjectsAreStillClassed() throws {
        let profile = ScannerProfile.dualEnergyLinac
        var scene = TestScenes.empty()
        scene.shapes = [
            SceneShape(
                name: "steel", role: .phantom,
                geometry: .box(Box3D(x: 200, y: 1000, z: 200, length: 12, width: 150, height: 12)), material: "steel"),
            SceneShape(
                name: "lead", role: .phantom,
                geometry: .box(Box3D(x: 400, y: 1000, z: 200, length: 8, width: 60, height: 8)), material: "lead"),
        ]
        let scan = try renderer.render(scene, with: profile.sharp, noiseSeed: 43)
        // steel: columns 50..<53, rows (400 − 212) / 4 = 47..<50; lead: columns 100..<102, rows 48..<50
        #expect(Self.share(.inorganic, in: scan, columns: 50..<53, rows: 47..<50) == 1)
        #expect(Self.share(.heavyMetal, in: scan, columns: 100..<102, rows: 48..<50) == 1)
    }
}
