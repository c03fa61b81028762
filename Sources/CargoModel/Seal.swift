/// ISO 17712 security classes of mechanical seals.
public enum SealClass: String, Codable, Sendable, CaseIterable {
    /// Indicative: shows tampering but offers little resistance (plastic strip, label).
    case indicative = "I"
    /// Security: resists entry for a short time.
    case security = "S"
    /// High security: needs bolt cutters or a cable cutter to remove; required by CBP (C-TPAT) for US imports.
    case highSecurity = "H"
}

/// The physical kind of a seal.
public enum SealKind: String, Codable, Sendable, CaseIterable {
    /// A steel bolt and a locking bush (barrel), each marked with the same number.
    case bolt
    /// A steel cable through the locking bars, with a locking body.
    case cable
    /// A bar across both doors' locking handles.
    case barrier
    /// A plastic or metal strip seal.
    case indicative
}

/// A seal as issued: number, class, kind, maker and the markings on its parts.
public struct Seal: Hashable, Sendable, Codable {
    /// The unique number printed on the seal: 4 to 15 capital letters and digits.
    public var number: String
    public var securityClass: SealClass
    public var kind: SealKind
    /// The maker's identifier in the seal-maker catalogue.
    public var maker: String

    public init(number: String, securityClass: SealClass, kind: SealKind, maker: String) {
        self.number = number
        self.securityClass = securityClass
        self.kind = kind
        self.maker = maker
    }

    /// Checks the number's characters and that the class suits the kind.
    public func validate() -> ValidationReport {
        var report = ValidationReport()
        report.check(
            Seal.isValidNumber(number), code: "seal.number", field: "number", value: number,
            "A seal number is 4 to 15 capital letters (A-Z) and digits, with no spaces or punctuation.")
        report.check(
            !(kind == .indicative && securityClass != .indicative), code: "seal.class", field: "securityClass",
            value: securityClass.rawValue, "An indicative strip seal can only be class I.")
        return report
    }

    public static func isValidNumber(_ number: String) -> Bool {
        (4...15).contains(number.count)
            && number.allSatisfy { $0.isASCII && ($0.isNumber || ($0.isLetter && $0.isUppercase)) }
    }
}

/// What happened to the seal at one moment of the journey.
public enum SealEvent: String, Codable, Sendable, CaseIterable {
    /// Affixed after stuffing, by the shipper or the packer.
    case affixed
    /// Read and checked at a terminal gate or on loading.
    case verified
    /// Cut off (by customs or the carrier).
    case removed
    /// A new seal put on after an inspection or a damaged seal.
    case replaced
}

/// Who handled the seal.
public enum SealActor: String, Codable, Sendable, CaseIterable {
    case shipper, packer, terminal, carrier, customs, trucker
}

/// The result of a VVTT check: View, Verify, Tug, Twist and turn.
public struct VVTTCheck: Hashable, Sendable, Codable {
    /// Seal and locking hardware look undamaged (no tool marks, glue, paint, mismatched parts).
    public var view: Bool
    /// The number read agrees with the documents and the seal log.
    public var verify: Bool
    /// Pulling on the seal does not open it.
    public var tug: Bool
    /// Twisting and turning shows no loose or re-seated parts.
    public var twist: Bool

    public init(view: Bool, verify: Bool, tug: Bool, twist: Bool) {
        self.view = view
        self.verify = verify
        self.tug = tug
        self.twist = twist
    }

    public static let passed = VVTTCheck(view: true, verify: true, tug: true, twist: true)

    public var allPassed: Bool { view && verify && tug && twist }
}

/// One line of the seal log, from stuffing to the inspection.
public struct SealLogEntry: Hashable, Sendable, Codable {
    public var event: SealEvent
    public var actor: SealActor
    /// UN/LOCODE of the place.
    public var place: String
    public var time: Instant
    /// The number as it was read (or written) at that moment.
    public var numberRead: String
    /// The VVTT result as recorded; nil when only the number was written down.
    public var check: VVTTCheck?
    /// The person or organisation's reference (gate clerk badge, packer name).
    public var recordedBy: String

    public init(
        event: SealEvent, actor: SealActor, place: String, time: Instant, numberRead: String,
        check: VVTTCheck?, recordedBy: String
    ) {
        self.event = event
        self.actor = actor
        self.place = place
        self.time = time
        self.numberRead = numberRead
        self.check = check
        self.recordedBy = recordedBy
    }
}
