import CargoModel
import Foundation
import Scoring
import Testing

@Suite struct AttemptLinesTests {
    static let attempts: [Attempt] = {
        var rng = SplitMix64(seed: 11)
        let keys = Array(Repository.keys.prefix(20))
        var geometry: [String: ScanGeometry] = [:]
        for key in keys {
            geometry[key.caseId] = ScanGeometry(
                frames: [ScanFrame(file: "scan.png", widthPixels: 3000, heightPixels: 600)],
                regions: key.anomalies.map {
                    KeyRegion(
                        scan: "scan.png", anomalyId: $0.id, box: RegionBox(x: 500, y: 100, width: 300, height: 200))
                })
        }
        let simulator = CohortSimulator(keys: keys, geometry: geometry, courseHash: testCourseHash, start: t0)
        return CohortSimulator.trainees(count: 4, using: &rng).flatMap {
            simulator.attempts(for: $0, mode: .training, using: &rng)
        }
    }()

    @Test func encodeThenDecodeGivesTheSameAttempts() throws {
        let bytes = AttemptLines.encode(Self.attempts)
        #expect(try AttemptLines.decode(bytes) == Self.attempts)
    }

    @Test func foundationsDecoderReadsTheSameLinesTheSameWay() throws {
        let bytes = AttemptLines.encode(Self.attempts)
        let lines = bytes.split(separator: 10)
        #expect(lines.count == Self.attempts.count)
        for (line, attempt) in zip(lines, Self.attempts) {
            #expect(try JSONDecoder().decode(Attempt.self, from: Data(line)) == attempt)
        }
    }

    @Test func linesWrittenByFoundationsEncoderAreRead() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = []  // compact, keys unsorted: one object per line
        var data = Data()
        for attempt in Self.attempts.prefix(30) {
            data += try encoder.encode(attempt)
            data += Data("\r\n".utf8)
        }
        data += Data("\n   \n".utf8)  // blank lines are skipped
        #expect(try AttemptLines.decode(data) == Array(Self.attempts.prefix(30)))
    }

    @Test func aTruncatedLastLineIsAnErrorNamingTheLineAndNothingIsReturned() {
        let bytes = AttemptLines.encode(Array(Self.attempts.prefix(5)))
        let truncated = Array(bytes.dropLast(40))
        do {
            _ = try AttemptLines.decode(truncated)
            Issue.record("read a truncated file")
        } catch {
            #expect(error.line == 5)
            #expect(error.message.contains("truncated") || error.message.contains("ends"))
        }
    }

    @Test func anUnknownIndicatorCodeIsNamedWithItsLineAndField() throws {
        var text = String(decoding: AttemptLines.encode(Array(Self.attempts.prefix(3))), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        var third = lines[2]
        let range = try #require(third.range(of: "\"flaggedIndicators\":["))
        third.insert(contentsOf: "\"smugglersParadise\",", at: range.upperBound)
        text = [lines[0], lines[1], third].joined(separator: "\n") + "\n"
        do {
            _ = try AttemptLines.decode(Data(text.utf8))
            Issue.record("accepted an unknown code")
        } catch {
            #expect(error.line == 3)
            #expect(error.field == "decisions[0].flaggedIndicators[0]")
            #expect(error.value == "smugglersParadise")
            #expect(error.message.contains("vgmMismatch"))
        }
    }

    @Test(arguments: [
        ("{\"caseId\":\"C1\"}", "courseHash"),
        ("{\"caseId\":\"C1\",\"courseHash\":\"h\",\"traineeId\":\"T\",\"mode\":\"exam\",\"decisions\":[]}", "mode"),
        (
            "{\"caseId\":\"C1\",\"courseHash\":\"h\",\"traineeId\":\"T\",\"mode\":\"test\",\"decisions\":[],\"score\":1}",
            ""
        ),
        (
            "{\"caseId\":\"C1\",\"courseHash\":\"h\",\"traineeId\":\"T\",\"mode\":\"test\",\"decisions\":[{\"stage\":\"targeting\",\"disposition\":\"release\",\"shownAt\":\"2026-02-30T00:00:00Z\",\"decidedAt\":\"2026-02-01T00:00:00Z\",\"clock\":\"server\"}]}",
            "decisions[0].shownAt"
        ),
        ("{\"caseId\":\"C1\",\"courseHash\":\"h\",\"traineeId\":\"T\",\"mode\":\"test\",\"decisions\":[]} {}", ""),
        ("[1,2]", ""),
    ])
    func corruptLinesAreRefusedNamingTheField(line: String, field: String) {
        do {
            _ = try AttemptLines.decode(Data(line.utf8))
            Issue.record("accepted \(line)")
        } catch {
            #expect(error.line == 1)
            if !field.isEmpty { #expect(error.field == field || error.message.contains(field), "\(error)") }
        }
    }

    @Test func theFastTimeReaderAgreesWithInstantParsing() {
        var rng = SplitMix64(seed: 3)
        let alphabet = Array("0123456789-:TZ.x".utf8)
        for _ in 0..<20_000 {
            var text = Array(Instant(millisecondsSinceEpoch: Int64(rng.next() % 4_000_000_000_000)).description.utf8)
            if rng.next() % 2 == 0 {
                let k = Int(rng.next() % UInt64(text.count))
                text[k] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
            }
            if rng.next() % 4 == 0 { text.remove(at: 20 + Int(rng.next() % 3)) }
            let string = String(decoding: text, as: UTF8.self)
            let line =
                "{\"caseId\":\"C\",\"courseHash\":\"h\",\"traineeId\":\"T\",\"mode\":\"test\",\"decisions\":[{\"stage\":\"targeting\",\"disposition\":\"release\",\"shownAt\":\"\(string)\",\"decidedAt\":\"\(string)\",\"clock\":\"server\"}]}"
            let fast = try? AttemptLines.decode(Data(line.utf8)).first?.decisions.first?.shownAt
            // The fast reader and the model's parser accept exactly the same texts.
            #expect(fast == Instant(parsing: string), "input \(string)")
        }
    }

    /// Seeded fuzz: random byte edits of real lines never crash the reader; they are read as valid attempts
    /// or refused with a line number inside the file.
    @Test func fuzzedAttemptFilesAreReadOrRefusedNeverCrash() {
        let original = AttemptLines.encode(Array(Self.attempts.prefix(8)))
        let lineCount = original.filter { $0 == 10 }.count
        var rng = SplitMix64(seed: 2026)
        let interesting: [UInt8] = Array("{}[]\",:\\0123456789-.eEtrufalsn \n\u{7f}".utf8) + [0, 0xC3, 0xFF]
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0...(rng.next() % 4) {
                let k = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[k] = interesting[Int(rng.next() % UInt64(interesting.count))]
                case 1: bytes.remove(at: k)
                default: bytes.insert(interesting[Int(rng.next() % UInt64(interesting.count))], at: k)
                }
            }
            do {
                let read = try AttemptLines.decode(bytes)
                #expect(read.count <= lineCount + 2)
            } catch {
                #expect(error.line >= 1 && error.line <= lineCount + 2)
            }
        }
    }
}
