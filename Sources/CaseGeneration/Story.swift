import CargoModel

/// The working state of one case while it is generated: what is true of the container, and
/// the documents, seal history and evidence written to match. Internal to the generator.
struct Story {
    let spec: CaseSpec
    let seed: UInt64
    let generator: CaseGenerator
    var index: CatalogIndex { generator.index }
    var caseId = ""

    let scenario: Scenario
    let irregular: Bool
    /// Whether the documents carry red flags at all (false: clean papers).
    let redFlags: Bool
    let vantage: Vantage
    let lastStage: Stage
    /// Target difficulty, 1–5.
    let difficultyTarget: Int
    /// Indicators the documents are written to show.
    var planned: Set<RiskIndicator>
    let sealStory: SealStory
    /// How the seal-intact bypass was done (structural entry), when it was.
    var bypass: ObservationCode?

    var paperwork: CaseRandom
    var sealRandom: CaseRandom
    var load: CaseRandom
    var noise: CaseRandom

    // Paperwork.
    var containerType = ContainerType.all[0]
    /// The box itself: its tare, maximum gross, capacity and CSC plate.
    var box = ContainerBox(
        tareKG: 0, maxGrossKG: 0, cubicCapacityM3: 0,
        plate: CSCPlate(
            approvalReference: "", manufactured: "", manufacturerNumber: "", maxOperatingGrossKG: 0,
            allowableStackingKG: 0, transverseRackingKG: 0, examination: ""))
    /// The relative error of the VGM's weighing or summing, and for an empty box its error in kg.
    var vgmError = 0.0
    var vgmErrorKG = 0
    /// Goods as declared, with package counts.
    var declared: [(Commodity, Int)] = []
    /// What is really in the box when it is not what was declared.
    var actualGoods: Commodity?
    var origin: PortInfo!
    var via: [PortInfo] = []
    var discharge: PortInfo!
    var inspectionPort: PortInfo!
    var shipper: Party!
    var consignee: Party!
    var notifyParty: Party?
    var carrier: Carrier!
    var container: ContainerNumber!
    var declaredContainerNumber = ""
    var inspectionDate = CalendarDate(daysSinceEpoch: 0)
    var stuffingDate = CalendarDate(daysSinceEpoch: 0)
    var onBoard = CalendarDate(daysSinceEpoch: 0)
    var arrival = CalendarDate(daysSinceEpoch: 0)
    /// Arrival at each transhipment port.
    var viaArrivals: [CalendarDate] = []
    var billOfLading: BillOfLading!
    /// Cargo mass really in the box (kg).
    var actualCargoKG = 0
    /// Innocent explanations of indicators (`explanation.*` keys).
    var explanations: [RiskIndicator: String] = [:]
    /// A clean case carrying goods that smugglers use as cover, on the lanes they use (see `candidateGoods`).
    var lawfulCoverTrade = false
    /// A clean case in the lawful trade of another threat's cover goods, on its lanes (see `candidateGoods`).
    var lawfulProfile: Scenario?

    // Seal.
    var seal: Seal!
    var sealLog: [SealLogEntry] = []
    var observedSeal: ObservedSeal!
    var sealFindings: Set<SealFinding> = []

    // Load and examination.
    var anomalies: [Anomaly] = []
    var observations: [Observation] = []
    var significant: [Observation] = []
    var radiation = RadiationReading(
        gammaCountsPerSecond: 0, backgroundCountsPerSecond: 0, gammaAlarm: false, neutronAlarm: false)
    var rationale: [RationaleItem] = []
    var discrepancies: [Discrepancy] = []
    /// False when a targeted examination does not reach the concealment (see `EvidenceCatalog.reach`).
    var examinationReached = true
    /// Findings planted at the evidence catalogue's rates on top of the story (depot repairs, seal wear, residues).
    var incidental: [Observation] = []

    init(spec: CaseSpec, seed: UInt64, generator: CaseGenerator) throws(GenerationError) {
        self.spec = spec
        self.seed = seed
        self.generator = generator
        paperwork = CaseRandom(seed: seed, stream: "paperwork")
        sealRandom = CaseRandom(seed: seed, stream: "seal")
        load = CaseRandom(seed: seed, stream: "load")
        noise = CaseRandom(seed: seed, stream: "noise")
        var plan = CaseRandom(seed: seed, stream: "plan")

        let scenario = spec.scenario ?? plan.pick(Scenario.allCases)
        self.scenario = scenario
        irregular = scenario.isIrregularByDefault || spec.concealment != nil
        let inherent = scenario.inherentIndicators
        if spec.redFlags == false, !inherent.isEmpty {
            throw GenerationError(
                code: "spec.redFlags", field: "redFlags",
                message:
                    "Scenario \(scenario.rawValue) always shows \(inherent.map(\.rawValue).sorted().joined(separator: ", ")) "
                    + "in the documents; remove redFlags: false or choose another scenario.")
        }
        if scenario == .harmlessRedFlags, spec.redFlags == false {
            throw GenerationError(
                code: "spec.redFlags", field: "redFlags",
                message: "Scenario harmlessRedFlags needs red flags; remove redFlags: false or use scenario clean.")
        }
        // Pinned facts that the targeting rules will flag whatever else is drawn.
        var pinnedFlags = Set<RiskIndicator>()
        let vantage = spec.vantage ?? plan.weighted(scenario.vantageWeights)!
        if vantage != .export, let route = spec.route {
            let destination = route.discharge.flatMap { generator.index.portByLocode[$0] }
            let ports = ([route.origin] + (route.via ?? []).map(Optional.some)).compactMap { $0 }
                .compactMap { generator.index.portByLocode[$0] }
            if ports.contains(where: { $0.isRisky(towards: destination) }) { pinnedFlags.insert(.highRiskOrigin) }
        }
        if let route = spec.route, let origin = route.origin, let via = route.via, !via.isEmpty,
            let discharge = route.discharge, let total = generator.index.sea.routeMiles([origin] + via + [discharge]),
            let direct = generator.index.sea.nauticalMiles(from: origin, to: discharge), direct > 0,
            total / direct > IndicatorDetector.circuitousRatio
        {
            pinnedFlags.insert(.circuitousRouting)
        }
        if spec.consignee?.yearsTrading == 0 { pinnedFlags.insert(.newConsignee) }
        if spec.consignee?.freightForwarder == true { pinnedFlags.insert(.forwarderAsConsignee) }
        if spec.shipper?.yearsTrading == 0 { pinnedFlags.insert(.newShipper) }
        switch spec.seal {
        case .changedAtTranshipment?: pinnedFlags.formUnion([.sealChangedWithoutRecord, .sealNumberMismatch])
        case .numberMismatch?: pinnedFlags.insert(.sealNumberMismatch)
        case .indicativeOnly?: pinnedFlags.insert(.nonCompliantSealClass)
        default: break
        }
        if spec.redFlags == false, let flag = pinnedFlags.sorted().first {
            throw GenerationError(
                code: "spec.redFlags", field: "redFlags",
                message:
                    "The pinned route or parties show \(flag.rawValue) in the documents; remove redFlags: false or change them."
            )
        }
        redFlags =
            scenario == .harmlessRedFlags || !pinnedFlags.isEmpty
            || spec.redFlags
                ?? (!inherent.isEmpty || !(spec.indicators ?? []).isEmpty || plan.chance(irregular ? 0.5 : 0.3))
        self.vantage = vantage
        lastStage = spec.lastStage ?? .evidence
        difficultyTarget = spec.difficulty ?? plan.int(in: 1...5)

        var story: SealStory
        if let pinned = spec.seal {
            story = pinned
        } else {
            switch scenario {
            case .ripOnRipOff:
                // Subtler tell-tales for harder cases: a logged change, then mismatched parts, then marks, then a good copy.
                let byDifficulty: [[SealStory]] = [
                    redFlags ? [.changedAtTranshipment, .boltBushMismatch] : [.boltBushMismatch],
                    [.boltBushMismatch, .tampered], [.tampered, .cloned], [.cloned], [.cloned],
                ]
                story = plan.pick(byDifficulty[max(0, min(4, difficultyTarget - 1))])
            case .contaminatedExport:
                story = plan.chance(0.4) ? (difficultyTarget >= 3 ? .cloned : .boltBushMismatch) : .intact
            case .sealNumberDiscrepancy: story = .numberMismatch
            case .nonCompliantSeal: story = .indicativeOnly
            default: story = .intact
            }
        }
        if spec.indicators?.contains(.lateAmendment) == true, vantage != .import {
            throw GenerationError(
                code: "spec.indicators", field: "indicators",
                message:
                    "A late amendment (filed less than 24 h before arrival) can only be seen at import; set vantage: import or drop lateAmendment."
            )
        }
        if story == .changedAtTranshipment, vantage == .export {
            throw GenerationError(
                code: "spec.seal", field: "seal",
                message: "A seal changed at transhipment cannot be seen at export; set vantage: import or transhipment."
            )
        }
        var planned = Set(inherent).union(spec.indicators ?? []).union(pinnedFlags)
        if story == .changedAtTranshipment { planned.formUnion([.sealChangedWithoutRecord, .sealNumberMismatch]) }
        if redFlags, planned.isEmpty {
            // Evidence, not rules: every indicator can show in both classes, each at the rate the evidence catalogue
            // (`indicator-evidence.json`) gives for the case's class.
            var pool = RiskIndicator.allCases.filter { $0 != .radiationAlarm }
            if vantage == .export { pool.removeAll { $0 == .highRiskOrigin } }
            if vantage != .import { pool.removeAll { $0 == .lateAmendment } }
            // An export inspection comes before any transhipment: no seal replaced on the way yet.
            if vantage == .export { pool.removeAll { $0 == .sealNumberMismatch || $0 == .sealChangedWithoutRecord } }
            if spec.containerType.flatMap(ContainerType.named).map({ $0.family != .reefer }) ?? false {
                pool.removeAll { $0 == .reeferNonPerishable }
            }
            if spec.route?.via?.isEmpty == true {
                pool.removeAll {
                    $0 == .sealNumberMismatch || $0 == .circuitousRouting || $0 == .sealChangedWithoutRecord
                }
            }
            // A scheduled precursor on the papers: lawful trade under a pre-export notification in a clean case, a
            // cover load in an irregular one. Only stories whose goods are drawn from ordinary trade can carry it.
            if !(scenario.carriesOrdinaryGoods && spec.goods == nil && spec.containerType == nil) {
                pool.removeAll { $0 == .controlledPrecursor }
            }
            // Goods and seal stories of their own leave no room for a flag that rewrites them.
            if !scenario.carriesOrdinaryGoods || spec.goods != nil {
                pool.removeAll { [.reeferNonPerishable, .vagueDescription, .hsDescriptionMismatch].contains($0) }
            }
            if irregular, ![.intact].contains(story) || vantage == .export {
                pool.removeAll {
                    [.sealNumberMismatch, .sealChangedWithoutRecord, .nonCompliantSealClass].contains($0)
                }
            }
            if irregular { pool.removeAll { $0 == .sealChangedWithoutRecord } }
            if [.vgmMismatch, .emptyDeclaredFull, .fullDeclaredEmpty].contains(scenario) || spec.goods != nil {
                pool.removeAll { $0 == .vgmMismatch || $0 == .implausibleDensity }
            }
            let evidence = generator.catalog.evidence
            let isIrregular = irregular
            // Harder clean cases carry more harmless flags to see through: clean rates scaled 0.6–1.4 with difficulty.
            let scale = irregular ? 1 : 0.6 + 0.2 * Double(difficultyTarget - 1)
            let rates = pool.map { ($0, scale * (evidence.indicator($0)?.rate(irregular: isIrregular) ?? 0.1)) }
            var drawn = Set<RiskIndicator>()
            for (code, rate) in rates where plan.chance(rate) { drawn.insert(code) }
            if drawn.isEmpty, let one = plan.weighted(rates.filter { $0.1 > 0 }) { drawn.insert(one) }
            if drawn.contains(.sealChangedWithoutRecord) { drawn.insert(.sealNumberMismatch) }
            // A seal number mistyped on the manifest happens to boxes with something hidden as well.
            if irregular, drawn.contains(.sealNumberMismatch), story == .intact, scenario != .structuralEntry,
                plan.chance(0.6)
            {
                story = .numberMismatch
            }
            planned = drawn
        }
        sealStory = story
        self.planned = planned
        if scenario == .structuralEntry {
            bypass = plan.pick([.hingePinsReplaced, .hingeRivetsReplaced, .panelCutAndRewelded])
        }
    }

    /// The threat the scenario carries.
    var threat: ThreatCategory? {
        if !irregular { return nil }
        if let pinned = spec.concealment?.threat { return pinned }
        switch scenario {
        case .firearmsSouthbound: return .weapons
        case .illicitCigarettes: return .cigarettes
        case .precursorChemicals: return .precursors
        case .radiationSource: return .radioactive
        case .vehicleBehindCargo: return .vehicles
        case .personsConcealed: return .persons
        case .vgmMismatch, .fullDeclaredEmpty: return .undeclaredGoods
        case .hsMismatch, .vagueDescription, .emptyDeclaredFull: return .misdeclaredGoods
        default: return .drugs
        }
    }

    /// Stages the case has, up to `lastStage`.
    var stages: [Stage] { Stage.allCases.filter { $0 <= lastStage } }
}

extension Scenario {
    /// Indicators the scenario always writes into the documents.
    var inherentIndicators: [RiskIndicator] {
        switch self {
        case .vgmMismatch: [.vgmMismatch]
        case .hsMismatch: [.hsDescriptionMismatch]
        case .vagueDescription: [.vagueDescription]
        case .circuitousRouting: [.circuitousRouting]
        case .newConsignee: [.newConsignee]
        case .invalidCheckDigit: [.invalidCheckDigit]
        case .reeferNonPerishable: [.reeferNonPerishable]
        case .sealNumberDiscrepancy: [.sealNumberMismatch]
        case .nonCompliantSeal: [.nonCompliantSealClass]
        case .harmlessRedFlags: []
        default: []
        }
    }

    /// True when the story's goods are drawn from ordinary trade (not from the cover goods, lanes or equipment a
    /// threat or a flag of its own needs).
    var carriesOrdinaryGoods: Bool {
        switch self {
        case .clean, .aeoLowRisk, .harmlessRedFlags, .invalidCheckDigit, .sealNumberDiscrepancy, .nonCompliantSeal,
            .ripOnRipOff, .structuralEntry, .circuitousRouting, .newConsignee, .falseFrontWall, .roofCompartment,
            .floorCompartment, .doorPanels, .withinLoad:
            true
        default: false
        }
    }

    /// True when the scenario can be written with documents that show no red flag.
    public var allowsCleanPapers: Bool { inherentIndicators.isEmpty && self != .harmlessRedFlags }

    /// How likely each vantage is for the scenario.
    var vantageWeights: [(Vantage, Double)] {
        switch self {
        case .contaminatedExport: [(.export, 1)]
        case .firearmsSouthbound: [(.import, 0.8), (.transhipment, 0.2)]
        case .ripOnRipOff: [(.import, 0.5), (.export, 0.2), (.transhipment, 0.3)]
        default: [(.import, 0.55), (.export, 0.25), (.transhipment, 0.2)]
        }
    }
}
