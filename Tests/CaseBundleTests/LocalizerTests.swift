import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Testing

/// The checkout's translation tables (this file is `Tests/CaseBundleTests/LocalizerTests.swift`).
private let i18nFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Assets/i18n", isDirectory: true)

/// The languages CargoSim ships; every one must translate every key.
private let shippedLanguages = ["en", "es", "pt"]

/// The `{placeholder}` names of a text.
private func placeholders(_ text: String) -> Set<String> {
    Set(text.matches(of: #/\{([A-Za-z][A-Za-z0-9]*)\}/#).map { String($0.output.1) })
}

/// An i18n key prefix and the raw values of the enum whose cases it names.
struct EnumKeys: Sendable, CustomTestStringConvertible {
    var prefix: String
    var values: [String]
    /// Key suffixes each case needs besides the bare key (`.help` for indicators).
    var suffixes: [String] = [""]

    init<E: CaseIterable & RawRepresentable>(_ prefix: String, _ type: E.Type, suffixes: [String] = [""])
    where E.RawValue == String {
        self.prefix = prefix
        self.values = type.allCases.map(\.rawValue)
        self.suffixes = suffixes
    }

    var keys: [String] { values.flatMap { value in suffixes.map { prefix + "." + value + $0 } } }
    var testDescription: String { prefix + ".*" }
}

@Suite("Localizer")
struct LocalizerTests {
    let localizer: Localizer

    init() throws { localizer = try Localizer(directory: i18nFolder) }

    /// Every enum whose cases a person reads, with the prefix of its keys.
    static let enumsShownToUsers: [EnumKeys] = [
        EnumKeys("stage", Stage.self),
        EnumKeys("vantage", Vantage.self),
        EnumKeys("disposition", Disposition.self),
        EnumKeys("agency", Agency.self),
        EnumKeys("sealFinding", SealFinding.self),
        EnumKeys("evidenceStep", EvidenceStep.self),
        EnumKeys("point", ExaminationPoint.self),
        EnumKeys("threat", ThreatCategory.self),
        EnumKeys("anomaly", AnomalyKind.self),
        EnumKeys("zone", ContainerZone.self),
        EnumKeys("sealClass", SealClass.self),
        EnumKeys("sealKind", SealKind.self),
        EnumKeys("sealEvent", SealEvent.self),
        EnumKeys("sealActor", SealActor.self),
        EnumKeys("package", PackageKind.self),
        EnumKeys("freightTerms", FreightTerms.self),
        EnumKeys("freightPayment", FreightPayment.self),
        EnumKeys("trustedTrader", TrustedTraderStatus.self),
        EnumKeys("vgmMethod", VGMMethod.self),
        EnumKeys("billOfLadingKind", BillOfLadingKind.self),
        EnumKeys("containerFamily", ContainerType.Family.self),
        EnumKeys("discrepancy", DiscrepancyCode.self),
        EnumKeys("difficultyFactor", DifficultyFactorCode.self),
        EnumKeys("scenario", Scenario.self),
        EnumKeys("sealStory", SealStory.self),
        EnumKeys("indicator", RiskIndicator.self, suffixes: ["", ".help"]),
        EnumKeys("observation", ObservationCode.self),
        EnumKeys("rationale", RationaleCode.self),
        EnumKeys("clock", ClockSource.self),
        EnumKeys("mode", AttemptMode.self),
    ]

    @Test func theShippedLanguagesAreLoaded() {
        #expect(Set(shippedLanguages).isSubset(of: Set(localizer.languages)), "\(localizer.languages)")
    }

    @Test(arguments: shippedLanguages.filter { $0 != "en" })
    func everyKeyExistsInEveryLanguageWithTheSamePlaceholders(_ language: String) throws {
        let english = try #require(localizer.tables["en"])
        let table = try #require(localizer.tables[language], "no \(language).json")
        let missing = Set(english.keys).subtracting(table.keys).sorted()
        let extra = Set(table.keys).subtracting(english.keys).sorted()
        #expect(missing == [], "keys of en.json missing from \(language).json")
        #expect(extra == [], "keys of \(language).json that en.json lacks")
        for (key, text) in english.sorted(by: { $0.key < $1.key }) {
            guard let translated = table[key] else { continue }
            #expect(
                placeholders(translated) == placeholders(text), "\(language): \(key) has other placeholders than en")
        }
    }

    @Test(arguments: shippedLanguages)
    func noTextIsEmptyOrLeftAsItsKey(_ language: String) throws {
        let table = try #require(localizer.tables[language])
        let blank = table.filter { $0.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }.keys.sorted()
        let asKey = table.filter { $0.value == $0.key }.keys.sorted()
        #expect(blank == [], "\(language): empty texts")
        #expect(asKey == [], "\(language): texts that are their own key")
    }

    @Test(arguments: enumsShownToUsers)
    func everyCaseOfAnEnumShownToUsersHasItsKeyInEveryLanguage(_ entry: EnumKeys) throws {
        #expect(!entry.values.isEmpty)
        for language in shippedLanguages {
            let table = try #require(localizer.tables[language])
            let missing = entry.keys.filter { table[$0] == nil }
            #expect(missing == [], "\(language).json lacks keys")
        }
    }

    @Test func everyKeyRendersWithNoPlaceholderLeftWhenGivenItsParameters() {
        for language in shippedLanguages {
            for (key, text) in (localizer.tables[language] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let parameters = Dictionary(uniqueKeysWithValues: placeholders(text).map { ($0, "<\($0)>") })
                let rendered = localizer.text(key, language, parameters)
                #expect(placeholders(rendered).isEmpty, "\(language) \(key): \(rendered)")
                for name in parameters.keys {
                    #expect(rendered.contains("<\(name)>"), "\(language) \(key) drops {\(name)}")
                }
            }
        }
    }

    // MARK: Look-up rules, on tables made for the purpose

    let tables = Localizer(tables: [
        "en": ["greeting": "Hello {name}", "only.en": "English only", "count": "{n} cases, {n} keys"],
        "es": ["greeting": "Hola {name}"],
    ])

    @Test func aKeyIsLookedUpInTheAskedLanguage() {
        #expect(tables.text("greeting", "es", ["name": "Ana"]) == "Hola Ana")
        #expect(tables.text("greeting", "en", ["name": "Ana"]) == "Hello Ana")
    }

    @Test func aRegionalLanguageTagUsesItsLanguage() {
        #expect(tables.text("greeting", "es-MX", ["name": "Ana"]) == "Hola Ana")
        #expect(tables.text("greeting", "es_AR.UTF-8", ["name": "Ana"]) == "Hola Ana")
    }

    @Test func aKeyMissingInTheLanguageFallsBackToEnglish() {
        #expect(tables.text("only.en", "es") == "English only")
    }

    @Test func aLanguageWithoutATableFallsBackToEnglish() {
        #expect(tables.text("greeting", "fr", ["name": "Ana"]) == "Hello Ana")
    }

    @Test func aKeyMissingEverywhereIsShownAsTheKey() {
        #expect(tables.text("label.nowhere", "es") == "label.nowhere")
        #expect(!tables.has("label.nowhere"))
        #expect(tables.has("only.en"))
    }

    @Test func everyOccurrenceOfAParameterIsFilled() {
        #expect(tables.text("count", "en", ["n": "3"]) == "3 cases, 3 keys")
    }

    @Test func parametersTheTextDoesNotUseAreIgnored() {
        #expect(tables.text("greeting", "en", ["name": "Ana", "unused": "x"]) == "Hello Ana")
    }

    @Test func aValueIsInsertedAsItIsEvenWhenItLooksLikeAPlaceholder() {
        let localizer = Localizer(tables: ["en": ["pair": "{a} and {b}"]])
        #expect(localizer.text("pair", "en", ["a": "{b}", "b": "{a}"]) == "{b} and {a}")
    }

    @Test func loadingAFolderWithoutEnglishFailsNamingTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cargosim-i18n-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(#"{"greeting": "Hola"}"#.utf8).write(to: folder.appendingPathComponent("es.json"))
        let noEnglish = #expect(throws: BundleError.self) { try Localizer(directory: folder) }
        #expect(noEnglish?.file?.hasSuffix("en.json") == true, "\(String(describing: noEnglish))")
        try Data("[1, 2]".utf8).write(to: folder.appendingPathComponent("en.json"))
        let unreadable = #expect(throws: BundleError.self) { try Localizer(directory: folder) }
        #expect(unreadable?.file?.hasSuffix("en.json") == true, "\(String(describing: unreadable))")
    }
}
