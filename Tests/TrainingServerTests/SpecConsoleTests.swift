import CargoModel
import Foundation
import HTTPTypes
import Storage
import Testing

@testable import TrainingServer

/// Case authoring in the console: the same rules and texts as `cargosim validate`, a preview, the library.
@Suite struct SpecConsoleTests {
    @Test func aSpecWithAMistakeIsNamedByFieldThenCorrectedPreviewedSavedAndDownloadedAsValidYAML() async throws {
        let world = try await TestWorld.make(making: true)
        try await world.test { anonymous in
            let instructor = try await anonymous.signedIn("instructor")
            let options = try await instructor.get("/api/spec-options").object
            #expect((options["commodities"] as? [[String: Any]])?.isEmpty == false)
            var spec: [String: Any] = [
                "name": "Cocaine in the roof, Callao", "scenario": "roofCompartment", "vantage": "import",
                "goods": [["commodity": "banannas"]], "difficulty": 4,
            ]
            let checked = try await instructor.post("/api/specs/check", ["spec": spec]).object
            let problems = checked["problems"] as? [[String: Any]] ?? []
            let problem = try #require(problems.first)
            #expect(problem["field"] as? String == "goods[0].commodity" && problem["line"] as? Int != nil, "\(problems)")
            // The same text `cargosim validate` prints for the same YAML.
            let yaml = try #require(checked["yaml"] as? String)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("cargosim-spec-\(UUID()).yaml")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data(yaml.utf8).write(to: file)
            let (status, _, err) = try Binary.run(["validate", file.path])
            #expect(status != 0 && err.contains(problem["message"] as? String ?? "?"), "\(err)")
            #expect(try await instructor.post("/api/specs", ["spec": spec]).status == .badRequest)

            spec["goods"] = [["commodity": "bananas"]]
            #expect((try await instructor.post("/api/specs/check", ["spec": spec]).object["problems"] as? [Any])?.isEmpty == true)
            let preview = try await instructor.post("/api/specs/preview", ["spec": spec, "seed": "7"]).object
            #expect((preview["key"] as? [String: Any])?["scenario"] as? String == "roofCompartment")
            #expect((preview["scan"] as? String)?.hasPrefix("data:image/png;base64,") == true)
            #expect((preview["door"] as? String)?.contains("<svg") == true)

            let saved = try await instructor.post("/api/specs", ["spec": spec])
            #expect(saved.status == .created, "\(saved.text)")
            let id = try #require(saved.object["id"] as? Int)
            #expect(try await instructor.post("/api/specs", ["spec": spec]).status == .conflict, "one name, one spec")
            let listed = try await instructor.get("/api/specs").json() as? [[String: Any]] ?? []
            #expect(listed.contains { $0["id"] as? Int == id && $0["scenario"] as? String == "roofCompartment" })
            let download = try await instructor.get("/api/specs/\(id)/spec.yaml")
            #expect(download.headers[.contentDisposition]?.contains("attachment") == true)
            try Data(download.body).write(to: file)
            let (valid, out, errors) = try Binary.run(["validate", file.path])
            #expect(valid == 0, "\(out)\(errors)")
            // Included in a course made in the browser.
            let started = try await instructor.post(
                "/api/courses/generate", ["title": "With my spec", "mix": ["count": 3], "includeSpecIds": [id]])
            let job = try await CourseConsoleTests.finished(instructor, try #require(started.object["id"] as? Int))
            #expect(job["state"] as? String == "done", "\(job)")
            #expect(try await instructor.request(.delete, "/api/specs/\(id)").status == .noContent)
        }
    }
}
