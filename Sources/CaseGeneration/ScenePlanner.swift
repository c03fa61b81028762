import CargoModel

/// Nominal densities (kg/m³) of the materials the scene planner names, used to choose the
/// `fill` of each shape so that the scene's mass agrees with the story. The renderer's
/// material table (`Assets/materials`) is the authority: pass its densities to
/// `CaseGenerator.materialDensities` so that both agree; these are the fallback.
public enum NominalDensity {
    public static let table: [String: Double] = [
        "air": 1.205, "aluminium": 2699, "appliances": 1500, "cannabis-herb": 500, "cannabis-resin": 1150,
        "ceramic": 2400, "chemicals-inorganic": 2000, "chemicals-organic": 900, "cocaine-hydrochloride": 1200,
        "cocoa": 1100, "coffee": 1100, "copper": 8960, "electronics": 1800, "fertilizer": 1400, "firearms-steel": 7850,
        "flowers": 500, "frozen-fish": 1000, "frozen-meat": 1050, "fruit": 950, "furniture": 700, "glass": 2500,
        "grain": 1350, "household-goods": 900, "human-body": 1010, "lead": 11350, "liquid-water-based": 1050,
        "machinery": 7800, "oil": 920, "paper": 1100, "plastics": 950, "plywood": 650, "polyurethane-foam": 40,
        "pvc": 1380, "rubber": 1150, "scrap-metal": 7800, "steel": 7850, "stone": 2600, "sugar": 1590,
        "textiles": 1400, "tobacco": 800, "tyres": 1150, "vegetables": 950, "vehicle": 7850, "water": 1000,
        "wine": 1000, "wood": 550,
    ]
}

/// Lays out the shapes of one container: structure, load and concealments. Deterministic:
/// all draws come from the `random` stream it is given.
struct ScenePlanner {
    let type: ContainerType
    let densities: [String: Double]
    var random: CaseRandom
    /// Thinning of the cargo beside a concealment (1 = as planned; smaller on scene variants).
    var obscurationScale: Double = 1

    private(set) var structure: [SceneShape] = []
    private(set) var load: [SceneShape] = []
    /// Per load shape: true when its fill may be scaled to meet the mass (goods, not pallets).
    private var scalable: [Bool] = []
    private(set) var anomalyShapes: [SceneShape] = []

    var L: Int { type.internalLengthMM }
    var W: Int { type.internalWidthMM }
    var H: Int { type.internalHeightMM }
    /// Depth of the front end before x = 0 (front wall; a reefer's machinery unit).
    var frontDepth: Int { type.family == .reefer ? type.endWallAllowanceMM - 110 : 45 }
    var doorDepth: Int { type.endWallAllowanceMM - frontDepth }
    var roofDepth: Int {
        switch type.family {
        case .reefer: 100
        case .openTop: 90
        default: 45
        }
    }
    var baseDepth: Int { type.externalHeightMM - type.internalHeightMM - roofDepth }
    var sideDepth: Int { (type.externalWidthMM - type.internalWidthMM) / 2 }

    /// Materials to draw in place of one the renderer's table lacks.
    static let kin: [String: String] = [
        "furniture": "wood", "household-goods": "plastics", "appliances": "steel", "electronics": "plastics",
        "machinery": "steel", "vehicle": "steel", "scrap-metal": "steel", "tyres": "rubber", "firearms-steel": "steel",
        "cannabis-herb": "cellulose", "cannabis-resin": "cellulose", "cocaine-hydrochloride": "sucrose",
        "tobacco": "cellulose",
        "human-body": "water", "plywood": "wood", "polyurethane-foam": "polyethylene", "pvc": "polyethylene",
    ]

    init(type: ContainerType, densities: [String: Double], random: CaseRandom) {
        self.type = type
        self.densities = densities
        self.random = random
    }

    /// The container's outside in scene coordinates.
    var bounds: Box3D {
        Box3D(
            x: -frontDepth, y: -sideDepth, z: -baseDepth, length: type.externalLengthMM, width: type.externalWidthMM,
            height: type.externalHeightMM)
    }

    func density(_ material: String) -> Double { densities[material] ?? NominalDensity.table[material] ?? 1000 }

    /// Mass of a shape in kg.
    func mass(_ shape: SceneShape) -> Double { volumeM3(shape.geometry) * density(shape.material) * shape.fill }

    // MARK: Structure

    private mutating func add(_ name: String, _ geometry: SceneGeometry, _ material: String, fill: Double) {
        structure.append(
            SceneShape(name: name, role: .structure, geometry: geometry, material: material, fill: rounded(fill)))
    }

    private mutating func addBox(_ name: String, _ box: Box3D, _ material: String, fill: Double) {
        add(name, .box(box), material, fill: fill)
    }

    /// Frame, walls, floor, roof, doors and (reefer) machinery, after the family's build.
    mutating func planStructure() {
        let xs = -frontDepth, xe = L + doorDepth, extL = type.externalLengthMM
        let isReefer = type.family == .reefer, isTank = type.family == .tank
        // Bottom side rails (pressed C-sections) and top side rails (square tubes).
        for (side, y) in [("left", -sideDepth), ("right", W + sideDepth - 60)] {
            addBox(
                "bottom-rail-\(side)", Box3D(x: xs, y: y, z: -baseDepth, length: extL, width: 40, height: 160), "steel",
                fill: 0.17)
            if !isTank {
                addBox(
                    "top-rail-\(side)", Box3D(x: xs, y: y, z: H + roofDepth - 60, length: extL, width: 60, height: 60),
                    "steel", fill: 0.2)
            }
        }
        // Corner posts and corner castings.
        for (end, x) in [("front", xs), ("rear", xe - 150)] {
            for (side, y) in [("left", -sideDepth), ("right", W + sideDepth - 150)] {
                addBox(
                    "corner-post-\(end)-\(side)",
                    Box3D(
                        x: x, y: y, z: -baseDepth + 118, length: 150, width: 150,
                        height: type.externalHeightMM - 236), "steel", fill: 0.16)
                for (level, z) in [("bottom", -baseDepth), ("top", H + roofDepth - 118)] {
                    addBox(
                        "corner-casting-\(end)-\(side)-\(level)",
                        Box3D(
                            x: end == "front" ? xs : xe - 178, y: side == "left" ? -sideDepth : W + sideDepth - 162,
                            z: z, length: 178, width: 162, height: 118), "steel", fill: 0.45)
                }
            }
        }
        // End frames: front sill and header, rear sill and door header.
        addBox(
            "front-sill", Box3D(x: xs, y: 0, z: -baseDepth, length: 120, width: W, height: baseDepth), "steel",
            fill: 0.1)
        addBox(
            "rear-sill", Box3D(x: L, y: 0, z: -baseDepth, length: doorDepth, width: W, height: baseDepth), "steel",
            fill: 0.14)
        addBox(
            "rear-header", Box3D(x: L, y: 0, z: H, length: doorDepth, width: W, height: roofDepth), "steel", fill: 0.14)
        if isTank {
            planTank()
            return
        }
        // Cross-members every ~300 mm under the floor.
        let pitch = random.int(in: 280...320)
        let floorThickness = isReefer ? 60 : 28
        var x = 40
        var n = 0
        while x + 45 < L {
            addBox(
                "cross-member-\(n)", Box3D(x: x, y: 0, z: -floorThickness - 122, length: 45, width: W, height: 122),
                "steel", fill: 0.17)
            x += pitch
            n += 1
        }
        if isReefer {
            // Aluminium T-floor over foam; insulated walls (skins and polyurethane foam), roof and front wall.
            addBox(
                "t-floor", Box3D(x: 0, y: 0, z: -floorThickness, length: L, width: W, height: floorThickness),
                "aluminium", fill: 0.16)
            for (side, y) in [("left", -sideDepth), ("right", W)] {
                addBox(
                    "outer-skin-\(side)",
                    Box3D(x: 0, y: side == "left" ? y : W + sideDepth - 2, z: 0, length: L, width: 2, height: H),
                    "aluminium", fill: 0.6)
                addBox(
                    "foam-\(side)",
                    Box3D(
                        x: 0, y: side == "left" ? -sideDepth + 2 : W + 1, z: 0, length: L, width: sideDepth - 3,
                        height: H),
                    "polyurethane-foam", fill: 1)
                addBox(
                    "inner-skin-\(side)", Box3D(x: 0, y: side == "left" ? -1 : W, z: 0, length: L, width: 1, height: H),
                    "aluminium", fill: 1)
            }
            addBox(
                "roof-foam", Box3D(x: 0, y: 0, z: H + 1, length: L, width: W, height: roofDepth - 3),
                "polyurethane-foam", fill: 1)
            addBox(
                "roof-skins", Box3D(x: 0, y: 0, z: H + roofDepth - 2, length: L, width: W, height: 2), "aluminium",
                fill: 1)
            addBox(
                "front-wall-foam", Box3D(x: -100, y: 0, z: 0, length: 100, width: W, height: H), "polyurethane-foam",
                fill: 1)
            addBox(
                "front-wall-skins", Box3D(x: -100, y: 0, z: 0, length: 100, width: W, height: H), "aluminium",
                fill: 0.03)
            planReeferUnit()
        } else {
            addBox(
                "floor", Box3D(x: 0, y: 0, z: -floorThickness, length: L, width: W, height: floorThickness), "plywood",
                fill: 1)
            // Corrugated 1.6–2 mm side walls: the corrugation adds about a fifth to the steel a ray crosses.
            for (side, y) in [("left", -3), ("right", W + 1)] {
                addBox("side-wall-\(side)", Box3D(x: 0, y: y, z: 0, length: L, width: 2, height: H), "steel", fill: 1.2)
            }
            addBox(
                "front-wall", Box3D(x: -frontDepth, y: 0, z: 0, length: frontDepth - 5, width: W, height: H), "steel",
                fill: 2.0 * 1.25 / Double(frontDepth - 5))
            if type.family == .openTop {
                // Removable roof bows (steel tubes across) under a PVC tarpaulin.
                var bx = 600
                var b = 0
                while bx < L - 300 {
                    add(
                        "roof-bow-\(b)", .cylinder(x: bx, y: 0, z: H + 40, radius: 20, length: W, axis: .y), "steel",
                        fill: 0.2)
                    bx += 1000 + random.int(in: -40...40)
                    b += 1
                }
                addBox("tarpaulin", Box3D(x: 0, y: 0, z: H + 62, length: L, width: W, height: 1), "pvc", fill: 0.7)
            } else {
                addBox("roof", Box3D(x: 0, y: 0, z: H, length: L, width: W, height: 2), "steel", fill: 1.1)
            }
        }
        planDoors()
    }

    private mutating func planDoors() {
        let x = L
        let insulated = type.family == .reefer
        for (leaf, y) in [("left", 0), ("right", W / 2)] {
            let w = W / 2
            addBox(
                "door-\(leaf)-panel", Box3D(x: x + 10, y: y, z: 0, length: doorDepth - 40, width: w, height: H),
                insulated ? "polyurethane-foam" : "steel", fill: insulated ? 1 : 2.2 / Double(doorDepth - 40))
            if insulated {
                addBox(
                    "door-\(leaf)-skins", Box3D(x: x + 10, y: y, z: 0, length: doorDepth - 40, width: w, height: H),
                    "aluminium",
                    fill: 3.0 / Double(doorDepth - 40))
            }
            addBox(
                "door-\(leaf)-frame-top", Box3D(x: x + 10, y: y, z: H - 100, length: 50, width: w, height: 100),
                "steel", fill: 0.12)
            addBox(
                "door-\(leaf)-frame-bottom", Box3D(x: x + 10, y: y, z: 0, length: 50, width: w, height: 100), "steel",
                fill: 0.12)
            // Two locking bars per leaf, with cams top and bottom.
            for (i, by) in [y + w / 4, y + 3 * w / 4].enumerated() {
                add(
                    "locking-bar-\(leaf)-\(i)",
                    .cylinder(
                        x: x + doorDepth - 18, y: by, z: -baseDepth + 60, radius: 14,
                        length: H + baseDepth + roofDepth - 120, axis: .z), "steel", fill: 0.45)
                for (end, z) in [("bottom", -baseDepth + 40), ("top", H + roofDepth - 80)] {
                    addBox(
                        "cam-keeper-\(leaf)-\(i)-\(end)",
                        Box3D(x: x + doorDepth - 45, y: by - 40, z: z, length: 45, width: 80, height: 40),
                        "steel", fill: 0.6)
                }
            }
            // Four hinges on the outer edge of each leaf.
            for h in 0..<4 {
                let z = 150 + h * (H - 300) / 3
                addBox(
                    "hinge-\(leaf)-\(h)",
                    Box3D(
                        x: x + doorDepth - 30, y: leaf == "left" ? -sideDepth : W + sideDepth - 60, z: z,
                        length: 30, width: 60, height: 90), "steel", fill: 0.7)
            }
        }
    }

    private mutating func planReeferUnit() {
        let x0 = -frontDepth
        let depth = frontDepth - 100
        addBox(
            "reefer-frame",
            Box3D(x: x0, y: 0, z: -baseDepth + 100, length: depth, width: W, height: type.externalHeightMM - 200),
            "aluminium", fill: 0.03)
        add(
            "reefer-compressor", .cylinder(x: x0 + depth / 2, y: W / 2 + 350, z: 0, radius: 150, length: 380, axis: .z),
            "steel", fill: 0.35)
        addBox(
            "reefer-condenser-coil", Box3D(x: x0 + 20, y: 200, z: 150, length: 120, width: W - 400, height: 800),
            "copper", fill: 0.05)
        addBox(
            "reefer-evaporator-coil",
            Box3D(x: x0 + depth - 160, y: 300, z: H - 900, length: 140, width: W - 600, height: 600),
            "aluminium", fill: 0.12)
        for (i, y) in [W / 2 - 500, W / 2 + 500].enumerated() {
            add(
                "reefer-fan-\(i)", .cylinder(x: x0 + depth - 200, y: y, z: H - 600, radius: 200, length: 60, axis: .x),
                "aluminium",
                fill: 0.15)
        }
        addBox(
            "reefer-control-box", Box3D(x: x0 + 40, y: W - 700, z: H - 700, length: 200, width: 500, height: 400),
            "steel", fill: 0.08)
        add(
            "reefer-motor", .cylinder(x: x0 + depth / 2, y: W / 2 - 400, z: 300, radius: 110, length: 300, axis: .y),
            "copper",
            fill: 0.3)
    }

    private mutating func planTank() {
        // A stainless steel barrel in a frame: shell smeared over the cylinder (2t/R), dished ends as steel slabs.
        let r = min(W, H) / 2 - 10
        let zc = H / 2
        add(
            "tank-shell", .cylinder(x: 100, y: W / 2, z: zc, radius: r, length: L - 200, axis: .x), "steel",
            fill: 2 * 4.0 / Double(r))
        for (end, x) in [("front", 60), ("rear", L - 100)] {
            addBox(
                "tank-end-\(end)", Box3D(x: x, y: W / 2 - r, z: zc - r, length: 40, width: 2 * r, height: 2 * r),
                "steel", fill: 0.12)
        }
        for (end, x) in [("front", -frontDepth), ("rear", L)] {
            addBox(
                "end-frame-\(end)",
                Box3D(x: x, y: 0, z: -baseDepth, length: 150, width: W, height: type.externalHeightMM), "steel",
                fill: 0.05)
        }
        addBox(
            "walkway", Box3D(x: 200, y: W / 2 - 300, z: H + 20, length: L - 400, width: 600, height: 30), "aluminium",
            fill: 0.2)
    }

    // MARK: Load

    /// Adds one load shape (goods when `scalable`, else packaging such as pallets).
    private mutating func addLoad(
        _ name: String, _ geometry: SceneGeometry, _ material: String, fill: Double, scalable: Bool = true
    ) {
        load.append(SceneShape(name: name, role: .load, geometry: geometry, material: material, fill: fill))
        self.scalable.append(scalable)
    }

    /// Packs `count` packages of `commodity` into `zone` (a box of free space), front to back.
    /// Returns the x where the packed goods end.
    @discardableResult
    mutating func pack(
        _ commodity: Commodity, count: Int, into zone: Box3D, label: String, role: SceneRole = .load,
        anomalyId: String? = nil
    ) -> Int {
        guard count > 0, zone.length > 100, zone.height > 100 else { return zone.x }
        let start = load.count
        let volume = commodity.packageVolumeM3
        let gap = random.int(in: 30...90)
        var endX = zone.x
        if commodity.material == "vehicle" && commodity.packageKind == .units {
            var x = zone.x
            for i in 0..<count where x + 3800 <= zone.x + zone.length {
                planVehicle(at: x, y: zone.y + (zone.width - 1750) / 2, name: "\(label)-car-\(i)")
                x += 4300
                endX = x
            }
        } else if commodity.packageKind == .coils || (commodity.packageKind == .reels && volume > 1) {
            // Coils and reels eye to the side, one across, on timber cradles.
            let r = min(zone.height / 2 - 60, Int((volume / 1.2 / Double.pi).squareRoot() * 1000 * 0.9))
            let length = min(zone.width - 200, 1200)
            var x = zone.x + 200
            for i in 0..<count where x + 2 * r <= zone.x + zone.length {
                addLoad(
                    "\(label)-cradle-\(i)",
                    .box(
                        Box3D(
                            x: x, y: zone.y + (zone.width - length) / 2, z: zone.z, length: 2 * r, width: length,
                            height: 120)),
                    "wood", fill: 0.5, scalable: false)
                addLoad(
                    "\(label)-coil-\(i)",
                    .cylinder(
                        x: x + r, y: zone.y + (zone.width - length) / 2, z: zone.z + 120 + r, radius: r,
                        length: length, axis: .y), commodity.material, fill: jitter(0.8))
                endX = x + 2 * r
                x += 2 * r + max(600, (zone.length - 400) / max(1, count) - 2 * r)
            }
        } else if commodity.packageKind == .bulk {
            // Bulk in a liner bag: slabs that slope down toward the door bulkhead.
            let needed = Double(count) * volume
            let fullHeight = min(
                zone.height - 50, Int(needed / (Double(zone.length) / 1000 * Double(zone.width) / 1000) * 1000 * 1.1))
            let slabs = max(1, zone.length / 600)
            for i in 0..<slabs {
                let slope = i >= slabs - 3 ? Double(slabs - i) / 4 : 1
                let h = max(100, Int(Double(fullHeight) * slope))
                addLoad(
                    "\(label)-bulk-\(i)",
                    .box(Box3D(x: zone.x + i * 600, y: zone.y, z: zone.z, length: 600, width: zone.width, height: h)),
                    commodity.material, fill: jitter(0.9))
            }
            endX = zone.x + slabs * 600
        } else if volume >= 0.3 || commodity.packageKind == .drums || commodity.packageKind == .ibc {
            endX = packUnits(commodity, count: count, into: zone, gap: gap, label: label)
        } else if [.bags, .sacks, .bales].contains(commodity.packageKind) {
            endX = packBags(commodity, count: count, into: zone, label: label)
        } else {
            endX = packPallets(commodity, count: count, into: zone, gap: gap, label: label)
        }
        if role == .anomaly {
            for i in start..<load.count {
                var shape = load[i]
                shape.role = .anomaly
                shape.anomalyId = anomalyId
                anomalyShapes.append(shape)
            }
            load.removeSubrange(start...)
            scalable.removeSubrange(start...)
        }
        return endX
    }

    private mutating func jitter(_ value: Double) -> Double { value * random.double(in: 0.88...1.12) }

    /// Small packages (cartons, boxes, cases) on pallets, two across, in layered stacks.
    private mutating func packPallets(_ commodity: Commodity, count: Int, into zone: Box3D, gap: Int, label: String)
        -> Int
    {
        let lengthwise = random.chance(0.5)
        let (px, py) = lengthwise ? (1200, 1000) : (1000, 1200)
        let across = max(1, zone.width / (py + 40))
        let pallet = 144
        let perM3 = 1 / max(0.001, commodity.packageVolumeM3)
        let needed = Double(count) / perM3
        let maxStack = zone.height - pallet - random.int(in: 60...250)
        let rows = max(
            1,
            min(
                zone.length / (px + gap),
                Int((needed / (Double(px * py * across) / 1e6 * Double(maxStack) / 1000)).rounded(.up))))
        let stack = max(250, min(maxStack, Int(needed / (Double(rows * across) * Double(px * py) / 1e6) * 1000)))
        let layer = max(150, min(450, Int((commodity.packageVolumeM3 * 1e9).squareRoot() / 1.6)))
        let y0 = zone.y + (zone.width - across * py - (across - 1) * 40) / 2
        var x = zone.x
        for r in 0..<rows {
            for a in 0..<across {
                let y = y0 + a * (py + 40)
                addLoad(
                    "\(label)-pallet-\(r)-\(a)",
                    .box(Box3D(x: x, y: y, z: zone.z, length: px, width: py, height: pallet)), "wood",
                    fill: 0.3, scalable: false)
                // Each pallet a little shorter or taller than the next, in layers of cartons.
                let h = max(layer, min(maxStack, stack + random.int(in: -120...60)))
                var z = zone.z + pallet
                var l = 0
                while z < zone.z + pallet + h {
                    let lh = min(layer, zone.z + pallet + h - z)
                    addLoad(
                        "\(label)-stack-\(r)-\(a)-\(l)",
                        .box(Box3D(x: x + 10, y: y + 10, z: z, length: px - 20, width: py - 20, height: lh - 4)),
                        commodity.material, fill: jitter(1))
                    z += lh
                    l += 1
                }
            }
            x += px + gap
        }
        return x
    }

    /// Sacks and bags floor-loaded as pillows; bales as blocks.
    private mutating func packBags(_ commodity: Commodity, count: Int, into zone: Box3D, label: String) -> Int {
        let v = commodity.packageVolumeM3 * 1e9
        let bh = max(120, Int(pow3(v / 4)))  // a sack is about 2.5 : 1.6 : 1 (length : width : height)
        let bl = min(1100, Int(Double(bh) * 2.5)), bw = min(zone.width / 2, Int(Double(bh) * 1.6))
        let across = max(1, zone.width / bw)
        let tiers = max(1, (zone.height - 150) / bh)
        let rowsNeeded = Int((Double(count) / Double(across * tiers)).rounded(.up))
        let rows = min(rowsNeeded, max(1, zone.length / bl))
        let perRow = min(tiers, Int((Double(count) / Double(rows * across)).rounded(.up)))
        let bale = commodity.packageKind == .bales
        var x = zone.x
        for r in 0..<rows {
            for t in 0..<perRow {
                // Rows are laid in alternate directions, as stevedores stack them.
                let offset = t % 2 == 0 ? 0 : bw / 3
                for a in 0..<across where offset + (a + 1) * bw <= zone.width {
                    // Filled sacks bulge into each other: the pillow is a little larger than its cell.
                    let box =
                        bale
                        ? Box3D(
                            x: x, y: zone.y + offset + a * bw, z: zone.z + t * bh, length: bl - 10, width: bw - 10,
                            height: bh - 5)
                        : Box3D(
                            x: x - bl / 10, y: zone.y + offset + a * bw - bw / 10, z: zone.z + t * bh,
                            length: bl + bl / 5,
                            width: bw + bw / 5, height: bh + bh / 6)
                    addLoad(
                        "\(label)-\(bale ? "bale" : "bag")-\(r)-\(t)-\(a)",
                        bale ? .box(box) : .ellipsoid(clamp(box, to: zone)),
                        commodity.material, fill: jitter(1))
                }
            }
            x += bl
        }
        return x
    }

    /// Big single packages: drums, IBCs, big bags, crates, machinery, rolls, bundles.
    private mutating func packUnits(_ commodity: Commodity, count: Int, into zone: Box3D, gap: Int, label: String)
        -> Int
    {
        let kind = commodity.packageKind
        let v = commodity.packageVolumeM3 * 1e9
        var ux: Int, uy: Int, uz: Int
        switch kind {
        case .drums: (ux, uy, uz) = (585, 585, 880)
        case .ibc: (ux, uy, uz) = (1200, 1000, 1160)
        case .bundles:
            uy = min(zone.width / 2, 1000)
            if let length = commodity.packageLengthMM {
                // Bars and pipes lie along the box at their own length; the bundle's section carries the volume.
                ux = min(zone.length, length)
                uz = max(150, Int(v / Double(ux * uy)))
            } else {
                uz = 450
                ux = min(zone.length, max(1500, Int(v / Double(uy * uz))))
            }
        case .rolls, .reels: uz = min(zone.height - 100, 1400); ux = Int((v / Double(uz)).squareRoot()); uy = ux
        default:
            let side = Int(pow3(v))
            uz = min(zone.height - 100, side)
            ux = min(zone.length, max(500, Int((v / Double(uz)).squareRoot())))
            uy = min(zone.width, max(500, Int(v / Double(uz) / Double(ux))))
        }
        ux = max(300, ux); uy = max(300, uy); uz = max(200, uz)
        let spacing = kind == .drums ? 2 : 20
        let across = max(1, zone.width / (uy + spacing))
        let tiers = max(1, min(kind == .drums || kind == .bundles || kind == .bags ? 3 : 2, (zone.height - 50) / uz))
        let heavy = commodity.packageGrossKG > 4000
        var placed = 0
        var x = zone.x
        var r = 0
        while placed < count && x + ux <= zone.x + zone.length {
            let y0 = zone.y + (zone.width - across * (uy + spacing)) / 2
            for t in 0..<(heavy ? 1 : tiers) {
                for a in 0..<(heavy ? 1 : across) where placed < count {
                    let y = heavy ? zone.y + (zone.width - uy) / 2 : y0 + a * (uy + spacing)
                    let z = zone.z + t * uz
                    let name = "\(label)-unit-\(r)-\(t)-\(a)"
                    switch kind {
                    case .drums:
                        addLoad(
                            name,
                            .cylinder(
                                x: x + ux / 2, y: y + uy / 2, z: z, radius: ux / 2 - 10, length: uz - 20, axis: .z),
                            commodity.material, fill: jitter(0.95))
                        addLoad(
                            name + "-shell",
                            .cylinder(
                                x: x + ux / 2, y: y + uy / 2, z: z, radius: ux / 2 - 10, length: uz - 20, axis: .z),
                            "steel", fill: 0.008, scalable: false)
                    case .rolls, .reels:
                        addLoad(
                            name,
                            .cylinder(
                                x: x + ux / 2, y: y + uy / 2, z: z, radius: ux / 2 - 10, length: uz - 20, axis: .z),
                            commodity.material, fill: jitter(0.9))
                    case .ibc:
                        addLoad(
                            name,
                            .box(
                                Box3D(
                                    x: x + 20, y: y + 20, z: z + 150, length: ux - 40, width: uy - 40, height: uz - 170)
                            ),
                            commodity.material, fill: jitter(0.9))
                        addLoad(
                            name + "-cage", .box(Box3D(x: x, y: y, z: z, length: ux, width: uy, height: uz)), "steel",
                            fill: 0.004,
                            scalable: false)
                    case .bags:
                        addLoad(
                            name, .ellipsoid(Box3D(x: x, y: y, z: z, length: ux, width: uy, height: uz)),
                            commodity.material,
                            fill: jitter(1))
                    case .crates, .units, .pieces:
                        // A machine or appliance: a dense core on a base inside a light shell (crate or casing).
                        addLoad(
                            name + "-shell", .box(Box3D(x: x, y: y, z: z, length: ux, width: uy, height: uz)),
                            kind == .crates ? "wood" : commodity.material, fill: kind == .crates ? 0.06 : jitter(0.3))
                        addLoad(
                            name + "-core",
                            .box(
                                Box3D(
                                    x: x + ux / 4, y: y + uy / 4, z: z + 100, length: ux / 2, width: uy / 2,
                                    height: max(100, uz / 2))),
                            commodity.material, fill: jitter(1))
                    default:
                        addLoad(
                            name, .box(Box3D(x: x, y: y, z: z, length: ux, width: uy, height: uz)), commodity.material,
                            fill: jitter(1))
                    }
                    placed += 1
                }
            }
            r += 1
            x += ux + (heavy ? max(gap, (zone.length - count * ux) / max(1, count)) : gap)
        }
        return x
    }

    /// A passenger car: shell, engine block, wheels and glass-free cabin (as a scanner shows it).
    private mutating func planVehicle(
        at x: Int, y: Int, name: String, role: SceneRole = .load, anomalyId: String? = nil,
        length: Int = 4300, height: Int = 1450
    ) {
        var shapes: [(String, SceneGeometry, String, Double)] = [
            (
                "body", .box(Box3D(x: x, y: y, z: 250, length: length, width: 1750, height: height - 250)), "steel",
                0.0012
            ),
            ("floor-pan", .box(Box3D(x: x, y: y, z: 200, length: length, width: 1750, height: 60)), "steel", 0.03),
            (
                "engine", .box(Box3D(x: x + 150, y: y + 400, z: 300, length: 600, width: 950, height: 550)), "steel",
                0.35
            ),
            (
                "gearbox", .box(Box3D(x: x + 750, y: y + 700, z: 300, length: 400, width: 350, height: 300)),
                "aluminium", 0.5
            ),
            (
                "fuel-tank",
                .box(Box3D(x: x + length - 1300, y: y + 400, z: 250, length: 500, width: 900, height: 220)), "steel",
                0.02
            ),
            (
                "seats", .box(Box3D(x: x + 1500, y: y + 150, z: 450, length: 1600, width: 1450, height: 600)), "steel",
                0.01
            ),
        ]
        for (i, wx) in [x + 800, x + length - 900].enumerated() {
            shapes.append(
                ("wheels-\(i)", .cylinder(x: wx, y: y, z: 320, radius: 320, length: 1750, axis: .y), "rubber", 0.09))
            shapes.append(
                ("rims-\(i)", .cylinder(x: wx, y: y, z: 320, radius: 200, length: 1750, axis: .y), "steel", 0.012))
        }
        for (part, geometry, material, fill) in shapes {
            let shape = SceneShape(
                name: "\(name)-\(part)", role: role, geometry: geometry, material: material, fill: fill,
                anomalyId: anomalyId)
            if role == .anomaly {
                anomalyShapes.append(shape)
            } else {
                load.append(shape)
                scalable.append(true)
            }
        }
    }

    /// Removes load from the side-view column of `box` (its x and z extent, across the whole
    /// width): boxes are cut around it, round shapes that touch it are dropped.
    mutating func clearLoadColumn(_ box: Box3D) {
        let column = Box3D(x: box.x, y: -10_000, z: box.z, length: box.length, width: 30_000, height: box.height)
        var newLoad: [SceneShape] = []
        var newScalable: [Bool] = []
        for (shape, s) in zip(load, scalable) {
            for piece in cut(shape, by: column) {
                newLoad.append(piece)
                newScalable.append(s)
            }
        }
        load = newLoad
        scalable = newScalable
    }

    /// Cuts `box` out of the structure (a concealment takes the place of foam, a door panel, a cross-member).
    mutating func clearStructure(_ box: Box3D, keeping names: Set<String> = []) {
        structure = structure.flatMap { names.contains($0.name) ? [$0] : cut($0, by: box) }
    }

    private func cut(_ shape: SceneShape, by hole: Box3D) -> [SceneShape] {
        guard shape.geometry.bounds.overlaps(hole) else { return [shape] }
        guard case let .box(b) = shape.geometry else { return [] }
        return subtract(hole, from: b).enumerated().map { i, piece in
            var copy = shape
            copy.geometry = .box(piece)
            if i > 0 { copy.name += "-\(i)" }
            return copy
        }
    }

    /// Adds cargo beside a concealment (along y) over `share` of its side-view area.
    mutating func obscure(_ box: Box3D, share: Double, material: String, fill: Double, label: String) {
        let s = share * obscurationScale
        guard s > 0.01 else { return }
        let segments = [(0, box.y), (box.y + box.width, W - box.y - box.width)].filter { $0.1 >= 150 }
        guard !segments.isEmpty else { return }
        let length = max(1, Int(Double(box.length) * min(1, s)))
        let x = box.x + random.int(in: 0...(box.length - length))
        for (i, (y, w)) in segments.enumerated() {
            addLoad(
                "\(label)-beside-\(i)",
                .box(Box3D(x: x, y: y + 20, z: box.z, length: length, width: w - 40, height: box.height)), material,
                fill: fill)
        }
    }

    /// Scales the goods' fill so that the load (packaging included) weighs `targetKG`; returns
    /// the mass reached.
    mutating func scaleLoad(toKG targetKG: Double) {
        let fixed = zip(load, scalable).filter { !$0.1 }.reduce(0.0) { $0 + mass($1.0) }
        let goods = zip(load, scalable).filter { $0.1 }.reduce(0.0) { $0 + mass($1.0) }
        guard goods > 0 else { return }
        let factor = max(0, targetKG - fixed) / goods
        for i in load.indices where scalable[i] {
            load[i].fill = rounded(min(2, load[i].fill * factor))
        }
        for i in load.indices where !scalable[i] { load[i].fill = rounded(load[i].fill) }
    }

    /// Anomaly shapes: packages of `material` packed from the bottom of `box`, weighing `massKG`.
    mutating func packConcealment(_ anomaly: Anomaly, in box: Box3D, packageSize: (Int, Int, Int), bags: Bool = false) {
        let rho = density(anomaly.material)
        // Long side along y when the variation turned it a quarter turn.
        let quarter = ((anomaly.variation.rotationDegrees + 45) / 90) % 2 == 1
        var (px, py, pz) = quarter ? (packageSize.1, packageSize.0, packageSize.2) : packageSize
        px = min(px, box.length); py = min(py, box.width); pz = min(pz, box.height)
        let nx = max(1, box.length / px), ny = max(1, box.width / py), nz = max(1, box.height / pz)
        let packageVolume = Double(px * py * pz) / 1e9 * (bags ? Double.pi / 6 : 1)
        let wanted = Double(anomaly.massKG) / max(1, rho * anomaly.variation.densityFactor * 0.85 * packageVolume)
        let count = max(1, min(nx * ny * nz, Int(wanted.rounded(.up))))
        let perPackage = Double(anomaly.massKG) / Double(count)
        let fill = min(2, perPackage / (packageVolume * rho))
        // Stagger by the rotation's small part, so that the packages do not line up with the grid.
        let stagger = abs(anomaly.variation.rotationDegrees % 90) * px / 200
        for i in 0..<count {
            let ix = i % nx, iy = (i / nx) % ny, iz = i / (nx * ny)
            let sx = min(box.length - px, ix * px + (iz % 2 == 1 ? stagger : 0))
            let b = Box3D(
                x: box.x + sx, y: box.y + iy * py, z: box.z + iz * pz, length: px - 4, width: py - 4, height: pz - 4)
            anomalyShapes.append(
                SceneShape(
                    name: "\(anomaly.id)-package-\(i)", role: .anomaly, geometry: bags ? .ellipsoid(b) : .box(b),
                    material: anomaly.material, fill: rounded(fill), anomalyId: anomaly.id))
        }
    }

    mutating func addAnomalyShape(
        _ anomaly: Anomaly, name: String, _ geometry: SceneGeometry, material: String, fill: Double
    ) {
        anomalyShapes.append(
            SceneShape(
                name: "\(anomaly.id)-\(name)", role: .anomaly, geometry: geometry, material: material,
                fill: rounded(fill), anomalyId: anomaly.id))
    }

    mutating func addVehicleConcealment(_ anomaly: Anomaly) {
        let b = anomaly.box
        planVehicle(
            at: b.x, y: b.y, name: anomaly.id, role: .anomaly, anomalyId: anomaly.id, length: b.length, height: b.height
        )
    }

    mutating func addStructure(_ name: String, _ box: Box3D, material: String, fill: Double) {
        addBox(name, box, material, fill: fill)
    }

    var loadMassKG: Double { load.reduce(0) { $0 + mass($1) } }

    mutating func addLoadShape(_ shape: SceneShape) {
        load.append(shape)
        scalable.append(true)
    }

    func anomalyShapesMass(_ id: String) -> Double {
        anomalyShapes.filter { $0.anomalyId == id }.reduce(0) { $0 + mass($1) }
    }

    mutating func scaleAnomalyFill(_ id: String, by factor: Double) {
        for i in anomalyShapes.indices where anomalyShapes[i].anomalyId == id {
            anomalyShapes[i].fill = rounded(min(2, anomalyShapes[i].fill * factor))
        }
    }
}

/// `box` cut down to lie inside `limit`.
func clamp(_ box: Box3D, to limit: Box3D) -> Box3D {
    let x0 = max(box.x, limit.x), y0 = max(box.y, limit.y), z0 = max(box.z, limit.z)
    let x1 = min(box.x + box.length, limit.x + limit.length), y1 = min(box.y + box.width, limit.y + limit.width)
    let z1 = min(box.z + box.height, limit.z + limit.height)
    return Box3D(x: x0, y: y0, z: z0, length: max(0, x1 - x0), width: max(0, y1 - y0), height: max(0, z1 - z0))
}

/// `box` minus `hole`, as up to six boxes.
func subtract(_ hole: Box3D, from box: Box3D) -> [Box3D] {
    guard box.overlaps(hole) else { return [box] }
    var pieces: [Box3D] = []
    var rest = box
    // Along x.
    if hole.x > rest.x {
        pieces.append(
            Box3D(x: rest.x, y: rest.y, z: rest.z, length: hole.x - rest.x, width: rest.width, height: rest.height))
        rest.length -= hole.x - rest.x
        rest.x = hole.x
    }
    if hole.x + hole.length < rest.x + rest.length {
        let end = hole.x + hole.length
        pieces.append(
            Box3D(
                x: end, y: rest.y, z: rest.z, length: rest.x + rest.length - end, width: rest.width, height: rest.height
            ))
        rest.length = end - rest.x
    }
    // Along z.
    if hole.z > rest.z {
        pieces.append(
            Box3D(x: rest.x, y: rest.y, z: rest.z, length: rest.length, width: rest.width, height: hole.z - rest.z))
        rest.height -= hole.z - rest.z
        rest.z = hole.z
    }
    if hole.z + hole.height < rest.z + rest.height {
        let end = hole.z + hole.height
        pieces.append(
            Box3D(
                x: rest.x, y: rest.y, z: end, length: rest.length, width: rest.width, height: rest.z + rest.height - end
            ))
        rest.height = end - rest.z
    }
    // Along y.
    if hole.y > rest.y {
        pieces.append(
            Box3D(x: rest.x, y: rest.y, z: rest.z, length: rest.length, width: hole.y - rest.y, height: rest.height))
    }
    if hole.y + hole.width < rest.y + rest.width {
        let end = hole.y + hole.width
        pieces.append(
            Box3D(
                x: rest.x, y: end, z: rest.z, length: rest.length, width: rest.y + rest.width - end, height: rest.height
            ))
    }
    return pieces.filter { $0.length > 0 && $0.width > 0 && $0.height > 0 }
}

/// Volume of a solid in m³.
func volumeM3(_ geometry: SceneGeometry) -> Double {
    switch geometry {
    case let .box(b): b.volumeM3
    case let .ellipsoid(b): b.volumeM3 * Double.pi / 6
    case let .cylinder(_, _, _, r, length, _): Double.pi * Double(r) * Double(r) * Double(length) / 1e9
    }
}

func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

private func pow3(_ v: Double) -> Double {
    // Cube root by Newton's method, so that the result never depends on the C library.
    guard v > 0 else { return 0 }
    var x = v > 1 ? v / 3 : 1
    for _ in 0..<60 { x = x - (x * x * x - v) / (3 * x * x) }
    return x
}

extension Scene {
    /// Mass of the shapes with `role`, in kg, with the given densities (kg/m³).
    public func massKG(role: SceneRole, densities: [String: Double] = NominalDensity.table) -> Double {
        shapes.filter { $0.role == role }.reduce(0) {
            $0 + volumeM3($1.geometry) * (densities[$1.material] ?? NominalDensity.table[$1.material] ?? 1000) * $1.fill
        }
    }
}
