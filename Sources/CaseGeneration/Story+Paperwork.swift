import CargoModel
import Foundation

extension Story {
    /// Goods, container, route, parties, dates and the bill of lading.
    mutating func writePaperwork() throws(GenerationError) {
        try chooseGoodsAndContainer()
        try chooseRoute()
        chooseParties()
        chooseCarrierAndNumbers()
        chooseDates()
        buildBillOfLading()
    }

    // MARK: Goods and container

    private mutating func candidateGoods() -> [Commodity] {
        let dry = index.dryGoods
        func nonEmpty(_ list: [Commodity], else fallback: [Commodity]) -> [Commodity] { list.isEmpty ? fallback : list }
        let drugCover = index.tagged("drug-cover").filter { !$0.liquidBulk }
        switch scenario {
        case .contaminatedExport, .reeferUnitConcealment, .reeferInsulation:
            return nonEmpty(drugCover.filter(\.perishable), else: index.perishables)
        case .firearmsSouthbound, .illicitCigarettes, .precursorChemicals, .radiationSource, .vehicleBehindCargo:
            return nonEmpty(Self.threatGoods(scenario, index: index), else: dry)
        case .radiationNORM: return nonEmpty(index.tagged("norm").filter { !$0.liquidBulk }, else: dry)
        case .reeferNonPerishable: return dry.filter { $0.densityKGPerM3 < 600 }
        case .hsMismatch, .vagueDescription, .emptyDeclaredFull, .fullDeclaredEmpty, .vgmMismatch:
            return dry.filter { !$0.tags.contains("scrap") }
        case .clean, .aeoLowRisk, .harmlessRedFlags, .invalidCheckDigit, .sealNumberDiscrepancy, .nonCompliantSeal:
            if planned.contains(.reeferNonPerishable) { return dry.filter { $0.densityKGPerM3 < 600 } }
            // The goods smugglers hide behind are mostly shipped lawfully: a clean box carries them about as often as
            // an irregular one does (evidence catalogue, `coverGoodsInLawfulTrade`).
            // They sail the same lanes as the concealments that use them (`scenarioPorts`).
            if !drugCover.isEmpty, paperwork.chance(generator.catalog.evidence.coverGoodsInLawfulTrade) {
                lawfulCoverTrade = true
                return drugCover
            }
            // The other threats hide in lawful trade as well, and most of that trade is lawful: furniture and
            // household goods from North America and Europe to West Africa (vehicles), scrap from Latin America to
            // Asia (orphan sources), chemicals and cigarette-cover goods from Asia and Europe to the Americas,
            // hardware from the United States southbound (firearms), chilled fruit and frozen fish in reefers from Latin
            // America (reefer-unit concealments). A clean box sails these lanes with these goods
            // about as often as a concealment does (evidence catalogue, `threatLaneTrade`).
            if paperwork.chance(generator.catalog.evidence.threatLaneTrade) {
                var profiles: [Scenario] = [
                    .illicitCigarettes, .precursorChemicals, .radiationSource, .vehicleBehindCargo, .firearmsSouthbound,
                    .reeferUnitConcealment,
                ]
                // Hardware sails south from ports the high-risk rule flags: not for papers that must look clean.
                if !redFlags && vantage != .export { profiles.removeAll { $0 == .firearmsSouthbound } }
                let profile = paperwork.pick(profiles)
                let goods = Self.threatGoods(profile, index: index)
                if !goods.isEmpty {
                    lawfulProfile = profile
                    // Chilled and frozen cover goods sail the drug lanes (see `scenarioPorts`).
                    if profile == .reeferUnitConcealment { lawfulCoverTrade = true }
                    return goods
                }
            }
            return generator.catalog.commodities.filter { !$0.isControlledPrecursor }
        default:
            // Stone slabs, tiles and fertiliser bags hide drugs too: the goods whose natural radioactivity sets off
            // portals are cover as well, not a sign of a clean box (evidence catalogue, `normGoodsAsCover`).
            // (Not stone slabs: they travel in open-tops and take the floor whole, leaving no room for a concealment.)
            let norm = index.tagged("norm").filter { !$0.liquidBulk && !$0.perishable && $0.material != "stone" }
            if ![.withinLoad, .personsConcealed].contains(scenario), !norm.isEmpty,
                paperwork.chance(generator.catalog.evidence.normGoodsAsCover)
            {
                return norm
            }
            return paperwork.chance(0.6) ? nonEmpty(drugCover, else: dry) : dry + index.perishables
        }
    }

    /// The goods a threat's story carries as cover, which lawful trade ships on the same lanes (empty when the
    /// catalogue has none).
    static func threatGoods(_ scenario: Scenario, index: CatalogIndex) -> [Commodity] {
        let dry = index.dryGoods
        switch scenario {
        case .firearmsSouthbound: return index.tagged("firearm-cover").filter { !$0.liquidBulk }
        case .illicitCigarettes: return index.tagged("cigarette-cover")
        case .precursorChemicals: return dry.filter { $0.material.hasPrefix("chemicals") && !$0.isControlledPrecursor }
        case .radiationSource: return index.tagged("scrap")
        case .reeferUnitConcealment: return index.tagged("drug-cover").filter { $0.perishable && !$0.liquidBulk }
        case .vehicleBehindCargo:
            return dry.filter { ["furniture", "household-goods", "appliances"].contains($0.material) }
        default: return []
        }
    }

    private mutating func chooseGoodsAndContainer() throws(GenerationError) {
        var first: Commodity
        if let pinned = spec.goods?.first, let commodity = index.commodityByID[pinned.commodity] {
            first = commodity
        } else {
            var pool = candidateGoods()
            if planned.contains(.controlledPrecursor) {
                let scheduled = generator.catalog.commodities.filter { $0.isControlledPrecursor && !$0.liquidBulk }
                if !scheduled.isEmpty { pool = scheduled }
            }
            if !redFlags, vantage != .export, !threatHasOwnRoute {
                // Clean papers need an origin that the high-risk-origin rule does not flag.
                let quiet = pool.filter { index.quietlyProduced.contains($0.id) }
                if !quiet.isEmpty { pool = quiet }
            }
            if let code = spec.containerType, let type = ContainerType.named(code) {
                pool = pool.filter { fits($0, in: type) }
            }
            if !redFlags {
                // A scheduled precursor on the papers is a flag of its own.
                let unscheduled = pool.filter { !$0.isControlledPrecursor }
                if !unscheduled.isEmpty { pool = unscheduled }
            }
            if planned.contains(.reeferNonPerishable) {
                // The flag is dry goods in a reefer: no perishable may take their place.
                let dry = pool.filter { !$0.perishable && !$0.liquidBulk }
                if !dry.isEmpty { pool = dry }
            }
            if scenario != .fullDeclaredEmpty {
                // Goods travel from where they are produced to where they are bought.
                let (origins, destinations) = scenarioPorts()
                let keepOrigins = spec.route?.origin != nil, keepDestinations = spec.route?.discharge != nil
                // Clean papers at import or transhipment need a lane that no high-risk rule flags.
                let quietLane = !redFlags && vantage != .export
                // Goods with a short life (cut flowers) need a direct lane they survive: no detour, no transhipment.
                let needsHub =
                    planned.contains(.circuitousRouting) || vantage == .transhipment
                    || planned.contains(.sealNumberMismatch) || sealStory == .changedAtTranshipment
                let sea = index.sea
                let lanes = index.tradeLanes.answers(
                    origins: origins, destinations: destinations, keepOrigins: keepOrigins,
                    keepDestinations: keepDestinations, quiet: quietLane)
                let traded = pool.filter { goods in
                    if let limit = goods.maxTransitDays {
                        if needsHub { return false }
                        let (o, d) = TradeLanes.narrow(
                            origins: origins, destinations: destinations, to: [goods], keepOrigins: keepOrigins,
                            keepDestinations: keepDestinations)
                        let short = o.contains { a in
                            d.contains { b in
                                !a.sameCountry(as: b) && !(quietLane && a.isRisky(towards: b))
                                    && sea.legDays(
                                        from: a.locode, to: b.locode, knots: SeaRoutes.serviceKnots.lowerBound)
                                        < limit
                            }
                        }
                        if !short { return false }
                    }
                    return lanes.exists(for: goods)
                }
                if !traded.isEmpty { pool = traded }
            }
            guard !pool.isEmpty else {
                throw GenerationError(
                    code: "generate.goods", field: "goods",
                    message:
                        "No commodity in the catalogue fits scenario \(scenario.rawValue) and the pinned container; name the goods."
                )
            }
            first = paperwork.pick(pool)
        }
        containerType = spec.containerType.flatMap(ContainerType.named) ?? chooseContainer(for: first)
        box = drawBox(containerType)
        let firstLine = first

        var lines: [Commodity] = [firstLine]
        if let pinned = spec.goods, pinned.count > 1 {
            lines = pinned.compactMap { index.commodityByID[$0.commodity] }
        } else if spec.goods == nil, containerType.family != .tank, firstLine.packageKind != .bulk,
            paperwork.chance(0.25)
        {
            let companions = (firstLine.perishable ? index.perishables : index.dryGoods).filter { other in
                sharesClimate(firstLine, other)
            }.filter {
                $0.id != firstLine.id && fits($0, in: containerType) && !$0.isControlledPrecursor
                    && $0.packageKind != .bulk
                    && $0.packageVolumeM3 < containerType.internalVolumeM3 * 0.1
                    // Consolidated lines are of one trade: the same material or the same HS chapter.
                    && ($0.material == firstLine.material || $0.hsCode.prefix(2) == firstLine.hsCode.prefix(2))
                    && !Set($0.origins).isDisjoint(with: firstLine.origins)
            }
            let (origins, destinations) = scenarioPorts()
            let keepOrigins = spec.route?.origin != nil, keepDestinations = spec.route?.discharge != nil
            let traded = companions.filter {
                TradeLanes.exists(
                    origins: origins, destinations: destinations, for: [firstLine, $0], keepOrigins: keepOrigins,
                    keepDestinations: keepDestinations, quiet: !redFlags && vantage != .export)
            }
            if !traded.isEmpty { lines.append(paperwork.pick(traded)) }
        }
        declared = fill(lines)
        actualCargoKG = declared.reduce(0) { $0 + Int(Double($1.1) * $1.0.packageGrossKG) }
        if scenario == .fullDeclaredEmpty {
            actualGoods = first
            declared = []
        } else if [.clean, .aeoLowRisk, .harmlessRedFlags].contains(scenario), spec.goods == nil,
            [.general, .openTop].contains(containerType.family),
            planned.isDisjoint(with: [
                .vagueDescription, .hsDescriptionMismatch, .implausibleDensity, .reeferNonPerishable,
                .controlledPrecursor, .vgmMismatch,
            ]), paperwork.chance(generator.catalog.evidence.emptyRepositioning)
        {
            // Carriers reposition empty boxes to where exports need them: a declared-empty box is most often just
            // that (about a fifth of the boxes ports handle are empty; UNCTAD Review of Maritime Transport).
            declared = []
            actualCargoKG = 0
            lawfulCoverTrade = false
            lawfulProfile = nil
        }
        switch scenario {
        case .illicitCigarettes:
            actualGoods =
                index.commodityByID["cigarettes"]
                ?? index.commodityByID.values.filter { $0.material == "tobacco" }.sorted { $0.id < $1.id }.first
        case .precursorChemicals:
            let precursors = index.tagged("precursor").filter { !$0.liquidBulk && $0.isControlledPrecursor }
            if !precursors.isEmpty { actualGoods = paperwork.pick(precursors) }
        case .hsMismatch, .vagueDescription:
            let others = index.dryGoods.filter {
                $0.id != first.id && $0.hsCode.prefix(4) != first.hsCode.prefix(4)
                    && fits($0, in: containerType) && !$0.isControlledPrecursor && !$0.tags.contains("scrap")
            }
            if !others.isEmpty { actualGoods = paperwork.pick(others) }
        default: break
        }
    }

    /// One reefer, one climate: no frozen goods beside chilled ones, and chilled ones only where their temperatures
    /// overlap; dry goods ride with dry goods.
    private func sharesClimate(_ a: Commodity, _ b: Commodity) -> Bool {
        switch (a.reefer, b.reefer) {
        case let (x?, y?): x.isCompatible(with: y)
        case (nil, nil): true
        default: false
        }
    }

    /// Scenarios whose route is chosen by the threat, not by where the goods grow.
    private var threatHasOwnRoute: Bool {
        threat == .drugs
            || [.firearmsSouthbound, .illicitCigarettes, .precursorChemicals, .radiationSource].contains(scenario)
    }

    /// True when one package fits the container: family (tank, reefer), mass, volume and length (a 6 m pipe does not
    /// go into a 20-footer's 5.9 m).
    func fits(_ commodity: Commodity, in type: ContainerType) -> Bool {
        if commodity.liquidBulk != (type.family == .tank) { return false }
        if commodity.perishable && type.family != .reefer { return false }
        if let length = commodity.packageLengthMM, length > type.internalLengthMM - 30 { return false }
        return commodity.packageGrossKG < Double(type.maxPayloadKG) && commodity.packageVolumeM3 < type.internalVolumeM3
    }

    private mutating func chooseContainer(for commodity: Commodity) -> ContainerType {
        let chosen = drawContainer(for: commodity)
        if fits(commodity, in: chosen) { return chosen }
        // Long goods need a longer box of the same family (pipes of 6 m, bars of 11.8 m go in forty-footers).
        let longer = ContainerType.all.filter { fits(commodity, in: $0) }.sorted {
            $0.internalLengthMM < $1.internalLengthMM
        }
        return longer.first { $0.family == chosen.family } ?? longer.first { $0.family == .general } ?? chosen
    }

    private mutating func drawContainer(for commodity: Commodity) -> ContainerType {
        func type(_ code: String) -> ContainerType { ContainerType.named(code)! }
        if commodity.liquidBulk { return type("22T1") }
        let reeferWanted =
            commodity.perishable || planned.contains(.reeferNonPerishable)
            || [.reeferUnitConcealment, .reeferInsulation, .reeferNonPerishable].contains(scenario)
        if reeferWanted { return paperwork.chance(0.75) ? type("45R1") : type("22R1") }
        if (lawfulProfile ?? scenario) == .vehicleBehindCargo {
            return paperwork.chance(0.6) ? type("45G1") : type("42G1")
        }
        let heavy = commodity.densityKGPerM3 >= 650
        if heavy {
            let openTopFits =
                ["machinery", "stone", "scrap-metal", "steel"].contains(commodity.material)
                && scenario != .roofCompartment
            return openTopFits && paperwork.chance(0.3) ? type("22U1") : type("22G1")
        }
        return paperwork.weighted([
            (type("45G1"), 0.55), (type("42G1"), 0.25), (type("L5G1"), 0.1), (type("22G1"), 0.1),
        ])!
    }

    /// Package counts that fill the container plausibly: by volume for light goods, by
    /// payload for dense ones, with broken-stowage and weight margins.
    private mutating func fill(_ lines: [Commodity]) -> [(Commodity, Int)] {
        let shares: [Double] =
            lines.count == 1 ? [1] : [0.6] + Array(repeating: 0.4 / Double(lines.count - 1), count: lines.count - 1)
        let payload = Double(box.payloadKG)
        let volume = containerType.internalVolumeM3
        // Harder cases are packed fuller (more clutter to see through).
        let fullness = Double(difficultyTarget - 1) / 4
        // Shippers keep a margin under the box's payload (and under the road limits of the hinterland).
        let weightFill = paperwork.double(in: 0.68...0.78) + 0.12 * fullness
        let stowage = paperwork.double(in: 0.62...0.74) + 0.18 * fullness
        var result: [(Commodity, Int)] = []
        for (i, commodity) in lines.enumerated() {
            if let pinned = spec.goods?.first(where: { $0.commodity == commodity.id })?.packages {
                result.append((commodity, pinned))
                continue
            }
            if commodity.liquidBulk {
                result.append((commodity, 1))
                continue
            }
            let byWeight = payload * weightFill * shares[i] / commodity.packageGrossKG
            let byVolume = volume * stowage * shares[i] / commodity.packageVolumeM3
            result.append((commodity, max(1, Int(min(byWeight, byVolume)))))
        }
        // Never more than the box takes: trim the line with most packages until mass and volume fit
        // (with room for the ±2 % spread of declared figures).
        func total(_ key: (Commodity) -> Double) -> Double { result.reduce(0) { $0 + Double($1.1) * key($1.0) } }
        while result.contains(where: { $0.1 > 1 }),
            total(\.packageGrossKG) > payload * 0.92 || total(\.packageVolumeM3) > volume * 0.97
        {
            let i = result.indices.max { result[$0].1 < result[$1].1 }!
            result[i].1 -= max(1, result[i].1 / 50)
        }
        return result
    }

    // MARK: Route

    private func isRisky(_ port: PortInfo, towards destination: PortInfo?) -> Bool {
        port.isRisky(towards: destination)
    }

    /// The ports a scenario's story sails from and to, before the goods have their say; pinned ports win.
    private func scenarioPorts() -> (origins: [PortInfo], destinations: [PortInfo]) {
        let seaports = index.seaports
        var origins: [PortInfo]
        var destinations: [PortInfo]
        switch lawfulProfile ?? scenario {
        case .firearmsSouthbound:
            origins = seaports.filter { $0.country == "US" }
            destinations = seaports.filter { latinRegions.contains($0.region) }
        case .illicitCigarettes, .precursorChemicals:
            origins = seaports.filter {
                ["eastAsia", "southeastAsia", "southAsia", "europe", "middleEast"].contains($0.region)
            }
            destinations = seaports.filter { latinRegions.contains($0.region) || $0.region == "northAmerica" }
        case .radiationSource:
            origins = seaports.filter { latinRegions.contains($0.region) || $0.region == "westAfrica" }
            destinations = seaports.filter { ["eastAsia", "southAsia", "southeastAsia"].contains($0.region) }
        case .vehicleBehindCargo:
            // Stolen vehicles leave North America and Europe for West Africa, the Middle East and Latin America.
            origins = seaports.filter { ["northAmerica", "europe"].contains($0.region) }
            destinations = seaports.filter {
                ["westAfrica", "middleEast"].contains($0.region) || latinRegions.contains($0.region)
            }
        default:
            if threat == .drugs || lawfulCoverTrade {
                origins = seaports.filter { latinRegions.contains($0.region) }
                if scenario == .contaminatedExport {
                    origins = origins.filter { $0.riskTags.contains("cocaine-source") }
                }
                destinations = seaports.filter {
                    ["europe", "mediterranean", "northAmerica", "westAfrica"].contains($0.region)
                }
            } else {
                origins = seaports
                destinations = seaports
            }
        }
        if let pinned = spec.route?.origin, let port = index.portByLocode[pinned] { origins = [port] }
        if let pinned = spec.route?.discharge, let port = index.portByLocode[pinned] { destinations = [port] }
        return (origins, destinations)
    }

    /// The scenario's ports narrowed to the trade of `goods` (see `TradeLanes`).
    func tradePorts(for goods: [Commodity]) -> (origins: [PortInfo], destinations: [PortInfo]) {
        let (origins, destinations) = scenarioPorts()
        return TradeLanes.narrow(
            origins: origins, destinations: destinations, to: goods, keepOrigins: spec.route?.origin != nil,
            keepDestinations: spec.route?.discharge != nil)
    }

    private mutating func chooseRoute() throws(GenerationError) {
        do {
            try chooseRoute(for: declared.map(\.0))
        } catch {
            // A second line can close lanes the first has (a shorter life, fewer producers): ship the first alone.
            guard declared.count > 1, spec.goods == nil else { throw error }
            declared = fill([declared[0].0])
            actualCargoKG = declared.reduce(0) { $0 + Int(Double($1.1) * $1.0.packageGrossKG) }
            try chooseRoute(for: declared.map(\.0))
        }
    }

    private mutating func chooseRoute(for goods: [Commodity]) throws(GenerationError) {
        let (origins, destinations) = tradePorts(for: goods)
        let wantsRisk = planned.contains(.highRiskOrigin)
        let mustAvoidRisk = !redFlags && vantage != .export
        let wantsVia =
            vantage == .transhipment || planned.contains(.sealNumberMismatch) || sealStory == .changedAtTranshipment
        let circuitous = planned.contains(.circuitousRouting)
        let shortLived = goods.compactMap(\.maxTransitDays).min()
        let wantsRiskyTransit = planned.contains(.highRiskOrigin) && vantage != .export && paperwork.chance(0.5)
        let viaCount =
            circuitous
            ? paperwork.int(in: 1...2)
            : (wantsVia || wantsRiskyTransit ? 1 : (paperwork.chance(0.35) && shortLived == nil ? 1 : 0))
        let sea = index.sea

        for _ in 0..<120 {
            guard !origins.isEmpty, !destinations.isEmpty else { break }
            let o = paperwork.pick(origins)
            let d = paperwork.pick(destinations)
            if o.sameCountry(as: d) { continue }
            var hubs: [PortInfo] = []
            if let pinned = spec.route?.via {
                hubs = pinned.compactMap { index.portByLocode[$0] }
            } else if viaCount > 0 {
                guard let direct = sea.nauticalMiles(from: o.locode, to: d.locode), direct > 0 else { continue }
                var pool = index.hubs.filter {
                    $0.locode != o.locode && $0.locode != d.locode && !$0.sameCountry(as: d)
                }
                // Clean papers sail through quiet hubs; a high-risk transit asked for goes through a risky one.
                if mustAvoidRisk { pool = pool.filter { !$0.isRisky(towards: d) } }
                if wantsRisk, vantage != .export, !o.isRisky(towards: d) {
                    let risky = pool.filter { $0.isRisky(towards: d) }
                    if !risky.isEmpty { pool = risky }
                }
                guard !pool.isEmpty else { continue }
                if circuitous {
                    // A detour the trade lane does not need: the voyage is more than `circuitousRatio` times the
                    // direct sea distance (and not absurdly so: at most three times).
                    var detour: [PortInfo]?
                    for _ in 0..<40 {
                        let candidate = paperwork.sample(pool, count: viaCount)
                        let ratio = (sea.routeMiles(([o] + candidate + [d]).map(\.locode)) ?? 0) / direct
                        if ratio > IndicatorDetector.circuitousRatio + 0.05 && ratio <= 3 {
                            detour = candidate
                            break
                        }
                    }
                    guard let detour else { continue }
                    hubs = detour
                } else {
                    // A transhipment on the way: the voyage at most 30 % longer than sailing direct.
                    let onTheWay = pool.filter {
                        (sea.routeMiles([o.locode, $0.locode, d.locode]) ?? .infinity) <= direct * 1.3
                    }
                    guard !onTheWay.isEmpty else { continue }
                    hubs = [paperwork.pick(onTheWay)]
                }
            }
            if let limit = shortLived {
                // Short-lived goods (cut flowers) sail only lanes they survive, at the fastest service speed.
                let stops = [o] + hubs + [d]
                let days = zip(stops, stops.dropFirst()).reduce(4 * hubs.count) {
                    $0 + sea.legDays(from: $1.0.locode, to: $1.1.locode, knots: SeaRoutes.serviceKnots.lowerBound) + 1
                }
                if days > limit { continue }
            }
            let route = [o] + hubs
            let risky = route.contains { isRisky($0, towards: d) }
            if mustAvoidRisk && risky { continue }
            if wantsRisk && !risky { continue }
            origin = o
            via = hubs
            discharge = d
            inspectionPort =
                switch vantage {
                case .export: o
                case .import: d
                case .transhipment: hubs.first ?? d
                }
            if vantage == .transhipment && hubs.isEmpty { continue }
            if wantsRisk && vantage != .export {
                explanations[.highRiskOrigin] =
                    hubs.contains { isRisky($0, towards: d) } ? "hubTranshipment" : "seasonalExporter"
            }
            if planned.contains(.circuitousRouting) { explanations[.circuitousRouting] = "carrierNetworkRouting" }
            return
        }
        throw GenerationError(
            code: "generate.route", field: "route",
            message: "No route in the catalogue fits scenario \(scenario.rawValue) with "
                + (mustAvoidRisk ? "clean papers" : "the red flags asked for")
                + "; pin route.origin and route.discharge, or allow red flags.")
    }

    // MARK: Parties

    /// A company name as the country writes it: a core (half the time one of the party's trade, when the style has
    /// one), sometimes an activity word, and one of the country's legal forms. A forwarder's name carries a
    /// forwarding word; an importer's never an exporter's.
    private mutating func companyName(country: String, role: String, trade: String) -> String {
        guard let style = generator.catalog.nameStyle(for: country) else {
            return "Trading Company \(paperwork.int(in: 10...99))"
        }
        let cores = style.companyCores.filter {
            $0.fits(trade: trade, role: role) || ($0.roles.isEmpty && $0.trades.isEmpty)
        }
        let ofTheTrade = cores.filter { !$0.trades.isEmpty }
        let generic = cores.filter { $0.trades.isEmpty }
        let corePool = !ofTheTrade.isEmpty && (generic.isEmpty || paperwork.chance(0.5)) ? ofTheTrade : generic
        let core = corePool.isEmpty ? "Comercial" : paperwork.pick(corePool).name
        let activities = style.companyActivities.filter { $0.fits(trade: trade, role: role) }
            .filter { !core.localizedLowercase.contains($0.name.localizedLowercase) }
        var activity: String?
        if role == "forwarder" {
            activity =
                activities.filter { $0.roles.contains("forwarder") }.first?.name
                ?? (core.localizedLowercase.contains("log") ? nil : "Logistics")
        } else if !activities.isEmpty, paperwork.chance(0.4) {
            activity = paperwork.pick(activities).name
        }
        let forms = style.legalForms[country] ?? []
        let form = forms.isEmpty ? nil : paperwork.pick(forms)
        return [core, activity, form].compactMap { $0 }.joined(separator: " ")
    }

    /// A customs broker's firm as the country names it (`Agencia de Aduanas Quispe S.A.C.`).
    private mutating func brokerName(country: String) -> String {
        guard let style = generator.catalog.nameStyle(for: country), !style.brokerNames.isEmpty else {
            return "Customs Brokers"
        }
        let family = paperwork.pick(style.familyNames)
        let pattern = paperwork.pick(style.brokerNames)
        let forms = style.legalForms[country] ?? []
        let name = pattern.replacing("{name}", with: family)
        return forms.isEmpty ? name : name + " " + paperwork.pick(forms)
    }

    mutating func personName(country: String) -> String {
        guard let style = generator.catalog.nameStyle(for: country) else { return "J. Smith" }
        return paperwork.pick(style.givenNames) + " " + paperwork.pick(style.familyNames)
    }

    private mutating func city(country: String, fallback: String) -> String {
        guard let list = generator.catalog.nameStyle(for: country)?.cities[country], !list.isEmpty else {
            return fallback
        }
        return paperwork.pick(list)
    }

    /// The trade the parties are in: that of the declared goods (of what is really in the box when nothing is).
    private var tradeOfGoods: String { (declared.first?.0 ?? actualGoods)?.trade ?? "general" }

    private mutating func chooseParties() {
        var trusted: TrustedTraderStatus = .none
        var shipperYears = paperwork.int(in: 2...35)
        var shipperShipments = paperwork.int(in: 4...220)
        switch scenario {
        case .aeoLowRisk:
            trusted = origin.country == "US" ? .ctpat : .aeo
            shipperYears = paperwork.int(in: 10...45)
            shipperShipments = paperwork.int(in: 60...400)
        case .contaminatedExport, .ripOnRipOff, .withinLoad, .reeferUnitConcealment:
            // Door-end concealments, loads contaminated at packing and reefer units opened at the terminal use a
            // legitimate exporter's box: trusted traders are a favourite target.
            let rate = generator.catalog.evidence.trustedShipper?.irregular ?? 0.45
            if paperwork.chance(rate) { trusted = origin.country == "US" ? .ctpat : .aeo }
        default:
            let rate = generator.catalog.evidence.trustedShipper?.clean ?? 0.15
            if paperwork.chance(rate) { trusted = origin.country == "US" ? .ctpat : .aeo }
        }
        if planned.contains(.newShipper) {
            shipperYears = 0
            shipperShipments = 0
            explanations[.newShipper] = "newExporterVerified"
        }
        shipper = Party(
            name: spec.shipper?.name
                ?? companyName(country: spec.shipper?.country ?? origin.country, role: "shipper", trade: tradeOfGoods),
            city: city(country: spec.shipper?.country ?? origin.country, fallback: origin.name),
            country: spec.shipper?.country ?? origin.country,
            trustedTrader: spec.shipper?.trustedTrader ?? trusted,
            yearsTrading: spec.shipper?.yearsTrading ?? shipperYears,
            shipmentsLast12Months: spec.shipper?.yearsTrading == 0 ? 0 : shipperShipments,
            isFreightForwarder: spec.shipper?.freightForwarder ?? false)

        let forwarder = spec.consignee?.freightForwarder ?? planned.contains(.forwarderAsConsignee)
        let isNew = planned.contains(.newConsignee) || spec.consignee?.yearsTrading == 0
        if planned.contains(.newConsignee) { explanations[.newConsignee] = "newBusinessVerified" }
        if planned.contains(.forwarderAsConsignee) { explanations[.forwarderAsConsignee] = "forwarderConsolidation" }
        let consigneeCountry = spec.consignee?.country ?? discharge.country
        consignee = Party(
            name: spec.consignee?.name
                ?? companyName(
                    country: consigneeCountry, role: forwarder ? "forwarder" : "consignee", trade: tradeOfGoods),
            city: city(country: consigneeCountry, fallback: discharge.name),
            country: consigneeCountry,
            trustedTrader: spec.consignee?.trustedTrader
                ?? (paperwork.chance(scenario == .aeoLowRisk ? 0.5 : generator.catalog.evidence.trustedConsignee)
                    ? .aeo : .none),
            yearsTrading: isNew ? 0 : (spec.consignee?.yearsTrading ?? paperwork.int(in: 1...40)),
            shipmentsLast12Months: isNew ? 0 : paperwork.int(in: 1...150),
            isFreightForwarder: forwarder)
        if paperwork.chance(0.4) {
            notifyParty = Party(
                name: brokerName(country: consigneeCountry), city: consignee.city, country: consigneeCountry,
                yearsTrading: paperwork.int(in: 3...30), shipmentsLast12Months: paperwork.int(in: 200...3000),
                isFreightForwarder: false)
        }
    }

    // MARK: Carrier, numbers, dates

    private mutating func chooseCarrierAndNumbers() {
        let carriers = index.carriers
        let serving = carriers.filter { $0.regions.contains(origin.region) && $0.regions.contains(discharge.region) }
        carrier = paperwork.pick(serving.isEmpty ? carriers : serving)
        let prefix = paperwork.pick(carrier.ownerPrefixes)
        let owner = String(prefix.prefix(3))
        var serialText = ""
        repeat {
            serialText = String(paperwork.int(in: 0...999_999)).leftPadded(to: 6)
        } while ContainerNumber.checkRemainder(for: owner + "U" + serialText) == 10
        container = try! ContainerNumber(ownerCode: owner, category: "U", serial: serialText)
        declaredContainerNumber = container.compact
        if planned.contains(.invalidCheckDigit) {
            // A transcription slip: two neighbouring serial digits swapped, or the check digit mistyped.
            var chars = Array(container.compact)
            for _ in 0..<20 {
                var candidate = chars
                let i = paperwork.int(in: 4...8)
                candidate.swapAt(i, i + 1)
                if paperwork.chance(0.3) {
                    candidate[10] = Character(String((container.checkDigit + paperwork.int(in: 1...9)) % 10))
                }
                if (try? ContainerNumber(parsing: String(candidate))) == nil {
                    chars = candidate
                    break
                }
            }
            if (try? ContainerNumber(parsing: String(chars))) != nil {
                chars[10] = Character(String((container.checkDigit + 1) % 10))
            }
            declaredContainerNumber = String(chars)
        }
    }

    private mutating func chooseDates() {
        inspectionDate = generator.referenceDate.adding(days: paperwork.int(in: -150...150))
        let legs: [String] = [origin.locode] + via.map(\.locode) + [discharge.locode]
        var legDays: [Int] = []
        for (a, b) in zip(legs, legs.dropFirst()) {
            let knots = paperwork.double(in: SeaRoutes.serviceKnots)
            legDays.append(index.sea.legDays(from: a, to: b, knots: knots) + paperwork.int(in: 0...1))
        }
        let dwell = via.map { _ in paperwork.int(in: 1...4) }
        switch vantage {
        case .export:
            onBoard = inspectionDate.adding(days: paperwork.int(in: 1...3))
        case .import:
            let total = legDays.reduce(0, +) + dwell.reduce(0, +)
            onBoard = inspectionDate.adding(days: -paperwork.int(in: 1...3) - total)
        case .transhipment:
            onBoard = inspectionDate.adding(days: -paperwork.int(in: 0...2) - legDays[0])
        }
        var day = onBoard
        viaArrivals = []
        for (i, _) in via.enumerated() {
            day = day.adding(days: legDays[i])
            viaArrivals.append(day)
            day = day.adding(days: dwell[i])
        }
        arrival = day.adding(days: legDays.last ?? 10)
        stuffingDate = onBoard.adding(days: -paperwork.int(in: 2...6))
        if vantage == .export { stuffingDate = inspectionDate.adding(days: -paperwork.int(in: 0...2)) }
    }

    // MARK: Bill of lading

    private mutating func buildBillOfLading() {
        var lines: [GoodsLine] = []
        let consigneeInitials = String(consignee.name.split(separator: " ").compactMap(\.first).prefix(3)).uppercased()
        for (i, (commodity, packages)) in declared.enumerated() {
            let gross = max(
                1,
                Int(
                    (Double(packages) * commodity.packageGrossKG * (1 + paperwork.normal(mean: 0, deviation: 0.012)))
                        .rounded()))
            let volume =
                (Double(packages) * commodity.packageVolumeM3 * (1 + paperwork.normal(mean: 0, deviation: 0.015)) * 1000)
                .rounded() / 1000
            var description = commodity.description
            var hsCode = commodity.hsCode
            if i == 0, planned.contains(.vagueDescription), !generator.catalog.vagueDescriptions.isEmpty {
                description = paperwork.pick(generator.catalog.vagueDescriptions)
                explanations[.vagueDescription] = "consolidatedHouseBills"
            }
            var volumeKeyed = volume
            if i == 0, planned.contains(.implausibleDensity) {
                // The shipper's estimate of the volume, or a figure keyed in the wrong unit.
                let over = volume * 2.3 < containerType.internalVolumeM3 * 0.95 && paperwork.chance(0.5)
                volumeKeyed = (volume * (over ? 2.3 : 0.45) * 1000).rounded() / 1000
                explanations[.implausibleDensity] = "volumeKeyingError"
            }
            if i == 0, planned.contains(.hsDescriptionMismatch), let actual = actualGoods {
                hsCode = actual.hsCode
            } else if i == 0, planned.contains(.hsDescriptionMismatch) {
                let others = index.dryGoods.filter { $0.hsCode.prefix(2) != commodity.hsCode.prefix(2) }
                hsCode = others.isEmpty ? hsCode : paperwork.pick(others).hsCode
                explanations[.hsDescriptionMismatch] = "hsCodeKeyingError"
            }
            lines.append(
                GoodsLine(
                    hsCode: hsCode, description: description, packageCount: packages,
                    packageKind: commodity.packageKind,
                    grossKG: gross, netKG: max(1, Int((Double(gross) * commodity.netRatio).rounded())),
                    volumeM3: max(0.001, volumeKeyed),
                    marks:
                        "\(consigneeInitials.isEmpty ? "N/M" : consigneeInitials)/\(discharge.name.uppercased())/1-\(packages)",
                    dangerousGoods: commodity.dangerousGoods,
                    // A scheduled precursor travels under a pre-export notification the importing country has seen
                    // (INCB PEN Online; 1988 Convention art. 12(10)).
                    permit: commodity.isControlledPrecursor
                        ? "\(origin.country)-PEN-\(onBoard.components.year)-\(String(paperwork.int(in: 1...99_999)).leftPadded(to: 5))"
                        : nil
                ))
        }
        let declaredCargo = lines.reduce(0) { $0 + $1.grossKG }
        switch scenario {
        case .vgmMismatch:
            // Undeclared goods beside the declared: as much as the box still takes under its maximum gross.
            let room = box.payloadKG - declaredCargo - 50
            actualCargoKG = declaredCargo + min(room, Int(Double(declaredCargo) * paperwork.double(in: 0.09...0.22)))
        case .emptyDeclaredFull: actualCargoKG = paperwork.int(in: 150...600)
        case .fullDeclaredEmpty:
            let goods = actualGoods ?? index.dryGoods[0]
            actualCargoKG = Int(
                min(
                    Double(box.payloadKG) * 0.7,
                    containerType.internalVolumeM3 * 0.7 * goods.densityKGPerM3))
        default: actualCargoKG = declaredCargo
        }
        // About half of shippers weigh the packed box (Method 1); the VGM itself is set once the load is known
        // (`weighContainer`). A front company that hides mass in its own load sums its papers instead (Method 2) when
        // its papers must look clean; the vgmMismatch story is told by a weighed VGM.
        var method: VGMMethod = paperwork.chance(0.55) ? .method1 : .method2
        if scenario == .vgmMismatch { method = .method1 }
        // Whoever declares a loaded box empty does not weigh it: the VGM is the tare, signed as a Method 2 figure.
        if scenario == .fullDeclaredEmpty { method = .method2 }
        // Weighing and summing errors within the ±5 % most states tolerate: scales, wet pallets, dunnage and lashing a
        // Method 2 sum leaves out (MSC.1/Circ.1475; WSC/ICHCA VGM guidance).
        vgmError = paperwork.double(in: -0.03...0.042)
        vgmErrorKG = paperwork.int(in: -40...40)
        var payment: FreightPayment = paperwork.chance(0.6) ? .account : .bankTransfer
        if planned.contains(.cashFreightPayment) {
            payment = .cash
            explanations[.cashFreightPayment] = "smallForwarderCashAccount"
        }
        var amendments: [ManifestAmendment] = []
        let arrivalInstant = Instant(date: arrival, hour: 6)
        let inspectionInstant = Instant(date: inspectionDate, hour: 7)
        if planned.contains(.lateAmendment) {
            // Only an import inspection follows the arrival; the story draws it only there.
            let hours = paperwork.int(in: 2...20)
            amendments.append(
                ManifestAmendment(
                    field: paperwork.pick(["consignee", "goods[0].description", "notifyParty"]),
                    filedAt: arrivalInstant.adding(minutes: -hours * 60), hoursBeforeArrival: hours))
            explanations[.lateAmendment] = "typoCorrectedByAmendment"
        } else if paperwork.chance(0.15) {
            let hours = paperwork.int(in: 72...400)
            let filed = arrivalInstant.adding(minutes: -hours * 60)
            // An amendment on file before the officer looks at the documents, never after.
            if filed < inspectionInstant {
                amendments.append(
                    ManifestAmendment(
                        field: paperwork.pick(["notifyParty", "marks"]), filedAt: filed,
                        hoursBeforeArrival: hours))
            }
        }
        if planned.contains(.reeferNonPerishable), !irregular {
            explanations[.reeferNonPerishable] = "nonOperatingReefer"
        }
        if !irregular, declared.contains(where: { $0.0.isControlledPrecursor }) {
            explanations[.controlledPrecursor] = "precursorAuthorised"
        }
        var reefer: ReeferInstruction?
        if containerType.family == .reefer {
            let regimes = declared.compactMap(\.0.reefer)
            // A non-operating reefer (NOR) repositioned with dry goods: common practice, and a cover as well.
            let nonOperating =
                !irregular || (scenario != .reeferNonPerishable && paperwork.chance(0.5))
            if planned.contains(.reeferNonPerishable) && nonOperating && regimes.isEmpty {
                reefer = .nonOperatingReefer
            } else if let first = regimes.first {
                // The booked set point: the first line's, within what every line tolerates; the least fresh air.
                let low = regimes.map(\.lowestC).max()!, high = regimes.map(\.highestC).min()!
                reefer = ReeferInstruction(
                    nonOperating: false, setPointC: min(high, max(low, first.setPointC)),
                    ventilationM3h: regimes.map(\.ventilationM3h).min())
            } else {
                // Dry goods in a running reefer: someone pays for a temperature the goods do not need.
                reefer = ReeferInstruction(
                    nonOperating: false, setPointC: paperwork.pick([5, 13, 15]), ventilationM3h: 0)
            }
        }
        // The bill's date: at export the carrier issues a received-for-shipment bill when the box gates in (the day
        // of the inspection); once loaded, a shipped-on-board bill on the on-board date or the day after.
        let billOfLadingIssued =
            vantage == .export ? inspectionDate : min(onBoard.adding(days: paperwork.int(in: 0...1)), inspectionDate)
        let receipt = origin.reference
        let delivery = discharge.reference
        billOfLading = BillOfLading(
            number: carrier.scac + String(paperwork.int(in: 100_000_000...999_999_999)),
            issued: billOfLadingIssued, shipper: shipper, consignee: consignee,
            notifyParty: notifyParty,
            carrier: carrier.name, carrierSCAC: carrier.scac, vessel: paperwork.pick(carrier.vessels),
            voyage: String(paperwork.int(in: 100...999)) + voyageDirection(), placeOfReceipt: receipt,
            portOfLoading: origin.reference, transhipmentPorts: via.map(\.reference),
            portOfDischarge: discharge.reference,
            placeOfDelivery: delivery, onBoard: onBoard, estimatedArrival: arrival,
            freightTerms: paperwork.chance(0.7) ? .prepaid : .collect, freightPayment: payment,
            containerNumber: declaredContainerNumber, containerType: containerType.code, sealNumbers: [],
            goods: lines,
            vgm: VerifiedGrossMass(
                method: method, kg: 0, signatory: personName(country: shipper.country),
                date: stuffingDate),
            shippersLoadAndCount: true, amendments: amendments,
            kind: vantage == .export ? .receivedForShipment : .shippedOnBoard, reefer: reefer,
            containerTareKG: box.tareKG)
    }

    /// The bound of the voyage as carriers suffix it to the voyage number: the larger of the moves north-south and
    /// east-west (longitude taken the short way round).
    private func voyageDirection() -> String {
        let dLat = discharge.latitude - origin.latitude
        var dLon = discharge.longitude - origin.longitude
        if dLon > 180 { dLon -= 360 }
        if dLon < -180 { dLon += 360 }
        return abs(dLat) > abs(dLon) ? (dLat > 0 ? "N" : "S") : (dLon > 0 ? "E" : "W")
    }
}

extension PortInfo {
    /// True when both ports are in one country (compares the LOCODEs' first two letters without allocating).
    func sameCountry(as other: PortInfo) -> Bool { locode.utf8.prefix(2).elementsEqual(other.locode.utf8.prefix(2)) }

    /// True when a shipment from or through this port to `destination` sets off the
    /// high-risk-origin rule (the same test `IndicatorDetector` applies).
    func isRisky(towards destination: PortInfo?) -> Bool {
        if riskTags.isEmpty { return false }
        if riskTags.contains("freezone") { return true }
        if riskTags.contains("cocaine-source"), destination.map({ !sameCountry(as: $0) }) ?? true { return true }
        if riskTags.contains("firearms-source"), latinRegions.contains(destination?.region ?? "") { return true }
        return false
    }
}

extension Commodity {
    /// A drug precursor scheduled in Table I or II of the 1988 UN Convention (the INCB Red List), as opposed to a
    /// chemical product that can serve as its cover.
    var isControlledPrecursor: Bool { precursorTable != nil }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// Trade lanes: goods are loaded in a country that produces them and discharged in a region that imports them, in a
/// country that does not produce them (bananas do not sail into banana country). With several goods lines, the
/// loading country produces all of them and the market buys all of them. Ports an instructor pinned are kept.
enum TradeLanes {
    static func narrow(
        origins: [PortInfo], destinations: [PortInfo], to goods: [Commodity], keepOrigins: Bool, keepDestinations: Bool
    ) -> (origins: [PortInfo], destinations: [PortInfo]) {
        guard let first = goods.first else { return (origins, destinations) }
        var everyProducer = Set(first.origins)
        var anyProducer = Set(first.origins)
        for other in goods.dropFirst() {
            everyProducer.formIntersection(other.origins)
            anyProducer.formUnion(other.origins)
        }
        let loading = keepOrigins ? origins : origins.filter { everyProducer.contains($0.country) }
        var discharge: [PortInfo] = destinations
        if !keepDestinations {
            discharge = []
            for port in destinations where !anyProducer.contains(port.country) {
                var bought = true
                for line in goods where !line.markets.isEmpty && !line.markets.contains(port.region) {
                    bought = false
                    break
                }
                if bought { discharge.append(port) }
            }
        }
        return (loading, discharge)
    }

    /// True when the goods have a producing port and a market in another country.
    static func exists(
        origins: [PortInfo], destinations: [PortInfo], for goods: [Commodity], keepOrigins: Bool,
        keepDestinations: Bool, quiet: Bool = false
    ) -> Bool {
        let (loading, discharge) = narrow(
            origins: origins, destinations: destinations, to: goods, keepOrigins: keepOrigins,
            keepDestinations: keepDestinations)
        for o in loading {
            for d in discharge where !o.sameCountry(as: d) && !(quiet && o.isRisky(towards: d)) { return true }
        }
        return false
    }
}

/// `TradeLanes.exists` for each commodity of the catalogue on one set of ports, worked out once per generator.
///
/// A case's goods are drawn from the whole catalogue, and whether a commodity has a lane depends only on the
/// scenario's ports and the flags, of which a course has a few dozen combinations. Asking `TradeLanes.exists` per
/// commodity per case narrowed a hundred ports for each of a hundred commodities: most of the time of drawing a
/// case's paperwork. The answers are the same, so output does not change. Thread-safe: parallel generation shares it.
final class TradeLaneMemo: @unchecked Sendable {
    /// Whether each commodity (by id) has a lane on one set of ports.
    struct Answers: Sendable {
        fileprivate let byCommodity: [String: Bool]
        /// Asks `TradeLanes.exists` for goods that are not in the catalogue.
        fileprivate let otherwise: @Sendable (Commodity) -> Bool
        func exists(for goods: Commodity) -> Bool { byCommodity[goods.id] ?? otherwise(goods) }
    }

    private struct Lanes: Hashable {
        let origins: [String]
        let destinations: [String]
        let keepOrigins: Bool
        let keepDestinations: Bool
        let quiet: Bool
    }

    private let commodities: [Commodity]
    private let lock = NSLock()
    private var answered: [Lanes: Answers] = [:]

    init(commodities: [Commodity]) { self.commodities = commodities }

    /// The answers for these ports and flags (computed on first request: one `TradeLanes.exists` per commodity).
    func answers(
        origins: [PortInfo], destinations: [PortInfo], keepOrigins: Bool, keepDestinations: Bool, quiet: Bool
    ) -> Answers {
        let key = Lanes(
            origins: origins.map(\.locode), destinations: destinations.map(\.locode), keepOrigins: keepOrigins,
            keepDestinations: keepDestinations, quiet: quiet)
        if let known = lock.withLock({ answered[key] }) { return known }
        let ask: @Sendable (Commodity) -> Bool = { goods in
            TradeLanes.exists(
                origins: origins, destinations: destinations, for: [goods], keepOrigins: keepOrigins,
                keepDestinations: keepDestinations, quiet: quiet)
        }
        var byCommodity: [String: Bool] = [:]
        for goods in commodities { byCommodity[goods.id] = ask(goods) }
        let answers = Answers(byCommodity: byCommodity, otherwise: ask)
        lock.withLock { answered[key] = answers }
        return answers
    }
}
