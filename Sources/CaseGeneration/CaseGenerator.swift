import CargoModel

/// A case and its answer key, as the generator made them.
public struct GeneratedCase: Sendable {
    public var inspectionCase: InspectionCase
    public var key: AnswerKey
    /// What the scanner sees (grader pack: `keys/<id>.scene.json`).
    public var scene: Scene
}

/// Why a spec could not be turned into a case.
public struct GenerationError: Error, Sendable, CustomStringConvertible {
    public var code: String
    /// The spec field at fault, when there is one (`goods[0].commodity`).
    public var field: String?
    public var message: String

    public init(code: String, field: String? = nil, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { (field.map { "\($0): " } ?? "") + message }
}

/// Turns a seed and a `CaseSpec` into a coherent inspection case and its answer key. Pure.
///
/// Everything left open by the spec is drawn from the seed, from separate streams: `paperwork`
/// (goods, route, parties, documents), `seal` (the seal and its log), `load` (concealments
/// and what the examination shows) and `noise` (measurements and the radiation reading), so
/// that adding draws to one part of the story never changes the others. The same generator
/// version, seed, spec and catalogue give the same case, byte for byte once encoded.
public struct CaseGenerator: Sendable {
    /// Bumped whenever the same seed and spec would give a different case.
    public static let version = "1.11.0"

    public let catalog: Catalog
    let index: CatalogIndex
    let detector: IndicatorDetector
    /// Inspection dates fall within ±150 days of this date.
    public var referenceDate: CalendarDate
    /// Densities (kg/m³) by material name used to weigh the scene: pass the renderer's material
    /// table so that scene masses and images agree; `NominalDensity.table` by default.
    public var materialDensities: [String: Double] = NominalDensity.table

    public init(catalog: Catalog, referenceDate: CalendarDate = CalendarDate(year: 2026, month: 6, day: 1)) {
        self.catalog = catalog
        self.index = CatalogIndex(catalog)
        self.detector = IndicatorDetector(index: index)
        self.referenceDate = referenceDate
    }

    /// Generates one case.
    ///
    /// - Parameters:
    ///   - spec: what the instructor pinned; everything else is drawn.
    ///   - seed: the case's own seed (see `CourseSeed.caseSeed(index:)`).
    ///   - caseId: the opaque id to give the case; by default derived from the seed.
    /// - Throws: `GenerationError` when the spec asks for something the catalogue cannot give
    ///   (no goods that fit, a route that cannot avoid red flags, a spec that fails validation).
    ///   - sceneVariant: 0 for the planned scene; above 0, the load is drawn again from a derived
    ///     stream and the cargo beside the concealments is thinned (see `Story.planScene`).
    public func generate(_ spec: CaseSpec, seed: UInt64, caseId: String? = nil, sceneVariant: Int = 0)
        throws(GenerationError)
        -> GeneratedCase
    {
        let report = spec.validate(against: catalog)
        if let first = report.errors.first {
            throw GenerationError(code: first.code, field: first.field, message: first.message)
        }
        var story = try Story(spec: spec, seed: seed, generator: self)
        story.caseId = caseId ?? opaqueCaseID(seed: seed)
        try story.writePaperwork()
        story.writeSealStory()
        story.planConcealments()
        story.weighContainer()
        story.writeExamination()
        var made = try story.finish()
        made.scene = story.planScene(variant: sceneVariant, densities: materialDensities)
        return made
    }
}

/// An opaque case id derived one-way from the case seed (HMAC-SHA-256 keyed by it): `C` and ten
/// base-32 characters (no I, L, O, U), revealing neither seed, scenario nor difficulty. Cases of a
/// course take `CourseSeed.caseId(index:)` instead, which does not depend on the case seed at all.
public func opaqueCaseID(seed: UInt64) -> String { opaqueID(derive("case-id", fromCaseSeed: seed)) }
