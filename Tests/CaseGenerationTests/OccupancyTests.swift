import CargoModel
import CaseGeneration
import Foundation
import Testing

/// The occupancy check at the doors (issue 20, hazard procedures): a CO₂ probe and a heartbeat detector on every box
/// with an air space, readings that follow their model, and neither a rule: people raise the CO₂, and so does cargo
/// that breathes; the detector finds most people and now and then signals with nobody there.
@Suite struct OccupancyTests {
    struct Reading {
        var caseID: String
        var irregular: Bool
        var persons: Bool
        var family: ContainerType.Family
        var ppm: Int
        var ambient: Int
        var heartbeat: Bool
        var significant: Set<ObservationCode>
        var breathingGoods: Bool
    }

    static let readings: [Reading] = PropertyCourse.cases.compactMap { c, key -> Reading? in
        guard let exam = c.examination, let type = ContainerType.named(c.targeting.billOfLading.containerType) else {
            return nil
        }
        let doors = exam.observations.filter { $0.point == .doors }
        guard let co2 = doors.first(where: { $0.code == .doorsCarbonDioxideMeasured }) else { return nil }
        let goods = c.targeting.billOfLading.goods
        let breathing = goods.contains { line in
            let chapter = Int(line.hsCode.prefix(2)) ?? 0
            return [6, 7, 8, 9, 10, 12].contains(chapter) || line.hsCode.hasPrefix("1801")
                || line.hsCode.hasPrefix("4401")
        }
        return Reading(
            caseID: c.id, irregular: key.irregular, persons: key.threat == .persons, family: type.family,
            ppm: Int(co2.parameters["ppm"] ?? "") ?? -1, ambient: Int(co2.parameters["ambientPPM"] ?? "") ?? -1,
            heartbeat: doors.contains { $0.code == .doorsHeartbeatSignal },
            significant: Set(key.examination.significant.filter { $0.point == .doors }.map(\.code)),
            breathingGoods: breathing)
    }

    @Test func everyBoxWithAnAirSpaceGetsBothReadingsOnceAndTanksNone() throws {
        for (c, _) in PropertyCourse.cases {
            guard let exam = c.examination, let type = ContainerType.named(c.targeting.billOfLading.containerType)
            else { continue }
            let codes = exam.observations.filter { $0.point == .doors }.map(\.code)
            let co2 = codes.filter { $0 == .doorsCarbonDioxideMeasured }.count
            let heart = codes.filter { $0 == .doorsHeartbeatSignal || $0 == .doorsHeartbeatQuiet }.count
            if type.family == .tank {
                #expect(co2 == 0 && heart == 0, "\(c.id): a tank has no air space to probe")
            } else {
                #expect(co2 == 1 && heart == 1, "\(c.id): \(co2) CO₂ and \(heart) heartbeat lines")
            }
        }
        #expect(Self.readings.count > 1000)
    }

    @Test func readingsAreInTheProbesRangeAndAboveTheOpenAir() {
        for r in Self.readings {
            #expect((400...480).contains(r.ambient), "\(r.caseID): open air \(r.ambient) ppm")
            #expect(r.ppm >= r.ambient && r.ppm <= 50_000, "\(r.caseID): \(r.ppm) ppm against \(r.ambient)")
        }
    }

    /// A box of goods that do not breathe, with nobody in it, reads the open air (within the probe's 40 ppm).
    @Test func aBoxOfInertGoodsWithNobodyInsideReadsTheOpenAir() {
        let inert = Self.readings.filter { !$0.persons && !$0.breathingGoods }
        #expect(inert.count > 300)
        for r in inert { #expect(r.ppm - r.ambient <= 40, "\(r.caseID): \(r.ppm - r.ambient) ppm above the open air") }
    }

    /// People raise the CO₂ past the alert level in (nearly) every persons case, and the readings are significant
    /// there; breathing cargo raises it too in clean boxes, where the key explains it: evidence, not a rule.
    @Test func highCO2ComesFromPeopleAndFromBreathingCargo() throws {
        let persons = Self.readings.filter(\.persons)
        try #require(persons.count >= 10, "the property course has \(persons.count) persons cases")
        let alerted = persons.filter { $0.ppm - $0.ambient >= 300 }
        #expect(Double(alerted.count) >= 0.9 * Double(persons.count))
        for r in alerted { #expect(r.significant.contains(.doorsCarbonDioxideMeasured), "\(r.caseID)") }
        let cleanHigh = Self.readings.filter { !$0.irregular && $0.ppm - $0.ambient >= 300 }
        #expect(cleanHigh.count >= 20, "only \(cleanHigh.count) clean boxes read high")
        #expect(cleanHigh.allSatisfy { $0.breathingGoods })
        for r in cleanHigh {
            #expect(!r.significant.contains(.doorsCarbonDioxideMeasured), "\(r.caseID): a clean box's reading keyed")
        }
        let cleanReefers = cleanHigh.filter { $0.family == .reefer }
        #expect(!cleanReefers.isEmpty, "no clean reefer of produce reads high")
    }

    /// The detector finds most people and signals now and then with nobody there (rates from the catalogue: 0.8 and
    /// 0.04; binomial bounds wide enough for the course's counts).
    @Test func theHeartbeatDetectorIsEvidenceNotARule() throws {
        let persons = Self.readings.filter(\.persons)
        let others = Self.readings.filter { !$0.persons }
        let found = Double(persons.filter(\.heartbeat).count) / Double(persons.count)
        let falseAlarms = Double(others.filter(\.heartbeat).count) / Double(others.count)
        #expect(found > 0.55 && found < 0.97, "found \(found)")
        #expect(falseAlarms > 0.015 && falseAlarms < 0.07, "false alarms \(falseAlarms)")
        for r in persons where r.heartbeat { #expect(r.significant.contains(.doorsHeartbeatSignal), "\(r.caseID)") }
    }

    /// A clean key explains a high reading or a heartbeat signal as harmless, with its own explanation.
    @Test func cleanKeysExplainHighReadingsAndFalseAlarms() {
        var explained = 0
        for (c, key) in PropertyCourse.cases where !key.irregular {
            let doors = c.examination?.observations.filter { $0.point == .doors } ?? []
            guard let co2 = doors.first(where: { $0.code == .doorsCarbonDioxideMeasured }) else { continue }
            let high = (Int(co2.parameters["ppm"] ?? "") ?? 0) - (Int(co2.parameters["ambientPPM"] ?? "") ?? 0) >= 300
            let heard = doors.contains { $0.code == .doorsHeartbeatSignal }
            let explanations = key.rationale.filter { $0.code == .harmlessFinding }.compactMap {
                $0.parameters["explanation"]
            }
            if high {
                #expect(explanations.contains("respiringCargo"), "\(c.id): a high reading left unexplained")
                explained += 1
            }
            if heard {
                #expect(explanations.contains("heartbeatFalseAlarm"), "\(c.id): a false alarm left unexplained")
                explained += 1
            }
        }
        #expect(explained > 0)
    }
}
