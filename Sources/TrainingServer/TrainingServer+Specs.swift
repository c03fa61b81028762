import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Hummingbird
import NIOCore
import PNGEncoding
import Storage

/// Case authoring in the console: a form over `CaseSpec` checked by the YAML reader's own rules (every
/// problem next to its field, the texts of `cargosim validate`), a preview generated with a seed, and the
/// instructor's spec library (docs/API.md, "Courses and authoring").
extension TrainingServer {
    struct SpecInput: Decodable {
        /// The form: the keys of a spec's YAML, as an object.
        var spec: JSONValue
        var seed: String?
    }

    struct SpecCheck: Encodable {
        var yaml: String
        var problems: [APIError.Problem]
    }

    struct SpecView: Encodable {
        var id: Int64
        var name: String
        var owner: String
        var updatedAt: Instant
        var yaml: String?
        var spec: CaseSpec?
        var scenario: Scenario?
    }

    struct SpecPreview: Encodable {
        var yaml: String
        var `case`: InspectionCase
        var key: AnswerKey
        /// The display scan as a `data:` URL (nil when the case has no screening stage).
        var scan: String?
        var door: String?
    }

    /// The choices the authoring form offers: every enumeration of a spec and the catalogue's ids.
    struct SpecOptions: Encodable {
        struct Commodity: Encodable {
            var id: String
            var hsCode: String
            var description: LocalizedText
        }
        struct Port: Encodable {
            var locode: String
            var name: String
        }
        var scenarios: [[String: String]]
        var vantages: [String]
        var stages: [String]
        var containerTypes: [String]
        var commodities: [Commodity]
        var ports: [Port]
        var countries: [String]
        var trustedTraderStatuses: [String]
        var concealmentKinds: [String]
        var threats: [String]
        var materials: [String]
        var sealStories: [String]
        var indicators: [String]
    }

    /// The form as YAML, and the spec the reader makes of it, or every problem (field without `spec.`).
    func checkSpec(_ form: JSONValue, catalog: Catalog) -> (yaml: String, spec: CaseSpec?, problems: [APIError.Problem]) {
        guard case .object(let members) = form else {
            return ("", nil, [.init(message: "Give the spec as an object of its fields.")])
        }
        let text = YAMLWriter.yaml(members, order: YAMLWriter.specOrder)
        do {
            return (text, try YAMLSpecReader().readSpec(yaml: text, file: "spec.yaml", catalog: catalog), [])
        } catch {
            let errors = (error as? BundleErrors)?.errors ?? [(error as? BundleError)].compactMap { $0 }
            let problems = errors.map { APIError.Problem(line: $0.line, field: $0.field, message: $0.message) }
            return (text, nil, problems.isEmpty ? [.init(message: "\(error)")] : problems)
        }
    }

    func requireMaking() throws -> CourseMaking {
        guard let making = configuration.making else {
            throw APIError(.serviceUnavailable, "busy", "This server cannot make cases (no catalogue loaded).")
        }
        return making
    }

    func specView(_ record: SpecRecord, full: Bool, catalog: Catalog?) -> SpecView {
        let spec = catalog.flatMap { try? YAMLSpecReader().readSpec(yaml: record.yaml, file: record.name, catalog: $0) }
        return SpecView(
            id: record.id, name: record.name, owner: record.owner, updatedAt: record.updatedAt,
            yaml: full ? record.yaml : nil, spec: full ? spec : nil, scenario: spec?.scenario)
    }

    /// Saves the form as a spec of the library: 400 with every problem when it does not read.
    func saveSpec(_ request: Request, id: Int64?, by user: User) async throws -> SpecView {
        let making = try requireMaking()
        let input = try await decodeBody(SpecInput.self, from: request, allowedFields: ["spec"])
        let checked = checkSpec(input.spec, catalog: making.catalog)
        guard let spec = checked.spec else {
            throw APIError(
                .badRequest, "bad-request", checked.problems.first?.message ?? "The spec does not read.",
                field: checked.problems.first?.field, problems: checked.problems)
        }
        guard let name = spec.name, !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 120 else {
            throw APIError.badRequest("Name the spec (1 to 120 characters): the library lists it by name.", field: "name")
        }
        do {
            let record = try await storage.saveSpec(id: id, name: name, yaml: checked.yaml, owner: user.username, at: now())
            await audit(user.username, id == nil ? "spec.create" : "spec.update", "\(record.id) \(name)")
            return specView(record, full: true, catalog: making.catalog)
        } catch let error as StorageError where error.code == "conflict" {
            throw APIError.conflict(error.message, field: "name")
        } catch let error as StorageError where error.code == "not-found" {
            throw APIError.notFound
        }
    }

    func addSpecRoutes(to router: Router<ServerContext>) {
        router.get("/api/spec-options") { request, _ in
            _ = try await self.requireStaffUser(request)
            let making = try self.requireMaking()
            let catalog = making.catalog
            return jsonResponse(
                SpecOptions(
                    scenarios: Scenario.allCases.map {
                        ["id": $0.rawValue, "irregular": $0.isIrregularByDefault ? "true" : "false"]
                    },
                    vantages: Vantage.allCases.map(\.rawValue), stages: Stage.allCases.map(\.rawValue),
                    containerTypes: ContainerType.all.map(\.code),
                    commodities: catalog.commodities.map { .init(id: $0.id, hsCode: $0.hsCode, description: $0.description) },
                    ports: catalog.ports.map { .init(locode: $0.locode, name: $0.name) },
                    countries: Array(Set(catalog.ports.map { String($0.locode.prefix(2)) })).sorted(),
                    trustedTraderStatuses: TrustedTraderStatus.allCases.map(\.rawValue),
                    concealmentKinds: AnomalyKind.allCases.map(\.rawValue), threats: ThreatCategory.allCases.map(\.rawValue),
                    materials: making.materials.materialNames.sorted(), sealStories: SealStory.allCases.map(\.rawValue),
                    indicators: RiskIndicator.allCases.map(\.rawValue)))
        }

        // Checks the form as `cargosim validate` checks a file: the YAML it makes and every problem by field.
        router.post("/api/specs/check") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            let making = try self.requireMaking()
            let input = try await self.decodeBody(SpecInput.self, from: request, allowedFields: ["spec"])
            let checked = self.checkSpec(input.spec, catalog: making.catalog)
            return jsonResponse(SpecCheck(yaml: checked.yaml, problems: checked.problems))
        }

        // Generates the case of the form with a seed: papers, key, scan and door drawing.
        router.post("/api/specs/preview") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            let making = try self.requireMaking()
            let input = try await self.decodeBody(SpecInput.self, from: request, allowedFields: ["spec", "seed"])
            let checked = self.checkSpec(input.spec, catalog: making.catalog)
            guard let spec = checked.spec else {
                throw APIError(
                    .badRequest, "bad-request", checked.problems.first?.message ?? "The spec does not read.",
                    field: checked.problems.first?.field, problems: checked.problems)
            }
            let seedText = (input.seed?.isEmpty ?? true) ? "preview" : input.seed!
            guard let seed = CourseSeed(text: seedText) else {
                throw APIError.badRequest("Give a seed of 1 to 256 characters, or none.", field: "seed")
            }
            let planned = PlannedCase(index: 0, pinnedSpec: spec, courseSeed: seed)
            let prepared: PreparedCase = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global(qos: .userInitiated).async {
                    continuation.resume(
                        with: Result {
                            try CourseProduction(catalog: making.catalog, materials: making.materials)
                                .prepare(planned, variant: 0)
                        })
                }
            }
            return jsonResponse(
                SpecPreview(
                    yaml: checked.yaml, case: prepared.inspectionCase, key: prepared.key,
                    scan: prepared.caseFiles["scan.png"].map { "data:image/png;base64," + $0.base64EncodedString() },
                    door: prepared.caseFiles["door.svg"].map { String(decoding: $0, as: UTF8.self) }))
        }

        router.get("/api/specs") { request, _ in
            _ = try await self.requireStaffUser(request)
            let catalog = self.configuration.making?.catalog
            return jsonResponse(try await self.storage.specs().map { self.specView($0, full: false, catalog: catalog) })
        }

        router.post("/api/specs") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            return jsonResponse(try await self.saveSpec(request, id: nil, by: user), status: .created)
        }

        router.put("/api/specs/:sid") { request, context in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            return jsonResponse(try await self.saveSpec(request, id: try pathId(context, "sid"), by: user))
        }

        router.get("/api/specs/:sid") { request, context in
            _ = try await self.requireStaffUser(request)
            guard let record = try await self.storage.spec(id: try pathId(context, "sid")) else { throw APIError.notFound }
            return jsonResponse(self.specView(record, full: true, catalog: self.configuration.making?.catalog))
        }

        // The spec as a file: exactly the YAML that was checked, which `cargosim validate` reads as it is.
        router.get("/api/specs/:sid/spec.yaml") { request, context in
            _ = try await self.requireStaffUser(request)
            guard let record = try await self.storage.spec(id: try pathId(context, "sid")) else { throw APIError.notFound }
            var response = fileResponse(Array(record.yaml.utf8), contentType: "application/yaml; charset=utf-8")
            let safe = record.name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
            response.headers[.contentDisposition] = "attachment; filename=\"\(String(safe).prefix(60)).yaml\""
            return response
        }

        router.delete("/api/specs/:sid") { request, context in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            guard try await self.storage.deleteSpec(id: try pathId(context, "sid")) else { throw APIError.notFound }
            await self.audit(user.username, "spec.delete", context.parameters.get("sid") ?? "")
            return noContent()
        }
    }
}
