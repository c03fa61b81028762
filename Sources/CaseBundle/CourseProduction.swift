import CargoModel
import CaseGeneration
import Foundation
import XRayImaging

/// Makes a planned course: generates each case, renders its scans, draws its door end and writes it, in
/// course order, with the course-wide visibility cap applied. What `cargosim generate` and the training
/// server's course generation both run.
///
/// Chunks of cases are generated and rendered on all cores, then written in course order, so the course is
/// the same byte for byte as a serial run.
public struct CourseProduction: Sendable {
    public var generator: CaseGenerator
    public var pipeline: ScanPipeline
    public var sealMakers: [SealMaker]
    /// False for a paperwork-only course (no scans), quick to make.
    public var renderScans: Bool

    /// A production with the dual-energy linac; `visibilityFloor` defaults to the pipeline's (CNR 5).
    public init(catalog: Catalog, materials: MaterialTable, visibilityFloor: Double? = nil, renderScans: Bool = true) {
        var pipeline = ScanPipeline(renderer: Renderer(materials: materials), profile: .dualEnergyLinac)
        if let visibilityFloor { pipeline.visibilityFloor = visibilityFloor }
        var generator = CaseGenerator(catalog: catalog)
        generator.materialDensities = pipeline.densities
        self.generator = generator
        self.pipeline = pipeline
        self.sealMakers = catalog.sealMakers
        self.renderScans = renderScans
    }

    /// A case that could not be made: its place in the course (1-based) and why.
    public struct Failure: Error, Sendable {
        public var caseNumber: Int
        public var caseCount: Int
        public var error: any Error
    }

    /// Makes every case of `plan` into `writer` (which the caller finishes or abandons) and returns the visibility
    /// tally. `progress` is called with the number of cases written so far, on the calling thread.
    ///
    /// - Throws: `Failure` naming the case that failed (its `error` is a `GenerationError`, a `BundleError` or
    ///   a rendering error).
    public func produce(
        _ plan: [PlannedCase], maxBelowFloor: Double?, into writer: CourseWriter, progress: (Int) -> Void = { _ in }
    ) throws(Failure) -> VisibilityCap {
        var course = VisibilityCap(floor: pipeline.visibilityFloor, maxBelowFloor: maxBelowFloor)
        let chunkSize = coreCount * 2
        var current = 0
        do {
            for start in stride(from: 0, to: plan.count, by: chunkSize) {
                let chunk = Array(plan[start..<min(plan.count, start + chunkSize)])
                let made = parallelMap(chunk.count) { [self] i in
                    Result { () throws -> PreparedCase in try prepare(chunk[i], variant: 0) }
                }
                for (offset, result) in made.enumerated() {
                    current = start + offset
                    var prepared = try result.get()
                    prepared = try course.admit(prepared, weakestCNR: \.weakestCNR) { variant in
                        try prepare(chunk[offset], variant: variant)
                    }
                    try writer.add(
                        case: prepared.inspectionCase, key: prepared.key, extraCaseFiles: prepared.caseFiles,
                        extraKeyFiles: prepared.keyFiles)
                    progress(current + 1)
                }
            }
        } catch {
            throw Failure(caseNumber: current + 1, caseCount: plan.count, error: error)
        }
        return course
    }

    /// One case generated (scene variant `variant`), rendered and drawn.
    public func prepare(_ planned: PlannedCase, variant: Int) throws -> PreparedCase {
        try PreparedCase(
            try generator.generate(planned, sceneVariant: variant), seed: planned.seed, pipeline: pipeline,
            sealMakers: sealMakers, renderScans: renderScans)
    }
}
