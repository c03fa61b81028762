import CargoModel

/// The targeting rules: which risk indicators the documents of a case show, with the values
/// that show them.
///
/// The generator never "tags" a case with indicators; it writes documents, and these rules read
/// them, as a risk engine would. The key's indicator list is exactly what the rules find, so a
/// test can recompute it from the trainee pack alone.
public struct IndicatorDetector: Sendable {
    let index: CatalogIndex
    /// Relative departure of the VGM from tare plus declared cargo above which it is flagged
    /// (SOLAS leaves the tolerance to states; ±5 % is common, e.g. France).
    public static let vgmTolerance = 0.05
    /// A declared stowage density further than this factor from the commodity's typical one is implausible.
    public static let densityFactor = 1.6
    /// An amendment filed less than this many hours before arrival is late.
    public static let lateAmendmentHours = 24
    /// A route whose sea distance through its transhipment ports exceeds the direct sea distance by this factor is
    /// circuitous. A transhipment at a hub on the lane adds 5–30 %; the WCO's risk indicators name routeing that
    /// makes no commercial sense, and half as far again as sailing direct is where CargoSim draws that line.
    public static let circuitousRatio = 1.5

    public init(catalog: Catalog) { index = CatalogIndex(catalog) }
    init(index: CatalogIndex) { self.index = index }

    /// The indicators the case shows, each with its evidence, sorted by code.
    public func indicators(in inspectionCase: InspectionCase) -> [(RiskIndicator, [String: String])] {
        var found: [(RiskIndicator, [String: String])] = []
        let bl = inspectionCase.targeting.billOfLading
        let log = inspectionCase.targeting.sealLog
        let discharge = index.portByLocode[bl.portOfDischarge.locode]
        let routePorts = [bl.placeOfReceipt, bl.portOfLoading] + bl.transhipmentPorts

        if inspectionCase.vantage != .export {
            for ref in routePorts {
                guard let port = index.portByLocode[ref.locode] else { continue }
                if port.isRisky(towards: discharge) {
                    found.append((.highRiskOrigin, ["port": port.locode]))
                    break
                }
            }
        }
        if let ratio = detourRatio(bl), ratio > Self.circuitousRatio {
            found.append((.circuitousRouting, ["route": routeText(bl), "ratio": decimal2(ratio)]))
        }
        if bl.consignee.yearsTrading == 0 || bl.consignee.shipmentsLast12Months == 0 {
            found.append((.newConsignee, ["consignee": bl.consignee.name]))
        }
        if bl.consignee.isFreightForwarder {
            found.append((.forwarderAsConsignee, ["consignee": bl.consignee.name]))
        }
        if bl.shipper.yearsTrading == 0 || bl.shipper.shipmentsLast12Months == 0 {
            found.append((.newShipper, ["shipper": bl.shipper.name]))
        }
        if let vague = bl.goods.first(where: { index.vagueTexts.contains($0.description.en) }) {
            found.append((.vagueDescription, ["description": vague.description.en]))
        }
        for line in bl.goods {
            if let named = index.commodityByDescription[line.description.en], named.hsCode != line.hsCode {
                found.append((.hsDescriptionMismatch, ["hsCode": line.hsCode, "description": line.description.en]))
                break
            }
        }
        if let type = ContainerType.named(bl.containerType) {
            let expected = (bl.containerTareKG ?? type.tareKG) + bl.declaredCargoGrossKG
            let departure = Double(bl.vgm.kg - expected) / Double(expected)
            if abs(departure) > Self.vgmTolerance {
                found.append(
                    (
                        .vgmMismatch,
                        [
                            "vgmKG": "\(bl.vgm.kg)", "expectedKG": "\(expected)",
                            "differencePercent": percent(departure),
                        ]
                    ))
            }
            if type.family == .reefer, !bl.goods.isEmpty,
                bl.goods.allSatisfy({ index.commodityByDescription[$0.description.en].map { !$0.perishable } ?? false })
            {
                found.append((.reeferNonPerishable, ["goods": bl.goods[0].description.en]))
            }
        }
        for line in bl.goods {
            guard let named = index.commodityByDescription[line.description.en], line.volumeM3 > 0 else { continue }
            let ratio = (Double(line.grossKG) / line.volumeM3) / named.densityKGPerM3
            if ratio > Self.densityFactor || ratio < 1 / Self.densityFactor {
                found.append((.implausibleDensity, ["grossKG": "\(line.grossKG)", "volumeM3": format3(line.volumeM3)]))
                break
            }
        }
        let lastRead = log.last?.numberRead
        if let lastRead, !bl.sealNumbers.contains(lastRead) {
            found.append((.sealNumberMismatch, ["manifest": bl.sealNumbers.joined(separator: ","), "log": lastRead]))
        }
        for (previous, entry) in zip(log, log.dropFirst())
        where entry.numberRead != previous.numberRead && entry.event != .replaced && previous.event != .removed {
            found.append(
                (
                    .sealChangedWithoutRecord,
                    [
                        "place": entry.place, "before": previous.numberRead,
                        "after": entry.numberRead,
                    ]
                ))
            break
        }
        if inspectionCase.targeting.seals.contains(where: { $0.securityClass != .highSecurity }) {
            let seal = inspectionCase.targeting.seals.first { $0.securityClass != .highSecurity }!
            found.append((.nonCompliantSealClass, ["seal": seal.number, "class": seal.securityClass.rawValue]))
        }
        if (try? ContainerNumber(parsing: bl.containerNumber)) == nil {
            found.append((.invalidCheckDigit, ["containerNumber": bl.containerNumber]))
        }
        for line in bl.goods {
            if let named = index.commodityByDescription[line.description.en], let table = named.precursorTable {
                found.append((.controlledPrecursor, ["goods": line.description.en, "table": table]))
                break
            }
        }
        if bl.freightPayment == .cash {
            found.append((.cashFreightPayment, [:]))
        }
        if let late = bl.amendments.first(where: { $0.hoursBeforeArrival < Self.lateAmendmentHours }) {
            found.append((.lateAmendment, ["field": late.field, "hoursBeforeArrival": "\(late.hoursBeforeArrival)"]))
        }
        if let radiation = inspectionCase.screening?.radiation, radiation.gammaAlarm || radiation.neutronAlarm {
            found.append(
                (
                    .radiationAlarm,
                    [
                        "gammaCPS": "\(radiation.gammaCountsPerSecond)",
                        "backgroundCPS": "\(radiation.backgroundCountsPerSecond)",
                    ]
                ))
        }
        return found.sorted { $0.0 < $1.0 }
    }

    /// The route's sea distance (loading, transhipments, discharge) over the direct sea distance; nil without a
    /// transhipment or when a port is not in the catalogue.
    public func detourRatio(_ bl: BillOfLading) -> Double? {
        guard !bl.transhipmentPorts.isEmpty else { return nil }
        let route = ([bl.portOfLoading] + bl.transhipmentPorts + [bl.portOfDischarge]).map(\.locode)
        guard let total = index.sea.routeMiles(route),
            let direct = index.sea.nauticalMiles(from: bl.portOfLoading.locode, to: bl.portOfDischarge.locode),
            direct > 0
        else { return nil }
        return total / direct
    }

    func routeText(_ bl: BillOfLading) -> String {
        ([bl.portOfLoading] + bl.transhipmentPorts + [bl.portOfDischarge]).map(\.locode).joined(separator: " > ")
    }
}

/// A number with two decimals (`1.83`).
func decimal2(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = String(abs(hundredths % 100))
    return "\(hundredths / 100)." + String(repeating: "0", count: 2 - fraction.count) + fraction
}

func percent(_ fraction: Double) -> String {
    let tenths = Int((fraction * 1000).rounded())
    return "\(tenths < 0 ? "-" : "")\(abs(tenths) / 10).\(abs(tenths) % 10)"
}
