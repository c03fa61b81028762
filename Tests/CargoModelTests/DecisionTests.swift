import CargoModel
import Foundation
import Testing

struct DecisionTests {
    /// What each stage offers, written out from the course design rather than read from the model.
    static let offered: [Stage: Set<Disposition>] = [
        .targeting: [.release, .referForScan, .targetedExamination],
        .screening: [.release, .targetedExamination, .fullDevanning, .detain],
        .examination: [.release, .fullDevanning, .detain],
        .evidence: [.release, .detain, .controlledDelivery, .referToAgency, .alertDestinationPort],
    ]

    @Test(arguments: Stage.allCases, Disposition.allCases)
    func aDispositionIsAcceptedExactlyWhereItIsOffered(stage: Stage, disposition: Disposition) throws {
        let isOffered = try #require(Self.offered[stage]).contains(disposition)
        #expect(Disposition.options(at: stage).contains(disposition) == isOffered)

        let agency: Agency? = disposition == .referToAgency ? .police : nil
        let errors = Fixtures.decision(stage, disposition, agency: agency).validate().errors
        if isOffered {
            #expect(errors.isEmpty, "\(errors)")
        } else {
            #expect(errors.map(\.code) == ["decision.disposition"])
            #expect(errors.first?.field == "disposition")
            #expect(errors.first?.value == disposition.rawValue)
            for option in Disposition.options(at: stage) {
                #expect(errors.first?.message.contains(option.rawValue) == true)
            }
        }
    }

    @Test(arguments: Stage.allCases)
    func optionsAreListedWithoutRepeats(stage: Stage) {
        let options = Disposition.options(at: stage)
        #expect(Set(options).count == options.count)
        #expect(options.contains(.release))
    }

    @Test func everyDispositionIsOfferedSomewhere() {
        let offeredAnywhere = Set(Stage.allCases.flatMap(Disposition.options(at:)))
        #expect(offeredAnywhere == Set(Disposition.allCases))
    }

    @Test func aDecisionBeforeTheStageWasShownIsRejected() throws {
        let decision = Fixtures.decision(.targeting, .release, shownMinute: 5, decidedMinute: 4)
        #expect(decision.responseMilliseconds == -60_000)
        let error = try #require(decision.validate().errors.first)
        #expect(decision.validate().errors.count == 1)
        #expect(error.code == "decision.time")
        #expect(error.field == "decidedAt")
        #expect(error.value == decision.decidedAt.description)
    }

    @Test func aDecisionInTheSameMillisecondIsAccepted() {
        let decision = Fixtures.decision(.screening, .release, shownMinute: 3, decidedMinute: 3)
        #expect(decision.responseMilliseconds == 0)
        #expect(decision.validate().isValid)
    }

    @Test(arguments: [
        (Disposition.referToAgency, Agency?.some(.antiNarcotics), true),
        (.referToAgency, nil, false),
        (.detain, .police, false),
        (.release, .revenue, false),
        (.detain, nil, true),
        (.alertDestinationPort, nil, true),
    ])
    func anAgencyIsNamedExactlyWhenReferringToOne(disposition: Disposition, agency: Agency?, valid: Bool) {
        let errors = Fixtures.decision(.evidence, disposition, agency: agency).validate().errors
        #expect(errors.isEmpty == valid)
        if !valid {
            #expect(errors.map(\.code) == ["decision.agency"])
            #expect(errors.first?.field == "agency")
            #expect(errors.first?.value == (agency?.rawValue ?? "none"))
        }
    }

    @Test func decisionRoundTripsThroughJSON() throws {
        for decision in Fixtures.attempt().decisions {
            let data = try JSONEncoder().encode(decision)
            #expect(try JSONDecoder().decode(Decision.self, from: data) == decision)
        }
    }
}

struct AttemptTests {
    private func attempt(_ stages: [Stage]) -> Attempt {
        let dispositions: [Stage: Disposition] = [
            .targeting: .referForScan, .screening: .detain,
            .examination: .detain, .evidence: .controlledDelivery,
        ]
        return Attempt(
            caseId: "C-1", courseHash: "h", traineeId: "T-1", mode: .test,
            decisions: stages.map { Fixtures.decision($0, dispositions[$0]!) })
    }

    @Test(
        arguments: [
            [], [.targeting], [.targeting, .screening], [.targeting, .screening, .examination],
            Stage.allCases, [.targeting, .examination],
        ] as [[Stage]])
    func stagesInOrderEachOnceAreAccepted(stages: [Stage]) {
        #expect(attempt(stages).validate().isValid)
    }

    @Test(
        arguments: [
            [.screening, .targeting], [.targeting, .targeting], [.targeting, .screening, .screening],
            [.evidence, .examination], [.targeting, .examination, .screening], Stage.allCases.reversed(),
            [.targeting, .screening, .examination, .evidence, .evidence],
        ] as [[Stage]])
    func stagesOutOfOrderOrRepeatedAreRejected(stages: [Stage]) throws {
        let errors = attempt(stages).validate().errors
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        #expect(error.code == "attempt.stages")
        #expect(error.field == "decisions")
        #expect(error.value == stages.map(\.rawValue).joined(separator: ","))
    }

    @Test func aBadDecisionIsReportedUnderItsIndex() {
        var attempt = attempt([.targeting, .screening, .examination])
        attempt.decisions[1].decidedAt = attempt.decisions[1].shownAt.adding(minutes: -1)
        attempt.decisions[2].disposition = .referForScan
        let errors = attempt.validate().errors
        #expect(errors.map(\.field) == ["decisions[1].decidedAt", "decisions[2].disposition"])
    }

    @Test func missingIdsAreRejected() {
        var attempt = attempt([.targeting])
        attempt.caseId = ""
        attempt.traineeId = ""
        #expect(attempt.validate().errors.map(\.code) == ["attempt.caseId", "attempt.traineeId"])
    }

    @Test func decisionAtFindsTheStagesDecision() {
        let attempt = Fixtures.attempt()
        for stage in Stage.allCases {
            #expect(attempt.decision(at: stage)?.stage == stage)
        }
        #expect(self.attempt([.targeting]).decision(at: .evidence) == nil)
    }

    @Test func theFixtureAttemptIsValidAndRoundTrips() throws {
        let attempt = Fixtures.attempt()
        #expect(attempt.validate().isValid, "\(attempt.validate().errors)")
        let data = try JSONEncoder().encode(attempt)
        #expect(try JSONDecoder().decode(Attempt.self, from: data) == attempt)
    }
}

struct RegionShapeTests {
    static let shapes: [(RegionShape, String, Set<String>)] = [
        (.rectangle(x: 10, y: 20, width: 30, height: 40), "rectangle", ["type", "x", "y", "width", "height"]),
        (
            .ellipse(centerX: 100, centerY: 50, radiusX: 20, radiusY: 10.5), "ellipse",
            ["type", "centerX", "centerY", "radiusX", "radiusY"]
        ),
        (
            .polygon(points: [PixelPoint(x: 3, y: 8), PixelPoint(x: 10, y: 2), PixelPoint(x: 6, y: 12)]), "polygon",
            ["type", "points"]
        ),
        (.point(x: 7.25, y: 9), "point", ["type", "x", "y"]),
    ]

    @Test(arguments: shapes)
    func encodesWithATypeAndDecodesBack(shape: RegionShape, type: String, keys: Set<String>) throws {
        let data = try JSONEncoder().encode(shape)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["type"] as? String == type)
        #expect(Set(object.keys) == keys)
        #expect(try JSONDecoder().decode(RegionShape.self, from: data) == shape)
    }

    @Test func decodesHandWrittenJSON() throws {
        let json =
            #"[{"type":"ellipse","radiusY":2,"centerX":1,"radiusX":3,"centerY":4},"#
            + #"{"type":"polygon","points":[{"x":1,"y":2}]}]"#
        let shapes = try JSONDecoder().decode([RegionShape].self, from: Data(json.utf8))
        #expect(
            shapes == [
                .ellipse(centerX: 1, centerY: 4, radiusX: 3, radiusY: 2), .polygon(points: [PixelPoint(x: 1, y: 2)]),
            ])
    }

    @Test(arguments: ["circle", "Rectangle", ""])
    func anUnknownTypeFailsListingTheValidOnes(type: String) {
        let json = #"{"type":"\#(type)","x":1,"y":2,"width":3,"height":4}"#
        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RegionShape.self, from: Data(json.utf8))
        }
        let message = error.flatMap(decodingMessage) ?? ""
        for valid in ["rectangle", "ellipse", "polygon", "point"] {
            #expect(message.contains(valid), "\(message)")
        }
        #expect(message.contains("\"\(type)\""))
    }

    @Test func aMissingCoordinateFails() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RegionShape.self, from: Data(#"{"type":"rectangle","x":1,"y":2,"width":3}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RegionShape.self, from: Data(#"{"x":1,"y":2}"#.utf8))
        }
    }

    @Test(
        arguments: [
            (RegionShape.rectangle(x: 10, y: 20, width: 30, height: 40), [10, 20, 30, 40]),
            (.ellipse(centerX: 100, centerY: 50, radiusX: 20, radiusY: 10), [80, 40, 40, 20]),
            (.point(x: 7, y: 9), [7, 9, 0, 0]),
            (
                .polygon(points: [PixelPoint(x: 3, y: 8), PixelPoint(x: 10, y: 2), PixelPoint(x: 6, y: 12)]),
                [3, 2, 7, 10]
            ),
            (.polygon(points: [PixelPoint(x: 5, y: 5)]), [5, 5, 0, 0]),
            (.polygon(points: []), [0, 0, 0, 0]),
        ] as [(RegionShape, [Double])])
    func boundingBoxOfEachShape(shape: RegionShape, expected: [Double]) {
        let box = shape.boundingBox
        #expect([box.x, box.y, box.width, box.height] == expected)
    }

    @Test func polygonBoundingBoxHoldsEveryPointAndTouchesEachSide() {
        var generator = Xorshift64Star(seed: 2_024)
        for _ in 0..<500 {
            let points = (0..<Int.random(in: 1...12, using: &generator)).map { _ in
                PixelPoint(
                    x: Double.random(in: -100...3_000, using: &generator),
                    y: Double.random(in: -100...800, using: &generator))
            }
            let box = RegionShape.polygon(points: points).boundingBox
            // Compare offsets, not box.x + box.width: the sum can round past the largest coordinate.
            #expect(
                points.allSatisfy {
                    $0.x >= box.x && $0.x - box.x <= box.width && $0.y >= box.y && $0.y - box.y <= box.height
                })
            #expect(points.contains { $0.x == box.x } && points.contains { $0.y == box.y })
            #expect(points.contains { $0.x - box.x == box.width } && points.contains { $0.y - box.y == box.height })
        }
    }
}
