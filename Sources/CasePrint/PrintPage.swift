import CargoModel
import Scoring

/// Where a printed pack takes a case's pictures from: data URIs (a self-contained file from the command line) or
/// addresses the server answers (a page printed from the browser).
public struct CasePictures: Sendable {
    /// The colour scan (`scan.png`) and its size in pixels, which the key's pixel boxes are drawn against.
    public var scan: (source: String, widthPixels: Int, heightPixels: Int)?
    /// The door end drawing (`door.svg`).
    public var door: String?

    /// No pictures unless given: a case without them prints its tables only.
    public init(scan: (source: String, widthPixels: Int, heightPixels: Int)? = nil, door: String? = nil) {
        self.scan = scan
        self.door = door
    }
}

/// The frame every printed pack shares: an HTML page sized for A4 (`@page`), a case per page, a button to print
/// that the printout leaves out. Pages that hold a wide scan are A4 landscape (`page: wide`).
enum PrintPage {
    /// HTML text and attributes escaped (Scoring's `escapeHTML`, which the certificates use too).
    static func escape(_ text: String) -> String { escapeHTML(text) }

    /// A table of label → value rows (values escaped; rows with an empty value left out).
    static func facts(_ rows: [(String, String)], class name: String = "facts") -> String {
        var h = "<table class=\"\(name)\">\n"
        for (label, value) in rows where !value.isEmpty {
            h += "<tr><th scope=\"row\">\(escape(label))</th><td>\(escape(value))</td></tr>\n"
        }
        return h + "</table>\n"
    }

    /// A table with a header row; every cell escaped.
    static func grid(_ header: [String], _ rows: [[String]], class name: String = "grid") -> String {
        var h = "<table class=\"\(name)\"><thead><tr>"
        h += header.map { "<th scope=\"col\">\(escape($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for row in rows { h += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
        return h + "</tbody></table>\n"
    }

    /// The whole page around `body`.
    static func document(language: String, title: String, printLabel: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(escape(language))">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        <div class="toolbar no-print"><button type="button" onclick="window.print()">\(escape(printLabel))</button></div>
        \(body)
        </body>
        </html>

        """
    }

    static let style = """
        @page { size: A4; margin: 10mm 10mm; }
        @page wide { size: A4 landscape; margin: 10mm; }
        * { box-sizing: border-box; }
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5pt; color: #111;
          margin: 0 auto; max-width: 210mm; padding: 8mm 0; line-height: 1.35; }
        h1 { font-size: 18pt; margin: 0 0 4mm; }
        h2 { font-size: 13pt; margin: 0 0 1.5mm; }
        h3 { font-size: 10.5pt; margin: 2.5mm 0 1mm; border-bottom: 1px solid #888; padding-bottom: 0.5mm; }
        p { margin: 1.5mm 0; }
        .page, .cover { break-after: page; }
        .wide { page: wide; }
        @media screen {
          .page, .cover { border-bottom: 2px dashed #aaa; margin-bottom: 10mm; }
          .wide { max-width: none; }
          .toolbar { position: sticky; top: 0; background: #fff; padding: 6px 0; border-bottom: 1px solid #ccc; margin-bottom: 6mm; }
          .toolbar button { font: inherit; font-size: 12pt; padding: 6px 14px; cursor: pointer; }
        }
        @media print { .no-print { display: none; } body { padding: 0; max-width: none; } }
        .case-head { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 2px solid #111;
          margin-bottom: 2mm; }
        .case-head .meta { color: #333; }
        table { border-collapse: collapse; width: 100%; margin: 1mm 0 2mm; }
        th, td { border: 1px solid #999; padding: 0.8mm 1.4mm; text-align: left; vertical-align: top; font-size: 8.5pt; }
        thead th { background: #eee; }
        table.facts th { width: 34%; background: #f4f4f4; font-weight: 600; }
        .wide table.facts th { width: 20%; }
        tr { break-inside: avoid; }
        .two { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
        .scan { position: relative; width: fit-content; max-width: 100%; margin: 0 auto; border: 1px solid #666; }
        .scan img { max-width: 100%; max-height: 115mm; width: auto; display: block; }
        .key .scan img { max-height: 66mm; }
        h3 { break-after: avoid; }
        .key ul { margin: 1mm 0; padding-left: 6mm; }
        .scan svg { position: absolute; left: 0; top: 0; width: 100%; height: 100%; }
        .door img { width: 100%; max-height: 80mm; object-fit: contain; display: block; }
        .answer { border: 1.5px solid #111; padding: 1.5mm 3mm; margin-top: 2mm; break-inside: avoid; }
        .answer h3 { margin-top: 0; border: 0; }
        .answer ul { list-style: none; padding: 0; margin: 1mm 0; columns: 3; }
        .answer li::before { content: "☐ "; font-size: 12pt; }
        .lines { border-bottom: 1px solid #555; height: 6mm; margin: 0; }
        .slips { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; }
        .slip { border: 1.5px dashed #333; padding: 2mm 3mm; break-inside: avoid; }
        .slip h4 { margin: 0 0 1mm; font-size: 10pt; }
        .slip ul { margin: 0; padding-left: 5mm; }
        .key-note { border: 2px solid #b00; color: #b00; padding: 1.5mm 3mm; font-weight: 700; }
        .sign { margin-top: 6mm; padding-top: 2mm; border-top: 1px solid #111; break-inside: avoid; }
        .muted { color: #555; }
        ol.contents { columns: 3; }
        """

    /// The scan as an image, with the key's boxes and masks over it when given.
    static func scan(
        _ picture: (source: String, widthPixels: Int, heightPixels: Int), alt: String,
        anomalies: [AnomalyPixels] = []
    ) -> String {
        var h = "<div class=\"scan\"><img alt=\"\(escape(alt))\" src=\"\(escape(picture.source))\">"
        if !anomalies.isEmpty {
            h +=
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(picture.widthPixels) \(picture.heightPixels)\" preserveAspectRatio=\"none\" aria-hidden=\"true\">"
            for a in anomalies {
                h += maskPath(a)
                h +=
                    "<rect x=\"\(a.box.x)\" y=\"\(a.box.y)\" width=\"\(a.box.width)\" height=\"\(a.box.height)\" fill=\"none\" stroke=\"#ff2d2d\" stroke-width=\"4\"/>"
                h +=
                    "<text x=\"\(a.box.x)\" y=\"\(max(24, a.box.y - 6))\" font-size=\"28\" fill=\"#ff2d2d\">\(escape(a.anomalyId)) CNR \(a.contrastToNoise)</text>"
            }
            h += "</svg>"
        }
        return h + "</div>\n"
    }

    /// An anomaly's mask as one SVG path of its row runs.
    static func maskPath(_ a: AnomalyPixels) -> String {
        var d = ""
        var index = 0
        var inside = false
        for run in a.maskRuns {
            if inside, run > 0 {
                var start = index
                var left = run
                while left > 0 {
                    let row = start / max(1, a.box.width), column = start % max(1, a.box.width)
                    let span = min(left, a.box.width - column)
                    d += "M\(a.box.x + column) \(a.box.y + row)h\(span)v1h-\(span)z"
                    start += span
                    left -= span
                }
            }
            index += run
            inside.toggle()
        }
        return d.isEmpty ? "" : "<path d=\"\(d)\" fill=\"#ff2d2d\" fill-opacity=\"0.25\"/>"
    }
}
