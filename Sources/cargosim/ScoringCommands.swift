import ArgumentParser

/// The scoring and certification commands (`grade`, `report`, `calibrate`, `certify`, `keys`,
/// `certificate`), registered in `CargoSim`.
let scoringCommands: [any ParsableCommand.Type] = []

extension BenchSuites {
    /// Scoring benchmarks run by `cargosim bench`.
    static let scoring: [BenchSuite] = []
}
