import CaseBundle
import CargoModel
import Foundation
import Scoring
import Testing

/// Errors of `report`, `grade` and `certify` name the file, line, field and the value read (issue 19, part 7).
@Suite struct ReadErrorTests {
    static func line(_ attempt: Attempt) -> String {
        String(decoding: AttemptLines.encode([attempt]), as: UTF8.self)
    }

    @Test(arguments: ["2026-02-30T10:00:00Z", "yesterday", "2026-09-01 09:00:00"])
    func aBadTimeNamesTheTimeReadNotTheBytesAfterIt(bad: String) throws {
        let good = Self.line(perfectAttempt(Repository.keys[0], mode: .test))
        let shown = try #require(good.range(of: "\"shownAt\":\"")).upperBound
        let end = try #require(good[shown...].firstIndex(of: "\""))
        let text = good.replacingCharacters(in: shown..<end, with: bad)
        do {
            _ = try AttemptLines.decode(Data((good + text).utf8))
            Issue.record("read a bad time")
        } catch {
            #expect(error.line == 2)
            #expect(error.field == "decisions[0].shownAt")
            #expect(error.value == bad, "the value is the time as written: \(error)")
        }
    }

    @Test func anAttemptsFileErrorWithALineStillNamesItsField() {
        let error = BundleError(
            code: "attempts.read", file: "attempts.jsonl", line: 7, field: "decisions[0].clock", value: "sever",
            message: "Unknown clock.")
        #expect(error.description == "attempts.jsonl:7: error: decisions[0].clock: Unknown clock. (value: \"sever\")")
        // A YAML error with a column keeps its form: the caret points at the field.
        let yaml = BundleError(
            code: "spec.x", file: "x.yaml", line: 3, column: 5, field: "goods[0].commodity", value: "x", message: "m")
        #expect(yaml.description == "x.yaml:3:5: error: m (value: \"x\")")
    }

    @Test func aLineWithoutModeIsRefusedNamingTheField() throws {
        let good = Self.line(perfectAttempt(Repository.keys[0], mode: .test))
        let text = good.replacingOccurrences(of: ",\"mode\":\"test\"", with: "")
        #expect(text != good)
        do {
            _ = try AttemptLines.decode(Data(text.utf8))
            Issue.record("read a line without mode")
        } catch {
            #expect(error.line == 1)
            #expect(error.field == "mode" || error.message.contains("mode"), "\(error)")
        }
    }
}
