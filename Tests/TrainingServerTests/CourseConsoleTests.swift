import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import HTTPTypes
import Storage
import Testing

@testable import TrainingServer

/// The console's course library, course making in the browser (generation and upload), and case authoring.
@Suite struct CourseConsoleTests {
    /// Polls a job until it ends (at most `seconds`). The bound is generous on purpose: it catches a job that never
    /// ends, not a slow one (in a parallel test run on two cores, a six-case job waited over 120 s for a thread).
    static func finished(_ client: Client, _ job: Int, seconds: Double = 900) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        var last: [String: Any] = [:]
        while Date() < deadline {
            last = try await client.get("/api/jobs/\(job)").object
            if let state = last["state"] as? String, state == "done" || state == "failed" { return last }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw FixtureError(description: "job \(job) did not end in \(seconds) s; last seen: \(last)")
    }

    @Test func theLibraryListsWhatEachCourseHoldsAndPreviewsACaseWithItsKey() async throws {
        let world = try await TestWorld.make()
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            let list = try await instructor.get("/api/courses").json() as? [[String: Any]] ?? []
            let course = try #require(list.first { $0["id"] as? String == world.course.courseId })
            #expect(course["caseCount"] as? Int == world.course.cases.count)
            let keys = try world.course.cases.map { try JSONDecoder().decode(AnswerKey.self, from: Data($0.key)) }
            #expect(course["irregularCount"] as? Int == keys.filter(\.irregular).count)
            let detail = try await instructor.get("/api/courses/\(world.course.courseId)").object
            #expect((detail["cases"] as? [[String: Any]])?.count == keys.count)
            let caseId = world.caseIds()[0]
            let preview = try await instructor.get("/api/courses/\(world.course.courseId)/cases/\(caseId)").object
            #expect((preview["key"] as? [String: Any])?["caseId"] as? String == caseId)
            #expect((preview["case"] as? [String: Any])?["examination"] != nil, "every stage, unlike a trainee's view")
            // A trainee reaches none of it.
            let trainee = try await anonymous.signedIn("trainee1")
            for path in [
                "/api/courses", "/api/courses/\(world.course.courseId)",
                "/api/courses/\(world.course.courseId)/cases/\(caseId)", "/api/jobs", "/api/specs", "/api/curricula",
            ] {
                #expect(try await trainee.get(path).status == .notFound, "\(path)")
            }
        }
    }

    @Test func aCourseGeneratedInTheBrowserIsImportedWithItsSeedKept() async throws {
        let world = try await TestWorld.make(making: true)
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            let curricula = try await instructor.get("/api/curricula").json() as? [[String: Any]] ?? []
            #expect(curricula.contains { $0["file"] as? String == "foundation-40.yaml" })
            // A mistake in the mix is named by field, with the reader's own message.
            let bad = try await instructor.post(
                "/api/courses/generate", ["title": "Week 2", "mix": ["count": 6, "prevalence": 1.5]])
            #expect(bad.status == .badRequest && bad.object.field == "mix.prevalence", "\(bad.text)")
            let started = try await instructor.post(
                "/api/courses/generate",
                ["title": "Week 2", "mix": ["count": 6, "prevalence": 0.5, "difficultyEnd": 3]])
            #expect(started.status == .accepted, "\(started.text)")
            let job = try await Self.finished(instructor, try #require(started.object["id"] as? Int))
            #expect(job["state"] as? String == "done", "\(job)")
            let courseId = try #require(job["courseId"] as? String)
            let summary = try #require(try await world.storage.course(id: courseId))
            #expect(summary.title == "Week 2" && summary.caseCount == 6)
            let seed = try await instructor.get("/api/courses/\(courseId)/seed").object["courseSeed"] as? String
            #expect(seed?.count == 64 && CourseSeed(text: seed!)?.courseId == courseId)
            #expect(try await world.storage.auditLog(limit: 20).contains { $0.action == "course.seedShown" })
            // The work folder is left empty.
            let work = try FileManager.default.contentsOfDirectory(atPath: world.path + ".work")
            #expect(work.isEmpty, "\(work)")
        }
    }

    /// Packs `folder` as a .tar.gz or .zip with the system's tools; the archive's bytes.
    static func pack(_ folder: URL, zip: Bool) throws -> [UInt8] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cargosim-pack-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: zip ? "/usr/bin/python3" : "/bin/tar")
        process.arguments =
            zip
            ? ["-c", "import shutil,sys; shutil.make_archive(sys.argv[1], 'zip', sys.argv[2])", out.path, folder.path]
            : ["czf", out.path, "-C", folder.deletingLastPathComponent().path, folder.lastPathComponent]
        try process.run()
        process.waitUntilExit()
        return Array(try Data(contentsOf: zip ? out.appendingPathExtension("zip") : out))
    }

    @Test(arguments: [false, true])
    func anUploadedCourseIsValidatedAndImportedAndABrokenOneLeavesNothing(zip: Bool) async throws {
        let world = try await TestWorld.make(making: true)
        // The fixture course, copied under a new id and seed so that it is not already imported.
        let made = FileManager.default.temporaryDirectory.appendingPathComponent("cargosim-upload-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: made) }
        let course = made.appendingPathComponent("week3")
        let (status, out, err) = try Binary.run([
            "generate", "--count", "2", "--out", course.path, "--no-scans", "--quiet", "--title", "Week 3",
        ])
        try #require(status == 0, "\(out)\(err)")
        let good = try Self.pack(course, zip: zip)
        // A damaged copy: one case file changed after writing.
        let index = try CourseReader(courseDirectory: course)
        let caseFile = course.appendingPathComponent("cases/\(index.caseIds[0])/case.json")
        var damaged = try Data(contentsOf: caseFile)
        damaged.append(contentsOf: Array(" ".utf8))
        try damaged.write(to: caseFile)
        let broken = try Self.pack(course, zip: zip)
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            let before = try await world.storage.courses().count
            let type = zip ? "application/zip" : "application/gzip"
            let failed = try await instructor.request(
                .post, "/api/courses/import", raw: broken, headers: [.contentType: type])
            #expect(failed.status == .accepted, "\(failed.text)")
            let failure = try await Self.finished(instructor, try #require(failed.object["id"] as? Int))
            #expect(failure["state"] as? String == "failed")
            let problems = ((failure["error"] as? [String: Any])?["problems"] as? [[String: Any]]) ?? []
            #expect(
                problems.contains { ($0["file"] as? String)?.hasSuffix("cases/\(index.caseIds[0])/case.json") == true },
                "\(failure)")
            #expect(try await world.storage.courses().count == before, "nothing stored")
            let ok = try await instructor.request(
                .post, "/api/courses/import", raw: good, headers: [.contentType: type])
            let done = try await Self.finished(instructor, try #require(ok.object["id"] as? Int))
            #expect(done["state"] as? String == "done", "\(done)")
            #expect(done["courseId"] as? String == index.index.courseId)
            #expect(
                try await world.storage.courseSeed(courseId: index.index.courseId) != nil, "the seed came with the keys"
            )
            let notArchive = try await instructor.request(.post, "/api/courses/import", raw: Array("hello".utf8))
            let refused = try await Self.finished(instructor, try #require(notArchive.object["id"] as? Int))
            #expect(refused["state"] as? String == "failed")
            #expect(try FileManager.default.contentsOfDirectory(atPath: world.path + ".work").isEmpty)
        }
    }
}
