import CargoModel

/// A course as a paper exercise: per case, a page per stage (the papers and the seal log; the portal reading and the
/// scan; the door end, the points that may be examined and each point's findings as slips to cut out; the custody
/// page), each with a box for the trainee's decision. It holds nothing of the key: what a trainee may see, stage
/// by stage, as the workspace shows it.
public struct PaperExercise: Sendable {
    /// The phrases and the language.
    public let text: CaseText

    /// An exercise in `text`'s language.
    public init(_ text: CaseText) { self.text = text }

    /// One case and its pictures.
    public struct Entry: Sendable {
        public var inspectionCase: InspectionCase
        public var pictures: CasePictures

        public init(inspectionCase: InspectionCase, pictures: CasePictures) {
            self.inspectionCase = inspectionCase
            self.pictures = pictures
        }
    }

    private func t(_ key: String, _ parameters: [String: String] = [:]) -> String { text.t(key, parameters) }
    private func label(_ name: String) -> String { text.label(name) }
    private func esc(_ s: String) -> String { PrintPage.escape(s) }

    /// The whole pack as one HTML page.
    public func html(courseId: String, title: String, entries: [Entry]) -> String {
        var body = "<section class=\"cover\">\n<h1>\(esc(t("print.exercise.title"))): \(esc(title))</h1>\n"
        body += "<p>\(esc(t("print.exercise.intro", ["count": "\(entries.count)", "course": courseId])))</p>\n"
        body += "<p class=\"trainee\">\(esc(t("print.trainee")))</p>\n<ol class=\"contents\">"
        body += entries.map { "<li>\(esc($0.inspectionCase.id))</li>" }.joined() + "</ol>\n</section>\n"
        for (n, entry) in entries.enumerated() {
            body += pages(entry, number: n + 1, of: entries.count)
        }
        return PrintPage.document(
            language: text.lang, title: "\(t("print.exercise.title")) — \(title)", printLabel: t("print.print"),
            body: body)
    }

    private func head(_ c: InspectionCase, _ stage: Stage, number: Int, of count: Int) -> String {
        "<div class=\"case-head\"><h2>\(esc(label("case"))) \(esc(c.id)) · \(esc(t("stage." + stage.rawValue)))</h2>"
            + "<span class=\"meta\">\(esc(t("print.caseOf", ["n": "\(number)", "count": "\(count)"]))) · "
            + "\(esc(t("vantage." + c.vantage.rawValue))) · \(esc(text.port(c.inspectionPort))) · \(c.inspectionDate)"
            + "</span></div>\n"
    }

    private func pages(_ entry: Entry, number: Int, of count: Int) -> String {
        let c = entry.inspectionCase
        var h = ""
        for stage in c.stages {
            let wide = stage == .screening && entry.pictures.scan != nil
            h +=
                "<section class=\"page\(wide ? " wide" : "")\" data-case=\"\(esc(c.id))\" data-stage=\"\(stage.rawValue)\">\n"
            h += head(c, stage, number: number, of: count)
            switch stage {
            case .targeting: h += papers(c)
            case .screening: h += screening(c, entry.pictures)
            case .examination: h += examination(c, entry.pictures)
            case .evidence: h += evidence(c)
            }
            h += answerBox(stage)
            h += "</section>\n"
        }
        return h
    }

    // MARK: The stages

    private func papers(_ c: InspectionCase) -> String {
        let bl = c.targeting.billOfLading
        var h = "<h3>\(esc(label("billOfLading")))</h3>\n"
        h += "<div class=\"two\">"
        h += PrintPage.facts([
            (label("billOfLading"), bl.number), (label("issued"), "\(bl.issued)"),
            (label("carrier"), "\(bl.carrier) (\(bl.carrierSCAC))"), (label("vessel"), bl.vessel),
            (label("voyage"), bl.voyage), (label("onBoard"), "\(bl.onBoard)"), (label("eta"), "\(bl.estimatedArrival)"),
            (label("freightTerms"), t("freightTerms." + bl.freightTerms.rawValue)),
            (label("freightPayment"), t("freightPayment." + bl.freightPayment.rawValue)),
        ])
        h += PrintPage.facts([
            (label("container"), bl.containerNumber), (label("containerType"), "\(bl.containerType)"),
            (label("seals"), bl.sealNumbers.joined(separator: ", ")),
            (label("placeOfReceipt"), text.port(bl.placeOfReceipt)),
            (label("portOfLoading"), text.port(bl.portOfLoading)),
            (
                label("transhipment"),
                bl.transhipmentPorts.isEmpty
                    ? label("none") : bl.transhipmentPorts.map(text.port).joined(separator: ", ")
            ),
            (label("portOfDischarge"), text.port(bl.portOfDischarge)),
            (label("placeOfDelivery"), text.port(bl.placeOfDelivery)),
        ])
        h += "</div>\n"
        h += PrintPage.facts([
            (label("shipper"), text.party(bl.shipper)), (label("consignee"), text.party(bl.consignee)),
            (label("notifyParty"), bl.notifyParty.map(text.party) ?? label("none")),
        ])
        h += "<h3>\(esc(label("goods")))</h3>\n"
        h += PrintPage.grid(
            [
                "#", label("hsCode"), label("description"), label("packages"), label("grossKG"), label("netKG"),
                label("volumeM3"), label("marks"),
            ],
            bl.goods.enumerated().map { i, line in
                [
                    "\(i + 1)", line.hsCode, line.description.text(in: text.lang),
                    "\(text.number(line.packageCount)) \(t("package." + line.packageKind.rawValue))",
                    text.number(line.grossKG), text.number(line.netKG), text.decimal(line.volumeM3), line.marks,
                ]
            })
        h += PrintPage.facts([
            (label("totalGross"), "\(text.number(bl.declaredCargoGrossKG)) kg"),
            (
                label("vgm"),
                "\(text.number(bl.vgm.kg)) kg · \(t("vgmMethod." + bl.vgm.method.rawValue)) · "
                    + "\(label("signatory")): \(bl.vgm.signatory) · \(bl.vgm.date)"
            ),
            (label("slac"), bl.shippersLoadAndCount ? label("yes") : ""),
            (
                label("amendments"),
                bl.amendments.map { "\(text.amendedField($0.field)) (\($0.filedAt))" }.joined(separator: "; ")
            ),
        ])
        h += "<h3>\(esc(label("seals")))</h3>\n"
        h += PrintPage.grid(
            [label("seals"), label("vvtt"), label("makerMark")],
            c.targeting.seals.map {
                [
                    $0.number, "\(t("sealClass." + $0.securityClass.rawValue)) · \(t("sealKind." + $0.kind.rawValue))",
                    text.maker($0.maker),
                ]
            })
        h += "<h3>\(esc(label("sealLog")))</h3>\n"
        h += PrintPage.grid(
            [
                label("time"), label("event"), label("actor"), label("place"), label("numberRead"), label("vvtt"),
                label("recordedBy"),
            ],
            c.targeting.sealLog.map { e in
                [
                    text.time(e.time), t("sealEvent." + e.event.rawValue), t("sealActor." + e.actor.rawValue), e.place,
                    e.numberRead, e.check.map(text.vvtt) ?? "—", e.recordedBy,
                ]
            })
        return h
    }

    private func screening(_ c: InspectionCase, _ pictures: CasePictures) -> String {
        guard let screening = c.screening else { return notReleased(.screening) }
        let r = screening.radiation
        var h = "<h3>\(esc(label("radiation")))</h3>\n"
        h += PrintPage.grid(
            [label("gammaCPS"), label("backgroundCPS"), label("gammaAlarm"), label("neutronAlarm")],
            [
                [
                    "\(r.gammaCountsPerSecond)", "\(r.backgroundCountsPerSecond)", label(r.gammaAlarm ? "yes" : "no"),
                    label(r.neutronAlarm ? "yes" : "no"),
                ]
            ])
        if let scan = pictures.scan {
            h += PrintPage.scan(scan, alt: t("print.scanAlt"))
            if let reference = screening.scans.first {
                h +=
                    "<p class=\"muted\">\(esc(reference.profile)), \(reference.pixelPitchMM) mm/px, "
                    + "\(reference.widthPixels) × \(reference.heightPixels) px</p>\n"
            }
        } else {
            h += "<p class=\"muted\">\(esc(label("scans"))): \(esc(label("none")))</p>\n"
        }
        return h
    }

    private func examination(_ c: InspectionCase, _ pictures: CasePictures) -> String {
        guard let exam = c.examination else { return notReleased(.examination) }
        var h = ""
        if let door = pictures.door {
            h += "<div class=\"door\"><img alt=\"\(esc(t("print.doorAlt")))\" src=\"\(esc(door))\"></div>\n"
        }
        h += "<h3>\(esc(t("print.pointsAvailable")))</h3>\n<p>"
        h += esc(exam.points.map { t("point." + $0.rawValue) }.joined(separator: " · ")) + "</p>\n"
        h += "<h3>\(esc(t("print.findingsCutOut")))</h3>\n<div class=\"slips\">"
        for point in exam.points {
            h += "<div class=\"slip\"><h4>\(esc(t("point." + point.rawValue)))</h4><ul>"
            let seen = exam.observations.filter { $0.point == point }
            h += seen.map { "<li>\(esc(text.observation($0)))</li>" }.joined()
            if point == .seal {
                h += "<li>\(esc(label("sealAsFound"))): \(esc(text.sealAsFound(exam.seal)))</li>"
                h += "<li>\(esc(label("vvtt"))): \(esc(text.vvtt(exam.seal.check)))</li>"
            }
            if seen.isEmpty && point != .seal { h += "<li>\(esc(t("print.nothingFound")))</li>" }
            h += "</ul></div>"
        }
        return h + "</div>\n"
    }

    private func evidence(_ c: InspectionCase) -> String {
        guard let evidence = c.evidence else { return notReleased(.evidence) }
        var h = PrintPage.facts([(label("replacementSeal"), evidence.replacementSealNumber)])
        h += "<h3>\(esc(t("print.custodySteps")))</h3>\n"
        h += (1...6).map { "<p class=\"lines\">\($0).</p>" }.joined() + "\n"
        return h
    }

    private func notReleased(_ stage: Stage) -> String {
        "<p>\(esc(t("cli.stageNotReleased", ["stage": t("stage." + stage.rawValue)])))</p>\n"
    }

    /// The trainee's decision at the stage: the dispositions it offers to tick, and what else the stage records.
    private func answerBox(_ stage: Stage) -> String {
        var h = "<div class=\"answer\"><h3>\(esc(t("print.decision")))</h3><ul>"
        h += Disposition.options(at: stage).map { "<li>\(esc(t("disposition." + $0.rawValue)))</li>" }.joined()
        h += "</ul>"
        switch stage {
        case .targeting: h += "<p class=\"lines\">\(esc(t("print.indicatorsFlagged")))</p><p class=\"lines\"></p>"
        case .screening: h += "<p>\(esc(t("print.markOnScan")))</p>"
        case .examination:
            h +=
                "<p class=\"lines\">\(esc(t("print.pointsChosen")))</p><p class=\"lines\">\(esc(label("sealFindings")))</p>"
        case .evidence: h += "<p class=\"lines\">\(esc(t("print.agency")))</p>"
        }
        return h + "</div>\n"
    }
}
