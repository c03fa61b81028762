import CargoModel

extension Story {
    /// What each examination point shows, and the radiation portal reading.
    mutating func writeExamination() {
        let type = containerType
        let anomaly = anomalies.first
        let kind = anomaly?.kind
        var notes = Notes()
        func add(
            _ point: ExaminationPoint, _ code: ObservationCode, _ parameters: [String: String] = [:],
            significant: Bool = false
        ) {
            notes.add(point, code, parameters, significant)
        }
        let isTank = type.family == .tank
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
            add(
                .frontWall, .internalLengthMeasured,
                [
                    "insideMM": "\(inside)", "outsideMM": "\(type.externalLengthMM)",
                    "differenceMM": "\(type.externalLengthMM - inside)",
                ],
                significant: lengthDeficit > 0)
            if kind == .falseFrontWall {
                add(
                    .frontWall, noise.chance(0.5) ? .frontWallFreshPaint : .frontWallNonStandardFasteners,
                    significant: true)
            } else if noise.chance(0.15) {
                add(.frontWall, .dentsAndScratches)
            }
            for side in [ExaminationPoint.leftSide, .rightSide] {
                if bypass == .panelCutAndRewelded, side == .leftSide {
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
            add(
                .ceilingRoof, .internalHeightMeasured,
                [
                    "insideMM": "\(insideHeight)", "outsideMM": "\(type.externalHeightMM)",
                    "differenceMM": "\(type.externalHeightMM - insideHeight)",
                ], significant: heightDeficit > 0)
            if kind == .roofCompartment {
                add(.ceilingRoof, .ceilingPanelNew, significant: true)
            } else if type.family != .openTop, noise.chance(0.2) {
                add(.ceilingRoof, .dentsAndScratches)
            }
            add(
                .doors, .containerNumberAsPainted, ["number": container.description],
                significant: planned.contains(.invalidCheckDigit))
            switch bypass {
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
        addLoadObservations(&notes)
        observations = notes.all
        significant = notes.significant
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
            ratio = noise.double(in: 1.35...2.6)
            let goods = declared.first?.0
            nuclide =
                goods.map {
                    ["fertilizer", "fruit"].contains($0.material)
                        ? "K-40" : ($0.material == "ceramic" ? "Th-232" : "Ra-226")
                } ?? "K-40"
        } else if scenario == .radiationSource || anomalies.first?.kind == .radioactiveSource {
            ratio = noise.double(in: 1.6...9)
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

    private mutating func addLoadObservations(_ notes: inout Notes) {
        let kind = anomalies.first?.kind
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
