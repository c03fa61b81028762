import CaseBundle
import Foundation
import Testing

@Suite("cargosim trainee-pack, end to end")
struct TraineePackCommandTests {
    @Test func thePackHoldsThePapersFirstThenEachReleasedStageAndNeverAKey() throws {
        try Sandbox.with { box in
            let made = try box.cargosim("generate", "--count", "4", "--out", "course", "--no-scans")
            try #require(made.succeeded, "\(made)")

            var result = try box.cargosim("trainee-pack", "course", "--out", "pack")
            #expect(result.succeeded, "\(result)")
            #expect(box.entries("pack") == ["cases", "course.json"], "the papers only, no stages, no keys")
            #expect(try box.cargosim("validate", "pack").succeeded, "a pack without later stages validates")
            let reader = try CourseReader(courseDirectory: box.path("pack"))
            let id = reader.caseIds[0]
            let shown = try box.cargosim("show", "pack/cases/\(id)")
            #expect(shown.succeeded && shown.stdout.contains("not in this trainee pack yet"), "\(shown)")
            #expect(try reader.readCase(id).examination == nil)
            let caseText = try String(contentsOf: box.path("pack/cases/\(id)/case.json"), encoding: .utf8)
            #expect(!caseText.contains("observations") && !caseText.contains("radiation"))

            result = try box.cargosim("trainee-pack", "course", "--out", "pack", "--through", "screening")
            #expect(result.succeeded, "\(result)")
            #expect(box.entries("pack") == ["cases", "course.json", "stages"])
            #expect(box.entries("pack/stages") == ["screening"])
            #expect(try CourseReader(courseDirectory: box.path("pack")).readCase(id).screening != nil)
            #expect(try box.cargosim("validate", "pack").succeeded)

            result = try box.cargosim("trainee-pack", "course", "--out", "pack", "--through", "evidence")
            #expect(result.succeeded, "\(result)")
            #expect(box.entries("pack/stages") == ["evidence", "examination", "screening"])
            let tree = try fileTree(box.path("pack"))
            #expect(!tree.keys.contains { $0.hasPrefix("keys") }, "no key, no course seed")
            #expect(
                try CourseReader(courseDirectory: box.path("pack")).readCompleteCase(id)
                    == CourseReader(courseDirectory: box.path("course")).readCompleteCase(id))

            // Another course's pack folder is refused, and nothing in it changes.
            let other = try box.cargosim("generate", "--count", "1", "--out", "other", "--no-scans")
            try #require(other.succeeded)
            let before = try fileTree(box.path("pack"))
            let refused = try box.cargosim("trainee-pack", "other", "--out", "pack")
            #expect(!refused.succeeded && refused.stderr.contains("another course"), "\(refused)")
            #expect(try fileTree(box.path("pack")) == before)
        }
    }
}
