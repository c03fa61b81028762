import CargoModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Story {
    /// Assembles the trainee's case and the grader's key.
    mutating func finish() throws(GenerationError) -> GeneratedCase {
        let stages = self.stages
        let examination = ExaminationStage(observations: observations, seal: observedSeal, doorMarkings: box.markings)
        var inspectionCase = InspectionCase(
            id: caseId, generatorVersion: CaseGenerator.version, vantage: vantage,
            inspectionPort: inspectionPort.reference,
            inspectionDate: inspectionDate, stages: stages,
            targeting: TargetingStage(billOfLading: billOfLading, seals: [seal], sealLog: sealLog),
            screening: stages.contains(.screening) ? ScreeningStage(radiation: radiation, scans: []) : nil,
            examination: stages.contains(.examination) ? examination : nil,
            evidence: stages.contains(.evidence) ? EvidenceStage(replacementSealNumber: customsSealNumber()) : nil)

        // The key's indicators are what the targeting rules read in the documents.
        let withScreening = { () -> InspectionCase in
            var copy = inspectionCase
            copy.screening = ScreeningStage(radiation: radiation, scans: [])
            return copy
        }()
        let found = generator.detector.indicators(in: withScreening)
        let documentFlags = found.filter { $0.0.stage == .targeting }
        if redFlags == documentFlags.isEmpty {
            throw GenerationError(
                code: "generate.redFlags",
                message: redFlags
                    ? "The documents came out without the red flags asked for (scenario \(scenario.rawValue), seed \(seed))."
                    : "The documents show \(documentFlags.map(\.0.rawValue).joined(separator: ", ")) although clean papers were asked for (scenario \(scenario.rawValue), seed \(seed))."
            )
        }
        let indicators = found.filter { $0.0.stage == .targeting || stages.contains($0.0.stage) }
            .map { IndicatorPresence(code: $0.0, harmless: !irregular, evidence: $0.1) }
        let flagCodes = Set(documentFlags.map(\.0))

        var expectations: [Stage: StageExpectation] = [:]
        for stage in stages { expectations[stage] = expectation(at: stage, flags: flagCodes) }
        var evidenceSteps: [EvidenceStep] =
            irregular
            ? [
                .witnessPresent, .photographSealInPlace, .recordSealNumber, .cutSeal, .retainRemovedSeal,
                .photographInSitu,
            ]
                + (threat == .drugs || threat == .precursors ? [.sampleAndFieldTest] : [])
                + [.inventoryGoods, .completeCustodyForm, .affixNewSeal, .recordNewSealNumber]
            : [
                .photographSealInPlace, .recordSealNumber, .cutSeal, .retainRemovedSeal, .affixNewSeal,
                .recordNewSealNumber,
            ]
        // Hazards first (IAEA Nuclear Security Series No. 21; UNODC-WCO CCP): a radioactive source is isolated,
        // located and identified with a handheld from outside and handed to the regulator with the seal on; a NORM
        // alarm is resolved from outside and the box released sealed; people inside are let out at once, before the
        // seal is photographed.
        if threat == .radioactive {
            evidenceSteps = [
                .isolateArea, .locateWithHandheld, .witnessPresent, .photographSealInPlace, .recordSealNumber,
                .completeCustodyForm,
            ]
        } else if threat == .persons {
            evidenceSteps = [
                .cutSeal, .witnessPresent, .retainRemovedSeal, .photographInSitu, .completeCustodyForm, .affixNewSeal,
                .recordNewSealNumber,
            ]
        } else if scenario == .radiationNORM {
            evidenceSteps = [.locateWithHandheld, .photographSealInPlace, .recordSealNumber]
        }
        var essential = Set(significant.map(\.point))
        essential.insert(.seal)
        writeDiscrepancies()
        writeRationale(flags: documentFlags.map(\.0), expectations: expectations)
        let key = AnswerKey(
            caseId: caseId, generatorVersion: CaseGenerator.version, seed: String(seed), scenario: scenario.rawValue,
            irregular: irregular, threat: threat, difficulty: difficulty(flags: flagCodes), expectations: expectations,
            anomalies: anomalies, indicators: indicators, discrepancies: discrepancies,
            sealFindings: sealFindings.sorted(),
            examination: ExaminationKey(
                essentialPoints: ExaminationPoint.allCases.filter(essential.contains), significant: significant),
            evidenceSteps: evidenceSteps, rationale: rationale)
        inspectionCase.targeting.billOfLading = billOfLading
        return GeneratedCase(
            inspectionCase: inspectionCase, key: key,
            scene: Scene(
                containerType: containerType.code, bounds: Box3D(x: 0, y: 0, z: 0, length: 0, width: 0, height: 0),
                shapes: []))
    }

    private mutating func customsSealNumber() -> String {
        "CUS" + String(sealRandom.int(in: 1_000_000...9_999_999))
    }

    // MARK: Expected decisions

    private var sealOrIdentityFlags: Set<RiskIndicator> {
        [.sealNumberMismatch, .sealChangedWithoutRecord, .invalidCheckDigit]
    }

    private func expectation(at stage: Stage, flags: Set<RiskIndicator>) -> StageExpectation {
        let kind = anomalies.first?.kind
        switch stage {
        case .targeting:
            if !flags.isDisjoint(with: sealOrIdentityFlags) {
                return StageExpectation(best: .targetedExamination, acceptable: [.referForScan])
            }
            if !flags.isEmpty { return StageExpectation(best: .referForScan, acceptable: [.targetedExamination]) }
            if scenario == .aeoLowRisk { return StageExpectation(best: .release) }
            return StageExpectation(best: .release, acceptable: [.referForScan])
        case .screening:
            if scenario == .radiationNORM { return StageExpectation(best: .targetedExamination) }
            if kind == .radioactiveSource { return StageExpectation(best: .detain, acceptable: [.targetedExamination]) }
            if irregular {
                switch kind {
                case .withinLoad?, .misdeclaredGoods?, .undeclaredGoods?, .vehicleBehindCargo?, .weapons?,
                    .fullDeclaredEmpty?:
                    return StageExpectation(best: .fullDevanning, acceptable: [.targetedExamination, .detain])
                default:
                    return StageExpectation(best: .targetedExamination, acceptable: [.fullDevanning, .detain])
                }
            }
            if !flags.isDisjoint(with: sealOrIdentityFlags) { return StageExpectation(best: .targetedExamination) }
            if scenario == .nonCompliantSeal {
                return StageExpectation(best: .release, acceptable: [.targetedExamination])
            }
            return StageExpectation(best: .release)
        case .examination:
            if irregular, !examinationReached {
                // Nothing found at the points examined, but the scan's evidence is unexplained: devan in full.
                return StageExpectation(best: .fullDevanning, acceptable: [.detain])
            }
            return irregular
                ? StageExpectation(best: .detain, acceptable: [.fullDevanning]) : StageExpectation(best: .release)
        case .evidence:
            guard irregular, let threat else { return StageExpectation(best: .release) }
            if vantage == .transhipment, threat == .drugs {
                return StageExpectation(best: .alertDestinationPort, acceptable: [.detain, .controlledDelivery])
            }
            switch threat {
            case .drugs:
                return StageExpectation(
                    best: .detain, acceptable: [.referToAgency, .controlledDelivery], agency: .antiNarcotics)
            case .weapons, .explosives:
                return StageExpectation(best: .referToAgency, acceptable: [.detain], agency: .firearmsControl)
            case .radioactive:
                return StageExpectation(best: .referToAgency, acceptable: [.detain], agency: .nuclearRegulator)
            case .persons:
                return StageExpectation(best: .referToAgency, acceptable: [.detain], agency: .migration)
            case .precursors:
                return StageExpectation(best: .referToAgency, acceptable: [.detain], agency: .chemicalControl)
            case .vehicles:
                return StageExpectation(best: .referToAgency, acceptable: [.detain], agency: .police)
            case .cigarettes, .undeclaredGoods, .misdeclaredGoods, .currency:
                return StageExpectation(best: .detain, acceptable: [.referToAgency], agency: .revenue)
            }
        }
    }

    // MARK: Discrepancies

    private mutating func writeDiscrepancies() {
        var list: [Discrepancy] = []
        let bl = billOfLading!
        if let manifest = bl.sealNumbers.first, let last = sealLog.last, manifest != last.numberRead {
            list.append(
                Discrepancy(
                    code: .sealNumberManifestVersusLog, documentedIn: "targeting.billOfLading.sealNumbers[0]",
                    documented: manifest, observedIn: "targeting.sealLog[\(sealLog.count - 1)].numberRead",
                    observed: last.numberRead))
        }
        // The door's seal against its own record (a seal replaced on the way has no record among the seals to compare).
        let sameSeal = observedSeal.numberRead == seal.number
        if sameSeal, observedSeal.makerMark != seal.maker {
            list.append(
                Discrepancy(
                    code: .sealMaker, documentedIn: "targeting.seals[0].maker", documented: seal.maker,
                    observedIn: "examination.seal.makerMark", observed: observedSeal.makerMark))
        }
        let recordedFont = generator.catalog.sealMakers.first { $0.id == seal.maker }?.font ?? ""
        if sameSeal, observedSeal.font != recordedFont {
            list.append(
                Discrepancy(
                    code: .sealFont, documentedIn: "targeting.seals[0].maker", documented: recordedFont,
                    observedIn: "examination.seal.font", observed: observedSeal.font))
        }
        if let bolt = observedSeal.boltNumber, let bush = observedSeal.bushNumber, bolt != bush {
            list.append(
                Discrepancy(
                    code: .sealBoltVersusBush, documentedIn: "examination.seal.bushNumber", documented: bush,
                    observedIn: "examination.seal.boltNumber", observed: bolt))
        }
        if bl.containerNumber != container.compact {
            list.append(
                Discrepancy(
                    code: .containerCheckDigit, documentedIn: "targeting.billOfLading.containerNumber",
                    documented: bl.containerNumber, observedIn: "examination.doors.containerNumberAsPainted",
                    observed: container.compact))
        }
        let expectedVGM = box.tareKG + bl.declaredCargoGrossKG
        if abs(Double(bl.vgm.kg - expectedVGM)) / Double(expectedVGM) > IndicatorDetector.vgmTolerance {
            list.append(
                Discrepancy(
                    code: .vgmVersusDeclared, documentedIn: "targeting.billOfLading.vgm.kg", documented: "\(bl.vgm.kg)",
                    observedIn: "targeting.billOfLading.containerTareKG + goods.grossKG", observed: "\(expectedVGM)"))
        }
        if let line = bl.goods.first, let named = index.commodityByDescription[line.description.en],
            named.hsCode != line.hsCode
        {
            list.append(
                Discrepancy(
                    code: .hsCodeVersusDescription, documentedIn: "targeting.billOfLading.goods[0].hsCode",
                    documented: line.hsCode, observedIn: "targeting.billOfLading.goods[0].description",
                    observed: line.description.en))
        }
        // A tally that differs is a discrepancy whatever its cause (a tally error in a clean box, undeclared goods).
        let counted = observations.filter { $0.code == .loadExtraPackages && !significant.contains($0) }
        for observation in significant + counted {
            switch observation.code {
            case .internalLengthMeasured:
                list.append(
                    Discrepancy(
                        code: .internalLength, documentedIn: "containerType.internalLengthMM",
                        documented: "\(containerType.internalLengthMM)",
                        observedIn: "examination.frontWall.internalLengthMeasured",
                        observed: observation.parameters["insideMM"] ?? ""))
            case .internalHeightMeasured:
                list.append(
                    Discrepancy(
                        code: .internalHeight, documentedIn: "containerType.internalHeightMM",
                        documented: "\(containerType.internalHeightMM)",
                        observedIn: "examination.ceilingRoof.internalHeightMeasured",
                        observed: observation.parameters["insideMM"] ?? ""))
            case .loadDiffersFromManifest, .loadCartonsContainOtherGoods, .loadExtraPackages, .loadSpaceEmpty:
                if list.contains(where: { $0.code == .goodsVersusDeclaration || $0.code == .massVersusDeclaration }) {
                    break
                }
                let isMass = observation.code == .loadSpaceEmpty
                list.append(
                    Discrepancy(
                        code: isMass ? .massVersusDeclaration : .goodsVersusDeclaration,
                        documentedIn: "targeting.billOfLading.goods",
                        documented: bl.goods.first?.description.en ?? "empty",
                        observedIn: "examination.\(observation.point.rawValue).\(observation.code.rawValue)",
                        observed: observation.localizedParameters?["found"]?.en ?? observation.parameters["counted"]
                            ?? observation.code.rawValue))
            default: break
            }
        }
        discrepancies = list
    }

    // MARK: Rationale

    private mutating func writeRationale(flags: [RiskIndicator], expectations: [Stage: StageExpectation]) {
        var items: [RationaleItem] = []
        let bl = billOfLading!
        if !irregular {
            if scenario == .aeoLowRisk {
                items.append(
                    RationaleItem(
                        code: .trustedTraderRecord,
                        parameters: [
                            "programme": shipper.trustedTrader.rawValue, "years": "\(shipper.yearsTrading)",
                        ]))
            }
            for flag in flags {
                // The story's own explanation, else the evidence catalogue's first for the flag (a clean box from a
                // source region whose route no rule asked for still needs its reason written down).
                let specific: [RiskIndicator: Bool] = [
                    .invalidCheckDigit: planned.contains(.invalidCheckDigit),
                    .sealNumberMismatch: scenario == .sealNumberDiscrepancy,
                    .nonCompliantSealClass: scenario == .nonCompliantSeal || sealStory == .indicativeOnly,
                    .radiationAlarm: scenario == .radiationNORM,
                ]
                if specific[flag] == true { continue }
                if let explanation = explanations[flag]
                    ?? generator.catalog.evidence.indicator(flag)?.explanations.first
                {
                    items.append(
                        RationaleItem(
                            code: .harmlessRedFlag,
                            parameters: ["indicator": flag.rawValue, "explanation": explanation]))
                }
            }
            if scenario == .sealNumberDiscrepancy, let manifest = bl.sealNumbers.first {
                items.append(
                    RationaleItem(
                        code: .sealNumberClericalError, parameters: ["manifest": manifest, "seal": seal.number]))
            }
            if scenario == .nonCompliantSeal || sealStory == .indicativeOnly {
                items.append(
                    RationaleItem(
                        code: .sealClassNonCompliant,
                        parameters: ["found": seal.securityClass.rawValue, "required": "H"]))
            }
            if planned.contains(.invalidCheckDigit) {
                items.append(
                    RationaleItem(
                        code: .checkDigitClericalError,
                        parameters: ["declared": bl.containerNumber, "painted": container.compact]))
            }
            if scenario == .radiationNORM,
                let nuclide = significant.first(where: { $0.code == .radiationIsotopeIdentified })?.parameters[
                    "nuclide"]
            {
                items.append(
                    RationaleItem(
                        code: .naturalRadioactivity, parameters: ["nuclide": nuclide],
                        localizedParameters: ["goods": bl.goods.first?.description ?? LocalizedText(invariant: "")]))
            }
            let explainedPoints = Set(observations.filter { $0.code == .repairRecordOnFile }.map(\.point))
            for finding in incidental {
                let entry = generator.catalog.evidence.observations.first { $0.code == finding.code.rawValue }
                var explanation =
                    entry?.explanations.first
                    ?? [.doorsCarbonDioxideMeasured: "respiringCargo", .doorsHeartbeatSignal: "heartbeatFalseAlarm"][
                        finding.code] ?? "depotRepairOnRecord"
                if explanation == "depotRepairOnRecord", !explainedPoints.contains(finding.point) {
                    explanation = "depotRepairRecordMissing"
                }
                items.append(
                    RationaleItem(
                        code: .harmlessFinding,
                        parameters: [
                            "point": finding.point.rawValue, "observation": finding.code.rawValue,
                            "explanation": explanation,
                        ]))
            }
            // "All agree" only when nothing at all stands out; otherwise the items above explain each thing that does.
            let quiet =
                flags.isEmpty && incidental.isEmpty && Set(sealFindings).isSubset(of: [.intact])
                && !radiation.gammaAlarm
            items.append(RationaleItem(code: quiet ? .consistentShipment : .nothingHidden))
            rationale = items
            return
        }
        if flags.isEmpty { items.append(RationaleItem(code: .cleanPapersDoNotClear)) }
        let makers = generator.catalog.sealMakers
        switch sealStory {
        case .cloned:
            items.append(
                RationaleItem(
                    code: .sealCloned,
                    parameters: [
                        "expectedMaker": seal.maker, "foundMaker": observedSeal.makerMark,
                        "expectedFont": makers.first { $0.id == seal.maker }?.font ?? "",
                        "foundFont": observedSeal.font,
                    ]))
        case .boltBushMismatch:
            items.append(
                RationaleItem(
                    code: .sealBoltBushMismatch,
                    parameters: [
                        "bolt": observedSeal.boltNumber ?? "", "bush": observedSeal.bushNumber ?? "",
                    ]))
        case .changedAtTranshipment:
            items.append(
                RationaleItem(
                    code: .sealChangedWithoutRecord,
                    parameters: [
                        "port": via.first?.locode ?? "", "before": seal.number, "after": observedSeal.numberRead,
                    ]))
        case .tampered:
            let signs = significant.filter { [.sealToolMarks, .sealGlueOrPaint, .sealSpinsFreely].contains($0.code) }
                .map(\.code.rawValue)
            items.append(RationaleItem(code: .sealTampered, parameters: ["signs": signs.joined(separator: ",")]))
        case .indicativeOnly:
            items.append(
                RationaleItem(
                    code: .sealClassNonCompliant, parameters: ["found": seal.securityClass.rawValue, "required": "H"]))
        case .numberMismatch, .intact: break
        }
        if let bypass, sealFindings.contains(.bypassed) {
            items.append(RationaleItem(code: .sealBypassed, parameters: ["method": bypass.rawValue]))
        }
        if !examinationReached, let anomaly = anomalies.first, stages.contains(.examination) {
            items.append(RationaleItem(code: .examinationDidNotReach, parameters: ["kind": anomaly.kind.rawValue]))
        }
        if let anomaly = anomalies.first {
            if anomaly.kind == .ripOnRipOff {
                items.append(
                    RationaleItem(
                        code: .ripOnRipOff,
                        parameters: ["massKG": "\(anomaly.massKG)", "threat": anomaly.threat.rawValue]))
            }
            items.append(
                RationaleItem(
                    code: .concealmentLocated,
                    parameters: [
                        "kind": anomaly.kind.rawValue, "zone": anomaly.zone.rawValue, "threat": anomaly.threat.rawValue,
                        "massKG": "\(anomaly.massKG)",
                    ]))
        }
        for observation in significant {
            let code: RationaleCode? =
                switch observation.code {
                case .internalLengthMeasured: .lengthDeficit
                case .internalHeightMeasured: .heightDeficit
                default: nil
                }
            if let code {
                let inside = observation.parameters["insideMM"] ?? "0"
                let expected = code == .lengthDeficit ? containerType.internalLengthMM : containerType.internalHeightMM
                items.append(
                    RationaleItem(
                        code: code,
                        parameters: [
                            "insideMM": inside, "expectedMM": "\(expected)",
                            "differenceMM": "\(expected - (Int(inside) ?? expected))",
                        ]))
            }
        }
        let declaredText = bl.goods.first?.description ?? LocalizedText(invariant: "")
        let actualText = actualGoods?.description ?? LocalizedText(invariant: "")
        switch scenario {
        case .vgmMismatch:
            let expected = box.tareKG + bl.declaredCargoGrossKG
            items.append(
                RationaleItem(
                    code: .vgmDeparts,
                    parameters: [
                        "vgmKG": "\(bl.vgm.kg)", "expectedKG": "\(expected)",
                        "differencePercent": percent(Double(bl.vgm.kg - expected) / Double(expected)),
                    ]))
            items.append(
                RationaleItem(
                    code: .undeclaredGoodsFound,
                    localizedParameters: ["goods": goodsName(material: anomalies.first?.material ?? "")]))
        case .hsMismatch:
            let line = bl.goods.first
            items.append(
                RationaleItem(
                    code: .hsCodeDisagrees,
                    parameters: [
                        "hsCode": line?.hsCode ?? "",
                        "hsMeaning": generator.catalog.hsSubheadings[line?.hsCode ?? ""] ?? "",
                    ],
                    localizedParameters: ["description": declaredText]))
            items.append(
                RationaleItem(
                    code: .goodsDifferFromDeclaration,
                    localizedParameters: ["declared": declaredText, "actual": actualText]))
        case .vagueDescription:
            items.append(RationaleItem(code: .vagueDescriptionUsed, localizedParameters: ["description": declaredText]))
            items.append(
                RationaleItem(
                    code: .goodsDifferFromDeclaration,
                    localizedParameters: ["declared": declaredText, "actual": actualText]))
        case .circuitousRouting:
            items.append(RationaleItem(code: .circuitousRoute, parameters: ["route": generator.detector.routeText(bl)]))
        case .newConsignee:
            items.append(RationaleItem(code: .unknownConsignee, parameters: ["consignee": consignee.name]))
        case .reeferNonPerishable:
            items.append(RationaleItem(code: .reeferWithoutNeed, localizedParameters: ["goods": declaredText]))
        case .contaminatedExport:
            items.append(RationaleItem(code: .contaminatedExport, parameters: ["origin": origin.locode]))
        case .firearmsSouthbound:
            items.append(RationaleItem(code: .firearmsTrafficking, parameters: ["origin": origin.locode]))
        case .illicitCigarettes:
            items.append(RationaleItem(code: .cigarettesMisdeclared, localizedParameters: ["declared": declaredText]))
        case .precursorChemicals:
            items.append(
                RationaleItem(
                    code: .precursorUndeclared, parameters: ["table": actualGoods?.precursorTable ?? "II"],
                    localizedParameters: ["declared": declaredText, "actual": actualText]))
        case .radiationSource:
            let nuclide = significant.first { $0.code == .radiationIsotopeIdentified }?.parameters["nuclide"] ?? ""
            items.append(RationaleItem(code: .radioactiveSourceFound, parameters: ["nuclide": nuclide]))
        case .personsConcealed:
            let count = significant.first { $0.code == .loadPersonsFound }?.parameters["count"] ?? ""
            items.append(RationaleItem(code: .personsFound, parameters: ["count": count]))
        case .vehicleBehindCargo:
            items.append(RationaleItem(code: .vehicleHidden))
        case .emptyDeclaredFull:
            items.append(
                RationaleItem(code: .emptyDespiteManifest, parameters: ["declaredKG": "\(bl.declaredCargoGrossKG)"]))
        case .fullDeclaredEmpty:
            items.append(RationaleItem(code: .loadedDespiteManifest, parameters: ["estimatedKG": "\(actualCargoKG)"]))
        default: break
        }
        if stages.contains(.evidence) {
            // The custody order speaks of a removed seal; a radioactive source is handed over with the seal on.
            if threat != .radioactive { items.append(RationaleItem(code: .custodyOrder)) }
            if let final = expectations[.evidence] {
                if final.best == .alertDestinationPort {
                    items.append(RationaleItem(code: .alertDestination, parameters: ["port": discharge.locode]))
                }
                if let agency = final.agency, final.best == .referToAgency || final.acceptable.contains(.referToAgency)
                {
                    items.append(RationaleItem(code: .handToAgency, parameters: ["agency": agency.rawValue]))
                }
            }
        }
        rationale = items
    }

    // MARK: Difficulty

    private func difficulty(flags: Set<RiskIndicator>) -> Difficulty {
        let anomaly = anomalies.first
        var targetSize = 0.0
        if let anomaly {
            let share = max(1e-6, anomaly.box.volumeM3 / max(0.1, containerType.internalVolumeM3))
            targetSize = max(0, min(1, (-log10(share) - 0.5) / 3))
        }
        let sealSubtlety: Double =
            switch sealStory {
            case .cloned: observedSeal.makerMark == seal.maker ? 0.8 : 0.5
            case .boltBushMismatch: 0.4
            case .tampered: 0.6
            case .changedAtTranshipment: 0.2
            case .numberMismatch: 0.3
            case .indicativeOnly: 0.1
            case .intact: bypass == nil ? 0 : 0.9
            }
        let cargoVolume = declared.reduce(0.0) { $0 + Double($1.1) * $1.0.packageVolumeM3 }
        let clutter = min(1, cargoVolume / max(0.1, containerType.internalVolumeM3)) * (declared.count > 1 ? 1 : 0.8)
        // A concealment is hard to find when small, hidden, behind clean papers and a good seal copy;
        // a clean case is hard to clear when it carries red flags and a dense, cluttered load
        // (its difficulty is how readily it draws a false alarm). Same factors, other weights.
        let factors: [(DifficultyFactorCode, Double, Double)] = [
            (.targetSize, targetSize, irregular ? 0.25 : 0),
            (.obscuration, anomaly?.variation.obscuration ?? 0, irregular ? 0.2 : 0),
            (.cleanPapers, irregular && flags.isEmpty ? 1 : 0, irregular ? 0.2 : 0),
            (.misleadingFlags, irregular ? 0 : min(1, Double(flags.count) / 3), irregular ? 0 : 0.5),
            (.sealSubtlety, sealSubtlety, irregular ? 0.15 : 0.2),
            (.loadClutter, clutter, irregular ? 0.1 : 0.3),
            // Known only once the scan is rendered: see `AnswerKey.applyScanVisibility(floor:)`.
            (.lowContrast, 0, irregular ? AnswerKey.lowContrastWeight : 0),
        ]
        let score = factors.reduce(0) { $0 + $1.1 * $1.2 }
        let rounded = { (value: Double) in (value * 1000).rounded() / 1000 }
        return Difficulty(
            level: 1 + min(4, Int(score * 5)), score: rounded(score),
            factors: factors.map { DifficultyFactor(code: $0.0, value: rounded($0.1)) })
    }
}
