import CargoModel

extension Story {
    /// Size multiplier for the target difficulty: easy cases hide more, hard ones less.
    private var sizeScale: Double { [1.6, 1.25, 1.0, 0.7, 0.45][max(0, min(4, difficultyTarget - 1))] }

    /// Obscuration for the target difficulty, with some spread.
    private mutating func obscuration(base: Double) -> Double {
        let value = base + Double(difficultyTarget - 1) * 0.15 + load.double(in: -0.08...0.08)
        return (max(0, min(0.98, value)) * 100).rounded() / 100
    }

    private mutating func variation(obscurationBase: Double) -> ProjectionVariation {
        ProjectionVariation(
            rotationDegrees: load.pick([0, 0, 90, 180, 270]) + load.int(in: -12...12),
            densityFactor: (load.double(in: 0.85...1.15) * 100).rounded() / 100,
            obscuration: obscuration(base: obscurationBase))
    }

    /// Material of a drug concealment.
    private mutating func drugMaterial() -> String {
        if let pinned = spec.concealment?.material { return pinned }
        return load.weighted([("cocaine-hydrochloride", 0.75), ("cannabis-resin", 0.15), ("cannabis-herb", 0.1)])!
    }

    private func scaled(_ mass: Double) -> Int {
        if let pinned = spec.concealment?.massKG { return pinned }
        return max(1, Int((mass * sizeScale).rounded()))
    }

    /// Places every concealment of the story in container millimetres.
    mutating func planConcealments() {
        guard irregular else { return }
        let L = containerType.internalLengthMM, W = containerType.internalWidthMM, H = containerType.internalHeightMM
        let kind = spec.concealment?.kind ?? defaultAnomalyKind()
        let threat = self.threat ?? .drugs
        let declaredMaterial = declared.first?.0.material ?? actualGoods?.material ?? "household-goods"
        // The length of floor the declared load takes, as a share of the inside.
        let cargoVolume = declared.reduce(0.0) { $0 + Double($1.1) * $1.0.packageVolumeM3 }
        let loadLength = min(
            L, max(1200, Int(cargoVolume / max(0.1, containerType.internalVolumeM3) * Double(L) * 1.1)))
        var box: Box3D
        var material = spec.concealment?.material ?? (threat == .drugs ? drugMaterial() : declaredMaterial)
        var mass: Int
        var zone: ContainerZone
        var obscurationBase = 0.1
        switch kind {
        case .ripOnRipOff:
            let bags = max(1, min(8, Int((Double(load.int(in: 2...4)) * sizeScale).rounded())))
            let depth = load.int(in: 500...800)
            let width = min(W - 100, 350 * min(bags, 5) + 100)
            let height = bags > 5 ? 750 : 400
            let onTop = load.chance(0.6)
            box = Box3D(
                x: L - depth - load.int(in: 50...250), y: load.int(in: 0...(W - width)),
                z: onTop ? max(0, H - height - load.int(in: 50...400)) : 0, length: depth, width: width, height: height)
            mass = spec.concealment?.massKG ?? bags * load.int(in: 25...35)
            zone = .doorEnd
            obscurationBase = 0
        case .falseFrontWall:
            let depth = max(250, Int(Double(load.int(in: 400...800)) * sizeScale))
            box = Box3D(x: 0, y: 0, z: 0, length: depth, width: W, height: H)
            mass = scaled(Double(depth) / 1000 * Double(W) / 1000 * Double(H) / 1000 * 120)
            zone = .frontWall
            obscurationBase = 0.2
        case .roofCompartment:
            let depth = load.int(in: 80...150)
            let length = max(1500, Int(Double(load.int(in: 2500...5000)) * sizeScale))
            box = Box3D(
                x: load.int(in: 300...max(300, L - length - 300)), y: 0, z: H - depth, length: min(length, L - 600),
                width: W, height: depth)
            mass = scaled(box.volumeM3 * 250)
            zone = .roof
            obscurationBase = 0.05
        case .floorCompartment:
            let raised = load.chance(0.6)
            let depth = raised ? load.int(in: 60...120) : load.int(in: 90...130)
            let length = max(1500, Int(Double(load.int(in: 2000...4500)) * sizeScale))
            box = Box3D(
                x: load.int(in: 200...max(200, L - length - 200)), y: 0, z: raised ? 0 : -depth,
                length: min(length, L - 400), width: W, height: depth)
            mass = scaled(box.volumeM3 * 300)
            zone = .floor
            obscurationBase = 0.3
        case .reeferUnit:
            box = Box3D(
                x: -load.int(in: 380...440), y: load.int(in: 300...700), z: load.int(in: 200...900),
                length: load.int(in: 250...330), width: load.int(in: 500...900), height: load.int(in: 300...600))
            mass = scaled(Double(load.int(in: 30...60)))
            zone = .reeferUnit
            obscurationBase = 0.4
        case .reeferInsulation:
            let left = load.chance(0.5)
            let length = max(1000, Int(Double(load.int(in: 1500...3500)) * sizeScale))
            box = Box3D(
                x: load.int(in: 500...max(500, L - length - 500)), y: left ? -70 : W + 10, z: load.int(in: 300...600),
                length: length, width: 60, height: load.int(in: 900...1500))
            mass = scaled(box.volumeM3 * 700)
            zone = .reeferInsulation
            obscurationBase = 0.5
        case .doorPanels:
            box = Box3D(
                x: L + 15, y: load.chance(0.5) ? 120 : W / 2 + 60, z: load.int(in: 400...700),
                length: 55, width: W / 2 - 180, height: load.int(in: 900...1400))
            mass = scaled(box.volumeM3 * 600)
            zone = .doors
            obscurationBase = 0.1
        case .vehicleBehindCargo:
            box = Box3D(
                x: load.int(in: 100...400), y: (W - 1800) / 2, z: 0, length: load.int(in: 4200...4800), width: 1800,
                height: load.int(in: 1400...1550))
            mass = load.int(in: 1150...1650)
            material = "vehicle"
            zone = .load
            obscurationBase = 0.5
        case .persons:
            let count = max(2, min(12, Int(Double(load.int(in: 3...6)) * sizeScale)))
            box = Box3D(x: 0, y: 0, z: 0, length: load.int(in: 1000...1800), width: W, height: H)
            mass = count * load.int(in: 55...80)
            material = "human-body"
            zone = .load
            obscurationBase = 0.45
        case .weapons:
            let units = max(2, Int(Double(load.int(in: 6...20)) * sizeScale))
            box = Box3D(
                x: load.int(in: 600...max(600, L - 1400)), y: load.int(in: 0...(W - 650)), z: 0,
                length: 650, width: 650, height: load.int(in: 850...1000))
            mass = spec.concealment?.massKG ?? units * 4
            material = "firearms-steel"
            zone = .load
            obscurationBase = 0.55
        case .radioactiveSource:
            let side = load.int(in: 150...300)
            box = Box3D(
                x: load.int(in: 500...max(500, L - 800)), y: load.int(in: 200...(W - side - 200)),
                z: load.int(in: 0...400),
                length: side, width: side, height: side)
            mass = spec.concealment?.massKG ?? Int(box.volumeM3 * 11_340 * 0.6)
            material = "lead"
            zone = .load
            obscurationBase = 0.6
        case .misdeclaredGoods, .fullDeclaredEmpty:
            let cover = kind == .misdeclaredGoods && scenario == .illicitCigarettes ? load.int(in: 1200...2400) : 0
            box = Box3D(
                x: 0, y: 0, z: 0, length: max(600, min(L, loadLength) - cover), width: W,
                height: Int(Double(H) * load.double(in: 0.75...0.95)))
            mass =
                kind == .fullDeclaredEmpty
                ? actualCargoKG : (scenario == .illicitCigarettes ? actualCargoKG * 9 / 10 : actualCargoKG)
            material = actualGoods?.material ?? (scenario == .illicitCigarettes ? "tobacco" : declaredMaterial)
            zone = kind == .fullDeclaredEmpty ? .wholeContainer : .load
            obscurationBase = kind == .fullDeclaredEmpty ? 0 : 0.3
        case .emptyDeclaredFull:
            box = Box3D(x: 0, y: 0, z: 0, length: loadLength, width: W, height: H)
            mass = actualCargoKG
            material = "air"
            zone = .wholeContainer
            obscurationBase = 0
        case .undeclaredGoods:
            let extra = max(200, actualCargoKG - (billOfLading?.declaredCargoGrossKG ?? 0))
            let length = load.int(in: 1200...2400)
            box = Box3D(
                x: load.int(in: 0...max(0, L / 2 - length)), y: 0, z: 0, length: length, width: W,
                height: Int(Double(H) * 0.8))
            mass = extra
            material = actualGoods?.material ?? load.pick(["tobacco", "electronics", "textiles"])
            zone = .load
            obscurationBase = 0.5
        case .withinLoad:
            let length = max(400, Int(Double(load.int(in: 800...1600)) * sizeScale))
            let width = load.chance(0.5) ? W : W / 2
            let start = max(300, loadLength / 5)
            box = Box3D(
                x: load.int(in: start...max(start, loadLength - length - 300)),
                y: width == W ? 0 : load.pick([0, W / 2]),
                z: 0, length: length, width: width, height: load.int(in: 600...1400))
            mass = scaled(box.volumeM3 * load.double(in: 60...140))
            zone = .load
            obscurationBase = 0.6
        }
        if let pinned = spec.concealment?.material { material = pinned }
        anomalies = [
            Anomaly(
                id: "A1", kind: kind, zone: zone, threat: threat, box: box, material: material, massKG: mass,
                variation: variation(obscurationBase: obscurationBase))
        ]
    }

    /// The modus operandi a scenario implies when the spec does not pin one.
    private mutating func defaultAnomalyKind() -> AnomalyKind {
        switch scenario {
        case .ripOnRipOff: return .ripOnRipOff
        case .structuralEntry: return .withinLoad
        case .falseFrontWall: return .falseFrontWall
        case .roofCompartment: return .roofCompartment
        case .floorCompartment: return .floorCompartment
        case .reeferUnitConcealment: return .reeferUnit
        case .reeferInsulation: return .reeferInsulation
        case .doorPanels: return .doorPanels
        case .vehicleBehindCargo: return .vehicleBehindCargo
        case .personsConcealed: return .persons
        case .firearmsSouthbound: return .weapons
        case .radiationSource: return .radioactiveSource
        case .emptyDeclaredFull: return .emptyDeclaredFull
        case .fullDeclaredEmpty: return .fullDeclaredEmpty
        case .vgmMismatch: return .undeclaredGoods
        case .illicitCigarettes, .precursorChemicals, .hsMismatch, .vagueDescription: return .misdeclaredGoods
        case .reeferNonPerishable: return load.chance(0.5) ? .reeferUnit : .reeferInsulation
        case .contaminatedExport: return sealStory == .intact ? .withinLoad : .ripOnRipOff
        default:
            if containerType.family == .reefer, load.chance(0.2) { return .reeferInsulation }
            return load.weighted([
                (.withinLoad, 0.65), (.falseFrontWall, 0.15), (.doorPanels, 0.08), (.floorCompartment, 0.12),
            ])!
        }
    }
}
