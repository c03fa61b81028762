import CargoModel
import CaseBundle
import Foundation
import Testing

@Suite("CanonicalJSON")
struct CanonicalJSONTests {
    struct Unordered: Codable {
        var zulu = 1
        var alpha = "a/b"
        var mike: [String: Int] = ["z": 1, "b": 2, "a": 3]
        var nested = Inner()
        struct Inner: Codable { var y = true; var x: Double = 0.1 }
    }

    @Test("writes keys sorted at every level, slashes unescaped, two-space indent and a trailing newline")
    func goldenBytes() throws {
        let text = String(decoding: try CanonicalJSON.encode(Unordered()), as: UTF8.self)
        #expect(
            text == """
                {
                  "alpha" : "a/b",
                  "mike" : {
                    "a" : 3,
                    "b" : 2,
                    "z" : 1
                  },
                  "nested" : {
                    "x" : 0.1,
                    "y" : true
                  },
                  "zulu" : 1
                }

                """)
    }

    @Test("gives the same bytes for equal dictionaries whatever their insertion order (seeded)")
    func dictionaryOrderDoesNotLeak() throws {
        var random = SplitMix64(seed: 17_712)
        let keys = (0..<200).map { "key\($0)" }
        let reference = try CanonicalJSON.encode(Dictionary(uniqueKeysWithValues: keys.map { ($0, $0.count) }))
        for _ in 0..<20 {
            var shuffled: [String: Int] = [:]
            for key in keys.shuffled(using: &random) { shuffled[key] = key.count }
            #expect(try CanonicalJSON.encode(shuffled) == reference)
        }
    }

    @Test("encodes a full case the same way every time and decodes it back unchanged")
    func caseRoundTrip() throws {
        let value = Samples.fullCase()
        let first = try CanonicalJSON.encode(value)
        #expect(try CanonicalJSON.encode(value) == first)
        #expect(try CanonicalJSON.decode(InspectionCase.self, from: first, file: "case.json") == value)
        let key = Samples.fullKey()
        #expect(try CanonicalJSON.decode(AnswerKey.self, from: CanonicalJSON.encode(key), file: "k.json") == key)
    }

    @Test("writes the stage-keyed expectations of a key as an object keyed by stage name")
    func stageKeyedDictionaryIsAnObject() throws {
        let json = try JSONValue(parsing: CanonicalJSON.encode(Samples.fullKey()))
        guard case let .object(expectations)? = json["expectations"] else {
            Issue.record("expectations is not an object")
            return
        }
        #expect(Set(expectations.keys) == Set(Stage.allCases.map(\.rawValue)))
    }

    @Test("a decoding error names the file, the field path and what was expected")
    func typeErrorNamesFieldPath() throws {
        let json = try JSONValue(parsing: CanonicalJSON.encode(Samples.fullCase()))
            .setting(["targeting", "billOfLading", "goods", "2", "packageCount"], to: .string("ten"))
        let data = try JSONEncoder().encode(AnyJSON(json))
        do {
            _ = try CanonicalJSON.decode(InspectionCase.self, from: data, file: "cases/K7Q2/case.json")
            Issue.record("decoding should fail")
        } catch {
            #expect(error.code == "json.type")
            #expect(error.file == "cases/K7Q2/case.json")
            #expect(error.field == "targeting.billOfLading.goods[2].packageCount")
            #expect(error.message.contains("a whole number"))
        }
    }

    @Test("a missing field is reported with its full path")
    func missingFieldNamesPath() throws {
        let json = try JSONValue(parsing: CanonicalJSON.encode(Samples.fullCase())).setting(
            ["targeting", "billOfLading", "vessel"], to: nil)
        let data = try JSONEncoder().encode(AnyJSON(json))
        do {
            _ = try CanonicalJSON.decode(InspectionCase.self, from: data, file: "case.json")
            Issue.record("decoding should fail")
        } catch {
            #expect(error.code == "json.missingField")
            #expect(error.field == "targeting.billOfLading.vessel")
        }
    }

    @Test("text that is not JSON is reported with its line and column")
    func syntaxErrorHasLineAndColumn() {
        let data = Data("{\n  \"id\": \"A\",\n  \"stages\": [,]\n}\n".utf8)
        do {
            _ = try CanonicalJSON.decode(InspectionCase.self, from: data, file: "case.json")
            Issue.record("decoding should fail")
        } catch {
            #expect(error.code == "json.syntax")
            #expect(error.line == 3)
            #expect(error.column == 14)
            #expect(error.description.hasPrefix("case.json:3:14: error:"))
        }
    }

    @Test("a value the model rejects while decoding (a bad date) names the field and the model's message")
    func modelDecodingErrorNamesField() throws {
        let json = try JSONValue(parsing: CanonicalJSON.encode(Samples.minimalCase())).setting(
            ["inspectionDate"], to: .string("2026-02-30"))
        let data = try JSONEncoder().encode(AnyJSON(json))
        do {
            _ = try CanonicalJSON.decode(InspectionCase.self, from: data, file: "case.json")
            Issue.record("decoding should fail")
        } catch {
            #expect(error.code == "json.value")
            #expect(error.field == "inspectionDate")
            #expect(error.message.contains("YYYY-MM-DD"))
        }
    }
}

/// Re-encodes a `JSONValue` (to build malformed documents in tests).
struct AnyJSON: Encodable {
    var value: JSONValue
    init(_ value: JSONValue) { self.value = value }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case let .bool(b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case let .number(n):
            var c = encoder.singleValueContainer()
            if let i = Int(exactly: n) { try c.encode(i) } else { try c.encode(n) }
        case let .string(s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case let .array(items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(AnyJSON(item)) }
        case let .object(members):
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in members { try c.encode(AnyJSON(v), forKey: Key(stringValue: k)) }
        }
    }
}
