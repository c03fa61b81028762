import CargoModel
import Foundation

/// The labels reports use (`report.<label>` in `Assets/i18n/`).
public enum ReportLabel: String, Sendable, CaseIterable {
    case title, trainee, attempts, hits, misses, falseAlarms, correctRejections, hitRate, falseAlarmRate, dPrime
    case aPrime, criterion, meanScore, localisation, responseTime, cohort, items, item, difficulty, discrimination
    case flags, rocTitle, dPrimeTitle, learningTitle, missByKindTitle, block, missRate, kind, interval, noFlaggedItems
    case intervalsNote, topic, glanceTitle, cohortMean, stagesTitle, stage
}

extension CohortReport {
    /// Translates `report.<label>` through `text`.
    static func label(_ l: ReportLabel, _ text: (String, [String: String]) -> String) -> String {
        text("report.\(l.rawValue)", [:])
    }

    /// The report as JSON (sorted keys, indented).
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? encoder.encode(self)) ?? Data()
    }

    /// One row per trainee and a last row for the cohort; raw counts, rates with their Wilson intervals,
    /// d′ with its interval, A′, c.
    public func csv() -> String {
        var lines = [
            "trainee,attempts,hits,misses,falseAlarms,correctRejections,hitRate,hitRateLow,hitRateHigh,"
                + "falseAlarmRate,falseAlarmRateLow,falseAlarmRateHigh,dPrime,dPrimeLow,dPrimeHigh,aPrime,c,meanScore,"
                + "regionsFound,regionsToFind,falseMarks,meanResponseSeconds"
        ]
        for t in trainees + [cohort] {
            let d = t.detection, c = d.counts
            let fields: [String] = [
                csvField(t.traineeId), "\(t.attempts)", "\(c.hits)", "\(c.misses)", "\(c.falseAlarms)",
                "\(c.correctRejections)",
                num(d.hitRate), num(d.hitRateInterval?.lower), num(d.hitRateInterval?.upper),
                num(d.falseAlarmRate), num(d.falseAlarmRateInterval?.lower), num(d.falseAlarmRateInterval?.upper),
                num(d.dPrime), num(d.dPrimeInterval?.lower), num(d.dPrimeInterval?.upper), num(d.aPrime),
                num(d.criterion),
                num(t.meanScore), "\(t.localisation.found)", "\(t.localisation.toFind)", "\(t.localisation.falseMarks)",
                num(t.meanResponseSeconds, 1),
            ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A plain-text summary an instructor reads at a glance.
    public func text(_ text: (String, [String: String]) -> String) -> String {
        func L(_ l: ReportLabel) -> String { Self.label(l, text) }
        var out = L(.title) + "\n\n"
        let header = [L(.trainee), "n", "H", "F", "d′ [95 %]", "A′", "c", L(.meanScore)]
        var rows: [[String]] = []
        for t in trainees + [cohort] {
            let d = t.detection
            rows.append([
                t.traineeId == "cohort" ? L(.cohort) : t.traineeId, "\(t.attempts)",
                "\(num(d.hitRate)) (\(d.counts.hits)/\(d.counts.signalTrials))",
                "\(num(d.falseAlarmRate)) (\(d.counts.falseAlarms)/\(d.counts.noiseTrials))",
                "\(num(d.dPrime)) [\(num(d.dPrimeInterval?.lower)), \(num(d.dPrimeInterval?.upper))]",
                num(d.aPrime), num(d.criterion), num(t.meanScore),
            ])
        }
        out += table([header] + rows)
        out += "\n" + L(.intervalsNote) + "\n\n" + L(.missByKindTitle) + "\n"
        out += table(
            [[L(.kind), L(.attempts), L(.missRate)]]
                + cohort.byKind.map { g in
                    [
                        text("anomaly.\(g.group)", [:]), "\(g.detection.counts.signalTrials)",
                        g.detection.hitRate.map { num(1 - $0) } ?? "n/a",
                    ]
                })
        if cohort.byStage != nil {
            // Per decision stage: each stage's own hits and false alarms (alarm = not released at that stage).
            out += "\n" + L(.stagesTitle) + "\n"
            var stageRows: [[String]] = [[L(.trainee), L(.stage), "H", "F", "d′ [95 %]"]]
            for t in trainees + [cohort] {
                for s in t.byStage ?? [] {
                    let d = s.detection
                    stageRows.append([
                        t.traineeId == "cohort" ? L(.cohort) : t.traineeId, text("stage.\(s.stage.rawValue)", [:]),
                        "\(num(d.hitRate)) (\(d.counts.hits)/\(d.counts.signalTrials))",
                        "\(num(d.falseAlarmRate)) (\(d.counts.falseAlarms)/\(d.counts.noiseTrials))",
                        "\(num(d.dPrime)) [\(num(d.dPrimeInterval?.lower)), \(num(d.dPrimeInterval?.upper))]",
                    ])
                }
            }
            out += table(stageRows)
        }
        let flagged = items.filter { !$0.flags.isEmpty && !$0.flags.contains(.tooFewAttempts) }
        out += "\n" + L(.items) + "\n"
        if flagged.isEmpty {
            out += L(.noFlaggedItems) + "\n"
        } else {
            out += table(
                [[L(.item), L(.topic), L(.difficulty), L(.discrimination), L(.flags)]]
                    + flagged.map { item in
                        [
                            item.caseId, text("scenario.\(item.scenario)", [:]), num(item.difficulty),
                            num(item.discrimination),
                            item.flags.map { text("report.flag.\($0.rawValue)", [:]) }.joined(separator: ", "),
                        ]
                    })
        }
        return out
    }

    /// A self-contained HTML page with inline SVG plots: trainees in ROC space, d′ with intervals,
    /// learning curves, miss rate by concealment kind.
    public func html(language: String, _ text: (String, [String: String]) -> String) -> String {
        func L(_ l: ReportLabel) -> String { escapeHTML(Self.label(l, text)) }
        // Localisation is shown only when the attempts were graded against scans.
        let scans = cohort.localisation.toFind > 0 || cohort.localisation.falseMarks > 0
        var body = "<h1>\(L(.title))</h1>\n"
        body += glance(text)
        body += "<h2>\(L(.rocTitle))</h2>\n" + rocPlot() + "\n"
        body += "<h2>\(L(.dPrimeTitle))</h2>\n" + dPrimePlot() + "\n<p class=\"note\">\(L(.intervalsNote))</p>\n"
        body +=
            "<h2>\(L(.learningTitle))</h2>\n"
            + learningPlot(blockLabel: L(.block), scoreLabel: L(.meanScore), meanLabel: L(.cohortMean)) + "\n"
        body += "<h2>\(L(.missByKindTitle))</h2>\n" + missByKindPlot(text) + "\n"
        var table =
            "<table><tr><th>\(L(.trainee))</th><th>n</th><th>\(L(.hits))</th><th>\(L(.misses))</th>"
            + "<th>\(L(.falseAlarms))</th><th>\(L(.correctRejections))</th><th>H</th><th>F</th><th>d′</th>"
            + "<th>\(L(.interval))</th><th>A′</th><th>c</th><th>\(L(.meanScore))</th>"
            + (scans ? "<th>\(L(.localisation))</th>" : "") + "</tr>\n"
        for t in trainees + [cohort] {
            let d = t.detection, c = d.counts
            table +=
                "<tr><td>\(escapeHTML(t.traineeId == "cohort" ? Self.label(.cohort, text) : t.traineeId))</td><td>\(t.attempts)</td>"
                + "<td>\(c.hits)</td><td>\(c.misses)</td><td>\(c.falseAlarms)</td><td>\(c.correctRejections)</td>"
                + "<td>\(num(d.hitRate))</td><td>\(num(d.falseAlarmRate))</td><td>\(num(d.dPrime))</td>"
                + "<td>[\(num(d.dPrimeInterval?.lower)), \(num(d.dPrimeInterval?.upper))]</td><td>\(num(d.aPrime))</td>"
                + "<td>\(num(d.criterion))</td><td>\(num(t.meanScore))</td>"
                + (scans ? "<td>\(t.localisation.found)/\(t.localisation.toFind)</td>" : "") + "</tr>\n"
        }
        table += "</table>\n"
        body += "<h2>\(L(.trainee))</h2>\n" + table
        let flagged = items.filter { !$0.flags.isEmpty && !$0.flags.contains(.tooFewAttempts) }
        body += "<h2>\(L(.items))</h2>\n"
        if flagged.isEmpty {
            body += "<p>\(L(.noFlaggedItems))</p>\n"
        } else {
            body +=
                "<table><tr><th>\(L(.item))</th><th>\(L(.difficulty))</th><th>\(L(.discrimination))</th><th>\(L(.flags))</th></tr>\n"
            for item in flagged {
                body +=
                    "<tr><td>\(escapeHTML(item.caseId))</td><td>\(num(item.difficulty))</td><td>\(num(item.discrimination))</td><td>"
                    + escapeHTML(item.flags.map { text("report.flag.\($0.rawValue)", [:]) }.joined(separator: ", "))
                    + "</td></tr>\n"
            }
            body += "</table>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="\(escapeHTML(language))"><head><meta charset="utf-8"><title>\(L(.title))</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; max-width: 60em; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; } th, td { border-bottom: 1px solid #ddd; padding: .2em .6em; text-align: right; }
            th:first-child, td:first-child { text-align: left; } svg { background: #fafafa; border: 1px solid #ddd; }
            .note { color: #555; font-size: .9em; }
            .glance { background: #f3f6fa; border-left: 4px solid #36a; padding: .2em 1em; }
            .glance li { margin: .3em 0; }
            </style></head><body>
            \(body)</body></html>

            """
    }

    /// The summary an instructor reads first: the cohort's figures, who is weakest and strongest, the
    /// concealment missed most, and how many cases need a look.
    func glance(_ text: (String, [String: String]) -> String) -> String {
        let d = cohort.detection
        var lines = [
            text(
                "report.glance.cohort",
                [
                    "trainees": "\(trainees.count)", "attempts": "\(cohort.attempts)", "hitRate": num(d.hitRate),
                    "falseAlarmRate": num(d.falseAlarmRate), "dPrime": num(d.dPrime),
                    "low": num(d.dPrimeInterval?.lower), "high": num(d.dPrimeInterval?.upper),
                ])
        ]
        let ranked = trainees.filter { $0.detection.dPrime != nil }.sorted {
            ($0.detection.dPrime!, $0.traineeId) < ($1.detection.dPrime!, $1.traineeId)
        }
        if ranked.count >= 2 {
            let shown = min(3, ranked.count / 2)
            func list(_ part: some Sequence<TraineeReport>) -> String {
                part.map { "\($0.traineeId) (\(num($0.detection.dPrime)))" }.joined(separator: ", ")
            }
            lines.append(text("report.glance.weakest", ["list": list(ranked.prefix(shown))]))
            lines.append(text("report.glance.strongest", ["list": list(ranked.suffix(shown).reversed())]))
        }
        let missed = cohort.byKind.filter { $0.detection.counts.signalTrials > 0 }.max {
            let a = $0.detection.counts, b = $1.detection.counts
            return Double(a.misses) / Double(a.signalTrials) < Double(b.misses) / Double(b.signalTrials)
        }
        if let missed, missed.detection.counts.misses > 0 {
            let c = missed.detection.counts
            lines.append(
                text(
                    "report.glance.mostMissed",
                    [
                        "kind": text("anomaly.\(missed.group)", [:]),
                        "rate": num(Double(c.misses) / Double(c.signalTrials)), "cases": "\(c.signalTrials)",
                    ]))
        }
        let review = items.filter { !$0.flags.isEmpty && !$0.flags.contains(.tooFewAttempts) }.count
        lines.append(text("report.glance.review", ["count": "\(review)"]))
        return "<section class=\"glance\"><h2>\(escapeHTML(Self.label(.glanceTitle, text)))</h2><ul>"
            + lines.map { "<li>\(escapeHTML($0))</li>" }.joined() + "</ul></section>\n"
    }

    // MARK: Plots (inline SVG, no scripts)

    private func rocPlot() -> String {
        let size = 320.0, pad = 40.0
        func px(_ f: Double) -> Double { pad + f * size }
        func py(_ h: Double) -> Double { pad + (1 - h) * size }
        var svg =
            "<svg width=\"\(Int(size + 2 * pad))\" height=\"\(Int(size + 2 * pad))\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">"
        svg += "<rect x=\"\(pad)\" y=\"\(pad)\" width=\"\(size)\" height=\"\(size)\" fill=\"white\" stroke=\"#999\"/>"
        svg +=
            "<line x1=\"\(px(0))\" y1=\"\(py(0))\" x2=\"\(px(1))\" y2=\"\(py(1))\" stroke=\"#bbb\" stroke-dasharray=\"4\"/>"
        // Iso-sensitivity curves d′ = 1, 2, 3.
        for d in [1.0, 2.0, 3.0] {
            let points = stride(from: 0.001, through: 0.999, by: 0.01).map { f -> String in
                let h = Normal.cdf(Normal.quantile(f) + d)
                return "\(fmt(px(f))),\(fmt(py(h)))"
            }.joined(separator: " ")
            svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"#dde\"/>"
            svg +=
                "<text x=\"\(fmt(px(0.02)))\" y=\"\(fmt(py(Normal.cdf(Normal.quantile(0.02) + d)) - 3))\" font-size=\"9\" fill=\"#99a\">d′=\(Int(d))</text>"
        }
        for t in trainees {
            guard let h = t.detection.hitRate, let f = t.detection.falseAlarmRate else { continue }
            svg +=
                "<circle cx=\"\(fmt(px(f)))\" cy=\"\(fmt(py(h)))\" r=\"4\" fill=\"#2a6\" fill-opacity=\"0.7\"><title>\(escapeHTML(t.traineeId)): H=\(num(h)) F=\(num(f))</title></circle>"
        }
        svg += "<text x=\"\(pad + size / 2)\" y=\"\(size + pad + 30)\" text-anchor=\"middle\" font-size=\"12\">F</text>"
        svg += "<text x=\"12\" y=\"\(pad + size / 2)\" font-size=\"12\">H</text>"
        for v in [0.0, 0.5, 1.0] {
            svg +=
                "<text x=\"\(fmt(px(v)))\" y=\"\(size + pad + 14)\" text-anchor=\"middle\" font-size=\"10\">\(v)</text>"
            svg += "<text x=\"\(pad - 4)\" y=\"\(fmt(py(v) + 3))\" text-anchor=\"end\" font-size=\"10\">\(v)</text>"
        }
        return svg + "</svg>"
    }

    private func dPrimePlot() -> String {
        let rows = trainees.filter { $0.detection.dPrime != nil }
        let rowHeight = 16.0, pad = 70.0, width = 420.0
        let lows = rows.compactMap { $0.detection.dPrimeInterval?.lower },
            highs = rows.compactMap { $0.detection.dPrimeInterval?.upper }
        let lo = min(0, (lows.min() ?? 0).rounded(.down)), hi = max(1, (highs.max() ?? 1).rounded(.up))
        func x(_ v: Double) -> Double { pad + (v - lo) / (hi - lo) * width }
        let height = Double(rows.count) * rowHeight + 40
        var svg =
            "<svg width=\"\(Int(width + pad + 20))\" height=\"\(Int(height))\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">"
        var tick = lo
        while tick <= hi {
            svg +=
                "<line x1=\"\(fmt(x(tick)))\" y1=\"10\" x2=\"\(fmt(x(tick)))\" y2=\"\(fmt(height - 20))\" stroke=\"#eee\"/>"
            svg +=
                "<text x=\"\(fmt(x(tick)))\" y=\"\(fmt(height - 6))\" text-anchor=\"middle\" font-size=\"10\">\(Int(tick))</text>"
            tick += 1
        }
        for (i, t) in rows.enumerated() {
            let y = 20 + Double(i) * rowHeight
            let d = t.detection
            if let interval = d.dPrimeInterval {
                svg +=
                    "<line x1=\"\(fmt(x(interval.lower)))\" y1=\"\(fmt(y))\" x2=\"\(fmt(x(interval.upper)))\" y2=\"\(fmt(y))\" stroke=\"#468\" stroke-width=\"2\"/>"
            }
            svg += "<circle cx=\"\(fmt(x(d.dPrime!)))\" cy=\"\(fmt(y))\" r=\"3.5\" fill=\"#135\"/>"
            svg +=
                "<text x=\"\(pad - 6)\" y=\"\(fmt(y + 3))\" text-anchor=\"end\" font-size=\"10\">\(escapeHTML(t.traineeId))</text>"
        }
        return svg + "</svg>"
    }

    private func learningPlot(blockLabel: String, scoreLabel: String, meanLabel: String) -> String {
        let width = 420.0, height = 220.0, pad = 40.0
        let blocks = max(1, trainees.map(\.learningCurve.count).max() ?? 1)
        func x(_ block: Int) -> Double { pad + (blocks > 1 ? Double(block - 1) / Double(blocks - 1) : 0.5) * width }
        func y(_ score: Double) -> Double { pad / 2 + (1 - score) * height }
        var svg =
            "<svg width=\"\(Int(width + 2 * pad))\" height=\"\(Int(height + 2 * pad))\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">"
        svg +=
            "<rect x=\"\(pad)\" y=\"\(pad / 2)\" width=\"\(width)\" height=\"\(height)\" fill=\"white\" stroke=\"#999\"/>"
        for t in trainees where !t.learningCurve.isEmpty {
            let points = t.learningCurve.map { "\(fmt(x($0.block))),\(fmt(y($0.meanScore)))" }.joined(separator: " ")
            svg +=
                "<polyline points=\"\(points)\" fill=\"none\" stroke=\"#36a\" stroke-opacity=\"0.45\"><title>\(escapeHTML(t.traineeId))</title></polyline>"
        }
        // The cohort's mean per block (over the trainees who reached it), drawn over the trainees' lines.
        var means: [String] = []
        for block in 1...blocks {
            let scores = trainees.compactMap { $0.learningCurve.first { $0.block == block }?.meanScore }
            if !scores.isEmpty {
                means.append("\(fmt(x(block))),\(fmt(y(scores.reduce(0, +) / Double(scores.count))))")
            }
        }
        if means.count > 1 {
            svg +=
                "<polyline points=\"\(means.joined(separator: " "))\" fill=\"none\" stroke=\"#123\" stroke-width=\"3\"><title>\(meanLabel)</title></polyline>"
            svg +=
                "<text x=\"\(pad + width)\" y=\"\(fmt(pad / 2 - 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#123\">━ \(meanLabel)</text>"
        }
        svg +=
            "<text x=\"\(pad + width / 2)\" y=\"\(height + pad + 10)\" text-anchor=\"middle\" font-size=\"12\">\(blockLabel)</text>"
        svg += "<text x=\"4\" y=\"14\" font-size=\"12\">\(scoreLabel)</text>"
        for v in [0.0, 0.5, 1.0] {
            svg += "<text x=\"\(pad - 4)\" y=\"\(fmt(y(v) + 3))\" text-anchor=\"end\" font-size=\"10\">\(v)</text>"
        }
        return svg + "</svg>"
    }

    private func missByKindPlot(_ text: (String, [String: String]) -> String) -> String {
        let groups = cohort.byKind.filter { $0.detection.counts.signalTrials > 0 }
        let rowHeight = 18.0, pad = 170.0, width = 300.0
        let height = Double(groups.count) * rowHeight + 30
        var svg =
            "<svg width=\"\(Int(pad + width + 60))\" height=\"\(Int(height))\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">"
        for (i, g) in groups.enumerated() {
            let c = g.detection.counts
            let miss = Double(c.misses) / Double(c.signalTrials)
            let y = 10 + Double(i) * rowHeight
            svg +=
                "<rect x=\"\(pad)\" y=\"\(fmt(y))\" width=\"\(fmt(miss * width))\" height=\"\(rowHeight - 4)\" fill=\"#c64\"/>"
            svg +=
                "<text x=\"\(pad - 6)\" y=\"\(fmt(y + 11))\" text-anchor=\"end\" font-size=\"10\">\(escapeHTML(text("anomaly.\(g.group)", [:])))</text>"
            svg +=
                "<text x=\"\(fmt(pad + miss * width + 4))\" y=\"\(fmt(y + 11))\" font-size=\"10\">\(num(miss)) (\(c.misses)/\(c.signalTrials))</text>"
        }
        return svg + "</svg>"
    }
}

func num(_ x: Double?, _ digits: Int = 2) -> String {
    guard let x, x.isFinite else { return "n/a" }
    return String(format: "%.\(digits)f", x)
}

func fmt(_ x: Double) -> String { String(format: "%.1f", x) }

func csvField(_ text: String) -> String {
    text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}

func table(_ rows: [[String]]) -> String {
    guard let first = rows.first else { return "" }
    var widths = [Int](repeating: 0, count: first.count)
    for row in rows {
        for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
    }
    return rows.map { row in
        row.enumerated().map { i, cell in cell + String(repeating: " ", count: widths[i] - cell.count) }.joined(
            separator: "  ")
    }.joined(separator: "\n") + "\n"
}

extension ScanGeometry {
    /// The scans of a case (their sizes) and the key's regions on them.
    public init(scansOf inspectionCase: InspectionCase, regions: [KeyRegion] = []) {
        self.init(
            frames: (inspectionCase.screening?.scans ?? []).map {
                ScanFrame(file: $0.file, widthPixels: $0.widthPixels, heightPixels: $0.heightPixels)
            }, regions: regions)
    }

    /// The scans of a case and the key's pixel boxes on each of them: every scan of the case rendered
    /// with a profile and size the key lists (display and grey images share one geometry).
    public init(scansOf inspectionCase: InspectionCase, key: AnswerKey) {
        var regions: [KeyRegion] = []
        for reference in inspectionCase.screening?.scans ?? [] {
            for scan in key.scans
            where scan.profile == reference.profile && scan.widthPixels == reference.widthPixels
                && scan.heightPixels == reference.heightPixels
            {
                regions += scan.anomalies.map {
                    KeyRegion(
                        scan: reference.file, anomalyId: $0.anomalyId,
                        box: RegionBox(
                            x: Double($0.box.x), y: Double($0.box.y), width: Double($0.box.width),
                            height: Double($0.box.height)))
                }
            }
        }
        self.init(scansOf: inspectionCase, regions: regions)
    }
}
