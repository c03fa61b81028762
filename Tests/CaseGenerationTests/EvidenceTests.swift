import CargoModel
import CaseGeneration
import Testing

/// Evidence, not rules (issue 20): every indicator and every examination sign shows in clean and in irregular cases,
/// keys explain what a clean case shows without contradicting themselves (issue 24), and the trainee-visible fields
/// of a large default course predict a concealment at a skilled officer's level, not with certainty.
@Suite struct EvidenceTests {
    /// Findings that are the concealment itself: when they are seen, the answer is seen, so they occur only in
    /// irregular cases. Everything else must occur in both classes.
    static let theConcealmentItself: Set<ObservationCode> = [
        .loadBagsBehindDoors, .loadDiffersFromManifest, .loadCartonsContainOtherGoods, .loadWallOfCargoHidesVehicle,
        .loadPersonsFound, .loadFirearmsInGoods, .loadSpaceEmpty, .sealBoltBushMismatch,
    ]

    @Test func everyIndicatorShowsInCleanAndInIrregularCases() {
        var byClass: [Bool: Set<RiskIndicator>] = [:]
        for (_, key) in PropertyCourse.cases {
            byClass[key.irregular, default: []].formUnion(key.indicators.map(\.code))
        }
        for code in RiskIndicator.allCases {
            #expect(byClass[false]?.contains(code) == true, "\(code) never shows in a clean case")
            #expect(byClass[true]?.contains(code) == true, "\(code) never shows in an irregular case")
        }
    }

    @Test func everyExaminationSignShowsInCleanAndInIrregularCases() {
        var byClass: [Bool: Set<ObservationCode>] = [:]
        for (c, key) in PropertyCourse.cases {
            byClass[key.irregular, default: []].formUnion((c.examination?.observations ?? []).map(\.code))
        }
        for code in ObservationCode.allCases where !Self.theConcealmentItself.contains(code) {
            #expect(byClass[false]?.contains(code) == true, "\(code) never shows in a clean case")
            #expect(byClass[true]?.contains(code) == true, "\(code) never shows in an irregular case")
        }
    }

    /// Issue 24: a seal-number discrepancy key said both "a clerical error" and "documents, seal record, seal and
    /// container all agree". A clean key says "all agree" only when nothing stands out; every flag of a clean case is
    /// explained; an irregular key never clears.
    @Test func everyKeysRationaleAgreesWithItsOwnFindings() {
        var failures: [String] = []
        // The rationale codes that explain a flag of a clean case, beside harmlessRedFlag.
        let dedicated: [RiskIndicator: RationaleCode] = [
            .sealNumberMismatch: .sealNumberClericalError, .nonCompliantSealClass: .sealClassNonCompliant,
            .invalidCheckDigit: .checkDigitClericalError, .radiationAlarm: .naturalRadioactivity,
        ]
        for (c, key) in PropertyCourse.cases {
            let codes = key.rationale.map(\.code)
            let agrees = codes.contains(.consistentShipment)
            if key.irregular {
                if agrees || codes.contains(.nothingHidden) || codes.contains(.harmlessRedFlag) {
                    failures.append("\(c.id): irregular, yet its rationale clears it")
                }
                let devanned = key.expectations[.examination]?.best == .fullDevanning
                if devanned != codes.contains(.examinationDidNotReach), key.expectations[.examination] != nil {
                    failures.append(
                        "\(c.id): examination keyed \(String(describing: key.expectations[.examination]?.best)) "
                            + "but the rationale says \(codes.contains(.examinationDidNotReach) ? "" : "not ")unreached"
                    )
                }
                continue
            }
            if codes.contains(.consistentShipment) == codes.contains(.nothingHidden) {
                failures.append("\(c.id): clean, needs exactly one of consistentShipment and nothingHidden")
            }
            let standsOut =
                !key.indicators.isEmpty || key.sealFindings.contains { $0 != .intact }
                || codes.contains(.harmlessFinding) || codes.contains(.sealNumberClericalError)
            if agrees && standsOut {
                failures.append(
                    "\(c.id): says all agree, yet shows \(key.indicators.map(\.code.rawValue)) "
                        + "\(key.sealFindings.map(\.rawValue)) \(codes.map(\.rawValue))")
            }
            for indicator in key.indicators.map(\.code) {
                let explained = key.rationale.contains {
                    ($0.code == .harmlessRedFlag && $0.parameters["indicator"] == indicator.rawValue)
                        || $0.code == dedicated[indicator]
                }
                if !explained { failures.append("\(c.id): clean, but \(indicator) is left unexplained") }
            }
            for item in key.rationale where item.code == .sealNumberClericalError {
                if item.parameters["manifest"] == item.parameters["seal"] {
                    failures.append("\(c.id): a clerical error between equal numbers")
                }
            }
            // Every incidental finding the trainee can see at the points is explained.
            let explainedPoints = Set(
                key.rationale.filter { $0.code == .harmlessFinding }.compactMap { $0.parameters["point"] })
            let incidentalSigns: Set<ObservationCode> = [
                .frontWallFreshPaint, .floorBoardsReplaced, .ceilingPanelNew, .hingePinsReplaced, .loadChemicalOdour,
                .sealToolMarks, .sealGlueOrPaint,
            ]
            for observation in c.examination?.observations ?? [] where incidentalSigns.contains(observation.code) {
                if !explainedPoints.contains(observation.point.rawValue) {
                    failures.append("\(c.id): clean, but \(observation.code) at \(observation.point) is unexplained")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) keys contradict themselves, e.g. \(failures.prefix(5))")
    }

    /// Issue 20, item 5: a radioactive source is cordoned off, located and identified with a handheld from outside and
    /// handed to the regulator with the seal on and the packages closed; a NORM alarm is resolved from outside with the
    /// handheld; people inside are let out before anything else.
    @Test func hazardCasesKeyTheProceduresTheirRationalesDescribe() {
        for (c, key) in PropertyCourse.cases where key.expectations[.evidence] != nil {
            let steps = key.evidenceSteps
            if key.threat == .radioactive {
                #expect(!steps.contains(.cutSeal) && !steps.contains(.inventoryGoods), "\(c.id): \(steps)")
                // People are kept back and the source found from outside before anything else is done at the box.
                #expect(Array(steps.prefix(2)) == [.isolateArea, .locateWithHandheld], "\(c.id): \(steps)")
                #expect(!key.rationale.contains { $0.code == .custodyOrder }, "\(c.id)")
                #expect(key.expectations[.evidence]?.agency == .nuclearRegulator, "\(c.id)")
            }
            if key.scenario == "radiationNORM" {
                #expect(!steps.contains(.cutSeal) && steps.first == .locateWithHandheld, "\(c.id): \(steps)")
            }
            if key.threat != .radioactive, key.scenario != "radiationNORM" {
                #expect(!steps.contains(.isolateArea) && !steps.contains(.locateWithHandheld), "\(c.id): \(steps)")
            }
            if key.threat == .persons { #expect(steps.first == .cutSeal, "\(c.id): \(steps)") }
        }
    }

    /// The examination's lines say nothing by their number: clean and irregular cases have about as many.
    @Test func theNumberOfObservationLinesSaysLittleAboutTheAnswer() {
        func mean(_ irregular: Bool) -> Double {
            let counts = PropertyCourse.cases.filter {
                $0.key.irregular == irregular && $0.inspectionCase.examination != nil
            }
            .map { Double($0.inspectionCase.examination!.observations.count) }
            return counts.reduce(0, +) / Double(max(1, counts.count))
        }
        #expect(abs(mean(true) - mean(false)) < 1.0, "irregular \(mean(true)) lines, clean \(mean(false))")
    }

    /// The figures `cargosim predictiveness` reports, on the property course (1,500 cases of the default mix): papers
    /// alone better than chance and within the aim (0.75); papers and examination clearly below certainty (0.9).
    @Test func theTraineeVisibleFieldsPredictAtAnOfficersLevelNotWithCertainty() {
        let measure = Predictiveness(
            cases: PropertyCourse.cases.map { ($0.inspectionCase, irregular: $0.key.irregular) },
            catalog: Repository.catalog)
        let papers = measure.figure(.papers)!.auc
        let examined = measure.figure(.papersAndExamination)!.auc
        #expect(papers > 0.55 && papers < EvidenceBounds.papers, "papers alone: AUC \(papers)")
        #expect(
            examined > papers && examined < EvidenceBounds.papersAndExamination, "papers + examination: \(examined)")
    }
}

/// The highest AUCs the property course may reach: a little above what 1.10.0 reaches on it (papers 0.717, papers and
/// examination 0.887; docs/case-realism.md), so that a change that makes the fields predict more fails here.
enum EvidenceBounds {
    static let papers = 0.73
    static let papersAndExamination = 0.90
}
