import CargoModel

/// The fields of a case that a trainee can read, turned into numbers a classifier can learn from.
///
/// Used to measure how much the trainee-visible fields of a course give the answer away
/// (`Predictiveness`): a sparse row of named features per case, for the papers alone (the
/// targeting stage: bill of lading, seal record and log, vantage) or for the papers plus the
/// radiation reading and the examination (every point's observations, the seal as found, the door
/// markings). Never reads a key. Binary features are 0 or 1; numeric ones are scaled to a few units
/// (logarithms of counts, shares, departures in tenths) so that one L2 penalty suits them all.
public struct TraineeVisibleFeatures: Sendable {
    /// What the classifier may read.
    public enum Scope: String, Sendable, CaseIterable {
        /// The targeting stage: the documents a targeting officer has.
        case papers
        /// The documents, the radiation portal reading and every examination observation (no scans).
        case papersAndExamination
    }

    let index: CatalogIndex
    let detector: IndicatorDetector

    public init(catalog: Catalog) {
        index = CatalogIndex(catalog)
        detector = IndicatorDetector(index: index)
    }

    /// The named features of `inspectionCase` within `scope`, each name once. Absent names are 0.
    public func features(of inspectionCase: InspectionCase, scope: Scope) -> [String: Double] {
        var f: [String: Double] = [:]
        func flag(_ name: String) { f[name] = 1 }
        let c = inspectionCase
        let bl = c.targeting.billOfLading
        let type = ContainerType.named(bl.containerType)

        flag("vantage=\(c.vantage.rawValue)")
        flag("type=\(bl.containerType)")
        if let type { flag("family=\(type.family.rawValue)") }
        let found = detector.indicators(in: c.targetingPart)
        for (code, _) in found where code.stage == .targeting { flag("indicator=\(code.rawValue)") }
        f["indicators"] = Double(found.count)

        for (role, party) in [("shipper", bl.shipper), ("consignee", bl.consignee)] {
            flag("\(role).trusted=\(party.trustedTrader.rawValue)")
            f["\(role).logYears"] = log1p(Double(max(0, party.yearsTrading)))
            f["\(role).logShipments"] = log1p(Double(max(0, party.shipmentsLast12Months)))
            if party.isFreightForwarder { flag("\(role).forwarder") }
        }
        if bl.shipper.country != bl.portOfLoading.country { flag("shipper.countryIsNotLoadingCountry") }
        if bl.consignee.country != bl.portOfDischarge.country { flag("consignee.countryIsNotDischargeCountry") }
        if bl.notifyParty != nil { flag("notifyParty") }
        flag("carrier=\(bl.carrierSCAC)")
        f["transhipments"] = Double(bl.transhipmentPorts.count)
        flag("transhipments=\(min(3, bl.transhipmentPorts.count))")
        flag("freightTerms=\(bl.freightTerms.rawValue)")
        flag("payment=\(bl.freightPayment.rawValue)")
        f["amendments"] = Double(bl.amendments.count)
        for amendment in bl.amendments {
            flag("amendment.field=\(amendment.field)")
            if amendment.hoursBeforeArrival < IndicatorDetector.lateAmendmentHours { flag("amendment.late") }
        }
        if !bl.shippersLoadAndCount { flag("carrierCounted") }

        // Route.
        for (role, ref) in [("loading", bl.portOfLoading), ("discharge", bl.portOfDischarge)] {
            if let port = index.portByLocode[ref.locode] {
                flag("\(role).region=\(port.region)")
                for tag in port.riskTags { flag("\(role).tag=\(tag)") }
                if port.hub { flag("\(role).hub") }
            }
        }
        for ref in bl.transhipmentPorts {
            if let port = index.portByLocode[ref.locode] {
                for tag in port.riskTags { flag("via.tag=\(tag)") }
                flag("via.region=\(port.region)")
            }
        }
        f["days.transit"] = Double(bl.estimatedArrival.daysSinceEpoch - bl.onBoard.daysSinceEpoch) / 10
        f["days.issuedAfterOnBoard"] = Double(bl.issued.daysSinceEpoch - bl.onBoard.daysSinceEpoch) / 5
        f["days.inspectionAfterOnBoard"] = Double(c.inspectionDate.daysSinceEpoch - bl.onBoard.daysSinceEpoch) / 10
        f["days.vgmBeforeOnBoard"] = Double(bl.onBoard.daysSinceEpoch - bl.vgm.date.daysSinceEpoch) / 5

        // Goods.
        f["lines"] = Double(bl.goods.count)
        if bl.goods.isEmpty { flag("goods.none") }
        f["logPackages"] = log1p(Double(bl.goods.reduce(0) { $0 + $1.packageCount })) / 3
        if let type {
            f["fill.volume"] = bl.declaredVolumeM3 / max(0.1, type.internalVolumeM3)
            f["fill.mass"] = Double(bl.declaredCargoGrossKG) / Double(max(1, type.maxPayloadKG))
            let expected = Double(type.tareKG + bl.declaredCargoGrossKG)
            let departure = (Double(bl.vgm.kg) - expected) / expected
            f["vgm.departure"] = max(-3, min(3, departure * 10))
            f["vgm.absDeparture"] = min(3, abs(departure) * 10)
        }
        flag("vgm.method=\(bl.vgm.method.rawValue)")
        for (i, line) in bl.goods.prefix(2).enumerated() {
            flag("hsChapter=\(line.hsCode.prefix(2))")
            flag("package=\(line.packageKind.rawValue)")
            guard let named = index.commodityByDescription[line.description.en] else {
                flag("goods.unnamed")
                continue
            }
            if i == 0 {
                flag("goods.material=\(named.material)")
                for tag in named.tags { flag("goods.tag=\(tag)") }
                if named.perishable { flag("goods.perishable") }
                if line.volumeM3 > 0 {
                    let ratio = (Double(line.grossKG) / line.volumeM3) / named.densityKGPerM3
                    f["density.logRatio"] = max(-3, min(3, log(max(1e-3, ratio)) * 3))
                }
                if !named.origins.contains(bl.portOfLoading.country) { flag("goods.notFromLoadingCountry") }
            }
        }

        // Seal record and log.
        for seal in c.targeting.seals {
            flag("seal.class=\(seal.securityClass.rawValue)")
            flag("seal.kind=\(seal.kind.rawValue)")
        }
        let sealLog = c.targeting.sealLog
        f["sealLog.entries"] = Double(sealLog.count)
        f["sealLog.numbers"] = Double(Set(sealLog.map(\.numberRead)).count)
        for entry in sealLog {
            flag("sealLog.event=\(entry.event.rawValue)")
            flag("sealLog.actor=\(entry.actor.rawValue)")
        }
        if (try? ContainerNumber(parsing: bl.containerNumber)) == nil { flag("containerNumber.invalid") }

        guard scope == .papersAndExamination else { return f }

        if let radiation = c.screening?.radiation {
            if radiation.gammaAlarm { flag("radiation.gammaAlarm") }
            if radiation.neutronAlarm { flag("radiation.neutronAlarm") }
            f["radiation.ratio"] =
                min(10, Double(radiation.gammaCountsPerSecond) / Double(max(1, radiation.backgroundCountsPerSecond)))
        }
        guard let exam = c.examination else { return f }
        f["obs.lines"] = Double(exam.observations.count) / 5
        var perPoint: [ExaminationPoint: Int] = [:]
        for observation in exam.observations {
            flag("obs=\(observation.point.rawValue).\(observation.code.rawValue)")
            flag("obsCode=\(observation.code.rawValue)")
            perPoint[observation.point, default: 0] += 1
            switch observation.code {
            case .internalLengthMeasured:
                if let type, let inside = Int(observation.parameters["insideMM"] ?? "") {
                    f["measure.lengthDeficit"] = max(-3, min(5, Double(type.internalLengthMM - inside) / 100))
                }
            case .internalHeightMeasured:
                if let type, let inside = Int(observation.parameters["insideMM"] ?? "") {
                    f["measure.heightDeficit"] = max(-3, min(5, Double(type.internalHeightMM - inside) / 50))
                }
            case .loadCountShort, .loadExtraPackages:
                if let counted = Double(observation.parameters["counted"] ?? ""),
                    let declared = Double(observation.parameters["declared"] ?? ""), declared > 0
                {
                    f["load.countDeparture"] = max(-3, min(3, (counted - declared) / declared * 10))
                }
            case .reeferRunningAtSetPoint:
                if let setPoint = Double(observation.parameters["setPointC"] ?? "") {
                    f["reefer.setPoint"] = setPoint / 10
                }
            default: break
            }
        }
        for (point, count) in perPoint { f["obs.lines.\(point.rawValue)"] = Double(count) }
        let seal = exam.seal
        if !seal.check.view { flag("vvtt.viewFailed") }
        if !seal.check.verify { flag("vvtt.verifyFailed") }
        if !seal.check.tug { flag("vvtt.tugFailed") }
        if !seal.check.twist { flag("vvtt.twistFailed") }
        if let bolt = seal.boltNumber, let bush = seal.bushNumber, bolt != bush { flag("seal.boltBushDiffer") }
        if !bl.sealNumbers.contains(seal.numberRead) { flag("seal.doorNotManifest") }
        if let last = sealLog.last, last.numberRead != seal.numberRead { flag("seal.doorNotLog") }
        if let registered = c.targeting.seals.first {
            if registered.maker != seal.makerMark { flag("seal.makerNotRegistered") }
            if let font = index.sealMakers.first(where: { $0.id == registered.maker })?.font, font != seal.font {
                flag("seal.fontNotRegisteredMakers")
            }
        }
        flag("seal.doorClass=\(seal.securityClass.rawValue)")
        return f
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
