import CargoModel
import CaseGeneration
import Testing

/// Seeded property loops: whatever the seed, a case is valid, physically and documentarily coherent,
/// and its key lists exactly what was planted.
@Suite struct CoherenceTests {
    static let cases: [(Scenario, GeneratedCase)] = {
        do { return try casesOfEveryScenario(count: 25, seed: 2026) } catch {
            fatalError("generation failed: \(error)")
        }
    }()

    @Test func everyScenarioGeneratesForEverySeed() {
        #expect(Self.cases.count == Scenario.allCases.count * 25)
        for (scenario, made) in Self.cases where made.key.scenario != scenario.rawValue {
            // A drawn case may fall back to another story only if its own cannot be told.
            Issue.record("scenario \(scenario.rawValue) produced \(made.key.scenario)")
        }
    }

    @Test func everyCaseValidates() {
        for (_, made) in Self.cases {
            let report = made.inspectionCase.validate()
            #expect(report.isValid, "\(made.inspectionCase.id): \(report.errors)")
            #expect(made.key.caseId == made.inspectionCase.id)
        }
    }

    @Test func goodsFitTheContainerAndTheVGMFitsTareAndCargo() {
        for (_, made) in Self.cases {
            let bl = made.inspectionCase.targeting.billOfLading
            let type = ContainerType.named(bl.containerType)!
            let what = "\(made.key.scenario) \(type.code) \(bl.goods.map { "\($0.packageCount) \($0.description.en)" })"
            let tare = bl.containerTareKG ?? type.tareKG
            let maxGross = made.inspectionCase.examination?.doorMarkings?.maxGrossKG ?? type.maxGrossKG
            #expect(bl.declaredCargoGrossKG + tare <= maxGross, "overweight: \(what)")
            #expect(bl.declaredVolumeM3 <= type.internalVolumeM3 * 1.02, "over volume: \(what)")
            let expected = Double(tare + bl.declaredCargoGrossKG)
            let departure = abs(Double(bl.vgm.kg) - expected) / expected
            let flagged = made.key.indicators.contains { $0.code == .vgmMismatch }
            #expect(flagged == (departure > 0.05), "\(made.key.scenario): VGM \(bl.vgm.kg) vs \(expected)")
            #expect(bl.vgm.kg <= type.maxGrossKG + type.maxGrossKG / 10)
            for line in bl.goods {
                #expect(line.netKG <= line.grossKG && line.netKG > 0)
                let commodity = Repository.catalog.commodities.first { $0.description.en == line.description.en }
                if let commodity, commodity.perishable {
                    #expect(type.family == .reefer, "perishables out of a reefer")
                }
                if let commodity { #expect(commodity.liquidBulk == (type.family == .tank)) }
            }
        }
    }

    @Test func routesAndDatesArePlausible() {
        let ports = Set(Repository.catalog.ports.map(\.locode))
        for (_, made) in Self.cases {
            let c = made.inspectionCase
            let bl = c.targeting.billOfLading
            let route = [bl.portOfLoading] + bl.transhipmentPorts + [bl.portOfDischarge]
            #expect(route.allSatisfy { ports.contains($0.locode) })
            #expect(Set(route.map(\.locode)).count == route.count, "a port visited twice: \(route.map(\.locode))")
            #expect(bl.portOfLoading.country != bl.portOfDischarge.country)
            #expect(bl.vgm.date <= bl.onBoard && bl.onBoard < bl.estimatedArrival)
            switch c.vantage {
            case .export:
                #expect(c.inspectionPort == bl.portOfLoading && c.inspectionDate <= bl.onBoard)
            case .import:
                #expect(c.inspectionPort == bl.portOfDischarge && c.inspectionDate >= bl.onBoard)
            case .transhipment:
                #expect(bl.transhipmentPorts.contains(c.inspectionPort) && c.inspectionDate >= bl.onBoard)
            }
            let times = c.targeting.sealLog.map(\.time)
            #expect(times == times.sorted(), "seal log out of order")
            #expect(c.targeting.sealLog.first?.event == .affixed)
            #expect(c.targeting.sealLog.first?.numberRead == c.targeting.seals.first?.number)
            #expect(c.targeting.sealLog.allSatisfy { ports.contains($0.place) })
        }
    }

    @Test func theContainerIsWhatItsNumberSays() throws {
        for (_, made) in Self.cases {
            let painted = made.inspectionCase.examination!.observations.first { $0.code == .containerNumberAsPainted }!
            let number = try ContainerNumber(parsing: painted.parameters["number"]!)
            let declared = made.inspectionCase.targeting.billOfLading.containerNumber
            let flagged = made.key.indicators.contains { $0.code == .invalidCheckDigit }
            #expect(flagged == ((try? ContainerNumber(parsing: declared)) == nil))
            if !flagged { #expect(declared == number.compact) }
            #expect(ContainerNumber.checkRemainder(for: String(number.compact.prefix(10))) != 10)
        }
    }

    @Test func keyIndicatorsAreExactlyWhatTheRulesReadInTheCase() {
        let detector = IndicatorDetector(catalog: Repository.catalog)
        for (_, made) in Self.cases {
            let found = detector.indicators(in: made.inspectionCase).map(\.0)
            #expect(made.key.indicators.map(\.code) == found, "\(made.key.scenario)")
            #expect(made.key.indicators.allSatisfy { $0.harmless == !made.key.irregular })
        }
    }

    @Test func plantedDiscrepanciesAreExactlyThoseTheKeyLists() {
        for (_, made) in Self.cases {
            let independent = DiscrepancyFinder.find(in: made.inspectionCase, catalog: Repository.catalog)
            let listed = Set(made.key.discrepancies.map(\.code))
            #expect(
                listed == independent, "\(made.key.scenario) seed \(made.key.seed): key \(listed) found \(independent)")
        }
    }

    @Test func theKeyIsConsistentWithItself() {
        let examinationPoints = Set(ExaminationPoint.allCases)
        for (_, made) in Self.cases {
            let key = made.key, c = made.inspectionCase
            #expect(Set(key.expectations.keys) == Set(c.stages))
            for (stage, expectation) in key.expectations {
                #expect(expectation.acceptable.contains(expectation.best))
                #expect(
                    expectation.acceptable.allSatisfy { Disposition.options(at: stage).contains($0) },
                    "\(key.scenario) \(stage): \(expectation.acceptable)")
                #expect(expectation.best != .referToAgency || expectation.agency != nil)
            }
            #expect(key.irregular == !key.anomalies.isEmpty)
            #expect(key.irregular == (key.threat != nil))
            #expect(!key.sealFindings.isEmpty)
            let observations = Set(c.examination!.observations)
            #expect(key.examination.significant.allSatisfy(observations.contains))
            #expect(Set(key.examination.essentialPoints).isSubset(of: examinationPoints))
            #expect(key.examination.essentialPoints.allSatisfy { c.examination!.points.contains($0) })
            #expect((1...5).contains(key.difficulty.level))
            #expect(key.difficulty.factors.allSatisfy { (0...1).contains($0.value) })
            #expect(!key.rationale.isEmpty)
            if key.irregular {
                #expect(key.expectations[.evidence]?.best != .release)
                #expect(
                    key.examination.significant.contains { $0.point != .seal } || key.anomalies[0].kind == .ripOnRipOff
                        || key.rationale.contains { $0.code == .examinationDidNotReach },
                    "an irregular case whose examination shows nothing: \(key.scenario)")
            } else {
                #expect(key.expectations[.evidence]?.best == .release)
            }
        }
    }

    @Test func anomaliesSitInTheContainer() {
        for (_, made) in Self.cases {
            let type = ContainerType.named(made.inspectionCase.targeting.billOfLading.containerType)!
            for anomaly in made.key.anomalies {
                let b = anomaly.box
                #expect(b.length > 0 && b.width > 0 && b.height > 0)
                #expect(
                    b.x >= -(type.endWallAllowanceMM + 400)
                        && b.x + b.length <= type.internalLengthMM + type.endWallAllowanceMM)
                #expect(b.y >= -100 && b.y + b.width <= type.internalWidthMM + 100)
                #expect(b.z >= -200 && b.z + b.height <= type.internalHeightMM)
                #expect(anomaly.massKG >= 0)
                if anomaly.kind == .reeferUnit || anomaly.kind == .reeferInsulation { #expect(type.family == .reefer) }
            }
        }
    }

    @Test func measurementsShowTheFalseWallAndTheLoweredRoof() {
        for (_, made) in Self.cases {
            let type = ContainerType.named(made.inspectionCase.targeting.billOfLading.containerType)!
            let observations = made.inspectionCase.examination!.observations
            guard let length = observations.first(where: { $0.code == .internalLengthMeasured }) else { continue }
            let inside = Int(length.parameters["insideMM"]!)!
            let deficit = type.internalLengthMM - inside
            if made.key.anomalies.first?.kind == .falseFrontWall {
                #expect(abs(deficit - made.key.anomalies[0].box.length) <= 10)
                #expect(deficit >= 240, "a false wall shorter than a hand's width")
            } else {
                #expect(abs(deficit) <= 10, "a tape reading off by \(deficit) mm with no false wall")
            }
        }
    }
}
