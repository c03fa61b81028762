import CargoModel
import Foundation
import Testing

struct InspectionCaseTests {
    @Test(
        arguments: [[.targeting], [.targeting, .screening], [.targeting, .screening, .examination], Stage.allCases]
            as [[Stage]])
    func aCaseStoppingAtAnyStageIsValid(stages: [Stage]) {
        let report = Fixtures.inspectionCase(stages: stages).validate()
        #expect(report.isValid, "\(report.errors)")
    }

    /// Stage list, which stage values are present, and the fields that must be reported.
    static let mismatches: [([Stage], Set<Stage>, Set<String>)] = [
        ([.targeting], [.screening], ["screening"]),
        ([.targeting, .screening], [], ["screening"]),
        ([.targeting, .screening, .examination], [.screening], ["examination"]),
        (Stage.allCases, [.screening, .examination], ["evidence"]),
        ([.targeting], [.screening, .examination, .evidence], ["screening", "examination", "evidence"]),
        ([.screening, .targeting], [.screening], ["stages"]),
        ([.targeting, .targeting], [], ["stages"]),
        ([], [], ["stages"]),
        ([.screening], [.screening], ["stages"]),
        ([.targeting, .examination, .screening], [.screening, .examination], ["stages"]),
        ([.targeting, .screening, .screening], [.screening], ["stages"]),
        ([.targeting, .screening], [.evidence], ["screening", "evidence"]),
    ]

    @Test(arguments: mismatches)
    func stageListAndStagesPresentMustAgree(stages: [Stage], present: Set<Stage>, fields: Set<String>) {
        var inspection = Fixtures.inspectionCase(stages: Stage.allCases)
        inspection.stages = stages
        if !present.contains(.screening) { inspection.screening = nil }
        if !present.contains(.examination) { inspection.examination = nil }
        if !present.contains(.evidence) { inspection.evidence = nil }
        let errors = inspection.validate().errors
        #expect(Set(errors.map(\.field)) == fields)
        #expect(errors.count == fields.count)
        #expect(errors.allSatisfy { $0.code == "case.stages" })
    }

    @Test(arguments: ["", "case 1", "case_1", "casé-1", "C/1", "C-1\n"])
    func malformedIdsAreRejected(id: String) {
        let errors = Fixtures.inspectionCase(id: id).validate().errors
        #expect(errors.map(\.code) == ["case.id"])
        #expect(errors.first?.value == id)
    }

    @Test(arguments: ["C-7f3a91", "0", "a-b-c-1-2-3"])
    func idsOfLettersDigitsAndDashesAreAccepted(id: String) {
        #expect(Fixtures.inspectionCase(id: id).validate().isValid)
    }

    @Test func billOfLadingErrorsAreReportedUnderTheTargetingStage() {
        var inspection = Fixtures.inspectionCase()
        inspection.targeting.billOfLading.goods[1].hsCode = "8039"
        inspection.targeting.billOfLading.sealNumbers[0] = "eu 1"
        #expect(
            inspection.validate().errors.map(\.field) == [
                "targeting.billOfLading.goods[1].hsCode", "targeting.billOfLading.sealNumbers[0]",
            ])
    }

    @Test func stagesOrderAsAPortWorksThem() {
        #expect(Stage.allCases == [.targeting, .screening, .examination, .evidence])
        #expect(Stage.allCases.reversed().sorted() == Stage.allCases)
        for (earlier, later) in zip(Stage.allCases, Stage.allCases.dropFirst()) {
            #expect(earlier < later && !(later < earlier))
        }
        #expect(!(Stage.screening < Stage.screening))
    }

    @Test func examinationPointsAreThoseObservedInCatalogueOrder() {
        let stage = Fixtures.examinationStage()
        #expect(stage.points == [.frontWall, .seal, .reeferUnit])
    }

    @Test func sevenPointInspectionHasSevenDistinctPoints() {
        #expect(ExaminationPoint.sevenPoint.count == 7)
        #expect(Set(ExaminationPoint.sevenPoint).count == 7)
    }

    @Test(arguments: [[.targeting], Stage.allCases] as [[Stage]])
    func caseRoundTripsThroughJSONAndOmitsAbsentStages(stages: [Stage]) throws {
        let inspection = Fixtures.inspectionCase(stages: stages)
        let data = try JSONEncoder().encode(inspection)
        #expect(try JSONDecoder().decode(InspectionCase.self, from: data) == inspection)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["evidence"] != nil) == stages.contains(.evidence))
        #expect(object["stages"] as? [String] == stages.map(\.rawValue))
    }
}
