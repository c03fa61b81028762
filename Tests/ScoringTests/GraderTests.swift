import CargoModel
import CaseBundle
import Scoring
import Testing

@testable import Scoring

@Suite struct LocalisationTests {
    let frame = ScanFrame(file: "scan.png", widthPixels: 1000, heightPixels: 200)
    let region = KeyRegion(scan: "scan.png", anomalyId: "A1", box: RegionBox(x: 100, y: 50, width: 100, height: 100))
    var geometry: ScanGeometry { ScanGeometry(frames: [frame], regions: [region]) }

    func mark(_ shape: RegionShape, scan: String = "scan.png") -> MarkedRegion {
        MarkedRegion(scan: scan, shape: shape)
    }

    @Test func intersectionOverUnionOfKnownBoxes() {
        let a = RegionBox(x: 0, y: 0, width: 10, height: 10)
        #expect(a.intersectionOverUnion(a) == 1)
        #expect(a.intersectionOverUnion(RegionBox(x: 5, y: 0, width: 10, height: 10)) == 50.0 / 150)
        #expect(a.intersectionOverUnion(RegionBox(x: 10, y: 0, width: 10, height: 10)) == 0)  // touching edges
        #expect(a.intersectionOverUnion(RegionBox(x: 3, y: 3, width: 0, height: 0)) == 0)  // a point has no area
    }

    @Test func aMarkAtTheIoUThresholdHitsAndJustBelowMisses() {
        // Shifted by s along x: IoU = (100 − s)/(100 + s); 0.3 exactly at s = 700/13.
        let rule = LocalisationRule(mode: .iou, iouThreshold: 0.3, maximumScanCoverage: 0.5)
        let atThreshold = localise(
            [mark(.rectangle(x: 100 + 700.0 / 13 - 1e-9, y: 50, width: 100, height: 100))],
            against: geometry, rule: rule)
        let beyond = localise(
            [mark(.rectangle(x: 100 + 700.0 / 13 + 0.01, y: 50, width: 100, height: 100))],
            against: geometry, rule: rule)
        #expect(atThreshold.found == ["A1"] && atThreshold.falseMarks == 0)
        #expect(beyond.found.isEmpty && beyond.missed == ["A1"] && beyond.falseMarks == 1)
    }

    @Test func aPointInsideTheBoxHitsInPointModeButNotInIoUMode() {
        let marks = [mark(.point(x: 150, y: 100))]
        #expect(localise(marks, against: geometry, rule: LocalisationRule(mode: .pointInBox)).found == ["A1"])
        #expect(localise(marks, against: geometry, rule: LocalisationRule(mode: .iou)).found.isEmpty)
        // On the edge counts; a hair outside does not.
        #expect(
            localise([mark(.point(x: 200, y: 150))], against: geometry, rule: LocalisationRule(mode: .pointInBox)).found
                == ["A1"])
        #expect(
            localise([mark(.point(x: 200.01, y: 150))], against: geometry, rule: LocalisationRule(mode: .pointInBox))
                .found.isEmpty)
    }

    @Test func aMarkCoveringMostOfTheScanIsNoHit() {
        let whole = mark(.rectangle(x: 0, y: 0, width: 1000, height: 200))
        let result = localise(
            [whole], against: geometry, rule: LocalisationRule(mode: .pointInBox, maximumScanCoverage: 0.5))
        #expect(result.found.isEmpty && result.falseMarks == 1 && result.tooBroadMarks == 1)
        // Just under the guard (49 % of the scan) and holding the box: a hit in point mode.
        let big = mark(.rectangle(x: 0, y: 0, width: 490, height: 200))
        #expect(
            localise([big], against: geometry, rule: LocalisationRule(mode: .pointInBox, maximumScanCoverage: 0.5))
                .found.isEmpty)
        let centred = mark(.rectangle(x: 0, y: 0, width: 300, height: 200))
        #expect(
            localise([centred], against: geometry, rule: LocalisationRule(mode: .pointInBox, maximumScanCoverage: 0.5))
                .found == ["A1"])
    }

    @Test func oneMarkFindsOneRegionAndMarksOnAnotherScanFindNothing() {
        let two = ScanGeometry(
            frames: [frame, ScanFrame(file: "scan-high.png", widthPixels: 1000, heightPixels: 200)],
            regions: [
                region,
                KeyRegion(scan: "scan.png", anomalyId: "A2", box: RegionBox(x: 120, y: 60, width: 80, height: 80)),
            ])
        let result = localise(
            [mark(.rectangle(x: 110, y: 55, width: 90, height: 90))], against: two, rule: LocalisationRule())
        #expect(result.found.count == 1 && result.missed.count == 1 && result.falseMarks == 0)
        let other = localise(
            [mark(.rectangle(x: 100, y: 50, width: 100, height: 100), scan: "scan-high.png")], against: two,
            rule: LocalisationRule())
        #expect(other.found.isEmpty && other.falseMarks == 1)
    }

    @Test func nothingToFindAndNothingMarkedScoresOne() {
        #expect(localise([], against: ScanGeometry(frames: [frame], regions: []), rule: LocalisationRule()).score == 1)
    }
}

@Suite struct GraderTests {
    var irregular: AnswerKey {
        Repository.keys.first { $0.irregular && $0.expectations.count == 4 && !$0.evidenceSteps.isEmpty }!
    }
    var clean: AnswerKey { Repository.keys.first { !$0.irregular && $0.expectations.count == 4 }! }

    @Test func followingTheKeyScoresFullMarksAndIsAHit() throws {
        let g = try grade(perfectAttempt(irregular), against: irregular, courseHash: testCourseHash)
        #expect(g.outcome == .hit)
        #expect(abs(g.score - 1) < 1e-12)
        #expect(g.passed)
        #expect(g.stages.allSatisfy { $0.acceptable })
        #expect(g.evidence?.violations.isEmpty == true && g.evidence?.missing.isEmpty == true)
    }

    @Test func everyGeneratedKeyGradesItsOwnPerfectAttemptAtFullMarks() throws {
        for key in Repository.keys {
            let g = try grade(perfectAttempt(key), against: key)
            #expect(abs(g.score - 1) < 1e-12, "\(key.caseId) \(key.scenario): \(g.score)")
            #expect(g.outcome.isCorrect, "\(key.caseId) \(key.scenario)")
        }
    }

    @Test func releasingAConcealmentIsAMissThatCostsMoreThanAnUnneededExamination() throws {
        var missed = perfectAttempt(irregular)
        for i in missed.decisions.indices {
            missed.decisions[i].disposition = .release
            missed.decisions[i].agency = nil
        }
        let miss = try grade(missed, against: irregular)
        #expect(miss.outcome == .miss)
        #expect(miss.feedback.items.contains { $0.code == .concealmentMissed })

        var stopped = perfectAttempt(clean)
        stopped.decisions[stopped.decisions.count - 1].disposition = .detain
        let falseAlarm = try grade(stopped, against: clean)
        #expect(falseAlarm.outcome == .falseAlarm)
        #expect(falseAlarm.feedback.items.contains { $0.code == .unneededStop })
        #expect(miss.parts.disposition < falseAlarm.parts.disposition)
    }

    @Test func testModeShowsTheScoreOnlyAndNothingOfTheKey() throws {
        let g = try grade(perfectAttempt(irregular, mode: .test), against: irregular)
        #expect(g.feedback.items.map(\.code) == [.score])
        #expect(g.feedback.rationale.isEmpty)
        let training = try grade(perfectAttempt(irregular, mode: .training), against: irregular)
        #expect(training.feedback.rationale == irregular.rationale)
        #expect(training.feedback.items.count > 1)
    }

    @Test func custodyOutOfOrderIsNamedStepByStep() throws {
        var attempt = perfectAttempt(irregular)
        let last = attempt.decisions.count - 1
        var steps = attempt.decisions[last].evidenceSteps
        try #require(steps.count >= 3)
        steps.swapAt(0, 2)
        attempt.decisions[last].evidenceSteps = steps
        let g = try grade(attempt, against: irregular)
        #expect(g.evidence?.violations.isEmpty == false)
        #expect(g.feedback.items.contains { $0.code == .custodyOrder })
        #expect(g.score < 1)
    }

    @Test func aReferralToTheWrongAgencyIsNotAcceptable() throws {
        guard let key = Repository.keys.first(where: { $0.expectations[.evidence]?.best == .referToAgency }) else {
            return
        }
        var attempt = perfectAttempt(key)
        let last = attempt.decisions.count - 1
        attempt.decisions[last].agency = Agency.allCases.first { $0 != key.expectations[.evidence]!.agency }
        let g = try grade(attempt, against: key)
        #expect(g.stages.last?.acceptable == false)
        #expect(g.feedback.items.contains { $0.code == .wrongAgency })
    }

    @Test func indicatorsGivePrecisionAndRecall() throws {
        let key = Repository.keys.first { $0.indicators.count >= 2 }!
        var attempt = perfectAttempt(key)
        let present = Set(key.indicators.map(\.code))
        let absent = RiskIndicator.allCases.first { !present.contains($0) && $0.stage == .targeting }!
        attempt.decisions[0].flaggedIndicators = [key.indicators[0].code, absent]
        let g = try grade(attempt, against: key)
        #expect(g.indicators?.precision == 0.5)
        #expect(g.indicators?.recall == 1.0 / Double(present.count))
    }

    @Test func anAttemptForAnotherCaseOrCourseIsRefusedNamingTheField() {
        let other = Repository.keys.first { $0.caseId != irregular.caseId }!
        #expect(throws: GradingError.self) { try grade(perfectAttempt(irregular), against: other) }
        do {
            _ = try grade(perfectAttempt(irregular), against: irregular, courseHash: "another")
            Issue.record("graded an attempt of another course")
        } catch {
            #expect(error.code == "grade.courseMismatch" && error.field == "courseHash")
            #expect(error.record.contains(irregular.caseId))
        }
    }

    @Test func regionsOutsideTheScanOrOnAnUnknownScanAreRefused() throws {
        var attempt = perfectAttempt(irregular)
        let screening = try #require(attempt.decisions.firstIndex { $0.stage == .screening })
        let geometry = ScanGeometry(
            frames: [ScanFrame(file: "scan.png", widthPixels: 800, heightPixels: 200)], regions: [])
        attempt.decisions[screening].markedRegions = [
            MarkedRegion(scan: "scan.png", shape: .rectangle(x: 790, y: 10, width: 20, height: 10))
        ]
        do {
            _ = try grade(attempt, against: irregular, regions: geometry)
            Issue.record("accepted a region outside the scan")
        } catch {
            #expect(error.code == "grade.regionOutside")
            #expect(error.field == "decisions[\(screening)].markedRegions[0].shape")
        }
        attempt.decisions[screening].markedRegions = [MarkedRegion(scan: "other.png", shape: .point(x: 1, y: 1))]
        #expect(throws: GradingError.self) { try grade(attempt, against: irregular, regions: geometry) }
    }

    @Test func aDecisionForAStageTheCaseDoesNotHaveIsRefused() throws {
        guard let short = Repository.keys.first(where: { $0.expectations[.evidence] == nil }) else { return }
        var attempt = perfectAttempt(short)
        attempt.decisions.append(
            Decision(stage: .evidence, disposition: .release, shownAt: t0, decidedAt: t0, clock: .server))
        do {
            _ = try grade(attempt, against: short)
            Issue.record("graded a stage the case does not have")
        } catch { #expect(error.code == "grade.stageAbsent") }
    }

    @Test func localisationCountsInTheScoreWhenTheScansAreKnown() throws {
        let key = irregular
        let anomaly = try #require(key.anomalies.first)
        let geometry = ScanGeometry(
            frames: [ScanFrame(file: "scan.png", widthPixels: 2000, heightPixels: 500)],
            regions: [
                KeyRegion(
                    scan: "scan.png", anomalyId: anomaly.id, box: RegionBox(x: 100, y: 100, width: 200, height: 100))
            ])
        var attempt = perfectAttempt(key)
        let screening = try #require(attempt.decisions.firstIndex { $0.stage == .screening })
        attempt.decisions[screening].markedRegions = [
            MarkedRegion(scan: "scan.png", shape: .rectangle(x: 110, y: 100, width: 200, height: 100))
        ]
        let found = try grade(attempt, against: key, regions: geometry)
        #expect(found.localisation?.found == [anomaly.id] && abs(found.score - 1) < 1e-12)
        attempt.decisions[screening].markedRegions = [
            MarkedRegion(scan: "scan.png", shape: .rectangle(x: 0, y: 0, width: 2000, height: 500))
        ]
        let broad = try grade(attempt, against: key, regions: geometry)
        #expect(broad.localisation?.tooBroadMarks == 1 && broad.localisation?.found.isEmpty == true)
        #expect(broad.score < found.score)
        #expect(broad.feedback.items.contains { $0.code == .markTooBroad })
    }

    @Test func slowDecisionsAreNamedButNotPenalised() throws {
        var attempt = perfectAttempt(clean)
        attempt.decisions[0].decidedAt = attempt.decisions[0].shownAt.adding(minutes: 30)
        let g = try grade(attempt, against: clean)
        #expect(g.stages[0].slow && g.stages[0].responseSeconds == 1800)
        #expect(g.feedback.items.contains { $0.code == .slowDecision })
        #expect(abs(g.score - 1) < 1e-12)
    }

    @Test func feedbackRendersInEveryLanguageWithoutLeftOverPlaceholders() throws {
        let localizer = try Localizer(directory: Repository.assets.appendingPathComponent("i18n"))
        var attempt = perfectAttempt(irregular)
        attempt.decisions[0].disposition = .release
        attempt.decisions[0].flaggedIndicators = [.cashFreightPayment]
        let g = try grade(attempt, against: irregular)
        for lang in ["en", "es", "pt"] {
            let lines = g.feedback.render { localizer.text($0, lang, $1) }
            #expect(!lines.isEmpty)
            for line in lines { #expect(!line.contains("{") && !line.hasPrefix("feedback."), "\(lang): \(line)") }
        }
    }

    @Test func theDefaultRubricIsValidAndABrokenOneIsNamedByField() {
        #expect(Rubric.standard.validate().isValid)
        var broken = Rubric.standard
        broken.localisation.iouThreshold = 1.5
        broken.weights.evidence = -1
        let fields = broken.validate().errors.map(\.field)
        #expect(fields.contains("localisation.iouThreshold") && fields.contains("weights.evidence"))
    }
}

@Suite struct PreparedKeyTests {
    @Test func ordinalsFollowTheDeclarationOrderOfEveryEnumTheGraderPacks() {
        func check<E: CaseIterable & Equatable>(_ type: E.Type) {
            for (i, value) in E.allCases.enumerated() { #expect(ordinal(value) == i, "\(type) \(value)") }
        }
        check(Stage.self)
        check(Disposition.self)
        check(RiskIndicator.self)
        check(SealFinding.self)
        check(ExaminationPoint.self)
        check(EvidenceStep.self)
        #expect(
            RiskIndicator.allCases.count <= 32 && ExaminationPoint.allCases.count <= 16
                && EvidenceStep.allCases.count <= 15)
        #expect(Disposition.allCases.count <= 8)
    }

    @Test func aPreparedKeyGradesExactlyAsTheKeyItself() throws {
        var rng = SplitMix64(seed: 12)
        let simulator = CohortSimulator(keys: Repository.keys, courseHash: testCourseHash, start: t0)
        let keys = Dictionary(uniqueKeysWithValues: Repository.keys.map { ($0.caseId, $0) })
        for trainee in CohortSimulator.trainees(count: 3, using: &rng) {
            for attempt in simulator.attempts(for: trainee, mode: .training, using: &rng) {
                let key = keys[attempt.caseId]!
                let prepared = try grade(attempt, against: PreparedKey(key))
                // An independent recomputation of the disposition part from the key and rubric directly.
                let truth: Truth = key.irregular ? .irregular : .clean
                var expected = 0.0
                for d in attempt.decisions {
                    let row = Rubric.standard.costs[d.stage]![truth]!
                    let worst = Disposition.options(at: d.stage).map { row[$0]! }.max()!
                    let e = key.expectations[d.stage]!
                    let ok =
                        e.acceptable.contains(d.disposition)
                        && (d.disposition != .referToAgency || e.agency == nil || d.agency == e.agency)
                    let cost =
                        ok
                        ? 0
                        : (e.acceptable.contains(d.disposition)
                            ? min(worst, Rubric.standard.wrongAgencyCost) : row[d.disposition]!)
                    expected += 1 - cost / worst
                }
                #expect(abs(prepared.parts.disposition - expected / Double(attempt.decisions.count)) < 1e-12)
            }
        }
    }
}
