import CargoModel
import CaseBundle
import CaseGeneration
import Scoring

/// Renders a case (and, for instructors, its key) as text a person reads, in one language: the lines `cargosim show`
/// prints, and the phrases the printed packs (`PaperExercise`, `MarkingGuide`) put in their tables.
public struct CaseText: Sendable {
    /// The translation tables.
    public let localizer: Localizer
    /// `en`, `es` or `pt`.
    public let lang: String
    /// Seal makers' names by id, from the catalogue.
    public var makerNames: [String: String] = [:]
    /// Goods descriptions by their English text, to quote documents in the reader's language.
    public var goodsTexts: [String: LocalizedText] = [:]

    /// Text in `lang`, naming seal makers and quoting goods through the given maps (ids and English text otherwise).
    public init(
        localizer: Localizer, lang: String, makerNames: [String: String] = [:],
        goodsTexts: [String: LocalizedText] = [:]
    ) {
        self.localizer = localizer
        self.lang = lang
        self.makerNames = makerNames
        self.goodsTexts = goodsTexts
    }

    /// The names the catalogue gives seal makers and goods, for quoting documents in the reader's language.
    public init(localizer: Localizer, lang: String, catalog: Catalog) {
        self.init(
            localizer: localizer, lang: lang,
            makerNames: Dictionary(catalog.sealMakers.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }),
            goodsTexts: Dictionary(
                (catalog.commodities.map(\.description) + catalog.vagueDescriptions).map { ($0.en, $0) },
                uniquingKeysWith: { a, _ in a }))
    }

    func quoted(_ text: String) -> String { goodsTexts[text]?.text(in: lang) ?? text }

    func maker(_ id: String) -> String { makerNames[id] ?? id }
    func font(_ name: String) -> String { localizer.has("font." + name) ? t("font." + name) : name }

    func t(_ key: String, _ parameters: [String: String] = [:]) -> String {
        localizer.text(key, lang, parameters)
    }
    func label(_ name: String) -> String { t("label." + name) }

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

    /// A temperature: whole degrees bare, else one decimal in the reader's notation.
    func celsius(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        if tenths % 10 == 0 { return "\(tenths / 10)" }
        return "\(tenths < 0 ? "-" : "")\(abs(tenths) / 10)\(lang == "en" ? "." : ",")\(abs(tenths) % 10)"
    }

    func decimal(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(abs(thousandths) % 1000).leftPad(3)
        return number(thousandths / 1000) + (lang == "en" ? "." : ",") + fraction
    }

    func party(_ party: Party) -> String {
        var facts = ["\(party.city), \(party.country)"]
        if party.trustedTrader != .none { facts.append(t("trustedTrader." + party.trustedTrader.rawValue)) }
        facts.append("\(label("yearsTrading")): \(party.yearsTrading)")
        facts.append("\(label("shipmentsLast12Months")): \(party.shipmentsLast12Months)")
        if party.isFreightForwarder { facts.append(label("freightForwarder")) }
        return party.name + " (" + facts.joined(separator: " · ") + ")"
    }

    func port(_ port: PortRef) -> String { "\(port.name) (\(port.locode))" }

    /// An instant to the minute, for reading on paper: `2026-04-26 18:29 UTC`.
    func time(_ instant: Instant) -> String {
        String(instant.description.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    private func heading(_ text: String) -> String { "\n== " + text + " ==" }

    /// The case up to and including `through` (all stages by default).
    public func render(_ c: InspectionCase, through last: Stage? = nil) -> [String] {
        var lines: [String] = []
        let shown = c.stages.filter { last == nil || $0 <= last! }
        lines.append(
            "\(label("case")) \(c.id) · \(t("vantage." + c.vantage.rawValue)) · \(label("inspectionPort")): "
                + "\(port(c.inspectionPort)) · \(label("inspectionDate")): \(c.inspectionDate)")
        let bl = c.targeting.billOfLading
        lines.append(heading(t("stage.targeting")))
        lines.append(
            "\(label("billOfLading")): \(bl.number)"
                + (bl.kind.map { " · \(t("billOfLadingKind." + $0.rawValue))" } ?? "")
                + " · \(label("issued")): \(bl.issued)")
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
            "\(label("container")): \(bl.containerNumber) · \(label("containerType")): \(bl.containerType)"
                + (bl.containerTareKG.map { " · \(label("containerTare")): \(number($0)) kg" } ?? "")
                + " · \(label("seals")): \(bl.sealNumbers.joined(separator: ", "))"
        )
        if let reefer = bl.reefer {
            let setting: String
            if reefer.nonOperating {
                setting = t("reefer.nonOperating")
            } else {
                let vent = reefer.ventilationM3h ?? 0
                setting = t(
                    "reefer.setting",
                    [
                        "setPointC": celsius(reefer.setPointC ?? 0),
                        "ventilation": vent == 0 ? t("reefer.ventClosed") : "\(vent) m³/h",
                    ])
            }
            lines.append("\(label("reeferInstruction")): \(setting)")
        }
        lines.append("\(label("goods")):")
        if bl.goods.isEmpty { lines.append("  " + label("none")) }
        for (i, line) in bl.goods.enumerated() {
            lines.append("  \(i + 1). \(label("hsCode")) \(line.hsCode) · \(line.description.text(in: lang))")
            if let dg = line.dangerousGoods {
                lines.append(
                    "     "
                        + t(
                            "label.dangerousGoodsLine",
                            [
                                "unNumber": dg.unNumber, "name": dg.properShippingName, "hazardClass": dg.hazardClass,
                                "packingGroup": dg.packingGroup ?? "—",
                            ]))
            }
            if let permit = line.permit { lines.append("     \(label("permit")): \(permit)") }
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
                    lines.append("  - " + self.observation(observation))
                }
            }
            lines.append("\(label("sealAsFound")): " + sealAsFound(exam.seal))
            lines.append("\(label("vvtt")): " + vvtt(exam.seal.check))
            if let m = exam.doorMarkings {
                lines.append(
                    "\(label("doorMarkings")): \(label("maxGross")) \(number(m.maxGrossKG)) kg · \(label("containerTare")) "
                        + "\(number(m.tareKG)) kg · \(label("payload")) \(number(m.payloadKG)) kg · \(label("cubicCapacity")) "
                        + "\(decimal(m.cubicCapacityM3)) m³")
                let p = m.cscPlate
                lines.append(
                    "\(label("cscPlate")): \(p.approvalReference) · \(label("cscManufactured")) \(p.manufactured) · "
                        + "\(p.manufacturerNumber) · \(label("maxGross")) \(number(p.maxOperatingGrossKG)) kg · "
                        + "\(label("cscStacking")) \(number(p.allowableStackingKG)) kg · \(label("cscExamination")) \(p.examination)"
                )
            }
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
    func readable(_ instant: Instant) -> String {
        let text = instant.description  // 2026-06-27T18:38:00.000Z
        guard text.count >= 16 else { return text }
        return text.prefix(10) + " " + text.dropFirst(11).prefix(5) + " UTC"
    }

    /// What an examination point showed, as a sentence.
    func observation(_ observation: Observation) -> String {
        var parameters = observation.parameters(in: lang)
        if let found = parameters["found"] {
            if observation.code == .sealMakerMarkDiffers { parameters["found"] = maker(found) }
            if observation.code == .sealFontDiffers { parameters["found"] = font(found) }
        }
        return t("observation." + observation.code.rawValue, parameters)
    }

    /// The seal as read at the door: number, class, kind, maker's mark, lettering, bolt and bush numbers.
    func sealAsFound(_ s: ObservedSeal) -> String {
        var seal =
            "\(s.numberRead) · \(t("sealClass." + s.securityClass.rawValue)) · \(t("sealKind." + s.kind.rawValue)) · "
            + "\(label("makerMark")): \(maker(s.makerMark)) · \(label("font")): \(font(s.font))"
        if let bolt = s.boltNumber { seal += " · \(label("boltNumber")): \(bolt)" }
        if let bush = s.bushNumber { seal += " · \(label("bushNumber")): \(bush)" }
        return seal
    }

    /// The label of an amended field (`goods[0].description` → the word for description).
    func amendedField(_ field: String) -> String {
        let name = field.split(separator: ".").last.map(String.init) ?? field
        let key = "label." + (name.contains("[") ? String(name.prefix { $0 != "[" }) : name)
        return localizer.has(key) ? t(key) : field
    }

    func vvtt(_ check: VVTTCheck) -> String {
        [("view", check.view), ("verify", check.verify), ("tug", check.tug), ("twist", check.twist)]
            .map { "\(label($0.0)) \($0.1 ? "✓" : "✗")" }.joined(separator: " ")
    }

    /// The answer key, for the instructor.
    public func render(_ key: AnswerKey) -> [String] {
        var lines = [heading(label("answerKey"))]
        lines.append(
            "\(label("scenario")): \(t("scenario." + key.scenario)) · \(label("irregular")): \(label(key.irregular ? "yes" : "no"))"
                + (key.threat.map { " · \(label("threat")): \(t("threat." + $0.rawValue))" } ?? ""))
        lines.append("\(label("difficulty")): " + difficulty(key))
        lines.append("\(label("expectations")):")
        for (stage, expectation) in expectations(key) {
            lines.append("  \(t("stage." + stage.rawValue)): \(expectation)")
        }
        lines.append("\(label("indicators")): " + indicators(key))
        lines.append("\(label("anomalies")):" + (key.anomalies.isEmpty ? " " + label("none") : ""))
        for a in key.anomalies { lines.append("  \(a.id) " + anomaly(a)) }
        lines.append("\(label("discrepancies")):" + (key.discrepancies.isEmpty ? " " + label("none") : ""))
        for d in key.discrepancies { lines.append("  " + discrepancy(d)) }
        lines.append("\(label("sealFindings")): " + sealFindings(key))
        lines.append("\(label("essentialPoints")): " + essentialPoints(key))
        lines.append("\(label("evidenceSteps")): " + evidenceSteps(key))
        lines.append("\(label("rationale")):")
        for line in rationale(key) { lines.append("  - " + line) }
        lines.append("\(label("seed")): \(key.seed)")
        return lines
    }

    // MARK: Phrases of the key (the text above and the marking guide's tables)

    /// "3/5 (factor 0.40, …)".
    func difficulty(_ key: AnswerKey) -> String {
        "\(key.difficulty.level)/5 ("
            + key.difficulty.factors.filter { $0.value > 0 }
            .map { "\(t("difficultyFactor." + $0.code.rawValue)) \(decimal($0.value))" }.joined(separator: ", ") + ")"
    }

    /// Per stage the key expects a decision at, in stage order: the best disposition and the others it accepts.
    func expectations(_ key: AnswerKey) -> [(Stage, String)] {
        Stage.allCases.compactMap { stage in
            guard let e = key.expectations[stage] else { return nil }
            let others = e.acceptable.filter { $0 != e.best }.map { disposition($0, agency: e.agency) }
            return (
                stage,
                "\(label("best")): \(disposition(e.best, agency: e.agency))"
                    + (others.isEmpty ? "" : " · \(label("acceptable")): " + others.joined(separator: ", "))
            )
        }
    }

    /// A disposition's name, with the agency for a referral.
    func disposition(_ disposition: Disposition, agency: Agency?) -> String {
        t("disposition." + disposition.rawValue)
            + (disposition == .referToAgency ? agency.map { " (\(t("agency." + $0.rawValue)))" } ?? "" : "")
    }

    func indicators(_ key: AnswerKey) -> String {
        key.indicators.isEmpty
            ? label("none")
            : key.indicators.map { t("indicator." + $0.code.rawValue) + ($0.harmless ? " (\(label("harmless")))" : "") }
                .joined(separator: "; ")
    }

    /// An anomaly's kind, zone, material, mass and box in container millimetres.
    func anomaly(_ a: Anomaly) -> String {
        "\(t("anomaly." + a.kind.rawValue)) · \(label("zone")): \(t("zone." + a.zone.rawValue)) · "
            + "\(label("material")): \(a.material) · \(label("massKG")): \(number(a.massKG)) · \(label("geometryMM")): "
            + "x \(a.box.x) y \(a.box.y) z \(a.box.z), \(a.box.length)×\(a.box.width)×\(a.box.height)"
    }

    func discrepancy(_ d: Discrepancy) -> String {
        let observed = localizer.has("observation." + d.observed) ? t("observation." + d.observed) : quoted(d.observed)
        return
            "\(t("discrepancy." + d.code.rawValue)): \(d.documentedIn) = \(quoted(d.documented)) ≠ \(d.observedIn) = \(observed)"
    }

    func sealFindings(_ key: AnswerKey) -> String {
        key.sealFindings.map { t("sealFinding." + $0.rawValue) }.joined(separator: ", ")
    }

    func essentialPoints(_ key: AnswerKey) -> String {
        key.examination.essentialPoints.map { t("point." + $0.rawValue) }.joined(separator: ", ")
    }

    func evidenceSteps(_ key: AnswerKey) -> String {
        key.evidenceSteps.enumerated().map { "\($0.offset + 1). " + t("evidenceStep." + $0.element.rawValue) }
            .joined(separator: " ")
    }

    /// The key's reasons as sentences, as the feedback gives them (`Feedback.line`).
    public func rationale(_ key: AnswerKey) -> [String] {
        key.rationale.map { Feedback.line(of: $0, language: lang) { localizer.text($0, lang, $1) } }
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
