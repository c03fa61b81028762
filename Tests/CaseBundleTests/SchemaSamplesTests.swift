import CargoModel
import CaseBundle
import Foundation
import Testing

/// Hand-built model values for the schema, writer, reader and validator tests.
///
/// `fullCase(variant:)` and `fullKey(caseId:variant:)` fill every optional field and every list; across
/// the variants (`0..<Samples.variantCount`) and the lists, every case of every enum appears somewhere.
/// `minimalCase` and `minimalKey` leave every optional nil and every list empty that may be.
enum Samples {
    /// Enough variants that single-valued enums (Vantage, SealKind, ...) take each of their values once.
    static let variantCount = 4

    static let date = CalendarDate(year: 2026, month: 3, day: 14)
    static let instant = Instant(date: date, hour: 9, minute: 30, second: 15)

    static func pick<T: CaseIterable>(_ variant: Int, _ type: T.Type = T.self) -> T where T.AllCases.Index == Int {
        T.allCases[variant % T.allCases.count]
    }

    static func port(_ locode: String, _ name: String) -> PortRef { PortRef(locode: locode, name: name) }

    static func party(_ name: String, _ status: TrustedTraderStatus) -> Party {
        Party(
            name: name, city: "Callao", country: "PE", trustedTrader: status, yearsTrading: 12,
            shipmentsLast12Months: 40, isFreightForwarder: status == .none)
    }

    static func fullCase(id: String = "K7Q2-9XTA", variant: Int = 0) -> InspectionCase {
        let goods = PackageKind.allCases.enumerated().map { i, kind in
            GoodsLine(
                hsCode: "0803\(10 + i)",
                description: LocalizedText(en: "Bananas", es: "Bananos", pt: "Bananas", fr: "Bananes"),
                packageCount: 10 + i, packageKind: kind, grossKG: 1000 + i, netKG: 900, volumeM3: 1.25,
                marks: "N/M",
                dangerousGoods: DangerousGoods(
                    unNumber: "UN1294", properShippingName: "TOLUENE", hazardClass: "3", packingGroup: "II"),
                permit: "US-PEN-2026-00417")
        }
        let bill = BillOfLading(
            number: "MAEU240001234", issued: date.adding(days: variant % 2 == 0 ? -18 : -20),
            shipper: party("Exportadora Andina SAC", .aeo), consignee: party("Fresh Fruit Imports BV", .none),
            notifyParty: party("Rotterdam Notify BV", .ctpat), carrier: "Maersk", carrierSCAC: "MAEU",
            vessel: "MAERSK SELETAR", voyage: "412N", placeOfReceipt: port("PELIM", "Lima"),
            portOfLoading: port("PECLL", "Callao"),
            transhipmentPorts: [port("PAMIT", "Manzanillo"), port("ESALG", "Algeciras")],
            portOfDischarge: port("NLRTM", "Rotterdam"), placeOfDelivery: port("NLRTM", "Rotterdam"),
            onBoard: date.adding(days: -18), estimatedArrival: date.adding(days: -1),
            freightTerms: pick(variant), freightPayment: pick(variant),
            containerNumber: "CSQU3054383", containerType: "45R1", sealNumbers: ["ML1234567", "CUS998877"],
            goods: goods,
            vgm: VerifiedGrossMass(
                method: pick(variant), kg: 29_500, signatory: "J. Quispe", date: date.adding(days: -19)),
            shippersLoadAndCount: true,
            amendments: [
                ManifestAmendment(field: "consignee", filedAt: instant.adding(minutes: -600), hoursBeforeArrival: 10)
            ], kind: pick(variant),
            reefer: ReeferInstruction(nonOperating: false, setPointC: 13.3, ventilationM3h: 25), containerTareKG: 4_790)
        let seals = SealClass.allCases.flatMap { securityClass in
            // Every class and every kind, in the combinations ISO 17712 allows (a strip seal is class I only).
            SealKind.allCases.filter { $0 != .indicative || securityClass == .indicative }.map { kind in
                Seal(number: "ML1234567", securityClass: securityClass, kind: kind, maker: "mega-fortis")
            }
        }
        let log = (0..<max(SealEvent.allCases.count, SealActor.allCases.count)).map { i in
            SealLogEntry(
                event: pick(i), actor: pick(i), place: "PECLL", time: instant.adding(minutes: -10_000 + i),
                numberRead: "ML1234567",
                check: i.isMultiple(of: 2) ? .passed : VVTTCheck(view: false, verify: true, tug: true, twist: false),
                recordedBy: "gate-\(i)")
        }
        let observations = ObservationCode.allCases.enumerated().map { i, code in
            Observation(
                point: pick(i), code: code, parameters: i == 0 ? ["insideMM": "11583", "expectedMM": "11583"] : [:])
        }
        return InspectionCase(
            id: id, generatorVersion: "0.1.0", vantage: pick(variant), inspectionPort: port("NLRTM", "Rotterdam"),
            inspectionDate: date, stages: Stage.allCases,
            targeting: TargetingStage(billOfLading: bill, seals: seals, sealLog: log),
            screening: ScreeningStage(
                radiation: RadiationReading(
                    gammaCountsPerSecond: 410, backgroundCountsPerSecond: 380, gammaAlarm: variant == 1,
                    neutronAlarm: false),
                scans: [
                    ScanReference(
                        file: "scan.png", profile: "linac-6mv", widthPixels: 2800, heightPixels: 640, pixelPitchMM: 4.5),
                    ScanReference(
                        file: "scan-high.png", profile: "linac-6mv", widthPixels: 2800, heightPixels: 640,
                        pixelPitchMM: 4.5),
                ]),
            examination: ExaminationStage(
                observations: observations,
                seal: ObservedSeal(
                    numberRead: "ML1234567", kind: pick(variant), securityClass: pick(variant),
                    makerMark: "mega-fortis",
                    boltNumber: "ML1234567", bushNumber: "ML1234567", font: "laser-dot", check: .passed),
                doorMarkings: DoorMarkings(
                    maxGrossKG: 34_000, tareKG: 4_790, payloadKG: 29_210, cubicCapacityM3: 67.9,
                    cscPlate: CSCPlate(
                        approvalReference: "CN-CCS/4411/2016", manufactured: "2016-04", manufacturerNumber: "CX4471902",
                        maxOperatingGrossKG: 34_000, allowableStackingKG: 192_000, transverseRackingKG: 15_240,
                        examination: "ACEP/CN/CCS/21/2012"))),
            evidence: EvidenceStage(replacementSealNumber: "CUS000123"))
    }

    static func minimalCase(id: String = "M1N1") -> InspectionCase {
        let bill = BillOfLading(
            number: "B1", issued: date, shipper: party("S", .none), consignee: party("C", .none), notifyParty: nil,
            carrier: "Carrier", carrierSCAC: "ABCD", vessel: "V", voyage: "1", placeOfReceipt: port("PECLL", "Callao"),
            portOfLoading: port("PECLL", "Callao"), transhipmentPorts: [], portOfDischarge: port("USMIA", "Miami"),
            placeOfDelivery: port("USMIA", "Miami"), onBoard: date, estimatedArrival: date, freightTerms: .prepaid,
            freightPayment: .account, containerNumber: "MSKU1234560", containerType: "22G1", sealNumbers: [], goods: [],
            vgm: VerifiedGrossMass(method: .method1, kg: 2230, signatory: "X", date: date), shippersLoadAndCount: false,
            amendments: [])
        return InspectionCase(
            id: id, generatorVersion: "0.1.0", vantage: .import, inspectionPort: port("USMIA", "Miami"),
            inspectionDate: date, stages: [.targeting],
            targeting: TargetingStage(billOfLading: bill, seals: [], sealLog: []),
            screening: nil, examination: nil, evidence: nil)
    }

    static func fullKey(caseId: String = "K7Q2-9XTA", variant: Int = 0) -> AnswerKey {
        var expectations: [Stage: StageExpectation] = [:]
        for (j, stage) in Stage.allCases.enumerated() {
            expectations[stage] = StageExpectation(
                best: pick(j), acceptable: j == 0 ? Disposition.allCases : [],
                agency: pick(variant * Stage.allCases.count + j))
        }
        let anomalies = AnomalyKind.allCases.enumerated().map { i, kind in
            Anomaly(
                id: "A\(i + 1)", kind: kind, zone: pick(i), threat: pick(i),
                box: Box3D(x: -300 + i, y: 100, z: -120, length: 600, width: 400, height: 300),
                material: "cocaine-hydrochloride",
                massKG: 40 + i,
                variation: ProjectionVariation(rotationDegrees: 15, densityFactor: 1.1, obscuration: 0.25))
        }
        return AnswerKey(
            caseId: caseId, generatorVersion: "0.1.0", seed: "18446744073709551615", scenario: "ripOnRipOff",
            irregular: true,
            threat: pick(variant),
            difficulty: Difficulty(
                level: 3, score: 0.55,
                factors: DifficultyFactorCode.allCases.map { DifficultyFactor(code: $0, value: 0.5) }),
            expectations: expectations, anomalies: anomalies,
            indicators: RiskIndicator.allCases.enumerated().map { i, code in
                IndicatorPresence(
                    code: code, harmless: i.isMultiple(of: 2), evidence: ["declaredKG": "24000", "vgmKG": "29500"])
            },
            discrepancies: DiscrepancyCode.allCases.map {
                Discrepancy(
                    code: $0, documentedIn: "billOfLading.sealNumbers[0]", documented: "ML1234567",
                    observedIn: "examination.seal", observed: "ML1234576")
            },
            sealFindings: SealFinding.allCases,
            examination: ExaminationKey(
                essentialPoints: ExaminationPoint.allCases,
                significant: [Observation(point: .seal, code: .sealToolMarks, parameters: ["tool": "pliers"])]),
            evidenceSteps: EvidenceStep.allCases,
            rationale: RationaleCode.allCases.map { RationaleItem(code: $0, parameters: ["massKG": "40"]) })
    }

    static func minimalKey(caseId: String = "M1N1") -> AnswerKey {
        AnswerKey(
            caseId: caseId, generatorVersion: "0.1.0", seed: "7", scenario: "clean", irregular: false, threat: nil,
            difficulty: Difficulty(level: 1, score: 0, factors: []),
            expectations: [.targeting: StageExpectation(best: .release)], anomalies: [], indicators: [],
            discrepancies: [], sealFindings: [], examination: ExaminationKey(essentialPoints: [], significant: []),
            evidenceSteps: [], rationale: [])
    }

    /// One decision per disposition, cycling stages, agencies, clocks and shapes; the first fills every list.
    static func decisions() -> [Decision] {
        let shapes: [RegionShape] = [
            .rectangle(x: 10, y: 20, width: 30.5, height: 40),
            .ellipse(centerX: 100, centerY: 50, radiusX: 12, radiusY: 8.25),
            .polygon(points: [PixelPoint(x: 0, y: 0), PixelPoint(x: 10, y: 0), PixelPoint(x: 5, y: 9.5)]),
            .point(x: 1200.5, y: 300),
        ]
        return Disposition.allCases.enumerated().map { i, disposition in
            Decision(
                stage: pick(i), disposition: disposition, agency: i.isMultiple(of: 2) ? nil : pick(i),
                shownAt: instant, decidedAt: instant.adding(minutes: 2), clock: pick(i),
                markedRegions: i == 0 ? shapes.map { MarkedRegion(scan: "scan.png", shape: $0) } : [],
                flaggedIndicators: i == 0 ? RiskIndicator.allCases : [],
                sealFindings: i == 0 ? SealFinding.allCases : [],
                examinedPoints: i == 0 ? ExaminationPoint.allCases : [],
                evidenceSteps: i == 0 ? EvidenceStep.allCases : [])
        }
            + Agency.allCases.map { agency in
                Decision(
                    stage: .evidence, disposition: .referToAgency, agency: agency, shownAt: instant, decidedAt: instant,
                    clock: .server)
            }
    }

    static func attempts() -> [Attempt] {
        AttemptMode.allCases.map { mode in
            Attempt(
                caseId: "K7Q2-9XTA", courseHash: String(repeating: "ab", count: 32), traineeId: "trainee-7", mode: mode,
                decisions: mode == .training ? [] : Array(decisions().prefix(4)))
        }
    }

    static func index() -> CourseIndex {
        CourseIndex(
            courseId: "course-1", title: "Foundation", generatorVersion: "0.1.0", caseIds: ["K7Q2-9XTA", "M1N1"],
            courseHash: String(repeating: "0f", count: 32),
            files: [
                "cases/K7Q2-9XTA/case.json": String(repeating: "1a", count: 32),
                "stages/screening/K7Q2-9XTA/scan.png": String(repeating: "2b", count: 32),
            ])
    }

    /// The folder holding the JSON Schemas (`Assets/schema`), found from this file's place in the repository.
    static var schemaDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Assets").appendingPathComponent("schema")
    }

    static func schemas() throws -> CourseSchemas { try CourseSchemas(directory: schemaDirectory) }

    static func json<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONValue(parsing: CanonicalJSON.encode(value))
    }
}

/// A fresh, empty temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cargosim-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ components: String...) -> URL {
        components.reduce(url) { $0.appendingPathComponent($1) }
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

extension JSONValue {
    /// A copy with the value at `path` (object keys, or array indices as decimal strings) replaced, or removed when nil.
    func setting(_ path: [String], to newValue: JSONValue?) -> JSONValue {
        guard let first = path.first else { return newValue ?? .null }
        let rest = Array(path.dropFirst())
        switch self {
        case var .object(members):
            if rest.isEmpty {
                members[first] = newValue
            } else if let child = members[first] {
                members[first] = child.setting(rest, to: newValue)
            }
            return .object(members)
        case var .array(items):
            guard let i = Int(first), items.indices.contains(i) else { return self }
            if rest.isEmpty {
                if let newValue { items[i] = newValue } else { items.remove(at: i) }
            } else {
                items[i] = items[i].setting(rest, to: newValue)
            }
            return .array(items)
        default:
            return self
        }
    }
}

@Suite("Sample values")
struct SchemaSamplesTests {
    @Test("the full and minimal samples pass the model's own validation")
    func samplesAreValid() {
        for variant in 0..<Samples.variantCount {
            #expect(Samples.fullCase(variant: variant).validate().errors == [])
        }
        #expect(Samples.minimalCase().validate().errors == [])
    }
}
