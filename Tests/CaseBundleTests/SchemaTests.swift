import CargoModel
import CaseBundle
import Foundation
import Testing

/// The hand-written JSON Schemas in `Assets/schema/` against the Swift types they describe.
///
/// Drift is caught three ways: sample values (every optional filled, and every optional nil) must
/// validate; every Swift enum's raw values must equal the schema's `enum` list; and a reflection walk
/// over the samples compares every struct's stored properties with the schema's `properties`, and its
/// non-optional properties with `required`.
@Suite("JSON Schemas")
struct SchemaTests {
    let schemas: CourseSchemas

    init() throws { schemas = try Samples.schemas() }

    static func schemaDocument(_ kind: CourseFileKind) throws -> JSONValue {
        try JSONValue(parsing: Data(contentsOf: Samples.schemaDirectory.appendingPathComponent(kind.schemaFileName)))
    }

    @Test("every schema file loads: only supported keywords, every $ref resolves, every pattern compiles")
    func schemasLoad() throws {
        for kind in CourseFileKind.allCases {
            _ = try JSONSchemaValidator(
                schemaData: Data(contentsOf: Samples.schemaDirectory.appendingPathComponent(kind.schemaFileName)),
                file: kind.schemaFileName)
        }
    }

    @Test("full and minimal cases validate against case.schema.json")
    func casesValidate() throws {
        for variant in 0..<Samples.variantCount {
            #expect(schemas[.case].validate(try Samples.json(Samples.fullCase(variant: variant))) == [])
        }
        #expect(schemas[.case].validate(try Samples.json(Samples.minimalCase())) == [])
    }

    @Test("full and minimal answer keys validate against key.schema.json")
    func keysValidate() throws {
        for variant in 0..<Samples.variantCount {
            #expect(schemas[.key].validate(try Samples.json(Samples.fullKey(variant: variant))) == [])
        }
        #expect(schemas[.key].validate(try Samples.json(Samples.minimalKey())) == [])
    }

    @Test("decisions of every disposition, agency and shape validate against decision.schema.json")
    func decisionsValidate() throws {
        for decision in Samples.decisions() {
            #expect(schemas[.decision].validate(try Samples.json(decision)) == [])
        }
    }

    @Test("attempts in both modes validate against attempt.schema.json")
    func attemptsValidate() throws {
        for attempt in Samples.attempts() {
            #expect(schemas[.attempt].validate(try Samples.json(attempt)) == [])
        }
    }

    @Test("course.json validates against course.schema.json with and without a title")
    func courseIndexValidates() throws {
        var index = Samples.index()
        #expect(schemas[.course].validate(try Samples.json(index)) == [])
        index.title = nil
        #expect(schemas[.course].validate(try Samples.json(index)) == [])
    }

    struct Mutation: Sendable, CustomStringConvertible {
        var kind: CourseFileKind
        var path: [String]
        var value: JSONValue?
        var pointer: String
        var keyword: String
        var description: String { "\(kind.rawValue) \(path.joined(separator: "/")) → \(value?.brief ?? "removed")" }
    }

    static let mutations: [Mutation] = [
        Mutation(kind: .case, path: ["seed"], value: .string("42"), pointer: "/seed", keyword: "additionalProperties"),
        Mutation(
            kind: .case, path: ["targeting", "billOfLading", "scenario"], value: .string("ripOnRipOff"),
            pointer: "/targeting/billOfLading/scenario", keyword: "additionalProperties"),
        Mutation(kind: .case, path: ["vantage"], value: .string("smuggling"), pointer: "/vantage", keyword: "enum"),
        Mutation(kind: .case, path: ["stages", "1"], value: .string("customs"), pointer: "/stages/1", keyword: "enum"),
        Mutation(kind: .case, path: ["targeting"], value: nil, pointer: "", keyword: "required"),
        Mutation(
            kind: .case, path: ["targeting", "billOfLading", "vgm", "kg"], value: nil,
            pointer: "/targeting/billOfLading/vgm", keyword: "required"),
        Mutation(
            kind: .case, path: ["targeting", "billOfLading", "containerNumber"], value: .string("CSQU305438"),
            pointer: "/targeting/billOfLading/containerNumber", keyword: "pattern"),
        Mutation(
            kind: .case, path: ["inspectionPort", "locode"], value: .string("pecll"), pointer: "/inspectionPort/locode",
            keyword: "pattern"),
        Mutation(
            kind: .case, path: ["targeting", "billOfLading", "goods", "0", "hsCode"], value: .string("8031"),
            pointer: "/targeting/billOfLading/goods/0/hsCode", keyword: "pattern"),
        Mutation(
            kind: .case, path: ["inspectionDate"], value: .string("14/03/2026"), pointer: "/inspectionDate",
            keyword: "pattern"),
        Mutation(
            kind: .case, path: ["targeting", "sealLog", "0", "time"], value: .string("2026-03-14 09:30"),
            pointer: "/targeting/sealLog/0/time", keyword: "pattern"),
        Mutation(
            kind: .case, path: ["targeting", "billOfLading", "goods", "0", "packageCount"], value: .number(1.5),
            pointer: "/targeting/billOfLading/goods/0/packageCount", keyword: "type"),
        Mutation(
            kind: .case, path: ["examination", "seal", "securityClass"], value: .string("X"),
            pointer: "/examination/seal/securityClass", keyword: "enum"),
        Mutation(
            kind: .key, path: ["expectations", "boarding"],
            value: .object(["best": .string("release"), "acceptable": .array([.string("release")])]),
            pointer: "/expectations/boarding", keyword: "propertyNames"),
        Mutation(kind: .key, path: ["seed"], value: nil, pointer: "", keyword: "required"),
        Mutation(
            kind: .key, path: ["anomalies", "0", "kind"], value: .string("tunnel"), pointer: "/anomalies/0/kind",
            keyword: "enum"),
        Mutation(
            kind: .key, path: ["difficulty", "level"], value: .number(6), pointer: "/difficulty/level",
            keyword: "maximum"),
        Mutation(
            kind: .key, path: ["anomalies", "0", "box", "weight"], value: .number(3),
            pointer: "/anomalies/0/box/weight",
            keyword: "additionalProperties"),
        Mutation(
            kind: .decision, path: ["markedRegions", "0", "shape", "type"], value: .string("circle"),
            pointer: "/markedRegions/0/shape", keyword: "oneOf"),
        Mutation(
            kind: .decision, path: ["disposition"], value: .string("shrug"), pointer: "/disposition", keyword: "enum"),
        Mutation(kind: .decision, path: ["clock"], value: nil, pointer: "", keyword: "required"),
        Mutation(
            kind: .attempt, path: ["courseHash"], value: .string("xyz"), pointer: "/courseHash", keyword: "pattern"),
        Mutation(kind: .attempt, path: ["mode"], value: .string("exam"), pointer: "/mode", keyword: "enum"),
        Mutation(
            kind: .course, path: ["seed"], value: .string("42"), pointer: "/seed", keyword: "additionalProperties"),
        Mutation(
            kind: .course, path: ["formatVersion"], value: .number(1), pointer: "/formatVersion", keyword: "const"),
        Mutation(
            kind: .course, path: ["files", "keys/K7Q2-9XTA.json"], value: .string(String(repeating: "ab", count: 32)),
            pointer: "/files/keys~1K7Q2-9XTA.json", keyword: "propertyNames"),
        Mutation(
            kind: .course, path: ["files", "cases/K7Q2-9XTA/case.json"], value: .string("xyz"),
            pointer: "/files/cases~1K7Q2-9XTA~1case.json", keyword: "pattern"),
        Mutation(
            kind: .course, path: ["caseIds", "0"], value: .string("../etc"), pointer: "/caseIds/0", keyword: "pattern"),
    ]

    static func sample(_ kind: CourseFileKind) throws -> JSONValue {
        switch kind {
        case .case: try Samples.json(Samples.fullCase())
        case .key: try Samples.json(Samples.fullKey())
        case .decision: try Samples.json(Samples.decisions()[0])
        case .attempt: try Samples.json(Samples.attempts()[1])
        case .course: try Samples.json(Samples.index())
        }
    }

    @Test(
        "a mutated document (extra property, wrong enum value, missing field, bad pattern) fails at the right place",
        arguments: mutations)
    func mutationsFail(_ mutation: Mutation) throws {
        let mutated = try Self.sample(mutation.kind).setting(mutation.path, to: mutation.value)
        let violations = schemas[mutation.kind].validate(mutated)
        #expect(
            violations.contains { $0.pointer == mutation.pointer && $0.keyword == mutation.keyword },
            "got: \(violations)")
    }

    struct EnumDefinition: Sendable, CustomStringConvertible {
        var name: String
        var rawValues: [String]
        var description: String { name }

        init<T: CaseIterable & RawRepresentable>(_ type: T.Type, name: String? = nil) where T.RawValue == String {
            self.name = name ?? String(describing: type)
            rawValues = T.allCases.map(\.rawValue)
        }
    }

    static let enums: [EnumDefinition] = [
        .init(Stage.self), .init(Vantage.self), .init(TrustedTraderStatus.self), .init(PackageKind.self),
        .init(VGMMethod.self), .init(FreightTerms.self), .init(FreightPayment.self), .init(SealClass.self),
        .init(SealKind.self), .init(SealEvent.self), .init(SealActor.self), .init(ExaminationPoint.self),
        .init(ObservationCode.self), .init(Disposition.self), .init(Agency.self), .init(SealFinding.self),
        .init(EvidenceStep.self), .init(DifficultyFactorCode.self), .init(ContainerZone.self),
        .init(ThreatCategory.self),
        .init(AnomalyKind.self), .init(RiskIndicator.self), .init(DiscrepancyCode.self), .init(RationaleCode.self),
        .init(ClockSource.self), .init(AttemptMode.self), .init(BillOfLadingKind.self),
    ]

    @Test("each schema enum lists exactly the Swift enum's raw values, in declaration order", arguments: enums)
    func enumsMatchSwift(_ definition: EnumDefinition) throws {
        var found = 0
        for kind in CourseFileKind.allCases {
            guard let def = try Self.schemaDocument(kind)["$defs"]?[definition.name] else { continue }
            found += 1
            guard case let .array(values)? = def["enum"] else {
                Issue.record("\(kind.schemaFileName) $defs/\(definition.name) has no enum")
                continue
            }
            #expect(
                values == definition.rawValues.map(JSONValue.string),
                "\(kind.schemaFileName) $defs/\(definition.name): add \(Set(definition.rawValues).subtracting(values.compactMap { if case let .string(s) = $0 { s } else { nil } }).sorted()), remove \(Set(values.compactMap { if case let .string(s) = $0 { s } else { nil } }).subtracting(definition.rawValues).sorted())"
            )
        }
        #expect(found > 0, "no schema defines \(definition.name)")
    }

    @Test("every enum definition in the schemas is checked against a Swift enum")
    func noUncheckedEnums() throws {
        let known = Set(Self.enums.map(\.name))
        for kind in CourseFileKind.allCases {
            guard case let .object(defs)? = try Self.schemaDocument(kind)["$defs"] else { continue }
            for (name, def) in defs where def["enum"] != nil {
                #expect(
                    known.contains(name), "\(kind.schemaFileName) $defs/\(name) is an enum no test compares with Swift")
            }
        }
    }

    @Test("a definition that appears in several schema files is the same in each")
    func sharedDefinitionsAgree() throws {
        var seen: [String: (file: String, value: JSONValue)] = [:]
        for kind in CourseFileKind.allCases {
            guard case let .object(defs)? = try Self.schemaDocument(kind)["$defs"] else { continue }
            for name in defs.keys.sorted() {
                if let earlier = seen[name] {
                    #expect(
                        earlier.value == defs[name]!,
                        "$defs/\(name) differs between \(earlier.file) and \(kind.schemaFileName)")
                } else {
                    seen[name] = (kind.schemaFileName, defs[name]!)
                }
            }
        }
    }

    @Test("schema properties are the Swift stored properties, and required ones the non-optional ones")
    func propertiesMatchSwift() throws {
        var problems: [String] = []
        for variant in 0..<Samples.variantCount {
            let doc = try Self.schemaDocument(.case)
            compare(Samples.fullCase(variant: variant), doc, root: doc, path: "InspectionCase", into: &problems)
            let keyDoc = try Self.schemaDocument(.key)
            compare(Samples.fullKey(variant: variant), keyDoc, root: keyDoc, path: "AnswerKey", into: &problems)
        }
        let decisionDoc = try Self.schemaDocument(.decision)
        for decision in Samples.decisions() {
            compare(decision, decisionDoc, root: decisionDoc, path: "Decision", into: &problems)
        }
        let attemptDoc = try Self.schemaDocument(.attempt)
        for attempt in Samples.attempts() {
            compare(attempt, attemptDoc, root: attemptDoc, path: "Attempt", into: &problems)
        }
        let courseDoc = try Self.schemaDocument(.course)
        compare(Samples.index(), courseDoc, root: courseDoc, path: "CourseIndex", into: &problems)
        #expect(problems == [])
    }

    /// Walks `value` by reflection alongside its schema `node`.
    private func compare(_ value: Any, _ node: JSONValue, root: JSONValue, path: String, into problems: inout [String])
    {
        var node = node
        while case let .string(reference)? = node["$ref"] {
            guard let target = resolve(reference, in: root) else {
                problems.append("\(path): $ref \(reference) does not resolve")
                return
            }
            node = target
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first?.value {
                compare(wrapped, node, root: root, path: path, into: &problems)
            }
        case .struct:
            guard case let .object(properties)? = node["properties"] else { return }  // encoded as a string (dates)
            let labels = mirror.children.compactMap(\.label)
            let swiftNames = Set(labels), schemaNames = Set(properties.keys)
            for name in swiftNames.subtracting(schemaNames).sorted() {
                problems.append("\(path).\(name): stored in Swift but not in the schema's properties")
            }
            for name in schemaNames.subtracting(swiftNames).sorted() {
                problems.append("\(path).\(name): in the schema's properties but not a Swift stored property")
            }
            let nonOptional = Set(
                mirror.children.filter { Mirror(reflecting: $0.value).displayStyle != .optional }.compactMap(\.label))
            var required: Set<String> = []
            if case let .array(list)? = node["required"] {
                required = Set(list.compactMap { if case let .string(s) = $0 { s } else { nil } })
            }
            if required != nonOptional {
                problems.append(
                    "\(path): required \(required.sorted()) but non-optional in Swift \(nonOptional.sorted())")
            }
            if node["additionalProperties"] != .bool(false) {
                problems.append("\(path): additionalProperties must be false")
            }
            for child in mirror.children {
                guard let label = child.label, let sub = properties[label] else { continue }
                compare(child.value, sub, root: root, path: path + "." + label, into: &problems)
            }
        case .collection:
            guard let items = node["items"] else {
                problems.append("\(path): an array in Swift but no items schema")
                return
            }
            for (i, child) in mirror.children.enumerated() {
                compare(child.value, items, root: root, path: path + "[\(i)]", into: &problems)
            }
        case .dictionary:
            guard let values = node["additionalProperties"], values != .bool(false) else {
                problems.append("\(path): a dictionary in Swift but no additionalProperties schema")
                return
            }
            for child in mirror.children {
                let pair = Array(Mirror(reflecting: child.value).children)
                if pair.count == 2 {
                    compare(pair[1].value, values, root: root, path: path + "[\(pair[0].value)]", into: &problems)
                }
            }
        case .enum:
            // String-backed enums have no payload (their raw values are checked by enumsMatchSwift); RegionShape does.
            guard let payload = mirror.children.first, let caseName = payload.label else { return }
            guard case let .array(branches)? = node["oneOf"] else {
                problems.append("\(path): an enum with payloads in Swift but no oneOf in the schema")
                return
            }
            guard let branch = branches.first(where: { $0["properties"]?["type"]?["const"] == .string(caseName) }),
                case let .object(properties)? = branch["properties"]
            else {
                problems.append("\(path): no oneOf branch with type \"\(caseName)\"")
                return
            }
            let payloadMirror = Mirror(reflecting: payload.value)
            let schemaNames = Set(properties.keys).subtracting(["type"])
            if payloadMirror.displayStyle == .tuple {
                let labels = Set(payloadMirror.children.compactMap(\.label))
                if labels != schemaNames {
                    problems.append(
                        "\(path).\(caseName): Swift payload \(labels.sorted()) but schema \(schemaNames.sorted())")
                }
                for child in payloadMirror.children {
                    if let label = child.label, let sub = properties[label] {
                        compare(child.value, sub, root: root, path: path + ".\(caseName).\(label)", into: &problems)
                    }
                }
            } else if schemaNames.count == 1, let only = schemaNames.first {
                compare(
                    payload.value, properties[only]!, root: root, path: path + ".\(caseName).\(only)", into: &problems)
            } else {
                problems.append("\(path).\(caseName): one payload value in Swift but schema \(schemaNames.sorted())")
            }
        default:
            break
        }
    }

    private func resolve(_ reference: String, in root: JSONValue) -> JSONValue? {
        guard reference.hasPrefix("#/$defs/") else { return nil }
        return root["$defs"]?[String(reference.dropFirst("#/$defs/".count))]
    }
}
