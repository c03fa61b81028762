import CargoModel

/// Valid values shared by the tests; each test breaks one thing at a time.
enum Fixtures {
    static let day0 = CalendarDate(year: 2026, month: 3, day: 2)

    static func party(_ name: String, city: String, country: String) -> Party {
        Party(
            name: name, city: city, country: country, trustedTrader: .aeo, yearsTrading: 12,
            shipmentsLast12Months: 40)
    }

    static func goodsLine(hsCode: String = "080390", grossKG: Int = 18_500, netKG: Int = 17_200) -> GoodsLine {
        GoodsLine(
            hsCode: hsCode,
            description: LocalizedText(en: "Fresh bananas", es: "Bananas frescas", pt: "Bananas frescas"),
            packageCount: 1_080, packageKind: .cartons, grossKG: grossKG, netKG: netKG, volumeM3: 58.32,
            marks: "CHIQUITA 18.14KG")
    }

    static func billOfLading() -> BillOfLading {
        BillOfLading(
            number: "HLCUGYE260312345", issued: day0,
            shipper: party("Exportadora Bananera del Pacifico S.A.", city: "Guayaquil", country: "EC"),
            consignee: party("Fruchthandel Nord GmbH", city: "Hamburg", country: "DE"),
            notifyParty: nil, carrier: "Hapag-Lloyd", carrierSCAC: "HLCU", vessel: "Cap San Lorenzo", voyage: "612N",
            placeOfReceipt: PortRef(locode: "ECGYE", name: "Guayaquil"),
            portOfLoading: PortRef(locode: "ECGYE", name: "Guayaquil"),
            transhipmentPorts: [
                PortRef(locode: "PAONX", name: "Manzanillo"), PortRef(locode: "ESALG", name: "Algeciras"),
            ],
            portOfDischarge: PortRef(locode: "DEHAM", name: "Hamburg"),
            placeOfDelivery: PortRef(locode: "DEHAM", name: "Hamburg"),
            onBoard: day0.adding(days: 1), estimatedArrival: day0.adding(days: 22),
            freightTerms: .prepaid, freightPayment: .bankTransfer,
            containerNumber: "CSQU3054383", containerType: "45R1", sealNumbers: ["EU1234567", "HL7788990"],
            goods: [goodsLine(), goodsLine(hsCode: "080300", grossKG: 2_000, netKG: 1_800)],
            vgm: VerifiedGrossMass(method: .method1, kg: 25_300, signatory: "M. Andrade", date: day0),
            shippersLoadAndCount: true,
            amendments: [
                ManifestAmendment(
                    field: "consignee", filedAt: Instant(date: day0.adding(days: 20), hour: 9),
                    hoursBeforeArrival: 36)
            ])
    }

    /// The seal record matching the bill of lading's seal numbers.
    static func seals() -> [Seal] {
        [
            Seal(number: "EU1234567", securityClass: .highSecurity, kind: .bolt, maker: "TYDEN"),
            Seal(number: "HL7788990", securityClass: .highSecurity, kind: .cable, maker: "MEGAFORTRIS"),
        ]
    }

    static func sealLog() -> [SealLogEntry] {
        [
            SealLogEntry(
                event: .affixed, actor: .packer, place: "ECGYE", time: Instant(date: day0, hour: 7, minute: 30),
                numberRead: "EU1234567", check: nil, recordedBy: "Empacadora Sur"),
            SealLogEntry(
                event: .verified, actor: .terminal, place: "ECGYE", time: Instant(date: day0, hour: 15),
                numberRead: "EU1234567", check: .passed, recordedBy: "GATE-17"),
        ]
    }

    /// A case holding exactly the stages listed (the matching stage values present, the others absent).
    static func inspectionCase(stages: [Stage] = Stage.allCases, id: String = "C-7f3a91") -> InspectionCase {
        InspectionCase(
            id: id, generatorVersion: "1.0.0", vantage: .import,
            inspectionPort: PortRef(locode: "DEHAM", name: "Hamburg"),
            inspectionDate: day0.adding(days: 23), stages: stages,
            targeting: TargetingStage(billOfLading: billOfLading(), seals: seals(), sealLog: sealLog()),
            screening: stages.contains(.screening) ? screeningStage() : nil,
            examination: stages.contains(.examination) ? examinationStage() : nil,
            evidence: stages.contains(.evidence) ? EvidenceStage(replacementSealNumber: "DE0042117") : nil)
    }

    static func screeningStage() -> ScreeningStage {
        ScreeningStage(
            radiation: RadiationReading(
                gammaCountsPerSecond: 310, backgroundCountsPerSecond: 300,
                gammaAlarm: false, neutronAlarm: false),
            scans: [
                ScanReference(
                    file: "scan.png", profile: "linac-6MeV", widthPixels: 2_400,
                    heightPixels: 580, pixelPitchMM: 5.08)
            ])
    }

    static func examinationStage() -> ExaminationStage {
        ExaminationStage(
            observations: [
                Observation(point: .seal, code: .sealAsFound),
                Observation(
                    point: .frontWall, code: .internalLengthMeasured,
                    parameters: ["insideMM": "11583", "outsideMM": "12192"]),
                Observation(point: .reeferUnit, code: .reeferRunningAtSetPoint, parameters: ["setPointC": "13.3"]),
                Observation(point: .frontWall, code: .noIrregularity),
            ],
            seal: ObservedSeal(
                numberRead: "EU1234567", kind: .bolt, securityClass: .highSecurity, makerMark: "TYDEN",
                boltNumber: "EU1234567", bushNumber: "EU1234567", font: "laser-dot", check: .passed))
    }

    static func decision(
        _ stage: Stage, _ disposition: Disposition, agency: Agency? = nil,
        shownMinute: Int = 0, decidedMinute: Int = 2
    ) -> Decision {
        let start = Instant(date: day0.adding(days: 23), hour: 10)
        return Decision(
            stage: stage, disposition: disposition, agency: agency, shownAt: start.adding(minutes: shownMinute),
            decidedAt: start.adding(minutes: decidedMinute), clock: .server)
    }

    static func attempt() -> Attempt {
        var screening = decision(.screening, .targetedExamination, shownMinute: 3, decidedMinute: 5)
        screening.markedRegions = [
            MarkedRegion(scan: "scan.png", shape: .rectangle(x: 1_810, y: 120.5, width: 220, height: 310)),
            MarkedRegion(
                scan: "scan.png",
                shape: .polygon(points: [
                    PixelPoint(x: 4, y: 5), PixelPoint(x: 40, y: 9),
                    PixelPoint(x: 22, y: 60),
                ])),
            MarkedRegion(
                scan: "scan-high.png", shape: .ellipse(centerX: 600, centerY: 300, radiusX: 50, radiusY: 25.25)),
            MarkedRegion(scan: "scan-high.png", shape: .point(x: 12, y: 13)),
        ]
        var targeting = decision(.targeting, .referForScan)
        targeting.flaggedIndicators = [.sealNumberMismatch, .lateAmendment]
        var examination = decision(.examination, .detain, shownMinute: 6, decidedMinute: 30)
        examination.sealFindings = [.numberMismatch, .tampered]
        examination.examinedPoints = [.seal, .doors, .loadDoorEnd]
        var evidence = decision(.evidence, .referToAgency, agency: .antiNarcotics, shownMinute: 31, decidedMinute: 45)
        evidence.evidenceSteps = [.witnessPresent, .photographSealInPlace, .recordSealNumber, .cutSeal]
        evidence.clock = .client
        return Attempt(
            caseId: "C-7f3a91", courseHash: "sha256:9c0f", traineeId: "T-0042", mode: .training,
            decisions: [targeting, screening, examination, evidence])
    }

    static func answerKey(
        expectations: [Stage: StageExpectation]? = nil,
        indicators: [IndicatorPresence]? = nil
    ) -> AnswerKey {
        AnswerKey(
            caseId: "C-7f3a91", generatorVersion: "1.0.0", seed: "18446744073709551615", scenario: "ripOnRipOff",
            irregular: true, threat: .drugs,
            difficulty: Difficulty(level: 3, score: 0.55, factors: [DifficultyFactor(code: .sealSubtlety, value: 0.7)]),
            expectations: expectations ?? [
                .targeting: StageExpectation(best: .referForScan, acceptable: [.targetedExamination]),
                .screening: StageExpectation(best: .targetedExamination),
                .examination: StageExpectation(best: .detain),
                .evidence: StageExpectation(best: .referToAgency, agency: .antiNarcotics),
            ],
            anomalies: [
                Anomaly(
                    id: "A1", kind: .ripOnRipOff, zone: .doorEnd, threat: .drugs,
                    box: Box3D(x: 11_000, y: 100, z: 0, length: 500, width: 2_000, height: 600),
                    material: "cocaine-hydrochloride", massKG: 180,
                    variation: ProjectionVariation(rotationDegrees: 5, densityFactor: 1.1, obscuration: 0.2))
            ],
            indicators: indicators ?? [
                IndicatorPresence(
                    code: .sealNumberMismatch, harmless: false,
                    evidence: ["manifest": "EU1234567", "log": "EU1234576"])
            ],
            discrepancies: [
                Discrepancy(
                    code: .sealNumberManifestVersusLog, documentedIn: "billOfLading.sealNumbers[0]",
                    documented: "EU1234567", observedIn: "sealLog[1].numberRead", observed: "EU1234576")
            ],
            sealFindings: [.numberMismatch],
            examination: ExaminationKey(
                essentialPoints: [.seal, .loadDoorEnd],
                significant: [Observation(point: .loadDoorEnd, code: .loadBagsBehindDoors)]),
            evidenceSteps: [.witnessPresent, .photographSealInPlace, .cutSeal],
            rationale: [RationaleItem(code: .ripOnRipOff, parameters: ["massKG": "180", "threat": "drugs"])])
    }
}

/// The `debugDescription` a `DecodingError` carries, whatever its case.
func decodingMessage(_ error: any Error) -> String? {
    switch error as? DecodingError {
    case let .dataCorrupted(context)?: context.debugDescription
    case let .keyNotFound(_, context)?: context.debugDescription
    case let .typeMismatch(_, context)?: context.debugDescription
    case let .valueNotFound(_, context)?: context.debugDescription
    default: nil
    }
}
