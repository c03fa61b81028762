import CaseBundle
import Foundation
import Testing

@Suite("JSONSchemaValidator and JSONValue")
struct JSONSchemaValidatorTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue(parsing: Data(text.utf8)) }

    func validator(_ schema: String) throws -> JSONSchemaValidator { try JSONSchemaValidator(schema: parse(schema)) }

    func violations(_ schema: String, _ instance: String) throws -> [JSONSchemaViolation] {
        try validator(schema).validate(parse(instance))
    }

    @Test("integer accepts whole numbers (including 2.0) and rejects fractions; number accepts both")
    func integerVersusNumber() throws {
        #expect(try violations(#"{"type":"integer"}"#, "2") == [])
        #expect(try violations(#"{"type":"integer"}"#, "2.0") == [])
        #expect(try violations(#"{"type":"integer"}"#, "2.5").map(\.keyword) == ["type"])
        #expect(try violations(#"{"type":"number"}"#, "2.5") == [])
        #expect(try violations(#"{"type":["string","null"]}"#, "null") == [])
        #expect(
            try violations(#"{"type":"boolean"}"#, "1").first?.reason == "Expected true or false, found the number 1.")
    }

    @Test("reports missing required properties at the object and extra ones at their own pointer")
    func requiredAndAdditional() throws {
        let schema =
            #"{"type":"object","required":["a","b"],"properties":{"a":{"type":"string"},"b":{}},"additionalProperties":false}"#
        let found = try violations(schema, #"{"a":"x","c/d":1}"#)
        #expect(found.contains { $0.pointer == "" && $0.keyword == "required" && $0.reason.contains("\"b\"") })
        #expect(found.contains { $0.pointer == "/c~1d" && $0.keyword == "additionalProperties" })
        #expect(
            try violations(#"{"additionalProperties":{"type":"integer"}}"#, #"{"x":1,"y":"no"}"#).map(\.pointer) == [
                "/y"
            ])
    }

    @Test(
        "checks enum, const, pattern, lengths, bounds and item counts",
        arguments: [
            (#"{"enum":["a","b"]}"#, #""c""#, "enum"),
            (#"{"const":1}"#, "2", "const"),
            (#"{"pattern":"^[A-Z]{2}[A-Z2-9]{3}$"}"#, #""PE1LL""#, "pattern"),
            (#"{"minLength":2}"#, #""é""#, "minLength"),
            (#"{"maxLength":1}"#, #""ab""#, "maxLength"),
            (#"{"minimum":0}"#, "-1", "minimum"),
            (#"{"maximum":1}"#, "1.5", "maximum"),
            (#"{"exclusiveMinimum":0}"#, "0", "exclusiveMinimum"),
            (#"{"exclusiveMaximum":1}"#, "1", "exclusiveMaximum"),
            (#"{"minItems":1}"#, "[]", "minItems"),
            (#"{"maxItems":1}"#, "[1,2]", "maxItems"),
            (#"{"uniqueItems":true}"#, "[1,2,1]", "uniqueItems"),
            (#"{"minProperties":1}"#, "{}", "minProperties"),
            (#"{"propertyNames":{"enum":["a"]}}"#, #"{"b":1}"#, "propertyNames"),
            (#"{"not":{"type":"string"}}"#, #""s""#, "not"),
        ])
    func simpleKeywords(schema: String, instance: String, keyword: String) throws {
        #expect(try violations(schema, instance).map(\.keyword).contains(keyword))
    }

    @Test("a pattern is unanchored unless it says ^ and $, as in ECMA-262")
    func patternsAreUnanchored() throws {
        #expect(try violations(#"{"pattern":"[0-9]{6}"}"#, #""HS 080390 bananas""#) == [])
        #expect(try violations(#"{"pattern":"^[0-9]{6}$"}"#, #""HS 080390""#).count == 1)
    }

    @Test("items and prefixItems validate each element at its own index")
    func itemsAndPrefixItems() throws {
        let found = try violations(
            #"{"prefixItems":[{"type":"string"}],"items":{"type":"integer"}}"#, #"["a", 1, "b", 2.5]"#)
        #expect(found.map(\.pointer) == ["/2", "/3"])
    }

    @Test("$ref follows #/$defs/… and applies with sibling keywords")
    func references() throws {
        let schema =
            ##"{"$defs":{"Code":{"type":"string","pattern":"^[0-9]{6}$"}},"type":"array","items":{"$ref":"#/$defs/Code"}}"##
        #expect(try violations(schema, #"["080390","8039"]"#).map(\.pointer) == ["/1"])
    }

    @Test("oneOf needs exactly one match and explains the closest failure; anyOf needs at least one")
    func combinators() throws {
        let shapes = #"""
            {"oneOf":[
              {"type":"object","required":["type","x"],"properties":{"type":{"const":"point"},"x":{"type":"number"}},"additionalProperties":false},
              {"type":"object","required":["type","r"],"properties":{"type":{"const":"circle"},"r":{"type":"number"}},"additionalProperties":false}
            ]}
            """#
        #expect(try violations(shapes, #"{"type":"point","x":1}"#) == [])
        let wrong = try violations(shapes, #"{"type":"point","x":"one"}"#)
        #expect(wrong.first?.keyword == "oneOf")
        #expect(wrong.contains { $0.pointer == "/x" && $0.keyword == "type" })
        #expect(try violations(#"{"oneOf":[{"type":"number"},{"type":"integer"}]}"#, "3").first?.keyword == "oneOf")
        #expect(try violations(#"{"anyOf":[{"type":"number"},{"type":"integer"}]}"#, "3") == [])
        #expect(try violations(#"{"anyOf":[{"type":"number"},{"type":"null"}]}"#, #""x""#).first?.keyword == "anyOf")
    }

    @Test(
        "a schema with an unsupported keyword is refused, naming the keyword's place",
        arguments: [
            (#"{"type":"string","format":"date"}"#, "/format"),
            (#"{"properties":{"a":{"patternProperties":{}}}}"#, "/properties/a/patternProperties"),
            (##"{"$ref":"#/$defs/Missing"}"##, "/$ref"),
            (#"{"pattern":"("}"#, "/pattern"),
            (#"{"type":"text"}"#, "/type"),
            (#"{"required":"a"}"#, "/required"),
        ])
    func unsupportedSchemas(schema: String, pointer: String) throws {
        let parsed = try parse(schema)
        let error = #expect(throws: JSONSchemaDefinitionError.self) { try JSONSchemaValidator(schema: parsed) }
        #expect(error?.pointer == pointer)
    }

    @Test("the parser reads escapes, surrogate pairs and numbers exactly")
    func parserReadsJSON() throws {
        let value = try parse(
            #"{"s":"a\"\\\/\n\u00e9\ud83d\udce6","n":-1.25e2,"z":0,"t":true,"f":false,"x":null,"a":[]}"#)
        #expect(value["s"] == .string("a\"\\/\né📦"))
        #expect(value["n"] == .number(-125))
        #expect(value["a"] == .array([]))
        #expect(value["x"] == .null)
    }

    @Test(
        "the parser rejects malformed JSON with a line and column",
        arguments: [
            "{\"a\":1,}", "[1,]", "{\"a\":1,\"a\":2}", "01", "1.", "\"\\ud800\"", "\"tab\there\"", "{\"a\" 1}", "[1] x",
            "", "nul",
            "\"\\x\"",
        ])
    func parserRejects(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Data(text.utf8)) }
    }

    @Test("the parser refuses nesting deeper than 256 levels instead of overflowing the stack")
    func parserDepthLimit() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Data(deep.utf8)) }
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: Never.self) { try JSONValue(parsing: Data(fine.utf8)) }
    }

    @Test("mutated case files never crash the parser or the validator (seeded fuzz)")
    func fuzzParserAndValidator() throws {
        let schemas = try Samples.schemas()
        let original = Array(try CanonicalJSON.encode(Samples.fullCase()))
        var random = SplitMix64(seed: 2026)
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: at)
                default:
                    let tokens = Array("{}[],:\"\\0e-".utf8)
                    bytes.insert(tokens[Int(random.next() % UInt64(tokens.count))], at: at)
                }
            }
            // Either outcome is fine; what matters is no crash, and that a parse failure is reported, not thrown.
            _ = schemas[.case].validate(json: Data(bytes))
        }
    }
}
