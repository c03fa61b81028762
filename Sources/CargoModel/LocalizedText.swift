/// A text in the languages CargoSim ships: English, Spanish and Portuguese (French optional).
public struct LocalizedText: Hashable, Sendable, Codable {
    public var en: String
    public var es: String
    public var pt: String
    public var fr: String?

    public init(en: String, es: String, pt: String, fr: String? = nil) {
        self.en = en
        self.es = es
        self.pt = pt
        self.fr = fr
    }

    /// The same text in every language (a brand name, a number).
    public init(invariant text: String) { self.init(en: text, es: text, pt: text) }

    /// The text in `language` (`en`, `es`, `pt`, `fr`), falling back to English.
    public func text(in language: String) -> String {
        switch language.prefix(2) {
        case "es": es
        case "pt": pt
        case "fr": fr ?? en
        default: en
        }
    }
}
