import CargoModel

extension Story {
    /// The cargo mass really in the box apart from the key's anomalies (kg): what the load's
    /// shapes must weigh. It agrees with the declared gross except where the scenario says not.
    var sceneLoadTargetKG: Double {
        let declaredGross = Double(billOfLading.declaredCargoGrossKG)
        let anomalyMass = Double(anomalies.first?.massKG ?? 0)
        switch anomalies.first?.kind {
        case .emptyDeclaredFull?: return Double(actualCargoKG)  // a few packages at the doors
        case .fullDeclaredEmpty?: return 0  // the load is the anomaly
        case .misdeclaredGoods?: return max(0, Double(actualCargoKG) - anomalyMass)  // the cover load, if any
        case .undeclaredGoods?: return max(0, Double(actualCargoKG) - anomalyMass)
        default: return declaredGross
        }
    }

    /// Plans the scene the scanner sees, from its own random stream (`load-scene`, or
    /// `load-scene-<variant>` for a redrawn load), so that the case and key are unchanged by it.
    ///
    /// A variant above 0 draws the load again and thins the cargo beside the concealments by
    /// half per step: a curriculum's visibility floor uses it to make a concealment findable.
    func planScene(variant: Int = 0, densities: [String: Double]) -> Scene {
        let stream = variant == 0 ? "load-scene" : "load-scene-\(variant)"
        var planner = ScenePlanner(
            type: containerType, densities: densities, random: CaseRandom(seed: seed, stream: stream))
        planner.obscurationScale = variant == 0 ? 1 : 1 / Double(1 << min(variant, 10))
        planner.planStructure()
        let L = containerType.internalLengthMM, W = containerType.internalWidthMM, H = containerType.internalHeightMM
        let isTank = containerType.family == .tank

        // The free space the declared goods may take: after a false wall, a vehicle or a hiding
        // place at the front, under a false ceiling, over a raised false floor, short of the doors.
        var zone = Box3D(x: 0, y: 0, z: 0, length: L, width: W, height: H)
        var columnCleared: [Anomaly] = []
        for anomaly in anomalies {
            let b = anomaly.box
            switch anomaly.kind {
            case .falseFrontWall, .persons, .vehicleBehindCargo, .misdeclaredGoods, .fullDeclaredEmpty:
                zone.length -= b.x + b.length + 3 - zone.x
                zone.x = b.x + b.length + 3
            case .emptyDeclaredFull:
                // What little there is stands at the doors.
                let start = max(zone.x, L - 1500)
                zone.length = L - start
                zone.x = start
            case .roofCompartment:
                zone.height = min(zone.height, b.z - 5)
            case .floorCompartment where b.z >= 0:
                zone.z = b.z + b.height + 18
                zone.height = H - zone.z
            case .ripOnRipOff, .withinLoad, .weapons, .radioactiveSource, .undeclaredGoods:
                columnCleared.append(anomaly)
            default: break
            }
        }
        let doorGap = planner.random.int(in: 60...350)
        zone.length = max(0, min(zone.length, L - doorGap - zone.x))

        // The declared goods, line by line along the container; misdeclared goods take their place.
        let target = sceneLoadTargetKG
        var lines: [(Commodity, Int)] = declared
        if anomalies.first?.kind == .emptyDeclaredFull, let first = declared.first {
            lines = [(first.0, max(1, Int(target / max(1, first.0.packageGrossKG))))]
        }
        if anomalies.first?.kind == .fullDeclaredEmpty { lines = [] }
        if let kind = anomalies.first?.kind, kind == .misdeclaredGoods, target < 1 { lines = [] }
        if isTank {
            planTankLiquid(&planner, target: target)
        } else if target > 0, zone.length > 300 {
            // Tall, full-width concealments among the goods split the floor into stretches.
            var stretches: [(Int, Int)] = []
            var cursor = zone.x
            let end = zone.x + zone.length
            for b in columnCleared.map(\.box).filter({ $0.width >= W - 10 && $0.height > H / 2 }).sorted(by: {
                $0.x < $1.x
            }) {
                if b.x > cursor { stretches.append((cursor, min(b.x, end) - cursor)) }
                cursor = max(cursor, b.x + b.length)
            }
            if end > cursor { stretches.append((cursor, end - cursor)) }
            stretches = stretches.filter { $0.1 > 300 }
            let floor = stretches.reduce(0) { $0 + $1.1 }
            let totalVolume = lines.reduce(0.0) { $0 + Double($1.1) * $1.0.packageVolumeM3 }
            for (s, (x0, length)) in stretches.enumerated() {
                var x = x0
                for (i, (commodity, count)) in lines.enumerated() {
                    let share = totalVolume > 0 ? Double(count) * commodity.packageVolumeM3 / totalVolume : 1
                    let part = i == lines.count - 1 ? x0 + length - x : Int(Double(length) * share)
                    let here = max(1, Int((Double(count) * Double(length) / Double(max(1, floor))).rounded()))
                    let box = Box3D(x: x, y: zone.y, z: zone.z, length: part, width: zone.width, height: zone.height)
                    planner.pack(commodity, count: here, into: box, label: "line\(i + 1)" + (s > 0 ? "-\(s)" : ""))
                    x += part
                }
            }
        }

        // The concealments.
        let cargoMaterial = declared.first?.0.material ?? "household-goods"
        for anomaly in anomalies {
            let b = anomaly.box
            if columnCleared.contains(anomaly) {
                planner.clearLoadColumn(b)
            } else {
                planner.clearStructure(b, keeping: ["floor", "roof", "side-wall-left", "side-wall-right", "tarpaulin"])
            }
            switch anomaly.kind {
            case .ripOnRipOff:
                planner.packConcealment(anomaly, in: b, packageSize: (650, 350, 350), bags: true)
            case .vehicleBehindCargo:
                planner.addVehicleConcealment(anomaly)
            case .persons:
                let count = max(1, anomaly.massKG / 70)
                for i in 0..<count {
                    let across = max(1, b.width / 500)
                    let x = b.x + 100 + (i / across) * 700, y = b.y + (i % across) * 500
                    guard x + 600 <= b.x + b.length else { break }
                    planner.addAnomalyShape(
                        anomaly, name: "person-\(i)",
                        .ellipsoid(Box3D(x: x, y: y, z: 0, length: 600, width: 450, height: 950)),
                        material: "human-body",
                        fill: Double(anomaly.massKG) / Double(count) / (0.6 * 0.45 * 0.95 * Double.pi / 6 * 1010))
                }
                planner.addAnomalyShape(
                    anomaly, name: "water",
                    .cylinder(
                        x: b.x + b.length - 250, y: b.y + 200, z: 0, radius: 150, length: 400,
                        axis: .z), material: "water", fill: 0.9)
            case .weapons:
                // Long guns standing in appliance cartons: thin steel rods a trained eye reads by shape.
                let units = max(1, anomaly.massKG / 4)
                let perRow = max(1, (b.length - 100) / 60)
                for i in 0..<units {
                    let x = b.x + 50 + (i % perRow) * 60, y = b.y + 100 + ((i / perRow) % 4) * 120
                    planner.addAnomalyShape(
                        anomaly, name: "long-gun-\(i)",
                        .cylinder(
                            x: x, y: y, z: 60, radius: 18, length: min(b.height - 80, 850),
                            axis: .z), material: "firearms-steel", fill: 0.35)
                }
                planner.addAnomalyShape(anomaly, name: "carton", .box(b), material: "paper", fill: 0.01)
            case .radioactiveSource:
                planner.packConcealment(anomaly, in: b, packageSize: (b.length, b.width, b.height))
            case .emptyDeclaredFull:
                planner.addAnomalyShape(anomaly, name: "empty-space", .box(b), material: "air", fill: 1)
            case .misdeclaredGoods, .fullDeclaredEmpty, .undeclaredGoods:
                let goods =
                    actualGoods ?? generator.catalog.commodities.first { $0.material == anomaly.material }
                    ?? declared.first?.0
                if let goods {
                    let count = max(1, Int(Double(anomaly.massKG) / max(1, goods.packageGrossKG)))
                    planner.pack(goods, count: count, into: b, label: anomaly.id, role: .anomaly, anomalyId: anomaly.id)
                    planner.scaleAnomaly(anomaly.id, toKG: Double(anomaly.massKG))
                } else {
                    planner.packConcealment(anomaly, in: b, packageSize: (600, 400, 400))
                }
            case .falseFrontWall:
                planner.packConcealment(
                    anomaly, in: Box3D(x: b.x, y: b.y, z: b.z, length: b.length - 3, width: b.width, height: b.height),
                    packageSize: (min(400, b.length - 3), 300, 200))
                planner.addStructure(
                    "false-front-wall", Box3D(x: b.x + b.length - 3, y: 0, z: 0, length: 3, width: W, height: H),
                    material: "steel", fill: 1)
            case .roofCompartment:
                planner.packConcealment(anomaly, in: b, packageSize: (400, 300, max(40, b.height - 10)))
                planner.addStructure(
                    "false-ceiling", Box3D(x: b.x, y: 0, z: b.z - 2, length: b.length, width: W, height: 2),
                    material: "steel", fill: 1)
            case .floorCompartment:
                let inner =
                    b.z < 0
                    ? Box3D(x: b.x, y: b.y, z: b.z, length: b.length, width: b.width, height: max(30, b.height - 30))
                    : b
                planner.packConcealment(anomaly, in: inner, packageSize: (400, 300, max(30, inner.height - 10)))
                if b.z >= 0 {
                    planner.addStructure(
                        "false-floor", Box3D(x: b.x, y: 0, z: b.z + b.height, length: b.length, width: W, height: 18),
                        material: "plywood", fill: 1)
                }
            default:
                // Reefer unit and insulation, door panels, within the load: bricks packed in the space.
                planner.packConcealment(anomaly, in: b, packageSize: (300, 200, 120))
            }
            if columnCleared.contains(anomaly), b.width < W {
                let fill = 0.45
                planner.obscure(
                    b, share: anomaly.variation.obscuration, material: cargoMaterial, fill: fill, label: anomaly.id)
            }
        }
        if !isTank { planner.scaleLoad(toKG: target) }
        var shapes = planner.structure + planner.load + planner.anomalyShapes
        shapes = shapes.filter { shape in
            let b = shape.geometry.bounds
            return b.length > 0 && b.width > 0 && b.height > 0
        }
        _ = H
        // A material the renderer's table lacks is drawn as its nearest kin, at the same mass.
        for i in shapes.indices where densities[shapes[i].material] == nil {
            let before = planner.density(shapes[i].material)
            let kin = ScenePlanner.kin[shapes[i].material].flatMap { densities[$0] != nil ? $0 : nil } ?? "water"
            shapes[i].fill = rounded(min(2, shapes[i].fill * before / planner.density(kin)))
            shapes[i].material = kin
        }
        return Scene(containerType: containerType.code, bounds: planner.bounds, shapes: shapes)
    }

    /// A liquid in a tank container: horizontal slabs filling the barrel's circular section up to its level.
    private func planTankLiquid(_ planner: inout ScenePlanner, target: Double) {
        guard target > 0, let goods = declared.first?.0 else { return }
        let W = containerType.internalWidthMM, H = containerType.internalHeightMM, L = containerType.internalLengthMM
        let r = Double(min(W, H) / 2 - 14)
        let length = L - 280
        let rho = planner.density(goods.material)
        // Level: the share of the barrel's section the liquid takes.
        let share = min(0.97, target / (rho * Double.pi * r * r * Double(length) / 1e9))
        let slabs = 12
        var level = 0.0, low = 0.0, high = 2 * r
        for _ in 0..<50 {
            level = (low + high) / 2
            let theta = 2 * acosApprox((r - level) / r)
            let area = r * r / 2 * (theta - sinApprox(theta))
            if area / (Double.pi * r * r) < share { low = level } else { high = level }
        }
        let zBottom = Double(H) / 2 - r
        let slab = level / Double(slabs)
        var shapes: [Box3D] = []
        for i in 0..<slabs {
            let mid = Double(i) * slab + slab / 2 - r
            let chord = 2 * max(0, r * r - mid * mid).squareRoot()
            shapes.append(
                Box3D(
                    x: 140, y: W / 2 - Int(chord / 2), z: Int(zBottom + Double(i) * slab), length: length,
                    width: Int(chord), height: max(1, Int(slab))))
        }
        for (i, b) in shapes.enumerated() {
            planner.addTankLiquid("liquid-\(i)", b, material: goods.material)
        }
        planner.scaleLoad(toKG: target)
    }
}

extension ScenePlanner {
    mutating func addTankLiquid(_ name: String, _ box: Box3D, material: String) {
        addLoadShape(SceneShape(name: name, role: .load, geometry: .box(box), material: material, fill: 1))
    }

    /// Scales the anomaly's own shapes to weigh `targetKG`.
    mutating func scaleAnomaly(_ id: String, toKG targetKG: Double) {
        let current = anomalyShapesMass(id)
        guard current > 0 else { return }
        scaleAnomalyFill(id, by: targetKG / current)
    }
}

private func acosApprox(_ x: Double) -> Double {
    // acos by bisection on cos, so that the result never depends on the C library.
    let c = max(-1, min(1, x))
    var low = 0.0, high = Double.pi
    for _ in 0..<60 {
        let mid = (low + high) / 2
        if cosSeries(mid) > c { low = mid } else { high = mid }
    }
    return (low + high) / 2
}

private func cosSeries(_ x: Double) -> Double {
    var term = 1.0, sum = 1.0
    for n in 1..<30 {
        term *= -x * x / Double((2 * n - 1) * (2 * n))
        sum += term
    }
    return sum
}

private func sinApprox(_ x: Double) -> Double {
    var term = x, sum = x
    for n in 1..<30 {
        term *= -x * x / Double((2 * n) * (2 * n + 1))
        sum += term
    }
    return sum
}
