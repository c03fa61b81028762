import CargoModel

extension Story {
    /// What each examination point shows, and the radiation portal reading.
    mutating func writeExamination() {
        let type = containerType
        let anomaly = anomalies.first
        let trueKind = anomaly?.kind
        var notes = Notes()
        func add(
            _ point: ExaminationPoint, _ code: ObservationCode, _ parameters: [String: String] = [:],
            significant: Bool = false
        ) {
            notes.add(point, code, parameters, significant)
        }
        let isTank = type.family == .tank
        // What a targeted examination reaches (evidence catalogue): the load keeps officers from the front wall and the
        // ceiling in some boxes of either class, and some concealments are not reached without devanning.
        var evidenceRandom = CaseRandom(seed: seed, stream: "evidence")
        let evidence = generator.catalog.evidence
        examinationReached = trueKind.map { evidenceRandom.chance(evidence.reach(of: $0)) } ?? true
        let bypassSeen =
            bypass == nil || evidenceRandom.chance(evidence.reach.first { $0.kind == "sealBypass" }?.reach ?? 1)
        if !bypassSeen { sealFindings = [.intact] }
        // An empty box keeps nobody from its walls.
        let emptyBox = trueKind == nil && billOfLading.goods.isEmpty && actualCargoKG == 0
        let frontWallBlocked =
            !isTank
            && (trueKind == .falseFrontWall ? !examinationReached : evidenceRandom.chance(evidence.frontWallBlocked))
            && !emptyBox
        let ceilingBlocked =
            !isTank && !emptyBox
            && (trueKind == .roofCompartment || (trueKind == .floorCompartment && anomaly!.box.z >= 0)
                ? !examinationReached : evidenceRandom.chance(evidence.ceilingBlocked))
        // The concealment as the examination sees it: nil when it was not reached.
        let kind = examinationReached ? trueKind : nil
        // Measuring tape readings: ±10 mm of the truth.
        let lengthDeficit = kind == .falseFrontWall ? anomaly!.box.length : 0
        let heightDeficit: Int =
            switch kind {
            case .roofCompartment: anomaly!.box.height
            case .floorCompartment where anomaly!.box.z >= 0: anomaly!.box.height
            default: 0
            }
        if !isTank {
            let inside = type.internalLengthMM - lengthDeficit + noise.int(in: -10...10)
            if frontWallBlocked {
                add(.frontWall, .notReachableLoadInTheWay)
            } else {
                add(
                    .frontWall, .internalLengthMeasured,
                    [
                        "insideMM": "\(inside)", "outsideMM": "\(type.externalLengthMM)",
                        "differenceMM": "\(type.externalLengthMM - inside)",
                    ],
                    significant: lengthDeficit > 0)
            }
            if frontWallBlocked {
                _ = noise.chance(0.5)  // keeps the noise stream in step whether or not the wall is seen
            } else if kind == .falseFrontWall {
                add(
                    .frontWall, noise.chance(0.5) ? .frontWallFreshPaint : .frontWallNonStandardFasteners,
                    significant: true)
            } else if noise.chance(0.15) {
                add(.frontWall, .dentsAndScratches)
            }
            for side in [ExaminationPoint.leftSide, .rightSide] {
                if bypass == .panelCutAndRewelded, bypassSeen, side == .leftSide {
                    add(side, .panelCutAndRewelded, significant: true)
                } else if kind == .reeferInsulation, (anomaly!.box.y < 0) == (side == .leftSide) {
                    add(side, .reeferInsulationIrregular, significant: true)
                } else {
                    add(
                        side,
                        noise.weighted([(.noIrregularity, 0.7), (.oldRepairPatch, 0.15), (.dentsAndScratches, 0.15)])!)
                }
            }
            if kind == .floorCompartment {
                add(.floor, .floorBoardsReplaced, significant: true)
                add(.floor, .floorScrewsDisturbed, significant: true)
            } else {
                add(.floor, noise.chance(0.85) ? .noIrregularity : .oldRepairPatch)
            }
            let insideHeight = type.internalHeightMM - heightDeficit + noise.int(in: -8...8)
            if ceilingBlocked {
                add(.ceilingRoof, .notReachableLoadInTheWay)
            } else {
                add(
                    .ceilingRoof, .internalHeightMeasured,
                    [
                        "insideMM": "\(insideHeight)", "outsideMM": "\(type.externalHeightMM)",
                        "differenceMM": "\(type.externalHeightMM - insideHeight)",
                    ], significant: heightDeficit > 0)
            }
            if ceilingBlocked {
                _ = noise.chance(0.2)
            } else if kind == .roofCompartment {
                add(.ceilingRoof, .ceilingPanelNew, significant: true)
            } else if type.family != .openTop, noise.chance(0.2) {
                add(.ceilingRoof, .dentsAndScratches)
            }
            add(
                .doors, .containerNumberAsPainted, ["number": container.description],
                significant: planned.contains(.invalidCheckDigit))
            switch bypassSeen ? bypass : nil {
            case .hingePinsReplaced?: add(.doors, .hingePinsReplaced, significant: true)
            case .hingeRivetsReplaced?: add(.doors, .hingeRivetsReplaced, significant: true)
            default: break
            }
            if kind == .doorPanels {
                add(.doors, .doorPanelFastenersNonStandard, significant: true)
                add(.doors, .doorPanelHollowSoundAbsent, significant: true)
            }
            if kind == .floorCompartment, anomaly!.box.z < 0 {
                add(.undercarriage, .crossMemberBoxWelded, significant: true)
            } else {
                add(.undercarriage, noise.chance(0.7) ? .noIrregularity : .surfaceRust)
            }
        } else {
            add(.ceilingRoof, .noIrregularity)
            add(.undercarriage, noise.chance(0.7) ? .noIrregularity : .surfaceRust)
            add(
                .doors, .containerNumberAsPainted, ["number": container.description],
                significant: planned.contains(.invalidCheckDigit))
        }
        addSealObservations(&notes)
        addOccupancyCheck(&notes)
        if type.family == .reefer {
            let instruction = billOfLading.reefer ?? .nonOperatingReefer
            if instruction.nonOperating {
                add(.reeferUnit, .reeferSwitchedOff)
            } else {
                let vent = instruction.ventilationM3h ?? 0
                notes.add(
                    .reeferUnit, .reeferRunningAtSetPoint, ["setPointC": temperatureText(instruction.setPointC ?? 0)],
                    scenario == .reeferNonPerishable,
                    [
                        "ventilation": vent == 0
                            ? LocalizedText(en: "closed", es: "cerrada", pt: "fechada")
                            : LocalizedText(invariant: "\(vent) m³/h")
                    ])
            }
            if kind == .reeferUnit { add(.reeferUnit, .reeferPanelFastenersDisturbed, significant: true) }
        }
        writeRadiation(&notes)
        addLoadObservations(&notes, reached: examinationReached)
        addIncidentalFindings(&notes, random: &evidenceRandom, blocked: [frontWallBlocked, ceilingBlocked])
        padAndOrder(&notes, random: &evidenceRandom, blocked: [frontWallBlocked, ceilingBlocked])
        observations = notes.all
        significant = notes.significant
    }

    /// Observations every box can show on top of its story, drawn at the evidence catalogue's rates for the case's
    /// class: depot repairs (with their record on file, mostly), wear of the seal, fumigant residues, tally errors.
    /// A concealment's own alterations get a (forged or unrelated) record now and then, so a record is evidence too.
    private mutating func addIncidentalFindings(
        _ notes: inout Notes, random: inout CaseRandom, blocked: [Bool]
    ) {
        let evidence = generator.catalog.evidence
        let isReefer = containerType.family == .reefer, isTank = containerType.family == .tank
        let structural: Set<ObservationCode> = [
            .frontWallFreshPaint, .frontWallNonStandardFasteners, .freshWeldSeam, .panelCutAndRewelded,
            .ceilingPanelNew, .floorBoardsReplaced, .floorScrewsDisturbed, .crossMemberBoxWelded, .hingePinsReplaced,
            .hingeRivetsReplaced, .doorPanelFastenersNonStandard, .doorPanelHollowSoundAbsent,
            .reeferPanelFastenersDisturbed, .reeferInsulationIrregular,
        ]
        let sealCodes: Set<ObservationCode> = [
            .sealToolMarks, .sealGlueOrPaint, .sealSpinsFreely, .sealFontDiffers, .sealMakerMarkDiffers,
        ]
        var incidentalPoints: [ExaminationPoint] = []
        for entry in evidence.observations {
            guard let code = ObservationCode(rawValue: entry.code), random.chance(entry.rate(irregular: irregular))
            else { continue }
            var point: ExaminationPoint
            if entry.point == "sides" {
                point = random.chance(0.5) ? .leftSide : .rightSide
            } else if let named = entry.point.flatMap(ExaminationPoint.init(rawValue:)) {
                point = named
            } else {
                continue
            }
            if [.reeferPanelFastenersDisturbed, .reeferInsulationIrregular].contains(code), !isReefer { continue }
            if isTank, structural.contains(code), point != .doors { continue }
            if point == .frontWall, blocked[0] { continue }
            if point == .ceilingRoof, blocked[1] { continue }
            if [.loadChemicalOdour, .loadCountShort, .loadExtraPackages].contains(code),
                billOfLading.goods.isEmpty || billOfLading.goods.allSatisfy({ $0.packageKind == .bulk })
            {
                continue
            }
            if notes.all.contains(where: { $0.code == code }) { continue }
            if [.loadCountShort, .loadExtraPackages].contains(code),
                notes.all.contains(where: { $0.code == .loadCountShort || $0.code == .loadExtraPackages })
            {
                continue
            }
            if sealCodes.contains(code) {
                guard applyIncidentalSealSign(code, random: &random) else { continue }
            }
            var parameters: [String: String] = [:]
            if code == .sealMakerMarkDiffers { parameters = ["found": observedSeal.makerMark] }
            if code == .sealFontDiffers { parameters = ["found": observedSeal.font] }
            if code == .loadCountShort || code == .loadExtraPackages {
                let declaredPackages = billOfLading.goods.reduce(0) { $0 + $1.packageCount }
                // Tally errors and short-shipped pallets: up to an eighth of the count.
                let off = max(1, Int(Double(declaredPackages) * random.double(in: 0.01...0.13)))
                parameters = [
                    "counted": "\(declaredPackages + (code == .loadCountShort ? -off : off))",
                    "declared": "\(declaredPackages)",
                ]
            }
            // A harmless sign replaces a bare "no irregularity" at its point, and a count that differs "as declared".
            notes.all.removeAll { $0.point == point && $0.code == .noIrregularity }
            if code == .loadCountShort || code == .loadExtraPackages {
                notes.all.removeAll { $0.point == point && $0.code == .loadAsDeclared }
            }
            notes.add(point, code, parameters, false)
            incidental.append(Observation(point: point, code: code, parameters: parameters))
            if structural.contains(code) { incidentalPoints.append(point) }
        }
        // Repair records: mostly on file for a depot repair, now and then for a concealment's alteration.
        var recorded = Set<ExaminationPoint>()
        for point in incidentalPoints where !recorded.contains(point) {
            recorded.insert(point)
            if random.chance(evidence.repairRecordOnFile) {
                notes.add(point, .repairRecordOnFile, repairRecord(random: &random), false)
            }
        }
        let alterations = notes.significant.filter { structural.contains($0.code) }.map(\.point)
        for point in alterations where !recorded.contains(point) {
            recorded.insert(point)
            if random.chance(evidence.forgedRecord) {
                notes.add(point, .repairRecordOnFile, repairRecord(random: &random), false)
            }
        }
    }

    /// The seal as found changed to show an incidental sign; false when the sign cannot be shown on this seal.
    private mutating func applyIncidentalSealSign(_ code: ObservationCode, random: inout CaseRandom) -> Bool {
        switch code {
        case .sealToolMarks, .sealGlueOrPaint:
            observedSeal.check.view = false
        case .sealSpinsFreely:
            guard observedSeal.kind == .bolt else { return false }
            observedSeal.check.twist = false
        case .sealFontDiffers:
            let fonts = ["laser-dot", "laser-solid", "stamped", "printed"].filter { $0 != observedSeal.font }
            observedSeal.font = random.pick(fonts)
        case .sealMakerMarkDiffers:
            let others = generator.catalog.sealMakers.filter {
                $0.id != observedSeal.makerMark && $0.font == observedSeal.font
            }
            guard !others.isEmpty else { return false }
            observedSeal.makerMark = random.pick(others).id
        default: return false
        }
        return true
    }

    /// A depot's estimate-of-repair record: reference, depot and month, before the inspection.
    private mutating func repairRecord(random: inout CaseRandom) -> [String: String] {
        let depot = random.pick([origin, discharge] + via).locode
        let month = inspectionDate.adding(days: -random.int(in: 20...700)).components
        return [
            "reference": "EOR-" + String(random.int(in: 100_000...999_999)), "depot": depot,
            "month": "\(month.year)-" + String(month.month).leftPadded(to: 2),
        ]
    }

    /// Evens out how many lines each case has and orders them by point, so that neither the number nor the order of
    /// the lines says anything about the answer: innocuous findings (dents, rust, old patches) are added until a
    /// count drawn alike for every case is reached, and the lines of each point are shuffled after its reading.
    private mutating func padAndOrder(_ notes: inout Notes, random: inout CaseRandom, blocked: [Bool]) {
        let innocuous: [ObservationCode] = [.dentsAndScratches, .surfaceRust, .oldRepairPatch]
        var points = ExaminationPoint.sevenPoint
        if containerType.family == .tank { points = [.ceilingRoof, .doors, .undercarriage] }
        if blocked[0] { points.removeAll { $0 == .frontWall } }
        if blocked[1] { points.removeAll { $0 == .ceilingRoof } }
        // Wear is the same in every box: as many innocuous lines for a concealment as for a clean box. (Counting the
        // significant lines off the target gave irregular boxes fewer dents and patches than clean ones, since most
        // significant lines replace a line every box has.)
        let target = notes.all.count + random.int(in: 1...5)
        var attempts = 0
        while notes.all.count < target, attempts < 30 {
            attempts += 1
            let point = random.pick(points)
            let present = Set(notes.all.filter { $0.point == point }.map(\.code))
            let candidates = innocuous.filter { !present.contains($0) }
            guard !candidates.isEmpty else { continue }
            let code = random.pick(candidates)
            notes.all.removeAll { $0.point == point && $0.code == .noIrregularity }
            notes.add(point, code, [:], false)
        }
        // Readings every case has come first at their point; the other lines of the point follow in a shuffled order.
        let readings: Set<ObservationCode> = [
            .internalLengthMeasured, .internalHeightMeasured, .containerNumberAsPainted, .sealAsFound,
            .notReachableLoadInTheWay, .doorsCarbonDioxideMeasured, .doorsHeartbeatSignal, .doorsHeartbeatQuiet,
        ]
        var ordered: [Observation] = []
        for point in ExaminationPoint.allCases {
            let lines = notes.all.filter { $0.point == point }
            ordered += lines.filter { readings.contains($0.code) }
            ordered += random.shuffled(lines.filter { !readings.contains($0.code) })
        }
        notes.all = ordered
    }

    private mutating func addSealObservations(_ notes: inout Notes) {
        let manifestNumber = billOfLading.sealNumbers.first ?? ""
        notes.add(.seal, .sealAsFound, ["number": observedSeal.numberRead], observedSeal.numberRead != manifestNumber)
        if let bolt = observedSeal.boltNumber, let bush = observedSeal.bushNumber, bolt != bush {
            notes.add(.seal, .sealBoltBushMismatch, ["bolt": bolt, "bush": bush], true)
        }
        if observedSeal.makerMark != seal.maker, sealStory == .cloned {
            notes.add(.seal, .sealMakerMarkDiffers, ["found": observedSeal.makerMark], true)
        }
        if sealStory == .cloned,
            observedSeal.font != (generator.catalog.sealMakers.first { $0.id == seal.maker }?.font ?? "")
        {
            notes.add(.seal, .sealFontDiffers, ["found": observedSeal.font], true)
        }
        if sealStory == .tampered {
            let signs = sealRandom.sample(
                [ObservationCode.sealToolMarks, .sealGlueOrPaint, .sealSpinsFreely], count: sealRandom.int(in: 1...2))
            for sign in signs.sorted(by: { $0.rawValue < $1.rawValue }) { notes.add(.seal, sign, [:], true) }
        }
    }

    private mutating func writeRadiation(_ notes: inout Notes) {
        let background = noise.int(in: 90...180)
        var ratio = noise.double(in: 0.82...1.05)  // cargo shields part of the natural background
        var nuclide: String?
        if scenario == .radiationNORM {
            ratio = noise.double(in: 1.35...3.2)
            let goods = declared.first?.0
            nuclide =
                goods.map {
                    ["fertilizer", "fruit"].contains($0.material)
                        ? "K-40" : ($0.material == "ceramic" ? "Th-232" : "Ra-226")
                } ?? "K-40"
        } else if irregular, let goods = declared.first?.0, goods.tags.contains("norm"), noise.chance(0.6) {
            // Goods of natural radioactivity set off the portal whatever else is in the box: a concealment behind
            // tiles or fertiliser alarms as a clean box of them does (the reading is not the concealment's).
            ratio = noise.double(in: 1.35...3.2)
            let nuclide =
                ["fertilizer", "fruit"].contains(goods.material)
                ? "K-40" : (goods.material == "ceramic" ? "Th-232" : "Ra-226")
            let counts = Int((Double(background) * ratio).rounded())
            radiation = RadiationReading(
                gammaCountsPerSecond: counts, backgroundCountsPerSecond: background, gammaAlarm: true,
                neutronAlarm: false)
            notes.add(.radiationSurvey, .radiationIsotopeIdentified, ["nuclide": nuclide], false)
            return
        } else if scenario == .radiationSource || anomalies.first?.kind == .radioactiveSource {
            // Often shielded in scrap or behind dense cargo: the portal's ratio alone does not tell it from NORM; the
            // handheld's identification does (IAEA Nuclear Security Series No. 21).
            ratio = noise.double(in: 1.35...3.6)
            nuclide = noise.chance(0.7) ? "Cs-137" : "Co-60"
        }
        let counts = Int((Double(background) * ratio).rounded())
        radiation = RadiationReading(
            gammaCountsPerSecond: counts, backgroundCountsPerSecond: background,
            gammaAlarm: ratio > 1.3, neutronAlarm: false)
        if let nuclide {
            notes.add(.radiationSurvey, .radiationIsotopeIdentified, ["nuclide": nuclide], true)
        } else {
            notes.add(.radiationSurvey, .radiationNoSourceFound, [:], false)
        }
    }

    private mutating func addLoadObservations(_ notes: inout Notes, reached: Bool) {
        // A concealment the examination did not reach leaves the load looking as declared (except the radiation
        // survey's reading, taken from outside, and an empty box, seen when the doors open).
        let kind = reached ? anomalies.first?.kind : nil
        let declaredPackages = billOfLading.goods.reduce(0) { $0 + $1.packageCount }
        let actualName: [String: LocalizedText] = actualGoods.map { ["found": $0.description] } ?? [:]
        switch kind {
        case .ripOnRipOff?:
            notes.add(.loadDoorEnd, .loadBagsBehindDoors, [:], true)
            notes.add(.loadInterior, .loadAsDeclared, [:], false)
        case .emptyDeclaredFull?:
            notes.add(.loadDoorEnd, .loadSpaceEmpty, [:], true)
            notes.add(.loadInterior, .loadSpaceEmpty, [:], true)
        case .fullDeclaredEmpty?:
            notes.add(.loadDoorEnd, .loadDiffersFromManifest, [:], true, actualName)
            notes.add(.loadInterior, .loadDiffersFromManifest, [:], true, actualName)
        case .misdeclaredGoods?:
            if scenario == .illicitCigarettes {
                notes.add(.loadDoorEnd, .loadAsDeclared, [:], false)  // the cover load
                notes.add(
                    .loadInterior, .loadCartonsContainOtherGoods, [:], true,
                    actualName.isEmpty ? ["found": goodsName(material: "tobacco")] : actualName)
            } else {
                notes.add(.loadDoorEnd, .loadDiffersFromManifest, [:], true, actualName)
                notes.add(.loadInterior, .loadDiffersFromManifest, [:], true, actualName)
                if scenario == .precursorChemicals { notes.add(.loadInterior, .loadChemicalOdour, [:], true) }
            }
        case .undeclaredGoods?:
            notes.add(.loadDoorEnd, .loadAsDeclared, [:], false)
            let extra = max(1, declaredPackages / 8)
            notes.add(
                .loadInterior, .loadExtraPackages,
                ["counted": "\(declaredPackages + extra)", "declared": "\(declaredPackages)"], true)
        case .withinLoad?:
            notes.add(.loadDoorEnd, .loadAsDeclared, [:], false)
            notes.add(
                .loadInterior, .loadCartonsContainOtherGoods, [:], true,
                ["found": goodsName(material: anomalies.first?.material ?? "")])
        case .vehicleBehindCargo?:
            notes.add(.loadDoorEnd, .loadAsDeclared, [:], false)
            notes.add(.loadInterior, .loadWallOfCargoHidesVehicle, [:], true)
        case .persons?:
            notes.add(.loadDoorEnd, .loadAsDeclared, [:], false)
            notes.add(
                .loadInterior, .loadPersonsFound, ["count": "\(max(1, (anomalies.first?.massKG ?? 140) / 68))"], true)
        case .weapons?:
            notes.add(.loadDoorEnd, .loadAsDeclared, [:], false)
            notes.add(.loadInterior, .loadFirearmsInGoods, [:], true)
        default:
            notes.add(.loadDoorEnd, .loadAsDeclared, [:], false)
            notes.add(.loadInterior, .loadAsDeclared, [:], false)
        }
    }

    /// What a concealed material is called when it is found, in every language.
    func goodsName(material: String) -> LocalizedText {
        switch material {
        case "cocaine-hydrochloride": LocalizedText(en: "cocaine", es: "cocaína", pt: "cocaína")
        case "cannabis-resin":
            LocalizedText(en: "cannabis resin", es: "resina de cannabis (hachís)", pt: "resina de cannabis (haxixe)")
        case "cannabis-herb": LocalizedText(en: "cannabis herb", es: "marihuana prensada", pt: "maconha prensada")
        case "tobacco": LocalizedText(en: "cigarettes", es: "cigarrillos", pt: "cigarros")
        case "electronics":
            LocalizedText(en: "electronic goods", es: "artículos electrónicos", pt: "artigos eletrônicos")
        case "textiles": LocalizedText(en: "garments", es: "prendas de vestir", pt: "peças de vestuário")
        case "firearms-steel": LocalizedText(en: "firearms", es: "armas de fuego", pt: "armas de fogo")
        default: actualGoods?.description ?? LocalizedText(invariant: material)
        }
    }
}

/// A temperature as a reefer display shows it: whole degrees without decimals, else one decimal (`-20`, `13.3`).
func temperatureText(_ celsius: Double) -> String {
    let tenths = Int((celsius * 10).rounded())
    return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths < 0 ? "-" : "")\(abs(tenths) / 10).\(abs(tenths) % 10)"
}

/// Observations collected while the examination is written, and which of them matter.
struct Notes {
    var all: [Observation] = []
    var significant: [Observation] = []

    mutating func add(
        _ point: ExaminationPoint, _ code: ObservationCode, _ parameters: [String: String], _ isSignificant: Bool,
        _ localized: [String: LocalizedText] = [:]
    ) {
        let observation = Observation(point: point, code: code, parameters: parameters, localizedParameters: localized)
        all.append(observation)
        if isSignificant { significant.append(observation) }
    }
}
