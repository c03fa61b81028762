import CargoModel
import CaseBundle

/// Renders a case (and, for instructors, its key) as text a person reads, in one language.
struct CaseText {
    let localizer: Localizer
    let lang: String
    /// Seal makers' names by id, from the catalogue.
    var makerNames: [String: String] = [:]
    /// Goods descriptions by their English text, to quote documents in the reader's language.
    var goodsTexts: [String: LocalizedText] = [:]

    private func quoted(_ text: String) -> String { goodsTexts[text]?.text(in: lang) ?? text }

    private func maker(_ id: String) -> String { makerNames[id] ?? id }
    private func font(_ name: String) -> String { localizer.has("font." + name) ? t("font." + name) : name }

    private func t(_ key: String, _ parameters: [String: String] = [:]) -> String {
        localizer.text(key, lang, parameters)
    }
    private func label(_ name: String) -> String { t("label." + name) }

    func number(_ value: Int) -> String {
        let separator: Character = lang == "en" ? "," : "."
        let digits = Array(String(abs(value)))
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(separator) }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    func decimal(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(abs(thousandths) % 1000).leftPad(3)
        return number(thousandths / 1000) + (lang == "en" ? "." : ",") + fraction
    }

    private func party(_ party: Party) -> String {
        var facts = ["\(party.city), \(party.country)"]
        if party.trustedTrader != .none { facts.append(t("trustedTrader." + party.trustedTrader.rawValue)) }
        facts.append("\(label("yearsTrading")): \(party.yearsTrading)")
        facts.append("\(label("shipmentsLast12Months")): \(party.shipmentsLast12Months)")
        if party.isFreightForwarder { facts.append(label("freightForwarder")) }
        return party.name + " (" + facts.joined(separator: " · ") + ")"
    }

    private func port(_ port: PortRef) -> String { "\(port.name) (\(port.locode))" }

    private func heading(_ text: String) -> String { "\n== " + text + " ==" }

    /// The case up to and including `through` (all stages by default).
    func render(_ c: InspectionCase, through last: Stage? = nil) -> [String] {
        var lines: [String] = []
        let shown = c.stages.filter { last == nil || $0 <= last! }
        lines.append(
            "\(label("case")) \(c.id) · \(t("vantage." + c.vantage.rawValue)) · \(label("inspectionPort")): "
                + "\(port(c.inspectionPort)) · \(label("inspectionDate")): \(c.inspectionDate)")
        let bl = c.targeting.billOfLading
        lines.append(heading(t("stage.targeting")))
        lines.append("\(label("billOfLading")): \(bl.number) · \(label("issued")): \(bl.issued)")
        lines.append("\(label("shipper")): \(party(bl.shipper))")
        lines.append("\(label("consignee")): \(party(bl.consignee))")
        lines.append("\(label("notifyParty")): \(bl.notifyParty.map(party) ?? label("none"))")
        lines.append(
            "\(label("carrier")): \(bl.carrier) (\(bl.carrierSCAC)) · \(label("vessel")): \(bl.vessel) · \(label("voyage")): \(bl.voyage)"
        )
        lines.append(
            "\(label("placeOfReceipt")): \(port(bl.placeOfReceipt)) · \(label("portOfLoading")): \(port(bl.portOfLoading))"
        )
        lines.append(
            "\(label("transhipment")): "
                + (bl.transhipmentPorts.isEmpty
                    ? label("none") : bl.transhipmentPorts.map(port).joined(separator: ", ")))
        lines.append(
            "\(label("portOfDischarge")): \(port(bl.portOfDischarge)) · \(label("placeOfDelivery")): \(port(bl.placeOfDelivery))"
        )
        lines.append("\(label("onBoard")): \(bl.onBoard) · \(label("eta")): \(bl.estimatedArrival)")
        lines.append(
            "\(label("freightTerms")): \(t("freightTerms." + bl.freightTerms.rawValue)) · \(label("freightPayment")): \(t("freightPayment." + bl.freightPayment.rawValue))"
        )
        lines.append(
            "\(label("container")): \(bl.containerNumber) · \(label("containerType")): \(bl.containerType) · \(label("seals")): \(bl.sealNumbers.joined(separator: ", "))"
        )
        lines.append("\(label("goods")):")
        if bl.goods.isEmpty { lines.append("  " + label("none")) }
        for (i, line) in bl.goods.enumerated() {
            lines.append("  \(i + 1). \(label("hsCode")) \(line.hsCode) · \(line.description.text(in: lang))")
            lines.append(
                "     \(number(line.packageCount)) \(t("package." + line.packageKind.rawValue)) · \(label("grossKG")) \(number(line.grossKG)) · "
                    + "\(label("netKG")) \(number(line.netKG)) · \(label("volumeM3")) \(decimal(line.volumeM3)) · \(label("marks")): \(line.marks)"
            )
        }
        lines.append("\(label("totalGross")): \(number(bl.declaredCargoGrossKG)) kg")
        lines.append(
            "\(label("vgm")): \(number(bl.vgm.kg)) kg · \(t("vgmMethod." + bl.vgm.method.rawValue)) · \(label("signatory")): \(bl.vgm.signatory) · \(bl.vgm.date)"
        )
        if bl.shippersLoadAndCount { lines.append(label("slac")) }
        if !bl.amendments.isEmpty {
            lines.append(
                "\(label("amendments")): "
                    + bl.amendments.map { "\(amendedField($0.field)) (\(readable($0.filedAt)))" }
                    .joined(separator: "; "))
        }
        for seal in c.targeting.seals {
            lines.append(
                "\(label("seals")): \(seal.number) · \(t("sealClass." + seal.securityClass.rawValue)) · "
                    + "\(t("sealKind." + seal.kind.rawValue)) · \(label("makerMark")): \(maker(seal.maker))")
        }
        lines.append("\(label("sealLog")):")
        for entry in c.targeting.sealLog {
            var row =
                "  \(readable(entry.time)) · \(t("sealEvent." + entry.event.rawValue)) · \(t("sealActor." + entry.actor.rawValue)) · "
                + "\(entry.place) · \(label("numberRead")): \(entry.numberRead)"
            if let check = entry.check { row += " · \(label("vvtt")): " + vvtt(check) }
            row += " · \(label("recordedBy")): \(entry.recordedBy)"
            lines.append(row)
        }
        if shown.contains(.screening), let screening = c.screening {
            lines.append(heading(t("stage.screening")))
            let r = screening.radiation
            lines.append(
                "\(label("radiation")): \(label("gammaCPS")) \(r.gammaCountsPerSecond) · \(label("backgroundCPS")) \(r.backgroundCountsPerSecond) · "
                    + "\(label("gammaAlarm")): \(label(r.gammaAlarm ? "yes" : "no")) · \(label("neutronAlarm")): \(label(r.neutronAlarm ? "yes" : "no"))"
            )
            lines.append(
                "\(label("scans")): "
                    + (screening.scans.isEmpty ? label("none") : screening.scans.map(\.file).joined(separator: ", ")))
        }
        if shown.contains(.examination), let exam = c.examination {
            lines.append(heading(t("stage.examination")))
            for point in exam.points {
                lines.append("\(t("point." + point.rawValue)):")
                for observation in exam.observations where observation.point == point {
                    var parameters = observation.parameters(in: lang)
                    if let found = parameters["found"] {
                        if observation.code == .sealMakerMarkDiffers { parameters["found"] = maker(found) }
                        if observation.code == .sealFontDiffers { parameters["found"] = font(found) }
                    }
                    lines.append("  - " + t("observation." + observation.code.rawValue, parameters))
                }
            }
            let s = exam.seal
            var seal =
                "\(label("sealAsFound")): \(s.numberRead) · \(t("sealClass." + s.securityClass.rawValue)) · \(t("sealKind." + s.kind.rawValue)) · "
                + "\(label("makerMark")): \(maker(s.makerMark)) · \(label("font")): \(font(s.font))"
            if let bolt = s.boltNumber { seal += " · \(label("boltNumber")): \(bolt)" }
            if let bush = s.bushNumber { seal += " · \(label("bushNumber")): \(bush)" }
            lines.append(seal)
            lines.append("\(label("vvtt")): " + vvtt(s.check))
        }
        if shown.contains(.evidence), let evidence = c.evidence {
            lines.append(heading(t("stage.evidence")))
            lines.append("\(label("replacementSeal")): \(evidence.replacementSealNumber)")
        }
        if let missing = c.stages.first(where: { shown.contains($0) && !c.has($0) }) {
            lines.append("\n" + t("cli.stageNotReleased", ["stage": t("stage." + missing.rawValue)]))
        } else if let last, let next = c.stages.first(where: { $0 > last }) {
            lines.append("\n" + t("cli.stageHidden") + " (" + t("stage." + next.rawValue) + ")")
        }
        return lines
    }

    /// An instant as people read it in a log: `2026-06-27 18:38 UTC` (the case's times are UTC).
    private func readable(_ instant: Instant) -> String {
        let text = instant.description  // 2026-06-27T18:38:00.000Z
        guard text.count >= 16 else { return text }
        return text.prefix(10) + " " + text.dropFirst(11).prefix(5) + " UTC"
    }

    /// The label of an amended field (`goods[0].description` → the word for description).
    private func amendedField(_ field: String) -> String {
        let name = field.split(separator: ".").last.map(String.init) ?? field
        let key = "label." + (name.contains("[") ? String(name.prefix { $0 != "[" }) : name)
        return localizer.has(key) ? t(key) : field
    }

    private func vvtt(_ check: VVTTCheck) -> String {
        [("view", check.view), ("verify", check.verify), ("tug", check.tug), ("twist", check.twist)]
            .map { "\(label($0.0)) \($0.1 ? "✓" : "✗")" }.joined(separator: " ")
    }

    /// The answer key, for the instructor.
    func render(_ key: AnswerKey) -> [String] {
        var lines = [heading(label("answerKey"))]
        lines.append(
            "\(label("scenario")): \(t("scenario." + key.scenario)) · \(label("irregular")): \(label(key.irregular ? "yes" : "no"))"
                + (key.threat.map { " · \(label("threat")): \(t("threat." + $0.rawValue))" } ?? ""))
        lines.append(
            "\(label("difficulty")): \(key.difficulty.level)/5 ("
                + key.difficulty.factors.filter { $0.value > 0 }
                .map { "\(t("difficultyFactor." + $0.code.rawValue)) \(decimal($0.value))" }.joined(separator: ", ")
                + ")")
        lines.append("\(label("expectations")):")
        for stage in Stage.allCases {
            guard let e = key.expectations[stage] else { continue }
            func name(_ disposition: Disposition) -> String {
                t("disposition." + disposition.rawValue)
                    + (disposition == .referToAgency ? e.agency.map { " (\(t("agency." + $0.rawValue)))" } ?? "" : "")
            }
            let others = e.acceptable.filter { $0 != e.best }.map(name)
            lines.append(
                "  \(t("stage." + stage.rawValue)): \(label("best")): \(name(e.best))"
                    + (others.isEmpty ? "" : " · \(label("acceptable")): " + others.joined(separator: ", ")))
        }
        lines.append(
            "\(label("indicators")): "
                + (key.indicators.isEmpty
                    ? label("none")
                    : key.indicators.map {
                        t("indicator." + $0.code.rawValue) + ($0.harmless ? " (\(label("harmless")))" : "")
                    }.joined(separator: "; ")))
        lines.append("\(label("anomalies")):" + (key.anomalies.isEmpty ? " " + label("none") : ""))
        for a in key.anomalies {
            lines.append(
                "  \(a.id) \(t("anomaly." + a.kind.rawValue)) · \(label("zone")): \(t("zone." + a.zone.rawValue)) · "
                    + "\(label("material")): \(a.material) · \(label("massKG")): \(number(a.massKG)) · \(label("geometryMM")): "
                    + "x \(a.box.x) y \(a.box.y) z \(a.box.z), \(a.box.length)×\(a.box.width)×\(a.box.height)")
        }
        lines.append("\(label("discrepancies")):" + (key.discrepancies.isEmpty ? " " + label("none") : ""))
        for d in key.discrepancies {
            let observed =
                localizer.has("observation." + d.observed) ? t("observation." + d.observed) : quoted(d.observed)
            lines.append(
                "  \(t("discrepancy." + d.code.rawValue)): \(d.documentedIn) = \(quoted(d.documented)) ≠ \(d.observedIn) = \(observed)"
            )
        }
        lines.append(
            "\(label("sealFindings")): "
                + key.sealFindings.map { t("sealFinding." + $0.rawValue) }.joined(separator: ", "))
        lines.append(
            "\(label("essentialPoints")): "
                + key.examination.essentialPoints.map { t("point." + $0.rawValue) }.joined(separator: ", "))
        lines.append(
            "\(label("evidenceSteps")): "
                + key.evidenceSteps.enumerated().map { "\($0.offset + 1). " + t("evidenceStep." + $0.element.rawValue) }
                .joined(separator: " "))
        lines.append("\(label("rationale")):")
        for item in key.rationale {
            var parameters = item.parameters(in: lang)
            if let indicator = parameters["indicator"] { parameters["indicator"] = t("indicator." + indicator) }
            if let explanation = parameters["explanation"] {
                parameters["explanation"] = t("explanation." + explanation)
            }
            for name in ["kind"] { if let v = parameters[name] { parameters[name] = t("anomaly." + v) } }
            for name in ["zone"] { if let v = parameters[name] { parameters[name] = t("zone." + v) } }
            for name in ["threat"] { if let v = parameters[name] { parameters[name] = t("threat." + v) } }
            if let v = parameters["agency"] { parameters["agency"] = t("agency." + v) }
            if let v = parameters["method"] { parameters["method"] = t("observation." + v) }
            if let v = parameters["programme"] { parameters["programme"] = t("trustedTrader." + v) }
            if let v = parameters["signs"] {
                parameters["signs"] = v.split(separator: ",").map { t("observation." + $0) }.joined(separator: "; ")
            }
            lines.append("  - " + t("rationale." + item.code.rawValue, parameters))
        }
        lines.append("\(label("seed")): \(key.seed)")
        return lines
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
