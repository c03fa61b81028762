import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Scoring
import Testing

@testable import CasePrint

/// A few generated cases, printed: the paper exercise holds each case's papers and nothing of its key; the marking
/// guide holds the key; both in every language with no key of the tables left untranslated.
@Suite struct PrintPackTests {
    static let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Assets", isDirectory: true)
    static let catalog = try! CatalogLoader().load(from: assets)
    static let localizer = try! Localizer(directory: assets.appendingPathComponent("i18n"))
    static let cases: [GeneratedCase] = {
        let generator = CaseGenerator(catalog: catalog)
        return try! planCourse(CurriculumMix(count: 12), seed: 90210).map { try generator.generate($0) }
    }()

    static func pictures(_ c: InspectionCase) -> CasePictures {
        CasePictures(
            scan: c.screening.map { _ in ("scan-\(c.id).png", 3000, 600) }, door: c.examination.map { _ in "door.svg" })
    }

    @Test(arguments: ["en", "es", "pt"])
    func theExerciseHoldsThePapersAndNoneOfTheKey(_ language: String) {
        let text = CaseText(localizer: Self.localizer, lang: language, catalog: Self.catalog)
        let html = PaperExercise(text).html(
            courseId: "C1", title: "Course",
            entries: Self.cases.map {
                .init(inspectionCase: $0.inspectionCase, pictures: Self.pictures($0.inspectionCase))
            })
        for made in Self.cases {
            let c = made.inspectionCase, bl = c.targeting.billOfLading
            for fact in [c.id, bl.number, bl.containerNumber] + bl.sealNumbers {
                #expect(html.contains(escapeHTML(fact)), "\(language): the exercise shows \(fact)")
            }
            #expect(
                html.components(separatedBy: "data-case=\"\(c.id)\"").count - 1 == c.stages.count, "a page per stage")
            for line in text.rationale(made.key) {
                #expect(!html.contains(escapeHTML(line)), "\(language): the exercise gives away \(line)")
            }
            #expect(!html.contains(escapeHTML(Self.localizer.text("scenario." + made.key.scenario, language))))
        }
        #expect(!html.contains(escapeHTML(Self.localizer.text("label.answerKey", language))))
        #expect(
            html.range(
                of: #"\b(label|stage|disposition|point|observation|print)\.[a-zA-Z]+"#, options: .regularExpression)
                == nil)
    }

    @Test(arguments: ["en", "es", "pt"])
    func theGuideHoldsEveryKeyWithTheRationaleAndASignatureLine(_ language: String) {
        let text = CaseText(localizer: Self.localizer, lang: language, catalog: Self.catalog)
        let html = MarkingGuide(text).html(
            courseId: "C1", title: "Course",
            entries: Self.cases.map {
                .init(inspectionCase: $0.inspectionCase, key: $0.key, pictures: Self.pictures($0.inspectionCase))
            })
        for made in Self.cases {
            for line in text.rationale(made.key) { #expect(html.contains(escapeHTML(line))) }
            #expect(html.contains(escapeHTML(Self.localizer.text("scenario." + made.key.scenario, language))))
        }
        let signatures =
            html.components(separatedBy: escapeHTML(Self.localizer.text("review.signOff", language))).count - 1
        #expect(signatures == Self.cases.count)
        #expect(html.contains("@page") && html.contains("size: A4"))
        #expect(
            html.range(of: #"\b(label|rationale|disposition|anomaly|print)\.[a-zA-Z]+"#, options: .regularExpression)
                == nil)
    }

    @Test func timesPrintToTheMinuteInUTC() {
        let text = CaseText(localizer: Self.localizer, lang: "en")
        #expect(text.time(Instant(millisecondsSinceEpoch: 1_777_228_140_000)) == "2026-04-26 18:29 UTC")
    }
}
