/// The materials the scanner can see: elements with their NIST μ/ρ tables, and named materials as
/// compositions with a nominal density.
///
/// A material's mass attenuation follows the mixture rule, μ/ρ = Σ wᵢ·(μ/ρ)ᵢ, over the mass fractions
/// wᵢ of its elements (Hubbell & Seltzer, NIST SRD 126, chapter 2); its linear attenuation is
/// μ = (μ/ρ)·ρ·fill for a shape that fills a share `fill` of the nominal density ρ. A composition may be
/// a chemical formula, element mass fractions, or mass fractions of other materials of the table
/// (a "mixture"), resolved to elements once, at construction. Everything is in the units NIST uses:
/// MeV, cm²/g, g/cm³.
public struct MaterialTable: Sendable {
    /// One chemical element and its tabulated μ/ρ.
    public struct Element: Hashable, Sendable {
        /// Chemical symbol, as written in formulas (`H`, `Fe`, `Pb`).
        public var symbol: String
        public var atomicNumber: Int
        /// Relative atomic mass in g/mol (used to turn formulas into mass fractions).
        public var atomicMass: Double
        public var attenuation: AttenuationTable

        public init(symbol: String, atomicNumber: Int, atomicMass: Double, attenuation: AttenuationTable) {
            self.symbol = symbol
            self.atomicNumber = atomicNumber
            self.atomicMass = atomicMass
            self.attenuation = attenuation
        }
    }

    /// What a material is made of.
    public enum Composition: Hashable, Sendable {
        /// A chemical formula with optional groups: `H2O`, `C17H22ClNO4`, `CO(NH2)2`, `Ca(H2PO4)2`.
        case formula(String)
        /// Mass fractions of elements by symbol (normalised to 1 when resolved).
        case elements([String: Double])
        /// Mass fractions of other materials of the table by name (normalised to 1 when resolved).
        case mixture([String: Double])
    }

    /// A named material of the curated table.
    public struct Material: Hashable, Sendable {
        /// The name scenes use (`steel`, `fruit`, `cocaine-hydrochloride`).
        public var name: String
        public var composition: Composition
        /// Nominal density in g/cm³ (of the solid; packing is a shape's `fill`).
        public var density: Double
        /// Where the composition and density come from.
        public var source: String

        public init(name: String, composition: Composition, density: Double, source: String) {
            self.name = name
            self.composition = composition
            self.density = density
            self.source = source
        }
    }

    /// The elements, ordered by atomic number.
    public let elements: [Element]
    /// The materials as given, ordered by name.
    public let materials: [Material]
    /// Each material resolved to (element index, mass fraction), ordered by atomic number: a fixed order
    /// of summation, so that results are bit-identical across runs.
    private let resolved: [String: [(element: Int, fraction: Double)]]
    private let densities: [String: Double]

    /// Resolves every material to elements.
    ///
    /// - Throws: `XRayImagingError` `material.table` for an unknown element or material in a composition,
    ///   a malformed formula, a cycle of mixtures, a non-positive fraction or density, or a duplicate name.
    public init(elements: [Element], materials: [Material]) throws(XRayImagingError) {
        let sortedElements = elements.sorted { $0.atomicNumber < $1.atomicNumber }
        var elementIndex: [String: Int] = [:]
        for (i, element) in sortedElements.enumerated() {
            guard elementIndex.updateValue(i, forKey: element.symbol) == nil else {
                throw XRayImagingError(code: "material.table", message: "Give element \(element.symbol) once.")
            }
        }
        var byName: [String: Material] = [:]
        for material in materials {
            guard byName.updateValue(material, forKey: material.name) == nil else {
                throw XRayImagingError(code: "material.table", message: "Give material \"\(material.name)\" once.")
            }
            guard material.density > 0, material.density.isFinite else {
                throw XRayImagingError(
                    code: "material.table",
                    message:
                        "Give material \"\(material.name)\" a positive density in g/cm³ (got \(material.density)).")
            }
        }
        var resolved: [String: [Int: Double]] = [:]
        func resolve(_ name: String, path: [String]) throws(XRayImagingError) -> [Int: Double] {
            if let done = resolved[name] { return done }
            guard let material = byName[name] else {
                throw XRayImagingError(
                    code: "material.table",
                    message:
                        "Define material \"\(name)\" (used by \(path.last ?? "a mixture")) or fix the name.")
            }
            guard !path.contains(name) else {
                throw XRayImagingError(
                    code: "material.table",
                    message:
                        "Break the cycle of mixtures \((path + [name]).joined(separator: " → ")).")
            }
            var fractions: [Int: Double] = [:]
            switch material.composition {
            case let .formula(formula):
                let atoms = try FormulaParser.atoms(in: formula, material: name)
                for (symbol, _) in atoms where elementIndex[symbol] == nil {
                    throw XRayImagingError(
                        code: "material.table",
                        message:
                            "Add element \(symbol) to the element table (used by \"\(name)\": \(formula)).")
                }
                for (symbol, count) in atoms.sorted(by: { $0.key < $1.key }) {
                    let i = elementIndex[symbol]!
                    fractions[i, default: 0] += count * sortedElements[i].atomicMass
                }
            case let .elements(parts):
                for (symbol, fraction) in parts.sorted(by: { $0.key < $1.key }) {
                    guard let i = elementIndex[symbol] else {
                        throw XRayImagingError(
                            code: "material.table",
                            message:
                                "Add element \(symbol) to the element table (used by \"\(name)\").")
                    }
                    guard fraction > 0 else {
                        throw XRayImagingError(
                            code: "material.table",
                            message:
                                "Give \(symbol) in \"\(name)\" a positive mass fraction (got \(fraction)).")
                    }
                    fractions[i, default: 0] += fraction
                }
            case let .mixture(parts):
                for (part, fraction) in parts.sorted(by: { $0.key < $1.key }) {
                    guard fraction > 0 else {
                        throw XRayImagingError(
                            code: "material.table",
                            message:
                                "Give \(part) in \"\(name)\" a positive mass fraction (got \(fraction)).")
                    }
                    for (i, w) in try resolve(part, path: path + [name]) { fractions[i, default: 0] += fraction * w }
                }
            }
            let total = fractions.values.reduce(0, +)
            guard total > 0 else {
                throw XRayImagingError(code: "material.table", message: "Give material \"\(name)\" a composition.")
            }
            let normalised = fractions.mapValues { $0 / total }
            resolved[name] = normalised
            return normalised
        }
        for material in materials { _ = try resolve(material.name, path: []) }
        self.elements = sortedElements
        self.materials = materials.sorted { $0.name < $1.name }
        self.resolved = resolved.mapValues { parts in
            parts.sorted { $0.key < $1.key }.map { (element: $0.key, fraction: $0.value) }
        }
        self.densities = byName.mapValues(\.density)
    }

    /// The names of every material, sorted.
    public var materialNames: [String] { materials.map(\.name) }

    /// μ/ρ of `material` at `energyMeV` in cm²/g by the mixture rule; nil for an unknown material or an
    /// energy outside the tables (1 keV – 20 MeV for NIST's).
    public func massAttenuation(of material: String, at energyMeV: Double) -> Double? {
        guard let parts = resolved[material] else { return nil }
        var sum = 0.0
        for part in parts {
            guard let value = elements[part.element].attenuation.value(at: energyMeV) else { return nil }
            sum += part.fraction * value
        }
        return sum
    }

    /// Nominal density of `material` in g/cm³; nil when unknown.
    public func density(of material: String) -> Double? { densities[material] }

    /// Linear attenuation coefficient μ = (μ/ρ)·ρ·fill in 1/cm; nil when unknown.
    public func linearAttenuation(of material: String, at energyMeV: Double, fill: Double = 1) -> Double? {
        guard let massAttenuation = massAttenuation(of: material, at: energyMeV), let density = density(of: material)
        else { return nil }
        return massAttenuation * density * fill
    }

    /// The elemental mass fractions of `material` (summing to 1), by symbol in order of atomic number.
    public func elementalComposition(of material: String) -> [(symbol: String, fraction: Double)]? {
        resolved[material]?.map { (symbol: elements[$0.element].symbol, fraction: $0.fraction) }
    }
}

/// Turns a chemical formula into atom counts per element.
enum FormulaParser {
    static func atoms(in formula: String, material: String) throws(XRayImagingError) -> [String: Double] {
        let characters = Array(formula.unicodeScalars)
        var index = 0
        func fail(_ why: String) -> XRayImagingError {
            XRayImagingError(
                code: "material.table",
                message:
                    "Fix the formula of \"\(material)\": \(why) at character \(index + 1) of \(formula).")
        }
        func number() -> Double? {
            var digits = ""
            while index < characters.count, characters[index].properties.numericType != nil || characters[index] == "."
            {
                digits.unicodeScalars.append(characters[index])
                index += 1
            }
            return digits.isEmpty ? nil : Double(digits)
        }
        func group() throws(XRayImagingError) -> [String: Double] {
            var counts: [String: Double] = [:]
            while index < characters.count {
                let c = characters[index]
                if c == "(" {
                    index += 1
                    let inner = try group()
                    guard index < characters.count, characters[index] == ")" else { throw fail("a missing )") }
                    index += 1
                    let times = number() ?? 1
                    for (symbol, n) in inner { counts[symbol, default: 0] += n * times }
                } else if c == ")" {
                    return counts
                } else if c.properties.isUppercase {
                    var symbol = String(c)
                    index += 1
                    while index < characters.count, characters[index].properties.isLowercase {
                        symbol.unicodeScalars.append(characters[index])
                        index += 1
                    }
                    counts[symbol, default: 0] += number() ?? 1
                } else {
                    throw fail("an unexpected \"\(c)\"")
                }
            }
            return counts
        }
        let counts = try group()
        guard index == characters.count else { throw fail("an unmatched )") }
        guard !counts.isEmpty else { throw fail("no elements") }
        return counts
    }
}
