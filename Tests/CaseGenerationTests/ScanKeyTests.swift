import CargoModel
import CaseGeneration
import Testing

@Suite struct ScanKeyTests {
    @Test func maskRunsRoundTripAndCountPixels() {
        var random = TestRandom(seed: 3)
        for _ in 0..<200 {
            let width = Int(random.next() % 9) + 1, height = Int(random.next() % 7) + 1
            let mask = (0..<(width * height)).map { _ in random.next() % 3 == 0 }
            let runs = AnomalyPixels.runs(of: mask)
            let pixels = AnomalyPixels(
                anomalyId: "A1", box: PixelBox(x: 0, y: 0, width: width, height: height), maskRuns: runs,
                contrastToNoise: 1)
            #expect(pixels.mask == mask)
            #expect(runs.reduce(0, +) == width * height)
            #expect(pixels.pixelCount == mask.filter { $0 }.count)
        }
    }

    @Test func lowContrastFollowsTheCNRAndApplyingTwiceChangesNothing() throws {
        let made = try Repository.generator.generate(CaseSpec(scenario: .withinLoad), seed: 77)
        var key = made.key
        let before = key.difficulty
        key.scans = [
            ScanKey(
                file: "scan.png", profile: "p", widthPixels: 10, heightPixels: 10, pixelPitchMM: 4, noiseSeed: "1",
                anomalies: [
                    AnomalyPixels(
                        anomalyId: "A1", box: PixelBox(x: 0, y: 0, width: 1, height: 1), maskRuns: [0, 1],
                        contrastToNoise: 1.2)
                ])
        ]
        key.applyScanVisibility(floor: 5)
        let once = key.difficulty
        key.applyScanVisibility(floor: 5)
        #expect(key.difficulty == once)
        let factor = try #require(once.factors.first { $0.code == .lowContrast })
        #expect(factor.value > 0.9)
        #expect(once.score > before.score)
        key.scans[0].anomalies[0].contrastToNoise = 40
        key.applyScanVisibility(floor: 5)
        #expect(key.difficulty.score == before.score)
        #expect(AnswerKey.lowContrast(cnr: 0.5, floor: 5) == 1 && AnswerKey.lowContrast(cnr: 15, floor: 5) == 0)
    }
}
