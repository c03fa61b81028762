import CargoModel
import Foundation
import Testing

/// ISO 6346 letter values written out as the standard tables them (multiples of 11 skipped),
/// so the tests do not lean on the model's own arithmetic.
private let iso6346LetterValues: [Character: Int] = [
    "A": 10, "B": 12, "C": 13, "D": 14, "E": 15, "F": 16, "G": 17, "H": 18, "I": 19, "J": 20, "K": 21, "L": 23,
    "M": 24, "N": 25, "O": 26, "P": 27, "Q": 28, "R": 29, "S": 30, "T": 31, "U": 32, "V": 34, "W": 35, "X": 36,
    "Y": 37, "Z": 38,
]

/// Independent reference: weighted sum with weights 2^i, modulo 11, then modulo 10.
private func referenceCheck(_ tenCharacters: String) -> (remainder: Int, digit: Int) {
    var sum = 0
    var weight = 1
    for character in tenCharacters {
        let value = iso6346LetterValues[character] ?? Int(String(character))!
        sum += value * weight
        weight *= 2
    }
    return (sum % 11, sum % 11 % 10)
}

struct ContainerNumberTests {
    /// Owner+category+serial and the check digit worked out by hand from the table above.
    static let knownNumbers: [(String, Int)] = [
        ("CSQU305438", 3),  // the example in ISO 6346 itself
        ("MSKU907032", 3),
        ("TGHU876143", 0),
        ("MAEU123456", 7),
        ("HLXU123456", 1),
        ("TCLU987654", 3),
        ("CMAU400123", 1),
        ("OOLU158880", 6),
        ("APZU461231", 7),
        ("MSCU512345", 2),
        ("TRLJ000123", 9),
        ("ZIMZ123456", 2),
    ]

    @Test(arguments: knownNumbers)
    func checkDigitAgreesWithTheHandComputedISO6346Value(tenCharacters: String, expected: Int) throws {
        #expect(referenceCheck(tenCharacters).digit == expected)
        #expect(ContainerNumber.checkDigit(for: tenCharacters) == expected)

        let chars = Array(tenCharacters)
        let built = try ContainerNumber(
            ownerCode: String(chars[0..<3]), category: chars[3], serial: String(chars[4...]))
        #expect(built.checkDigit == expected)
        #expect(built.compact == tenCharacters + String(expected))

        let parsed = try ContainerNumber(parsing: tenCharacters + String(expected))
        #expect(parsed == built)
    }

    @Test(arguments: knownNumbers)
    func everyOtherCheckDigitIsRejected(tenCharacters: String, expected: Int) {
        for wrong in 0...9 where wrong != expected {
            let error = #expect(throws: ValidationError.self) {
                try ContainerNumber(parsing: tenCharacters + String(wrong))
            }
            #expect(error?.code == "container.checkDigit")
            #expect(error?.message.contains("expected \(expected)") == true)
        }
    }

    @Test(arguments: Array(iso6346LetterValues))
    func letterValueFollowsTheISO6346Table(letter: Character, value: Int) {
        #expect(ContainerNumber.letterValue(letter) == value)
    }

    @Test(arguments: ["a", "0", "9", " ", "-", "É", "Ω", "["] as [Character])
    func letterValueIsNilForAnythingButCapitalASCIILetters(character: Character) {
        #expect(ContainerNumber.letterValue(character) == nil)
    }

    @Test func remainderAgreesWithTheReferenceOverRandomNumbers() {
        var generator = Xorshift64Star(seed: 0x6346)
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        for _ in 0..<2_000 {
            let owner = String((0..<3).map { _ in letters.randomElement(using: &generator)! })
            let category = Array("UJZ").randomElement(using: &generator)!
            let serial = String((0..<6).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            let ten = owner + String(category) + serial
            let reference = referenceCheck(ten)
            #expect(ContainerNumber.checkRemainder(for: ten) == reference.remainder, "\(ten)")
            #expect(ContainerNumber.checkDigit(for: ten) == reference.digit, "\(ten)")
        }
    }

    @Test func remainderTenIsWrittenAsZeroAndStillParses() throws {
        // BIC advises against such serials, but boxes carrying them exist; find one by brute force.
        let found = (0..<1_000_000).lazy
            .map { "MSKU" + String(repeating: "0", count: 6 - String($0).count) + String($0) }
            .first { referenceCheck($0).remainder == 10 }
        let ten = try #require(found)
        #expect(ContainerNumber.checkRemainder(for: ten) == 10)
        #expect(ContainerNumber.checkDigit(for: ten) == 0)
        let parsed = try ContainerNumber(parsing: ten + "0")
        #expect(parsed.checkDigit == 0)
        #expect(parsed.compact == ten + "0")
        #expect(throws: ValidationError.self) { try ContainerNumber(parsing: ten + "1") }
    }

    @Test(arguments: [
        "CSQU3054383", "CSQU 305438 3", "CSQU 305438-3", "CSQU-305438-3", " CSQU 3054 38 3 ", "CSQU305438-3",
        "csqu 305438 3",
    ])
    func parsingIgnoresSpacesAndDashes(text: String) throws {
        let number = try ContainerNumber(parsing: text)
        #expect(number.ownerCode == "CSQ")
        #expect(number.category == "U")
        #expect(number.serial == "305438")
        #expect(number.checkDigit == 3)
    }

    static let rejections: [(input: String, code: String, advice: String)] = [
        ("CSQU305438", "container.length", "11 characters"),
        ("CSQU30543833", "container.length", "11 characters"),
        ("", "container.length", "11 characters"),
        ("CSQU 305438 3 3", "container.length", "11 characters"),
        ("C5QU3054383", "container.owner", "three capital letters"),
        ("ÉSQU3054383", "container.owner", "three capital letters"),
        ("CS.U3054383", "container.owner", "three capital letters"),
        ("CSQX3054383", "container.category", "U (freight container), J or Z"),
        ("CSQ13054383", "container.category", "U (freight container), J or Z"),
        ("CSQU30A4383", "container.serial", "six digits"),
        ("CSQU30543.3", "container.serial", "six digits"),
        ("CSQU3054384", "container.checkDigit", "re-read the number on the door"),
        ("CSQU305438X", "container.checkDigit", "must be the check digit (0-9)"),
    ]

    @Test(arguments: rejections)
    func parsingRejectsWithACodeAndAdvice(input: String, code: String, advice: String) {
        let error = #expect(throws: ValidationError.self) { try ContainerNumber(parsing: input) }
        #expect(error?.code == code)
        #expect(error?.field == "containerNumber")
        #expect(error?.value == input)
        #expect(error?.message.contains(advice) == true, "\(error?.message ?? "")")
    }

    @Test(
        arguments: [
            ("csq", "U", "305438", "container.owner"),
            ("CSQA", "U", "305438", "container.owner"),
            ("CSQ", "u", "305438", "container.category"),
            ("CSQ", "R", "305438", "container.category"),
            ("CSQ", "U", "30543", "container.serial"),
            ("CSQ", "U", "３05438", "container.serial"),
        ] as [(String, Character, String, String)])
    func buildingFromPartsRejectsBadParts(owner: String, category: Character, serial: String, code: String) {
        let error = #expect(throws: ValidationError.self) {
            try ContainerNumber(ownerCode: owner, category: category, serial: serial)
        }
        #expect(error?.code == code)
    }

    @Test(arguments: ["U", "J", "Z"] as [Character])
    func allThreeEquipmentCategoriesAreAccepted(category: Character) throws {
        let number = try ContainerNumber(ownerCode: "ABC", category: category, serial: "000123")
        #expect(try ContainerNumber(parsing: number.compact) == number)
    }

    @Test func descriptionIsPaintedStyleAndCompactIsDocumentStyle() throws {
        let number = try ContainerNumber(parsing: "csqu-305438-3")
        #expect(number.description == "CSQU 305438 3")
        #expect(number.compact == "CSQU3054383")
        #expect(try ContainerNumber(parsing: number.description) == number)
    }

    @Test func codableRoundTripUsesTheCompactString() throws {
        let number = try ContainerNumber(parsing: "MSKU 907032 3")
        let data = try JSONEncoder().encode([number])
        #expect(String(decoding: data, as: UTF8.self) == #"["MSKU9070323"]"#)
        #expect(try JSONDecoder().decode([ContainerNumber].self, from: data) == [number])
    }

    @Test func decodingAWrongCheckDigitFailsWithTheParseMessage() {
        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([ContainerNumber].self, from: Data(#"["MSKU9070324"]"#.utf8))
        }
        #expect(error.flatMap(decodingMessage)?.contains("expected 3") == true)
    }

    @Test func aNonASCIIDigitIsNotACheckDigit() {
        // Character.wholeNumberValue accepts full-width and superscript digits.
        #expect(throws: ValidationError.self) { try ContainerNumber(parsing: "CSQU305438３") }
        #expect(throws: ValidationError.self) { try ContainerNumber(parsing: "CSQU305438³") }
    }
}
