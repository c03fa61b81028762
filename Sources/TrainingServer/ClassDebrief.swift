import CargoModel
import Scoring

/// What `GET /api/groups/{gid}/debrief/{cid}` answers: one case as the class worked it, for a projector. The key's
/// regions and a heat map of the class's marks on the scan, each stage's decisions against the key's, the risk
/// indicators the class flagged against the key's, the outcomes, and the key's rationale in the chosen language.
/// Names only when asked for (`trainees`).
///
/// A pure function of the case, its key and the class's decisions and grades.
struct ClassDebrief: Encodable {
    struct Scan: Encodable {
        var file: String
        var widthPixels: Int
        var heightPixels: Int
    }

    /// How many marks cover each cell of a grid over the scan (`counts` row by row, `columns` × `rows`).
    struct Heat: Encodable {
        var columns: Int
        var rows: Int
        var cellWidth: Double
        var cellHeight: Double
        var counts: [Int]
        var maximum: Int
    }

    struct Choice: Encodable {
        var disposition: Disposition
        var count: Int
        /// The key accepts it at this stage.
        var acceptable: Bool
        var best: Bool
    }

    struct StageDecisions: Encodable {
        var stage: Stage
        var decided: Int
        var best: Disposition?
        var acceptable: [Disposition]
        var agency: Agency?
        /// Every disposition the stage offers, with how many chose it.
        var choices: [Choice]
    }

    struct Indicator: Encodable {
        var indicator: RiskIndicator
        /// Trainees who flagged it at targeting.
        var count: Int
        var inKey: Bool
        /// The key lists it with an innocent explanation.
        var harmless: Bool
    }

    struct Named: Encodable {
        var displayName: String
        var outcome: String?
        var score: Double?
        var dispositions: [String: Disposition]
    }

    var caseId: String
    var position: Int
    var caseCount: Int
    var previousCaseId: String?
    var nextCaseId: String?
    var language: String
    var vantage: Vantage
    var containerNumber: String
    var trainees: Int
    var submitted: Int
    var scan: Scan?
    var regions: [TrainingServer.FeedbackView.RegionView]
    var marks: Int
    var markers: Int
    var heat: Heat?
    var stages: [StageDecisions]
    var indicators: [Indicator]
    var outcomes: [String: Int]
    var rationale: [String]
    var names: [Named]?

    /// The grid's columns; rows follow the scan's aspect (at least 4).
    static let heatColumns = 96

    /// The heat map of `marks` (boxes in scan pixels) over a scan of that size: per cell, how many marks cover its
    /// centre.
    static func heat(_ marks: [(x: Double, y: Double, width: Double, height: Double)], width: Int, height: Int)
        -> Heat
    {
        let columns = heatColumns
        let rows = max(4, Int((Double(columns) * Double(height) / Double(max(1, width))).rounded()))
        let cw = Double(width) / Double(columns), ch = Double(height) / Double(rows)
        var counts = [Int](repeating: 0, count: columns * rows)
        for m in marks {
            // The cells whose centres lie in the box.
            let c0 = max(0, Int((m.x / cw - 0.5).rounded(.up))),
                c1 = min(columns - 1, Int(((m.x + m.width) / cw - 0.5).rounded(.down)))
            let r0 = max(0, Int((m.y / ch - 0.5).rounded(.up))),
                r1 = min(rows - 1, Int(((m.y + m.height) / ch - 0.5).rounded(.down)))
            guard c0 <= c1, r0 <= r1 else { continue }
            for r in r0...r1 { for c in c0...c1 { counts[r * columns + c] += 1 } }
        }
        return Heat(
            columns: columns, rows: rows, cellWidth: cw, cellHeight: ch, counts: counts, maximum: counts.max() ?? 0)
    }

    /// One trainee's work on the case: their decisions in stage order and their grade when graded.
    struct Work {
        var displayName: String
        var decisions: [Decision]
        var grade: Grade?
    }

    init(
        inspectionCase c: InspectionCase, key: AnswerKey, caseIds: [String], trainees: Int, work: [Work],
        regions: [TrainingServer.FeedbackView.RegionView], rationale: [String], language: String, withNames: Bool
    ) {
        caseId = c.id
        let position = caseIds.firstIndex(of: c.id) ?? 0
        self.position = position
        caseCount = caseIds.count
        previousCaseId = position > 0 ? caseIds[position - 1] : nil
        nextCaseId = position + 1 < caseIds.count ? caseIds[position + 1] : nil
        self.language = language
        vantage = c.vantage
        containerNumber = c.targeting.billOfLading.containerNumber
        self.trainees = trainees
        submitted = work.filter { w in c.stages.allSatisfy { s in w.decisions.contains { $0.stage == s } } }.count
        let reference = c.screening?.scans.first { $0.file == "scan.png" } ?? c.screening?.scans.first
        scan = reference.map { Scan(file: $0.file, widthPixels: $0.widthPixels, heightPixels: $0.heightPixels) }
        self.regions = regions.filter { $0.scan == reference?.file }
        // The three scans of a case share one pixel geometry: every mark counts, whichever scan it names.
        let boxes = work.flatMap { $0.decisions.flatMap(\.markedRegions) }.map { $0.shape.boundingBox }
        marks = boxes.count
        markers = work.filter { $0.decisions.contains { !$0.markedRegions.isEmpty } }.count
        heat = reference.map { Self.heat(boxes, width: $0.widthPixels, height: $0.heightPixels) }
        stages = c.stages.map { stage in
            let expectation = key.expectations[stage]
            let chosen = work.compactMap { $0.decisions.first { $0.stage == stage }?.disposition }
            return StageDecisions(
                stage: stage, decided: chosen.count, best: expectation?.best, acceptable: expectation?.acceptable ?? [],
                agency: expectation?.agency,
                choices: Disposition.options(at: stage).map { d in
                    Choice(
                        disposition: d, count: chosen.filter { $0 == d }.count,
                        acceptable: expectation?.acceptable.contains(d) ?? false, best: expectation?.best == d)
                })
        }
        var flagged: [RiskIndicator: Int] = [:]
        for w in work {
            for indicator in Set(w.decisions.first { $0.stage == .targeting }?.flaggedIndicators ?? []) {
                flagged[indicator, default: 0] += 1
            }
        }
        let keyed = Dictionary(key.indicators.map { ($0.code, $0.harmless) }, uniquingKeysWith: { a, b in a && b })
        // Most flagged first; among equals the key's first, then by name.
        indicators = Set(flagged.keys).union(keyed.keys).map {
            Indicator(indicator: $0, count: flagged[$0] ?? 0, inKey: keyed[$0] != nil, harmless: keyed[$0] ?? false)
        }.sorted {
            ($1.count, $1.inKey ? 1 : 0, $0.indicator.rawValue) < ($0.count, $0.inKey ? 1 : 0, $1.indicator.rawValue)
        }
        var outcomes: [String: Int] = [:]
        for outcome in DetectionOutcome.allCases { outcomes[outcome.rawValue] = 0 }
        for grade in work.compactMap(\.grade) { outcomes[grade.outcome.rawValue, default: 0] += 1 }
        self.outcomes = outcomes
        self.rationale = rationale
        names =
            withNames
            ? work.map { w in
                Named(
                    displayName: w.displayName, outcome: w.grade?.outcome.rawValue, score: w.grade?.score,
                    dispositions: Dictionary(
                        w.decisions.map { ($0.stage.rawValue, $0.disposition) }, uniquingKeysWith: { a, _ in a }))
            }.sorted { $0.displayName < $1.displayName } : nil
    }
}
