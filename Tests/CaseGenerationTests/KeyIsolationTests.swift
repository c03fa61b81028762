import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Testing

/// No value of a key (not only its field names) appears in the trainee pack.
@Suite struct KeyIsolationTests {
    /// Words that a case shows by design (stage, point and seal vocabulary): a key value equal to one
    /// of them is not a leak.
    static let publicWords: Set<String> = Set(
        Stage.allCases.map(\.rawValue) + Vantage.allCases.map(\.rawValue) + ExaminationPoint.allCases.map(\.rawValue)
            + ObservationCode.allCases.map(\.rawValue) + SealKind.allCases.map(\.rawValue)
            + SealClass.allCases.map(\.rawValue)
            + SealEvent.allCases.map(\.rawValue) + SealActor.allCases.map(\.rawValue)
            + PackageKind.allCases.map(\.rawValue)
            + TrustedTraderStatus.allCases.map(\.rawValue) + FreightTerms.allCases.map(\.rawValue)
            + FreightPayment.allCases.map(\.rawValue) + VGMMethod.allCases.map(\.rawValue))

    /// Parts of a key that quote what the case shows (document values and observations).
    static let quotingFields: Set<String> = [
        "evidence", "documented", "observed", "documentedIn", "observedIn", "parameters", "localizedParameters",
        "significant",
    ]

    static func secretStrings(in value: Any, path: [String] = []) -> [String] {
        if let last = path.last, quotingFields.contains(last) { return [] }
        switch value {
        case let dict as [String: Any]:
            return dict.flatMap { secretStrings(in: $0.value, path: path + [$0.key]) } + dict.keys.filter { _ in false }
        case let array as [Any]:
            return array.flatMap { secretStrings(in: $0, path: path) }
        case let text as String:
            return text.count >= 3 && !publicWords.contains(text) ? [text] : []
        default:
            return []
        }
    }

    static func strings(in value: Any) -> Set<String> {
        switch value {
        case let dict as [String: Any]:
            return dict.values.reduce(into: Set(dict.keys)) { $0.formUnion(strings(in: $1)) }
        case let array as [Any]: return array.reduce(into: Set<String>()) { $0.formUnion(strings(in: $1)) }
        case let text as String: return [text]
        default: return []
        }
    }

    @Test func noKeyValueAppearsInTheCase() throws {
        let cases = try casesOfEveryScenario(count: 6, seed: 31)
        for (_, made) in cases {
            let key = try JSONSerialization.jsonObject(with: CanonicalJSON.encode(made.key))
            let caseText = try JSONSerialization.jsonObject(with: CanonicalJSON.encode(made.inspectionCase))
            let visible = Self.strings(in: caseText)
            for secret in Set(Self.secretStrings(in: key))
            where secret != made.key.caseId && secret != made.key.generatorVersion {
                #expect(
                    !visible.contains(secret), "key value \"\(secret)\" is visible in case \(made.inspectionCase.id)")
            }
            let raw = String(decoding: try CanonicalJSON.encode(made.inspectionCase), as: UTF8.self)
            #expect(!raw.contains(made.key.seed), "the seed is in the case")
        }
    }

    @Test func noKeyFieldNameAppearsInTheCase() throws {
        let made = try Repository.generator.generate(CaseSpec(scenario: .falseFrontWall), seed: 8)
        let raw = String(decoding: try CanonicalJSON.encode(made.inspectionCase), as: UTF8.self)
        for field in [
            "scenario", "irregular", "threat", "difficulty", "expectations", "anomalies", "rationale", "seed",
            "discrepancies", "sealFindings", "essentialPoints", "significant", "harmless",
        ] {
            #expect(!raw.contains("\"\(field)\""), "\(field) is in case.json")
        }
    }

    @Test func caseIdsRevealNeitherScenarioNorDifficulty() throws {
        let cases = try casesOfEveryScenario(count: 3, seed: 5)
        for (scenario, made) in cases {
            #expect(!made.inspectionCase.id.lowercased().contains(scenario.rawValue.lowercased().prefix(4)))
        }
        // Ids are a one-way function of the seed: neighbouring seeds give unrelated ids.
        #expect(opaqueCaseID(seed: 1).dropFirst(1).prefix(3) != opaqueCaseID(seed: 2).dropFirst(1).prefix(3))
    }
}
