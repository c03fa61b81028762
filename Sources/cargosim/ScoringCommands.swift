import ArgumentParser
import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Scoring

/// The scoring and certification commands (`grade`, `report`, `calibrate`, `certify`, `keys`,
/// `certificate`, `simulate-cohort`), registered in `CargoSim`.
let scoringCommands: [any ParsableCommand.Type] = [
    GradeCommand.self, ReportCommand.self, SimulateCohortCommand.self, CalibrateCommand.self, CertifyCommand.self,
    KeysCommand.self, CertificateCommand.self, SignOffCommand.self,
]

// MARK: - Shared

/// The current time, for stamping and expiry (the pure modules take it as a parameter).
func now() -> Instant { Instant(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)) }

/// Reads attempts as JSON lines with their line numbers (blank lines are skipped, so the index is not the line);
/// prints `file:line: error: field: message` and exits on the first bad line.
func readAttempts(_ path: String) -> [(attempt: Attempt, line: Int)] {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        fail(BundleError(code: "io.unreadable", file: path, message: "Cannot read the attempts file; check the path."))
    }
    var out: [(attempt: Attempt, line: Int)] = []
    // A Result rather than a typed do-catch: the release compiler (6.3.1) crashes on the latter here.
    switch Result(catching: { () throws(AttemptReadError) in try AttemptLines.forEach(data) { out.append(($0, $1)) } })
    {
    case .success: return out
    case .failure(let error):
        fail(
            BundleError(
                code: "attempts.read", file: path, line: error.line, field: error.field.isEmpty ? nil : error.field,
                value: error.value.isEmpty ? nil : error.value, message: error.message + " Nothing was graded."))
    }
}

/// Answer keys by case id from a keys folder, with the course's hash and scans when the folder sits in a course.
final class KeyFolder {
    let url: URL
    private var keys: [String: AnswerKey] = [:]
    private var prepared: [String: PreparedKey] = [:]
    private var cases: [String: InspectionCase?] = [:]
    let courseHash: String?
    let courseDirectory: URL?
    private let courseReader: CourseReader?
    /// Key regions per case from a `--regions` file, which overrides the key's own pixel boxes.
    var regions: [String: [KeyRegion]] = [:]
    /// The rubric keys are prepared under.
    var rubric: Rubric = .standard

    init(_ path: String) {
        url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            fail(
                BundleError(
                    code: "keys.notFound", file: path, message: "No keys folder here; give the course's keys/ folder."))
        }
        let course = url.deletingLastPathComponent()
        courseReader = try? CourseReader(courseDirectory: course)
        courseHash = courseReader?.index.courseHash
        courseDirectory = courseReader == nil ? nil : course
    }

    /// The key of a case id read from an attempts file.
    ///
    /// A case id that is not one, or has no key here, is the attempt's fault: the error names the attempts file,
    /// its line, the field `caseId` and the id, and says where the key was looked for. A key file that cannot be
    /// read is the key's fault: that error names the key file (and no line of the attempts file).
    func key(_ caseId: String, attemptsFile: String? = nil, line: Int? = nil) throws -> AnswerKey {
        if let key = keys[caseId] { return key }
        guard CourseNames.isValidCaseId(caseId) else {
            throw BundleError(
                code: "grade.caseId", file: attemptsFile, line: line, field: "caseId", value: caseId,
                message: "Not a case id; the attempt is corrupt.")
        }
        let file = url.appendingPathComponent(caseId + ".json")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw BundleError(
                code: "grade.keyMissing", file: attemptsFile, line: line, field: "caseId", value: caseId,
                message:
                    "No answer key for this case in \(url.path) (no \(file.lastPathComponent)); give the keys/ folder of the course the attempt was made on."
            )
        }
        let key = try CanonicalJSON.decode(AnswerKey.self, from: Data(contentsOf: file), file: file.path)
        keys[caseId] = key
        return key
    }

    func preparedKey(_ caseId: String, attemptsFile: String? = nil, line: Int? = nil) throws -> PreparedKey {
        if let p = prepared[caseId] { return p }
        let p = PreparedKey(try key(caseId, attemptsFile: attemptsFile, line: line), rubric: rubric)
        prepared[caseId] = p
        return p
    }

    func inspectionCase(_ caseId: String) -> InspectionCase? {
        if let cached = cases[caseId] { return cached }
        let loaded = courseReader.flatMap { try? $0.readCase(caseId) }
        cases[caseId] = loaded
        return loaded
    }

    /// The scans of a case and the key regions on them: from a `--regions` file when given, else from the key.
    func geometry(_ caseId: String) -> ScanGeometry {
        guard let c = inspectionCase(caseId) else { return .none }
        if let given = regions[caseId] { return ScanGeometry(scansOf: c, regions: given) }
        guard let key = keys[caseId] else { return ScanGeometry(scansOf: c) }
        return ScanGeometry(scansOf: c, key: key)
    }
}

/// Grades every attempt (all read first); exits naming the file and line of the first attempt that cannot be graded.
func gradeAttempts(_ attempts: [(attempt: Attempt, line: Int)], keys: KeyFolder, file: String)
    -> [(Grade, AttemptSummary)]
{
    var sequence: [String: Int] = [:]
    var out: [(Grade, AttemptSummary)] = []
    for (attempt, line) in attempts {
        do {
            let prepared = try keys.preparedKey(attempt.caseId, attemptsFile: file, line: line)
            let key = prepared.key
            let graded = try grade(
                attempt, against: prepared, regions: keys.geometry(attempt.caseId), courseHash: keys.courseHash)
            let n = sequence[attempt.traineeId, default: 0]
            sequence[attempt.traineeId] = n + 1
            out.append(
                (
                    graded,
                    AttemptSummary(
                        grade: graded, key: key, vantage: keys.inspectionCase(attempt.caseId)?.vantage, sequence: n)
                ))
        } catch let error as GradingError {
            fail(
                BundleError(
                    code: error.code, file: file, line: line, field: error.field, value: error.value,
                    message: error.message))
        } catch {
            fail(error)
        }
    }
    return out
}

/// Reads a rubric (YAML, like `Assets/rubrics/default.yaml`), or prints its errors with their lines and exits.
func readRubric(_ path: String?) -> Rubric {
    guard let path else { return .standard }
    do {
        return try YAMLSpecReader().readDocument(Rubric.self, fileAt: URL(fileURLWithPath: path)) { $0.validate() }
    } catch {
        fail(error)
    }
}

func readRegions(_ path: String?, into keys: KeyFolder) {
    guard let path else { return }
    do {
        keys.regions = try JSONDecoder().decode(
            [String: [KeyRegion]].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
        fail(
            BundleError(
                code: "regions.read", file: path,
                message:
                    "Cannot read the key regions (a JSON object: case id → [{scan, anomalyId, box: {x, y, width, height}}]): \(error)."
            ))
    }
}

func write(_ data: Data, to path: String?) {
    guard let path else {
        FileHandle.standardOutput.write(data)
        return
    }
    do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
        var named = fileError(error) ?? BundleError(code: "io.unwritable", message: "Cannot write here.")
        named.file = path
        fail(named)
    }
}

func checkLanguage(_ lang: String?) throws {
    if let lang, !["en", "es", "pt", "fr"].contains(lang) {
        throw ValidationError("Give --lang as en, es or pt (got \(lang)).")
    }
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, json, csv, html }
extension AttemptMode: ExpressibleByArgument {}
extension CertificationRole: ExpressibleByArgument {}

// MARK: - grade

/// What `grade` and `report` read: the attempts, the keys, optional regions and rubric.
struct GradingInputs: ParsableArguments {
    @Argument(help: ArgumentHelp("The attempts file (one Attempt per line).", valueName: "attempts"))
    var attempts: String
    @Option(help: ArgumentHelp("The grader pack: the course's keys/ folder.", valueName: "dir"))
    var keys: String
    @Option(help: ArgumentHelp("Key pixel regions per case (JSON), overriding those in the keys.", valueName: "file"))
    var regions: String?
    @Option(
        help: ArgumentHelp(
            "The rubric (YAML; default: the built-in cargosim-default-1, as Assets/rubrics/default.yaml).",
            valueName: "file"))
    var rubric: String?

    /// The key folder with the rubric and regions given.
    func keyFolder() -> KeyFolder {
        let folder = KeyFolder(keys)
        folder.rubric = readRubric(rubric)
        readRegions(regions, into: folder)
        return folder
    }

    /// Reads everything and grades every attempt (exits naming the line of the first that cannot be graded).
    func gradeAll() -> [(Grade, AttemptSummary)] {
        gradeAttempts(readAttempts(attempts), keys: keyFolder(), file: attempts)
    }

    /// Reads, grades and aggregates the attempts in one pass over the mapped file (`BulkGrader`: the same
    /// report as grading every attempt in full, without keeping them); exits naming the line of the first
    /// attempt that cannot be read or graded.
    func aggregateAll(blockSize: Int) -> BulkGradingResult {
        let folder = keyFolder()
        do {
            let file = try MappedFile(path: attempts)
            let result = try file.withBytes { bytes in
                try BulkGrader(courseHash: folder.courseHash, blockSize: blockSize).grade(bytes) { id, line in
                    BulkGrader.Case(
                        prepared: try folder.preparedKey(id, attemptsFile: attempts, line: line), regions: folder.geometry(id),
                        vantage: folder.inspectionCase(id)?.vantage)
                }
            }
            return result
        } catch let error as BulkGradingError {
            fail(
                BundleError(
                    code: error.code, file: attempts, line: error.line, field: error.field.isEmpty ? nil : error.field,
                    value: error.value.isEmpty ? nil : error.value,
                    message: error.message + (error.code == "attempts.read" ? " Nothing was graded." : "")))
        } catch {
            fail(error)
        }
    }
}

struct GradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade",
        abstract: "Grade attempts (JSON lines of Attempt) against the answer keys and print the feedback.",
        discussion: """
            In training mode the feedback says what was right, what was missed and why (the key's rationale); in \
            test mode only the score. With --format json, the full grade records (instructor only). Key pixel \
            regions come from the keys (or from --regions, which overrides them).
            """)

    @OptionGroup var inputs: GradingInputs
    @Option(help: "text or json.") var format: ReportFormat = .text
    @Option(help: "Language: en, es or pt. Default: from $LANG.") var lang: String?
    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        try checkLanguage(lang)
        if format == .csv || format == .html {
            throw ValidationError("Give --format text or json for grade; use `report` for csv and html.")
        }
    }

    func run() throws {
        let workspace = try Workspace(assetOptions)
        let language = lang ?? userLanguage()
        let graded = inputs.gradeAll()
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            write(try encoder.encode(graded.map(\.0)), to: nil)
            print()
            return
        }
        for (g, _) in graded {
            print("\(g.traineeId) · \(g.caseId) · \(workspace.localizer.text("mode.\(g.mode.rawValue)", language))")
            for line in g.feedback.render(language: language, { workspace.localizer.text($0, language, $1) }) {
                print("  " + line)
            }
            print()
        }
    }
}

// MARK: - report

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Aggregate graded attempts: hit and false-alarm rates, d′, A′, c with intervals, breakdowns, learning curves, item analysis.",
        discussion:
            "HTML has inline SVG plots: trainees in ROC space, d′ with intervals, learning curves, miss rate by concealment kind."
    )

    @OptionGroup var inputs: GradingInputs
    @Option(help: "text, json, csv or html.") var format: ReportFormat = .text
    @Option(help: "Language: en, es or pt. Default: from $LANG.") var lang: String?
    @Option(help: "Attempts per learning-curve point.") var blockSize = 10
    @Option(help: ArgumentHelp("Write here instead of standard output.", valueName: "file")) var out: String?
    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        try checkLanguage(lang)
        if blockSize < 1 { throw ValidationError("Give --block-size of at least 1.") }
    }

    func run() throws {
        let workspace = try Workspace(assetOptions)
        let language = lang ?? userLanguage()
        let result = inputs.aggregateAll(blockSize: blockSize)
        let report = result.reportWithStages
        let text = { (key: String, parameters: [String: String]) in workspace.localizer.text(key, language, parameters)
        }
        // Repeated and training-mode attempts are said, on standard error whatever the format, and in the text.
        let notes = evidenceNotes(result.evidence, text)
        for note in notes { printError(note) }
        switch format {
        case .json: write(report.json() + Data("\n".utf8), to: out)
        case .csv: write(Data(report.csv().utf8), to: out)
        case .text:
            write(Data((report.text(text) + notes.map { "\n" + $0 }.joined() + (notes.isEmpty ? "" : "\n")).utf8), to: out)
        case .html: write(Data(report.html(language: language, text).utf8), to: out)
        }
    }
}

/// One line per trainee whose attempts are not all certification evidence (training mode, repeated cases).
func evidenceNotes(_ evidence: [TraineeEvidence], _ text: (String, [String: String]) -> String) -> [String] {
    evidence.filter { !$0.isClean }.map { e in
        text(
            "evidence.notCounted",
            [
                "trainee": e.traineeId, "attempts": "\(e.attempts)", "distinct": "\(e.distinctTestCases)",
                "training": "\(e.trainingAttempts)", "repeats": "\(e.repeatedTestAttempts)",
                "lines": e.repeatedLines.isEmpty
                    ? "—"
                    : e.repeatedLines.map(String.init).joined(separator: ", ")
                        + (e.repeatedTestAttempts > e.repeatedLines.count ? ", …" : ""),
            ])
    }
}

// MARK: - simulate-cohort

struct SimulateCohortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-cohort",
        abstract: "Make plausible attempts by simulated trainees of varying skill over a generated course.",
        discussion: """
            Writes JSON lines of Attempt, ready for `grade`, `report` and `certify`. With --calibration-out, also a \
            calibration round: 30 attempts drawn from the file, graded by a simulated panel and by trainer candidates of \
            varying care, ready for `calibrate`.
            """)

    @Option(help: ArgumentHelp("The course folder (holds course.json and keys/).", valueName: "dir")) var course: String
    @Option(help: "Number of trainees.") var trainees = 12
    @Option(help: "Seed of the simulation.") var seed: UInt64 = 1
    @Option(help: "training or test.") var mode: AttemptMode = .test
    @Option(help: ArgumentHelp("The attempts file to write.", valueName: "file")) var out: String
    @Option(help: ArgumentHelp("Also write a calibration round here.", valueName: "file")) var calibrationOut: String?
    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        if trainees < 1 || trainees > 100_000 { throw ValidationError("Give --trainees between 1 and 100000.") }
    }

    func run() throws {
        let reader: CourseReader
        var keys: [AnswerKey] = []
        do {
            reader = try CourseReader(courseDirectory: URL(fileURLWithPath: course))
            for id in reader.caseIds { keys.append(try reader.readKey(id)) }
        } catch {
            fail(error)
        }
        var rng = SplitMix64(seed: seed)
        let simulator = CohortSimulator(
            keys: keys, courseHash: reader.index.courseHash,
            start: Instant(date: CalendarDate(year: 2026, month: 9, day: 1), hour: 8))
        var bytes: [UInt8] = []
        var all: [Attempt] = []
        for trainee in CohortSimulator.trainees(count: trainees, using: &rng) {
            let attempts = simulator.attempts(for: trainee, mode: mode, using: &rng)
            for a in attempts { AttemptLines.encode(a, into: &bytes) }
            all += attempts
        }
        write(Data(bytes), to: out)
        print("Wrote \(all.count) attempts by \(trainees) trainees to \(out)")
        if let calibrationOut {
            let keyById = Dictionary(uniqueKeysWithValues: keys.map { ($0.caseId, PreparedKey($0)) })
            // 30 attempts drawn at random (seeded) from the whole file, so that the items come from many trainees and
            // cases (the first 30 were one trainee's: a round that no minimumCalibrationTrainees would accept).
            var picked = Set<Int>()
            while picked.count < min(30, all.count) { picked.insert(Int(rng.next() % UInt64(all.count))) }
            let spread = picked.sorted().map { all[$0] }
            let items = spread.compactMap { a -> (id: String, score: Double)? in
                guard let key = keyById[a.caseId], let g = try? grade(a, against: key) else { return nil }
                return ("\(a.traineeId)/\(a.caseId)", g.score)
            }
            let record = CalibrationRecord.simulated(
                id: "round-\(seed)", items: items, scale: ["fail", "weak", "pass", "good", "excellent"], panelists: 3,
                candidates: [("candidate-A", 0.1, 0), ("candidate-B", 0.3, 1), ("candidate-C", 0.6, -1)], using: &rng)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            write(try encoder.encode(record) + Data("\n".utf8), to: calibrationOut)
            print("Wrote a calibration round of \(items.count) items to \(calibrationOut)")
        }
    }
}

// MARK: - calibrate

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract:
            "Agreement of trainer candidates with a reference panel: Cohen's κ, weighted κ, Krippendorff's α, and where each departs.",
        discussion: """
            ROUND is a JSON file: {id, rubricVersion, scale (lowest grade first), items, reference: {panelist: \
            {item: grade}}, candidates: {candidate: {item: grade}}}. The reference grade of an item is the \
            panel's median.
            """)

    @Argument(help: ArgumentHelp("The calibration round file.", valueName: "round")) var round: String
    @Option(help: "text or json.") var format: ReportFormat = .text
    @Option(help: "Departures to list per candidate.") var top = 5

    func run() throws {
        let record = readCalibrationRecord(round)
        let results = readCalibration(round)
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            write(try encoder.encode(results) + Data("\n".utf8), to: nil)
            return
        }
        func f(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "n/a" }
        print(
            "Calibration round \(results.roundId) (rubric \(results.rubricVersion)), \(record.items.count) items, scale: \(results.scale.joined(separator: " < "))"
        )
        print(
            "Panel α (ordinal): \(f(results.panelAlphaOrdinal)); all graders α nominal \(f(results.allAlphaNominal)), ordinal \(f(results.allAlphaOrdinal))"
        )
        print(
            "\(results.itemCount) items from \(results.distinctTrainees) distinct trainees; intervals: 95 % bootstrap percentile, \(results.bootstrapResamples) resamples of the items, seed \(results.bootstrapSeed)"
        )
        func interval(_ i: Interval?) -> String { i.map { "[\(f($0.lower)), \(f($0.upper))]" } ?? "[n/a]" }
        for c in results.candidates {
            print("\n\(c.candidate): \(c.itemsGraded) graded, \(c.itemsMissing) missing")
            if !c.missingItems.isEmpty { print("  Missing grades: " + c.missingItems.joined(separator: ", ")) }
            print(
                "  Against the reference: quadratic weighted κ \(f(c.weightedKappaQuadratic)) \(interval(c.weightedKappaQuadraticInterval)), Krippendorff's α (ordinal) \(f(c.alphaWithReference)) \(interval(c.alphaWithReferenceInterval))"
            )
            print(
                "  Cohen's κ \(f(c.kappa)) (\(c.kappa.map(Agreement.landisKochBand) ?? "n/a")), weighted κ linear \(f(c.weightedKappaLinear)), quadratic \(f(c.weightedKappaQuadratic))"
            )
            print(
                "  Krippendorff's α over the panel and this candidate: nominal \(f(c.alphaNominal)), ordinal \(f(c.alphaOrdinal)); mean bias \(String(format: "%+.2f", c.meanBias)) steps"
            )
            if c.departures.isEmpty { print("  Grades every item as the panel does.") }
            for d in c.departures.prefix(top) {
                print(
                    "  \(d.item): gave \(d.candidateGrade), panel \(d.referenceGrade) (\(d.steps > 0 ? "+" : "")\(d.steps))"
                )
            }
        }
    }
}

/// Reads a calibration round file, or prints why not (file, field, value) and exits.
func readCalibrationRecord(_ path: String) -> CalibrationRecord {
    do {
        return try JSONDecoder().decode(CalibrationRecord.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    } catch let DecodingError.keyNotFound(key, context) {
        fail(
            BundleError(
                code: "calibration.read", file: path,
                field: (context.codingPath + [key]).map(\.stringValue).joined(separator: "."),
                message: "Cannot read the calibration round: this field is missing."))
    } catch let DecodingError.typeMismatch(_, context) {
        fail(
            BundleError(
                code: "calibration.read", file: path, field: context.codingPath.map(\.stringValue).joined(separator: "."),
                message: "Cannot read the calibration round: \(context.debugDescription)"))
    } catch {
        fail(BundleError(code: "calibration.read", file: path, message: "Cannot read the calibration round: \(error)."))
    }
}

/// Reads and runs a calibration round, or prints the refusal (file, field, value) and exits.
func readCalibration(_ path: String) -> CalibrationResults {
    let record = readCalibrationRecord(path)
    switch Result(catching: { () throws(CalibrationError) in try record.run() }) {
    case .success(let value): return value
    case .failure(let error):
        fail(BundleError(code: error.code, file: path, field: error.field, value: error.value, message: error.message))
    }
}

// MARK: - certify

struct CertifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certify",
        abstract:
            "Decide certification against a policy, print every reason with its figures, and sign a certificate when granted.",
        discussion: """
            Trainee: counts, hit and false-alarm rates, d′ and its interval's lower bound (and localisation when \
            the policy asks). Trainer: the same counts, a higher own bar, agreement on a calibration round \
            (--calibration ROUND --candidate NAME) and a supervised delivery signed off by an expert (--delivery FILE \
            from `signoff sign`, accepted only when it verifies against a trusted --expert-key and no \
            --expert-revocations list withdraws it). Grading uses --rubric (default: the built-in rubric) and \
            --regions, as `grade` and `report` do. Exit status 1 when refused.
            """)

    @Option(help: ArgumentHelp("The policy (YAML). Default: Assets/policies/default.yaml.", valueName: "file"))
    var policy: String?
    @Option(help: ArgumentHelp("The subject's attempts (JSON lines).", valueName: "file")) var attempts: String
    @Option(help: ArgumentHelp("The course's keys/ folder.", valueName: "dir")) var keys: String
    @Option(help: "The subject's id (the traineeId in the attempts).") var subject: String
    @Option(help: "The subject's name as printed.") var name: String?
    @Option(help: "trainee or trainer.") var role: CertificationRole = .trainee
    @Option(help: ArgumentHelp("Calibration round file (trainer).", valueName: "file")) var calibration: String?
    @Option(help: "The subject's name in the calibration round (default: --subject).") var candidate: String?
    @Option(
        help: ArgumentHelp(
            "The rubric (YAML; default: the built-in cargosim-default-1, as Assets/rubrics/default.yaml).",
            valueName: "file"))
    var rubric: String?
    @Option(help: ArgumentHelp("Key pixel regions per case (JSON), overriding those in the keys.", valueName: "file"))
    var regions: String?
    @Option(help: ArgumentHelp("Supervised delivery sign-off from `signoff sign` (trainer).", valueName: "file"))
    var delivery: String?
    @OptionGroup var expertTrust: ExpertTrust
    @Option(
        help: ArgumentHelp(
            "Private signing key (from `keys init`); without it, only the decision is printed.", valueName: "file"))
    var signingKey: String?
    @Option(help: "Issuer printed on the certificate.") var issuer = "CargoSim training centre"
    @Option(help: ArgumentHelp("Certificate file to write.", valueName: "file")) var out: String?
    @Option(help: ArgumentHelp("Printable HTML to write.", valueName: "file")) var html: String?
    @Option(help: "Language: en, es or pt. Default: from $LANG.") var lang: String?
    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        try checkLanguage(lang)
        if signingKey != nil, out == nil {
            throw ValidationError("Give --out FILE for the certificate when you give --signing-key.")
        }
        if role == .trainer, calibration == nil { throw ValidationError("Give --calibration ROUND for a trainer.") }
        try expertTrust.validate(required: delivery != nil)
    }

    func run() throws {
        let workspace = try Workspace(assetOptions)
        let language = lang ?? userLanguage()
        let policyURL =
            policy.map { URL(fileURLWithPath: $0) } ?? workspace.assets.appendingPathComponent("policies/default.yaml")
        let policy: CertificationPolicy
        do {
            policy = try YAMLSpecReader().readDocument(CertificationPolicy.self, fileAt: policyURL) { $0.validate() }
        } catch {
            fail(error)
        }
        let folder = KeyFolder(keys)
        folder.rubric = readRubric(rubric)
        readRegions(regions, into: folder)
        let all = readAttempts(attempts)
        guard all.contains(where: { $0.attempt.traineeId == subject }) else {
            fail(
                BundleError(
                    code: "certify.noAttempts", file: attempts, field: "traineeId", value: subject,
                    message: "No attempt by this subject; check --subject against the traineeId in the file."))
        }
        let l = workspace.localizer
        // Only the first test-mode attempt of each distinct case counts; every other one is said, with its line.
        let evidence = EvidenceSelection.select(all, subject: subject)
        for ignored in evidence.ignored {
            print(
                l.text(
                    "evidence.ignored.\(ignored.reason.rawValue)", language,
                    [
                        "file": attempts, "line": "\(ignored.line)", "caseId": ignored.caseId,
                        "counted": ignored.countedLine.map(String.init) ?? "",
                    ]))
        }
        let own = evidence.counted.map { all[$0] }
        guard !own.isEmpty else {
            fail(
                BundleError(
                    code: "certify.noTestAttempts", file: attempts, field: "mode", value: "training",
                    message:
                        "This subject made no attempt in test mode; training attempts (feedback with the key shown) are not evidence for certification."
                ))
        }
        let graded = gradeAttempts(own, keys: folder, file: attempts)
        var traineeReport = Scoring.report(subject, graded.map(\.1))
        traineeReport.byStage = stageDetection(graded.map(\.0))
        let decision: CertificationDecision
        switch role {
        case .trainee:
            decision = policy.evaluateTrainee(traineeReport)
        case .trainer:
            var agreement: CandidateAgreement?
            var round: CalibrationResults?
            if let calibration {
                let results = readCalibration(calibration)
                round = results
                agreement = results.candidates.first { $0.candidate == (candidate ?? subject) }
                if agreement == nil {
                    fail(
                        BundleError(
                            code: "certify.notInRound", file: calibration, value: candidate ?? subject,
                            message:
                                "This candidate graded nothing in the round; give --candidate with their name in the round."
                        ))
                }
            }
            let signOff = delivery.map { expertTrust.verify($0) }
            decision = policy.evaluateTrainer(
                traineeReport, calibration: agreement, delivery: signOff, round: round)
        }
        let roleText = l.text("certificate.role.\(role.rawValue)", language)
        print(l.text("certify.gradedUnder", language, ["rubric": folder.rubric.version, "attempts": "\(own.count)"]))
        print(
            l.text(
                "evidence.counted", language,
                ["distinct": "\(evidence.distinctCases)", "ignored": "\(evidence.ignored.count)"]))
        print(
            l.text(
                decision.granted ? "decision.granted" : "decision.refused", language,
                ["subject": subject, "role": roleText, "policy": decision.policyVersion]))
        for reason in decision.reasons {
            let parts = reason.code.split(separator: ".", maxSplits: 1).map(String.init)
            let label =
                parts.count == 2
                ? (parts[0] == "stageDPrime"
                    ? l.text("reason.stageDPrime", language, ["stage": l.text("stage.\(parts[1])", language)])
                    : l.text("reason.\(parts[0])", language, ["kind": l.text("anomaly.\(parts[1])", language)]))
                : l.text("reason.\(reason.code)", language)
            print(
                "  [\(reason.passed ? "✓" : "✗")] \(label): \(reason.figure) (\(reason.threshold)) — \(l.text(reason.passed ? "reason.pass" : "reason.fail", language))"
            )
        }
        printAccuracy(
            policy, subjectGraded: graded, all: all, file: attempts, folder: folder, l: l, language: language)
        guard decision.granted else { throw ExitCode(1) }
        guard let signingKey, let out else { return }
        let identity = loadSigningKey(signingKey)
        let payload = CertificatePayload(
            keyId: identity.keyId, issuer: issuer, subject: subject, subjectName: name ?? subject,
            role: role, policyVersion: policy.version, issuedAt: now(),
            validityDays: policy.validityDays,
            figures: decision.figures.merging(
                ["rubric": folder.rubric.version, "meanScore": String(format: "%.2f", traineeReport.meanScore)]
            ) { a, _ in a })
        let file = Certificates.issue(payload, with: identity)
        write(file, to: out)
        print(
            "Certificate \(payload.certificateId) written to \(out); verification code \(Certificates.verificationCode(file))"
        )
        if let html {
            write(Data(Certificates.html(payload, file: file, text: { l.text($0, language, $1) }).utf8), to: html)
            print("Printable certificate: \(html)")
        }
    }
}

/// Prints how far the decision can be trusted: the form's reliability (KR-20 over the trainees in the file who
/// took every case the subject took, first test-mode attempt each), the standard error of d′ at the cut, and the
/// policy's false-pass and false-fail rates on a form of the subject's size (exact binomial).
func printAccuracy(
    _ policy: CertificationPolicy, subjectGraded: [(Grade, AttemptSummary)], all: [(attempt: Attempt, line: Int)],
    file: String, folder: KeyFolder, l: Localizer, language: String
) {
    let form = subjectGraded.map(\.1.caseId)
    let concealment = subjectGraded.filter { $0.1.signal }.count, clean = subjectGraded.count - concealment
    let formSet = Set(form)
    var answers: [[Bool]] = []
    for trainee in Set(all.map(\.attempt.traineeId)).sorted() {
        let evidence = EvidenceSelection.select(all, subject: trainee)
        let chosen = evidence.counted.map { all[$0] }.filter { formSet.contains($0.attempt.caseId) }
        guard Set(chosen.map(\.attempt.caseId)).count == formSet.count else { continue }
        let graded = gradeAttempts(chosen, keys: folder, file: file)
        let right = Dictionary(uniqueKeysWithValues: graded.map { ($0.1.caseId, $0.1.outcome.isCorrect) })
        answers.append(form.map { right[$0]! })
    }
    let reliability = formReliability(answers)
    let accuracy = policy.traineeDecisionAccuracy(concealmentCases: concealment, cleanCases: clean)
    func f(_ x: Double?, _ digits: Int = 2) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "n/a" }
    func pct(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
    print(
        l.text(
            "accuracy.form", language,
            [
                "concealment": "\(concealment)", "clean": "\(clean)", "trainees": "\(reliability.trainees)",
                "kr20": f(reliability.kr20), "sem": f(reliability.standardErrorOfMeasurement),
            ]))
    print(l.text("accuracy.cut", language, ["bar": f(accuracy.bar), "se": f(accuracy.standardErrorAtCut)]))
    print(
        l.text(
            "accuracy.rates", language,
            [
                "falsePass": pct(accuracy.falsePassRate), "below": f(accuracy.bar - accuracy.margin),
                "falseFail": pct(accuracy.falseFailRate), "above": f(accuracy.bar + accuracy.margin),
                "atBar": pct(accuracy.passAtBar),
            ]))
    print(
        l.text(
            "accuracy.curve", language,
            [
                "curve": accuracy.curve.map { p in
                    "d′ \(f(p.trueDPrime))" + (p.criterion == 0 ? "" : " c \(String(format: "%+.1f", p.criterion))")
                        + " → \(pct(p.passProbability))"
                }.joined(separator: "; ")
            ]))
}

/// Reads a private key file, or prints why not and exits.
func loadSigningKey(_ path: String) -> SigningIdentity {
    // Returned from inside the `do` (not assigned to an outer `let`): the 6.3.1 release compiler crashes
    // on a typed-throwing initializer whose result initialises a variable declared outside the `do`.
    do {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try SigningIdentity(privateKeyText: text)
    } catch {
        fail(BundleError(code: "key.read", file: path, message: "\(error)"))
    }
}

// MARK: - keys

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the Ed25519 keys that sign certificates.",
        subcommands: [KeysInitCommand.self])
}

struct KeysInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Make a new signing key: NAME.key (secret, mode 600) and NAME.pub (give it to verifiers).")

    @Option(help: ArgumentHelp("Folder to write the keys in.", valueName: "dir")) var out = "."
    @Option(help: "File name stem.") var name = "cargosim-signing"
    @Flag(help: "Replace existing key files.") var force = false

    func run() throws {
        let folder = URL(fileURLWithPath: out)
        let secret = folder.appendingPathComponent(name + ".key"), pub = folder.appendingPathComponent(name + ".pub")
        if !force, FileManager.default.fileExists(atPath: secret.path) {
            fail(
                BundleError(
                    code: "keys.exists", file: secret.path,
                    message: "A key is already here; keep it (certificates depend on it) or pass --force to replace it."
                ))
        }
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let identity = SigningIdentity.generate()
        // Mode 600 from the moment the file exists, whatever the umask (and narrowed first when --force replaces one).
        do { try writePrivately(Data(identity.privateKeyText.utf8), to: secret) } catch {
            fail(
                BundleError(
                    code: "io.write", file: secret.path,
                    message: "Cannot write the key here (\(error)); check the folder's permissions."))
        }
        write(Data(identity.publicKeyText.utf8), to: pub.path)
        print(
            "Key id \(identity.keyId)\nSecret key: \(secret.path) (keep it offline)\nPublic key: \(pub.path) (give it to verifiers)"
        )
    }
}

// MARK: - certificate

struct CertificateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate", abstract: "Verify and revoke certificates.",
        subcommands: [CertificateVerifyCommand.self, CertificateRevokeCommand.self, CertificateRefreshListCommand.self])
}

struct CertificateVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a certificate offline: the issuer's signature, its validity today, and a fresh revocation list.",
        discussion: """
            Exit status 0: VALID — signature and dates good, and a revocation list issued within the limit \
            (--max-list-age-days, default the shipped policy's \(CertificationPolicy.standardRevocationListMaximumAgeDays)) \
            does not name it. 2: SIGNATURE VALID, REVOCATION NOT CHECKED — no list was given, or the list is older \
            than the limit (get the issuer's current list). 1: INVALID — altered, forged, expired, not yet valid, or \
            revoked (a list that names the certificate refuses it whatever its age).
            """)

    @Argument(help: ArgumentHelp("The certificate file.", valueName: "file")) var file: String
    @Option(help: ArgumentHelp("The issuer's public key (.pub).", valueName: "key")) var publicKey: String
    @Option(help: ArgumentHelp("The issuer's signed revocation list.", valueName: "file")) var revocations: String?
    @Option(help: "Oldest revocation list accepted, in days before now.")
    var maxListAgeDays = CertificationPolicy.standardRevocationListMaximumAgeDays

    func validate() throws {
        if maxListAgeDays < 0 { throw ValidationError("Give --max-list-age-days of 0 or more.") }
    }

    func run() throws {
        do {
            let key = try SigningIdentity.publicKey(fromText: String(contentsOfFile: publicKey, encoding: .utf8))
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            var list: RevocationList?
            if let revocations {
                list = try Certificates.openRevocations(
                    Data(contentsOf: URL(fileURLWithPath: revocations)), publicKey: key)
            }
            let verified = try Certificates.verify(
                data, publicKey: key, revocations: list, maximumListAgeDays: maxListAgeDays, now: now())
            let payload = verified.payload
            let who = "\(payload.subjectName) (\(payload.subject)), \(payload.role.rawValue), policy \(payload.policyVersion)"
            switch verified.revocation {
            case .notRevoked(let sequence, let issuedAt):
                print("VALID: \(who)")
                print("Not revoked: revocation list no. \(sequence) issued \(issuedAt) (limit \(maxListAgeDays) days)")
            case .notChecked:
                print("SIGNATURE VALID, REVOCATION NOT CHECKED: \(who)")
                print("No revocation list was given (--revocations FILE); the certificate may have been revoked.")
            case .listTooOld(let sequence, let issuedAt, let days):
                print("SIGNATURE VALID, REVOCATION NOT CHECKED: \(who)")
                print(
                    "The revocation list no. \(sequence) was issued \(issuedAt), more than \(days) days ago; get the issuer's current list."
                )
            }
            print(
                "Issued \(payload.issuedAt.date) by \(payload.issuer), valid until \(payload.expiresAt.date); certificate \(payload.certificateId), key \(payload.keyId)"
            )
            print("Verification code \(Certificates.verificationCode(data)) (must match the printed certificate)")
            for (k, v) in payload.figures.sorted(by: { $0.key < $1.key }) { print("  \(k): \(v)") }
            if !verified.revocation.isChecked { throw ExitCode(2) }
        } catch let error as CertificateError {
            printError("INVALID: \(file): \(error.message)")
            throw ExitCode(1)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printErrors(error)
            throw ExitCode(1)
        }
    }
}

/// Reads the issuer's list to update, or starts the first one.
private func openOwnList(_ path: String, _ identity: SigningIdentity) throws -> RevocationList {
    guard FileManager.default.fileExists(atPath: path) else {
        return RevocationList(keyId: identity.keyId, updatedAt: now(), sequence: 0, revocations: [])
    }
    return try Certificates.openRevocations(Data(contentsOf: URL(fileURLWithPath: path)), publicKey: identity.publicKey)
}

/// Signs the list again as the next in sequence, issued now.
private func reissue(_ list: RevocationList, _ identity: SigningIdentity, to path: String) -> RevocationList {
    var next = list
    next.sequence = (list.sequence ?? 0) + 1
    next.updatedAt = now()
    write(Certificates.sign(next, with: identity), to: path)
    return next
}

struct CertificateRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Add a certificate to the issuer's signed revocation list (made when missing); the list's number goes up by one.")

    @Argument(help: ArgumentHelp("The certificate file, or its certificate id.", valueName: "certificate"))
    var certificate: String
    @Option(help: ArgumentHelp("The issuer's private key.", valueName: "file")) var signingKey: String
    @Option(help: ArgumentHelp("The revocation list to update or create.", valueName: "file")) var revocations: String
    @Option(help: "Why (printed by verify).") var reason: String

    func run() throws {
        do {
            let identity = try SigningIdentity(privateKeyText: String(contentsOfFile: signingKey, encoding: .utf8))
            var id = certificate
            if FileManager.default.fileExists(atPath: certificate) {
                let data = try Data(contentsOf: URL(fileURLWithPath: certificate))
                // The signature must be ours; expiry does not matter for revocation.
                let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                guard lines.count == 4,
                    let payload = try? JSONDecoder().decode(CertificatePayload.self, from: Data(lines[1]))
                else {
                    throw CertificateError(
                        code: "certificate.malformed", field: "file", message: "Not a CargoSim certificate.")
                }
                _ = try Certificates.verifySignature(data, publicKey: identity.publicKey, now: payload.issuedAt)
                id = payload.certificateId
            }
            guard id.utf8.count == 16, id.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
                throw CertificateError(
                    code: "certificate.id", field: "certificate",
                    message:
                        "No certificate file at \(certificate), and it is not a certificate id (16 hex digits); give the file or the id that `certificate verify` prints."
                )
            }
            var list = try openOwnList(revocations, identity)
            if !list.revocations.contains(where: { $0.certificateId == id }) {
                list.revocations.append(Revocation(certificateId: id, revokedAt: now(), reason: reason))
            }
            let signed = reissue(list, identity, to: revocations)
            print(
                "Revoked \(id); \(signed.revocations.count) certificate(s) on the list \(revocations), no. \(signed.sequence ?? 0)"
            )
        } catch let error as CertificateError {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
    }
}

struct CertificateRefreshListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh-list",
        abstract: "Sign the revocation list again, unchanged, as the next number issued now (verifiers want a fresh list).",
        discussion:
            "Publish a list at least as often as the policy's revocationListMaximumAgeDays; verifiers refuse to call a certificate valid on an older one.")

    @Option(help: ArgumentHelp("The issuer's private key.", valueName: "file")) var signingKey: String
    @Option(help: ArgumentHelp("The revocation list to re-sign (made when missing).", valueName: "file"))
    var revocations: String

    func run() throws {
        do {
            let identity = try SigningIdentity(privateKeyText: String(contentsOfFile: signingKey, encoding: .utf8))
            let signed = reissue(try openOwnList(revocations, identity), identity, to: revocations)
            print(
                "Revocation list \(revocations) no. \(signed.sequence ?? 0) issued \(signed.updatedAt) (\(signed.revocations.count) certificate(s))"
            )
        } catch let error as CertificateError {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
    }
}

// MARK: - bench

extension BenchSuites {
    /// Scoring benchmarks run by `cargosim bench`.
    static let scoring: [BenchSuite] = [
        BenchSuite(
            name: "scoring", summary: "read 1,000,000 attempts as JSON lines, grade them, aggregate per trainee",
            run: runScoringBench)
    ]
}

private func runScoringBench(_ context: BenchContext) throws {
    let caseCount = 200, traineeCount = context.scoringTrainees
    let generator = CaseGenerator(catalog: context.workspace.catalog)
    let keys = try planCourse(CurriculumMix(count: caseCount), seed: CourseSeed(demonstration: context.seed)).map {
        try generator.generate($0).key
    }
    var rng = SplitMix64(seed: context.seed)
    let simulator = CohortSimulator(
        keys: keys, courseHash: String(repeating: "ab", count: 32),
        start: Instant(date: CalendarDate(year: 2026, month: 9, day: 1)))
    var bytes: [UInt8] = []
    bytes.reserveCapacity(caseCount * traineeCount * 1200)
    for trainee in CohortSimulator.trainees(count: traineeCount, using: &rng) {
        for a in simulator.attempts(for: trainee, mode: .test, using: &rng) { AttemptLines.encode(a, into: &bytes) }
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
        "cargosim-bench-attempts-\(getpid()).jsonl")
    defer { try? FileManager.default.removeItem(at: file) }
    try Data(bytes).write(to: file)
    let megabytes = Double(bytes.count) / 1_048_576
    bytes = []

    // One pass over the mapped file: each line is read into a reused record, graded for its figures and added to
    // its trainee's tally; the reports only count once the whole file has been read (a bad line throws). Three
    // passes, each mapping the file afresh; the median is quoted (a shared machine varies from pass to pass).
    let cases = Dictionary(uniqueKeysWithValues: keys.map { ($0.caseId, BulkGrader.Case(prepared: PreparedKey($0))) })
    var passes: [(wall: Double, cpu: Double, user: Double, system: Double)] = []
    var results: [BulkGradingResult] = []
    for _ in 0..<3 {
        let start = monotonicSeconds(), cpuStart = processCPUSeconds(), timesStart = processCPUTimes()
        let mapped = try MappedFile(path: file.path)
        results.append(
            try mapped.withBytes { bytes in
                try BulkGrader(blockSize: 10, itemAnalysis: false).grade(bytes, keys: cases)
            })
        let times = processCPUTimes()
        passes.append(
            (
                monotonicSeconds() - start, processCPUSeconds() - cpuStart, times.user - timesStart.user,
                times.system - timesStart.system
            ))
    }
    let median = passes.sorted { $0.cpu < $1.cpu }[1]
    let (total, cpu) = (median.wall, median.cpu)
    let result = results[0]  // every pass gives the same
    let trainees = result.report.trainees
    let dPrimes = trainees.reduce(0.0) { $0 + ($1.detection.dPrime ?? 0) }
    let mapped = try MappedFile(path: file.path)

    // The same with item analysis (what `report` does).
    let itemStart = processCPUSeconds()
    let withItems = try mapped.withBytes { bytes in try BulkGrader(blockSize: 10).grade(bytes, keys: cases) }
    let itemCPU = processCPUSeconds() - itemStart

    // For comparison, on the first 50,000 lines: the reference path (Attempt values, full grades, summaries,
    // `aggregate`) and Foundation's JSONDecoder (decoding only).
    let data = try Data(contentsOf: file)
    var lines = 0, end = 0
    while lines < 50_000, end < data.count {
        if data[end] == 10 { lines += 1 }
        end += 1
    }
    let referenceStart = processCPUSeconds()
    var sequence: [String: Int] = [:]
    var summaries: [AttemptSummary] = []
    for attempt in try AttemptLines.decode(data.prefix(end)) {
        guard let prepared = cases[attempt.caseId]?.prepared else { continue }
        let g = try grade(attempt, against: prepared)
        let n = sequence[attempt.traineeId, default: 0]
        sequence[attempt.traineeId] = n + 1
        summaries.append(AttemptSummary(grade: g, key: prepared.key, vantage: nil, sequence: n))
    }
    _ = aggregate(summaries)
    let referenceSeconds = processCPUSeconds() - referenceStart
    let foundationStart = processCPUSeconds()
    let decoder = JSONDecoder()
    for line in data.prefix(end).split(separator: 10) { _ = try decoder.decode(Attempt.self, from: line) }
    let foundationSeconds = processCPUSeconds() - foundationStart
    print(
        "attempts                 \(result.attempts) (\(caseCount) cases × \(traineeCount) trainees, \(format(megabytes)) MB of JSON lines)"
    )
    print(
        "read + grade + aggregate \(format(total)) s wall, \(format(cpu)) s CPU on one core, \(rate(result.attempts, cpu)) attempts/s (\(trainees.count) trainees; mean d′ \(format(dPrimes / Double(max(1, trainees.count)))); median of 3 passes, CPU \(passes.map { format($0.cpu) }.joined(separator: " / ")) s)"
    )
    print(
        "  of which               \(format(median.user)) s user, \(format(median.system)) s system (mapping the file)"
    )
    print("  with item analysis     \(format(itemCPU)) s CPU (\(withItems.report.items.count) items)")
    print(
        "reference path           \(rate(lines, referenceSeconds)) attempts/s (Attempt values, full grades, aggregate; \(lines) lines)"
    )
    print("JSONDecoder              \(rate(lines, foundationSeconds)) attempts/s (decoding only, \(lines) lines)")
    print("(CPU figures hold on a busy machine; wall time includes waiting for the CPU.)")
}

/// User plus system CPU time of this process, in seconds.
private func processCPUSeconds() -> Double {
    let (user, system) = processCPUTimes()
    return user + system
}

/// User and system CPU time of this process, in seconds.
private func processCPUTimes() -> (user: Double, system: Double) {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return (
        Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
        Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    )
}
