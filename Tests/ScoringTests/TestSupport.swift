import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import Scoring

/// The repository's own folders, found from this file's path.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let assets = root.appendingPathComponent("Assets", isDirectory: true)

    static let catalog: Catalog = {
        do { return try CatalogLoader().load(from: assets) } catch {
            fatalError("Cannot load Assets/catalog: \(error)")
        }
    }()

    static let generator = CaseGenerator(catalog: catalog)

    /// A 60-case course drawn from the default mix (generated once).
    static let course: [GeneratedCase] = {
        do { return try planCourse(CurriculumMix(count: 60), seed: 4242).map { try generator.generate($0) } } catch {
            fatalError("Cannot generate the test course: \(error)")
        }
    }()

    static var keys: [AnswerKey] { course.map(\.key) }
}

let testCourseHash = String(repeating: "c0", count: 32)
let t0 = Instant(date: CalendarDate(year: 2026, month: 9, day: 1), hour: 9)

/// An attempt that takes the key's best disposition at every stage, flags every indicator, records the key's
/// seal findings, examines the essential points and takes the custody steps in the key's order.
func perfectAttempt(_ key: AnswerKey, mode: AttemptMode = .training, trainee: String = "T1") -> Attempt {
    var decisions: [Decision] = []
    var clock = t0
    for stage in Stage.allCases where key.expectations[stage] != nil {
        let e = key.expectations[stage]!
        var d = Decision(
            stage: stage, disposition: e.best, agency: e.best == .referToAgency ? e.agency : nil,
            shownAt: clock, decidedAt: clock.adding(minutes: 1), clock: .server)
        switch stage {
        case .targeting: d.flaggedIndicators = key.indicators.map(\.code).filter { $0.stage == .targeting }
        case .screening: d.flaggedIndicators = key.indicators.map(\.code).filter { $0.stage == .screening }
        case .examination:
            d.sealFindings = key.sealFindings
            d.examinedPoints = key.examination.essentialPoints
        case .evidence: d.evidenceSteps = key.evidenceSteps
        }
        decisions.append(d)
        clock = clock.adding(minutes: 2)
    }
    return Attempt(caseId: key.caseId, courseHash: testCourseHash, traineeId: trainee, mode: mode, decisions: decisions)
}

/// A summary for aggregation and policy tests.
func summary(_ trainee: String, _ n: Int, signal: Bool, alarm: Bool, kind: AnomalyKind? = nil) -> AttemptSummary {
    AttemptSummary(
        traineeId: trainee, caseId: "C\(n)", sequence: n, signal: signal, alarm: alarm,
        score: signal == alarm ? 1 : 0, passed: signal == alarm, kind: signal ? (kind ?? .withinLoad) : nil,
        scenario: signal ? "withinLoad" : "clean")
}

/// Summaries with the given counts, in a fixed interleaved order.
func summaries(
    _ trainee: String, hits: Int, misses: Int, falseAlarms: Int, correctRejections: Int,
    kind: AnomalyKind = .withinLoad
) -> [AttemptSummary] {
    var out: [AttemptSummary] = []
    var n = 0
    func add(_ count: Int, _ signal: Bool, _ alarm: Bool) {
        for _ in 0..<count {
            out.append(summary(trainee, n, signal: signal, alarm: alarm, kind: kind))
            n += 1
        }
    }
    add(hits, true, true)
    add(misses, true, false)
    add(falseAlarms, false, true)
    add(correctRejections, false, false)
    return out
}
