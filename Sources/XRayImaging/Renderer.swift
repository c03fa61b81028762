import CargoModel

/// Renders scenes into side-view dual-energy transmission scans.
///
/// Physics: each pixel integrates attenuation along a straight ray across the container's width (y);
/// a channel's transmission is T = Σ_bins wₑ·exp(−Σᵢ μᵢ(E)·ℓᵢ) with μ = (μ/ρ)(E)·ρ·fill from the material
/// table and ℓᵢ the path length through shape i. A pixel measures the mean transmitted intensity over its area:
/// a box over the share a of a pixel multiplies each bin's transmission by (1 − a) + a·exp(−μ·ℓ) (`partial`; exact
/// where one shape has an edge in the pixel), so edges and plates seen edge-on are not darkened by averaging the
/// optical depth. Discs (cylinders along the beam: drums, coils seen end-on) have one path length, so each pixel's
/// covered share of its area is computed exactly (`discRectangleArea`) and averaged in intensity the same way.
/// Cylinders standing along z are averaged over each column in optical depth; horizontal cylinders are averaged
/// exactly over each row, in optical depth; ellipsoids are sampled at the pixel centre in x (exactly when narrower
/// than 3 pixels) and at 1 or 4 heights per row (4 when thinner than 2 pixels). Then detector blur, photon noise
/// on the finite flux, and the detector floor (saturation behind thick steel).
///
/// Cost: the boxes go through a difference array down each column (O(1) per box and column), the curved shapes
/// add one path length per row to their material's (ellipsoids of one material over one footprint, a row of sacks
/// across the container, as one shape); then each run of rows with equal box depths costs one exponentiation
/// per bin, and a pixel under one curved material one interpolation in a table along the path length
/// (`LengthTables`, shared by every column with the same run); only pixels where two curved materials overlap are
/// exponentiated bin by bin. Then O(pixels) for the blur, the noise and the encodings. One core, no allocation
/// per pixel.
public struct Renderer: Sendable {
    /// The materials the scenes name.
    public let materials: MaterialTable

    public init(materials: MaterialTable) {
        self.materials = materials
    }

    /// Renders `scene` with `profile`.
    ///
    /// - Parameters:
    ///   - noiseSeed: nil for a noise-free image (still blurred and floored); otherwise photon noise is
    ///     drawn from the module's own xoshiro256** generator seeded with it, so the same seed gives
    ///     identical pixels.
    /// - Returns: a scan of `round(length / pitch) × round(height / pitch)` pixels of the scene bounds.
    /// - Throws: `XRayImagingError`: `material.unknown` for a material not in the table (naming it),
    ///   `profile.invalid`, `scene.size` for an empty or absurdly large image.
    public func render(_ scene: Scene, with profile: ScannerProfile, noiseSeed: UInt64?) throws -> RenderedScan {
        try profile.validate()
        let pitch = profile.pixelPitchMM
        let width = Int((Double(scene.bounds.length) / pitch).rounded())
        let height = Int((Double(scene.bounds.height) / pitch).rounded())
        guard width >= 1, height >= 1, width <= 40_000, height <= 10_000 else {
            throw XRayImagingError(
                code: "scene.size",
                message:
                    "Give the scene bounds a length and height of 1 pixel to 40,000 × 10,000 pixels at \(pitch) mm (got \(scene.bounds.length) × \(scene.bounds.height) mm)."
            )
        }
        let geometry = ImageGeometry(
            originX: Double(scene.bounds.x), topZ: Double(scene.bounds.z + scene.bounds.height), pitch: pitch,
            width: width, height: height)
        let classifier = try MaterialClassifier(profile: profile, materials: materials)
        let (shapes, curvedMaterials) = try prepare(scene.shapes, profile: profile, geometry: geometry)

        var weightsHigh = SIMD16<Float>(repeating: 0), weightsLow = SIMD16<Float>(repeating: 0)
        for (i, bin) in profile.highEnergy.enumerated() { weightsHigh[i] = Float(bin.weight) }
        for (i, bin) in profile.lowEnergy.enumerated() { weightsLow[8 + i] = Float(bin.weight) }

        // Projected column by column into a ring of column slots; each tile of 32 columns blurred into the row-major
        // images as soon as its columns are projected.
        let slots = TiledBlur.columnSlots(sigma: profile.blurSigmaPixels)
        var columnsHigh: [Float] = uninitializedArray(count: slots * height)
        var columnsLow: [Float] = uninitializedArray(count: slots * height)
        var cleanHigh: [Float] = uninitializedArray(count: width * height)
        var cleanLow: [Float] = uninitializedArray(count: width * height)
        columnsHigh.withUnsafeMutableBufferPointer { columnsHigh in
            columnsLow.withUnsafeMutableBufferPointer { columnsLow in
                cleanHigh.withUnsafeMutableBufferPointer { cleanHigh in
                    cleanLow.withUnsafeMutableBufferPointer { cleanLow in
                        var blurHigh = TiledBlur(
                            source: columnsHigh.baseAddress!, target: cleanHigh.baseAddress!, width: width,
                            height: height, sigma: profile.blurSigmaPixels)
                        var blurLow = TiledBlur(
                            source: columnsLow.baseAddress!, target: cleanLow.baseAddress!, width: width,
                            height: height, sigma: profile.blurSigmaPixels)
                        defer {
                            blurHigh.deallocate()
                            blurLow.deallocate()
                        }
                        Self.project(
                            shapes, curvedMaterials: curvedMaterials, geometry: geometry, weightsHigh: weightsHigh,
                            weightsLow: weightsLow, high: columnsHigh, low: columnsLow, slotMask: slots - 1
                        ) { column in
                            blurHigh.advance(projectedThrough: column)
                            blurLow.advance(projectedThrough: column)
                        }
                    }
                }
            }
        }

        // Every buffer of the scan is written in full by `detect`.
        var scan = RenderedScan(
            width: width, height: height, pixelPitchMM: pitch, profileName: profile.name,
            high: uninitializedArray(count: width * height), low: uninitializedArray(count: width * height),
            display: uninitializedArray(count: width * height * 3),
            transmissionHigh: uninitializedArray(count: width * height),
            transmissionLow: uninitializedArray(count: width * height),
            materialClasses: uninitializedArray(count: width * height),
            regions: [:])
        Self.detect(
            &scan, cleanHigh: cleanHigh, cleanLow: cleanLow, profile: profile, classifier: classifier,
            noiseSeed: noiseSeed)
        scan.regions = Self.regions(
            of: scene, geometry: geometry, scan: scan, clean: cleanHigh, profile: profile,
            seeded: noiseSeed != nil)
        return scan
    }

    /// Linear attenuation per mm at fill 1 for each bin (high in lanes 0–7, low in 8–15), per material.
    func attenuationVectors(for names: Set<String>, profile: ScannerProfile) throws(XRayImagingError) -> [String:
        SIMD16<Float>]
    {
        var vectors: [String: SIMD16<Float>] = [:]
        for name in names.sorted() {
            guard let density = materials.density(of: name) else {
                throw XRayImagingError(
                    code: "material.unknown",
                    message:
                        "Use a material of the table for \"\(name)\" (known: \(materials.materialNames.joined(separator: ", ")))."
                )
            }
            var vector = SIMD16<Float>(repeating: 0)
            for (i, bin) in profile.highEnergy.enumerated() {
                guard let mu = materials.massAttenuation(of: name, at: bin.energyMeV) else {
                    throw XRayImagingError(
                        code: "profile.invalid",
                        message:
                            "Keep the energy bins within the material tables (\(bin.energyMeV) MeV for \(name)).")
                }
                vector[i] = Float(mu * density / 10)  // cm²/g · g/cm³ = 1/cm; / 10 → 1/mm
            }
            for (i, bin) in profile.lowEnergy.enumerated() {
                guard let mu = materials.massAttenuation(of: name, at: bin.energyMeV) else {
                    throw XRayImagingError(
                        code: "profile.invalid",
                        message:
                            "Keep the energy bins within the material tables (\(bin.energyMeV) MeV for \(name)).")
                }
                vector[8 + i] = Float(mu * density / 10)
            }
            vectors[name] = vector
        }
        return vectors
    }
}

/// An array of `count` elements of a trivial type (numbers, a raw-valued enum) whose memory is not cleared: the
/// caller writes every element before one is read. Saves a pass over large images that are written in full.
func uninitializedArray<Element>(count: Int) -> [Element] {
    [Element](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// Where pixels lie in container millimetres.
struct ImageGeometry {
    /// x of the left edge of column 0, z of the top edge of row 0, in mm.
    var originX: Double
    var topZ: Double
    var pitch: Double
    var width: Int
    var height: Int

    /// The continuous row coordinate of height z (0 at the top edge, `height` at the bottom edge).
    @inline(__always) func rowCoordinate(ofZ z: Double) -> Double { (topZ - z) / pitch }
    /// The continuous column coordinate of x.
    @inline(__always) func columnCoordinate(ofX x: Double) -> Double { (x - originX) / pitch }
    /// The z of the centre of row `row`.
    @inline(__always) func centreZ(ofRow row: Int) -> Double { topZ - (Double(row) + 0.5) * pitch }
    /// The x range of column `column`.
    @inline(__always) func xRange(ofColumn column: Int) -> (Double, Double) {
        let x0 = originX + Double(column) * pitch
        return (x0, x0 + pitch)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
