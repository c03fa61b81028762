import CargoModel

/// Look-up tables over a `Catalog`, built once per generator so that drawing a case does no
/// linear scans of the catalogue beyond small lists.
struct CatalogIndex: Sendable {
    let commoditiesByTag: [String: [Commodity]]
    let commodityByID: [String: Commodity]
    /// Commodity whose English description is this text (to tell which goods a description names).
    let commodityByDescription: [String: Commodity]
    let perishables: [Commodity]
    let dryGoods: [Commodity]
    let liquids: [Commodity]
    let portsByCountry: [String: [PortInfo]]
    let portsByRegion: [String: [PortInfo]]
    let portByLocode: [String: PortInfo]
    /// Transhipment hubs, sorted by LOCODE.
    let hubs: [PortInfo]
    /// Seaports (every port not tagged `inland`), sorted by LOCODE.
    let seaports: [PortInfo]
    let carriers: [Carrier]
    let sealMakers: [SealMaker]
    let vagueTexts: Set<String>
    /// Countries with at least one seaport that carries no risk tag.
    let quietCountries: Set<String>

    init(_ catalog: Catalog) {
        var byTag: [String: [Commodity]] = [:]
        for commodity in catalog.commodities {
            for tag in commodity.tags { byTag[tag, default: []].append(commodity) }
        }
        commoditiesByTag = byTag
        commodityByID = Dictionary(catalog.commodities.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        commodityByDescription = Dictionary(
            catalog.commodities.map { ($0.description.en, $0) }, uniquingKeysWith: { first, _ in first })
        perishables = catalog.commodities.filter { $0.perishable && !$0.liquidBulk }
        dryGoods = catalog.commodities.filter { !$0.perishable && !$0.liquidBulk }
        liquids = catalog.commodities.filter(\.liquidBulk)
        portsByCountry = Dictionary(grouping: catalog.ports, by: \.country)
        portsByRegion = Dictionary(grouping: catalog.ports, by: \.region)
        portByLocode = Dictionary(catalog.ports.map { ($0.locode, $0) }, uniquingKeysWith: { first, _ in first })
        let sortedPorts = catalog.ports.sorted { $0.locode < $1.locode }
        hubs = sortedPorts.filter(\.hub)
        seaports = sortedPorts.filter { !$0.riskTags.contains("inland") }
        carriers = catalog.carriers.sorted { $0.scac < $1.scac }
        sealMakers = catalog.sealMakers.sorted { $0.id < $1.id }
        vagueTexts = Set(catalog.vagueDescriptions.map(\.en))
        let riskTags: Set<String> = ["cocaine-source", "firearms-source", "freezone"]
        quietCountries = Set(catalog.ports.filter { Set($0.riskTags).isDisjoint(with: riskTags) }.map(\.country))
    }

    func tagged(_ tag: String) -> [Commodity] { commoditiesByTag[tag] ?? [] }
}

/// Rough centre of each trade region (latitude, longitude in degrees), for sailing times.
let regionCentres: [String: (Double, Double)] = [
    "northAmerica": (30, -85), "caribbean": (18, -72), "centralAmerica": (12, -85),
    "southAmericaPacific": (-10, -80), "southAmericaAtlantic": (-25, -45), "europe": (51, 3),
    "mediterranean": (37, 10), "westAfrica": (6, 0), "middleEast": (25, 55), "southAsia": (8, 78),
    "southeastAsia": (2, 104), "eastAsia": (30, 122),
]

/// The Americas south of the United States: where southbound firearms are trafficked to.
let latinRegions: Set<String> = ["caribbean", "centralAmerica", "southAmericaPacific", "southAmericaAtlantic"]

/// Sailing days between two regions: great-circle distance at 18 knots with a routing factor
/// of 1.35 (canals, coastal calls), at least 2 days.
func sailingDays(from a: String, to b: String) -> Int {
    guard let p = regionCentres[a], let q = regionCentres[b] else { return 10 }
    let rad = Double.pi / 180
    let dLat = (q.0 - p.0) * rad, dLon = (q.1 - p.1) * rad
    let h = sin(dLat / 2) * sin(dLat / 2) + cos(p.0 * rad) * cos(q.0 * rad) * sin(dLon / 2) * sin(dLon / 2)
    let nauticalMiles = 2 * 3440.065 * asin(min(1, h.squareRoot()))
    return max(2, Int((nauticalMiles * 1.35 / (18 * 24)).rounded()) + 1)
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
