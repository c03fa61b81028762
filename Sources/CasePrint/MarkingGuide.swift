import CargoModel

/// A course's answer keys for the person who marks or reviews it: per case, the scan with the key's regions (boxes
/// and masks) drawn over it, the expected decision at each stage, the risk indicators, the concealments, the
/// discrepancies, the seal findings, the examination and custody the key expects, the rationale, and a line for the
/// expert's signature. `cargosim review-pack` writes it as one file; the server prints it from the console.
public struct MarkingGuide: Sendable {
    /// The phrases and the language.
    public let text: CaseText
    /// `review.title` for the expert's review pack, `print.guide.title` for the marking guide.
    public var titleKey: String
    /// `review.intro` or `print.guide.intro` (parameters `count`, `course`).
    public var introKey: String

    /// A guide in `text`'s language, titled by `titleKey` and introduced by `introKey`.
    public init(_ text: CaseText, titleKey: String = "print.guide.title", introKey: String = "print.guide.intro") {
        self.text = text
        self.titleKey = titleKey
        self.introKey = introKey
    }

    /// One case: its document, its key and where its pictures come from.
    public struct Entry: Sendable {
        public var inspectionCase: InspectionCase
        public var key: AnswerKey
        public var pictures: CasePictures

        public init(inspectionCase: InspectionCase, key: AnswerKey, pictures: CasePictures) {
            self.inspectionCase = inspectionCase
            self.key = key
            self.pictures = pictures
        }
    }

    private func t(_ key: String, _ parameters: [String: String] = [:]) -> String { text.t(key, parameters) }
    private func label(_ name: String) -> String { text.label(name) }
    private func esc(_ s: String) -> String { PrintPage.escape(s) }

    /// The whole guide as one HTML page: a cover, then a page (A4 landscape) per case in the order given.
    public func html(courseId: String, title: String, entries: [Entry]) -> String {
        var body = "<section class=\"cover\">\n<h1>\(esc(t(titleKey))): \(esc(title))</h1>\n"
        body += "<p class=\"key-note\">\(esc(t("print.keyOnly")))</p>\n"
        body += "<p>\(esc(t(introKey, ["count": "\(entries.count)", "course": courseId])))</p>\n"
        body += "<ol class=\"contents\">" + entries.map { "<li>\(esc($0.key.caseId))</li>" }.joined() + "</ol>\n"
        body += "</section>\n"
        for (n, entry) in entries.enumerated() { body += section(n + 1, entry) }
        return PrintPage.document(
            language: text.lang, title: "\(t(titleKey)) — \(title)", printLabel: t("print.print"), body: body)
    }

    private func section(_ number: Int, _ entry: Entry) -> String {
        let key = entry.key, c = entry.inspectionCase
        var h = "<section class=\"page wide key\" id=\"\(esc(key.caseId))\" data-case=\"\(esc(key.caseId))\">\n"
        h += "<div class=\"case-head\"><h2>\(number). \(esc(key.caseId)) · \(esc(t("scenario." + key.scenario)))</h2>"
        h +=
            "<span class=\"meta\">\(esc(t("vantage." + c.vantage.rawValue))) · \(esc(c.targeting.billOfLading.containerNumber))"
        h += " · \(esc(t("review.difficulty"))) \(key.difficulty.level)/5</span></div>\n"
        if let picture = entry.pictures.scan {
            // The key's pixel boxes of the scan shown (the three images of a case share one geometry).
            let scanKey =
                key.scans.first { $0.widthPixels == picture.widthPixels && $0.heightPixels == picture.heightPixels }
                ?? key.scans.first
            h += PrintPage.scan(picture, alt: t("print.scanAlt"), anomalies: scanKey?.anomalies ?? [])
            if let scanKey {
                h +=
                    "<p class=\"muted\">\(esc(t("print.guide.regionsNote"))) · \(esc(scanKey.profile)), "
                    + "\(scanKey.pixelPitchMM) mm/px, \(scanKey.widthPixels) × \(scanKey.heightPixels) px</p>\n"
            }
        } else {
            h += "<p>\(esc(t("review.noScan")))</p>\n"
        }
        var rows: [(String, String)] = [
            (label("irregular"), label(key.irregular ? "yes" : "no")),
            (label("threat"), key.threat.map { t("threat." + $0.rawValue) } ?? ""),
            (label("difficulty"), text.difficulty(key)),
        ]
        rows += text.expectations(key).map { (t("stage." + $0.0.rawValue), $0.1) }
        rows.append((label("indicators"), text.indicators(key)))
        for a in key.anomalies {
            let pixels = key.scans.first?.anomalies.first { $0.anomalyId == a.id }
            rows.append(
                (
                    "\(label("anomalies")) \(a.id)",
                    text.anomaly(a) + (pixels.map { " · CNR \($0.contrastToNoise)" } ?? "")
                ))
        }
        rows += key.discrepancies.map { (label("discrepancies"), text.discrepancy($0)) }
        rows += [
            (label("sealFindings"), text.sealFindings(key)), (label("essentialPoints"), text.essentialPoints(key)),
            (label("evidenceSteps"), text.evidenceSteps(key)),
        ]
        h += PrintPage.facts(rows)
        h += "<h3>\(esc(label("rationale")))</h3>\n<ul>\n"
        h += text.rationale(key).map { "<li>\(esc($0))</li>\n" }.joined()
        h += "</ul>\n<p class=\"sign\">\(esc(t("review.signOff")))</p>\n</section>\n"
        return h
    }
}
