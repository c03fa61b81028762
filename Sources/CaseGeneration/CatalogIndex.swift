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
    /// Ids of the commodities produced in at least one of `quietCountries`.
    let quietlyProduced: Set<String>
    /// Sea distances between the ports.
    let sea: SeaRoutes
    /// Which commodities have a trade lane on a set of ports (see `TradeLaneMemo`).
    let tradeLanes: TradeLaneMemo

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
        // A local first: a closure may not capture `self` before every stored property is set.
        let quiet = Set(catalog.ports.filter { Set($0.riskTags).isDisjoint(with: riskTags) }.map(\.country))
        quietCountries = quiet
        quietlyProduced = Set(catalog.commodities.filter { !Set($0.origins).isDisjoint(with: quiet) }.map(\.id))
        sea = SeaRoutes(ports: sortedPorts, lanes: catalog.seaLanes)
        tradeLanes = TradeLaneMemo(commodities: catalog.commodities)
    }

    func tagged(_ tag: String) -> [Commodity] { commoditiesByTag[tag] ?? [] }
}

/// The Americas south of the United States: where southbound firearms are trafficked to.
let latinRegions: Set<String> = ["caribbean", "centralAmerica", "southAmericaPacific", "southAmericaAtlantic"]

extension SeaRoutes {
    /// Service speeds of container ships in liner trades (knots): slow steaming since 2009 put them at 15–19
    /// knots, from the 22–25 the ships were built for (UNCTAD, *Review of Maritime Transport* 2010–2012;
    /// Notteboom and Vernimmen, *Journal of Transport Geography* 17, 2009).
    static let serviceKnots: ClosedRange<Double> = 15...19
    /// The fastest a leg may imply (knots): the design speed of a modern container ship.
    public static let fastestKnots = 22.0

    /// Days a liner service takes from `a` to `b` at `knots`: the sea passage, canal transits, and one day plus
    /// half a day per 1,000 nm for the calls a service makes on the way and the time in port; whole days,
    /// rounded up. 10 days when either port is unknown.
    func legDays(from a: String, to b: String, knots: Double) -> Int {
        guard let miles = nauticalMiles(from: a, to: b) else { return 10 }
        let days = miles / (knots * 24) + Double(canalDays(from: a, to: b)) + 1 + miles / 2000
        return max(1, Int(days.rounded(.up)))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
