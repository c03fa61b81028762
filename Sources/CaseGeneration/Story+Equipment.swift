import CargoModel

/// One container as built: its own tare, maximum gross and capacity (a box differs from the type's typical figures by
/// a few per cent, and newer boxes are rated heavier), and its CSC safety approval plate.
struct ContainerBox {
    var tareKG: Int
    var maxGrossKG: Int
    var cubicCapacityM3: Double
    var plate: CSCPlate

    var payloadKG: Int { maxGrossKG - tareKG }

    var markings: DoorMarkings {
        DoorMarkings(
            maxGrossKG: maxGrossKG, tareKG: tareKG, payloadKG: payloadKG, cubicCapacityM3: cubicCapacityM3,
            cscPlate: plate)
    }
}

extension Story {
    /// Maximum gross ratings in service per type, the more common first (carriers' equipment specifications: older
    /// twenty- and forty-footers are rated 30,480 kg, boxes built since about 2010 32,500 kg, high-cube reefers
    /// 34,000 kg, tanks 36,000 kg).
    static let maxGrossRatings: [String: [(Int, Double)]] = [
        "22G1": [(30_480, 0.5), (32_500, 0.5)], "42G1": [(30_480, 0.5), (32_500, 0.5)],
        "45G1": [(32_500, 0.6), (30_480, 0.4)], "45R1": [(34_000, 0.6), (32_500, 0.4)],
        "L5G1": [(32_500, 0.6), (34_000, 0.4)], "22U1": [(30_480, 0.6), (32_500, 0.4)],
        "22T1": [(36_000, 0.7), (34_000, 0.3)], "22R1": [(30_480, 0.6), (27_400, 0.4)],
    ]

    /// The box for `type`, from the case's own `equipment` stream (so that the papers' draws do not move).
    func drawBox(_ type: ContainerType) -> ContainerBox {
        var random = CaseRandom(seed: seed, stream: "equipment")
        let maxGross = random.weighted(Self.maxGrossRatings[type.code] ?? [(type.maxGrossKG, 1)]) ?? type.maxGrossKG
        let spread = max(-0.06, min(0.06, random.normal(mean: 0, deviation: 0.025)))
        let tare = Int((Double(type.tareKG) * (1 + spread) / 10).rounded()) * 10
        let capacity = (type.internalVolumeM3 * (1 + random.double(in: -0.01...0.01)) * 10).rounded() / 10
        let year = generator.referenceDate.components.year - random.int(in: 1...16)
        let month = random.int(in: 1...12)
        let (society, country) = random.pick([
            ("CCS", "CN"), ("LR", "GB"), ("BV", "FR"), ("ABS", "US"), ("DNV", "NO"), ("KR", "KR"), ("NK", "JP"),
        ])
        let approval = "\(country)-\(society)/\(random.int(in: 1000...9999))/\(year)"
        let examination =
            random.chance(0.8)
            ? "ACEP/\(country)/\(society)/\(random.int(in: 10...99))/\(random.int(in: 2000...year))"
            : "NEXT EXAM \(year + 5 + random.int(in: 0...2))-\(String(month).leftPadded(to: 2))"
        let twenty = type.externalLengthMM < 7000
        let plate = CSCPlate(
            approvalReference: approval, manufactured: "\(year)-\(String(month).leftPadded(to: 2))",
            manufacturerNumber: random.pick(["CX", "SG", "DF", "MP"]) + String(random.int(in: 1_000_000...9_999_999)),
            maxOperatingGrossKG: maxGross,
            allowableStackingKG: twenty && random.chance(0.5) ? 216_000 : 192_000, transverseRackingKG: 15_240,
            examination: examination)
        return ContainerBox(tareKG: tare, maxGrossKG: maxGross, cubicCapacityM3: capacity, plate: plate)
    }

    /// Cargo that is in the box but not on the bill of lading when the box is weighed (kg): a vehicle, people, goods
    /// packed with the load or built into the structure at stuffing. Rip-on/rip-off bags are loaded at the terminal,
    /// after the weighing, and add nothing.
    var hiddenMassAtWeighingKG: Int {
        guard let anomaly = anomalies.first else { return 0 }
        switch anomaly.kind {
        case .ripOnRipOff: return 0
        case .undeclaredGoods, .misdeclaredGoods, .emptyDeclaredFull, .fullDeclaredEmpty: return 0  // in actualCargoKG
        default: return anomaly.massKG
        }
    }

    /// The mass really in the box (kg): tare, the cargo actually loaded and what is hidden with it.
    var trueGrossKG: Int { box.tareKG + actualCargoKG + hiddenMassAtWeighingKG }

    /// Sets the VGM once the story knows what is in the box. SOLAS VI/2: a Method 1 VGM is the packed container on a
    /// weighbridge, so it includes everything in it; a Method 2 VGM is the shipper's sum of the packages it declares
    /// plus the tare, so hidden goods stay out of it. Weighing and summing err by −1.2 to +2.2 %.
    mutating func weighContainer() {
        let declaredCargo = billOfLading.declaredCargoGrossKG
        let basis: Int
        switch billOfLading.vgm.method {
        // A weighed box declared empty weighs what is in it: its goods too, when it is not empty (issue 20 item 4).
        case .method1: basis = trueGrossKG
        case .method2: basis = box.tareKG + declaredCargo
        }
        billOfLading.vgm.kg =
            basis == box.tareKG
            ? basis + vgmErrorKG : Int((Double(basis) * (1 + vgmError)).rounded())
        let expected = Double(box.tareKG + declaredCargo)
        if !redFlags, billOfLading.vgm.method == .method1,
            abs(Double(billOfLading.vgm.kg) - expected) / expected > IndicatorDetector.vgmTolerance
        {
            // Papers that must look clean are not weighed: whoever hid the mass summed the declared packages.
            billOfLading.vgm.method = .method2
            weighContainer()
            return
        }
        if planned.contains(.vgmMismatch), scenario != .vgmMismatch,
            abs(Double(billOfLading.vgm.kg) - expected) / expected <= IndicatorDetector.vgmTolerance + 0.005
        {
            // A VGM outside tolerance with a harmless cause (a keying slip the terminal's reweighing corrected), or
            // beside a concealment whose mass the papers do not show.
            var sign = paperwork.chance(0.5) ? 1.0 : -1.0
            let share = paperwork.double(in: 0.065...0.18)
            // A box over its rating is not loaded: a slip that would put it there went the other way.
            if expected * (1 + share) > Double(box.maxGrossKG) { sign = -1 }
            billOfLading.vgm.kg = Int((expected * (1 + sign * share)).rounded())
            explanations[.vgmMismatch] = "vgmCorrectedByTerminal"
        }
    }
}
