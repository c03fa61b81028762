import CargoModel
import CaseBundle
import CasePrint
import Foundation
import Hummingbird
import Scoring
import Storage

/// The projector debrief of a class, one case at a time, and a course's printed packs (the paper exercise and
/// the marking guide): staff only (docs/API.md, "Watching a class, the debrief and printed packs").
extension TrainingServer {
    /// The query's `lang` (en, es, pt), else the user's language; 400 naming `lang` otherwise.
    static func language(_ request: Request, default user: User) throws -> String {
        guard let text = request.uri.queryParameters["lang"].map(String.init) else { return user.language }
        guard languages.contains(text) else { throw APIError.badRequest("Give lang as en, es or pt.", field: "lang") }
        return text
    }

    /// The query's boolean `name` (`true`/`false`, `1`/`0`), default false; 400 naming it otherwise.
    static func flag(_ request: Request, _ name: String) throws -> Bool {
        guard let text = request.uri.queryParameters[Substring(name)].map(String.init) else { return false }
        switch text {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.badRequest("Give \(name) as true or false.", field: name)
        }
    }

    /// The case text of the server's catalogue in `language` (seal makers' and goods' names), loaded once.
    func caseText(_ language: String) -> CaseText {
        if let catalog = catalog.withLockedValue({ $0 }) {
            return CaseText(localizer: configuration.localizer, lang: language, catalog: catalog)
        }
        // Without its catalogue the packs still print, with makers' ids and goods as the documents give them.
        let loaded = try? CatalogLoader().load(from: configuration.assets)
        catalog.withLockedValue { $0 = loaded }
        return loaded.map { CaseText(localizer: configuration.localizer, lang: language, catalog: $0) }
            ?? CaseText(localizer: configuration.localizer, lang: language)
    }

    func addDebriefRoutes(to router: Router<ServerContext>) {
        router.get("/api/groups/:gid/debrief/:cid") { request, context in
            let (staff, group) = try await self.staffGroup(request, context)
            let c = try await self.groupCase(group, context)
            let language = try Self.language(request, default: staff)
            let withNames = try Self.flag(request, "names")
            guard let key = try await self.answerKeys(courseId: group.courseId, caseIds: [c.id])[c.id] else {
                throw APIError.internalError
            }
            let assignments = try await self.storage.assignments(groupId: group.id)
            let decisions = try await self.storage.decisions(groupId: group.id, caseId: c.id)
            let grades = try await self.storage.grades(groupId: group.id).filter { $0.caseId == c.id }
            let people = try await self.people(assignments)
            let decoder = JSONDecoder()
            var work: [ClassDebrief.Work] = []
            for assignment in assignments {
                let own = decisions.filter { $0.assignmentId == assignment.id }.map(\.decision)
                let grade = try grades.first { $0.assignmentId == assignment.id }.map {
                    try decoder.decode(Grade.self, from: Data($0.gradeJSON))
                }
                guard !own.isEmpty || grade != nil else { continue }
                work.append(
                    .init(
                        displayName: people[assignment.userId]?.displayName ?? "", decisions: own, grade: grade))
            }
            let localizer = self.configuration.localizer
            let debrief = ClassDebrief(
                inspectionCase: c, key: key, caseIds: try await self.storage.caseIds(courseId: group.courseId),
                trainees: assignments.count, work: work,
                regions: self.regionViews(ScanGeometry(scansOf: c, key: key), key: key, language: language),
                rationale: key.rationale.map {
                    Feedback.line(of: $0, language: language) { localizer.text($0, language, $1) }
                },
                language: language, withNames: withNames)
            return jsonResponse(debrief)
        }

        router.get("/api/courses/:id/print/exercise") { request, context in
            let (user, course) = try await self.staffCourse(request, context)
            let language = try Self.language(request, default: user)
            var entries: [PaperExercise.Entry] = []
            for c in try await self.courseCases(course.id) {
                entries.append(.init(inspectionCase: c, pictures: Self.printPictures(course.id, c)))
            }
            let html = PaperExercise(self.caseText(language)).html(
                courseId: course.id, title: course.title, entries: entries)
            return Self.htmlResponse(html)
        }

        router.get("/api/courses/:id/print/guide") { request, context in
            let (user, course) = try await self.staffCourse(request, context)
            let language = try Self.language(request, default: user)
            let caseList = try await self.courseCases(course.id)
            let keys = try await self.answerKeys(courseId: course.id, caseIds: caseList.map(\.id))
            let entries = caseList.map {
                MarkingGuide.Entry(inspectionCase: $0, key: keys[$0.id]!, pictures: Self.printPictures(course.id, $0))
            }
            let html = MarkingGuide(self.caseText(language)).html(
                courseId: course.id, title: course.title, entries: entries)
            return Self.htmlResponse(html)
        }

        router.get("/api/courses/:id/print/cases/:cid/:name") { request, context in
            let (_, course) = try await self.staffCourse(request, context)
            guard let caseId = context.parameters.get("cid"), CourseNames.isValidCaseId(caseId),
                let c = try await self.cases.inspectionCase(courseId: course.id, caseId: caseId, storage: self.storage)
            else { throw APIError.notFound }
            return try await self.caseFileResponse(courseId: course.id, c, context)
        }
    }

    /// The course in the path, for staff; 404 otherwise.
    func staffCourse(_ request: Request, _ context: ServerContext) async throws -> (User, CourseSummary) {
        let (user, _) = try await authenticate(request)
        try requireStaff(user)
        guard let id = context.parameters.get("id"), let course = try await storage.course(id: id) else {
            throw APIError.notFound
        }
        return (user, course)
    }

    /// The print pages' pictures: the server's own addresses of the case's colour scan and door drawing.
    static func printPictures(_ courseId: String, _ c: InspectionCase) -> CasePictures {
        let base = "/api/courses/\(percentEncoded(courseId))/print/cases/\(percentEncoded(c.id))/"
        let scan = c.screening?.scans.first { $0.file == "scan.png" }
        return CasePictures(
            scan: scan.map { (base + "scan.png", $0.widthPixels, $0.heightPixels) },
            door: c.examination == nil ? nil : base + "door.svg")
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? text
    }

    static func htmlResponse(_ html: String) -> Response {
        let bytes = ByteBuffer(string: html)
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .contentLength: String(bytes.readableBytes),
                .cacheControl: "no-store",
            ], body: .init(byteBuffer: bytes))
    }
}
