/// An axis-aligned box in container millimetres.
///
/// The frame: x runs along the length from the inside face of the front (closed) wall toward
/// the doors, y across the width from the left side wall (seen from the doors), z up from the
/// top of the floor. Negative or beyond-internal values are allowed for things in the
/// structure (a floor cavity has z < 0, the reefer unit x < 0).
public struct Box3D: Hashable, Sendable, Codable {
    public var x: Int
    public var y: Int
    public var z: Int
    public var length: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, z: Int, length: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.z = z
        self.length = length
        self.width = width
        self.height = height
    }

    /// Volume in cubic metres.
    public var volumeM3: Double { Double(length) * Double(width) * Double(height) / 1e9 }

    /// True when the two boxes share interior volume.
    public func overlaps(_ other: Box3D) -> Bool {
        x < other.x + other.length && other.x < x + length && y < other.y + other.width && other.y < y + width
            && z < other.z + other.height && other.z < z + height
    }
}

/// Where in or on the container a concealment sits.
public enum ContainerZone: String, Codable, Sendable, CaseIterable {
    case doorEnd, frontWall, roof, floor, sideWalls, doors, reeferUnit, reeferInsulation, load, wholeContainer
}

/// What a concealment or irregularity consists of.
public enum ThreatCategory: String, Codable, Sendable, CaseIterable {
    case drugs, weapons, cigarettes, explosives, currency, persons, precursors, radioactive, undeclaredGoods
    case misdeclaredGoods, vehicles
}

/// The modus operandi of a concealment, as customs seizure libraries classify them.
public enum AnomalyKind: String, Codable, Sendable, CaseIterable {
    /// Bags placed just behind the doors at origin and taken off at destination (seal cloned or replaced).
    case ripOnRipOff
    /// A second wall built in front of the real front wall; the inside is shorter than it should be.
    case falseFrontWall
    /// A compartment under the roof panel; the inside is lower than it should be.
    case roofCompartment
    /// A cavity in the floor or between the cross-members.
    case floorCompartment
    /// Goods hidden in the reefer machinery unit.
    case reeferUnit
    /// Goods in place of the foam insulation of a reefer's walls.
    case reeferInsulation
    /// Goods inside the door panels.
    case doorPanels
    /// Goods hidden inside or among the declared goods (in cartons, fruit boxes, machinery).
    case withinLoad
    /// A vehicle loaded behind a wall of declared cargo.
    case vehicleBehindCargo
    /// Firearms, parts or ammunition (in appliances, household goods, machinery).
    case weapons
    /// People travelling hidden in the container.
    case persons
    /// Goods not on the manifest, beside the declared ones.
    case undeclaredGoods
    /// Goods other than those declared, in place of them.
    case misdeclaredGoods
    /// Declared as carrying goods, actually empty or nearly so.
    case emptyDeclaredFull
    /// Declared empty, actually loaded.
    case fullDeclaredEmpty
    /// A radioactive source (orphaned or shielded) in the cargo.
    case radioactiveSource
}

/// How a concealment was varied, after the seven variation types of threat image projection
/// (Rogers et al. 2016): translation and size are in the box; these are the rest.
public struct ProjectionVariation: Hashable, Sendable, Codable {
    /// Rotation about the vertical axis, degrees.
    public var rotationDegrees: Int
    /// Density relative to the material's nominal density (0.5–1.5).
    public var densityFactor: Double
    /// Share of the anomaly's side-view area overlapped by other cargo (0–1).
    public var obscuration: Double

    public init(rotationDegrees: Int, densityFactor: Double, obscuration: Double) {
        self.rotationDegrees = rotationDegrees
        self.densityFactor = densityFactor
        self.obscuration = obscuration
    }
}

/// One concealment or physical irregularity, with its geometry in container millimetres.
public struct Anomaly: Hashable, Sendable, Codable {
    /// Unique within the case (`A1`, `A2`).
    public var id: String
    public var kind: AnomalyKind
    public var zone: ContainerZone
    public var threat: ThreatCategory
    public var box: Box3D
    /// Material name in the materials table (`cocaine-hydrochloride`, `steel`, `tobacco`).
    public var material: String
    public var massKG: Int
    public var variation: ProjectionVariation

    public init(
        id: String, kind: AnomalyKind, zone: ContainerZone, threat: ThreatCategory, box: Box3D,
        material: String, massKG: Int, variation: ProjectionVariation
    ) {
        self.id = id
        self.kind = kind
        self.zone = zone
        self.threat = threat
        self.box = box
        self.material = material
        self.massKG = massKG
        self.variation = variation
    }
}
