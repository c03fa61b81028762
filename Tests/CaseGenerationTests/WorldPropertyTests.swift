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
