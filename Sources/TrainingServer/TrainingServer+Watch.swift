import CargoModel
import CaseBundle
import Foundation
import Hummingbird
import Scoring
import Storage

/// Watching a class (docs/API.md, "Watching a class, the debrief and printed packs"): its progress, live; its
/// report from Scoring; a trainee's attempt in the feedback's own shape; the scans these views show. Staff only.
extension TrainingServer {
    /// A trainee's attempt at a case as staff see it.
    struct AttemptView: Encodable {
        struct Trainee: Encodable {
            var userId: Int64
            var username: String
            var displayName: String
        }
        struct Mark: Encodable {
            var x: Double
            var y: Double
            var width: Double
            var height: Double
        }
        var trainee: Trainee
        var assignmentId: Int64
        var caseId: String
        var mode: AttemptMode
        var stages: [Stage]
        var decided: [Stage]
        var currentStage: Stage?
        var timedOut: Bool
        var `case`: InspectionCase
        var decisions: [Decision]
        var chosenPoints: [ExaminationPoint]?
        /// The screening marks, as boxes on the scans' shared pixel geometry.
        var marks: [Mark]
        /// The feedback with the key, in the caller's language, once the case is graded; nil before.
        var feedback: FeedbackView?

        private enum CodingKeys: String, CodingKey {
            case trainee, assignmentId, caseId, mode, stages, decided, currentStage, timedOut, `case`, decisions
            case chosenPoints, marks, feedback
        }

        // `currentStage` and `feedback` are written as null, not left out.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(trainee, forKey: .trainee)
            try c.encode(assignmentId, forKey: .assignmentId)
            try c.encode(caseId, forKey: .caseId)
            try c.encode(mode, forKey: .mode)
            try c.encode(stages, forKey: .stages)
            try c.encode(decided, forKey: .decided)
            try c.encode(currentStage, forKey: .currentStage)
            try c.encode(timedOut, forKey: .timedOut)
            try c.encode(`case`, forKey: .case)
            try c.encode(decisions, forKey: .decisions)
            try c.encodeIfPresent(chosenPoints, forKey: .chosenPoints)
            try c.encode(marks, forKey: .marks)
            try c.encode(feedback, forKey: .feedback)
        }
    }

    /// The cases of a course in order, each with its stages.
    func courseCases(_ courseId: String) async throws -> [InspectionCase] {
        var out: [InspectionCase] = []
        for caseId in try await storage.caseIds(courseId: courseId) {
            if let c = try await cases.inspectionCase(courseId: courseId, caseId: caseId, storage: storage) {
                out.append(c)
            }
        }
        return out
    }

    /// The names of the people in a class.
    func people(_ assignments: [Assignment]) async throws -> [Int64: ClassProgress.Person] {
        var out: [Int64: ClassProgress.Person] = [:]
        for assignment in assignments {
            if let user = try await user(id: assignment.userId) {
                out[user.id] = .init(username: user.username, displayName: user.displayName)
            }
        }
        return out
    }

    /// A case of the group's course, or 404.
    func groupCase(_ group: AssignmentGroup, _ context: ServerContext) async throws -> InspectionCase {
        guard let caseId = context.parameters.get("cid"), CourseNames.isValidCaseId(caseId),
            let c = try await cases.inspectionCase(courseId: group.courseId, caseId: caseId, storage: storage)
        else { throw APIError.notFound }
        return c
    }

    /// The report's learning-curve block: the query's `block` (1–100), else a fifth of the course (1–10).
    static func blockSize(_ request: Request, caseCount: Int) throws -> Int {
        guard let text = request.uri.queryParameters["block"] else { return max(1, min(10, caseCount / 5)) }
        guard let size = Int(String(text)), (1...100).contains(size) else {
            throw APIError.badRequest("Give block as a whole number of cases from 1 to 100.", field: "block")
        }
        return size
    }

    func classReport(_ group: AssignmentGroup, blockSize: Int?) async throws -> (ClassReport, CohortReport) {
        let caseList = try await courseCases(group.courseId)
        let assignments = try await storage.assignments(groupId: group.id)
        let records = try await storage.grades(groupId: group.id)
        let decoder = JSONDecoder()
        let graded = try records.map {
            ClassReport.Graded(userId: $0.userId, grade: try decoder.decode(Grade.self, from: Data($0.gradeJSON)))
        }
        let ids = caseList.map(\.id)
        return ClassReport.make(
            groupId: group.id, graded: graded,
            keys: try await answerKeys(courseId: group.courseId, caseIds: Array(Set(graded.map(\.grade.caseId)))),
            vantages: Dictionary(caseList.map { ($0.id, $0.vantage) }, uniquingKeysWith: { a, _ in a }), caseIds: ids,
            people: try await people(assignments), blockSize: blockSize ?? max(1, min(10, ids.count / 5)))
    }

    /// The staff's access to a trainee's case: the trainee's own `CaseAccess`, for the same grading and feedback.
    func staffAccess(_ group: AssignmentGroup, _ context: ServerContext) async throws -> CaseAccess {
        let assignmentId = try pathId(context, "aid")
        guard let assignment = try await self.assignment(id: assignmentId), assignment.groupId == group.id,
            let trainee = try await user(id: assignment.userId)
        else { throw APIError.notFound }
        let c = try await groupCase(group, context)
        let decided = try await storage.decidedStages(assignmentId: assignment.id, caseId: c.id)
        return CaseAccess(
            user: trainee, assignment: assignment, inspectionCase: c,
            gate: StageGate(stages: c.stages, decided: decided), progress: .init(decided: decided))
    }

    func addWatchRoutes(to router: Router<ServerContext>) {
        router.get("/api/groups/:gid/progress") { request, context in
            let (_, group) = try await self.staffGroup(request, context)
            let activity = try await self.storage.groupActivity(groupId: group.id)
            let progress = ClassProgress(
                group: group, activity: activity,
                cases: try await self.courseCases(group.courseId).map { ($0.id, $0.stages) },
                people: try await self.people(activity.assignments), at: self.now())
            return jsonResponse(progress)
        }

        router.get("/api/groups/:gid/report") { request, context in
            let (_, group) = try await self.staffGroup(request, context)
            let block = try Self.blockSize(
                request, caseCount: try await self.storage.caseIds(courseId: group.courseId).count)
            return jsonResponse(try await self.classReport(group, blockSize: block).0)
        }

        router.get("/api/groups/:gid/report.csv") { request, context in
            let (_, group) = try await self.staffGroup(request, context)
            let block = try Self.blockSize(
                request, caseCount: try await self.storage.caseIds(courseId: group.courseId).count)
            let csv = try await self.classReport(group, blockSize: block).1.csv()
            var response = fileResponse(Array(csv.utf8), contentType: "text/csv; charset=utf-8")
            response.headers[.contentDisposition] = "attachment; filename=\"class-\(group.id)-report.csv\""
            return response
        }

        router.get("/api/groups/:gid/attempts/:aid/cases/:cid") { request, context in
            let (staff, group) = try await self.staffGroup(request, context)
            let access = try await self.staffAccess(group, context)
            let decisions = try await self.storage.decisions(
                assignmentId: access.assignment.id, caseId: access.inspectionCase.id
            ).map(\.decision)
            let graded = try await self.storage.grades(assignmentId: access.assignment.id).contains {
                $0.caseId == access.inspectionCase.id
            }
            let feedback =
                access.gate.isFinished || graded ? try await self.feedback(access, language: staff.language) : nil
            let marks = decisions.flatMap(\.markedRegions).map { region -> AttemptView.Mark in
                let box = region.shape.boundingBox
                return AttemptView.Mark(x: box.x, y: box.y, width: box.width, height: box.height)
            }
            let trainee = access.user
            return jsonResponse(
                AttemptView(
                    trainee: .init(userId: trainee.id, username: trainee.username, displayName: trainee.displayName),
                    assignmentId: access.assignment.id, caseId: access.inspectionCase.id, mode: access.assignment.mode,
                    stages: access.inspectionCase.stages, decided: access.gate.decided,
                    currentStage: access.gate.current, timedOut: try await self.isTimedOut(access),
                    case: access.inspectionCase, decisions: decisions,
                    chosenPoints: try await self.storage.examination(
                        assignmentId: access.assignment.id, caseId: access.inspectionCase.id),
                    marks: marks, feedback: feedback))
        }

        // The files of a case of the class's course, for the staff views (the attempt's viewer, the debrief).
        router.get("/api/groups/:gid/cases/:cid/files/:name") { request, context in
            let (_, group) = try await self.staffGroup(request, context)
            let c = try await self.groupCase(group, context)
            return try await self.caseFileResponse(courseId: group.courseId, c, context)
        }
    }

    /// A scan or the door drawing of a case, for staff (the case must list the scan; the door needs examination).
    func caseFileResponse(courseId: String, _ c: InspectionCase, _ context: ServerContext) async throws -> Response {
        guard let name = context.parameters.get("name") else { throw APIError.notFound }
        let isScan = Self.scanFiles.contains(name) && (c.screening?.scans.contains { $0.file == name } ?? false)
        let isDoor = name == "door.svg" && c.examination != nil
        guard isScan || isDoor,
            let bytes = try await cases.file(courseId: courseId, caseId: c.id, name: name, storage: storage)
        else { throw APIError.notFound }
        return fileResponse(bytes, contentType: isDoor ? "image/svg+xml" : "image/png", cacheable: true)
    }
}
