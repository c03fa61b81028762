import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Testing

/// A generated course on disk, read back with `CaseBundle` to know what `show` must print.
private struct CourseOnDisk {
    let folder: URL
    let reader: CourseReader

    init(_ folder: URL) throws {
        self.folder = folder
        reader = try CourseReader(courseDirectory: folder)
    }

    var ids: [String] { reader.caseIds }
    func inspectionCase(_ id: String) throws -> InspectionCase { try reader.readCase(id) }
    func key(_ id: String) throws -> AnswerKey { try reader.readKey(id) }

    /// The first case that goes through every stage.
    func fullCaseId() throws -> String {
        try #require(try ids.first { try inspectionCase($0).stages == Stage.allCases }, "no case has every stage")
    }
}

/// `== heading ==`, as `show` frames a stage or the key.
private func heading(_ text: String) -> String { "== " + text + " ==" }

@Suite("cargosim show, end to end")
struct ShowCommandTests {
    @Test func aCaseFolderPrintsItsPaperworkAndEveryStageInEnglish() throws {
        try Sandbox.with { box in
            let course = try CourseOnDisk(try box.generateFoundationCourse())
            let en = try Checkout.table("en")
            let id = try course.fullCaseId()
            let inspectionCase = try course.inspectionCase(id)
            let bl = inspectionCase.targeting.billOfLading

            let result = try box.cargosim("show", "course/cases/\(id)")
            #expect(result.succeeded, "\(result)")
            let out = result.stdout
            for fact in [id, bl.number, bl.containerNumber, bl.vessel, bl.portOfLoading.locode, bl.shipper.name]
                + bl.sealNumbers
            {
                #expect(out.contains(fact), "prints \(fact)\n\(out)")
            }
            for stage in Stage.allCases {
                #expect(out.contains(heading(en["stage." + stage.rawValue]!)), "prints the \(stage) stage")
            }
            #expect(out.contains(en["label.billOfLading"]!))
            #expect(!out.contains(heading(en["label.answerKey"]!)), "no key without --keys")
            #expect(lines(of: out, matching: Patterns.untranslatedKey) == [])
            #expect(lines(of: out, matching: Patterns.unfilledPlaceholder) == [])
        }
    }

    @Test func theCaseJSONFileAndACourseFolderWithCaseShowTheSameAsTheCaseFolder() throws {
        try Sandbox.with { box in
            let course = try CourseOnDisk(try box.generateFoundationCourse())
            let id = try #require(course.ids.first)
            let byFolder = try box.cargosim("show", "course/cases/\(id)")
            let byFile = try box.cargosim("show", "course/cases/\(id)/case.json")
            let byCourse = try box.cargosim("show", "course", "--case", id)
            #expect(byFolder.succeeded, "\(byFolder)")
            #expect(byFile.stdout == byFolder.stdout, "\(byFile)")
            #expect(byCourse.stdout == byFolder.stdout, "\(byCourse)")

            let noCase = try box.cargosim("show", "course")
            #expect(noCase.status != 0, "\(noCase)")
            #expect(noCase.stderr.contains("--case"), "says how to name the case\n\(noCase)")
        }
    }

    /// Every case of the course with its key in `language` (every `stride`-th case, to bound the time).
    @Test(arguments: [("es", 1), ("pt", 3)])
    func everyCaseAndKeyPrintsInTheChosenLanguageWithNoKeyOrPlaceholderLeft(_ language: String, _ stride: Int) throws {
        try Sandbox.with { box in
            let course = try CourseOnDisk(try box.generateFoundationCourse())
            let en = try Checkout.table("en")
            let table = try Checkout.table(language)
            let catalog = try CatalogLoader().load(from: Checkout.assets)
            // Words that only this language prints (the English text of the same label must not appear).
            let labels = [
                "label.billOfLading", "label.shipper", "label.consignee", "label.sealLog", "stage.targeting",
                "label.answerKey", "label.rationale",
            ]
            var englishGoods: [String] = []
            var rawCodes: [String] = []

            for id in Swift.stride(from: 0, to: course.ids.count, by: stride).map({ course.ids[$0] }) {
                let result = try box.cargosim("show", "course/cases/\(id)", "--lang", language, "--keys", "course/keys")
                #expect(result.succeeded, "\(result)")
                let out = result.stdout
                for label in labels {
                    let text = try #require(table[label], "\(language).json lacks \(label)")
                    #expect(out.contains(text), "case \(id) prints \(label) as “\(text)”")
                    if let english = en[label], english != text {
                        #expect(!out.contains(english), "case \(id) prints \(label) in English: “\(english)”")
                    }
                }
                let inspectionCase = try course.inspectionCase(id)
                for stage in inspectionCase.stages {
                    #expect(out.contains(heading(table["stage." + stage.rawValue]!)), "case \(id): \(stage)")
                }
                for goods in inspectionCase.targeting.billOfLading.goods {
                    #expect(
                        out.contains(goods.description.text(in: language)), "case \(id) names its goods in \(language)")
                }
                #expect(lines(of: out, matching: Patterns.untranslatedKey) == [], "case \(id)")
                #expect(lines(of: out, matching: Patterns.unfilledPlaceholder) == [], "case \(id)")

                // Collected for the known issues below.
                for commodity in catalog.commodities
                where commodity.description.en != commodity.description.text(in: language) {
                    englishGoods += out.split(separator: "\n").map(String.init)
                        .filter { $0.contains(commodity.description.en) }.map { "\(id): \($0)" }
                }
                rawCodes += out.split(separator: "\n").map(String.init)
                    .filter { !$0.contains(" ≠ ") && $0.contains(rawCodePattern) }.map { "\(id): \($0)" }
            }

            // Intermittent: whether a given course shows the fault depends on the cases the generator draws.
            #expect(englishGoods == [], "English goods text in the \(language) rendering")
            #expect(rawCodes == [], "raw codes in the \(language) rendering")
        }
    }

    /// An identifier or code printed as it is: `notifyParty`, `sealToolMarks`, `aeo`.
    private var rawCodePattern: Regex<AnyRegexOutput> { try! Regex(#"\b([a-z]+[A-Z][A-Za-z]*|aeo|ctpat)\b"#) }

    @Test func theAnswerKeyAppearsOnlyWithKeys() throws {
        try Sandbox.with { box in
            let course = try CourseOnDisk(try box.generateFoundationCourse())
            let en = try Checkout.table("en")
            // A few cases, irregular and regular, are enough to see the key come and go.
            let ids = Array(course.ids.prefix(6))
            for id in ids {
                let key = try course.key(id)
                let keyWords = [
                    heading(en["label.answerKey"]!), en["label.scenario"]! + ":", en["scenario." + key.scenario]!,
                    en["label.seed"]! + ": " + key.seed,
                ]
                let without = try box.cargosim("show", "course/cases/\(id)")
                let with = try box.cargosim("show", "course/cases/\(id)", "--keys", "course/keys")
                #expect(without.succeeded && with.succeeded, "\(without)\n\(with)")
                for words in keyWords {
                    #expect(!without.stdout.contains(words), "case \(id) shows “\(words)” without --keys")
                    #expect(with.stdout.contains(words), "case \(id) lacks “\(words)” with --keys")
                }
                #expect(
                    with.stdout.hasPrefix(without.stdout.trimmingCharacters(in: .newlines)),
                    "the key comes after the case")
            }
        }
    }

    @Test func keysOfAnotherCourseAreRefused() throws {
        try Sandbox.with { box in
            let course = try CourseOnDisk(try box.generateFoundationCourse(into: "course", seed: 7))
            try box.generateFoundationCourse(into: "other", seed: 8)
            let id = try #require(course.ids.first)
            let result = try box.cargosim("show", "course/cases/\(id)", "--keys", "other/keys")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains(id), "names the case whose key is missing\n\(result)")
            #expect(result.stderr.contains("keys/"), "says which folder to give\n\(result)")
        }
    }

    @Test func stageTargetingHidesScreeningExaminationAndEvidence() throws {
        try Sandbox.with { box in
            let course = try CourseOnDisk(try box.generateFoundationCourse())
            let en = try Checkout.table("en")
            let id = try course.fullCaseId()
            let inspectionCase = try course.inspectionCase(id)
            let result = try box.cargosim("show", "course/cases/\(id)", "--stage", "targeting")
            #expect(result.succeeded, "\(result)")
            let out = result.stdout
            #expect(out.contains(heading(en["stage.targeting"]!)))
            for stage in [Stage.screening, .examination, .evidence] {
                #expect(!out.contains(heading(en["stage." + stage.rawValue]!)), "\(stage) is hidden")
            }
            #expect(!out.contains(en["label.sealAsFound"]!), "the seal as found is an examination finding")
            #expect(!out.contains(en["label.replacementSeal"]!), "the replacement seal is evidence")
            let examination = try #require(inspectionCase.examination)
            #expect(
                !examination.observations.contains { out.contains(en["observation." + $0.code.rawValue]!.prefix(20)) },
                "no examination finding is printed")
            #expect(out.contains(en["cli.stageHidden"]!), "says that later stages are hidden")
        }
    }

    @Test func anUnknownLanguageIsRefused() throws {
        try Sandbox.with { box in
            let course = try CourseOnDisk(try box.generateFoundationCourse())
            let id = try #require(course.ids.first)
            let result = try box.cargosim("show", "course/cases/\(id)", "--lang", "de")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("de"), "\(result)")
            #expect(result.stderr.contains("en, es or pt"), "\(result)")

            // `fr` has no table in Assets/i18n/: refused like any other unknown language.
            let french = try box.cargosim("show", "course/cases/\(id)", "--lang", "fr")
            #expect(french.status != 0, "\(french)")
        }
    }
}
