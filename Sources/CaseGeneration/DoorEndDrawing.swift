import CargoModel

/// The door end of a container as an examining officer sees it, as SVG text: both door
/// leaves with their locking bars, cams and hinges, the painted container number and size/type
/// code, and the seal on the right door's inner locking bar, close up in an inset, with its kind,
/// class mark, maker's mark and the numbers on bolt and bush.
///
/// Drawn from the trainee's side of the case only: `ExaminationStage.seal` and the
/// observations at the `doors` and `seal` points (tool marks, glue or paint, a spinning bolt,
/// mismatched numbers or lettering, replaced hinge pins or rivets, non-standard panel fasteners,
/// rust and dents), never from a key. Cases without an examination stage get no drawing.
/// Deterministic: the same case gives the same text; wear and rust are placed from a hash of
/// the case id.
public enum DoorEndDrawing {
    /// The SVG document, or nil when the case has no examination stage.
    /// - Parameter sealMakers: the catalogue's seal makers, to print a maker's name for its mark.
    public static func svg(for inspectionCase: InspectionCase, sealMakers: [SealMaker]) -> String? {
        guard let exam = inspectionCase.examination else { return nil }
        let seal = exam.seal
        let at = exam.observations.filter { $0.point == .doors || $0.point == .seal }
        let codes = Set(at.map(\.code))
        var random = CaseRandom(seed: fnv1a64(inspectionCase.id), stream: "door-drawing")
        let painted =
            at.first { $0.code == .containerNumberAsPainted }?.parameters["number"]
            ?? inspectionCase.targeting.billOfLading.containerNumber
        let typeCode = inspectionCase.targeting.billOfLading.containerType
        let makerName = sealMakers.first { $0.id == seal.makerMark }?.name ?? seal.makerMark

        var s = SVGText()
        let width = 1000, height = 1370
        s.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        s.line(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
                + "font-family=\"DejaVu Sans, Arial, sans-serif\">")
        s.line("<title>Door end</title>")
        s.line("<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#e9ecef\"/>")
        // Frame: corner posts, header and sill.
        let left = 60, right = 940, top = 40, bottom = 780
        s.line("<g id=\"frame\" fill=\"#5b6770\" stroke=\"#2f363b\" stroke-width=\"2\">")
        s.line("<rect x=\"\(left - 40)\" y=\"\(top - 30)\" width=\"40\" height=\"\(bottom - top + 60)\"/>")
        s.line("<rect x=\"\(right)\" y=\"\(top - 30)\" width=\"40\" height=\"\(bottom - top + 60)\"/>")
        s.line("<rect x=\"\(left - 40)\" y=\"\(top - 30)\" width=\"\(right - left + 80)\" height=\"30\"/>")
        s.line("<rect x=\"\(left - 40)\" y=\"\(bottom)\" width=\"\(right - left + 80)\" height=\"30\"/>")
        for (x, y) in [(left - 40, top - 30), (right, top - 30), (left - 40, bottom), (right, bottom)] {
            s.line("<rect x=\"\(x)\" y=\"\(y)\" width=\"40\" height=\"30\" fill=\"#3d454b\"/>")
        }
        s.line("</g>")
        // The two leaves, corrugated.
        let mid = (left + right) / 2
        s.line("<g id=\"leaves\" stroke=\"#2f363b\" stroke-width=\"2\">")
        for (x0, x1) in [(left, mid - 2), (mid + 2, right)] {
            s.line("<rect x=\"\(x0)\" y=\"\(top)\" width=\"\(x1 - x0)\" height=\"\(bottom - top)\" fill=\"#7d8a93\"/>")
            var y = top + 60
            while y < bottom - 60 {
                s.line(
                    "<line x1=\"\(x0 + 12)\" y1=\"\(y)\" x2=\"\(x1 - 12)\" y2=\"\(y)\" stroke=\"#6b7780\" stroke-width=\"6\"/>"
                )
                y += 44
            }
        }
        s.line("</g>")
        // Wear that any box shows.
        if codes.contains(.surfaceRust) || codes.contains(.dentsAndScratches) || random.chance(0.5) {
            s.line("<g id=\"wear\" fill=\"#9a5b2e\" fill-opacity=\"0.45\">")
            for _ in 0..<random.int(in: 2...6) {
                s.line(
                    "<ellipse cx=\"\(random.int(in: left + 30...right - 30))\" cy=\"\(random.int(in: top + 30...bottom - 30))\" "
                        + "rx=\"\(random.int(in: 6...26))\" ry=\"\(random.int(in: 4...14))\"/>")
            }
            s.line("</g>")
        }
        if codes.contains(.oldRepairPatch) {
            s.line(
                "<rect id=\"repair-patch\" x=\"\(left + 90)\" y=\"\(bottom - 220)\" width=\"150\" height=\"110\" fill=\"#85929b\" "
                    + "stroke=\"#4b545a\" stroke-width=\"3\"/>")
        }
        if codes.contains(.freshWeldSeam) || codes.contains(.panelCutAndRewelded) {
            s.line(
                "<path id=\"weld-seam\" d=\"M \(mid + 60) \(top + 200) h 300 v 220 h -300 z\" fill=\"none\" stroke=\"#c9c2b4\" "
                    + "stroke-width=\"5\" stroke-dasharray=\"3 2\"/>")
        }
        if codes.contains(.doorPanelFastenersNonStandard) {
            s.line("<g id=\"panel-fasteners\" fill=\"#d8d8d0\" stroke=\"#333\" stroke-width=\"1\">")
            for i in 0..<8 {
                let x = left + 120 + (i % 4) * 80, y = top + 260 + (i / 4) * 260
                s.line(
                    "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"6\"/><line x1=\"\(x - 4)\" y1=\"\(y)\" x2=\"\(x + 4)\" y2=\"\(y)\" stroke=\"#333\"/>"
                )
            }
            s.line("</g>")
        }
        // Hinges: four on each outer edge.
        s.line("<g id=\"hinges\" stroke=\"#2f363b\" stroke-width=\"2\">")
        let replacedSide = random.chance(0.5) ? 0 : 1
        let replacedHinge = random.int(in: 0...3)
        for (side, x) in [(0, left - 4), (1, right - 44)] {
            for h in 0..<4 {
                let y = top + 50 + h * (bottom - top - 140) / 3
                s.line("<rect x=\"\(x)\" y=\"\(y)\" width=\"48\" height=\"40\" fill=\"#56616a\"/>")
                let replaced = side == replacedSide && h == replacedHinge
                if replaced && codes.contains(.hingePinsReplaced) {
                    // A new, bright pin with a tack weld where the old one was ground off.
                    s.line(
                        "<rect class=\"hinge-pin-new\" x=\"\(x + 20)\" y=\"\(y - 8)\" width=\"8\" height=\"56\" fill=\"#d9d4c7\"/>"
                    )
                    s.line(
                        "<path d=\"M \(x + 16) \(y - 8) q 8 -6 16 0\" fill=\"none\" stroke=\"#c9c2b4\" stroke-width=\"4\"/>"
                    )
                } else {
                    s.line("<rect x=\"\(x + 20)\" y=\"\(y - 6)\" width=\"8\" height=\"52\" fill=\"#444c52\"/>")
                }
                for r in 0..<2 {
                    let ry = y + 12 + r * 16
                    if replaced && codes.contains(.hingeRivetsReplaced) {
                        // Bolts and nuts where rivets should be.
                        s.line(
                            "<polygon class=\"rivet-replaced\" points=\"\(hexagon(x: x + 10, y: ry, r: 6))\" fill=\"#c8c8c0\"/>"
                        )
                        s.line(
                            "<polygon class=\"rivet-replaced\" points=\"\(hexagon(x: x + 38, y: ry, r: 6))\" fill=\"#c8c8c0\"/>"
                        )
                    } else {
                        s.line(
                            "<circle cx=\"\(x + 10)\" cy=\"\(ry)\" r=\"4\" fill=\"#3a4248\"/><circle cx=\"\(x + 38)\" cy=\"\(ry)\" r=\"4\" fill=\"#3a4248\"/>"
                        )
                    }
                }
            }
        }
        s.line("</g>")
        // Container number and size/type code as painted on the right leaf, between its locking bars (the
        // bars are drawn over the panel after them).
        let panelCentre = (mid + 120 + right - 110) / 2
        s.line("<g id=\"markings\" fill=\"#f4f4f0\" font-weight=\"bold\" text-anchor=\"middle\">")
        s.line(
            "<text x=\"\(panelCentre)\" y=\"\(top + 60)\" font-size=\"\(fitted(painted, width: 180, largest: 26))\">\(escape(painted))</text>"
        )
        s.line("<text x=\"\(panelCentre)\" y=\"\(top + 96)\" font-size=\"24\">\(escape(typeCode))</text>")
        s.line("</g>")
        if let marks = exam.doorMarkings {
            // The operational markings under the number (kg and lb, m³ and ft³), as boxes carry them.
            s.line("<g id=\"weights\" fill=\"#f4f4f0\" font-size=\"13\" font-weight=\"bold\">")
            let rows: [(String, String, String, String)] = [
                ("mgw", "MAX.GROSS", "\(grouped(marks.maxGrossKG)) KG", "\(grouped(pounds(marks.maxGrossKG))) LB"),
                ("tare", "TARE", "\(grouped(marks.tareKG)) KG", "\(grouped(pounds(marks.tareKG))) LB"),
                ("net", "PAYLOAD", "\(grouped(marks.payloadKG)) KG", "\(grouped(pounds(marks.payloadKG))) LB"),
                (
                    "cucap", "CU.CAP.", "\(tenths(marks.cubicCapacityM3)) CU.M",
                    "\(grouped(Int((marks.cubicCapacityM3 * 35.3147).rounded()))) CU.FT"
                ),
            ]
            for (i, row) in rows.enumerated() {
                let y = top + 150 + i * 36
                s.line("<text x=\"\(mid + 138)\" y=\"\(y)\">\(row.1)</text>")
                s.line("<text id=\"\(row.0)\" x=\"\(right - 128)\" y=\"\(y)\" text-anchor=\"end\">\(row.2)</text>")
                s.line(
                    "<text x=\"\(right - 128)\" y=\"\(y + 15)\" text-anchor=\"end\" font-size=\"11\">\(row.3)</text>")
            }
            s.line("</g>")
            // The CSC safety approval plate, riveted to the left door.
            let plate = marks.cscPlate
            let px = left + 128, py = top + 70
            s.line("<g id=\"csc-plate\" font-size=\"8\" fill=\"#1d1d1d\">")
            s.line(
                "<rect x=\"\(px)\" y=\"\(py)\" width=\"196\" height=\"124\" rx=\"4\" fill=\"#c9cdd0\" stroke=\"#33393d\" stroke-width=\"2\"/>"
            )
            let lines = [
                "CSC SAFETY APPROVAL", plate.approvalReference, "DATE MANUFACTURED \(plate.manufactured)",
                "IDENTIFICATION No. \(plate.manufacturerNumber)",
                "MAX. OPERATING GROSS MASS \(grouped(plate.maxOperatingGrossKG)) KG",
                "ALLOWABLE STACKING LOAD 1.8 G \(grouped(plate.allowableStackingKG)) KG",
                "TRANSVERSE RACKING LOAD \(grouped(plate.transverseRackingKG)) KG", plate.examination,
            ]
            for (i, text) in lines.enumerated() {
                s.line(
                    "<text id=\"csc-\(i)\" x=\"\(px + 8)\" y=\"\(py + 16 + i * 14)\"\(i == 0 ? " font-weight=\"bold\"" : "")>\(escape(text))</text>"
                )
            }
            s.line("</g>")
        }
        // Dangerous-goods placards (IMDG Code 5.3.1): one per class declared, on the doors.
        let classes = Array(
            Set(inspectionCase.targeting.billOfLading.goods.compactMap { $0.dangerousGoods?.hazardClass })
        )
        .sorted()
        for (i, hazardClass) in classes.enumerated() {
            let cx = left + 230 + i * 100, cy = top + 290
            s.line("<g id=\"placard-\(escape(hazardClass))\">")
            s.line(
                "<rect x=\"\(cx - 40)\" y=\"\(cy - 40)\" width=\"80\" height=\"80\" transform=\"rotate(45 \(cx) \(cy))\" "
                    + "fill=\"\(placardColour(hazardClass))\" stroke=\"#111\" stroke-width=\"3\"/>")
            s.line(
                "<text x=\"\(cx)\" y=\"\(cy + 38)\" font-size=\"16\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#111\">\(escape(hazardClass))</text>"
            )
            s.line("</g>")
        }
        // Locking bars with handles, cams and keepers; the seal goes on the right door's inner bar.
        let bars = [left + 110, mid - 120, mid + 120, right - 110]
        s.line("<g id=\"locking-bars\" stroke=\"#23292d\" stroke-width=\"2\">")
        for (i, x) in bars.enumerated() {
            s.line(
                "<rect x=\"\(x - 8)\" y=\"\(top - 24)\" width=\"16\" height=\"\(bottom - top + 48)\" fill=\"#9aa5ad\"/>"
            )
            for y in [top - 26, bottom + 8] {
                s.line("<rect x=\"\(x - 18)\" y=\"\(y)\" width=\"36\" height=\"18\" fill=\"#4a5359\"/>")
            }
            let handleY = 470
            s.line("<rect x=\"\(x - 14)\" y=\"\(handleY - 20)\" width=\"28\" height=\"40\" fill=\"#6d787f\"/>")
            s.line(
                "<rect x=\"\(i < 2 ? x - 14 : x - 14)\" y=\"\(handleY + 14)\" width=\"28\" height=\"150\" rx=\"6\" fill=\"#b3bcc2\"/>"
            )
            s.line("<rect x=\"\(x - 20)\" y=\"\(handleY + 170)\" width=\"40\" height=\"26\" fill=\"#5d676e\"/>")
        }
        s.line("</g>")
        // The seal in place (small) and its close-up inset.
        let sx = bars[2], sy = 470 + 180
        s.line(
            "<circle id=\"seal-in-place\" cx=\"\(sx)\" cy=\"\(sy)\" r=\"9\" fill=\"\(sealColour(seal))\" stroke=\"#222\" stroke-width=\"2\"/>"
        )
        s.line(
            "<line x1=\"\(sx + 9)\" y1=\"\(sy + 6)\" x2=\"600\" y2=\"\(bottom + 60)\" stroke=\"#222\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
        )
        drawSealInset(
            &s, seal: seal, makerName: makerName, codes: codes, random: &random, x: 40, y: bottom + 60, width: 920,
            height: 230)
        drawSealReading(&s, seal: seal, makerName: makerName, random: &random, x: 40, y: bottom + 310, width: 920)
        s.line("</svg>")
        return s.text
    }

    private static func drawSealInset(
        _ s: inout SVGText, seal: ObservedSeal, makerName: String, codes: Set<ObservationCode>,
        random: inout CaseRandom, x: Int, y: Int, width: Int, height: Int
    ) {
        s.line("<g id=\"seal\">")
        s.line(
            "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(height)\" fill=\"#fbfbf8\" stroke=\"#222\" stroke-width=\"2\" rx=\"8\"/>"
        )
        let colour = sealColour(seal)
        let classMark = seal.securityClass.rawValue
        switch seal.kind {
        case .bolt:
            // Bolt: head with maker, class mark and number; shank; bush (barrel) with its number.
            let by = y + 110
            s.line("<g id=\"seal-bolt\">")
            s.line(
                "<circle cx=\"\(x + 130)\" cy=\"\(by)\" r=\"70\" fill=\"\(colour)\" stroke=\"#222\" stroke-width=\"3\"/>"
            )
            s.line(
                "<rect x=\"\(x + 200)\" y=\"\(by - 12)\" width=\"260\" height=\"24\" fill=\"#c0c6ca\" stroke=\"#222\" stroke-width=\"2\"/>"
            )
            s.line(
                "<text x=\"\(x + 130)\" y=\"\(by - 28)\" font-size=\"\(fitted(makerName, width: 112, largest: 15))\" text-anchor=\"middle\" fill=\"#111\">\(escape(makerName))</text>"
            )
            s.line(
                "<text class=\"class-mark\" x=\"\(x + 130)\" y=\"\(by - 2)\" font-size=\"22\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#111\">\(classMark)</text>"
            )
            s.line(
                number(
                    seal.boltNumber ?? seal.numberRead, font: seal.font, x: x + 130, y: by + 30, size: 17,
                    id: "bolt-number", random: &random))
            s.line("</g>")
            s.line("<g id=\"seal-bush\">")
            s.line(
                "<rect x=\"\(x + 460)\" y=\"\(by - 55)\" width=\"230\" height=\"110\" rx=\"14\" fill=\"\(colour)\" stroke=\"#222\" stroke-width=\"3\"/>"
            )
            s.line(
                "<text x=\"\(x + 575)\" y=\"\(by - 25)\" font-size=\"\(fitted(makerName + " " + classMark, width: 200, largest: 14))\" text-anchor=\"middle\" fill=\"#111\">\(escape(makerName)) \(classMark)</text>"
            )
            s.line(
                number(
                    seal.bushNumber ?? seal.numberRead, font: seal.font, x: x + 575, y: by + 15, size: 19,
                    id: "bush-number", random: &random))
            s.line("</g>")
            if codes.contains(.sealToolMarks) {
                s.line("<g id=\"tool-marks\" stroke=\"#555\" stroke-width=\"2\">")
                for _ in 0..<6 {
                    let tx = random.int(in: x + 380...x + 480), ty = random.int(in: by - 40...by + 40)
                    s.line(
                        "<line x1=\"\(tx)\" y1=\"\(ty)\" x2=\"\(tx + random.int(in: 8...22))\" y2=\"\(ty + random.int(in: -10...10))\"/>"
                    )
                }
                s.line("</g>")
            }
            if codes.contains(.sealGlueOrPaint) {
                s.line(
                    "<ellipse id=\"glue-or-paint\" cx=\"\(x + 462)\" cy=\"\(by)\" rx=\"22\" ry=\"40\" fill=\"#d8c06a\" fill-opacity=\"0.75\" "
                        + "stroke=\"#a88f30\" stroke-width=\"1\"/>")
            }
            if codes.contains(.sealSpinsFreely) {
                s.line(
                    "<path id=\"spins\" d=\"M \(x + 560) \(by + 70) a 60 22 0 1 0 40 0\" fill=\"none\" stroke=\"#b02a2a\" stroke-width=\"3\"/>"
                )
                s.line(
                    "<polygon points=\"\(x + 600),\(by + 70) \(x + 588),\(by + 62) \(x + 590),\(by + 78)\" fill=\"#b02a2a\"/>"
                )
            }
        case .cable:
            let cy = y + 110
            s.line("<g id=\"seal-cable\">")
            s.line(
                "<path d=\"M \(x + 120) \(cy) C \(x + 120) \(y + 10), \(x + 420) \(y + 10), \(x + 420) \(cy)\" fill=\"none\" stroke=\"#6a6f73\" stroke-width=\"8\"/>"
            )
            s.line(
                "<rect x=\"\(x + 60)\" y=\"\(cy - 10)\" width=\"420\" height=\"100\" rx=\"10\" fill=\"\(colour)\" stroke=\"#222\" stroke-width=\"3\"/>"
            )
            s.line(
                "<text x=\"\(x + 270)\" y=\"\(cy + 18)\" font-size=\"15\" text-anchor=\"middle\" fill=\"#111\">\(escape(makerName)) \(classMark)</text>"
            )
            s.line(
                number(
                    seal.numberRead, font: seal.font, x: x + 270, y: cy + 58, size: 22, id: "body-number",
                    random: &random))
            s.line("</g>")
            if codes.contains(.sealToolMarks) {
                s.line(
                    "<g id=\"tool-marks\" stroke=\"#555\" stroke-width=\"2\"><line x1=\"\(x + 90)\" y1=\"\(cy - 4)\" x2=\"\(x + 110)\" y2=\"\(cy - 14)\"/>"
                        + "<line x1=\"\(x + 420)\" y1=\"\(cy - 6)\" x2=\"\(x + 440)\" y2=\"\(cy + 4)\"/></g>")
            }
            if codes.contains(.sealGlueOrPaint) {
                s.line(
                    "<ellipse id=\"glue-or-paint\" cx=\"\(x + 420)\" cy=\"\(cy)\" rx=\"18\" ry=\"26\" fill=\"#d8c06a\" fill-opacity=\"0.75\"/>"
                )
            }
            if codes.contains(.sealSpinsFreely) {
                s.line(
                    "<path id=\"spins\" d=\"M \(x + 230) \(cy + 100) a 60 16 0 1 0 40 0\" fill=\"none\" stroke=\"#b02a2a\" stroke-width=\"3\"/>"
                )
            }
        case .barrier, .indicative:
            let ty = y + 90
            s.line("<g id=\"seal-\(seal.kind.rawValue)\">")
            s.line(
                "<rect x=\"\(x + 60)\" y=\"\(ty)\" width=\"520\" height=\"\(seal.kind == .barrier ? 60 : 34)\" rx=\"6\" fill=\"\(colour)\" stroke=\"#222\" stroke-width=\"2\"/>"
            )
            s.line(
                "<text x=\"\(x + 80)\" y=\"\(ty + 23)\" font-size=\"\(fitted(makerName + " " + classMark, width: 230, largest: 14))\" fill=\"#111\">\(escape(makerName)) \(classMark)</text>"
            )
            s.line(
                number(
                    seal.numberRead, font: seal.font, x: x + 420, y: ty + 24, size: 18, id: "body-number",
                    random: &random))
            s.line("</g>")
            if codes.contains(.sealToolMarks) {
                s.line(
                    "<g id=\"tool-marks\" stroke=\"#555\" stroke-width=\"2\"><line x1=\"\(x + 300)\" y1=\"\(ty + 4)\" x2=\"\(x + 318)\" y2=\"\(ty + 14)\"/></g>"
                )
            }
            if codes.contains(.sealGlueOrPaint) {
                s.line(
                    "<ellipse id=\"glue-or-paint\" cx=\"\(x + 200)\" cy=\"\(ty + 17)\" rx=\"20\" ry=\"14\" fill=\"#d8c06a\" fill-opacity=\"0.75\"/>"
                )
            }
        }
        // What the officer read, as a label on the photograph.
        s.line(
            "<text x=\"\(x + width - 20)\" y=\"\(y + height - 18)\" font-size=\"14\" text-anchor=\"end\" fill=\"#333\">"
                + "\(escape(seal.kind.rawValue)) · \(escape(seal.numberRead))</text>")
        s.line("</g>")
    }

    /// The seal as read through a magnifier: the maker's name, the class mark and the number(s) large enough to read
    /// when the drawing is shown 480 px wide (numbers at 56 px in the 1000 px drawing: about 20 px tall there).
    private static func drawSealReading(
        _ s: inout SVGText, seal: ObservedSeal, makerName: String, random: inout CaseRandom, x: Int, y: Int, width: Int
    ) {
        let height = 240
        s.line("<g id=\"seal-reading\">")
        s.line(
            "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\" stroke=\"#222\" stroke-width=\"3\" rx=\"10\"/>"
        )
        // A magnifier symbol at the corner says what the panel is.
        s.line(
            "<g id=\"magnifier\" fill=\"none\" stroke=\"#555\" stroke-width=\"5\"><circle cx=\"\(x + 40)\" cy=\"\(y + 40)\" r=\"18\"/>"
                + "<line x1=\"\(x + 53)\" y1=\"\(y + 53)\" x2=\"\(x + 70)\" y2=\"\(y + 70)\"/></g>")
        s.line(
            "<text id=\"reading-maker\" x=\"\(x + 100)\" y=\"\(y + 68)\" font-size=\"\(fitted(makerName, width: 620, largest: 46))\" font-weight=\"bold\" fill=\"#111\">\(escape(makerName))</text>"
        )
        s.line(
            "<circle cx=\"\(x + width - 80)\" cy=\"\(y + 55)\" r=\"40\" fill=\"\(sealColour(seal))\" stroke=\"#222\" stroke-width=\"3\"/>"
        )
        s.line(
            "<text id=\"reading-class\" class=\"class-mark\" x=\"\(x + width - 80)\" y=\"\(y + 76)\" font-size=\"60\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#111\">\(escape(seal.securityClass.rawValue))</text>"
        )
        if seal.kind == .bolt {
            let bolt = seal.boltNumber ?? seal.numberRead, bush = seal.bushNumber ?? seal.numberRead
            for (i, (label, value)) in [("BOLT", bolt), ("BUSH", bush)].enumerated() {
                let cx = x + width / 4 + i * width / 2
                s.line(
                    "<text x=\"\(cx)\" y=\"\(y + 130)\" font-size=\"24\" text-anchor=\"middle\" fill=\"#444\">\(label)</text>"
                )
                s.line(
                    number(
                        value, font: seal.font, x: cx, y: y + 200,
                        size: min(56, fitted(value, width: 420, largest: 56)),
                        id: "reading-\(label.lowercased())-number", random: &random))
            }
        } else {
            s.line(
                number(
                    seal.numberRead, font: seal.font, x: x + width / 2, y: y + 195,
                    size: min(60, fitted(seal.numberRead, width: 800, largest: 60)), id: "reading-number",
                    random: &random))
        }
        s.line("</g>")
    }

    /// A seal number in the lettering the seal carries. Stamped numbers sit a little crooked,
    /// as hand-stamped replicas do; laser-dot numbers are dotted outlines.
    private static func number(
        _ text: String, font: String, x: Int, y: Int, size: Int, id: String, random: inout CaseRandom
    ) -> String {
        let style: String
        var rotate = ""
        switch font {
        case "laser-dot":
            // Dotted outlines; magnified numbers get strokes to match their size so the dots stay legible.
            let dot = size >= 36 ? size / 14 : 1
            style =
                size >= 36
                ? "font-family=\"DejaVu Sans Mono, monospace\" fill=\"#555\" stroke=\"#111\" stroke-width=\"\(dot)\" stroke-dasharray=\"\(dot) \(dot)\""
                : "font-family=\"DejaVu Sans Mono, monospace\" fill=\"none\" stroke=\"#111\" stroke-width=\"1\" stroke-dasharray=\"1 1.5\""
        case "laser-solid": style = "font-family=\"DejaVu Sans Mono, monospace\" fill=\"#111\""
        case "stamped":
            style = "font-family=\"DejaVu Serif, serif\" font-weight=\"bold\" fill=\"#222\""
            rotate = " rotate=\"" + text.map { _ in String(random.int(in: -6...6)) }.joined(separator: " ") + "\""
        default: style = "font-family=\"DejaVu Sans, sans-serif\" fill=\"#111\""
        }
        return
            "<text id=\"\(id)\" class=\"font-\(escape(font))\" x=\"\(x)\" y=\"\(y)\" font-size=\"\(size)\" text-anchor=\"middle\" "
            + "letter-spacing=\"1\" \(style)\(rotate)>\(escape(text))</text>"
    }

    /// A font size (px, at most `largest`, at least 7) at which `text` fits in `width` px: DejaVu Sans
    /// averages about 0.6 em a character, bold a little more.
    static func fitted(_ text: String, width: Int, largest: Int) -> Int {
        max(7, min(largest, Int(Double(width) / (0.62 * Double(max(1, text.count))))))
    }

    private static func sealColour(_ seal: ObservedSeal) -> String {
        switch seal.kind {
        case .bolt: "#e0a21b"
        case .cable: "#2f6fb0"
        case .barrier: "#c23b22"
        case .indicative: "#3c9a4a"
        }
    }

    private static func hexagon(x: Int, y: Int, r: Int) -> String {
        let h = r * 87 / 100
        return
            "\(x - r),\(y) \(x - r / 2),\(y - h) \(x + r / 2),\(y - h) \(x + r),\(y) \(x + r / 2),\(y + h) \(x - r / 2),\(y + h)"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}

private struct SVGText {
    var text = ""
    mutating func line(_ s: String) {
        text += s
        text += "\n"
    }
}

/// Whole pounds in a mass of `kg` (1 kg = 2.20462 lb).
private func pounds(_ kg: Int) -> Int { Int((Double(kg) * 2.204_62).rounded()) }

/// A whole number with thousands separated by commas, as markings print them.
private func grouped(_ value: Int) -> String {
    let digits = Array(String(abs(value)))
    var out = ""
    for (i, digit) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(digit)
    }
    return (value < 0 ? "-" : "") + out
}

private func tenths(_ value: Double) -> String {
    let t = Int((value * 10).rounded())
    return "\(t / 10).\(abs(t % 10))"
}

/// The background of a class placard (IMDG Code 5.2.2.2): red for flammable liquids and solids, yellow for
/// oxidizers, white and black for corrosives, white for the rest.
private func placardColour(_ hazardClass: String) -> String {
    switch hazardClass {
    case "3", "2.1": "#d7262e"
    case "4.2": "#f3f3f3"
    case "5.1", "5.2": "#f2d21b"
    default: "#f7f7f7"
    }
}
