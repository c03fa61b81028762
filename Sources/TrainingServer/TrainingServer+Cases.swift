import CargoModel
import CaseBundle
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Scoring
import Storage
import XRayImaging

extension TrainingServer {
    static let scanFiles = ["scan.png", "scan-high.png", "scan-low.png"]
    static let probeFiles = ["scan-high.png", "scan-low.png"]
    static let maximumMarks = 32
    static let maximumPolygonPoints = 64

    struct AssignmentSummary: Encodable {
        var id: Int64
        var courseId: String
        var title: String
        var mode: AttemptMode
        var caseCount: Int
        var submittedCount: Int
        var resultsReleased: Bool
        var assignedAt: Instant
        var opensAt: Instant?
        var closesAt: Instant?
        var caseTimeLimitMinutes: Int?
    }

    struct AssignmentDetail: Encodable {
        struct CaseStatus: Encodable {
            var caseId: String
            var position: Int
            var status: String
            var currentStage: Stage?
            /// The case's stages (a targeting-only case is a documents-only exercise).
            var stages: [Stage]

            private enum CodingKeys: String, CodingKey { case caseId, position, status, currentStage, stages }

            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(caseId, forKey: .caseId)
                try c.encode(position, forKey: .position)
                try c.encode(status, forKey: .status)
                try c.encode(currentStage, forKey: .currentStage)
                try c.encode(stages, forKey: .stages)
            }
        }
        var id: Int64
        var courseId: String
        var title: String
        var mode: AttemptMode
        var resultsReleased: Bool
        var opensAt: Instant?
        var closesAt: Instant?
        var caseTimeLimitMinutes: Int?
        var cases: [CaseStatus]
    }

    struct ExamineInput: Decodable {
        var points: [ExaminationPoint]
    }

    struct ExamineAnswer: Encodable {
        var observations: [Observation]
        var seal: ObservedSeal?
    }

    /// A `Decision` without the times, which the server stamps.
    struct DecisionInput: Decodable {
        var stage: Stage
        var disposition: Disposition
        var agency: Agency?
        var markedRegions: [MarkedRegion]?
        var flaggedIndicators: [RiskIndicator]?
        var sealFindings: [SealFinding]?
        var evidenceSteps: [EvidenceStep]?

        static let fields: Set<String> = [
            "stage", "disposition", "agency", "markedRegions", "flaggedIndicators", "sealFindings", "evidenceSteps",
        ]
    }

    struct DecisionAnswer: Encodable {
        var stage: Stage
        var nextStage: Stage?
        var submittedAt: Instant
        var final: Bool

        private enum CodingKeys: String, CodingKey { case stage, nextStage, submittedAt, final }

        // `nextStage` is written as null at the end (docs/API.md), not left out.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(stage, forKey: .stage)
            try c.encode(nextStage, forKey: .nextStage)
            try c.encode(submittedAt, forKey: .submittedAt)
            try c.encode(final, forKey: .final)
        }
    }

    struct ProbeAnswer: Encodable {
        var x: Int
        var y: Int
        var value: UInt16
        var transmission: Double
    }

    /// The caller's own assignment and one of its cases, with the stages decided so far; 404 for anything
    /// that is not theirs or does not exist (the same answer for both).
    struct CaseAccess {
        var user: User
        var assignment: Assignment
        var inspectionCase: InspectionCase
        var gate: StageGate
        /// What the cache knows of the case's progress (`decided` is always known here).
        var progress: WorkCache.Progress
    }

    func ownCase(_ user: User, _ context: ServerContext) async throws -> CaseAccess {
        let assignmentId = try pathId(context, "aid")
        guard let caseId = context.parameters.get("cid"), CourseNames.isValidCaseId(caseId),
            let assignment = try await self.assignment(id: assignmentId), assignment.userId == user.id,
            let inspectionCase = try await cases.inspectionCase(
                courseId: assignment.courseId, caseId: caseId, storage: storage)
        else { throw APIError.notFound }
        if let opens = assignment.opensAt, now() < opens { throw APIError.notOpen(opens) }
        var progress = work.progress(assignmentId: assignment.id, caseId: caseId)
        if progress.decided == nil {
            let epoch = work.currentEpoch
            let decided = try await storage.decidedStages(assignmentId: assignment.id, caseId: caseId)
            progress = work.merge(
                .init(decided: decided), assignmentId: assignment.id, caseId: caseId, readAt: epoch)
        }
        return CaseAccess(
            user: user, assignment: assignment, inspectionCase: inspectionCase,
            gate: StageGate(stages: inspectionCase.stages, decided: progress.decided ?? []), progress: progress)
    }

    /// When a test case's time runs out: its first stage's showing plus the assignment's limit; nil without a limit
    /// or before the case was first shown.
    func deadline(_ access: CaseAccess) async throws -> Instant? {
        guard access.assignment.mode == .test, let minutes = access.assignment.caseTimeLimitMinutes,
            let first = try await shownTime(access, stage: .targeting, record: false)
        else { return nil }
        return first.adding(minutes: minutes)
    }

    /// True when the case can take no more decisions: the assignment closed, or a test case's time ran out.
    func isTimedOut(_ access: CaseAccess) async throws -> Bool {
        guard !access.gate.isFinished else { return false }
        let time = now()
        if let closes = access.assignment.closesAt, time >= closes { return true }
        if let deadline = try await deadline(access), time >= deadline { return true }
        return false
    }

    /// Refuses a change to the case once the assignment has closed or the case's time has run out; the case is
    /// then graded on the stages decided so far.
    func checkStillOpen(_ access: CaseAccess) async throws {
        let time = now()
        if let closes = access.assignment.closesAt, time >= closes {
            try await gradeUnfinished(access)
            throw APIError.closed(closes)
        }
        if let deadline = try await deadline(access), time >= deadline {
            try await gradeUnfinished(access)
            throw APIError.timeUp(deadline)
        }
    }

    /// Grades a case closed before its last stage on the decisions made (none: nothing to grade), once.
    func gradeUnfinished(_ access: CaseAccess) async throws {
        guard !access.gate.decided.isEmpty, !access.gate.isFinished else { return }
        let graded = try await storage.grades(assignmentId: access.assignment.id)
        guard !graded.contains(where: { $0.caseId == access.inspectionCase.id }) else { return }
        try await storage.saveGrade(try await gradeRecord(access))
    }

    /// The examination points chosen for the case (nil: none yet), from the cache or the store.
    func chosenPoints(_ access: CaseAccess) async throws -> [ExaminationPoint]? {
        if let known = access.progress.chosen { return known }
        let epoch = work.currentEpoch
        let stored = try await storage.examination(assignmentId: access.assignment.id, caseId: access.inspectionCase.id)
        let merged = work.merge(
            .init(chosen: .some(stored)), assignmentId: access.assignment.id, caseId: access.inspectionCase.id,
            readAt: epoch)
        return merged.chosen ?? stored
    }

    /// When the stage was first shown: recorded now if it never was (`record`), else only read.
    func shownTime(_ access: CaseAccess, stage: Stage, record: Bool) async throws -> Instant? {
        if let known = access.progress.shown[stage] { return known }
        let aid = access.assignment.id, cid = access.inspectionCase.id
        let time =
            record
            ? try await storage.recordShown(assignmentId: aid, caseId: cid, stage: stage, at: now())
            : try await storage.shownTime(assignmentId: aid, caseId: cid, stage: stage)
        // A first showing never changes: whatever the store said is kept whatever happened meanwhile.
        if let time { work.merge(.init(shown: [stage: time]), assignmentId: aid, caseId: cid) }
        return time
    }

    /// Per case of an assignment: the gate (stages decided so far).
    func gates(of assignment: Assignment) async throws -> [(caseId: String, gate: StageGate)] {
        let decisions = try await storage.decisions(assignmentId: assignment.id, caseId: nil)
        var decidedByCase: [String: [Stage]] = [:]
        for record in decisions { decidedByCase[record.caseId, default: []].append(record.decision.stage) }
        var out: [(caseId: String, gate: StageGate)] = []
        for caseId in try await storage.caseIds(courseId: assignment.courseId) {
            guard
                let c = try await cases.inspectionCase(
                    courseId: assignment.courseId, caseId: caseId, storage: storage)
            else { continue }
            out.append((caseId, StageGate(stages: c.stages, decided: decidedByCase[caseId] ?? [])))
        }
        return out
    }

    func addTraineeRoutes(to router: Router<ServerContext>) {
        router.get("/api/assignments") { request, _ in
            let (user, _) = try await self.authenticate(request)
            // Staff see every assignment (to find results); trainees only their own.
            let list = try await self.storage.assignments(userId: user.role.isStaff ? nil : user.id)
            var out: [AssignmentSummary] = []
            for assignment in list {
                let gates = try await self.gates(of: assignment)
                let title = try await self.storage.course(id: assignment.courseId)?.title ?? assignment.courseId
                out.append(
                    AssignmentSummary(
                        id: assignment.id, courseId: assignment.courseId, title: title, mode: assignment.mode,
                        caseCount: gates.count, submittedCount: gates.filter(\.gate.isFinished).count,
                        resultsReleased: assignment.resultsReleased, assignedAt: assignment.assignedAt,
                        opensAt: assignment.opensAt, closesAt: assignment.closesAt,
                        caseTimeLimitMinutes: assignment.caseTimeLimitMinutes))
            }
            return jsonResponse(out)
        }

        router.get("/api/assignments/:aid") { request, context in
            let (user, _) = try await self.authenticate(request)
            guard let assignment = try await self.assignment(id: try pathId(context, "aid")),
                assignment.userId == user.id || user.role.isStaff
            else { throw APIError.notFound }
            let title = try await self.storage.course(id: assignment.courseId)?.title ?? assignment.courseId
            let gates = try await self.gates(of: assignment)
            let statuses = gates.enumerated().map { position, item in
                AssignmentDetail.CaseStatus(
                    caseId: item.caseId, position: position,
                    status: item.gate.isFinished ? "submitted" : item.gate.decided.isEmpty ? "new" : "in-progress",
                    currentStage: item.gate.current, stages: item.gate.stages)
            }
            return jsonResponse(
                AssignmentDetail(
                    id: assignment.id, courseId: assignment.courseId, title: title, mode: assignment.mode,
                    resultsReleased: assignment.resultsReleased, opensAt: assignment.opensAt,
                    closesAt: assignment.closesAt, caseTimeLimitMinutes: assignment.caseTimeLimitMinutes,
                    cases: statuses))
        }

        router.get("/api/assignments/:aid/cases/:cid") { request, context in
            let (user, _) = try await self.authenticate(request)
            let access = try await self.ownCase(user, context)
            let caseId = access.inspectionCase.id
            if let current = access.gate.current {
                _ = try await self.shownTime(access, stage: current, record: true)
            }
            let chosen = try await self.chosenPoints(access)
            // The view depends only on the key; encoded once per key (JSONEncoder was ~10 % of the CPU).
            let deadline = try await self.deadline(access)
            let timedOut = try await self.isTimedOut(access)
            if timedOut { try await self.gradeUnfinished(access) }
            let key = WorkCache.ViewKey(
                courseId: access.assignment.courseId, caseId: caseId, mode: access.assignment.mode,
                decided: access.gate.decided.count, chosen: chosen, deadline: deadline, timedOut: timedOut)
            if let body = self.work.view(key) { return jsonResponse(body: body) }
            let body = jsonBody(
                CaseView(
                    caseId: caseId, mode: access.assignment.mode, stages: access.inspectionCase.stages,
                    currentStage: timedOut ? nil : access.gate.current, decided: access.gate.decided,
                    deadline: deadline, timedOut: timedOut,
                    case: RestrictedCase(access.inspectionCase, gate: access.gate, chosenPoints: chosen)))
            self.work.keep(view: body, for: key)
            return jsonResponse(body: body)
        }

        router.get("/api/assignments/:aid/cases/:cid/scans/:name") { request, context in
            let (user, _) = try await self.authenticate(request)
            let access = try await self.ownCase(user, context)
            let name = try self.openScan(access, context)
            guard
                let bytes = try await self.cases.file(
                    courseId: access.assignment.courseId, caseId: access.inspectionCase.id, name: name,
                    storage: self.storage)
            else { throw APIError.notFound }
            return fileResponse(bytes, contentType: "image/png", cacheable: true)
        }

        router.get("/api/assignments/:aid/cases/:cid/scans/:name/probe") { request, context in
            let (user, _) = try await self.authenticate(request)
            let access = try await self.ownCase(user, context)
            let name = try self.openScan(access, context)
            guard Self.probeFiles.contains(name) else {
                throw APIError.badRequest("Probe scan-high.png or scan-low.png (the 16-bit data).", field: "name")
            }
            let query = request.uri.queryParameters
            guard let xText = query["x"], let x = Int(String(xText)) else {
                throw APIError.badRequest("Give x as a whole pixel column.", field: "x")
            }
            guard let yText = query["y"], let y = Int(String(yText)) else {
                throw APIError.badRequest("Give y as a whole pixel row.", field: "y")
            }
            guard
                let scan = try await self.cases.scan(
                    courseId: access.assignment.courseId, caseId: access.inspectionCase.id, file: name,
                    storage: self.storage), scan.channels == 1
            else { throw APIError.notFound }
            guard (0..<scan.width).contains(x) else {
                throw APIError.badRequest("Give x from 0 to \(scan.width - 1).", field: "x")
            }
            guard (0..<scan.height).contains(y) else {
                throw APIError.badRequest("Give y from 0 to \(scan.height - 1).", field: "y")
            }
            let value = scan.samples[y * scan.width + x]
            return jsonResponse(
                ProbeAnswer(x: x, y: y, value: value, transmission: RenderedScan.transmission(ofSample: value)))
        }

        router.get("/api/assignments/:aid/cases/:cid/door.svg") { request, context in
            let (user, _) = try await self.authenticate(request)
            let access = try await self.ownCase(user, context)
            guard access.inspectionCase.stages.contains(.examination) else { throw APIError.notFound }
            guard access.gate.isOpen(.examination) else {
                throw APIError.stageLocked("The door end is shown once the examination stage is open.")
            }
            guard
                let bytes = try await self.cases.file(
                    courseId: access.assignment.courseId, caseId: access.inspectionCase.id, name: "door.svg",
                    storage: self.storage)
            else { throw APIError.notFound }
            return fileResponse(bytes, contentType: "image/svg+xml", cacheable: true)
        }

        router.post("/api/assignments/:aid/cases/:cid/examine") { request, context in
            let (user, _) = try await self.authenticateChange(request)
            let access = try await self.ownCase(user, context)
            let input = try await self.decodeBody(ExamineInput.self, from: request, allowedFields: ["points"])
            guard let stage = access.inspectionCase.examination, access.inspectionCase.stages.contains(.examination)
            else { throw APIError.notFound }
            guard access.gate.isOpen(.examination) else {
                throw APIError.stageLocked("Decide the earlier stages first; the examination is not open yet.")
            }
            guard access.gate.current == .examination else {
                throw APIError.conflict("The examination stage is already decided.")
            }
            try await self.checkStillOpen(access)
            guard !input.points.isEmpty else {
                throw APIError.badRequest("Choose at least one point to examine.", field: "points")
            }
            let offered = stage.points
            for (i, point) in input.points.enumerated() {
                guard offered.contains(point) else {
                    throw APIError.badRequest("This container does not offer that point.", field: "points[\(i)]")
                }
                guard !input.points[..<i].contains(point) else {
                    throw APIError.badRequest("Each point once.", field: "points[\(i)]")
                }
            }
            do {
                try await self.storage.recordExamination(
                    assignmentId: access.assignment.id, caseId: access.inspectionCase.id, points: input.points,
                    at: self.now())
            } catch let error as StorageError where error.code == "conflict" {
                throw APIError.conflict("The points are already chosen; the examination is made once per case.")
            }
            self.work.merge(
                .init(chosen: .some(input.points)), assignmentId: access.assignment.id,
                caseId: access.inspectionCase.id)
            return jsonResponse(
                ExamineAnswer(
                    observations: stage.observations.filter { input.points.contains($0.point) },
                    seal: input.points.contains(.seal) ? stage.seal : nil))
        }

        router.post("/api/assignments/:aid/cases/:cid/decisions") { request, context in
            let (user, _) = try await self.authenticateChange(request)
            let access = try await self.ownCase(user, context)
            let input = try await self.decodeBody(
                DecisionInput.self, from: request, allowedFields: DecisionInput.fields)
            return try await self.decide(input, access: access, context: context)
        }

        router.get("/api/assignments/:aid/cases/:cid/feedback") { request, context in
            let (user, _) = try await self.authenticate(request)
            let access = try await self.ownCase(user, context)
            let timedOut = try await self.isTimedOut(access)
            guard access.gate.isFinished || timedOut else {
                throw APIError.stageLocked("Feedback comes after the last stage is decided.")
            }
            try await self.gradeUnfinished(access)
            guard access.assignment.mode == .training || access.assignment.resultsReleased else {
                return jsonResponse(["released": false])
            }
            // Test integrity: the key never reaches a trainee whose test still holds this case (an instructor
            // overrode the mode rule, or another course shares the case).
            let tests = try await self.storage.openTests(userId: user.id, caseId: access.inspectionCase.id)
            if tests.contains(where: { $0.id != access.assignment.id }) {
                return jsonResponse(HeldFeedback())
            }
            return jsonResponse(try await self.feedback(access))
        }
    }

    /// Feedback held back: the same case is open in one of the trainee's tests.
    struct HeldFeedback: Encodable {
        var released = false
        var heldForTest = true
    }

    /// The scan named in the path, once screening is open: 404 for a name that is not one of the case's
    /// scans, 409 `stage-locked` before screening.
    func openScan(_ access: CaseAccess, _ context: ServerContext) throws -> String {
        guard let name = context.parameters.get("name"), Self.scanFiles.contains(name),
            access.inspectionCase.stages.contains(.screening),
            access.inspectionCase.screening?.scans.contains(where: { $0.file == name }) ?? false
        else { throw APIError.notFound }
        guard access.gate.isOpen(.screening) else {
            throw APIError.stageLocked("The scans are shown once the screening stage is open.")
        }
        return name
    }

    func decide(_ input: DecisionInput, access: CaseAccess, context: ServerContext) async throws -> Response {
        let c = access.inspectionCase
        var gate = access.gate
        switch gate.decide(input.stage) {
        case .alreadyDecided:
            throw APIError.conflict("This stage is already decided; a decision is final.", field: "stage")
        case .notOpen: throw APIError.conflict("Decide the current stage first (stages go in order).", field: "stage")
        case .accepted: break
        }
        try await checkStillOpen(access)
        // The examination is decided on what the chosen points showed: choose them first.
        if input.stage == .examination, try await chosenPoints(access) == nil {
            throw APIError.stageLocked(
                "Choose the points to examine first (POST …/examine); the examination decision rests on what they show.")
        }
        guard Disposition.options(at: input.stage).contains(input.disposition) else {
            throw APIError.badRequest(
                "At \(input.stage.rawValue) choose one of: "
                    + Disposition.options(at: input.stage).map(\.rawValue).joined(separator: ", ") + ".",
                field: "disposition")
        }
        guard (input.disposition == .referToAgency) == (input.agency != nil) else {
            throw APIError.badRequest("Name an agency exactly when the disposition is referToAgency.", field: "agency")
        }
        let marks = input.markedRegions ?? []
        guard marks.count <= Self.maximumMarks else {
            throw APIError.badRequest("Mark at most \(Self.maximumMarks) regions.", field: "markedRegions")
        }
        guard marks.isEmpty || input.stage == .screening else {
            throw APIError.badRequest("Mark regions at the screening stage only.", field: "markedRegions")
        }
        let scans = c.screening?.scans ?? []
        for (i, mark) in marks.enumerated() {
            let field = "markedRegions[\(i)]"
            guard let scan = scans.first(where: { $0.file == mark.scan }) else {
                throw APIError.badRequest(
                    scans.isEmpty
                        ? "This case has no scan to mark."
                        : "Mark one of: " + scans.map(\.file).joined(separator: ", ") + ".",
                    field: field + ".scan")
            }
            if case .polygon(let points) = mark.shape, points.count > Self.maximumPolygonPoints || points.count < 3 {
                throw APIError.badRequest(
                    "Give a polygon 3 to \(Self.maximumPolygonPoints) points.", field: field + ".shape.points")
            }
            let box = RegionBox(mark.shape)
            let inside =
                [box.x, box.y, box.width, box.height].allSatisfy(\.isFinite) && box.x >= 0 && box.y >= 0
                && box.width >= 0 && box.height >= 0 && box.x + box.width <= Double(scan.widthPixels)
                && box.y + box.height <= Double(scan.heightPixels)
            guard inside else {
                throw APIError.badRequest(
                    "Keep the region inside the scan (\(scan.widthPixels) × \(scan.heightPixels) pixels).",
                    field: field + ".shape")
            }
        }
        let lists: [(String, Int, Int)] = [
            ("flaggedIndicators", input.flaggedIndicators?.count ?? 0, RiskIndicator.allCases.count),
            ("sealFindings", input.sealFindings?.count ?? 0, SealFinding.allCases.count),
            ("evidenceSteps", input.evidenceSteps?.count ?? 0, EvidenceStep.allCases.count * 2),
        ]
        for (field, count, limit) in lists where count > limit {
            throw APIError.badRequest("At most \(limit) entries.", field: field)
        }

        let time = now()
        let shown = try await shownTime(access, stage: input.stage, record: false)
        let examined = input.stage == .examination ? try await chosenPoints(access) ?? [] : []
        let decision = Decision(
            stage: input.stage, disposition: input.disposition, agency: input.agency,
            shownAt: min(shown ?? time, time), decidedAt: time, clock: .server, markedRegions: marks,
            flaggedIndicators: input.flaggedIndicators ?? [], sealFindings: input.sealFindings ?? [],
            examinedPoints: examined, evidenceSteps: input.evidenceSteps ?? [])
        // The last decision is stored together with the grade, in one transaction (one wait for the disk).
        var grade: GradeRecord?
        if gate.isFinished {
            let earlier = try await storage.decisions(assignmentId: access.assignment.id, caseId: c.id).map(\.decision)
            // Graded only from the decisions the gate went by; otherwise the write below is a conflict anyway.
            if earlier.map(\.stage) == access.gate.decided {
                // A grading failure is logged, and the decision is kept without its grade, as before.
                do { grade = try await gradeRecord(access, decisions: earlier + [decision]) } catch {
                    context.logger.error("Grading \(c.id) of assignment \(access.assignment.id) failed: \(error)")
                }
            }
        }
        do {
            try await storage.recordDecision(
                DecisionRecord(
                    assignmentId: access.assignment.id, userId: access.user.id, caseId: c.id, decision: decision),
                decidedBefore: access.gate.decided, grade: grade)
        } catch let error as StorageError where error.code == "conflict" {
            throw APIError.conflict(
                "This stage is already decided, or another stage was decided meanwhile; reload the case.",
                field: "stage")
        }
        work.merge(.init(decided: gate.decided), assignmentId: access.assignment.id, caseId: c.id)
        return jsonResponse(
            DecisionAnswer(stage: input.stage, nextStage: gate.current, submittedAt: time, final: gate.isFinished),
            status: .created)
    }
}

/// File bytes with their content type; scans and the door drawing may be cached by the browser
/// privately (they only ever come to their own trainee).
func fileResponse(_ bytes: [UInt8], contentType: String, cacheable: Bool = false) -> Response {
    fileResponse(ByteBuffer(bytes: bytes), contentType: contentType, cacheable: cacheable)
}

/// As above, from a buffer that is sent as it is (a cached file: no copy).
func fileResponse(_ buffer: ByteBuffer, contentType: String, cacheable: Bool = false) -> Response {
    var headers: HTTPFields = [.contentType: contentType, .contentLength: String(buffer.readableBytes)]
    headers[.cacheControl] = cacheable ? "private, max-age=3600" : "no-cache"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
}
