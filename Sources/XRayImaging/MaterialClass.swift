/// The material class of a pixel from the dual-energy ratio, as cargo scanners colour them.
public enum MaterialClass: UInt8, Hashable, Sendable, Codable, CaseIterable {
    /// Too thin to tell (little attenuation: the ratio is mostly noise), or a single-energy scanner.
    case unknown = 0
    /// Low Z (about 6–8): food, wood, paper, plastics, drugs, explosives, people. Orange.
    case organic = 1
    /// Intermediate (about 10–18: aluminium, glass, salts; or organic over steel). Green.
    case mixed = 2
    /// Iron-like (about 19–30): steel, copper. Blue.
    case inorganic = 3
    /// High Z (lead, tungsten, uranium). Violet.
    case heavyMetal = 4
    /// Not penetrated: at or near the detector floor in either channel. Black.
    case saturated = 5

    /// The display tint (RGB in 0…1) laid over the grey level; grey for unknown and saturated.
    public var tint: (red: Float, green: Float, blue: Float) {
        switch self {
        case .organic: (1.0, 0.58, 0.12)
        case .mixed: (0.25, 0.85, 0.3)
        case .inorganic: (0.25, 0.5, 1.0)
        case .heavyMetal: (0.75, 0.3, 0.95)
        case .unknown, .saturated: (1, 1, 1)
        }
    }
}

/// Classification curves: for each reference material, the dual-energy ratio R = ln T_low / ln T_high
/// as a function of the high channel's optical depth τ_high = −ln T_high, computed noise-free from step
/// wedges of the reference materials with the profile's own spectra (the way real scanners are calibrated
/// on step-wedge phantoms). A ratio takes the class of the nearest curve at its τ_high. The scans' classes are
/// decided on the ratio averaged over a pixel's neighbourhood (`LocalRatioClassifier`, over these curves);
/// `classify(tauHigh:tauLow:)` is the rule for one ratio.
///
/// At MeV energies pair production makes high-Z materials attenuate relatively *more* at the higher
/// energy, so R falls as Z rises (organic > aluminium > steel > lead); at a 450 kV tube the photoelectric
/// effect makes R rise with Z. The nearest-curve rule works in both directions.
public struct MaterialClassifier: Sendable {
    /// The reference materials and their classes: polyethylene (organic), aluminium (mixed), steel
    /// (inorganic), lead (heavy metal).
    public static let references: [(material: String, materialClass: MaterialClass)] = [
        ("polyethylene", .organic), ("aluminium", .mixed), ("steel", .inorganic), ("lead", .heavyMetal),
    ]
    /// τ_high below this is too thin to classify (about 30 % attenuation): the ratio's noise dominates,
    /// and an empty container's two steel side walls (τ ≈ 0.15) must stay grey, not blue.
    public static let minimumOpticalDepth: Float = 0.35
    /// Steps of the curve tables per unit of τ_high.
    static let stepsPerUnit: Float = 32

    /// τ_high where the high channel reaches its floor, and where the low channel does.
    public let saturationDepthHigh: Float
    public let saturationDepthLow: Float
    /// curves[i * 4 + m]: R of reference m at τ_high = i / stepsPerUnit.
    let curves: [Float]
    /// At each step, the classes in ascending order of their curve's R (order[i * 4 + k]) and the midpoints
    /// between neighbouring curves (midpoints[i * 3 + k]): the nearest curve is the class past as many
    /// midpoints as R exceeds.
    let order: [MaterialClass]
    let midpoints: [Float]
    let steps: Int
    public let isEnabled: Bool
    /// The thresholds `classify` compares with: the saturation depths less 0.05, and the minimum depth
    /// (infinite when the profile is single-energy, so that every pixel below saturation is unknown).
    let saturationLimitHigh: Float, saturationLimitLow: Float, minimumDepth: Float

    /// Calibrates on step wedges of the reference materials (geometric thickness steps from 0.5 mm to
    /// 3 m, interpolated onto a τ_high grid). Throws when a reference material is missing from the table.
    public init(profile: ScannerProfile, materials: MaterialTable) throws(XRayImagingError) {
        saturationDepthHigh = Float(-log(profile.transmissionFloor))
        saturationDepthLow = saturationDepthHigh
        isEnabled = profile.isDualEnergy
        saturationLimitHigh = saturationDepthHigh - 0.05
        saturationLimitLow = saturationDepthHigh - 0.05
        minimumDepth = profile.isDualEnergy ? Self.minimumOpticalDepth : .infinity
        steps = Int(saturationDepthHigh * Self.stepsPerUnit) + 2
        var table = [Float](repeating: 1, count: steps * 4)
        for (m, reference) in Self.references.enumerated() {
            var muHigh: [Double] = [], muLow: [Double] = []
            for bin in profile.highEnergy {
                guard let mu = materials.linearAttenuation(of: reference.material, at: bin.energyMeV) else {
                    throw XRayImagingError(
                        code: "material.unknown",
                        message:
                            "Add reference material \(reference.material) to the material table (needed to calibrate the classes)."
                    )
                }
                muHigh.append(mu / 10)
            }
            for bin in profile.lowEnergy {
                guard let mu = materials.linearAttenuation(of: reference.material, at: bin.energyMeV) else {
                    throw XRayImagingError(
                        code: "material.unknown",
                        message:
                            "Add reference material \(reference.material) to the material table (needed to calibrate the classes)."
                    )
                }
                muLow.append(mu / 10)
            }
            // A wedge: (τ_high, R) at thicknesses from 0.5 mm to 3000 mm in 2 % steps.
            var points: [(tau: Double, ratio: Double)] = []
            var t = 0.5
            while t < 3000 {
                var th = 0.0, tl = 0.0
                for (i, bin) in profile.highEnergy.enumerated() { th += bin.weight * exp(-muHigh[i] * t) }
                for (i, bin) in profile.lowEnergy.enumerated() { tl += bin.weight * exp(-muLow[i] * t) }
                let tauHigh = -log(th), tauLow = -log(tl)
                if tauHigh > 0 { points.append((tauHigh, tauLow / tauHigh)) }
                if tauHigh > Double(saturationDepthHigh) + 1 { break }
                t *= 1.02
            }
            var j = 0
            for i in 0..<steps {
                let tau = Double(i) / Double(Self.stepsPerUnit)
                while j + 1 < points.count, points[j + 1].tau < tau { j += 1 }
                let ratio: Double
                if tau <= points[0].tau {
                    ratio = points[0].ratio
                } else if j + 1 >= points.count {
                    ratio = points[points.count - 1].ratio
                } else {
                    let a = points[j], b = points[j + 1]
                    ratio = a.ratio + (b.ratio - a.ratio) * (tau - a.tau) / (b.tau - a.tau)
                }
                table[i * 4 + m] = Float(ratio)
            }
        }
        curves = table
        var order: [MaterialClass] = [], midpoints: [Float] = []
        for i in 0..<steps {
            // Ascending R; equal curves keep the order of `references`.
            let sorted = (0..<4).sorted { (table[i * 4 + $0], $0) < (table[i * 4 + $1], $1) }
            order += sorted.map { Self.references[$0].materialClass }
            for k in 0..<3 { midpoints.append((table[i * 4 + sorted[k]] + table[i * 4 + sorted[k + 1]]) / 2) }
        }
        self.order = order
        self.midpoints = midpoints
    }

    /// R of reference material `index` (in `references`) at τ_high.
    public func referenceRatio(_ index: Int, atOpticalDepth tauHigh: Float) -> Float {
        let i = min(steps - 1, max(0, Int(tauHigh * Self.stepsPerUnit + 0.5)))
        return curves[i * 4 + index]
    }

    /// The class of a pixel from its optical depths τ = −ln T in the two channels.
    @inline(__always)
    public func classify(tauHigh: Float, tauLow: Float) -> MaterialClass {
        if tauHigh >= saturationLimitHigh || tauLow >= saturationLimitLow { return .saturated }
        guard tauHigh >= minimumDepth else { return .unknown }
        // R = τ_low / τ_high against the midpoints, multiplied out (τ_high > 0 here); the step index rounded by the
        // 2²³ trick (τ_high is below the saturation depth, so the index is in range).
        let i = Int(
            truncatingIfNeeded: (tauHigh * Self.stepsPerUnit + 8_388_608).bitPattern & 0x7F_FFFF)
        let m = 3 * i
        var k = 4 * i
        // Without branches: noise makes these comparisons unpredictable near a class boundary.
        k += tauLow > midpoints[m] * tauHigh ? 1 : 0
        k += tauLow > midpoints[m + 1] * tauHigh ? 1 : 0
        k += tauLow > midpoints[m + 2] * tauHigh ? 1 : 0
        return order[k]
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
