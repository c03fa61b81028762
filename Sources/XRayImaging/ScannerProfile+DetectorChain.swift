/// The detector chain of a scanner profile: the effects between the ideal transmission and the measured one,
/// each switchable (`ideal` switches every one off). `docs/scanner-model.md` gives each effect's model, its
/// parameters per profile, its source and its cost.
///
/// Order in the render: projection (intensity averaged over each pixel, always) → scatter and build-up (added to
/// the noise-free signal) → detector blur → dose per pulse and channel gain (multiplying the signal) → photon and
/// electronic noise (σ from the hardened spectrum and the Swank factor, correlated by the detector's light spread)
/// → clipping (at the floor, or only at the converter's lowest code when the penetration is left to emerge) →
/// encodings → classes on the locally averaged dual-energy ratio.
public struct DetectorChain: Hashable, Sendable, Codable {
    /// Scatter and build-up reaching the detector, as a share of the local "scatter source" T·ln(1/T) (Ohnesorge's
    /// convolution model): S = `scatterAmplitude` · (K ∗ T·ln(1/T)), K a normalised Gaussian of `scatterSigmaMM`.
    /// 0 for none.
    public var scatterAmplitude: Double
    /// The scatter kernel's standard deviation in mm, in both image directions.
    public var scatterSigmaMM: Double
    /// The Swank factor A_S of the scintillator (1 for an ideal detector): the photon noise's variance is divided
    /// by it (the spread of light per absorbed photon).
    public var swankFactor: Double
    /// True: the photon noise's variance follows the hardened spectrum behind the object (the signal-weighted mean
    /// energy rises with depth, and so does the variance per unit of signal); false: Poisson on the open-beam mix.
    public var beamHardeningNoise: Bool
    /// True: the noise is correlated between neighbouring pixels as the detector's light spread (the profile's
    /// blur) correlates it: white deviates convolved with a 3 × 3 separable kernel (g(1), 1, g(1)), g the blur's
    /// Gaussian, normalised to unit variance.
    public var correlatedNoise: Bool
    /// Residual pulse-to-pulse dose variation after the dose monitor's correction, relative σ per image column
    /// (the linac fires one pulse per column and channel): vertical banding. 0 for none (a tube, a source).
    public var pulseDoseSigma: Double
    /// Residual channel gain variation after the flat-field correction, relative σ per image row (one detector
    /// channel per row): horizontal stripes along the scan. 0 for none.
    public var channelGainSigma: Double
    /// True: the measured transmission is not clipped at the profile's floor but only at the converter's lowest
    /// code (`minimumTransmission`): where the signal sinks into the electronic noise and the scatter, the image
    /// shows noise, and the penetration limit is where that happens. False: clipped at `transmissionFloor`.
    public var emergentPenetration: Bool
    /// The side of the square window (pixels, odd) over which the two channels' optical depths are averaged
    /// before the class is read from their ratio, as scanners classify; 1 for pixel by pixel.
    public var classificationWindow: Int

    /// The converter's lowest code as a transmission, where an emergent penetration still clips (τ ≈ 11.5, below
    /// the 16-bit encoding's full scale of τ = 12).
    public static let minimumTransmission: Double = 1e-5

    public init(
        scatterAmplitude: Double = 0, scatterSigmaMM: Double = 100, swankFactor: Double = 1,
        beamHardeningNoise: Bool = false, correlatedNoise: Bool = false, pulseDoseSigma: Double = 0,
        channelGainSigma: Double = 0, emergentPenetration: Bool = false, classificationWindow: Int = 1
    ) {
        self.scatterAmplitude = scatterAmplitude
        self.scatterSigmaMM = scatterSigmaMM
        self.swankFactor = swankFactor
        self.beamHardeningNoise = beamHardeningNoise
        self.correlatedNoise = correlatedNoise
        self.pulseDoseSigma = pulseDoseSigma
        self.channelGainSigma = channelGainSigma
        self.emergentPenetration = emergentPenetration
        self.classificationWindow = classificationWindow
    }

    /// Every effect off: Poisson noise on the open-beam mix, white, clipped at the floor, classes pixel by pixel
    /// (the chain before issue 21; what the tests of raw physics use).
    public static let ideal = DetectorChain()

    /// Checks the ranges the renderer relies on.
    func validate(profile name: String) throws(XRayImagingError) {
        func fail(_ message: String) -> XRayImagingError {
            XRayImagingError(code: "profile.invalid", message: "Fix scanner profile \(name): \(message)")
        }
        guard scatterAmplitude >= 0, scatterAmplitude <= 1 else {
            throw fail("give a scatter amplitude of 0–1 (got \(scatterAmplitude)).")
        }
        guard scatterSigmaMM >= 1, scatterSigmaMM <= 5000 else {
            throw fail("give a scatter kernel σ of 1–5000 mm (got \(scatterSigmaMM)).")
        }
        guard swankFactor > 0.1, swankFactor <= 1 else { throw fail("give a Swank factor in (0.1, 1] (got \(swankFactor)).") }
        guard pulseDoseSigma >= 0, pulseDoseSigma < 0.2, channelGainSigma >= 0, channelGainSigma < 0.2 else {
            throw fail("give dose and gain variations of 0–0.2 (got \(pulseDoseSigma), \(channelGainSigma)).")
        }
        guard classificationWindow >= 1, classificationWindow <= 15, classificationWindow % 2 == 1 else {
            throw fail("give an odd classification window of 1–15 pixels (got \(classificationWindow)).")
        }
    }
}
