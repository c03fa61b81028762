import Foundation
import XRayImaging

/// Loads the renderer's material table from `Assets/materials/`.
///
/// - `nist/elements.csv`: `z,symbol,name,zovera,i,density,…` (NIST SRD 126); the atomic mass is
///   Z / (Z/A).
/// - `nist/elements/zNN.csv`: μ/ρ of element Z (`energy,mu/rho,mu_en/rho`, energies in MeV although the
///   header says "meV", μ/ρ in cm²/g; `#` lines are comments). Only the elements with a file are loaded.
/// - `materials.csv`: `name,composition,density_g_cm3,source`; the composition is `formula:C17H22ClNO4`,
///   `elements:H=0.111894;O=0.888106` (mass fractions) or `mix:water=0.86;sucrose=0.14` (mass fractions of
///   other materials of the file). No field contains a comma.
///
/// Every problem becomes a `BundleError` naming the file and line (`materials.*` codes), or the
/// table's own check (`material.table`) as one error naming `materials.csv`.
public enum MaterialTableLoader {
    /// Reads and resolves the table under `assets` (the `Assets` directory).
    public static func load(from assets: URL) throws -> MaterialTable {
        let folder = assets.appendingPathComponent("materials", isDirectory: true)
        let elementsFile = folder.appendingPathComponent("nist/elements.csv")
        var elements: [MaterialTable.Element] = []
        for (line, fields) in try rows(of: elementsFile, display: display(assets, "nist/elements.csv")).dropFirst() {
            guard fields.count >= 4, let z = Int(fields[0]), let zOverA = Double(fields[3]), zOverA > 0 else {
                throw BundleError(
                    code: "materials.elements", file: display(assets, "nist/elements.csv"), line: line,
                    message: "Give each element as z,symbol,name,zovera,… with numbers for z and Z/A.")
            }
            let name = "nist/elements/z" + (z < 10 ? "0" : "") + String(z) + ".csv"
            let tableFile = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: tableFile.path) else { continue }
            let shown = display(assets, name)
            var energies: [Double] = [], values: [Double] = []
            for (row, cells) in try rows(of: tableFile, display: shown) {
                guard cells.count >= 2, let e = Double(cells[0]), let m = Double(cells[1]) else {
                    throw BundleError(
                        code: "materials.attenuation", file: shown, line: row,
                        message: "Give each row as energy (MeV),mu/rho (cm²/g),mu_en/rho.")
                }
                energies.append(e)
                values.append(m)
            }
            do {
                let table = try AttenuationTable(energiesMeV: energies, massAttenuation: values)
                elements.append(
                    .init(symbol: fields[1], atomicNumber: z, atomicMass: Double(z) / zOverA, attenuation: table))
            } catch {
                throw BundleError(code: error.code, file: shown, message: error.message)
            }
        }

        let materialsShown = display(assets, "materials.csv")
        var materials: [MaterialTable.Material] = []
        for (line, fields) in try rows(of: folder.appendingPathComponent("materials.csv"), display: materialsShown)
            .dropFirst()
        {
            guard fields.count == 4 else {
                throw BundleError(
                    code: "materials.columns", file: materialsShown, line: line,
                    message:
                        "Give four fields: name,composition,density_g_cm3,source (got \(fields.count); no commas inside a field)."
                )
            }
            guard let density = Double(fields[2]) else {
                throw BundleError(
                    code: "materials.density", file: materialsShown, line: line, field: "density_g_cm3",
                    value: fields[2], message: "Give the density as a number in g/cm³.")
            }
            materials.append(
                .init(
                    name: fields[0], composition: try composition(fields[1], file: materialsShown, line: line),
                    density: density, source: fields[3]))
        }
        do {
            return try MaterialTable(elements: elements, materials: materials)
        } catch {
            throw BundleError(code: error.code, file: materialsShown, message: error.message)
        }
    }

    static func composition(_ text: String, file: String, line: Int) throws -> MaterialTable.Composition {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        func fractions() throws -> [String: Double] {
            var result: [String: Double] = [:]
            for item in parts[1].split(separator: ";") {
                let pair = item.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, let value = Double(pair[1]) else {
                    throw BundleError(
                        code: "materials.composition", file: file, line: line, field: "composition",
                        value: String(item), message: "Write each part as name=mass fraction, separated by ;.")
                }
                result[pair[0], default: 0] += value
            }
            return result
        }
        guard parts.count == 2 else {
            throw BundleError(
                code: "materials.composition", file: file, line: line, field: "composition", value: text,
                message: "Start the composition with formula:, elements: or mix:.")
        }
        switch parts[0] {
        case "formula": return .formula(parts[1])
        case "elements": return .elements(try fractions())
        case "mix": return .mixture(try fractions())
        default:
            throw BundleError(
                code: "materials.composition", file: file, line: line, field: "composition", value: parts[0],
                message: "Start the composition with formula:, elements: or mix:.")
        }
    }

    /// Non-empty, non-comment lines split at commas, with 1-based line numbers. NIST's files end their
    /// lines with CRLF, which Swift reads as one `Character`: split on `isNewline`, not on "\n".
    static func rows(of url: URL, display: String) throws -> [(Int, [String])] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw BundleError(
                code: "materials.missing", file: display,
                message: "Restore the file from the repository (Assets/materials is part of CargoSim).")
        }
        var result: [(Int, [String])] = []
        for (index, raw) in String(decoding: data, as: UTF8.self)
            .split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
        {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            result.append((index + 1, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
        return result
    }

    static func display(_ assets: URL, _ name: String) -> String { AssetLocator.join(assets.path, "materials/" + name) }
}
