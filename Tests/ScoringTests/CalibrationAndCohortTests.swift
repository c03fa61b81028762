import CargoModel
import Foundation
import Scoring
import Testing

@Suite struct CalibrationRoundTests {
    let scale = ["fail", "weak", "pass", "good"]
    let items = ["a1", "a2", "a3", "a4", "a5", "a6"]

    func round() throws -> CalibrationRound {
        var r = try CalibrationRound(id: "R1", rubricVersion: "v1", scale: scale, items: items, minimumPanel: 2)
        let panel1 = ["fail", "weak", "pass", "good", "pass", "weak"]
        let panel2 = ["fail", "weak", "pass", "good", "good", "weak"]
        for (i, item) in items.enumerated() {
            try r.recordReference(panelist: "P1", item: item, grade: panel1[i])
            try r.recordReference(panelist: "P2", item: item, grade: panel2[i])
        }
        return r
    }

    @Test func theRoundMovesFromReferenceToCandidatesToClosed() throws {
        var r = try CalibrationRound(id: "R1", rubricVersion: "v1", scale: scale, items: items, minimumPanel: 2)
        #expect(try r.recordReference(panelist: "P1", item: "a1", grade: "fail") == .awaitReferenceGrades(items: items))
        #expect(throws: CalibrationError.self) { try r.openToCandidates() }
        #expect(throws: CalibrationError.self) { try r.recordCandidate("C1", item: "a1", grade: "fail") }
        r = try round()
        try r.openToCandidates()
        #expect(throws: CalibrationError.self) { try r.recordReference(panelist: "P3", item: "a1", grade: "fail") }
        #expect(
            try r.recordCandidate("C1", item: "a1", grade: "fail")
                == .awaitCandidateGrades(candidate: "C1", items: Array(items.dropFirst())))
        for item in items.dropFirst().dropLast() { try r.recordCandidate("C1", item: item, grade: "pass") }
        #expect(try r.recordCandidate("C1", item: "a6", grade: "weak") == .candidateComplete(candidate: "C1"))
        _ = try r.close()
        #expect(r.phase == .closed)
        #expect(throws: CalibrationError.self) { try r.close() }
    }

    @Test func badGradesItemsAndPanelistsAsCandidatesAreRefusedNamingTheValue() throws {
        var r = try round()
        do {
            try r.recordReference(panelist: "P1", item: "a1", grade: "excellent")
            Issue.record("accepted a grade off the scale")
        } catch { #expect(error.field == "grade" && error.value == "excellent") }
        #expect(throws: CalibrationError.self) { try r.recordReference(panelist: "P1", item: "zz", grade: "fail") }
        try r.openToCandidates()
        #expect(throws: CalibrationError.self) { try r.recordCandidate("P1", item: "a1", grade: "fail") }
        #expect(throws: CalibrationError.self) {
            try CalibrationRound(id: "x", rubricVersion: "v", scale: ["one"], items: ["a"])
        }
    }

    @Test func aCandidateWhoGradesLikeThePanelAgreesPerfectlyAndADepartingOneIsShownWhere() throws {
        var r = try round()
        try r.openToCandidates()
        // Reference = lower median of two = the lower grade: fail, weak, pass, good, pass, weak.
        for (item, grade) in zip(items, ["fail", "weak", "pass", "good", "pass", "weak"]) {
            try r.recordCandidate("Same", item: item, grade: grade)
        }
        for (item, grade) in zip(items, ["fail", "weak", "good", "good", "fail", "weak"]) {
            try r.recordCandidate("Off", item: item, grade: grade)
        }
        let results = try r.close()
        #expect(results.reference["a5"] == "pass")
        let same = try #require(results.candidates.first { $0.candidate == "Same" })
        #expect(same.kappa == 1 && same.weightedKappaQuadratic == 1 && same.departures.isEmpty)
        let off = try #require(results.candidates.first { $0.candidate == "Off" })
        #expect(off.departures.map(\.item) == ["a5", "a3"])
        #expect(off.departures.first?.steps == -2)
        #expect(try #require(off.kappa) < 1)
        #expect(try #require(off.weightedKappaLinear) > (try #require(off.kappa)))
        #expect(try #require(results.allAlphaOrdinal) < 1)
    }

    @Test func aRecordPlaysThroughTheRoundWithMissingGrades() throws {
        let record = CalibrationRecord(
            id: "R2", rubricVersion: "v1", scale: scale, items: items,
            reference: [
                "P1": Dictionary(uniqueKeysWithValues: zip(items, ["fail", "weak", "pass", "good", "pass", "weak"])),
                "P2": Dictionary(uniqueKeysWithValues: zip(items, ["fail", "weak", "pass", "good", "pass", "weak"])),
            ],
            candidates: ["C": ["a1": "fail", "a2": "weak", "a4": "good"]])
        let results = try record.run()
        let c = try #require(results.candidates.first)
        #expect(c.itemsGraded == 3 && c.itemsMissing == 3)
        #expect(results.panelAlphaOrdinal == 1)
        var bad = record
        bad.candidates["C"]!["a9"] = "fail"
        do {
            _ = try bad.run()
            Issue.record("accepted an unknown item")
        } catch { #expect(error.field == "candidates.C.a9") }
    }
}

@Suite struct CohortSimulatorTests {
    func cohort(seed: UInt64) -> [Attempt] {
        var rng = SplitMix64(seed: seed)
        let simulator = CohortSimulator(keys: Repository.keys, courseHash: testCourseHash, start: t0)
        return CohortSimulator.trainees(count: 30, using: &rng).flatMap {
            simulator.attempts(for: $0, mode: .test, using: &rng)
        }
    }

    @Test func theSameSeedGivesTheSameAttempts() {
        #expect(cohort(seed: 8) == cohort(seed: 8))
        #expect(cohort(seed: 8) != cohort(seed: 9))
    }

    @Test func everySimulatedAttemptIsValidAndGrades() throws {
        let keys = Dictionary(uniqueKeysWithValues: Repository.keys.map { ($0.caseId, $0) })
        for attempt in cohort(seed: 1) {
            #expect(attempt.validate().isValid)
            _ = try grade(attempt, against: keys[attempt.caseId]!, courseHash: testCourseHash)
        }
    }

    @Test func moreSensitiveTraineesShowAHigherDPrime() throws {
        var rng = SplitMix64(seed: 4)
        let simulator = CohortSimulator(
            keys: Repository.keys + Repository.keys + Repository.keys, courseHash: testCourseHash, start: t0)
        let keys = Dictionary(uniqueKeysWithValues: Repository.keys.map { ($0.caseId, $0) })
        func dPrime(_ sensitivity: Double) throws -> Double {
            let trainee = SimulatedTrainee(
                id: "S\(sensitivity)", initialSensitivity: sensitivity, finalSensitivity: sensitivity,
                criterion: 0, diligence: 0.8, pace: 1)
            let summaries = try simulator.attempts(for: trainee, mode: .test, using: &rng).enumerated().map { i, a in
                AttemptSummary(
                    grade: try grade(a, against: keys[a.caseId]!), key: keys[a.caseId]!, vantage: nil, sequence: i)
            }
            return try #require(report(trainee.id, summaries).detection.dPrime)
        }
        let weak = try dPrime(0.3), strong = try dPrime(3.5)
        #expect(strong > weak + 1, "weak \(weak), strong \(strong)")
    }
}

@Suite struct AggregationTests {
    @Test func countsBreakdownsAndLearningCurvesAddUp() throws {
        let list = summaries("T1", hits: 8, misses: 2, falseAlarms: 3, correctRejections: 7)
        let r = report("T1", list, blockSize: 5)
        #expect(r.detection.counts == DetectionCounts(hits: 8, misses: 2, falseAlarms: 3, correctRejections: 7))
        #expect(r.learningCurve.count == 4 && r.learningCurve.map(\.attempts) == [5, 5, 5, 5])
        #expect(r.learningCurve[0].proportionCorrect == 1)
        // Per kind: that kind's concealments against all clean cases.
        let kind = try #require(r.byKind.first)
        #expect(kind.detection.counts.signalTrials == 10 && kind.detection.counts.noiseTrials == 10)
        #expect(r.byScenario.map(\.group) == ["clean", "withinLoad"])
    }

    @Test func itemAnalysisFlagsTooEasyAndBrokenItems() throws {
        // 20 trainees of rising ability; item E everyone gets right; item B only the weakest get right.
        var all: [AttemptSummary] = []
        for t in 0..<20 {
            let id = "T\(t)"
            for k in 0..<10 {
                let correct = k < t / 2 + 1
                all.append(
                    AttemptSummary(
                        traineeId: id, caseId: "X\(k)", sequence: k, signal: true, alarm: correct,
                        score: correct ? 1 : 0,
                        passed: correct, scenario: "withinLoad"))
            }
            all.append(
                AttemptSummary(
                    traineeId: id, caseId: "E", sequence: 10, signal: false, alarm: false, score: 1, passed: true,
                    scenario: "clean"))
            all.append(
                AttemptSummary(
                    traineeId: id, caseId: "B", sequence: 11, signal: true, alarm: t < 5, score: t < 5 ? 1 : 0,
                    passed: t < 5, scenario: "withinLoad"))
        }
        let items = Dictionary(uniqueKeysWithValues: itemAnalysis(all).map { ($0.caseId, $0) })
        #expect(items["E"]?.flags.contains(.tooEasy) == true)
        #expect(items["E"]?.difficulty == 1)
        #expect(items["B"]?.flags.contains(.broken) == true)
        #expect(try #require(items["X5"]?.discrimination) > 0.2)
    }

    @Test func pointBiserialMatchesPearsonsCorrelation() throws {
        let x: [Double] = [1, 0, 1, 1, 0, 0, 1, 0], y: [Double] = [0.9, 0.2, 0.7, 0.6, 0.4, 0.1, 0.8, 0.5]
        let mx = x.reduce(0, +) / 8, my = y.reduce(0, +) / 8
        let cov = zip(x, y).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
        let pearson =
            cov
            / ((x.map { ($0 - mx) * ($0 - mx) }.reduce(0, +) * y.map { ($0 - my) * ($0 - my) }.reduce(0, +))
                .squareRoot())
        #expect(abs(try #require(pointBiserial(x, y)) - pearson) < 1e-12)
    }

    @Test func theReportRendersInEveryFormat() throws {
        let list =
            summaries("T1", hits: 8, misses: 2, falseAlarms: 3, correctRejections: 7)
            + summaries("T2", hits: 5, misses: 5, falseAlarms: 1, correctRejections: 9)
        let cohort = aggregate(list)
        let csv = cohort.csv().split(separator: "\n")
        #expect(csv.count == 4 && csv[1].hasPrefix("T1,20,8,2,3,7,"))
        let decoded = try JSONDecoder().decode(CohortReport.self, from: cohort.json())
        #expect(decoded.trainees.map(\.traineeId) == ["T1", "T2"])
        let html = cohort.html(language: "es") { key, _ in key }
        #expect(html.contains("<svg") && html.contains("lang=\"es\"") && html.contains("<circle"))
        #expect(cohort.text { key, _ in key }.contains("T2"))
    }
}
