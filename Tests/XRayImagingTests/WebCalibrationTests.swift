import Foundation
import Testing
import XRayImaging

/// The web workspace classifies materials in the browser from the 16-bit channels with each profile's
/// classification curves, shipped as `Assets/web/calibration/<profile>.json`. These tests hold the files
/// to `MaterialClassifier`, so the browser's classes stay the server's. Regenerate the files with
/// `CARGOSIM_WRITE_CALIBRATION=1 swift test --filter WebCalibrationTests`.
@Suite struct WebCalibrationTests {
    static let folder = Repository.assets.appendingPathComponent("web/calibration", isDirectory: true)
    static let stepsPerUnit: Float = 32

    /// The calibration of a profile as the web UI reads it.
    static func calibration(of profile: ScannerProfile) throws -> [String: Any] {
        let classifier = try MaterialClassifier(profile: profile, materials: Repository.materials)
        let steps = Int(classifier.saturationDepthHigh * stepsPerUnit) + 2
        var curves: [Double] = []
        curves.reserveCapacity(steps * 4)
        for i in 0..<steps {
            for m in 0..<4 {
                let ratio = classifier.referenceRatio(m, atOpticalDepth: Float(i) / stepsPerUnit)
                curves.append(Double(String(ratio))!)
            }
        }
        return [
            "profile": profile.name,
            "stepsPerUnit": Int(stepsPerUnit),
            "minimumOpticalDepth": Double(String(MaterialClassifier.minimumOpticalDepth))!,
            "saturationDepthHigh": Double(String(classifier.saturationDepthHigh))!,
            "saturationDepthLow": Double(String(classifier.saturationDepthLow))!,
            "isDualEnergy": classifier.isEnabled,
            "classificationWindow": profile.isDualEnergy ? profile.detector.classificationWindow : 1,
            "references": MaterialClassifier.references.map(\.material),
            "curves": curves,
        ]
    }

    @Test(arguments: ScannerProfile.all.map(\.name))
    func calibrationFileMatchesTheClassifier(profileName: String) throws {
        let profile = try #require(ScannerProfile.named(profileName))
        let expected = try Self.calibration(of: profile)
        let url = Self.folder.appendingPathComponent("\(profileName).json")
        if ProcessInfo.processInfo.environment["CARGOSIM_WRITE_CALIBRATION"] == "1" {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            let data = try JSONSerialization.data(withJSONObject: expected, options: [.sortedKeys])
            try (data + Data("\n".utf8)).write(to: url)
        }
        let data = try Data(contentsOf: url)
        let found = try #require(
            try JSONSerialization.jsonObject(with: data) as? [String: Any],
            "Assets/web/calibration/\(profileName).json is not a JSON object; regenerate it (see the suite's comment)")
        #expect(found["profile"] as? String == profileName)
        #expect(found["stepsPerUnit"] as? Int == expected["stepsPerUnit"] as? Int)
        #expect(found["isDualEnergy"] as? Bool == expected["isDualEnergy"] as? Bool)
        #expect(found["classificationWindow"] as? Int == expected["classificationWindow"] as? Int)
        #expect(found["references"] as? [String] == expected["references"] as? [String])
        for field in ["minimumOpticalDepth", "saturationDepthHigh", "saturationDepthLow"] {
            let a = try #require(found[field] as? Double, "\(field) missing")
            let b = try #require(expected[field] as? Double)
            #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(field): file \(a), classifier \(b)")
        }
        let foundCurves = try #require(found["curves"] as? [Double], "curves missing")
        let expectedCurves = try #require(expected["curves"] as? [Double])
        #expect(foundCurves.count == expectedCurves.count, "the file has \(foundCurves.count) curve values")
        var worst = 0.0
        for (a, b) in zip(foundCurves, expectedCurves) { worst = max(worst, abs(a - b)) }
        #expect(worst <= 1e-6, "curves differ from the classifier's by up to \(worst); regenerate the file")
    }

    /// The rule the browser applies (materials.js `classifyPixel`), written again here over the file's
    /// curves, gives the classifier's class on a seeded sweep of optical depths.
    @Test(arguments: ScannerProfile.all.filter(\.isDualEnergy).map(\.name))
    func fileCurvesClassifyAsTheClassifierDoes(profileName: String) throws {
        let profile = try #require(ScannerProfile.named(profileName))
        let classifier = try MaterialClassifier(profile: profile, materials: Repository.materials)
        let file = try Self.calibration(of: profile)
        let curves = try #require(file["curves"] as? [Double])
        let steps = curves.count / 4
        let order: [MaterialClass] = [.organic, .mixed, .inorganic, .heavyMetal]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var agree = 0
        let trials = 20_000
        for _ in 0..<trials {
            let tauHigh = Float(next() * Double(classifier.saturationDepthHigh + 0.5))
            let tauLow = tauHigh * Float(0.7 + next() * 0.8)
            var browser: MaterialClass
            if tauHigh >= classifier.saturationDepthHigh - 0.05 || tauLow >= classifier.saturationDepthLow - 0.05 {
                browser = .saturated
            } else if tauHigh < MaterialClassifier.minimumOpticalDepth {
                browser = .unknown
            } else {
                let ratio = Double(tauLow / tauHigh)
                let i = min(steps - 1, Int(Double(tauHigh) * 32 + 0.5)) * 4
                var best = 0
                for m in 1..<4 where abs(ratio - curves[i + m]) < abs(ratio - curves[i + best]) { best = m }
                browser = order[best]
            }
            if browser == classifier.classify(tauHigh: tauHigh, tauLow: tauLow) { agree += 1 }
        }
        // Float against Double arithmetic may part ways exactly on a boundary, nowhere else.
        #expect(agree >= trials - 5, "\(trials - agree) of \(trials) classes differ")
    }
}
