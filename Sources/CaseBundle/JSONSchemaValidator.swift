import Foundation

// MARK: - JSON values

/// A parsed JSON value, as the schema validator sees it.
///
/// Numbers are kept as `Double` (integers up to 2^53 are exact; CargoSim writes 64-bit values such
/// as seeds as strings). Objects keep no key order: JSON gives it no meaning and course files are
/// written with sorted keys anyway.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses UTF-8 JSON text (RFC 8259). A leading byte-order mark is tolerated; duplicate keys in
    /// an object, trailing text, and nesting deeper than 256 levels are errors.
    public init(parsing data: Data) throws(JSONParseError) {
        var parser = JSONParser(bytes: Array(data))
        self = try parser.parseDocument()
    }

    /// The JSON type name used by JSON Schema (`object`, `array`, `string`, `number`, `boolean`, `null`);
    /// whole numbers are still `number` here (see `isInteger`).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// True for a number with no fractional part (JSON Schema's `integer`: `1.0` counts).
    public var isInteger: Bool {
        if case let .number(n) = self { return n.isFinite && n.rounded(.towardZero) == n }
        return false
    }

    /// The value of an object's member, nil for anything else.
    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members[key] }
        return nil
    }

    /// A short rendering for messages: strings quoted, containers summarised, at most 60 characters.
    public var brief: String {
        let text: String
        switch self {
        case .null: text = "null"
        case let .bool(b): text = b ? "true" : "false"
        case let .number(n): text = n.isInteger ? String(Int64(exactly: n) ?? 0) : String(n)
        case let .string(s): text = "\"" + s + "\""
        case let .array(items): text = "an array of \(items.count)"
        case let .object(members): text = "an object with \(members.count) properties"
        }
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}

private extension Double {
    var isInteger: Bool { isFinite && rounded(.towardZero) == self && abs(self) < 9.2e18 }
}

/// Text that is not valid JSON: where (byte offset, line and column, from 1) and why.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public var offset: Int
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A strict recursive-descent JSON parser over UTF-8 bytes.
private struct JSONParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0
    static let maximumDepth = 256

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw error("Unexpected text after the end of the JSON value.") }
        return value
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        let at = min(offset ?? index, bytes.count)
        var line = 1, column = 1
        for byte in bytes[0..<at] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONParseError(offset: at, line: line, column: column, message: message)
    }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error("The JSON text ends where a value was expected.") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            throw error("Expected a value (object, array, string, number, true, false or null).")
        }
    }

    mutating func expectLiteral(_ literal: String) throws(JSONParseError) {
        let utf8 = Array(literal.utf8)
        guard bytes.count - index >= utf8.count, Array(bytes[index..<(index + utf8.count)]) == utf8 else {
            throw error("Expected \(literal).")
        }
        index += utf8.count
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("Nesting deeper than \(Self.maximumDepth) levels.") }
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("Expected a property name in double quotes.")
            }
            let keyOffset = index
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("Expected ':' after the property name \"\(key)\".")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            guard members.updateValue(value, forKey: key) == nil else {
                throw error("The property \"\(key)\" appears twice in one object.", at: keyOffset)
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("The JSON text ends inside an object; add '}'.") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            } else {
                throw error("Expected ',' or '}' after a property.")
            }
        }
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("The JSON text ends inside an array; add ']'.") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            } else {
                throw error("Expected ',' or ']' after an array item.")
            }
        }
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        func digits(_ parser: inout JSONParser) -> Int {
            let from = parser.index
            while parser.index < parser.bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index])
            {
                parser.index += 1
            }
            return parser.index - from
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
            throw error("Expected a digit in the number.")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                throw error("A number must not start with 0 followed by more digits.")
            }
        } else {
            _ = digits(&self)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw error("Expected digits after the decimal point.") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits(&self) > 0 else { throw error("Expected digits in the exponent.") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error("The number \(text) is out of range.", at: start)
        }
        return .number(value)
    }

    mutating func parseString() throws(JSONParseError) -> String {
        let start = index
        index += 1
        var result = ""
        var runStart = index
        func flushRun(_ parser: JSONParser, upTo end: Int, into result: inout String) throws(JSONParseError) {
            guard end > runStart else { return }
            let run = parser.bytes[runStart..<end]
            if run.allSatisfy({ $0 < 0x80 }) {
                result += String(decoding: run, as: UTF8.self)  // ASCII: nothing to validate
            } else if let text = String(bytes: run, encoding: .utf8) {
                result += text
            } else {
                throw parser.error("The string is not valid UTF-8.", at: runStart)
            }
        }
        while true {
            guard index < bytes.count else { throw error("The string is not closed; add '\"'.", at: start) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                try flushRun(self, upTo: index, into: &result)
                index += 1
                return result
            } else if byte < 0x20 {
                throw error("A control character must be escaped inside a string (\\n, \\t, \\u00XX).")
            } else if byte == UInt8(ascii: "\\") {
                try flushRun(self, upTo: index, into: &result)
                index += 1
                guard index < bytes.count else { throw error("The string ends inside an escape.") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): result.append("\"")
                case UInt8(ascii: "\\"): result.append("\\")
                case UInt8(ascii: "/"): result.append("/")
                case UInt8(ascii: "b"): result.append("\u{08}")
                case UInt8(ascii: "f"): result.append("\u{0C}")
                case UInt8(ascii: "n"): result.append("\n")
                case UInt8(ascii: "r"): result.append("\r")
                case UInt8(ascii: "t"): result.append("\t")
                case UInt8(ascii: "u"):
                    let high = try parseHex4()
                    if (0xD800..<0xDC00).contains(high) {
                        guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        else { throw error("A high surrogate \\u escape must be followed by a low surrogate.") }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else {
                            throw error("Expected a low surrogate \\u escape.")
                        }
                        result.unicodeScalars.append(
                            Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!)
                    } else if let scalar = Unicode.Scalar(high) {
                        result.unicodeScalars.append(scalar)
                    } else {
                        throw error("A lone low surrogate \\u escape is not a character.")
                    }
                default:
                    throw error("Unknown escape \\\(Character(Unicode.Scalar(escape))) in a string.", at: index - 2)
                }
                runStart = index
            } else {
                index += 1
            }
        }
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw error("Expected four hex digits after \\u.") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("Expected four hex digits after \\u.")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}

// MARK: - Schema validation

/// One way a JSON value fails its schema.
public struct JSONSchemaViolation: Hashable, Sendable, CustomStringConvertible {
    /// JSON Pointer (RFC 6901) to the failing value in the instance; "" is the whole document.
    public var pointer: String
    /// The schema keyword that failed (`type`, `required`, `pattern`).
    public var keyword: String
    /// What is wrong, as a sentence naming the expected and the found value.
    public var reason: String

    public init(pointer: String, keyword: String, reason: String) {
        self.pointer = pointer
        self.keyword = keyword
        self.reason = reason
    }

    public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(reason)" }
}

/// A schema that uses a keyword or a form the validator does not support, or is malformed.
public struct JSONSchemaDefinitionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// JSON Pointer to the offending place in the schema.
    public var pointer: String
    public var message: String

    public var description: String { "schema \(pointer.isEmpty ? "/" : pointer): \(message)" }
}

/// Validates JSON values against a JSON Schema (draft 2020-12), for the subset CargoSim's schemas use.
///
/// Supported: `type` (with `integer` as a number with no fraction), `enum`, `const`, `properties`,
/// `required`, `additionalProperties` (boolean or schema), `propertyNames`, `minProperties`,
/// `maxProperties`, `items`, `prefixItems`, `minItems`, `maxItems`, `uniqueItems`, `pattern`
/// (ICU regular expressions, unanchored as in ECMA-262: write `^…$`), `minLength`, `maxLength`
/// (in Unicode scalars), `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `allOf`,
/// `anyOf`, `oneOf`, `not`, and `$ref` to a JSON Pointer inside the same document (`#/$defs/Party`).
/// Annotations (`$schema`, `$id`, `$comment`, `$defs`, `title`, `description`, `examples`,
/// `default`, `deprecated`) are accepted and ignored. Any other keyword makes `init` throw, so a
/// schema cannot silently rely on something that is not checked (`format` included).
///
/// Validation collects every violation rather than stopping at the first. Complexity: linear in the
/// instance size times the schema depth, except `oneOf`/`anyOf`, which try each alternative.
public struct JSONSchemaValidator: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after creation and documented as thread-safe.

    /// The schema document.
    public let schema: JSONValue
    private let patterns: [String: NSRegularExpression]
    /// Every `$ref` of the schema, resolved once.
    private let references: [String: JSONValue]

    static let annotationKeywords: Set<String> = [
        "$schema", "$id", "$comment", "$defs", "title", "description", "examples", "default", "deprecated",
    ]
    static let assertionKeywords: Set<String> = [
        "$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "propertyNames",
        "minProperties", "maxProperties", "items", "prefixItems", "minItems", "maxItems", "uniqueItems", "pattern",
        "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "allOf", "anyOf",
        "oneOf", "not",
    ]
    static let typeNames: Set<String> = ["object", "array", "string", "number", "integer", "boolean", "null"]

    /// Checks the schema (keywords known, values well formed, `$ref`s resolvable, patterns compile).
    public init(schema: JSONValue) throws(JSONSchemaDefinitionError) {
        var patterns: [String: NSRegularExpression] = [:]
        var references: [String: JSONValue] = [:]
        try Self.check(schema, at: "", root: schema, patterns: &patterns, references: &references)
        self.schema = schema
        self.patterns = patterns
        self.references = references
    }

    /// Parses and checks a schema file's bytes; `file` names it in errors.
    public init(schemaData: Data, file: String) throws(JSONSchemaDefinitionError) {
        let parsed: JSONValue
        do { parsed = try JSONValue(parsing: schemaData) } catch {
            throw JSONSchemaDefinitionError(pointer: "", message: "\(file) is not valid JSON (\(error)).")
        }
        do { try self.init(schema: parsed) } catch {
            throw JSONSchemaDefinitionError(pointer: error.pointer, message: "\(file): \(error.message)")
        }
    }

    /// Validates `instance`; an empty result means it conforms.
    public func validate(_ instance: JSONValue) -> [JSONSchemaViolation] {
        var violations: [JSONSchemaViolation] = []
        validate(instance, against: schema, at: "", into: &violations)
        return violations
    }

    /// Parses `data` and validates it; a parse failure is reported as one violation at the root.
    public func validate(json data: Data) -> [JSONSchemaViolation] {
        do { return validate(try JSONValue(parsing: data)) } catch {
            return [JSONSchemaViolation(pointer: "", keyword: "json", reason: "Not valid JSON: \(error).")]
        }
    }

    // MARK: Checking the schema itself

    private static func check(
        _ node: JSONValue, at pointer: String, root: JSONValue, patterns: inout [String: NSRegularExpression],
        references: inout [String: JSONValue]
    ) throws(JSONSchemaDefinitionError) {
        func fail(_ message: String, _ keyword: String? = nil) -> JSONSchemaDefinitionError {
            JSONSchemaDefinitionError(
                pointer: keyword.map { pointer + "/" + escapePointer($0) } ?? pointer, message: message)
        }
        func nonNegativeInteger(_ keyword: String, _ value: JSONValue) throws(JSONSchemaDefinitionError) {
            guard value.isInteger, case let .number(n) = value, n >= 0 else {
                throw fail("\(keyword) must be a non-negative integer.", keyword)
            }
        }
        func schemaList(_ keyword: String, _ value: JSONValue, minimum: Int) throws(JSONSchemaDefinitionError) {
            guard case let .array(items) = value, items.count >= minimum else {
                throw fail("\(keyword) must be an array of at least \(minimum) schemas.", keyword)
            }
            for (i, item) in items.enumerated() {
                try check(
                    item, at: pointer + "/" + keyword + "/\(i)", root: root, patterns: &patterns,
                    references: &references)
            }
        }

        if case .bool = node { return }
        guard case let .object(members) = node else { throw fail("A schema must be an object or a boolean.") }

        for key in members.keys.sorted() {
            guard annotationKeywords.contains(key) || assertionKeywords.contains(key) else {
                throw fail(
                    "The keyword \"\(key)\" is not supported by CargoSim's validator; use only: "
                        + assertionKeywords.sorted().joined(separator: ", ") + ".", key)
            }
        }
        for key in members.keys.sorted() {
            let value = members[key]!
            switch key {
            case "$defs", "properties":
                guard case let .object(children) = value else {
                    throw fail("\(key) must be an object of schemas.", key)
                }
                for name in children.keys.sorted() {
                    try check(
                        children[name]!, at: pointer + "/" + key + "/" + escapePointer(name), root: root,
                        patterns: &patterns, references: &references)
                }
            case "$ref":
                guard case let .string(reference) = value else { throw fail("$ref must be a string.", key) }
                guard let target = resolve(reference, in: root) else {
                    throw fail("$ref \"\(reference)\" does not resolve; refer to #/$defs/<Name> in the same file.", key)
                }
                references[reference] = target
            case "type":
                let names: [JSONValue]
                if case let .array(list) = value { names = list } else { names = [value] }
                for name in names {
                    guard case let .string(text) = name, typeNames.contains(text) else {
                        throw fail(
                            "type must be one of " + typeNames.sorted().joined(separator: ", ")
                                + " (or a list of them).", key)
                    }
                }
            case "enum":
                guard case let .array(list) = value, !list.isEmpty else {
                    throw fail("enum must be a non-empty array.", key)
                }
            case "required":
                guard case let .array(list) = value, list.allSatisfy({ if case .string = $0 { true } else { false } }),
                    Set(list).count == list.count
                else { throw fail("required must be an array of distinct strings.", key) }
            case "additionalProperties", "propertyNames", "items", "not":
                try check(value, at: pointer + "/" + key, root: root, patterns: &patterns, references: &references)
            case "prefixItems":
                try schemaList(key, value, minimum: 1)
            case "allOf", "anyOf", "oneOf":
                try schemaList(key, value, minimum: 1)
            case "minProperties", "maxProperties", "minItems", "maxItems", "minLength", "maxLength":
                try nonNegativeInteger(key, value)
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
                guard case .number = value else { throw fail("\(key) must be a number.", key) }
            case "uniqueItems", "deprecated":
                guard case .bool = value else { throw fail("\(key) must be true or false.", key) }
            case "pattern":
                guard case let .string(text) = value else { throw fail("pattern must be a string.", key) }
                if patterns[text] == nil {
                    do { patterns[text] = try NSRegularExpression(pattern: text) } catch {
                        throw fail("The pattern \(text) is not a valid regular expression.", key)
                    }
                }
            default:
                break  // const, annotations: any value
            }
        }
    }

    /// Resolves `#` or `#/a/b` (JSON Pointer) inside `root`.
    static func resolve(_ reference: String, in root: JSONValue) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        let pointer = reference.dropFirst()
        if pointer.isEmpty { return root }
        guard pointer.hasPrefix("/") else { return nil }
        var node = root
        for token in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let name = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch node {
            case let .object(members):
                guard let next = members[name] else { return nil }
                node = next
            case let .array(items):
                guard let i = Int(name), items.indices.contains(i) else { return nil }
                node = items[i]
            default:
                return nil
            }
        }
        return node
    }

    // MARK: Validating an instance

    private func validate(
        _ instance: JSONValue, against node: JSONValue, at pointer: String,
        into violations: inout [JSONSchemaViolation]
    ) {
        func add(_ keyword: String, _ reason: String, at where_: String? = nil) {
            violations.append(JSONSchemaViolation(pointer: where_ ?? pointer, keyword: keyword, reason: reason))
        }
        switch node {
        case .bool(true): return
        case .bool(false):
            add("false", "No value is allowed here.")
            return
        default: break
        }
        guard case let .object(keywords) = node else { return }

        if case let .string(reference)? = keywords["$ref"], let target = references[reference] {
            validate(instance, against: target, at: pointer, into: &violations)
        }

        if let type = keywords["type"] {
            let allowed: [String]
            switch type {
            case let .string(name): allowed = [name]
            case let .array(names): allowed = names.compactMap { if case let .string(n) = $0 { n } else { nil } }
            default: allowed = []
            }
            let matches = allowed.contains { name in
                name == instance.typeName || (name == "integer" && instance.isInteger)
            }
            if !matches {
                let expected = allowed.map(Self.article).joined(separator: " or ")
                let found = (instance.typeName == "number" ? "the number " : "") + instance.brief
                add("type", "Expected \(expected), found \(found).")
                return  // further keywords would only repeat the mismatch
            }
        }

        if case let .array(options)? = keywords["enum"], !options.contains(instance) {
            let list = options.map(\.brief).joined(separator: ", ")
            add("enum", "\(instance.brief) is not allowed; use one of: \(list).")
        }
        if let constant = keywords["const"], constant != instance {
            add("const", "Expected \(constant.brief), found \(instance.brief).")
        }

        switch instance {
        case let .string(text):
            validateString(text, keywords, add)
        case let .number(number):
            validateNumber(number, keywords, add)
        case let .array(items):
            validateArray(items, keywords, at: pointer, into: &violations)
        case let .object(members):
            validateObject(members, keywords, at: pointer, into: &violations)
        default:
            break
        }

        if case let .array(schemas)? = keywords["allOf"] {
            for sub in schemas { validate(instance, against: sub, at: pointer, into: &violations) }
        }
        if case let .array(schemas)? = keywords["anyOf"] {
            let results = schemas.map { sub -> [JSONSchemaViolation] in
                var found: [JSONSchemaViolation] = []
                validate(instance, against: sub, at: pointer, into: &found)
                return found
            }
            if !results.contains(where: \.isEmpty) {
                add("anyOf", "Matches none of the \(schemas.count) allowed forms; the closest fails as follows.")
                violations.append(contentsOf: results.min { $0.count < $1.count } ?? [])
            }
        }
        if case let .array(schemas)? = keywords["oneOf"] {
            let results = schemas.map { sub -> [JSONSchemaViolation] in
                var found: [JSONSchemaViolation] = []
                validate(instance, against: sub, at: pointer, into: &found)
                return found
            }
            let passing = results.indices.filter { results[$0].isEmpty }
            if passing.isEmpty {
                add("oneOf", "Matches none of the \(schemas.count) allowed forms; the closest fails as follows.")
                violations.append(contentsOf: results.min { $0.count < $1.count } ?? [])
            } else if passing.count > 1 {
                add(
                    "oneOf",
                    "Matches \(passing.count) of the allowed forms (\(passing.map(String.init).joined(separator: ", "))); it must match exactly one."
                )
            }
        }
        if let negated = keywords["not"] {
            var found: [JSONSchemaViolation] = []
            validate(instance, against: negated, at: pointer, into: &found)
            if found.isEmpty { add("not", "Matches a form that is not allowed here.") }
        }
    }

    private func validateString(
        _ text: String, _ keywords: [String: JSONValue], _ add: (String, String, String?) -> Void
    ) {
        let length = text.unicodeScalars.count
        if case let .number(minimum)? = keywords["minLength"], Double(length) < minimum {
            add(
                "minLength",
                minimum == 1
                    ? "Must not be empty." : "Must be at least \(Int(minimum)) characters long (is \(length)).", nil)
        }
        if case let .number(maximum)? = keywords["maxLength"], Double(length) > maximum {
            add("maxLength", "Must be at most \(Int(maximum)) characters long (is \(length)).", nil)
        }
        if case let .string(pattern)? = keywords["pattern"], let regex = patterns[pattern] {
            let range = NSRange(location: 0, length: (text as NSString).length)
            if regex.firstMatch(in: text, options: [], range: range) == nil {
                add("pattern", "\(JSONValue.string(text).brief) does not have the required form \(pattern).", nil)
            }
        }
    }

    private func validateNumber(
        _ number: Double, _ keywords: [String: JSONValue], _ add: (String, String, String?) -> Void
    ) {
        let shown = JSONValue.number(number).brief
        if case let .number(limit)? = keywords["minimum"], number < limit {
            add("minimum", "\(shown) is below the minimum \(JSONValue.number(limit).brief).", nil)
        }
        if case let .number(limit)? = keywords["maximum"], number > limit {
            add("maximum", "\(shown) is above the maximum \(JSONValue.number(limit).brief).", nil)
        }
        if case let .number(limit)? = keywords["exclusiveMinimum"], number <= limit {
            add("exclusiveMinimum", "\(shown) must be greater than \(JSONValue.number(limit).brief).", nil)
        }
        if case let .number(limit)? = keywords["exclusiveMaximum"], number >= limit {
            add("exclusiveMaximum", "\(shown) must be less than \(JSONValue.number(limit).brief).", nil)
        }
    }

    private func validateArray(
        _ items: [JSONValue], _ keywords: [String: JSONValue], at pointer: String,
        into violations: inout [JSONSchemaViolation]
    ) {
        func add(_ keyword: String, _ reason: String) {
            violations.append(JSONSchemaViolation(pointer: pointer, keyword: keyword, reason: reason))
        }
        if case let .number(minimum)? = keywords["minItems"], Double(items.count) < minimum {
            add("minItems", "Needs at least \(Int(minimum)) item\(minimum == 1 ? "" : "s") (has \(items.count)).")
        }
        if case let .number(maximum)? = keywords["maxItems"], Double(items.count) > maximum {
            add("maxItems", "Allows at most \(Int(maximum)) item\(maximum == 1 ? "" : "s") (has \(items.count)).")
        }
        if case .bool(true)? = keywords["uniqueItems"] {
            var seen: Set<JSONValue> = []
            for (i, item) in items.enumerated() where !seen.insert(item).inserted {
                violations.append(
                    JSONSchemaViolation(
                        pointer: pointer + "/\(i)", keyword: "uniqueItems",
                        reason: "\(item.brief) repeats an earlier item; list each once."))
            }
        }
        var prefixCount = 0
        if case let .array(prefix)? = keywords["prefixItems"] {
            prefixCount = prefix.count
            for (i, item) in items.enumerated() where i < prefix.count {
                validate(item, against: prefix[i], at: pointer + "/\(i)", into: &violations)
            }
        }
        if let itemSchema = keywords["items"] {
            for (i, item) in items.enumerated() where i >= prefixCount {
                validate(item, against: itemSchema, at: pointer + "/\(i)", into: &violations)
            }
        }
    }

    private func validateObject(
        _ members: [String: JSONValue], _ keywords: [String: JSONValue], at pointer: String,
        into violations: inout [JSONSchemaViolation]
    ) {
        func add(_ keyword: String, _ reason: String, at where_: String) {
            violations.append(JSONSchemaViolation(pointer: where_, keyword: keyword, reason: reason))
        }
        if case let .number(minimum)? = keywords["minProperties"], Double(members.count) < minimum {
            add("minProperties", "Needs at least \(Int(minimum)) properties (has \(members.count)).", at: pointer)
        }
        if case let .number(maximum)? = keywords["maxProperties"], Double(members.count) > maximum {
            add("maxProperties", "Allows at most \(Int(maximum)) properties (has \(members.count)).", at: pointer)
        }
        if case let .array(required)? = keywords["required"] {
            for case let .string(name) in required where members[name] == nil {
                add("required", "The required property \"\(name)\" is missing.", at: pointer)
            }
        }
        var declared: [String: JSONValue] = [:]
        if case let .object(properties)? = keywords["properties"] { declared = properties }
        for name in members.keys.sorted() {
            let value = members[name]!
            let childPointer = pointer + "/" + escapePointer(name)
            if let propertyNames = keywords["propertyNames"] {
                var found: [JSONSchemaViolation] = []
                validate(.string(name), against: propertyNames, at: childPointer, into: &found)
                for violation in found {
                    add(
                        "propertyNames", "The property name \"\(name)\" is not allowed: \(violation.reason)",
                        at: childPointer)
                }
            }
            if let propertySchema = declared[name] {
                validate(value, against: propertySchema, at: childPointer, into: &violations)
            } else if let additional = keywords["additionalProperties"] {
                if case .bool(false) = additional {
                    let allowed = declared.keys.sorted().joined(separator: ", ")
                    add(
                        "additionalProperties",
                        "The property \"\(name)\" is not allowed here; remove it"
                            + (allowed.isEmpty ? "." : " (allowed: \(allowed))."), at: childPointer)
                } else {
                    validate(value, against: additional, at: childPointer, into: &violations)
                }
            }
        }
    }

    private static func article(_ typeName: String) -> String {
        switch typeName {
        case "object": "an object"
        case "array": "an array"
        case "string": "a string"
        case "number": "a number"
        case "integer": "a whole number"
        case "boolean": "true or false"
        default: "null"
        }
    }
}

/// Escapes one JSON Pointer token (RFC 6901: `~` → `~0`, `/` → `~1`).
func escapePointer(_ token: String) -> String {
    guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
    return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
}
