import CargoModel
import CaseGeneration

/// An independent reading of a case for discrepancies, written from the trainee's side: it
/// looks only at what the case shows (documents, seal record and log, examination) and at the
/// catalogue, never at the generator's intentions.
enum DiscrepancyFinder {
    static func find(in c: InspectionCase, catalog: Catalog) -> Set<DiscrepancyCode> {
        var found = Set<DiscrepancyCode>()
        let bl = c.targeting.billOfLading
        let type = ContainerType.named(bl.containerType)!
        if let last = c.targeting.sealLog.last?.numberRead, !bl.sealNumbers.contains(last) {
            found.insert(.sealNumberManifestVersusLog)
        }
        if let exam = c.examination {
            let seal = exam.seal
            let recorded = c.targeting.seals.first { $0.number == seal.numberRead }
            if let recorded {
                if recorded.maker != seal.makerMark { found.insert(.sealMaker) }
                let font = catalog.sealMakers.first { $0.id == recorded.maker }?.font
                if let font, font != seal.font { found.insert(.sealFont) }
            }
            if let bolt = seal.boltNumber, let bush = seal.bushNumber, bolt != bush {
                found.insert(.sealBoltVersusBush)
            }
            if let painted = exam.observations.first(where: { $0.code == .containerNumberAsPainted })?.parameters[
                "number"],
                (try? ContainerNumber(parsing: painted))?.compact != bl.containerNumber
            {
                found.insert(.containerCheckDigit)
            }
            for o in exam.observations {
                switch o.code {
                case .internalLengthMeasured where type.internalLengthMM - Int(o.parameters["insideMM"]!)! > 50:
                    found.insert(.internalLength)
                case .internalHeightMeasured where type.internalHeightMM - Int(o.parameters["insideMM"]!)! > 40:
                    found.insert(.internalHeight)
                case .loadDiffersFromManifest, .loadCartonsContainOtherGoods, .loadExtraPackages:
                    found.insert(.goodsVersusDeclaration)
                case .loadSpaceEmpty:
                    found.insert(.massVersusDeclaration)
                default: break
                }
            }
        }
        let expected = (bl.containerTareKG ?? type.tareKG) + bl.declaredCargoGrossKG
        if abs(Double(bl.vgm.kg - expected)) / Double(expected) > 0.05 { found.insert(.vgmVersusDeclared) }
        if let line = bl.goods.first,
            let named = catalog.commodities.first(where: { $0.description.en == line.description.en }),
            named.hsCode != line.hsCode
        {
            found.insert(.hsCodeVersusDescription)
        }
        return found
    }
}
