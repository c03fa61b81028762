/// An ISO 6346 container identification number: owner code, equipment category, serial and
/// check digit, e.g. `CSQU 305438 3`.
///
/// The check digit is computed as ISO 6346 prescribes: letters take the values A=10 … Z=38
/// skipping multiples of 11, each of the ten characters is weighted by 2^position, and the
/// check digit is the sum modulo 11, with a remainder of 10 written as 0. BIC advises owners
/// not to issue serials whose remainder is 10; `generate` avoids them, `parsing` accepts them.
public struct ContainerNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Three capital letters registered with the BIC (e.g. `MSK`).
    public let ownerCode: String
    /// `U` freight container, `J` detachable related equipment, `Z` trailer or chassis.
    public let category: Character
    /// Six digits.
    public let serial: String
    /// 0–9.
    public let checkDigit: Int

    /// Builds a number from its parts and computes the check digit.
    public init(ownerCode: String, category: Character = "U", serial: String) throws(ValidationError) {
        try Self.validateParts(
            ownerCode: ownerCode, category: category, serial: serial, whole: ownerCode + String(category) + serial)
        self.ownerCode = ownerCode
        self.category = category
        self.serial = serial
        self.checkDigit = Self.checkDigit(for: ownerCode + String(category) + serial)
    }

    /// Parses `MSKU1234565`, `MSKU 123456 5` or `MSKU 123456-5`; the check digit must agree.
    public init(parsing text: String) throws(ValidationError) {
        let compact = String(text.filter { $0 != " " && $0 != "-" }).uppercased()
        guard compact.count == 11 else {
            throw ValidationError(
                code: "container.length", field: "containerNumber", value: text,
                message: "Write 4 letters, 6 digits and the check digit (11 characters), e.g. CSQU3054383.")
        }
        let chars = Array(compact)
        let owner = String(chars[0..<3])
        let serial = String(chars[4..<10])
        try Self.validateParts(ownerCode: owner, category: chars[3], serial: serial, whole: text)
        guard chars[10].isASCII, let given = chars[10].wholeNumberValue else {
            throw ValidationError(
                code: "container.checkDigit", field: "containerNumber", value: text,
                message: "The last character must be the check digit (0-9).")
        }
        let expected = Self.checkDigit(for: String(chars[0..<10]))
        guard given == expected else {
            throw ValidationError(
                code: "container.checkDigit", field: "containerNumber", value: text,
                message:
                    "Check digit \(given) does not match ISO 6346 (expected \(expected)); re-read the number on the door."
            )
        }
        self.ownerCode = owner
        self.category = chars[3]
        self.serial = serial
        self.checkDigit = given
    }

    private static func validateParts(ownerCode: String, category: Character, serial: String, whole: String)
        throws(ValidationError)
    {
        guard ownerCode.count == 3, ownerCode.allSatisfy({ $0.isASCII && $0.isUppercase && $0.isLetter }) else {
            throw ValidationError(
                code: "container.owner", field: "containerNumber", value: whole,
                message: "The owner code must be three capital letters (A-Z), as registered with the BIC.")
        }
        guard "UJZ".contains(category) else {
            throw ValidationError(
                code: "container.category", field: "containerNumber", value: whole,
                message: "The fourth character must be U (freight container), J or Z.")
        }
        guard serial.count == 6, serial.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ValidationError(
                code: "container.serial", field: "containerNumber", value: whole,
                message: "The serial number must be six digits.")
        }
    }

    /// The ISO 6346 letter value: A=10, B=12 … skipping 11, 22, 33.
    public static func letterValue(_ letter: Character) -> Int? {
        guard let ascii = letter.asciiValue, ascii >= 65, ascii <= 90 else { return nil }
        var value = 10
        for _ in 65..<Int(ascii) {
            value += 1
            if value % 11 == 0 { value += 1 }
        }
        return value
    }

    /// The check digit of the first ten characters (owner, category, serial); remainder 10 → 0.
    public static func checkDigit(for tenCharacters: String) -> Int {
        checkRemainder(for: tenCharacters) % 10
    }

    /// The weighted sum modulo 11 (0–10) before the remainder-10 convention is applied.
    public static func checkRemainder(for tenCharacters: String) -> Int {
        var sum = 0
        for (position, character) in tenCharacters.enumerated() {
            let value = character.wholeNumberValue ?? letterValue(character) ?? 0
            sum += value << position
        }
        return sum % 11
    }

    /// `MSKU 123456 5`, the way it is painted on the door.
    public var description: String { "\(ownerCode)\(category) \(serial) \(checkDigit)" }

    /// `MSKU1234565`, the way documents carry it.
    public var compact: String { "\(ownerCode)\(category)\(serial)\(checkDigit)" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try ContainerNumber(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(compact)
    }
}
