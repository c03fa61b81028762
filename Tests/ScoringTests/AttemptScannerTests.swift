import CargoModel
import Foundation
import Scoring
import Testing

/// Random attempts over every field and shape, some of them ungradeable, for comparing readers and graders.
enum RandomAttempts {
    static func unit(_ rng: inout SplitMix64) -> Double { Double(rng.next() >> 11) / Double(1 << 53) }

    static func pick<T>(_ list: [T], _ rng: inout SplitMix64) -> T { list[Int(rng.next() % UInt64(list.count))] }

    /// A coordinate: whole, one decimal, a full-precision double, or (rarely) a tiny, huge or negative one.
    static func number(_ rng: inout SplitMix64, _ scale: Double) -> Double {
        switch rng.next() % 10 {
        case 0...3: return (unit(&rng) * scale).rounded()
        case 4...5: return (unit(&rng) * scale * 10).rounded() / 10
        case 6...7: return unit(&rng) * scale
        case 8: return pick([1e-7, 2.5e-12, 1e20, 123_456_789_012_345_678, -3.25, -0.0, 0.1 + 0.2], &rng)
        default: return Double(rng.next() % 100_000) / 1000
        }
    }

    static func shape(_ rng: inout SplitMix64) -> RegionShape {
        switch rng.next() % 4 {
        case 0:
            return .rectangle(
                x: number(&rng, 2000), y: number(&rng, 400), width: number(&rng, 600), height: number(&rng, 200))
        case 1:
            return .ellipse(
                centerX: number(&rng, 2000), centerY: number(&rng, 400), radiusX: number(&rng, 300),
                radiusY: number(&rng, 100))
        case 2:
            return .polygon(
                points: (0..<Int(rng.next() % 5)).map { _ in
                    PixelPoint(x: number(&rng, 2000), y: number(&rng, 400))
                })
        default: return .point(x: number(&rng, 2000), y: number(&rng, 400))
        }
    }

    /// An attempt on one of `keys` (or, rarely, an id with escapes and accents), mostly well formed.
    static func attempt(_ rng: inout SplitMix64, keys: [AnswerKey], courseHash: String) -> Attempt {
        let key = pick(keys, &rng)
        var decisions: [Decision] = []
        var clock = Int64(1_780_000_000_000) + Int64(rng.next() % 1_000_000_000)
        for stage in Stage.allCases where rng.next() % 5 != 0 {
            let disposition =
                rng.next() % 4 == 0 ? pick(Disposition.allCases, &rng) : pick(Disposition.options(at: stage), &rng)
            var agency: Agency? = disposition == .referToAgency ? pick(Agency.allCases, &rng) : nil
            if rng.next() % 40 == 0 { agency = agency == nil ? .police : nil }
            let shown = clock
            clock += Int64(rng.next() % 900_000) - (rng.next() % 50 == 0 ? 1_000_000 : 0)
            var d = Decision(
                stage: stage, disposition: disposition, agency: agency,
                shownAt: Instant(millisecondsSinceEpoch: shown), decidedAt: Instant(millisecondsSinceEpoch: clock),
                clock: rng.next() % 2 == 0 ? .server : .client)
            d.flaggedIndicators = (0..<Int(rng.next() % 4)).map { _ in pick(RiskIndicator.allCases, &rng) }
            if stage == .screening || rng.next() % 20 == 0 {
                d.markedRegions = (0..<Int(rng.next() % 3)).map { _ in
                    MarkedRegion(scan: rng.next() % 10 == 0 ? "scan-high.png" : "scan.png", shape: shape(&rng))
                }
            }
            if stage == .examination {
                d.sealFindings = (0..<Int(rng.next() % 3)).map { _ in pick(SealFinding.allCases, &rng) }
                d.examinedPoints = (0..<Int(rng.next() % 6)).map { _ in pick(ExaminationPoint.allCases, &rng) }
            }
            if stage == .evidence {
                d.evidenceSteps = (0..<Int(rng.next() % 7)).map { _ in pick(EvidenceStep.allCases, &rng) }
            }
            decisions.append(d)
        }
        if rng.next() % 30 == 0, decisions.count > 1 { decisions.swapAt(0, 1) }
        let caseId = rng.next() % 50 == 0 ? "C\"é\\\u{1}\n" : key.caseId
        let trainee = pick(["T1", "T2", "T3", "Ana María", "trainee-with-a-long-identifier-0042", ""], &rng)
        return Attempt(
            caseId: caseId, courseHash: rng.next() % 40 == 0 ? "other" : courseHash, traineeId: trainee,
            mode: rng.next() % 2 == 0 ? .test : .training, decisions: decisions)
    }

    static func geometry(_ keys: [AnswerKey]) -> [String: ScanGeometry] {
        var out: [String: ScanGeometry] = [:]
        for key in keys {
            out[key.caseId] = ScanGeometry(
                frames: [ScanFrame(file: "scan.png", widthPixels: 3000, heightPixels: 600)],
                regions: key.anomalies.map {
                    KeyRegion(
                        scan: "scan.png", anomalyId: $0.id, box: RegionBox(x: 500, y: 100, width: 300, height: 200))
                })
        }
        return out
    }
}

/// JSONDecoder's coding path as the scanner writes field paths: `decisions[1].flaggedIndicators[0]`.
func pathText(_ path: [any CodingKey]) -> String {
    var out = ""
    for key in path {
        if let index = key.intValue {
            out += "[\(index)]"
        } else {
            out += (out.isEmpty ? "" : ".") + key.stringValue
        }
    }
    return out
}

@Suite struct AttemptScannerTests {
    static let keys = Array(Repository.keys.prefix(30))

    static let attempts: [Attempt] = {
        var rng = SplitMix64(seed: 77)
        return (0..<3000).map { _ in RandomAttempts.attempt(&rng, keys: keys, courseHash: testCourseHash) }
    }()

    static func foundationLines(_ attempts: [Attempt], sorted: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = sorted ? [.sortedKeys] : []
        var data = Data()
        for attempt in attempts {
            data += try encoder.encode(attempt)
            data.append(10)
        }
        return data
    }

    @Test(arguments: [true, false])
    func theScannerAndJSONDecoderAgreeOnEveryFieldOfRandomAttempts(sortedKeys: Bool) throws {
        let data = try Self.foundationLines(Self.attempts, sorted: sortedKeys)
        let fast = try AttemptLines.decode(data)
        let decoder = JSONDecoder()
        let reference = try data.split(separator: 10).map { try decoder.decode(Attempt.self, from: $0) }
        #expect(fast.count == Self.attempts.count)
        #expect(reference == Self.attempts)
        for (a, b) in zip(fast, reference) {
            #expect(a == b)
            // Bit for bit, including the sign of zero.
            for (da, db) in zip(a.decisions, b.decisions) {
                for (ma, mb) in zip(da.markedRegions, db.markedRegions) {
                    #expect(ma.shape.boundingBox.x.bitPattern == mb.shape.boundingBox.x.bitPattern)
                }
            }
        }
        // The project's own writer reads back the same way.
        #expect(try AttemptLines.decode(AttemptLines.encode(Self.attempts)) == Self.attempts)
    }

    /// Malformed lines: a required field removed, a code or a time made wrong, the line cut short. Both readers
    /// refuse the same line; where JSONDecoder names a field, the scanner names the same one.
    @Test func theScannerAndJSONDecoderRefuseTheSameLinesNamingTheSameField() throws {
        var rng = SplitMix64(seed: 909)
        let lines = try Self.foundationLines(Array(Self.attempts.prefix(400)), sorted: true).split(separator: 10)
            .map { Data($0) }
        let decoder = JSONDecoder()
        var named = 0
        for round in 0..<400 {
            var object = try #require(JSONSerialization.jsonObject(with: lines[round]) as? [String: Any])
            var decisions = object["decisions"] as? [[String: Any]] ?? []
            let kind = rng.next() % 5
            switch kind {
            case 0:
                object.removeValue(forKey: RandomAttempts.pick(["caseId", "courseHash", "traineeId", "mode"], &rng))
            case 1 where !decisions.isEmpty:
                let k = Int(rng.next() % UInt64(decisions.count))
                decisions[k].removeValue(
                    forKey: RandomAttempts.pick(["stage", "disposition", "shownAt", "decidedAt", "clock"], &rng))
            case 2 where !decisions.isEmpty:
                let k = Int(rng.next() % UInt64(decisions.count))
                let field = RandomAttempts.pick(["stage", "disposition", "clock", "shownAt"], &rng)
                decisions[k][field] = field == "shownAt" ? "2026-02-30T10:00:00Z" : "bogus"
            case 3 where !decisions.isEmpty:
                let k = Int(rng.next() % UInt64(decisions.count))
                decisions[k]["flaggedIndicators"] = ["vgmMismatch", "smugglersParadise"]
            default:
                object["mode"] = "exam"
            }
            if !decisions.isEmpty { object["decisions"] = decisions }
            let bad = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            // The bad line sits among good ones: both readers stop at it.
            let before = Int(rng.next() % 5)
            var file = Data()
            for k in 0..<before { file += lines[(round + 1 + k) % lines.count] + Data([10]) }
            file += bad + Data([10]) + lines[(round + 7) % lines.count] + Data([10])
            var referenceError: DecodingError?
            do { _ = try decoder.decode(Attempt.self, from: bad) } catch let error as DecodingError {
                referenceError = error
            }
            let expectedPath: String?
            switch referenceError {
            case .keyNotFound(let key, let context)?: expectedPath = pathText(context.codingPath + [key])
            case .dataCorrupted(let context)?: expectedPath = pathText(context.codingPath)
            case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
                expectedPath = pathText(context.codingPath)
            case nil: expectedPath = nil
            @unknown default: expectedPath = nil
            }
            #expect(referenceError != nil, "JSONDecoder read \(String(decoding: bad, as: UTF8.self))")
            do {
                _ = try AttemptLines.decode(file)
                Issue.record("the scanner read \(String(decoding: bad, as: UTF8.self))")
            } catch {
                #expect(error.line == before + 1)
                guard let expectedPath, !expectedPath.isEmpty else { continue }
                // A missing field is named by its object's path and, in the message, its name.
                let missing = error.message.split(separator: "`").dropFirst().first.map(String.init)
                let path =
                    error.message.contains("is missing")
                    ? error.field + (error.field.isEmpty ? "" : ".") + (missing ?? "")
                    : error.field
                #expect(path == expectedPath, "\(error) vs \(expectedPath)")
                named += 1
            }
        }
        #expect(named > 300)
    }

    /// Lines cut short anywhere are refused by both readers, at the same line.
    @Test func truncatedLinesAreRefusedByBothReadersAtTheSameLine() throws {
        var rng = SplitMix64(seed: 31)
        let lines = try Self.foundationLines(Array(Self.attempts.prefix(200)), sorted: true).split(separator: 10)
            .map { Data($0) }
        for round in 0..<300 {
            let line = lines[round % lines.count]
            let cut = line.prefix(1 + Int(rng.next() % UInt64(line.count - 1)))
            #expect(throws: (any Error).self) { try JSONDecoder().decode(Attempt.self, from: cut) }
            var file = lines[(round + 1) % lines.count] + Data([10]) + cut
            if rng.next() % 2 == 0 { file += Data([10]) + lines[(round + 2) % lines.count] }
            var alone: AttemptReadError?
            do { _ = try AttemptLines.decode(cut) } catch { alone = error }
            do {
                _ = try AttemptLines.decode(file)
                Issue.record("the scanner read a cut line")
            } catch {
                #expect(error.line == 2)
                // The same error as for the cut line alone, whatever follows it.
                #expect(error.field == alone?.field && error.message == alone?.message)
            }
        }
    }

    /// The readers' shortcuts (the key and code guessed, a list read in one loop, a line read before its end is
    /// found) change nothing: the same attempts spaced out, with CRLF endings and blank lines, read the same, and
    /// a line with text after its attempt is refused as before.
    @Test func spacingLineEndsAndBlankLinesReadTheSame() throws {
        let lines = AttemptLines.encode(Array(Self.attempts.prefix(500))).split(separator: 10)
        var spaced: [UInt8] = []
        for (index, line) in lines.enumerated() {
            var inString = false, escaped = false
            for byte in line {
                if byte == 34, !escaped { inString.toggle() }
                escaped = inString && byte == 92 && !escaped
                if !inString, byte == 93 || byte == 125 { spaced += [32, 9] }
                spaced.append(byte)
                if !inString, byte == 91 || byte == 44 || byte == 58 || byte == 123 { spaced.append(32) }
            }
            spaced += index % 3 == 0 ? [13, 10, 32, 13, 10] : [32, 10]
        }
        #expect(try AttemptLines.decode(Data(spaced)) == Array(Self.attempts.prefix(500)))

        var junk = Data(lines[0]) + Data([10]) + Data(lines[1]) + Data("x".utf8) + Data([10]) + Data(lines[2])
        #expect {
            _ = try AttemptLines.decode(junk)
        } throws: { error in
            (error as? AttemptReadError)?.line == 2
                && (error as? AttemptReadError)?.message.contains("Text after the attempt") == true
        }
        junk = Data(lines[0]) + Data([10, 10, 32, 10]) + Data(lines[1].dropLast()) + Data([10]) + Data(lines[2])
        #expect {
            _ = try AttemptLines.decode(junk)
        } throws: { error in (error as? AttemptReadError)?.line == 4 }
    }

    /// The figures of the fast grader are those of the reference grade, and it declines exactly the attempts
    /// that the reference grade refuses.
    @Test func fastFiguresEqualTheReferenceGradeAndDeclineExactlyWhatItRefuses() throws {
        let geometry = RandomAttempts.geometry(Self.keys)
        let rubric = Rubric.standard
        let prepared = Dictionary(uniqueKeysWithValues: Self.keys.map { ($0.caseId, PreparedKey($0, rubric: rubric)) })
        let bytes = AttemptLines.encode(Self.attempts)
        var graded = 0, refused = 0
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = AttemptScanner(buffer)
            var index = 0
            while try scanner.next() {
                let attempt = Self.attempts[index]
                index += 1
                let key = prepared[attempt.caseId] ?? prepared[Self.keys[0].caseId]!
                for regions in [ScanGeometry.none, geometry[key.key.caseId]!] {
                    let fast = gradeFigures(scanner, against: key, regions: regions, courseHash: testCourseHash)
                    do {
                        let reference = try grade(attempt, against: key, regions: regions, courseHash: testCourseHash)
                        #expect(fast == GradeFigures(reference), "\(attempt)")
                        graded += 1
                    } catch {
                        #expect(fast == nil, "\(error)")
                        refused += 1
                    }
                }
            }
        }
        #expect(graded > 1000 && refused > 200)
    }
}

@Suite struct BulkGraderTests {
    static let keys = Array(Repository.keys.prefix(40))

    /// A cohort's attempts on a course with scans (marks graded), vantages from the cases.
    static func cohort(mode: AttemptMode, trainees: Int, seed: UInt64) -> [Attempt] {
        var rng = SplitMix64(seed: seed)
        let simulator = CohortSimulator(
            keys: keys, geometry: RandomAttempts.geometry(keys), courseHash: testCourseHash, start: t0)
        return CohortSimulator.trainees(count: trainees, using: &rng).flatMap {
            simulator.attempts(for: $0, mode: mode, using: &rng)
        }
    }

    static var cases: [String: BulkGrader.Case] {
        let geometry = RandomAttempts.geometry(keys)
        let vantages = Dictionary(
            uniqueKeysWithValues: Repository.course.map { ($0.key.caseId, $0.inspectionCase.vantage) })
        return Dictionary(
            uniqueKeysWithValues: keys.map {
                (
                    $0.caseId,
                    BulkGrader.Case(
                        prepared: PreparedKey($0), regions: geometry[$0.caseId]!, vantage: vantages[$0.caseId])
                )
            })
    }

    /// The reference path: every attempt as a value, graded in full, summarised and aggregated.
    static func reference(_ attempts: [Attempt], blockSize: Int) throws -> CohortReport {
        let cases = Self.cases
        var sequence: [String: Int] = [:]
        var summaries: [AttemptSummary] = []
        for attempt in attempts {
            let c = try #require(cases[attempt.caseId])
            let g = try grade(attempt, against: c.prepared, regions: c.regions, courseHash: testCourseHash)
            let n = sequence[attempt.traineeId, default: 0]
            sequence[attempt.traineeId] = n + 1
            summaries.append(AttemptSummary(grade: g, key: c.prepared.key, vantage: c.vantage, sequence: n))
        }
        return aggregate(summaries, blockSize: blockSize)
    }

    @Test(arguments: [(AttemptMode.test, 7), (.training, 3)])
    func bulkGradingGivesExactlyTheReferenceReport(mode: AttemptMode, blockSize: Int) throws {
        let attempts = Self.cohort(mode: mode, trainees: 9, seed: 5)
        // Interleave the trainees' attempts as a server export would.
        let shuffled = attempts.enumerated().sorted { ($0.offset % 37, $0.offset) < ($1.offset % 37, $1.offset) }.map(
            \.element)
        let bytes = AttemptLines.encode(shuffled)
        let cases = Self.cases
        let result = try bytes.withUnsafeBufferPointer { buffer in
            try BulkGrader(courseHash: testCourseHash, blockSize: blockSize).grade(buffer, keys: cases)
        }
        #expect(result.attempts == shuffled.count)
        let expected = try Self.reference(shuffled, blockSize: blockSize)
        #expect(result.report.trainees == expected.trainees)
        #expect(result.report.cohort == expected.cohort)
        #expect(result.report.items == expected.items)
        #expect(result.report.trainees.count == 9)
    }

    @Test func aBadLineAnywhereStopsBulkGradingNamingTheLineAndField() throws {
        let attempts = Self.cohort(mode: .test, trainees: 2, seed: 8)
        var lines = String(decoding: AttemptLines.encode(attempts), as: UTF8.self).split(separator: "\n").map(
            String.init)
        lines[41] = lines[41].replacingOccurrences(of: "\"mode\":\"test\"", with: "\"mode\":\"exam\"")
        let cases = Self.cases
        do {
            _ = try Array((lines.joined(separator: "\n") + "\n").utf8).withUnsafeBufferPointer { buffer in
                try BulkGrader(courseHash: testCourseHash).grade(buffer, keys: cases)
            }
            Issue.record("graded a file with a bad line")
        } catch let error as BulkGradingError {
            #expect(error.line == 42)
            #expect(error.field == "mode")
            #expect(error.value == "exam")
            #expect(error.code == "attempts.read")
        }
    }

    @Test func anAttemptThatCannotBeGradedIsNamedAsTheReferenceGraderNamesIt() throws {
        var attempts = Self.cohort(mode: .test, trainees: 1, seed: 9)
        let index = try #require(attempts.indices.dropFirst(3).first { attempts[$0].decisions.count > 1 })
        attempts[index].decisions[1].markedRegions = [
            MarkedRegion(scan: "scan.png", shape: .rectangle(x: 2900, y: 10, width: 500, height: 10))
        ]
        let cases = Self.cases
        let c = try #require(cases[attempts[index].caseId])
        var reference: GradingError?
        do throws(GradingError) {
            _ = try grade(attempts[index], against: c.prepared, regions: c.regions, courseHash: testCourseHash)
        } catch { reference = error }
        let expected = try #require(reference)
        do {
            _ = try AttemptLines.encode(attempts).withUnsafeBufferPointer { buffer in
                try BulkGrader(courseHash: testCourseHash).grade(buffer, keys: cases)
            }
            Issue.record("graded a mark outside the scan")
        } catch let error as BulkGradingError {
            #expect(error.line == index + 1)
            #expect(error.code == expected.code)
            #expect(error.field == expected.field)
            #expect(error.message == expected.message)
        }
        // A case with no key is named with its line too.
        var unknown = Self.cohort(mode: .test, trainees: 1, seed: 9)
        unknown[5].caseId = "CUNKNOWN"
        do {
            _ = try AttemptLines.encode(unknown).withUnsafeBufferPointer { buffer in
                try BulkGrader().grade(buffer, keys: cases)
            }
            Issue.record("graded an attempt without a key")
        } catch let error as BulkGradingError {
            #expect(error.line == 6)
            #expect(error.code == "grade.keyMissing")
            #expect(error.value == "CUNKNOWN")
        }
    }
}
