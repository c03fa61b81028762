import CargoModel
import Foundation
import Testing

struct AnswerKeyTests {
    private func encodeSorted<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func expectationsEncodeAsAnObjectKeyedByStageName() throws {
        let key = Fixtures.answerKey(expectations: [
            .targeting: StageExpectation(best: .referForScan),
            .evidence: StageExpectation(best: .referToAgency, agency: .police),
        ])
        let text = try encodeSorted(key)
        let expected =
            #""expectations":{"evidence":{"acceptable":["referToAgency"],"agency":"police","best":"referToAgency"},"#
            + #""targeting":{"acceptable":["referForScan"],"best":"referForScan"}}"#
        #expect(text.contains(expected), "\(text)")
        #expect(!text.contains(#""expectations":["#))
    }

    @Test func expectationsDecodeFromAnObjectKeyedByStageName() throws {
        let json =
            #"{"screening":{"best":"detain","acceptable":["detain","fullDevanning"]},"#
            + #""targeting":{"best":"release","acceptable":["release"]}}"#
        let decoded = try JSONDecoder().decode([Stage: StageExpectation].self, from: Data(json.utf8))
        #expect(
            decoded == [
                .screening: StageExpectation(best: .detain, acceptable: [.fullDevanning]),
                .targeting: StageExpectation(best: .release),
            ])
    }

    @Test func anUnknownStageKeyDoesNotDecode() {
        let json = #"{"devanning":{"best":"release","acceptable":["release"]}}"#
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Stage: StageExpectation].self, from: Data(json.utf8))
        }
    }

    @Test(arguments: Disposition.allCases)
    func bestIsAlwaysAcceptableAndComesFirstWhenAdded(best: Disposition) {
        let alone = StageExpectation(best: best)
        #expect(alone.acceptable == [best])

        let others = Disposition.allCases.filter { $0 != best }
        let added = StageExpectation(best: best, acceptable: others)
        #expect(added.acceptable == [best] + others)

        let alreadyThere = StageExpectation(best: best, acceptable: others.reversed() + [best])
        #expect(alreadyThere.acceptable == others.reversed() + [best])
    }

    @Test func bestIsAcceptableForRandomAcceptableLists() {
        var generator = Xorshift64Star(seed: 17)
        for _ in 0..<1_000 {
            let best = Disposition.allCases.randomElement(using: &generator)!
            let acceptable = Disposition.allCases.filter { _ in Bool.random(using: &generator) }.shuffled(
                using: &generator)
            let expectation = StageExpectation(best: best, acceptable: acceptable)
            #expect(expectation.acceptable.filter { $0 == best }.count == 1)
            #expect(Set(expectation.acceptable) == Set(acceptable + [best]))
        }
    }

    @Test func decodingKeepsBestAcceptable() throws {
        let json = #"{"best":"release","acceptable":["detain"]}"#
        let decoded = try JSONDecoder().decode(StageExpectation.self, from: Data(json.utf8))
        #expect(decoded.acceptable.contains(decoded.best))
    }

    @Test func redFlagsAreTargetingIndicatorsOnly() {
        let flagged = IndicatorPresence(code: .cashFreightPayment, harmless: true, evidence: ["payment": "cash"])
        let alarm = IndicatorPresence(code: .radiationAlarm, harmless: true, evidence: [:])
        #expect(Fixtures.answerKey(indicators: [flagged]).hasRedFlags)
        #expect(Fixtures.answerKey(indicators: [alarm, flagged]).hasRedFlags)
        #expect(!Fixtures.answerKey(indicators: [alarm]).hasRedFlags)
        #expect(!Fixtures.answerKey(indicators: []).hasRedFlags)
    }

    @Test(arguments: RiskIndicator.allCases)
    func onlyTheRadiationAlarmWaitsForScreening(indicator: RiskIndicator) {
        #expect(indicator.stage == (indicator == .radiationAlarm ? .screening : .targeting))
    }

    @Test func answerKeyRoundTripsThroughJSON() throws {
        let key = Fixtures.answerKey()
        let data = try JSONEncoder().encode(key)
        #expect(try JSONDecoder().decode(AnswerKey.self, from: data) == key)
    }

    @Test func the64BitSeedSurvivesAsText() throws {
        let text = try encodeSorted(Fixtures.answerKey())
        #expect(text.contains(#""seed":"18446744073709551615""#))
    }
}
