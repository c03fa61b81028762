import CargoModel

extension CaseSpec {
    /// Checks the spec against the catalogue: known commodities and ports, a known container
    /// type, goods that fit the container's maximum gross, and a seal story and concealment
    /// that the scenario can tell.
    ///
    /// Field paths are relative to the spec (`goods[1].commodity`, `route.origin`), so that a
    /// reader that kept source positions can point at the line.
    public func validate(against catalog: Catalog) -> ValidationReport {
        var report = ValidationReport()
        let type = containerType.flatMap(ContainerType.named)
        if let code = containerType, type == nil {
            report.add(
                ValidationError(
                    code: "spec.containerType", field: "containerType", value: code,
                    message: "Use one of the size/type codes " + ContainerType.all.map(\.code).joined(separator: ", ")
                        + "."))
        }
        var cargoKG = 0.0
        var cargoM3 = 0.0
        for (i, line) in (goods ?? []).enumerated() {
            guard let commodity = catalog.commodity(line.commodity) else {
                let near = closestMatch(to: line.commodity, in: catalog.commodities.map(\.id))
                report.add(
                    ValidationError(
                        code: "spec.commodity", field: "goods[\(i)].commodity", value: line.commodity,
                        message: "Unknown commodity; use an id from Assets/catalog/commodities.json"
                            + (near.map { " (did you mean \($0)?)" } ?? ".")))
                continue
            }
            if let packages = line.packages {
                if packages < 1 {
                    report.add(
                        ValidationError(
                            code: "spec.packages", field: "goods[\(i)].packages", value: "\(packages)",
                            message: "Give at least one package."))
                }
                cargoKG += Double(packages) * commodity.packageGrossKG
                cargoM3 += Double(packages) * commodity.packageVolumeM3
            }
            if let type {
                if commodity.liquidBulk != (type.family == .tank) {
                    report.add(
                        ValidationError(
                            code: "spec.goodsContainer", field: "goods[\(i)].commodity", value: line.commodity,
                            message: commodity.liquidBulk
                                ? "Liquid bulk travels in a tank container; set containerType: 22T1."
                                : "A tank container carries liquid bulk only; choose a box type for \(line.commodity).")
                    )
                }
            }
        }
        if let type, cargoKG > 0 {
            if Int(cargoKG.rounded()) + type.tareKG > type.maxGrossKG {
                report.add(
                    ValidationError(
                        code: "spec.overweight", field: "goods", value: "\(Int(cargoKG.rounded())) kg",
                        message: "Cargo plus tare (\(type.tareKG) kg) exceeds the \(type.code)'s maximum gross of "
                            + "\(type.maxGrossKG) kg; reduce the packages to at most \(type.maxPayloadKG) kg of cargo.")
                )
            }
            if cargoM3 > type.internalVolumeM3 {
                report.add(
                    ValidationError(
                        code: "spec.overvolume", field: "goods", value: String(format3(cargoM3)) + " m³",
                        message:
                            "The packages need more room than the \(type.code) has (\(format3(type.internalVolumeM3)) m³); "
                            + "reduce the packages or choose a bigger container."))
            }
        }
        for (field, code) in [("route.origin", route?.origin), ("route.discharge", route?.discharge)] {
            if let code { report.merge(Self.checkPort(code, catalog: catalog, field: field), under: "") }
        }
        for (i, code) in (route?.via ?? []).enumerated() {
            report.merge(Self.checkPort(code, catalog: catalog, field: "route.via[\(i)]"), under: "")
        }
        if let origin = route?.origin, let discharge = route?.discharge, origin == discharge {
            report.add(
                ValidationError(
                    code: "spec.route", field: "route.discharge", value: discharge,
                    message: "The port of discharge must differ from the origin."))
        }
        for (field, party) in [("shipper", shipper), ("consignee", consignee)] {
            if let country = party?.country,
                !(country.count == 2 && country.allSatisfy { $0.isASCII && $0.isUppercase })
            {
                report.add(
                    ValidationError(
                        code: "spec.country", field: "\(field).country", value: country,
                        message: "Give an ISO 3166-1 alpha-2 country code in capitals (e.g. PE)."))
            }
            if let years = party?.yearsTrading, years < 0 || years > 200 {
                report.add(
                    ValidationError(
                        code: "spec.years", field: "\(field).yearsTrading", value: "\(years)",
                        message: "Give the years of trading as a number from 0 to 200."))
            }
        }
        if let mass = concealment?.massKG, mass < 1 || mass > 20_000 {
            report.add(
                ValidationError(
                    code: "spec.concealmentMass", field: "concealment.massKG", value: "\(mass)",
                    message: "Give the concealed mass in kg, from 1 to 20000."))
        }
        if let number = sealNumber, !Seal.isValidNumber(number) {
            report.add(
                ValidationError(
                    code: "spec.sealNumber", field: "sealNumber", value: number,
                    message:
                        "A seal number is 4 to 15 capital letters (A-Z) and digits, with no spaces or punctuation (e.g. EG4471902)."
                ))
        }
        if let level = difficulty, !(1...5).contains(level) {
            report.add(
                ValidationError(
                    code: "spec.difficulty", field: "difficulty", value: "\(level)",
                    message: "Give a difficulty from 1 (easy) to 5 (hard)."))
        }
        let scenario = self.scenario
        if let kind = concealment?.kind, let scenario, !scenario.isIrregularByDefault, scenario != .nonCompliantSeal,
            scenario != .sealNumberDiscrepancy, scenario != .invalidCheckDigit
        {
            report.add(
                ValidationError(
                    code: "spec.concealment", field: "concealment.kind", value: kind.rawValue,
                    message:
                        "Scenario \(scenario.rawValue) has nothing hidden; remove the concealment or choose another scenario."
                ))
        }
        if let type, type.family != .reefer,
            [.reeferNonPerishable, .reeferUnitConcealment, .reeferInsulation].contains(scenario)
                || [.reeferUnit, .reeferInsulation].contains(concealment?.kind)
        {
            report.add(
                ValidationError(
                    code: "spec.reefer", field: "containerType", value: type.code,
                    message: "This story needs a refrigerated container; set containerType: 22R1 or 45R1."))
        }
        return report
    }

    private static func checkPort(_ code: String, catalog: Catalog, field: String) -> ValidationReport {
        var report = ValidationReport()
        if !PortRef.isValidLocode(code) {
            report.add(
                ValidationError(
                    code: "spec.locode", field: field, value: code,
                    message: "Give a UN/LOCODE: country code and three letters or digits (e.g. ECGYE)."))
        } else if catalog.port(code) == nil {
            let near = closestMatch(to: code, in: catalog.ports.map(\.locode))
            report.add(
                ValidationError(
                    code: "spec.port", field: field, value: code,
                    message: "Port not in Assets/catalog/ports.json; add it there with its source or use a listed one"
                        + (near.map { " (did you mean \($0)?)" } ?? ".")))
        }
        return report
    }
}

func format3(_ value: Double) -> String {
    let thousandths = Int((value * 1000).rounded())
    let fraction = String(abs(thousandths % 1000))
    return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}
