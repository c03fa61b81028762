import Foundation

/// The translation tables of `Assets/i18n/` (`en.json`, `es.json`, `pt.json`, optionally `fr.json`):
/// flat maps from a key (`indicator.vgmMismatch`) to a text with `{parameter}` placeholders.
public struct Localizer: Sendable {
    public private(set) var tables: [String: [String: String]]
    /// Languages with a table, sorted.
    public var languages: [String] { tables.keys.sorted() }

    public init(tables: [String: [String: String]]) { self.tables = tables }

    /// Loads every `<lang>.json` in `directory`.
    public init(directory: URL) throws {
        var tables: [String: [String: String]] = [:]
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".json") {
            let url = directory.appendingPathComponent(file)
            do {
                tables[String(file.dropLast(5))] = try JSONDecoder().decode(
                    [String: String].self, from: Data(contentsOf: url))
            } catch {
                throw BundleError(
                    code: "i18n.read", file: url.path,
                    message:
                        "Cannot read this translation table as a JSON object of strings: \(error.localizedDescription). Fix the file or restore it from git."
                )
            }
        }
        guard tables["en"] != nil else {
            throw BundleError(
                code: "i18n.missing", file: directory.appendingPathComponent("en.json").path,
                message: "The English table is missing; point --assets at a complete Assets folder.")
        }
        self.tables = tables
    }

    /// The text for `key` in `language` with its placeholders filled; falls back to English,
    /// then to the key itself so that a missing text never hides information.
    public func text(_ key: String, _ language: String, _ parameters: [String: String] = [:]) -> String {
        let lang = String(language.prefix(2))
        let template = tables[lang]?[key] ?? tables["en"]?[key] ?? key
        return Self.fill(template, with: parameters)
    }

    /// Replaces each `{name}` of the template in one pass, so that a value containing braces is
    /// never filled again; unknown placeholders stay as they are.
    static func fill(_ template: String, with parameters: [String: String]) -> String {
        guard !parameters.isEmpty, template.contains("{") else { return template }
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            if let value = parameters[name] { out += value } else { out += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// True when the key exists in English.
    public func has(_ key: String) -> Bool { tables["en"]?[key] != nil }
}
