import CargoModel
import CaseBundle
import Foundation
import HTTPTypes
import Scoring
import Storage
import Testing

@testable import TrainingServer

/// Watching a class: progress, the report (checked against Scoring's own functions on the same grades), a
/// trainee's attempt, the debrief and the printed packs.
@Suite struct WatchTests {
    /// A class of trainee1 and trainee2 on the training course (which both already practise: same mode).
    static func makeClass(_ world: TestWorld) async throws -> (group: AssignmentGroup, aids: [String: Int64]) {
        let made = try await world.storage.createGroup(
            NewAssignmentGroup(courseId: world.course.courseId, mode: .training, createdBy: "instructor"),
            userIds: [world.users["trainee1"]!.id, world.users["trainee2"]!.id], overridingModeConflict: false,
            at: world.clock.now())
        var aids: [String: Int64] = [:]
        for a in made.assignments { aids[a.userId == world.users["trainee1"]!.id ? "trainee1" : "trainee2"] = a.id }
        return (made.group, aids)
    }

    /// Works a case through the API, a minute per stage: `stop` takes the first disposition that keeps the box
    /// (else releases); screening marks the scan's left quarter; the examination looks at the first point. Stops
    /// after `through` when given.
    static func work(
        _ client: Client, aid: Int64, _ c: InspectionCase, stop: Bool, clock: TestClock, through: Stage? = nil
    ) async throws {
        let base = "/api/assignments/\(aid)/cases/\(c.id)"
        for stage in c.stages {
            _ = try await client.get(base)
            clock.advance(minutes: 1)
            let disposition =
                stop
                ? Disposition.options(at: stage).first { $0 != .release && $0 != .referToAgency }! : .release
            var body: [String: Any] = ["stage": stage.rawValue, "disposition": disposition.rawValue]
            if stage == .targeting, stop { body["flaggedIndicators"] = ["newConsignee"] }
            if stage == .screening, let scan = c.screening?.scans.first(where: { $0.file == "scan.png" }) {
                body["markedRegions"] = [
                    [
                        "scan": "scan.png",
                        "shape": [
                            "type": "rectangle", "x": 0, "y": 0, "width": scan.widthPixels / 4,
                            "height": scan.heightPixels,
                        ],
                    ]
                ]
            }
            if stage == .examination {
                let points = [c.examination!.points[0].rawValue]
                #expect(try await client.post(base + "/examine", ["points": points]).status == .ok)
            }
            let answer = try await client.post(base + "/decisions", body)
            #expect(answer.status == .created, "\(c.id) \(stage): \(answer.text)")
            if stage == through { return }
        }
    }

    /// The class's grades as Scoring's summaries, in the order graded (the report's input).
    static func summaries(_ world: TestWorld, groupId: Int64) async throws -> (grades: [Grade], [AttemptSummary]) {
        var sequence: [String: Int] = [:]
        var grades: [Grade] = [], out: [AttemptSummary] = []
        for record in try await world.storage.grades(groupId: groupId) {
            let grade = try JSONDecoder().decode(Grade.self, from: Data(record.gradeJSON))
            let item = world.course.cases.first { $0.caseId == grade.caseId }!
            let key = try JSONDecoder().decode(AnswerKey.self, from: Data(item.key))
            let n = sequence[grade.traineeId, default: 0]
            sequence[grade.traineeId] = n + 1
            grades.append(grade)
            out.append(
                AttemptSummary(
                    grade: grade, key: key, vantage: try world.inspectionCase(grade.caseId).vantage, sequence: n))
        }
        return (grades, out)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ value: Any?) throws -> T {
        try JSONDecoder().decode(
            T.self, from: JSONSerialization.data(withJSONObject: value ?? NSNull(), options: [.fragmentsAllowed]))
    }

    @Test(arguments: StoreKind.available) func progressSaysWhoIsOnWhichCaseAndStageAndHowLongStagesTake(
        _ store: StoreKind
    ) async throws {
        let world = try await TestWorld.make(store: store)
        let (group, aids) = try await Self.makeClass(world)
        let cases = try world.caseIds().map(world.inspectionCase)
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            let one = try await anonymous.signedIn("trainee1")
            let empty = try await instructor.get("/api/groups/\(group.id)/progress")
            #expect(empty.status == .ok, "\(empty.text)")
            #expect(empty.object["submitted"] as? Int == 0 && empty.object["caseCount"] as? Int == cases.count)

            try await Self.work(one, aid: aids["trainee1"]!, cases[0], stop: true, clock: world.clock)
            try await Self.work(
                one, aid: aids["trainee1"]!, cases[1], stop: false, clock: world.clock, through: .targeting)
            _ = try await one.get("/api/assignments/\(aids["trainee1"]!)/cases/\(cases[1].id)")
            let answer = try await instructor.get("/api/groups/\(group.id)/progress")
            let trainees = answer.object["trainees"] as? [[String: Any]] ?? []
            let first = try #require(trainees.first { $0["username"] as? String == "trainee1" })
            #expect(first["submittedCount"] as? Int == 1 && first["startedCount"] as? Int == 2)
            let current = first["current"] as? [String: Any]
            #expect(current?["caseId"] as? String == cases[1].id)
            #expect(current?["stage"] as? String == cases[1].stages[1].rawValue)
            let cells = first["cases"] as? [[String: Any]] ?? []
            #expect(cells.first?["status"] as? String == "submitted")
            // A minute between each showing and its decision.
            #expect((cells.first?["seconds"] as? [String: Double])?.values.allSatisfy { $0 == 60 } == true)
            let second = try #require(trainees.first { $0["username"] as? String == "trainee2" })
            #expect(second["current"] is NSNull || second["current"] == nil)
            #expect((second["cases"] as? [Any])?.isEmpty == true)
            let times = answer.object["stageTimes"] as? [[String: Any]] ?? []
            let targeting = try #require(times.first { $0["stage"] as? String == "targeting" })
            #expect(targeting["decided"] as? Int == 2 && targeting["medianSeconds"] as? Double == 60)
            #expect(answer.object["submitted"] as? Int == 1 && answer.object["inProgress"] as? Int == 1)
        }
    }

    @Test func aTestCaseWhoseTimeRanOutShowsAsTimedOut() {
        let now = Instant(millisecondsSinceEpoch: 1_790_000_000_000)
        let group = AssignmentGroup(
            id: 7, courseId: "c", mode: .test, cohort: nil, opensAt: nil, closesAt: nil, caseTimeLimitMinutes: 10,
            createdBy: "i", createdAt: now)
        let assignment = Assignment(
            id: 3, courseId: "c", userId: 9, mode: .test, resultsReleased: false, assignedAt: now, groupId: 7,
            caseTimeLimitMinutes: 10)
        let shown = StageEvent(assignmentId: 3, caseId: "A", stage: .targeting, at: now)
        let activity = GroupActivity(assignments: [assignment], shown: [shown], decided: [])
        let cases: [(caseId: String, stages: [Stage])] = [("A", [.targeting, .screening]), ("B", [.targeting])]
        let people: [Int64: ClassProgress.Person] = [9: .init(username: "ana", displayName: "Ana")]
        let early = ClassProgress(
            group: group, activity: activity, cases: cases, people: people, at: now.adding(minutes: 9))
        #expect(early.trainees[0].cases[0].status == "in-progress" && early.trainees[0].current?.stage == .targeting)
        let late = ClassProgress(
            group: group, activity: activity, cases: cases, people: people, at: now.adding(minutes: 10))
        #expect(late.trainees[0].cases[0].status == "timed-out" && late.trainees[0].current == nil)
        #expect(late.inProgress == 0 && late.stageTimes.isEmpty)
    }

    @Test(arguments: StoreKind.available) func theReportIsScoringsAggregateOfTheClassGrades(_ store: StoreKind)
        async throws
    {
        let world = try await TestWorld.make(store: store)
        let (group, aids) = try await Self.makeClass(world)
        let cases = try world.caseIds().map(world.inspectionCase)
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            let one = try await anonymous.signedIn("trainee1"), two = try await anonymous.signedIn("trainee2")
            for (i, c) in cases.enumerated() {
                try await Self.work(one, aid: aids["trainee1"]!, c, stop: i % 2 == 0, clock: world.clock)
                try await Self.work(two, aid: aids["trainee2"]!, c, stop: true, clock: world.clock)
            }
            let answer = try await instructor.get("/api/groups/\(group.id)/report?block=2")
            #expect(answer.status == .ok, "\(answer.text)")
            let (grades, summaries) = try await Self.summaries(world, groupId: group.id)
            #expect(summaries.count == 2 * cases.count)
            let expected = aggregate(summaries, blockSize: 2)
            #expect(answer.object["graded"] as? Int == summaries.count && answer.object["blockSize"] as? Int == 2)
            #expect(try Self.decode(TraineeReport.self, answer.object["cohort"]) == expected.cohort)
            let trainees = answer.object["trainees"] as? [[String: Any]] ?? []
            #expect(try trainees.map { try Self.decode(TraineeReport.self, $0["report"]) } == expected.trainees)
            #expect(trainees.map { $0["displayName"] as? String } == ["Trainee1", "Trainee2"])
            #expect(
                try Self.decode([StageStatistics].self, answer.object["cohortByStage"]) == stageStatistics(grades))
            #expect(
                try Self.decode([LearningPoint].self, answer.object["cohortLearningCurve"])
                    == cohortLearningCurve(summaries, blockSize: 2))
            let items = answer.object["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["caseId"] as? String } == cases.map(\.id))
            for item in items {
                let own = try #require(expected.items.first { $0.caseId == item["caseId"] as? String })
                #expect(item["difficulty"] as? Double == own.difficulty && item["attempts"] as? Int == own.attempts)
            }
            let csv = try await instructor.get("/api/groups/\(group.id)/report.csv?block=2")
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.text == expected.csv())
            #expect(try await instructor.get("/api/groups/\(group.id)/report?block=0").object.field == "block")
        }
    }

    @Test(arguments: StoreKind.available) func aTraineesAttemptOpensAsTheirFeedbackWithTheirMarks(_ store: StoreKind)
        async throws
    {
        let world = try await TestWorld.make(store: store)
        let (group, aids) = try await Self.makeClass(world)
        let c = try world.caseIds().map(world.inspectionCase).first { $0.stages.contains(.screening) }!
        let other = try world.caseIds().map(world.inspectionCase).first { $0.id != c.id }!
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            let one = try await anonymous.signedIn("trainee1")
            try await Self.work(one, aid: aids["trainee1"]!, c, stop: true, clock: world.clock)
            try await Self.work(one, aid: aids["trainee1"]!, other, stop: true, clock: world.clock, through: .targeting)
            let path = "/api/groups/\(group.id)/attempts/\(aids["trainee1"]!)/cases/\(c.id)"
            let answer = try await instructor.get(path)
            #expect(answer.status == .ok, "\(answer.text)")
            let feedback = try #require(answer.object["feedback"] as? [String: Any])
            let own = try await one.get("/api/assignments/\(aids["trainee1"]!)/cases/\(c.id)/feedback")
            // The same feedback the trainee reads (both in English).
            #expect(feedback["score"] as? Double == own.object["score"] as? Double)
            #expect(feedback["messages"] as? [String] == own.object["messages"] as? [String])
            #expect((feedback["stages"] as? [Any])?.count == c.stages.count)
            #expect((answer.object["marks"] as? [Any])?.count == 1)
            #expect((answer.object["decisions"] as? [Any])?.count == c.stages.count)
            #expect((answer.object["trainee"] as? [String: Any])?["username"] as? String == "trainee1")
            // In the instructor's language.
            #expect(try await instructor.request(.put, "/api/me/language", json: ["language": "es"]).status == .ok)
            let spanish = try await instructor.get(path)
            #expect(
                (spanish.object["feedback"] as? [String: Any])?["messages"] as? [String] != feedback["messages"]
                    as? [String])
            // Not graded yet: the decisions so far, no feedback.
            let open = try await instructor.get(
                "/api/groups/\(group.id)/attempts/\(aids["trainee1"]!)/cases/\(other.id)")
            #expect(open.status == .ok && open.object["feedback"] is NSNull)
            #expect(open.object["currentStage"] as? String == other.stages[1].rawValue)
            // Another class's assignment, or a case not of the course: 404.
            let foreign = world.assignments["trainee1"]![.training]!
            #expect(
                try await instructor.get("/api/groups/\(group.id)/attempts/\(foreign)/cases/\(c.id)").status
                    == .notFound)
            #expect(
                try await instructor.get("/api/groups/\(group.id)/attempts/\(aids["trainee1"]!)/cases/T\(c.id)").status
                    == .notFound)
            // The viewer's files, for staff.
            let scan = try await instructor.get("/api/groups/\(group.id)/cases/\(c.id)/files/scan-high.png")
            #expect(scan.status == .ok && scan.body.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            #expect(
                try await instructor.get("/api/groups/\(group.id)/cases/\(c.id)/files/key.json").status == .notFound)
            #expect(try await one.get("/api/groups/\(group.id)/cases/\(c.id)/files/scan.png").status == .notFound)
        }
    }

    @Test(arguments: StoreKind.available) func theDebriefCountsTheClassDecisionsAgainstTheKey(_ store: StoreKind)
        async throws
    {
        let world = try await TestWorld.make(store: store)
        let (group, aids) = try await Self.makeClass(world)
        let c = try world.caseIds().map(world.inspectionCase).first { $0.stages.contains(.screening) }!
        let key = try JSONDecoder().decode(
            AnswerKey.self, from: Data(world.course.cases.first { $0.caseId == c.id }!.key))
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            let one = try await anonymous.signedIn("trainee1"), two = try await anonymous.signedIn("trainee2")
            try await Self.work(one, aid: aids["trainee1"]!, c, stop: true, clock: world.clock)
            try await Self.work(two, aid: aids["trainee2"]!, c, stop: false, clock: world.clock)
            let answer = try await instructor.get("/api/groups/\(group.id)/debrief/\(c.id)?lang=pt")
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.object["submitted"] as? Int == 2 && answer.object["trainees"] as? Int == 2)
            #expect(answer.object["names"] == nil, "no names unless asked")
            #expect(!answer.text.contains("Trainee1") && !answer.text.contains("trainee1"))
            let stages = answer.object["stages"] as? [[String: Any]] ?? []
            #expect(stages.map { $0["stage"] as? String } == c.stages.map(\.rawValue))
            for (stage, entry) in zip(c.stages, stages) {
                let choices = entry["choices"] as? [[String: Any]] ?? []
                let stop = Disposition.options(at: stage).first { $0 != .release && $0 != .referToAgency }!
                func count(_ d: Disposition) -> Int? {
                    choices.first { $0["disposition"] as? String == d.rawValue }?["count"] as? Int
                }
                #expect(count(stop) == 1 && count(.release) == 1, "\(stage): \(choices)")
                #expect(entry["best"] as? String == key.expectations[stage]?.best.rawValue)
                #expect(
                    choices.filter { $0["acceptable"] as? Bool == true }.count
                        == key.expectations[stage]!.acceptable.filter { Disposition.options(at: stage).contains($0) }
                        .count)
            }
            let flagged = (answer.object["indicators"] as? [[String: Any]] ?? []).first {
                $0["indicator"] as? String == "newConsignee"
            }
            #expect(flagged?["count"] as? Int == 1)
            // Both trainees marked the left quarter: its cells count 2, the right half 0.
            let heat = try #require(answer.object["heat"] as? [String: Any])
            let counts = heat["counts"] as? [Int] ?? [], columns = heat["columns"] as? Int ?? 0
            #expect(heat["maximum"] as? Int == 2 && counts[0] == 2 && counts[columns - 1] == 0)
            #expect(answer.object["marks"] as? Int == 2 && answer.object["markers"] as? Int == 2)
            let rationale = key.rationale.map { item in
                Feedback.line(of: item, language: "pt") { Fixture.localizer.text($0, "pt", $1) }
            }
            #expect(answer.object["rationale"] as? [String] == rationale)
            #expect(
                (answer.object["regions"] as? [Any])?.count == key.scans.first { $0.file == "scan.png" }?.anomalies
                    .count ?? 0)
            let outcomes = answer.object["outcomes"] as? [String: Int] ?? [:]
            #expect(outcomes.values.reduce(0, +) == 2)

            let named = try await instructor.get("/api/groups/\(group.id)/debrief/\(c.id)?names=true")
            #expect(
                (named.object["names"] as? [[String: Any]])?.map { $0["displayName"] as? String } == [
                    "Trainee1", "Trainee2",
                ])
            #expect(try await instructor.get("/api/groups/\(group.id)/debrief/\(c.id)?lang=fr").object.field == "lang")
            #expect(
                try await instructor.get("/api/groups/\(group.id)/debrief/\(c.id)?names=maybe").object.field == "names")
            #expect(try await instructor.get("/api/groups/\(group.id)/debrief/nope").status == .notFound)
        }
    }

    @Test func theHeatMapCountsTheMarksCoveringEachCell() {
        let heat = ClassDebrief.heat([(0, 0, 500, 100), (250, 0, 500, 100)], width: 960, height: 200)
        #expect(heat.columns == 96 && heat.rows == 20 && heat.cellWidth == 10 && heat.cellHeight == 10)
        #expect(heat.counts[0] == 1 && heat.counts[30] == 2 && heat.counts[60] == 1 && heat.counts[80] == 0)
        #expect(heat.counts[10 * 96 + 30] == 0, "below the marks")
        #expect(heat.maximum == 2)
    }

    @Test(arguments: StoreKind.available) func thePaperExerciseHoldsTheCaseAndNoKeyAndTheGuideHoldsTheKey(
        _ store: StoreKind
    ) async throws {
        let world = try await TestWorld.make(store: store)
        let forbidden = try KeyIsolationTests.forbiddenStrings(world)
        let cases = try world.caseIds().map(world.inspectionCase)
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            let course = world.course.courseId
            let exercise = try await instructor.get("/api/courses/\(course)/print/exercise?lang=es")
            #expect(exercise.status == .ok && exercise.headers[.contentType] == "text/html; charset=utf-8")
            let html = exercise.text
            #expect(html.contains("<html lang=\"es\">") && html.contains("@page"))
            for c in cases {
                let bl = c.targeting.billOfLading
                for fact in [c.id, bl.number, bl.containerNumber, bl.vessel] + bl.sealNumbers
                    + c.targeting.sealLog.map(\.numberRead)
                {
                    #expect(html.contains(escapeHTML(fact)), "exercise shows \(fact)")
                }
                if c.screening != nil { #expect(html.contains("/print/cases/\(c.id)/scan.png")) }
                if c.examination != nil { #expect(html.contains("/print/cases/\(c.id)/door.svg")) }
            }
            for text in forbidden { #expect(!html.contains(text), "the exercise shows \(text)") }
            let guide = try await instructor.get("/api/courses/\(course)/print/guide?lang=es")
            #expect(guide.status == .ok)
            for item in world.course.cases {
                let key = try JSONDecoder().decode(AnswerKey.self, from: Data(item.key))
                for line in key.rationale.map({ r in
                    Feedback.line(of: r, language: "es") { Fixture.localizer.text($0, "es", $1) }
                }) {
                    #expect(guide.text.contains(escapeHTML(line)), "the guide gives the rationale")
                    #expect(!html.contains(escapeHTML(line)), "the exercise does not")
                }
                if key.irregular, !key.scans.isEmpty { #expect(guide.text.contains("data-case=\"\(key.caseId)\"")) }
            }
            #expect(guide.text.contains(Fixture.localizer.text("print.guide.title", "es")))
            #expect(guide.text.contains(escapeHTML(Fixture.localizer.text("review.signOff", "es"))))
            #expect(guide.text.contains("<rect"), "the key's regions drawn on the scans")
            let image = try await instructor.get("/api/courses/\(course)/print/cases/\(cases[0].id)/scan.png")
            #expect(image.status == .ok || cases[0].screening == nil)
            #expect(try await instructor.get("/api/courses/nope/print/guide").status == .notFound)
            #expect(try await instructor.get("/api/courses/\(course)/print/guide?lang=de").object.field == "lang")
            let trainee = try await anonymous.signedIn("trainee1")
            #expect(try await trainee.get("/api/courses/\(course)/print/exercise").status == .notFound)
            #expect(try await trainee.get("/api/courses/\(course)/print/guide").status == .notFound)
        }
    }
}
