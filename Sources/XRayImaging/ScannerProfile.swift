/// How a scanner sees: its source spectrum (binned), detector, pixel pitch, flux and limits.
///
/// Each channel's spectrum is a few energy bins with weights summing to 1: the share of the *detected
/// signal* of an energy-integrating scintillator (photon fluence × energy × absorption in the crystal)
/// that each bin carries in the open beam, so that a channel's transmission is T = Σ wₑ·exp(−Σ μᵢ(E)·ℓᵢ).
/// The bins and weights come from `Assets/materials/spectra.py` (Kramers thick-target bremsstrahlung,
/// filtered by target and windows, weighted for a CdWO₄ detector; Co-60 from its two gamma lines), which
/// prints them; the figures are copied below.
///
/// Geometry is an idealised side view: a parallel beam across the container's width (the fan beam's
/// magnification and scatter are not modelled).
public struct ScannerProfile: Hashable, Sendable, Codable {
    /// One energy bin of a channel.
    public struct EnergyBin: Hashable, Sendable, Codable {
        /// The bin's signal-weighted mean energy in MeV.
        public var energyMeV: Double
        /// Its share of the channel's open-beam signal (a channel's weights sum to 1).
        public var weight: Double

        public init(energyMeV: Double, weight: Double) {
            self.energyMeV = energyMeV
            self.weight = weight
        }
    }

    /// Short name used on the command line (`linac-6-4mv`, `cobalt-60`, `tube-450kv`).
    public var name: String
    /// One line for people.
    public var summary: String
    /// Pixel pitch in mm, along the container (scan direction) and up (detector array): 3–5 mm.
    public var pixelPitchMM: Double
    /// The high-energy channel's spectrum (at most 8 bins).
    public var highEnergy: [EnergyBin]
    /// The low-energy channel's spectrum (at most 8 bins); for a single-energy scanner the same as `highEnergy`.
    public var lowEnergy: [EnergyBin]
    /// True when the two channels differ, so that material classes can be told.
    public var isDualEnergy: Bool
    /// Open-beam signal per pixel in photon equivalents, high channel: photon noise is Poisson on it
    /// (Gaussian approximation, exact enough at the counts that matter above the floor).
    public var photonsPerPixelHigh: Double
    /// The same for the low channel.
    public var photonsPerPixelLow: Double
    /// Detector blur (scintillator light spread, focal spot): a Gaussian of this sigma in pixels, applied
    /// to the transmission before noise. 0 for none.
    public var blurSigmaPixels: Double
    /// The smallest transmission the detector tells from its dark signal (three times the electronic noise
    /// over the open-beam signal). Below it a pixel saturates: it shows the floor, plus noise.
    public var transmissionFloor: Double
    /// The steel penetration the profile stands for, in mm (the public figure it was calibrated to):
    /// the high channel's noise-free transmission through this much steel is about `transmissionFloor`.
    public var steelPenetrationMM: Double
    /// Where the figures come from.
    public var source: String

    public init(
        name: String, summary: String, pixelPitchMM: Double, highEnergy: [EnergyBin], lowEnergy: [EnergyBin],
        isDualEnergy: Bool, photonsPerPixelHigh: Double, photonsPerPixelLow: Double, blurSigmaPixels: Double,
        transmissionFloor: Double, steelPenetrationMM: Double, source: String
    ) {
        self.name = name
        self.summary = summary
        self.pixelPitchMM = pixelPitchMM
        self.highEnergy = highEnergy
        self.lowEnergy = lowEnergy
        self.isDualEnergy = isDualEnergy
        self.photonsPerPixelHigh = photonsPerPixelHigh
        self.photonsPerPixelLow = photonsPerPixelLow
        self.blurSigmaPixels = blurSigmaPixels
        self.transmissionFloor = transmissionFloor
        self.steelPenetrationMM = steelPenetrationMM
        self.source = source
    }

    /// Signal-weighted mean energy of the high channel in MeV.
    public var meanEnergyHighMeV: Double { highEnergy.reduce(0) { $0 + $1.energyMeV * $1.weight } }
    /// Signal-weighted mean energy of the low channel in MeV.
    public var meanEnergyLowMeV: Double { lowEnergy.reduce(0) { $0 + $1.energyMeV * $1.weight } }

    /// The same profile at another pixel pitch (mm).
    public func withPixelPitch(_ millimetres: Double) -> ScannerProfile {
        var copy = self
        copy.pixelPitchMM = millimetres
        return copy
    }

    /// Checks what the renderer relies on: 1–8 bins per channel with positive energies and weights summing
    /// to 1 (± 1 %), a pitch of 0.5–50 mm, positive flux, a floor in (0, 0.5), a blur of 0–5 px.
    public func validate() throws(XRayImagingError) {
        func fail(_ message: String) -> XRayImagingError {
            XRayImagingError(code: "profile.invalid", message: "Fix scanner profile \(name): \(message)")
        }
        for (label, bins) in [("high", highEnergy), ("low", lowEnergy)] {
            guard (1...8).contains(bins.count) else {
                throw fail("give the \(label) channel 1–8 energy bins (got \(bins.count)).")
            }
            guard bins.allSatisfy({ $0.energyMeV > 0 && $0.weight >= 0 }) else {
                throw fail("give the \(label) channel positive energies and weights.")
            }
            let total = bins.reduce(0) { $0 + $1.weight }
            guard abs(total - 1) < 0.01 else {
                throw fail("make the \(label) channel's weights sum to 1 (got \(total)).")
            }
        }
        guard pixelPitchMM >= 0.5, pixelPitchMM <= 50 else {
            throw fail("give a pixel pitch of 0.5–50 mm (got \(pixelPitchMM)).")
        }
        guard photonsPerPixelHigh > 0, photonsPerPixelLow > 0 else { throw fail("give a positive flux per pixel.") }
        guard transmissionFloor > 0, transmissionFloor < 0.5 else {
            throw fail("give a floor between 0 and 0.5 (got \(transmissionFloor)).")
        }
        guard blurSigmaPixels >= 0, blurSigmaPixels <= 5 else {
            throw fail("give a blur of 0–5 pixels (got \(blurSigmaPixels)).")
        }
    }

    /// The default: a 6/4 MV interlaced dual-energy linac, 4 mm pixels.
    ///
    /// Spectra: Kramers bremsstrahlung from 6 and 4 MeV electrons on 1.5 mm W + 5 mm Cu, CdWO₄ 30 mm
    /// detector (`spectra.py`: 6 MV fluence mean 1.48 MeV, detected-signal mean 2.18 MeV; 4 MV 1.13 and
    /// 1.53 MeV). Penetration 300 mm steel: 6 MeV dual-energy gantries quote 280–350 mm (Nuctech MB1215HL
    /// 330 mm; linacs in general 200–450 mm; docs/sources.md#scanner-specifications). The floor is
    /// the 6 MV transmission through 300 mm of iron from `spectra.py` (1.29 × 10⁻⁴).
    public static let dualEnergyLinac = ScannerProfile(
        name: "linac-6-4mv",
        summary: "Dual-energy 6/4 MV linac gantry, 4 mm pixels, about 300 mm steel penetration",
        pixelPitchMM: 4,
        highEnergy: [
            .init(energyMeV: 0.2556, weight: 0.01163), .init(energyMeV: 0.4630, weight: 0.08462),
            .init(energyMeV: 0.7991, weight: 0.13354), .init(energyMeV: 1.2443, weight: 0.15352),
            .init(energyMeV: 1.8382, weight: 0.18217), .init(energyMeV: 2.5829, weight: 0.16568),
            .init(energyMeV: 3.5489, weight: 0.17244), .init(energyMeV: 4.8005, weight: 0.09641),
        ],
        lowEnergy: [
            .init(energyMeV: 0.2550, weight: 0.01762), .init(energyMeV: 0.4621, weight: 0.12733),
            .init(energyMeV: 0.7977, weight: 0.19316), .init(energyMeV: 1.2414, weight: 0.20904),
            .init(energyMeV: 1.8291, weight: 0.22178), .init(energyMeV: 2.5603, weight: 0.16052),
            .init(energyMeV: 3.3325, weight: 0.07055),
        ],
        isDualEnergy: true,
        photonsPerPixelHigh: 200_000, photonsPerPixelLow: 120_000,
        blurSigmaPixels: 0.6,
        transmissionFloor: 1.29e-4, steelPenetrationMM: 300,
        source:
            "Kramers spectrum model (spectra.py); penetration from OSTI 21289597 and Nuctech MB1215HL (docs/sources.md#scanner-specifications)"
    )

    /// A Co-60 gamma-ray portal (1.17 and 1.33 MeV lines), single energy, 5 mm pixels.
    ///
    /// Penetration 165 mm steel: Co-60 systems quote 150–180 mm (docs/sources.md#scanner-specifications; VACIS). The floor is
    /// the transmission through 165 mm of iron (9.9 × 10⁻⁴, `spectra.py`); a source's limited activity gives
    /// fewer photons per pixel than a linac.
    public static let cobalt60 = ScannerProfile(
        name: "cobalt-60",
        summary: "Co-60 gamma-ray portal (1.17/1.33 MeV), 5 mm pixels, about 165 mm steel penetration",
        pixelPitchMM: 5,
        highEnergy: [.init(energyMeV: 1.1732, weight: 0.47763), .init(energyMeV: 1.3325, weight: 0.52237)],
        lowEnergy: [.init(energyMeV: 1.1732, weight: 0.47763), .init(energyMeV: 1.3325, weight: 0.52237)],
        isDualEnergy: false,
        photonsPerPixelHigh: 40_000, photonsPerPixelLow: 40_000,
        blurSigmaPixels: 0.5,
        transmissionFloor: 9.87e-4, steelPenetrationMM: 165,
        source: "Co-60 lines (ENSDF); penetration 150–180 mm from docs/sources.md#scanner-specifications")

    /// A 450 kV X-ray tube with a dual-layer detector (front layer 0.5 mm CdWO₄ = low channel, back layer
    /// 5 mm behind 1 mm Cu = high channel), 3 mm pixels: the pallet and air-cargo class.
    ///
    /// Spectrum: Kramers, 450 kVp, 2 mm Cu filtration (`spectra.py`). Penetration 80 mm steel: tubes up to
    /// about 450 kV penetrate under 100 mm (docs/sources.md#scanner-specifications); the floor is the back layer's
    /// transmission through 80 mm of iron (4.6 × 10⁻⁴).
    public static let tube450kV = ScannerProfile(
        name: "tube-450kv",
        summary: "450 kV tube, dual-layer detector, 3 mm pixels, under 100 mm steel penetration",
        pixelPitchMM: 3,
        highEnergy: [
            .init(energyMeV: 0.0706, weight: 0.00325), .init(energyMeV: 0.1060, weight: 0.06019),
            .init(energyMeV: 0.1417, weight: 0.16518), .init(energyMeV: 0.1800, weight: 0.20449),
            .init(energyMeV: 0.2239, weight: 0.22546), .init(energyMeV: 0.2733, weight: 0.16312),
            .init(energyMeV: 0.3269, weight: 0.11951), .init(energyMeV: 0.3891, weight: 0.05880),
        ],
        lowEnergy: [
            .init(energyMeV: 0.0708, weight: 0.08404), .init(energyMeV: 0.1002, weight: 0.30970),
            .init(energyMeV: 0.1385, weight: 0.23992), .init(energyMeV: 0.1783, weight: 0.14668),
            .init(energyMeV: 0.2226, weight: 0.10639), .init(energyMeV: 0.2725, weight: 0.05943),
            .init(energyMeV: 0.3263, weight: 0.03727), .init(energyMeV: 0.3886, weight: 0.01657),
        ],
        isDualEnergy: true,
        photonsPerPixelHigh: 100_000, photonsPerPixelLow: 100_000,
        blurSigmaPixels: 0.7,
        transmissionFloor: 4.6e-4, steelPenetrationMM: 80,
        source:
            "Kramers spectrum model (spectra.py); tubes penetrate under 100 mm steel (docs/sources.md#scanner-specifications)"
    )

    /// Every built-in profile; the first is the default.
    public static let all: [ScannerProfile] = [dualEnergyLinac, cobalt60, tube450kV]

    /// The built-in profile called `name` (see `all`), or nil.
    public static func named(_ name: String) -> ScannerProfile? { all.first { $0.name == name } }
}
