import CargoModel
import CaseGeneration
import Testing

/// The box as an officer reads it at the door and on the papers, and the weight it really carries.
@Suite struct BoxPropertyTests {
    /// Every examined box shows MGW, TARE, PAYLOAD and CU.CAP. on its door and a CSC plate that agrees with them;
    /// the bill of lading carries the same tare.
    @Test func theDoorShowsItsMarkingsAndThePapersItsTare() {
        var failures: [String] = []
        for (c, _) in PropertyCourse.cases {
            let bl = c.targeting.billOfLading
            guard let type = ContainerType.named(bl.containerType) else { continue }
            if bl.containerTareKG == nil { failures.append("\(c.id): no tare on the papers") }
            guard let exam = c.examination else { continue }
            guard let marks = exam.doorMarkings else {
                failures.append("\(c.id): no door markings")
                continue
            }
            if marks.payloadKG != marks.maxGrossKG - marks.tareKG { failures.append("\(c.id): payload ≠ MGW − tare") }
            if marks.cscPlate.maxOperatingGrossKG != marks.maxGrossKG { failures.append("\(c.id): plate ≠ door") }
            if bl.containerTareKG != marks.tareKG { failures.append("\(c.id): tare on papers ≠ door") }
            if abs(Double(marks.tareKG) / Double(type.tareKG) - 1) > 0.07 { failures.append("\(c.id): tare off type") }
            if abs(marks.cubicCapacityM3 / type.internalVolumeM3 - 1) > 0.02 { failures.append("\(c.id): capacity") }
        }
        #expect(failures.isEmpty, "\(failures.count) boxes without their markings, e.g. \(failures.prefix(5))")
    }

    /// What is in the box (tare, cargo, anything hidden) never exceeds its maximum gross, and neither does its VGM:
    /// a carrier does not load a box over its rating (SOLAS VI/2; CSC plate).
    @Test func loadsStayUnderTheBoxesMaximumGross() {
        var failures: [String] = []
        for (c, key) in PropertyCourse.cases {
            let bl = c.targeting.billOfLading
            guard let type = ContainerType.named(bl.containerType) else { continue }
            let maxGross = c.examination?.doorMarkings?.maxGrossKG ?? type.maxGrossKG
            let tare = bl.containerTareKG ?? type.tareKG
            let hidden = Self.hiddenAtWeighing(key)
            if bl.vgm.kg > maxGross { failures.append("\(c.id): VGM \(bl.vgm.kg) over \(maxGross)") }
            if tare + bl.declaredCargoGrossKG + hidden > maxGross {
                failures.append("\(c.id): \(tare) + \(bl.declaredCargoGrossKG) + \(hidden) over \(maxGross)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) boxes over their maximum gross, e.g. \(failures.prefix(5))")
    }

    /// A weighed (Method 1) VGM includes everything in the box, so hidden mass shows in it; a summed (Method 2) VGM is
    /// tare plus the declared packages. Both within the error of a weighbridge or a sum (−3 to +4.2 %), except where
    /// the evidence catalogue planted a VGM outside tolerance (a keying slip in a clean case).
    @Test func aWeighedVGMIncludesWhatIsReallyInTheBox() {
        var failures: [String] = []
        var weighedWithHiddenMass = 0
        for (c, key) in PropertyCourse.cases {
            let bl = c.targeting.billOfLading
            guard let type = ContainerType.named(bl.containerType), !bl.goods.isEmpty,
                let kind = key.anomalies.first?.kind ?? Optional(.ripOnRipOff),
                ![.undeclaredGoods, .misdeclaredGoods, .emptyDeclaredFull].contains(kind)
            else { continue }
            let tare = bl.containerTareKG ?? type.tareKG
            if key.scenario != "vgmMismatch", key.indicators.contains(where: { $0.code == .vgmMismatch }) { continue }
            let hidden = bl.vgm.method == .method1 ? Self.hiddenAtWeighing(key) : 0
            let basis = Double(tare + bl.declaredCargoGrossKG + hidden)
            let error = Double(bl.vgm.kg) / basis - 1
            if error < -0.0305 || error > 0.0425 {
                failures.append(
                    "\(c.id) \(bl.vgm.method.rawValue): VGM \(bl.vgm.kg) for \(Int(basis)) (hidden \(hidden))")
            }
            if hidden > 0 { weighedWithHiddenMass += 1 }
        }
        #expect(weighedWithHiddenMass > 20)
        #expect(failures.isEmpty, "\(failures.count) VGMs that leave out or add mass, e.g. \(failures.prefix(5))")
    }

    /// Mass hidden in the box when it is weighed: everything but rip-on/rip-off bags (loaded at the terminal, after
    /// the weighing) and goods that stand in for declared ones.
    static func hiddenAtWeighing(_ key: AnswerKey) -> Int {
        key.anomalies.filter {
            ![.ripOnRipOff, .undeclaredGoods, .misdeclaredGoods, .emptyDeclaredFull, .fullDeclaredEmpty].contains(
                $0.kind)
        }.reduce(0) { $0 + $1.massKG }
    }
}
