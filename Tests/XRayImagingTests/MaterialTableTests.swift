import CaseGeneration
import Foundation
import Testing
import XRayImaging

@Suite("Material table")
struct MaterialTableTests {
    /// NIST's own compound table: (energy MeV, μ/ρ cm²/g) rows.
    static func nistCompound(_ name: String) throws -> [(Double, Double)] {
        let url = Repository.assets.appendingPathComponent("materials/nist/compounds/\(name).csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let cells = line.split(separator: ",")
            guard cells.count >= 2, let e = Double(cells[0]), let m = Double(cells[1]) else { return nil }
            return (e, m)
        }
    }

    @Test(arguments: [("water", "water"), ("polyethylene", "polyethylene")])
    func mixtureRuleMatchesNISTCompoundTablesAtEveryTabulatedEnergy(material: String, nistTable: String) throws {
        let rows = try Self.nistCompound(nistTable)
        #expect(rows.count > 30)
        for (energy, nist) in rows {
            let ours = try #require(Repository.materials.massAttenuation(of: material, at: energy))
            #expect(abs(ours / nist - 1) < 0.02, "\(material) at \(energy) MeV: \(ours) vs NIST \(nist)")
        }
    }

    @Test func mixtureRuleMatchesNISTWithinHalfAPercentAtScannerEnergies() throws {
        for (energy, nist) in try Self.nistCompound("water") where energy >= 0.05 {
            let ours = try #require(Repository.materials.massAttenuation(of: "water", at: energy))
            #expect(abs(ours / nist - 1) < 0.005, "water at \(energy) MeV")
        }
    }

    @Test func interpolationIsLogLogAndTakesTheUpperValueAtAnEdge() throws {
        let table = try AttenuationTable(energiesMeV: [1, 2, 2, 4], massAttenuation: [8, 2, 6, 3])
        // halfway in ln E between 1 and 2 MeV: the geometric mean of 8 and 2
        #expect(abs(table.value(at: 2.0.squareRoot())! - 4) < 1e-12)
        #expect(table.value(at: 2) == 6)
        #expect(table.value(at: 4) == 3)
        #expect(table.value(at: 0.5) == nil && table.value(at: 5) == nil)
    }

    @Test func unsortedOrNonPositiveRowsAreRejected() {
        #expect(throws: XRayImagingError.self) { try AttenuationTable(energiesMeV: [2, 1], massAttenuation: [1, 1]) }
        #expect(throws: XRayImagingError.self) { try AttenuationTable(energiesMeV: [1, 2], massAttenuation: [1, 0]) }
        #expect(throws: XRayImagingError.self) { try AttenuationTable(energiesMeV: [1], massAttenuation: [1]) }
    }

    @Test func formulasBecomeMassFractions() throws {
        // urea CO(NH2)2: N 46.65 % by mass
        let urea = try #require(Repository.materials.elementalComposition(of: "urea"))
        let nitrogen = try #require(urea.first { $0.symbol == "N" }).fraction
        #expect(abs(nitrogen - 0.4665) < 0.001)
        // water: H 11.19 %
        let water = try #require(Repository.materials.elementalComposition(of: "water"))
        #expect(abs(water.first { $0.symbol == "H" }!.fraction - 0.1119) < 0.0005)
        #expect(abs(water.reduce(0) { $0 + $1.fraction } - 1) < 1e-12)
    }

    @Test func badCompositionsAreReportedWithTheFix() throws {
        let h = try AttenuationTable(energiesMeV: [0.001, 20], massAttenuation: [7, 0.01])
        let hydrogen = MaterialTable.Element(symbol: "H", atomicNumber: 1, atomicMass: 1.008, attenuation: h)
        func table(_ materials: [MaterialTable.Material]) throws(XRayImagingError) -> MaterialTable {
            try MaterialTable(elements: [hydrogen], materials: materials)
        }
        #expect(throws: XRayImagingError.self) {
            try table([.init(name: "x", composition: .formula("H2Q"), density: 1, source: "")])
        }
        #expect(throws: XRayImagingError.self) {
            try table([.init(name: "x", composition: .formula("H2)"), density: 1, source: "")])
        }
        #expect(throws: XRayImagingError.self) {
            try table([.init(name: "x", composition: .formula("H"), density: 0, source: "")])
        }
        #expect(throws: XRayImagingError.self) {
            try table([
                .init(name: "a", composition: .mixture(["b": 1]), density: 1, source: ""),
                .init(name: "b", composition: .mixture(["a": 1]), density: 1, source: ""),
            ])
        }
        do {
            _ = try table([.init(name: "x", composition: .mixture(["nope": 1]), density: 1, source: "")])
        } catch {
            #expect(error.message.contains("nope"))
        }
    }

    /// Every material the brief names and every material the scene planner uses.
    static let requiredMaterials: [String] = [
        "steel", "corten-steel", "aluminium", "plywood", "polyurethane-foam", "air",
        "fruit", "vegetables", "frozen-meat", "frozen-fish", "flowers", "coffee", "cocoa", "grain", "sugar", "paper",
        "wood", "furniture", "textiles", "plastics", "rubber", "ceramic", "stone", "glass", "copper", "machinery",
        "electronics", "appliances", "vehicle", "tyres", "chemicals-organic", "chemicals-inorganic", "fertilizer",
        "liquid-water-based", "oil", "wine", "household-goods", "scrap-metal", "tobacco",
        "cocaine-hydrochloride", "cannabis-resin", "cannabis-herb", "firearms-steel", "human-body", "lead",
    ]

    @Test func everyMaterialTheGeneratorNamesIsInTheTable() {
        let names = Set(Repository.materials.materialNames)
        for name in Self.requiredMaterials + NominalDensity.table.keys.sorted() {
            #expect(names.contains(name), "missing material \(name)")
        }
    }

    @Test func everyMaterialHasADensityASourceAndAttenuationAcrossTheScannerRange() throws {
        for material in Repository.materials.materials {
            #expect(material.density > 0 && material.density < 23)
            #expect(!material.source.isEmpty, "\(material.name) has no source")
            for energy in [0.03, 0.1, 1, 6] {
                let mu = try #require(Repository.materials.massAttenuation(of: material.name, at: energy))
                #expect(mu > 0.01 && mu < 50, "\(material.name) at \(energy) MeV: \(mu)")
            }
        }
    }

    @Test func plannerDensitiesAgreeRoughlyWithTheTable() {
        // the planner's fallback table (kg/m³) should not contradict the authority by more than a factor 3
        for (name, kgPerM3) in NominalDensity.table {
            guard let density = Repository.materials.density(of: name) else { continue }
            let ratio = kgPerM3 / 1000 / density
            #expect(ratio > 0.33 && ratio < 3, "\(name): planner \(kgPerM3) kg/m³, table \(density) g/cm³")
        }
    }
}
