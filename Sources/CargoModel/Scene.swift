/// Where a shape's axis points, for shapes with one (cylinders).
public enum Axis: String, Codable, Sendable, CaseIterable { case x, y, z }

/// The solid a scene shape fills, in container millimetres (the frame of `Box3D`).
public enum SceneGeometry: Hashable, Sendable, Codable {
    /// An axis-aligned box.
    case box(Box3D)
    /// A right circular cylinder: the centre of its base, its radius and length along `axis`.
    case cylinder(x: Int, y: Int, z: Int, radius: Int, length: Int, axis: Axis)
    /// An ellipsoid filling the box (bags, bodies, fruit clusters).
    case ellipsoid(Box3D)

    /// The smallest box holding the solid.
    public var bounds: Box3D {
        switch self {
        case let .box(b), let .ellipsoid(b): return b
        case let .cylinder(x, y, z, r, length, axis):
            switch axis {
            case .x: return Box3D(x: x, y: y - r, z: z - r, length: length, width: 2 * r, height: 2 * r)
            case .y: return Box3D(x: x - r, y: y, z: z - r, length: 2 * r, width: length, height: 2 * r)
            case .z: return Box3D(x: x - r, y: y - r, z: z, length: 2 * r, width: 2 * r, height: length)
            }
        }
    }

    private enum CodingKeys: String, CodingKey { case type, box, x, y, z, radius, length, axis }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "box": self = .box(try c.decode(Box3D.self, forKey: .box))
        case "ellipsoid": self = .ellipsoid(try c.decode(Box3D.self, forKey: .box))
        case "cylinder":
            self = .cylinder(
                x: try c.decode(Int.self, forKey: .x), y: try c.decode(Int.self, forKey: .y),
                z: try c.decode(Int.self, forKey: .z), radius: try c.decode(Int.self, forKey: .radius),
                length: try c.decode(Int.self, forKey: .length), axis: try c.decode(Axis.self, forKey: .axis))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "Use a geometry type of box, cylinder or ellipsoid (got \"\(other)\").")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .box(b):
            try c.encode("box", forKey: .type)
            try c.encode(b, forKey: .box)
        case let .ellipsoid(b):
            try c.encode("ellipsoid", forKey: .type)
            try c.encode(b, forKey: .box)
        case let .cylinder(x, y, z, r, length, axis):
            try c.encode("cylinder", forKey: .type)
            try c.encode(x, forKey: .x); try c.encode(y, forKey: .y); try c.encode(z, forKey: .z)
            try c.encode(r, forKey: .radius); try c.encode(length, forKey: .length); try c.encode(axis, forKey: .axis)
        }
    }
}

/// What a shape is in the story of the scene.
public enum SceneRole: String, Codable, Sendable, CaseIterable {
    /// Part of the container (walls, frame, floor, doors, reefer unit).
    case structure
    /// The declared goods and their packaging.
    case load
    /// A concealment or irregularity of the key (`anomalyId` names it).
    case anomaly
    /// A test object of a phantom.
    case phantom
}

/// One solid of a scene: its geometry, its material and how densely the material fills it.
public struct SceneShape: Hashable, Sendable, Codable {
    /// A readable name (`left-side-wall`, `pallet-03`, `A1`).
    public var name: String
    public var role: SceneRole
    public var geometry: SceneGeometry
    /// Material name in the materials table (`steel`, `plywood`, `fruit`, `cocaine-hydrochloride`).
    public var material: String
    /// Share of the material's nominal density the solid has (packing fraction of cartons, voids): 0–2.
    public var fill: Double
    /// For anomalies: the id of the key's anomaly.
    public var anomalyId: String?

    public init(
        name: String, role: SceneRole, geometry: SceneGeometry, material: String, fill: Double = 1,
        anomalyId: String? = nil
    ) {
        self.name = name
        self.role = role
        self.geometry = geometry
        self.material = material
        self.fill = fill
        self.anomalyId = anomalyId
    }
}

/// Everything the scanner sees: the container's structure, the load and the concealments, as
/// shapes of named materials in container millimetres. Rendered by `XRayImaging`; kept in the
/// grader pack (`keys/<id>.scene.json`), never in the trainee pack.
public struct Scene: Hashable, Sendable, Codable {
    /// ISO 6346 size/type code, or `phantom` for a test object.
    public var containerType: String
    /// The extent of the scene: the container's outside. Inside x = 0 stays at the front wall's
    /// inner face, so the outside starts at x = −(front wall depth; a reefer's machinery unit
    /// included) and ends at the doors' outer face (internal length + door depth); z starts under
    /// the bottom rails, y at the outer face of the left side wall. A renderer sizes its image
    /// from `bounds.length` and `bounds.height` at its pixel pitch.
    public var bounds: Box3D
    public var shapes: [SceneShape]

    public init(containerType: String, bounds: Box3D, shapes: [SceneShape]) {
        self.containerType = containerType
        self.bounds = bounds
        self.shapes = shapes
    }
}
