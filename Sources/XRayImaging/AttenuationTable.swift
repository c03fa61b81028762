import Foundation

/// A tabulation of the mass attenuation coefficient μ/ρ against photon energy, as NIST prints it.
///
/// Energies in MeV, μ/ρ in cm²/g. At an absorption edge two rows share one energy (below and above the
/// edge); a lookup exactly at that energy takes the value above the edge. Between rows the table is
/// interpolated log-log (linear in ln E, ln μ/ρ), as NIST recommends for these tables.
public struct AttenuationTable: Hashable, Sendable {
    /// Photon energies in MeV, non-decreasing.
    public let energiesMeV: [Double]
    /// μ/ρ in cm²/g at each energy.
    public let massAttenuation: [Double]

    /// Checks the rows: at least two, as many coefficients as energies, energies non-decreasing and
    /// positive, coefficients positive.
    public init(energiesMeV: [Double], massAttenuation: [Double]) throws(XRayImagingError) {
        guard energiesMeV.count >= 2, energiesMeV.count == massAttenuation.count else {
            throw XRayImagingError(
                code: "material.table",
                message:
                    "Give at least two rows and one μ/ρ per energy (got \(energiesMeV.count) energies, \(massAttenuation.count) values)."
            )
        }
        for i in energiesMeV.indices {
            guard energiesMeV[i] > 0, massAttenuation[i] > 0, energiesMeV[i].isFinite, massAttenuation[i].isFinite
            else {
                throw XRayImagingError(
                    code: "material.table",
                    message:
                        "Give positive energies and coefficients (row \(i + 1): \(energiesMeV[i]) MeV, \(massAttenuation[i]) cm²/g)."
                )
            }
            if i > 0, energiesMeV[i] < energiesMeV[i - 1] {
                throw XRayImagingError(
                    code: "material.table",
                    message:
                        "Sort the rows by energy (row \(i + 1): \(energiesMeV[i]) MeV after \(energiesMeV[i - 1]) MeV)."
                )
            }
        }
        self.energiesMeV = energiesMeV
        self.massAttenuation = massAttenuation
    }

    /// μ/ρ in cm²/g at `energyMeV`, log-log interpolated; nil outside the tabulated range.
    /// - Complexity: O(log n).
    public func value(at energyMeV: Double) -> Double? {
        guard let first = energiesMeV.first, let last = energiesMeV.last,
            energyMeV >= first, energyMeV <= last
        else { return nil }
        // The last row whose energy is <= E (so that at an edge the upper value wins).
        var low = 0, high = energiesMeV.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if energiesMeV[mid] <= energyMeV { low = mid } else { high = mid - 1 }
        }
        if energiesMeV[low] == energyMeV || low == energiesMeV.count - 1 { return massAttenuation[low] }
        let e0 = energiesMeV[low], e1 = energiesMeV[low + 1]
        let m0 = massAttenuation[low], m1 = massAttenuation[low + 1]
        let t = log(energyMeV / e0) / log(e1 / e0)
        return exp(log(m0) + t * log(m1 / m0))
    }
}
