import CargoModel

/// Renders scenes into side-view dual-energy transmission scans.
///
/// Physics: each pixel integrates attenuation along a straight ray across the container's width (y);
/// a channel's transmission is T = Σ_bins wₑ·exp(−Σᵢ μᵢ(E)·ℓᵢ) with μ = (μ/ρ)(E)·ρ·fill from the material
/// table and ℓᵢ the path length through shape i. Boxes (and cylinders standing along z) are averaged
/// exactly over each pixel's area; horizontal cylinders are averaged exactly over each row; ellipsoids and
/// discs are averaged exactly over the column within two pixels of their rim (and when narrower than 3 pixels), at
/// 4 heights per row, and sampled at the column's centre inside. Partial pixels are averaged in transmitted
/// intensity, as a detector integrates: a column a box edge crosses is projected part by part between the edges,
/// and a row a box's top or bottom crosses band by band. Then detector blur, the detector chain
/// (`DetectorChain`: scatter, dose and gain, noise, clipping, classes on local means).
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

        let chain = profile.detector
        if chain.scatterAmplitude > 0 {
            ScatterModel.add(
                to: &cleanHigh, width: width, height: height, pitch: pitch, amplitude: chain.scatterAmplitude,
                sigmaMM: chain.scatterSigmaMM)
            ScatterModel.add(
                to: &cleanLow, width: width, height: height, pitch: pitch, amplitude: chain.scatterAmplitude,
                sigmaMM: chain.scatterSigmaMM)
        }
        let noise = try noiseModel(for: profile)

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
            &scan, cleanHigh: cleanHigh, cleanLow: cleanLow, profile: profile, classifier: classifier, noise: noise,
            noiseSeed: noiseSeed)
        scan.regions = Self.regions(
            of: scene, geometry: geometry, scan: scan, clean: cleanHigh, profile: profile,
            seeded: noiseSeed != nil)
        return scan
    }

    /// The noise model's tables for `profile`, the beam hardening taken behind steel.
    func noiseModel(for profile: ScannerProfile) throws(XRayImagingError) -> NoiseModel {
        func steel(_ bins: [ScannerProfile.EnergyBin]) throws(XRayImagingError) -> [Double] {
            var mu: [Double] = []
            for bin in bins {
                guard let value = materials.linearAttenuation(of: "steel", at: bin.energyMeV) else {
                    throw XRayImagingError(
                        code: "material.unknown",
                        message: "Add steel to the material table (the noise model's beam hardening is taken behind it).")
                }
                mu.append(value / 10)
            }
            return mu
        }
        return NoiseModel(profile: profile, steelHigh: try steel(profile.highEnergy), steelLow: try steel(profile.lowEnergy))
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
