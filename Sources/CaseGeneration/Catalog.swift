import CargoModel

/// A kind of goods the generator can load, with the figures that make a manifest plausible.
///
/// Loaded from `Assets/catalog/commodities.json`; HS codes come from the Harmonized System
/// nomenclature (WCO, via UN Comtrade), typical packages and densities from trade practice.
public struct Commodity: Hashable, Sendable, Codable {
    /// Stable id (`bananas`, `ceramic-tiles`).
    public var id: String
    /// Six-digit HS subheading.
    public var hsCode: String
    public var description: LocalizedText
    public var packageKind: PackageKind
    /// Typical gross mass of one package (kg), packaging included.
    public var packageGrossKG: Double
    /// Typical volume of one package (m³), as stowed.
    public var packageVolumeM3: Double
    /// Net over gross mass (0–1).
    public var netRatio: Double
    /// Material name for the scan renderer (`fruit`, `paper`, `ceramic`, `steel`).
    public var material: String
    /// Needs refrigeration.
    public var perishable: Bool
    /// Carried in a tank container.
    public var liquidBulk: Bool
    /// ISO 3166-1 alpha-2 countries that typically export it.
    public var origins: [String]
    /// Roles the goods can play in a scenario (`drug-cover`, `firearm-cover`, `norm`, `scrap`, `precursor`).
    public var tags: [String]
    /// The line of business that deals in the goods (`produce`, `seafood`, `metals`, `chemicals`…): company names
    /// of that trade (a fishing company, a fruit exporter) are given only to parties of it.
    public var trade: String
    /// Trade regions that import the goods (`europe`, `northAmerica`…): where a shipment of them is discharged.
    /// A country in `origins` is never a destination: bananas do not sail into banana country.
    public var markets: [String]
    /// How a reefer carries the goods (perishables only).
    public var reefer: ReeferRegime?
    /// The longest side of one package in mm, for goods that are long (pipes, bars, lumber, vehicles): it must fit
    /// the container's inside length.
    public var packageLengthMM: Int?
    /// The longest voyage the goods survive in a reefer, in days (cut flowers); nil: no limit a sea voyage reaches.
    public var maxTransitDays: Int?
    /// The goods' entry in the IMDG Code's Dangerous Goods List (UN number, proper shipping name, class, packing
    /// group); nil for goods not dangerous in transport.
    public var dangerousGoods: DangerousGoods?
    /// The table of the 1988 UN Convention (and the INCB Red List) that schedules the goods as a drug precursor:
    /// `I` or `II`; nil for goods not scheduled.
    public var precursorTable: String?

    public init(
        id: String, hsCode: String, description: LocalizedText, packageKind: PackageKind,
        packageGrossKG: Double, packageVolumeM3: Double, netRatio: Double, material: String,
        perishable: Bool, liquidBulk: Bool, origins: [String], tags: [String], trade: String = "general",
        markets: [String] = [], reefer: ReeferRegime? = nil, packageLengthMM: Int? = nil, maxTransitDays: Int? = nil,
        dangerousGoods: DangerousGoods? = nil, precursorTable: String? = nil
    ) {
        self.dangerousGoods = dangerousGoods
        self.precursorTable = precursorTable
        self.trade = trade
        self.markets = markets
        self.reefer = reefer
        self.packageLengthMM = packageLengthMM
        self.maxTransitDays = maxTransitDays
        self.id = id
        self.hsCode = hsCode
        self.description = description
        self.packageKind = packageKind
        self.packageGrossKG = packageGrossKG
        self.packageVolumeM3 = packageVolumeM3
        self.netRatio = netRatio
        self.material = material
        self.perishable = perishable
        self.liquidBulk = liquidBulk
        self.origins = origins
        self.tags = tags
    }

    /// Stowage density (kg per m³ of stowed packages).
    public var densityKGPerM3: Double { packageGrossKG / packageVolumeM3 }
}

/// How a refrigerated container carries a perishable: the set point, the range it tolerates, and the fresh-air
/// ventilation (the carriers' reefer cargo guides; UC Davis Postharvest Technology Center storage recommendations).
public struct ReeferRegime: Hashable, Sendable, Codable {
    /// The set point shippers book (°C).
    public var setPointC: Double
    /// The range the goods tolerate (°C); two goods share a box only where their ranges overlap.
    public var lowestC: Double
    public var highestC: Double
    /// Fresh-air exchange (m³/h); 0 for frozen goods (vent closed).
    public var ventilationM3h: Int

    public init(setPointC: Double, lowestC: Double, highestC: Double, ventilationM3h: Int) {
        self.setPointC = setPointC
        self.lowestC = lowestC
        self.highestC = highestC
        self.ventilationM3h = ventilationM3h
    }

    /// Frozen goods: carried at −18 °C or colder.
    public var frozen: Bool { highestC <= -18 }

    /// True when both can ride in one box: both frozen or both chilled, with a common temperature.
    public func isCompatible(with other: ReeferRegime) -> Bool {
        frozen == other.frozen && max(lowestC, other.lowestC) <= min(highestC, other.highestC)
    }
}

/// A port or inland place with its UN/LOCODE.
public struct PortInfo: Hashable, Sendable, Codable {
    public var locode: String
    public var name: String
    /// Trade region (`caribbean`, `centralAmerica`, `southAmericaPacific`, `southAmericaAtlantic`,
    /// `northAmerica`, `europe`, `westAfrica`, `eastAsia`, `southAsia`, `middleEast`, `mediterranean`).
    public var region: String
    /// A transhipment hub.
    public var hub: Bool
    /// What the intelligence picture says about the port (`cocaine-source`, `firearms-source`, `freezone`).
    public var riskTags: [String]
    /// Position of the port (degrees, WGS 84; north and east positive), as UN/LOCODE gives it.
    public var latitude: Double
    public var longitude: Double
    /// The stretch of sea the port opens on (an id of `SeaLanes.basins`): ports of one basin are reached from
    /// each other directly, other basins through the basin's gates (straits, capes, canals).
    public var basin: String

    public init(
        locode: String, name: String, region: String, hub: Bool, riskTags: [String], latitude: Double = 0,
        longitude: Double = 0, basin: String = ""
    ) {
        self.locode = locode
        self.name = name
        self.region = region
        self.hub = hub
        self.riskTags = riskTags
        self.latitude = latitude
        self.longitude = longitude
        self.basin = basin
    }

    public var country: String { String(locode.prefix(2)) }
    public var reference: PortRef { PortRef(locode: locode, name: name) }
}

/// A point of the sea-lane graph: a strait, a cape to round, a canal entrance.
public struct SeaWaypoint: Hashable, Sendable, Codable {
    public var id: String
    public var latitude: Double
    public var longitude: Double
    public var name: String

    public init(id: String, latitude: Double, longitude: Double, name: String) {
        self.id = id
        self.latitude = latitude
        self.longitude = longitude
        self.name = name
    }
}

/// A stretch of sea whose ports reach each other directly, and the waypoints through which ships leave it.
public struct SeaBasin: Hashable, Sendable, Codable {
    public var id: String
    public var gates: [String]

    public init(id: String, gates: [String]) {
        self.id = id
        self.gates = gates
    }
}

/// Open sea between two waypoints (sailed along the great circle).
public struct SeaLane: Hashable, Sendable, Codable {
    public var from: String
    public var to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}

/// A canal between two waypoints: its length and the days a transit takes with the wait.
public struct Canal: Hashable, Sendable, Codable {
    public var from: String
    public var to: String
    public var name: String
    public var nauticalMiles: Double
    public var days: Int

    public init(from: String, to: String, name: String, nauticalMiles: Double, days: Int) {
        self.from = from
        self.to = to
        self.name = name
        self.nauticalMiles = nauticalMiles
        self.days = days
    }
}

/// The graph ships sail on between the catalogue's ports (`Assets/catalog/sea-lanes.json`).
public struct SeaLanes: Hashable, Sendable, Codable {
    public var waypoints: [SeaWaypoint]
    public var basins: [SeaBasin]
    public var lanes: [SeaLane]
    public var canals: [Canal]

    public init(waypoints: [SeaWaypoint], basins: [SeaBasin], lanes: [SeaLane], canals: [Canal]) {
        self.waypoints = waypoints
        self.basins = basins
        self.lanes = lanes
        self.canals = canals
    }

    public static let empty = SeaLanes(waypoints: [], basins: [], lanes: [], canals: [])
}

/// An ocean carrier with its real BIC owner prefixes and SCAC.
public struct Carrier: Hashable, Sendable, Codable {
    public var name: String
    public var scac: String
    /// Four-letter owner prefixes (owner code + `U`) registered with the BIC.
    public var ownerPrefixes: [String]
    /// Invented vessel names in the carrier's naming style.
    public var vessels: [String]
    /// Regions the carrier serves.
    public var regions: [String]

    public init(name: String, scac: String, ownerPrefixes: [String], vessels: [String], regions: [String]) {
        self.name = name
        self.scac = scac
        self.ownerPrefixes = ownerPrefixes
        self.vessels = vessels
        self.regions = regions
    }
}

/// A seal maker (invented) and how its seals look.
public struct SealMaker: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    /// Letters that start every number this maker prints (`EG`, `TS`).
    public var numberPrefix: String
    /// How many digits follow the prefix.
    public var digits: Int
    /// Lettering of the number (`laser-dot`, `laser-solid`, `stamped`, `printed`).
    public var font: String
    public var kinds: [SealKind]

    public init(id: String, name: String, numberPrefix: String, digits: Int, font: String, kinds: [SealKind]) {
        self.id = id
        self.name = name
        self.numberPrefix = numberPrefix
        self.digits = digits
        self.font = font
        self.kinds = kinds
    }
}

/// A part of a company name (a core such as "Pesquera Mar Bravo" or an activity such as "Exportaciones") and who
/// may carry it: the trades it names (empty: any trade) and the roles it fits (`shipper`, `consignee`, `forwarder`;
/// empty: any but a forwarder's own words). Written in JSON as a plain string when it fits everyone, or as
/// `{"name", "trades", "roles"}`.
public struct CompanyNamePart: Hashable, Sendable, Codable, ExpressibleByStringLiteral {
    public var name: String
    public var trades: [String]
    public var roles: [String]

    public init(name: String, trades: [String] = [], roles: [String] = []) {
        self.name = name
        self.trades = trades
        self.roles = roles
    }

    public init(stringLiteral value: String) { self.init(name: value) }

    private enum CodingKeys: String, CodingKey { case name, trades, roles }

    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self.init(name: text)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            trades: try c.decodeIfPresent([String].self, forKey: .trades) ?? [],
            roles: try c.decodeIfPresent([String].self, forKey: .roles) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        if trades.isEmpty && roles.isEmpty {
            var c = encoder.singleValueContainer()
            try c.encode(name)
            return
        }
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        if !trades.isEmpty { try c.encode(trades, forKey: .trades) }
        if !roles.isEmpty { try c.encode(roles, forKey: .roles) }
    }

    /// True when a party of `role` in `trade` may carry this part.
    public func fits(trade: String, role: String) -> Bool {
        (trades.isEmpty || trades.contains(trade)) && (roles.isEmpty ? role != "forwarder" : roles.contains(role))
    }
}

/// Parts for company and person names of one language and its countries, so that parties read like the place.
public struct NameStyle: Hashable, Sendable, Codable {
    /// ISO 3166-1 alpha-2 countries that use this style.
    public var countries: [String]
    /// The forms of company a country's law provides, as they follow the name (`S.A.C.` in Peru, `GmbH` in Germany,
    /// `FZE` only in the free zones of the Emirates): every country of the style has its own list.
    public var legalForms: [String: [String]]
    public var companyCores: [CompanyNamePart]
    public var companyActivities: [CompanyNamePart]
    /// How a customs broker's firm is named there, with `{name}` for the family name (`Agencia de Aduanas {name}`).
    public var brokerNames: [String]
    public var givenNames: [String]
    public var familyNames: [String]
    /// Cities per country (`"PE": ["Lima", "Callao"]`).
    public var cities: [String: [String]]

    public init(
        countries: [String], legalForms: [String: [String]], companyCores: [CompanyNamePart],
        companyActivities: [CompanyNamePart], brokerNames: [String] = ["{name} Customs Brokers"],
        givenNames: [String], familyNames: [String], cities: [String: [String]]
    ) {
        self.countries = countries
        self.legalForms = legalForms
        self.companyCores = companyCores
        self.companyActivities = companyActivities
        self.brokerNames = brokerNames
        self.givenNames = givenNames
        self.familyNames = familyNames
        self.cities = cities
    }
}

/// Everything the generator draws from, loaded from `Assets/catalog/` by `CaseBundle`.
public struct Catalog: Sendable {
    public var commodities: [Commodity]
    public var ports: [PortInfo]
    public var carriers: [Carrier]
    public var sealMakers: [SealMaker]
    public var nameStyles: [NameStyle]
    /// Descriptions that name no goods ("general cargo", "FAK").
    public var vagueDescriptions: [LocalizedText]
    /// Every six-digit HS subheading of the nomenclature with its English text, for validating specs.
    public var hsSubheadings: [String: String]
    /// The sea-lane graph that voyages are measured on.
    public var seaLanes: SeaLanes
    /// How often each indicator and examination finding shows in clean and irregular cases (`indicator-evidence.json`).
    public var evidence: EvidenceCatalog

    public init(
        commodities: [Commodity], ports: [PortInfo], carriers: [Carrier], sealMakers: [SealMaker],
        nameStyles: [NameStyle], vagueDescriptions: [LocalizedText], hsSubheadings: [String: String],
        seaLanes: SeaLanes = .empty, evidence: EvidenceCatalog = .empty
    ) {
        self.evidence = evidence
        self.vagueDescriptions = vagueDescriptions
        self.commodities = commodities
        self.ports = ports
        self.carriers = carriers
        self.sealMakers = sealMakers
        self.nameStyles = nameStyles
        self.hsSubheadings = hsSubheadings
        self.seaLanes = seaLanes
    }

    public func commodity(_ id: String) -> Commodity? { commodities.first { $0.id == id } }
    public func port(_ locode: String) -> PortInfo? { ports.first { $0.locode == locode } }
    public func nameStyle(for country: String) -> NameStyle? {
        nameStyles.first { $0.countries.contains(country) } ?? nameStyles.first
    }
}
