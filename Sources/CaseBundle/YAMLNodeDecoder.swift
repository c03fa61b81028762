import CargoModel
import Foundation
import Yams

/// A value in a YAML document that does not fit the type it decodes into: where it is and what to do.
struct YAMLDecodeFailure: Error {
    var code: String
    var path: [YAMLPathComponent]
    var mark: YAMLPosition?
    var value: String?
    var message: String
}

/// A mapping key that no decoded type asked for (a typo such as `scenaro:`).
struct YAMLUnknownKey {
    /// Path of the mapping that holds the key.
    var parent: [YAMLPathComponent]
    var key: String
    var mark: YAMLPosition?
    /// The keys the type reads at that place, for a suggestion.
    var known: [String]
}

/// Decodes `Decodable` values straight from a Yams `Node`, so that every error keeps the node's mark.
///
/// Differences from `YAMLDecoder`, on purpose:
/// - Every mapping key must be read by the type: keys nobody asked for are returned as unknown keys
///   (found by recording, per mapping, the keys the type's `init(from:)` looked up).
/// - String enums (`CaseIterable` with `String` raw values) and dictionaries keyed by them are checked
///   here, so that an unknown value names the allowed ones and the closest match.
/// - Scalars decode by their text, not by YAML 1.1 type guessing: `country: NO` is the text "NO";
///   a number must be written plainly (`12`, `0.25`), not quoted; booleans are `true` and `false`.
struct YAMLNodeDecoder {
    func decode<T: Decodable>(_ type: T.Type, from node: Node) throws -> (value: T, unknownKeys: [YAMLUnknownKey]) {
        let ledger = YAMLKeyLedger()
        let decoder = YAMLNodeDecoderImpl(node: node, path: [], codingPath: [], ledger: ledger)
        let value = try decoder.unbox(T.self, node: node, path: [], codingPath: [])
        return (value, ledger.unknownKeys())
    }
}

/// The keys each decoded mapping was asked for, by path.
final class YAMLKeyLedger {
    private var entries: [[YAMLPathComponent]: (mapping: Node.Mapping, known: [String])] = [:]
    private var order: [[YAMLPathComponent]] = []

    func register(_ path: [YAMLPathComponent], mapping: Node.Mapping) {
        if entries[path] == nil {
            entries[path] = (mapping, [])
            order.append(path)
        }
    }

    func note(_ key: String, at path: [YAMLPathComponent]) {
        guard var entry = entries[path] else { return }
        if !entry.known.contains(key) {
            entry.known.append(key)
            entries[path] = entry
        }
    }

    func unknownKeys() -> [YAMLUnknownKey] {
        var unknown: [YAMLUnknownKey] = []
        for path in order {
            guard let (mapping, known) = entries[path] else { continue }
            for (key, _) in mapping {
                guard let name = key.scalar?.string, !known.contains(name) else { continue }
                unknown.append(YAMLUnknownKey(parent: path, key: name, mark: key.position, known: known))
            }
        }
        return unknown
    }
}

/// A coding key for a list position.
struct YAMLIndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

/// Dictionaries keyed by a string enum (`[Scenario: Double]`): their keys are checked against the cases.
protocol YAMLEnumKeyedDictionary {
    static var allowedKeyNames: [String] { get }
    static var keyTypeName: String { get }
}

extension Dictionary: YAMLEnumKeyedDictionary where Key: CaseIterable & RawRepresentable, Key.RawValue == String {
    static var allowedKeyNames: [String] { Key.allCases.map(\.rawValue) }
    static var keyTypeName: String { String(describing: Key.self) }
}

/// The raw values of a string enum, or nil when `type` is not one.
func stringEnumRawValues<T>(_ type: T.Type) -> [String]? {
    guard let caseIterable = type as? any CaseIterable.Type else { return nil }
    return rawStrings(of: caseIterable)
}

private func rawStrings<C: CaseIterable>(of type: C.Type) -> [String]? {
    var names: [String] = []
    for value in C.allCases {
        guard let raw = value as? any RawRepresentable, let name = raw.rawValue as? String else { return nil }
        names.append(name)
    }
    return names
}

/// `RiskIndicator` → "risk indicator", for messages.
func humanTypeName(_ name: String) -> String {
    var out = ""
    for (i, character) in name.enumerated() {
        if character.isUppercase, i > 0 { out += " " }
        out += character.lowercased()
    }
    return out
}

/// What a node is, in the words of a message ("a list", "a mapping", "the text \"x\"").
func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let scalar):
        if isNull(scalar) { return "nothing" }
        return "\"\(BundleError.displayValue(scalar.string))\""
    case .mapping: return "a mapping (keys with values)"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
}

func isNull(_ scalar: Node.Scalar) -> Bool {
    guard scalar.style == .plain || scalar.style == .any else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
}

private func isQuoted(_ scalar: Node.Scalar) -> Bool {
    scalar.style == .singleQuoted || scalar.style == .doubleQuoted || scalar.style == .literal
        || scalar.style == .folded
}

final class YAMLNodeDecoderImpl: Decoder {
    let node: Node
    let path: [YAMLPathComponent]
    let codingPath: [any CodingKey]
    let ledger: YAMLKeyLedger
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(node: Node, path: [YAMLPathComponent], codingPath: [any CodingKey], ledger: YAMLKeyLedger) {
        self.node = node
        self.path = path
        self.codingPath = codingPath
        self.ledger = ledger
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let mapping) = node else {
            throw failure(
                code: "spec.type", node: node, path: path,
                "Expected a mapping (indented `key: value` lines); found \(describe(node)).")
        }
        return KeyedDecodingContainer(try YAMLKeyedContainer<Key>(decoder: self, mapping: mapping))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let sequence) = node else {
            throw failure(
                code: "spec.type", node: node, path: path,
                "Expected a list (lines starting with `- `, or `[a, b]`); found \(describe(node)).")
        }
        return YAMLUnkeyedContainer(decoder: self, items: Array(sequence))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        YAMLSingleValueContainer(decoder: self)
    }

    func failure(code: String, node: Node, path: [YAMLPathComponent], _ message: String) -> YAMLDecodeFailure {
        let value: String? = if case .scalar(let scalar) = node, !isNull(scalar) { scalar.string } else { nil }
        return YAMLDecodeFailure(code: code, path: path, mark: node.position, value: value, message: message)
    }

    /// Decodes `T` from `node`: scalars by their text, string enums and enum-keyed maps checked, anything
    /// else through `T.init(from:)` over a child decoder.
    func unbox<T: Decodable>(
        _ type: T.Type, node: Node, path: [YAMLPathComponent],
        codingPath: [any CodingKey]
    ) throws -> T {
        if T.self == String.self { return try text(node, path: path) as! T }
        if T.self == Bool.self { return try bool(node, path: path) as! T }
        if T.self == Double.self { return try number(node, path: path) as! T }
        if T.self == Float.self {
            let value = try number(node, path: path)
            guard abs(value) <= Double(Float.greatestFiniteMagnitude) else {
                throw failure(code: "spec.type", node: node, path: path, "Expected a number of ordinary size.")
            }
            return Float(value) as! T
        }
        if let integer = T.self as? any FixedWidthInteger.Type {
            return try wholeNumber(integer, node: node, path: path) as! T
        }
        if let allowed = stringEnumRawValues(T.self) {
            let word = try text(node, path: path, what: "one of the \(humanTypeName(String(describing: T.self))) names")
            if !allowed.contains(word) {
                throw unknownName(word, of: String(describing: T.self), allowed: allowed, node: node, path: path)
            }
        }
        if let dictionary = T.self as? any YAMLEnumKeyedDictionary.Type, case .mapping(let mapping) = node {
            let allowed = dictionary.allowedKeyNames
            for (key, _) in mapping {
                guard let word = key.scalar?.string else { continue }  // the keyed container reports it
                if !allowed.contains(word) {
                    throw unknownName(
                        word, of: dictionary.keyTypeName, allowed: allowed, node: key,
                        path: path + [.key(word)])
                }
            }
        }
        let child = YAMLNodeDecoderImpl(node: node, path: path, codingPath: codingPath, ledger: ledger)
        return try T(from: child)
    }

    private func unknownName(
        _ word: String, of typeName: String, allowed: [String], node: Node,
        path: [YAMLPathComponent]
    ) -> YAMLDecodeFailure {
        let near = closestMatch(to: word, in: allowed)
        var message = "Unknown \(humanTypeName(typeName)) \"\(BundleError.displayValue(word))\""
        message += near.map { "; did you mean \($0)? Use" } ?? "; use"
        message += " one of: " + allowed.joined(separator: ", ") + "."
        var error = failure(code: "spec.unknownValue", node: node, path: path, message)
        error.value = word
        return error
    }

    private func scalar(_ node: Node, path: [YAMLPathComponent], what: String) throws -> Node.Scalar {
        guard case .scalar(let scalar) = node, !isNull(scalar) else {
            throw failure(code: "spec.type", node: node, path: path, "Expected \(what); found \(describe(node)).")
        }
        return scalar
    }

    func text(_ node: Node, path: [YAMLPathComponent], what: String = "text") throws -> String {
        try scalar(node, path: path, what: what).string
    }

    private func bool(_ node: Node, path: [YAMLPathComponent]) throws -> Bool {
        let scalar = try scalar(node, path: path, what: "true or false")
        if !isQuoted(scalar) {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        throw failure(
            code: "spec.type", node: node, path: path,
            "Expected true or false (without quotes); found \(describe(node)).")
    }

    private func number(_ node: Node, path: [YAMLPathComponent]) throws -> Double {
        let scalar = try scalar(node, path: path, what: "a number (e.g. 0.25)")
        let text = scalar.string.replacingOccurrences(of: "_", with: "")
        guard !isQuoted(scalar), Self.looksDecimal(text), let value = Double(text) else {
            throw failure(
                code: "spec.type", node: node, path: path,
                "Expected a number written plainly (e.g. 0.25, without quotes); found \(describe(node)).")
        }
        guard value.isFinite else {
            throw failure(code: "spec.type", node: node, path: path, "Expected a number of ordinary size.")
        }
        return value
    }

    private func wholeNumber<I: FixedWidthInteger>(_ type: I.Type, node: Node, path: [YAMLPathComponent]) throws -> I {
        let scalar = try scalar(node, path: path, what: "a whole number (e.g. 12)")
        var text = scalar.string.replacingOccurrences(of: "_", with: "")
        if text.hasPrefix("+") { text.removeFirst() }
        if !isQuoted(scalar), !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }),
            let value = I(text, radix: 10)
        {
            return value
        }
        if !isQuoted(scalar), text.dropFirst(text.hasPrefix("-") ? 1 : 0).allSatisfy({ $0.isASCII && $0.isNumber }),
            !text.isEmpty
        {
            throw failure(
                code: "spec.type", node: node, path: path,
                "Expected a whole number from \(I.min) to \(I.max); this one is too large.")
        }
        throw failure(
            code: "spec.type", node: node, path: path,
            "Expected a whole number (e.g. 12, without quotes or decimals); found \(describe(node)).")
    }

    /// Decimal notation only: digits, one optional point, an optional exponent (no `inf`, `nan` or hex).
    static func looksDecimal(_ text: String) -> Bool {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "-" || scalars.first == "+" { scalars = scalars.dropFirst() }
        var digits = 0, seenPoint = false, seenExponent = false, exponentDigits = 0
        var previous: Unicode.Scalar?
        for c in scalars {
            switch c {
            case "0"..."9":
                if seenExponent { exponentDigits += 1 } else { digits += 1 }
            case ".":
                if seenPoint || seenExponent { return false }
                seenPoint = true
            case "e", "E":
                if seenExponent || digits == 0 { return false }
                seenExponent = true
            case "-", "+":
                if previous != "e" && previous != "E" { return false }
            default:
                return false
            }
            previous = c
        }
        return digits > 0 && (!seenExponent || exponentDigits > 0)
    }
}

struct YAMLKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: YAMLNodeDecoderImpl
    let entries: [String: (key: Node, value: Node)]
    let keyOrder: [String]
    var codingPath: [any CodingKey] { decoder.codingPath }

    init(decoder: YAMLNodeDecoderImpl, mapping: Node.Mapping) throws {
        self.decoder = decoder
        var entries: [String: (key: Node, value: Node)] = [:]
        var order: [String] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                throw decoder.failure(
                    code: "spec.type", node: key, path: decoder.path,
                    "A key must be a plain name (like `goods:`); found \(describe(key)).")
            }
            if entries[scalar.string] == nil { order.append(scalar.string) }
            entries[scalar.string] = (key, value)
        }
        self.entries = entries
        self.keyOrder = order
        decoder.ledger.register(decoder.path, mapping: mapping)
    }

    var allKeys: [Key] {
        keyOrder.compactMap { name in
            decoder.ledger.note(name, at: decoder.path)
            return Key(stringValue: name)
        }
    }

    func contains(_ key: Key) -> Bool {
        decoder.ledger.note(key.stringValue, at: decoder.path)
        return entries[key.stringValue] != nil
    }

    private func entry(_ key: Key) throws -> (key: Node, value: Node) {
        decoder.ledger.note(key.stringValue, at: decoder.path)
        guard let entry = entries[key.stringValue] else {
            let near = closestMatch(to: key.stringValue, in: keyOrder.filter { !isKnownElsewhere($0) })
            let hint = near.map { " (is `\($0):` a misspelling of it?)" } ?? ""
            let where_ = decoder.path.isEmpty ? "at the top level" : "under \(decoder.path.fieldPath)"
            throw YAMLDecodeFailure(
                code: "spec.missingKey", path: decoder.path + [.key(key.stringValue)], mark: decoder.node.position,
                value: nil, message: "Add the key `\(key.stringValue):` \(where_)\(hint); it is required.")
        }
        return entry
    }

    /// True when the type reads `name` under another key name (so it is no misspelling of a missing one).
    private func isKnownElsewhere(_ name: String) -> Bool { Key(stringValue: name) != nil }

    private func childPath(_ key: Key) -> [YAMLPathComponent] { decoder.path + [.key(key.stringValue)] }

    func decodeNil(forKey key: Key) throws -> Bool {
        let (_, value) = try entry(key)
        if case .scalar(let scalar) = value { return isNull(scalar) }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let (_, value) = try entry(key)
        return try decoder.unbox(T.self, node: value, path: childPath(key), codingPath: codingPath + [key])
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(type, key) }

    private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        let (_, value) = try entry(key)
        return try decoder.unbox(T.self, node: value, path: childPath(key), codingPath: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try superDecoder(forKey: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try superDecoder(forKey: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        YAMLNodeDecoderImpl(node: decoder.node, path: decoder.path, codingPath: codingPath, ledger: decoder.ledger)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        let (_, value) = try entry(key)
        return YAMLNodeDecoderImpl(
            node: value, path: childPath(key), codingPath: codingPath + [key],
            ledger: decoder.ledger)
    }
}

struct YAMLUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: YAMLNodeDecoderImpl
    let items: [Node]
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(decoder: YAMLNodeDecoderImpl, items: [Node]) {
        self.decoder = decoder
        self.items = items
    }

    private mutating func next() throws -> (Node, [YAMLPathComponent], [any CodingKey]) {
        guard !isAtEnd else {
            throw YAMLDecodeFailure(
                code: "spec.type", path: decoder.path, mark: decoder.node.position, value: nil,
                message: "The list has too few items.")
        }
        let index = currentIndex
        currentIndex += 1
        return (items[index], decoder.path + [.index(index)], codingPath + [YAMLIndexKey(intValue: index)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if case .scalar(let scalar) = items[currentIndex], isNull(scalar) {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (node, path, codingPath) = try next()
        return try decoder.unbox(T.self, node: node, path: path, codingPath: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try superDecoder().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try superDecoder().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (node, path, codingPath) = try next()
        return YAMLNodeDecoderImpl(node: node, path: path, codingPath: codingPath, ledger: decoder.ledger)
    }
}

struct YAMLSingleValueContainer: SingleValueDecodingContainer {
    let decoder: YAMLNodeDecoderImpl
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool {
        if case .scalar(let scalar) = decoder.node { return isNull(scalar) }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try unbox(type) }
    func decode(_ type: Bool.Type) throws -> Bool { try unbox(type) }
    func decode(_ type: String.Type) throws -> String { try unbox(type) }
    func decode(_ type: Double.Type) throws -> Double { try unbox(type) }
    func decode(_ type: Float.Type) throws -> Float { try unbox(type) }
    func decode(_ type: Int.Type) throws -> Int { try unbox(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try unbox(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try unbox(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try unbox(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try unbox(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try unbox(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try unbox(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try unbox(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try unbox(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try unbox(type) }

    private func unbox<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.unbox(T.self, node: decoder.node, path: decoder.path, codingPath: codingPath)
    }
}
