/// A trusted-trader programme a party belongs to.
public enum TrustedTraderStatus: String, Codable, Sendable, CaseIterable {
    case none
    /// Authorised Economic Operator (WCO SAFE Framework, national AEO programme).
    case aeo
    /// Customs-Trade Partnership Against Terrorism (US CBP).
    case ctpat
}

/// A shipper, consignee or notify party as the documents and the customs record show it.
public struct Party: Hashable, Sendable, Codable {
    public var name: String
    public var city: String
    /// ISO 3166-1 alpha-2 country code.
    public var country: String
    public var trustedTrader: TrustedTraderStatus
    /// Years the party has traded under this name (0 for a new company).
    public var yearsTrading: Int
    /// Shipments customs has on record for this party in the last 12 months.
    public var shipmentsLast12Months: Int
    /// True when the party is a freight forwarder or consolidator rather than the owner of the goods.
    public var isFreightForwarder: Bool

    public init(
        name: String, city: String, country: String, trustedTrader: TrustedTraderStatus = .none,
        yearsTrading: Int, shipmentsLast12Months: Int, isFreightForwarder: Bool = false
    ) {
        self.name = name
        self.city = city
        self.country = country
        self.trustedTrader = trustedTrader
        self.yearsTrading = yearsTrading
        self.shipmentsLast12Months = shipmentsLast12Months
        self.isFreightForwarder = isFreightForwarder
    }
}

/// A port or place named by its UN/LOCODE.
public struct PortRef: Hashable, Sendable, Codable {
    /// Five characters: ISO country code then three letters or digits 2–9 (`PECLL`, `USMIA`).
    public var locode: String
    public var name: String

    public init(locode: String, name: String) {
        self.locode = locode
        self.name = name
    }

    /// The ISO 3166-1 country of the place.
    public var country: String { String(locode.prefix(2)) }

    /// True for a well-formed UN/LOCODE (it need not be in any catalogue).
    public static func isValidLocode(_ code: String) -> Bool {
        let chars = Array(code)
        return chars.count == 5 && chars[0..<2].allSatisfy { $0.isASCII && $0.isUppercase && $0.isLetter }
            && chars[2..<5].allSatisfy { $0.isASCII && (($0.isUppercase && $0.isLetter) || ("2"..."9").contains($0)) }
    }
}

/// How goods are packed on a goods line.
public enum PackageKind: String, Codable, Sendable, CaseIterable {
    case cartons, pallets, bags, drums, bales, rolls, crates, coils, units, boxes, bulk, bundles, sacks, cases
    case ibc, reels, pieces
}

/// The dangerous-goods description of a goods line, as the IMDG Code (chapter 5.4) asks the shipper to declare it.
public struct DangerousGoods: Hashable, Sendable, Codable {
    /// `UN` and four digits (`UN1294`).
    public var unNumber: String
    /// The proper shipping name of the Dangerous Goods List, in capitals (`TOLUENE`).
    public var properShippingName: String
    /// Class or division (`3`, `5.1`, `8`).
    public var hazardClass: String
    /// Packing group (`I`, `II`, `III`); nil where the entry has none (vehicles, most class 9 articles).
    public var packingGroup: String?

    public init(unNumber: String, properShippingName: String, hazardClass: String, packingGroup: String?) {
        self.unNumber = unNumber
        self.properShippingName = properShippingName
        self.hazardClass = hazardClass
        self.packingGroup = packingGroup
    }

    /// True for a well-formed UN number (`UN` and four digits).
    public var hasValidUNNumber: Bool {
        let chars = Array(unNumber)
        return chars.count == 6 && unNumber.hasPrefix("UN") && chars[2...].allSatisfy { $0.isASCII && $0.isNumber }
    }
}

/// One line of the bill of lading's goods.
public struct GoodsLine: Hashable, Sendable, Codable {
    /// Six-digit Harmonized System subheading as declared.
    public var hsCode: String
    /// The description as declared.
    public var description: LocalizedText
    public var packageCount: Int
    public var packageKind: PackageKind
    public var grossKG: Int
    public var netKG: Int
    /// Volume in cubic metres, to three decimals.
    public var volumeM3: Double
    /// Shipping marks on the packages.
    public var marks: String
    /// The dangerous-goods description when the goods are dangerous for transport (IMDG Code); nil otherwise.
    public var dangerousGoods: DangerousGoods?
    /// The authorisation the goods travel under when they are controlled (a drug precursor's pre-export
    /// notification reference, INCB PEN Online); nil otherwise.
    public var permit: String?

    public init(
        hsCode: String, description: LocalizedText, packageCount: Int, packageKind: PackageKind,
        grossKG: Int, netKG: Int, volumeM3: Double, marks: String, dangerousGoods: DangerousGoods? = nil,
        permit: String? = nil
    ) {
        self.dangerousGoods = dangerousGoods
        self.permit = permit
        self.hsCode = hsCode
        self.description = description
        self.packageCount = packageCount
        self.packageKind = packageKind
        self.grossKG = grossKG
        self.netKG = netKG
        self.volumeM3 = volumeM3
        self.marks = marks
    }

    public func validate() -> ValidationReport {
        var report = ValidationReport()
        report.check(
            hsCode.count == 6 && hsCode.allSatisfy { $0.isASCII && $0.isNumber }, code: "goods.hsCode",
            field: "hsCode", value: hsCode, "Give the six-digit HS subheading, digits only (e.g. 080390).")
        report.check(
            packageCount > 0, code: "goods.packages", field: "packageCount", value: "\(packageCount)",
            "The number of packages must be at least 1.")
        report.check(
            netKG > 0 && netKG <= grossKG, code: "goods.net", field: "netKG", value: "\(netKG)",
            "Net mass must be positive and not above the gross mass (\(grossKG) kg).")
        report.check(
            volumeM3 > 0, code: "goods.volume", field: "volumeM3", value: "\(volumeM3)",
            "The volume must be positive (m³).")
        if let dg = dangerousGoods {
            report.check(
                dg.hasValidUNNumber, code: "goods.unNumber", field: "dangerousGoods.unNumber", value: dg.unNumber,
                "Give the UN number as UN and four digits (e.g. UN1294).")
        }
        return report
    }
}

/// SOLAS chapter VI regulation 2 methods of obtaining the verified gross mass.
public enum VGMMethod: String, Codable, Sendable, CaseIterable {
    /// Weigh the packed, sealed container.
    case method1
    /// Weigh every package and securing item and add the tare.
    case method2
}

/// The verified gross mass declared by the shipper.
public struct VerifiedGrossMass: Hashable, Sendable, Codable {
    public var method: VGMMethod
    public var kg: Int
    /// The person who signed the VGM for the shipper.
    public var signatory: String
    public var date: CalendarDate

    public init(method: VGMMethod, kg: Int, signatory: String, date: CalendarDate) {
        self.method = method
        self.kg = kg
        self.signatory = signatory
        self.date = date
    }
}

public enum FreightTerms: String, Codable, Sendable, CaseIterable { case prepaid, collect }

/// How the freight was paid, as the forwarder's record shows.
public enum FreightPayment: String, Codable, Sendable, CaseIterable { case account, bankTransfer, cash }

/// A change to the manifest after it was first filed.
public struct ManifestAmendment: Hashable, Sendable, Codable {
    public var field: String
    public var filedAt: Instant
    /// Hours before the vessel's arrival (negative: after arrival).
    public var hoursBeforeArrival: Int

    public init(field: String, filedAt: Instant, hoursBeforeArrival: Int) {
        self.field = field
        self.filedAt = filedAt
        self.hoursBeforeArrival = hoursBeforeArrival
    }
}

/// Whether a bill of lading was issued once the goods were loaded, or when the carrier received them.
public enum BillOfLadingKind: String, Codable, Sendable, CaseIterable {
    /// A "shipped on board" bill: issued on or after the on-board date it records (Hague-Visby Rules art. III(7);
    /// UCP 600 art. 20 for the on-board notation). What an import or transhipment inspection sees.
    case shippedOnBoard
    /// A "received for shipment" bill: issued when the carrier took the container in, before loading; its on-board
    /// date is the planned one. What an export inspection before loading sees.
    case receivedForShipment
}

/// The carrier's reefer instruction on the bill of lading: the set point and fresh-air vent booked, or a
/// non-operating reefer (NOR) carrying dry cargo with its unit switched off.
public struct ReeferInstruction: Hashable, Sendable, Codable {
    /// True for a non-operating reefer: no set point, no power.
    public var nonOperating: Bool
    /// The booked set point (°C); nil when non-operating.
    public var setPointC: Double?
    /// The booked fresh-air exchange (m³/h, 0 = vent closed); nil when non-operating.
    public var ventilationM3h: Int?

    public init(nonOperating: Bool, setPointC: Double?, ventilationM3h: Int?) {
        self.nonOperating = nonOperating
        self.setPointC = setPointC
        self.ventilationM3h = ventilationM3h
    }

    public static let nonOperatingReefer = ReeferInstruction(nonOperating: true, setPointC: nil, ventilationM3h: nil)
}

/// The bill of lading and manifest data of one container (FCL), as filed.
public struct BillOfLading: Hashable, Sendable, Codable {
    public var number: String
    public var kind: BillOfLadingKind?
    public var issued: CalendarDate
    public var shipper: Party
    public var consignee: Party
    public var notifyParty: Party?
    /// The ocean carrier's name and its SCAC.
    public var carrier: String
    public var carrierSCAC: String
    public var vessel: String
    public var voyage: String
    public var placeOfReceipt: PortRef
    public var portOfLoading: PortRef
    public var transhipmentPorts: [PortRef]
    public var portOfDischarge: PortRef
    public var placeOfDelivery: PortRef
    public var onBoard: CalendarDate
    public var estimatedArrival: CalendarDate
    public var freightTerms: FreightTerms
    public var freightPayment: FreightPayment
    /// The container number as written on the document (it may fail its check digit).
    public var containerNumber: String
    /// ISO 6346 size/type code as declared.
    public var containerType: String
    /// The container's tare as the carrier's equipment record gives it (what its door says), kg.
    public var containerTareKG: Int?
    /// Seal numbers as declared.
    public var sealNumbers: [String]
    public var goods: [GoodsLine]
    public var vgm: VerifiedGrossMass
    /// "Shipper's load, stow and count; said to contain": the carrier did not see the goods packed (normal for FCL).
    public var shippersLoadAndCount: Bool
    public var amendments: [ManifestAmendment]
    /// The reefer instruction (refrigerated containers only).
    public var reefer: ReeferInstruction?

    public init(
        number: String, issued: CalendarDate, shipper: Party, consignee: Party, notifyParty: Party?,
        carrier: String, carrierSCAC: String, vessel: String, voyage: String, placeOfReceipt: PortRef,
        portOfLoading: PortRef, transhipmentPorts: [PortRef], portOfDischarge: PortRef,
        placeOfDelivery: PortRef, onBoard: CalendarDate, estimatedArrival: CalendarDate,
        freightTerms: FreightTerms, freightPayment: FreightPayment, containerNumber: String,
        containerType: String, sealNumbers: [String], goods: [GoodsLine], vgm: VerifiedGrossMass,
        shippersLoadAndCount: Bool, amendments: [ManifestAmendment], kind: BillOfLadingKind? = nil,
        reefer: ReeferInstruction? = nil, containerTareKG: Int? = nil
    ) {
        self.number = number
        self.containerTareKG = containerTareKG
        self.kind = kind
        self.reefer = reefer
        self.issued = issued
        self.shipper = shipper
        self.consignee = consignee
        self.notifyParty = notifyParty
        self.carrier = carrier
        self.carrierSCAC = carrierSCAC
        self.vessel = vessel
        self.voyage = voyage
        self.placeOfReceipt = placeOfReceipt
        self.portOfLoading = portOfLoading
        self.transhipmentPorts = transhipmentPorts
        self.portOfDischarge = portOfDischarge
        self.placeOfDelivery = placeOfDelivery
        self.onBoard = onBoard
        self.estimatedArrival = estimatedArrival
        self.freightTerms = freightTerms
        self.freightPayment = freightPayment
        self.containerNumber = containerNumber
        self.containerType = containerType
        self.sealNumbers = sealNumbers
        self.goods = goods
        self.vgm = vgm
        self.shippersLoadAndCount = shippersLoadAndCount
        self.amendments = amendments
    }

    /// Sum of the goods lines' gross mass (kg).
    public var declaredCargoGrossKG: Int { goods.reduce(0) { $0 + $1.grossKG } }
    /// Sum of the goods lines' volume (m³).
    public var declaredVolumeM3: Double { goods.reduce(0) { $0 + $1.volumeM3 } }

    /// Checks each field on its own (codes, numbers, ports); coherence with the container is the generator's job.
    public func validate() -> ValidationReport {
        var report = ValidationReport()
        // An empty goods list is an empty container moving under the carrier's equipment record.
        if goods.isEmpty, let type = ContainerType.named(containerType) {
            let tare = containerTareKG ?? type.tareKG
            report.check(
                abs(vgm.kg - tare) <= tare / 10, code: "manifest.empty", field: "vgm.kg",
                value: "\(vgm.kg)", "An empty container's gross mass is its tare (\(tare) kg).")
        }
        for (i, line) in goods.enumerated() { report.merge(line.validate(), under: "goods[\(i)]") }
        for (field, port) in [
            ("placeOfReceipt", placeOfReceipt), ("portOfLoading", portOfLoading),
            ("portOfDischarge", portOfDischarge), ("placeOfDelivery", placeOfDelivery),
        ] {
            report.check(
                PortRef.isValidLocode(port.locode), code: "port.locode", field: field, value: port.locode,
                "Give a UN/LOCODE: two-letter country code and three letters or digits (e.g. PECLL).")
        }
        for (i, port) in transhipmentPorts.enumerated() {
            report.check(
                PortRef.isValidLocode(port.locode), code: "port.locode", field: "transhipmentPorts[\(i)]",
                value: port.locode, "Give a UN/LOCODE: two-letter country code and three letters or digits.")
        }
        report.check(
            ContainerType.named(containerType) != nil, code: "container.type", field: "containerType",
            value: containerType,
            "Use a known ISO 6346 size/type code: "
                + ContainerType.all.map(\.code).joined(separator: ", ") + ".")
        for (i, seal) in sealNumbers.enumerated() {
            report.check(
                Seal.isValidNumber(seal), code: "seal.number", field: "sealNumbers[\(i)]", value: seal,
                "A seal number is 4 to 15 capital letters (A-Z) and digits.")
        }
        report.check(vgm.kg > 0, code: "vgm.kg", field: "vgm.kg", value: "\(vgm.kg)", "The VGM must be positive (kg).")
        report.check(
            onBoard <= estimatedArrival, code: "manifest.dates", field: "estimatedArrival",
            value: estimatedArrival.description, "The arrival must not be before the on-board date (\(onBoard)).")
        switch kind {
        case .shippedOnBoard?:
            report.check(
                issued >= onBoard, code: "manifest.dates", field: "issued", value: issued.description,
                "A shipped-on-board bill is issued on or after its on-board date (\(onBoard)).")
        case .receivedForShipment?:
            report.check(
                issued <= onBoard, code: "manifest.dates", field: "issued", value: issued.description,
                "A received-for-shipment bill is issued before the planned on-board date (\(onBoard)).")
        case nil: break
        }
        report.check(
            vgm.date <= onBoard, code: "manifest.dates", field: "vgm.date", value: vgm.date.description,
            "The VGM is signed before the container is loaded (on board \(onBoard)).")
        return report
    }
}
