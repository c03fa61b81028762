import CargoModel
import CaseGeneration
import Foundation

/// Writes a spec or a curriculum mix that came from a form (a JSON object) as the YAML an instructor
/// would write by hand, so that `YAMLSpecReader` checks it with the same rules and messages as a file, and
/// `cargosim validate` accepts the downloaded file byte for byte.
///
/// Block style, two-space indents, keys in the order the model declares them (unknown keys last, in the
/// order given, so that the reader names them), strings quoted only where YAML would read them otherwise.
/// Null values and empty objects are left out (an absent key). Deterministic: the same object gives the same
/// text.
public enum YAMLWriter {
    /// The key order of a `CaseSpec` and its parts, as `CaseSpec` declares them.
    public static let specOrder: [String] = [
        "name", "scenario", "vantage", "lastStage", "containerType", "goods", "commodity", "packages", "route",
        "origin", "via", "discharge", "shipper", "consignee", "trustedTrader", "yearsTrading", "freightForwarder",
        "country", "concealment", "kind", "threat", "material", "massKG", "seal", "sealNumber", "redFlags",
        "indicators", "difficulty",
    ]

    /// The key order of a `CurriculumMix`; scenario and vantage weights follow their own enums' order.
    public static let mixOrder: [String] = {
        let head = [
            "name", "count", "prevalence", "cleanWithRedFlags", "irregularWithCleanPapers", "difficultyStart",
            "difficultyEnd", "targetingOnly", "visibilityFloor", "maxBelowFloor", "vantage",
        ]
        let vantages: [String] = Vantage.allCases.map(\.rawValue)
        let scenarios: [String] = Scenario.allCases.map(\.rawValue)
        return head + vantages + ["scenarios"] + scenarios + ["include"]
    }()

    /// The YAML of `object` (a JSON object as the form sent it), keys ordered by `order`.
    public static func yaml(_ object: [String: JSONValue], order: [String]) -> String {
        var out = ""
        writeMapping(object, order: order, indent: 0, continuing: false, into: &out)
        return out
    }

    private static func sortedKeys(_ object: [String: JSONValue], order: [String]) -> [String] {
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return object.keys.sorted { a, b in
            switch (rank[a], rank[b]) {
            case let (x?, y?): return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return a < b
            }
        }
    }

    private static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .object(let members): members.values.allSatisfy(isEmpty)
        case .string(let text): text.trimmingCharacters(in: .whitespaces).isEmpty
        default: false
        }
    }

    /// Writes the members of a mapping; `continuing` when the first goes on a sequence dash's line.
    private static func writeMapping(
        _ object: [String: JSONValue], order: [String], indent: Int, continuing: Bool, into out: inout String
    ) {
        var first = true
        for key in sortedKeys(object, order: order) {
            let value = object[key]!
            if isEmpty(value) { continue }
            if !(first && continuing) { out += String(repeating: " ", count: indent) }
            first = false
            out += scalarText(key) + ":"
            switch value {
            case .object(let members):
                out += "\n"
                writeMapping(members, order: order, indent: indent + 2, continuing: false, into: &out)
            case .array(let items):
                if items.isEmpty {
                    out += " []\n"
                    continue
                }
                out += "\n"
                for item in items {
                    out += String(repeating: " ", count: indent + 2) + "- "
                    if case .object(let members) = item {
                        writeMapping(members, order: order, indent: indent + 4, continuing: true, into: &out)
                    } else {
                        out += scalar(item) + "\n"
                    }
                }
            default:
                out += " " + scalar(value) + "\n"
            }
        }
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number):
            number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
        case .string(let text): scalarText(text.trimmingCharacters(in: .whitespaces))
        case .array, .object: "[]"  // not reached: handled by writeMapping
        }
    }

    /// A string as a plain scalar when YAML reads it back as the same string, else double-quoted.
    static func scalarText(_ text: String) -> String {
        let reserved: Set<String> = [
            "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n",
        ]
        let plain =
            !text.isEmpty && !reserved.contains(text.lowercased())
            && text.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) || " ._/-()'".unicodeScalars.contains($0)
            }
            && text.first.map { $0.isLetter } == true && !text.hasSuffix(" ") && !text.contains("  ")
        if plain { return text }
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            default:
                if scalar.value < 0x20 {
                    escaped += String(format: "\\x%02X", scalar.value)
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped + "\""
    }
}
