import CargoModel

extension AnswerKey {
    /// Weight of the `lowContrast` factor in an irregular case's difficulty score; with it the
    /// irregular weights sum to 1.
    public static let lowContrastWeight = 0.1

    /// How hard a contrast-to-noise ratio makes a concealment to see: 1 at CNR 1 or below
    /// (lost in the noise), 0 at three times the visibility floor and above, linear between.
    public static func lowContrast(cnr: Double, floor: Double) -> Double {
        let top = max(1.5, 3 * floor)
        return max(0, min(1, (top - cnr) / (top - 1)))
    }

    /// Sets the `lowContrast` difficulty factor from the weakest anomaly of the first scan in
    /// `scans` (the default profile's) and moves score and level by the factor's weight times
    /// the change. Idempotent: applying it again after a re-render replaces the earlier value.
    /// Clean cases (no anomaly in the scan) keep their difficulty.
    public mutating func applyScanVisibility(floor: Double) {
        guard irregular, let cnr = scans.first?.weakestContrastToNoise else { return }
        let value = (Self.lowContrast(cnr: cnr, floor: floor) * 1000).rounded() / 1000
        var factors = difficulty.factors
        let old = factors.first { $0.code == .lowContrast }?.value ?? 0
        let score = max(
            0, min(1, ((difficulty.score + Self.lowContrastWeight * (value - old)) * 1000).rounded() / 1000))
        if let i = factors.firstIndex(where: { $0.code == .lowContrast }) {
            factors[i].value = value
        } else {
            factors.append(DifficultyFactor(code: .lowContrast, value: value))
        }
        difficulty = Difficulty(level: 1 + min(4, Int(score * 5)), score: score, factors: factors)
    }
}
