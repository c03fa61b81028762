import CargoModel
import CaseGeneration
import Testing

/// The world a case is set in: voyages on sea distances at speeds ships sail, detours keyed exactly when present,
/// and documents dated in the order they are made. Each rule over a large course (`PropertyCourse`).
@Suite struct WorldPropertyTests {
    static let sea = SeaRoutes(ports: Repository.catalog.ports, lanes: Repository.catalog.seaLanes)
    static let detector = IndicatorDetector(catalog: Repository.catalog)

    /// Port-to-port distances of NGA Pub. 151 (*Distances Between Ports*) and commercial distance tables, rounded;
    /// the graph need only be close enough for sailing times in whole days.
    @Test(arguments: [
        ("NLRTM", "USNYC", 3450.0), ("CNSHA", "USLAX", 5700), ("CNSHA", "NLRTM", 10500), ("SGSIN", "NLRTM", 8300),
        ("BRSSZ", "NLRTM", 5450), ("COCTG", "NLRTM", 4650), ("PECLL", "PABLB", 1350), ("PAONX", "NLRTM", 4700),
        ("ARBUE", "NLRTM", 6300), ("USHOU", "NLRTM", 5000), ("USLAX", "PABLB", 2900), ("USNYC", "PAONX", 1970),
        ("SGSIN", "HKHKG", 1450), ("AEJEA", "SGSIN", 3600), ("LKCMB", "SGSIN", 1570), ("TGLFW", "NLRTM", 4200),
        ("ESALG", "NLRTM", 1400), ("NLRTM", "DEHAM", 300), ("CLVAP", "PABLB", 2600), ("BRSSZ", "SGSIN", 9000),
    ])
    func seaDistancesAgreeWithPublishedTables(_ a: String, _ b: String, _ published: Double) throws {
        let miles = try #require(Self.sea.nauticalMiles(from: a, to: b))
        #expect(abs(miles / published - 1) < 0.12, "\(a)–\(b): \(Int(miles)) nm against \(Int(published))")
        #expect(Self.sea.nauticalMiles(from: b, to: a) == miles)
    }

    @Test func everyPortReachesEveryOther() {
        let ports = Repository.catalog.ports.map(\.locode)
        for a in ports {
            for b in ports where a != b {
                #expect(Self.sea.nauticalMiles(from: a, to: b) != nil, "\(a) → \(b)")
            }
        }
    }

    /// No voyage needs a ship faster than a container ship's design speed, and none crawls: from on board to arrival
    /// the route's sea distance over the days (port calls and transhipment dwell included) is at most 22 kn, and the
    /// days at most those of 10 kn plus three for calls and eight per transhipment.
    @Test func voyagesTakeTheTimeTheirSeaDistanceNeeds() {
        var failures: [String] = []
        for (c, _) in PropertyCourse.cases {
            let bl = c.targeting.billOfLading
            let route = ([bl.portOfLoading] + bl.transhipmentPorts + [bl.portOfDischarge]).map(\.locode)
            guard let miles = Self.sea.routeMiles(route) else {
                failures.append("\(c.id): route \(route) not in the sea graph")
                continue
            }
            let days = Double(bl.estimatedArrival.daysSinceEpoch - bl.onBoard.daysSinceEpoch)
            let knots = miles / max(1, days) / 24
            let slowest = miles / (10 * 24) + 3 + 8 * Double(bl.transhipmentPorts.count)
            if knots > SeaRoutes.fastestKnots || days > slowest {
                failures.append("\(c.id): \(route.joined(separator: ">")) \(Int(miles)) nm in \(Int(days)) days")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) voyages at impossible speeds, e.g. \(failures.prefix(5))")
    }

    /// Circuitous routing is keyed exactly when the route sails more than 1.5 times the direct sea distance.
    @Test func aDetourIsKeyedExactlyWhenTheRouteIsOneAndAHalfTimesTheDirectDistance() {
        var failures: [String] = []
        for (c, key) in PropertyCourse.cases {
            let bl = c.targeting.billOfLading
            let route = ([bl.portOfLoading] + bl.transhipmentPorts + [bl.portOfDischarge]).map(\.locode)
            guard let total = Self.sea.routeMiles(route),
                let direct = Self.sea.nauticalMiles(from: route.first!, to: route.last!)
            else { continue }
            let detour = total / direct > IndicatorDetector.circuitousRatio
            let keyed = key.indicators.contains { $0.code == .circuitousRouting }
            if detour != keyed {
                failures.append("\(c.id): \(route.joined(separator: ">")) ratio \(total / direct), keyed \(keyed)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) routes keyed wrongly, e.g. \(failures.prefix(5))")
    }

    /// Stuffing, VGM, gate-in, bill of lading, on board, transhipments and arrival follow one another: a shipped
    /// bill is dated on or after loading, a bill issued before loading says so, the VGM precedes loading, the seal
    /// log runs forward, and the inspection falls where the vantage puts it.
    @Test func documentsAreDatedInTheOrderTheyAreMade() {
        var failures: [String] = []
        for (c, _) in PropertyCourse.cases {
            let bl = c.targeting.billOfLading
            var problems: [String] = []
            if bl.kind == nil { problems.append("no bill-of-lading kind") }
            if bl.kind == .shippedOnBoard && bl.issued < bl.onBoard { problems.append("shipped bill before on board") }
            if bl.kind == .receivedForShipment && bl.issued > bl.onBoard {
                problems.append("received bill after on board")
            }
            if c.vantage != .export && bl.kind != .shippedOnBoard { problems.append("no shipped bill after loading") }
            if bl.issued > c.inspectionDate { problems.append("bill dated after the inspection") }
            if !(bl.vgm.date <= bl.onBoard && bl.onBoard < bl.estimatedArrival) {
                problems.append("VGM/on board/arrival")
            }
            if let affixed = c.targeting.sealLog.first?.time.date, affixed > bl.onBoard {
                problems.append("sealed after loading")
            }
            if !problems.isEmpty { failures.append("\(c.id) (\(c.vantage)): " + problems.joined(separator: ", ")) }
        }
        #expect(failures.isEmpty, "\(failures.count) cases with documents out of order, e.g. \(failures.prefix(5))")
    }
}

/// Goods of the world: reefers set per commodity, goods that fit their box, trade from producers to markets.
@Suite struct GoodsPropertyTests {
    static let byDescription = Dictionary(
        Repository.catalog.commodities.map { ($0.description.en, $0) }, uniquingKeysWith: { a, _ in a })
    static let ports = Dictionary(Repository.catalog.ports.map { ($0.locode, $0) }, uniquingKeysWith: { a, _ in a })

    /// Reefers run at the set point of what they carry (within every line's range), with the vent closed for frozen
    /// goods and open as booked for chilled ones; no box holds frozen beside chilled goods; a non-operating reefer
    /// carries dry goods only; the unit's display shows what the bill of lading booked.
    @Test func reefersRunAtTheirGoodsSetPoints() {
        var failures: [String] = []
        for (c, _) in PropertyCourse.cases {
            let bl = c.targeting.billOfLading
            guard ContainerType.named(bl.containerType)?.family == .reefer else { continue }
            let regimes = bl.goods.compactMap { Self.byDescription[$0.description.en]?.reefer }
            guard let instruction = bl.reefer else {
                failures.append("\(c.id): a reefer without its reefer instruction")
                continue
            }
            if Set(regimes.map(\.frozen)).count > 1 { failures.append("\(c.id): frozen and chilled goods together") }
            if instruction.nonOperating {
                if !regimes.isEmpty { failures.append("\(c.id): perishables in a non-operating reefer") }
            } else if let setPoint = instruction.setPointC {
                for regime in regimes where !(regime.lowestC...regime.highestC).contains(setPoint) {
                    failures.append(
                        "\(c.id): set point \(setPoint) °C for goods kept at \(regime.lowestC)…\(regime.highestC)")
                }
                if regimes.contains(where: \.frozen), instruction.ventilationM3h != 0 {
                    failures.append("\(c.id): frozen goods with the vent open")
                }
            }
            if let exam = c.examination {
                let display = exam.observations.first { $0.code == .reeferRunningAtSetPoint }
                if instruction.nonOperating != (display == nil) {
                    failures.append("\(c.id): the unit's state is not what the bill booked")
                }
                if let display, let setPoint = instruction.setPointC,
                    Double(display.parameters["setPointC"] ?? "") != (setPoint * 10).rounded() / 10
                {
                    failures.append("\(c.id): display \(display.parameters["setPointC"] ?? "") against \(setPoint)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) reefers wrongly set, e.g. \(failures.prefix(5))")
    }

    /// Goods are loaded in a country that produces them and discharged in a region that imports them, in a country
    /// that does not produce them; goods with a short life sail only voyages they survive.
    @Test func goodsTravelFromProducersToMarkets() {
        var failures: [String] = []
        for (c, _) in PropertyCourse.cases {
            let bl = c.targeting.billOfLading
            guard let discharge = Self.ports[bl.portOfDischarge.locode] else { continue }
            for line in bl.goods {
                guard let goods = Self.byDescription[line.description.en] else { continue }
                if !goods.origins.contains(bl.portOfLoading.country) {
                    failures.append("\(c.id): \(goods.id) loaded in \(bl.portOfLoading.country)")
                }
                if !goods.markets.contains(discharge.region) || goods.origins.contains(discharge.country) {
                    failures.append("\(c.id): \(goods.id) discharged in \(discharge.locode) (\(discharge.region))")
                }
                if let limit = goods.maxTransitDays,
                    bl.estimatedArrival.daysSinceEpoch - bl.onBoard.daysSinceEpoch > limit
                {
                    failures.append("\(c.id): \(goods.id) at sea longer than \(limit) days")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) goods off their trade lanes, e.g. \(failures.prefix(5))")
    }

    /// Every package fits the box it is declared in: no 6 m pipes in a twenty-footer's 5.9 m.
    @Test func packagesFitTheBoxesTheyAreDeclaredIn() {
        var failures: [String] = []
        for (c, _) in PropertyCourse.cases {
            let bl = c.targeting.billOfLading
            guard let type = ContainerType.named(bl.containerType) else { continue }
            for line in bl.goods {
                guard let goods = Self.byDescription[line.description.en] else { continue }
                if let length = goods.packageLengthMM, length > type.internalLengthMM {
                    failures.append("\(c.id): \(goods.id) of \(length) mm in a \(type.code)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) packages longer than their box, e.g. \(failures.prefix(5))")
    }
}

/// Parties read like their country and their trade.
@Suite struct PartyPropertyTests {
    static let byDescription = GoodsPropertyTests.byDescription

    /// Every company name ends in a legal form its country's law provides (no "Pty Ltd" in New York, no "FZE" in
    /// Morocco), and a core that names a trade ("Pesquera", "Bananera", "Químicos") or a role ("Importadora",
    /// "Logística") is carried only by a party of that trade and role.
    @Test func companyNamesFitTheirCountryTradeAndRole() {
        var failures: [String] = []
        var checked = 0
        for (c, _) in PropertyCourse.cases {
            let bl = c.targeting.billOfLading
            let goods = bl.goods.first.flatMap { Self.byDescription[$0.description.en] }
            let parties: [(Party, String)] =
                [(bl.shipper, "shipper"), (bl.consignee, bl.consignee.isFreightForwarder ? "forwarder" : "consignee")]
                + (bl.notifyParty.map { [($0, "broker")] } ?? [])
            for (party, role) in parties {
                guard let style = Repository.catalog.nameStyles.first(where: { $0.countries.contains(party.country) })
                else { continue }
                checked += 1
                let forms = style.legalForms[party.country] ?? []
                if !forms.contains(where: { party.name.hasSuffix(" " + $0) }) {
                    failures.append(
                        "\(c.id): \(party.name) (\(party.country)) ends in no legal form of \(party.country)")
                }
                guard role != "broker", let goods else { continue }
                for core in style.companyCores where party.name.hasPrefix(core.name + " ") {
                    if !core.trades.isEmpty && !core.trades.contains(goods.trade) {
                        failures.append("\(c.id): \(party.name) trades in \(goods.id)")
                    }
                    if !core.roles.isEmpty && !core.roles.contains(role) {
                        failures.append("\(c.id): \(party.name) as \(role)")
                    }
                }
            }
        }
        #expect(checked > 1000)
        #expect(failures.isEmpty, "\(failures.count) names that do not fit, e.g. \(failures.prefix(6))")
    }
}

extension PartyPropertyTests {
    @Test func everyCountryWithAPortHasANameStyle() {
        let styled = Set(Repository.catalog.nameStyles.flatMap(\.countries))
        let missing = Set(Repository.catalog.ports.map(\.country)).subtracting(styled)
        #expect(missing.isEmpty, "countries with ports but no name style: \(missing.sorted())")
    }
}

/// Dangerous goods and drug precursors are declared and recognised as such.
@Suite struct DangerousGoodsPropertyTests {
    /// Every line of goods that the IMDG Code lists carries its UN number, proper shipping name, class and packing
    /// group, exactly as the Dangerous Goods List gives them; no other line carries any; scheduled precursors travel
    /// under a permit.
    @Test func dangerousGoodsLinesCarryTheirIMDGDescription() {
        var failures: [String] = []
        var dangerous = 0
        for (c, _) in PropertyCourse.cases {
            for line in c.targeting.billOfLading.goods {
                guard let goods = GoodsPropertyTests.byDescription[line.description.en] else { continue }
                if line.dangerousGoods != goods.dangerousGoods {
                    failures.append("\(c.id): \(goods.id) declared as \(String(describing: line.dangerousGoods))")
                }
                if line.dangerousGoods != nil { dangerous += 1 }
                if (goods.precursorTable != nil) != (line.permit != nil) {
                    failures.append("\(c.id): \(goods.id) with permit \(line.permit ?? "none")")
                }
            }
        }
        #expect(dangerous > 10)
        #expect(
            failures.isEmpty, "\(failures.count) lines without their dangerous-goods data, e.g. \(failures.prefix(5))")
    }

    /// A scheduled precursor is never waved through as ordinary goods: when the papers declare one the key names the
    /// controlledPrecursor indicator; when one is found in place of the declared goods the key says it is scheduled.
    @Test func precursorsAreRecognisedAsSuch() {
        var failures: [String] = []
        for (c, key) in PropertyCourse.cases {
            let declared = c.targeting.billOfLading.goods.compactMap {
                GoodsPropertyTests.byDescription[$0.description.en]
            }
            let flagged = key.indicators.contains { $0.code == .controlledPrecursor }
            if declared.contains(where: { $0.precursorTable != nil }) != flagged {
                failures.append("\(c.id): precursor declared \(declared.map(\.id)), flagged \(flagged)")
            }
            if flagged, !key.irregular,
                !key.rationale.contains(where: {
                    $0.code == .harmlessRedFlag && $0.parameters["indicator"] == "controlledPrecursor"
                })
            {
                failures.append("\(c.id): a lawful precursor shipment without its explanation")
            }
            if key.scenario == Scenario.precursorChemicals.rawValue,
                !key.rationale.contains(where: { $0.code == .precursorUndeclared && $0.parameters["table"] != nil })
            {
                failures.append("\(c.id): precursor found but not named as scheduled")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) precursors not recognised, e.g. \(failures.prefix(5))")
        let declaredBy = { (irregular: Bool) in
            PropertyCourse.cases.filter { $0.key.irregular == irregular }.count {
                $0.key.indicators.contains { $0.code == .controlledPrecursor }
            }
        }
        #expect(declaredBy(false) > 0 && declaredBy(true) > 0, "lawful and cover precursor loads both occur")
    }
}
