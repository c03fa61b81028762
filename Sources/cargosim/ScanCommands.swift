import ArgumentParser

/// The scan commands (`render`, `scene`, `contact-sheet`, `review-pack`), registered in `CargoSim`.
let scanCommands: [any ParsableCommand.Type] = []

extension BenchSuites {
    /// Scan benchmarks run by `cargosim bench`.
    static let scans: [BenchSuite] = []
}
