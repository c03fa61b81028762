import CargoModel
import Foundation
import Hummingbird
import Scoring
import Storage

/// Calibration rounds in the console (docs/API.md, "Calibration rounds"): the certifier draws attempts of a class,
/// the reference panel and the candidate trainers grade each attempt as the trainee made it (the console's attempt
/// view, with the key) on one scale, each seeing only their own grades; when the round is closed `Scoring` compares
/// every candidate with the panel's reference (`CalibrationRecord.run`: κ, weighted κ, α with bootstrap intervals,
/// the round's size, missing grades). A closed round is a trainer's calibration evidence (`roundId`).
extension TrainingServer {
    /// The scale a round grades on unless told otherwise.
    static let defaultCalibrationScale = ["fail", "weak", "pass", "good", "excellent"]

    struct RoundInput: Decodable {
        var name: String
        /// The class whose graded attempts are the items.
        var groupId: Int64
        /// Usernames of the reference panel (at least 2) and of the candidates (at least 1): staff accounts.
        var panel: [String]
        var candidates: [String]
        /// Items drawn at most (1–200, default 30), taken in turn from each trainee.
        var maxItems: Int?
        var scale: [String]?
    }

    struct GradeInput: Decodable {
        var item: String
        var grade: String
    }

    /// A round as one grader or the certifier sees it: never another grader's grades while it is open.
    struct RoundView: Encodable {
        struct Progress: Encodable {
            var grader: String
            var role: String
            var graded: Int
        }

        var id: Int64
        var name: String
        var rubricVersion: String
        var scale: [String]
        var items: [CalibrationItem]
        var panel: [String]
        var candidates: [String]
        var createdBy: String
        var createdAt: Instant
        var closedAt: Instant?
        var status: String
        /// The caller's part in the round (`panel`, `candidate`) and their own grades, by item.
        var yourRole: String?
        var yourGrades: [String: String]
        var progress: [Progress]
        /// Once closed: every candidate against the panel's reference.
        var results: CalibrationResults?
    }

    /// The round's grades as the record `cargosim calibrate` reads: the panel's as the reference, the candidates'
    /// (missing grades left out), and the trainee of each item.
    static func calibrationRecord(_ round: CalibrationRoundRecord, grades: [CalibrationGrade]) -> CalibrationRecord {
        var reference = Dictionary(uniqueKeysWithValues: round.panel.map { ($0, [String: String]()) })
        var candidates = Dictionary(uniqueKeysWithValues: round.candidates.map { ($0, [String: String]()) })
        for grade in grades {
            if reference[grade.grader] != nil {
                reference[grade.grader]![grade.item] = grade.grade
            } else if candidates[grade.grader] != nil {
                candidates[grade.grader]![grade.item] = grade.grade
            }
        }
        var record = CalibrationRecord(
            id: "round-\(round.id)", rubricVersion: round.rubricVersion, scale: round.scale,
            items: round.items.map(\.id), reference: reference, candidates: candidates)
        record.itemTrainees = Dictionary(round.items.map { ($0.id, $0.trainee) }, uniquingKeysWith: { a, _ in a })
        return record
    }

    /// Runs a round's record; 409 naming the grader and item at fault when it cannot be compared.
    static func results(of record: CalibrationRecord) throws -> CalibrationResults {
        switch Result(catching: { () throws(CalibrationError) -> CalibrationResults in try record.run() }) {
        case .success(let results): return results
        case .failure(let error):
            throw APIError(
                .conflict, "conflict", "The round cannot be compared yet: \(error.message)",
                field: error.field.isEmpty ? nil : error.field)
        }
    }

    func roundView(_ round: CalibrationRoundRecord, for user: User) async throws -> RoundView {
        let grades = try await storage.calibrationGrades(roundId: round.id)
        let role =
            round.panel.contains(user.username) ? "panel" : round.candidates.contains(user.username) ? "candidate" : nil
        var own: [String: String] = [:]
        for grade in grades where grade.grader == user.username { own[grade.item] = grade.grade }
        let counts = Dictionary(grouping: grades, by: \.grader).mapValues(\.count)
        let progress =
            round.panel.map { RoundView.Progress(grader: $0, role: "panel", graded: counts[$0] ?? 0) }
            + round.candidates.map { RoundView.Progress(grader: $0, role: "candidate", graded: counts[$0] ?? 0) }
        var results: CalibrationResults?
        if round.closedAt != nil { results = try Self.results(of: Self.calibrationRecord(round, grades: grades)) }
        return RoundView(
            id: round.id, name: round.name, rubricVersion: round.rubricVersion, scale: round.scale, items: round.items,
            panel: round.panel, candidates: round.candidates, createdBy: round.createdBy, createdAt: round.createdAt,
            closedAt: round.closedAt, status: round.closedAt == nil ? "open" : "closed", yourRole: role,
            yourGrades: own, progress: progress, results: results)
    }

    /// The round in the path, for staff; 404 otherwise.
    func staffRound(_ request: Request, _ context: ServerContext, change: Bool = false) async throws -> (
        User, CalibrationRoundRecord
    ) {
        let user: User
        if change {
            user = try await authenticateChange(request).user
        } else {
            user = try await authenticate(request).user
        }
        try requireStaff(user)
        guard let round = try await storage.calibrationRound(id: try pathId(context, "rid")) else {
            throw APIError.notFound
        }
        return (user, round)
    }

    func addCalibrationRoutes(to router: Router<ServerContext>) {
        router.get("/api/certification/rounds") { request, _ in
            let (user, _) = try await self.authenticate(request)
            try self.requireStaff(user)
            var views: [RoundView] = []
            for round in try await self.storage.calibrationRounds() {
                var view = try await self.roundView(round, for: user)
                view.results = nil  // the list stays light; the round's own page has them
                views.append(view)
            }
            return jsonResponse(views)
        }

        router.post("/api/certification/rounds") { request, _ in
            let (user, _) = try await self.authenticateChange(request)
            try self.requireStaff(user)
            let input = try await self.decodeBody(
                RoundInput.self, from: request,
                allowedFields: ["name", "groupId", "panel", "candidates", "maxItems", "scale"])
            let name = input.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, name.count <= 120 else {
                throw APIError.badRequest("Name the round, 1 to 120 characters.", field: "name")
            }
            let scale = input.scale ?? Self.defaultCalibrationScale
            guard (2...10).contains(scale.count), Set(scale).count == scale.count,
                scale.allSatisfy({ !$0.isEmpty && $0.count <= 40 })
            else {
                throw APIError.badRequest("Give the scale as 2 to 10 distinct grades, lowest first.", field: "scale")
            }
            let maxItems = input.maxItems ?? 30
            guard (1...200).contains(maxItems) else {
                throw APIError.badRequest("Give maxItems from 1 to 200.", field: "maxItems")
            }
            guard let group = try await self.storage.group(id: input.groupId) else {
                throw APIError.badRequest("No class with this id; choose a class from the list.", field: "groupId")
            }
            let people = try await self.storage.users()
            func graders(_ names: [String], _ field: String, minimum: Int) throws -> [String] {
                guard names.count >= minimum, Set(names).count == names.count else {
                    throw APIError.badRequest("Name at least \(minimum) different people.", field: field)
                }
                for (index, name) in names.enumerated() {
                    guard let person = people.first(where: { $0.username == name }), person.role.isStaff,
                        !person.disabled
                    else {
                        throw APIError.badRequest(
                            "\(name) is not an instructor or administrator; graders open the attempts in the console.",
                            field: "\(field)[\(index)]")
                    }
                }
                return names
            }
            let panel = try graders(input.panel, "panel", minimum: 2)
            let candidates = try graders(input.candidates, "candidates", minimum: 1)
            if let both = candidates.first(where: panel.contains) {
                throw APIError.badRequest(
                    "\(both) is both on the panel and a candidate; choose one.", field: "candidates")
            }
            // The class's graded attempts, taken in turn from each trainee, so that the items come from as many
            // trainees as there are (the policy asks for a minimum number of them).
            let names = Dictionary(people.map { ($0.id, $0.username) }, uniquingKeysWith: { a, _ in a })
            var byTrainee: [(String, [GradeRecord])] = []
            for (userId, records) in Dictionary(
                grouping: try await self.storage.grades(groupId: group.id), by: \.userId)
            {
                byTrainee.append((names[userId] ?? "\(userId)", records.sorted { $0.gradedAt < $1.gradedAt }))
            }
            byTrainee.sort { $0.0 < $1.0 }
            var items: [CalibrationItem] = []
            var turn = 0
            while items.count < maxItems, byTrainee.contains(where: { $0.1.count > turn }) {
                for (trainee, records) in byTrainee where records.count > turn && items.count < maxItems {
                    let r = records[turn]
                    items.append(
                        CalibrationItem(
                            id: "\(trainee)/\(r.caseId)", groupId: group.id, assignmentId: r.assignmentId,
                            caseId: r.caseId, trainee: trainee))
                }
                turn += 1
            }
            guard !items.isEmpty else {
                throw APIError(
                    .conflict, "conflict", "This class has no graded case yet; a round grades finished attempts.",
                    field: "groupId")
            }
            let round = try await self.storage.createCalibrationRound(
                CalibrationRoundRecord(
                    id: 0, name: name, rubricVersion: self.configuration.rubric.version, scale: scale, items: items,
                    panel: panel, candidates: candidates, createdBy: user.username, createdAt: self.now(),
                    closedAt: nil))
            await self.audit(
                user.username, "calibration.create",
                "round \(round.id) \(name): \(items.count) items of class \(group.id); panel \(panel.joined(separator: ", ")); candidates \(candidates.joined(separator: ", "))"
            )
            return jsonResponse(try await self.roundView(round, for: user), status: .created)
        }

        router.get("/api/certification/rounds/:rid") { request, context in
            let (user, round) = try await self.staffRound(request, context)
            return jsonResponse(try await self.roundView(round, for: user))
        }

        router.put("/api/certification/rounds/:rid/grades") { request, context in
            let (user, round) = try await self.staffRound(request, context, change: true)
            guard round.panel.contains(user.username) || round.candidates.contains(user.username) else {
                throw APIError(.forbidden, "forbidden", "Only the round's panel and candidates grade in it.")
            }
            let input = try await self.decodeBody(GradeInput.self, from: request, allowedFields: ["item", "grade"])
            guard round.items.contains(where: { $0.id == input.item }) else {
                throw APIError.badRequest("Not an item of this round.", field: "item")
            }
            guard round.scale.contains(input.grade) else {
                throw APIError.badRequest(
                    "Give a grade of the round's scale: \(round.scale.joined(separator: ", ")).", field: "grade")
            }
            do {
                try await self.storage.saveCalibrationGrade(
                    roundId: round.id,
                    CalibrationGrade(grader: user.username, item: input.item, grade: input.grade, gradedAt: self.now()))
            } catch let error as StorageError where error.code == "conflict" {
                throw APIError.conflict(error.message)
            }
            return noContent()
        }

        router.post("/api/certification/rounds/:rid/close") { request, context in
            let (user, round) = try await self.staffRound(request, context, change: true)
            guard user.username == round.createdBy || user.role == .admin else {
                throw APIError(.forbidden, "forbidden", "Only who made the round, or an administrator, closes it.")
            }
            guard round.closedAt == nil else { throw APIError.conflict("The round is already closed.") }
            // Compared before closing: a round that cannot be compared (too few panel grades) stays open.
            let grades = try await self.storage.calibrationGrades(roundId: round.id)
            let results = try Self.results(of: Self.calibrationRecord(round, grades: grades))
            do { try await self.storage.closeCalibrationRound(id: round.id, at: self.now()) } catch let error
                as StorageError where error.code == "conflict"
            {
                throw APIError.conflict(error.message)
            }
            await self.audit(
                user.username, "calibration.close",
                "round \(round.id): "
                    + results.candidates.map {
                        "\($0.candidate) weighted κ \($0.weightedKappaQuadratic.map { String(format: "%.3f", $0) } ?? "n/a")"
                    }.joined(separator: "; "))
            guard let closed = try await self.storage.calibrationRound(id: round.id) else { throw APIError.notFound }
            return jsonResponse(try await self.roundView(closed, for: user))
        }
    }
}
