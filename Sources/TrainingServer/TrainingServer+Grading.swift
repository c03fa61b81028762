import CargoModel
import Foundation
import Scoring
import Storage

extension TrainingServer {
    /// What the feedback route answers (see docs/API.md).
    struct FeedbackView: Encodable {
        struct StageView: Encodable {
            var stage: Stage
            var score: Double
            var disposition: Disposition
            /// The key's best decision at the stage.
            var expected: Disposition?
            /// Every decision the key accepts at the stage (the best first): "right" means one of these.
            var acceptable: [Disposition]
            /// The trainee's decision is among `acceptable`.
            var right: Bool
            var messages: [String]
        }
        /// One part of the case's score with its share of the total (the rubric's weights over the parts that
        /// apply to the case): the total is the sum of score × share.
        struct PartView: Encodable {
            var part: String
            var score: Double
            var share: Double
        }
        struct RegionView: Encodable {
            var scan: String
            var x: Double
            var y: Double
            var width: Double
            var height: Double
            var label: String
            /// The same box in the shape a decision's `markedRegions` use (`{"type":"rectangle",…}`).
            var shape: RegionShape { .rectangle(x: x, y: y, width: width, height: height) }

            private enum CodingKeys: String, CodingKey { case scan, x, y, width, height, label, shape }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(scan, forKey: .scan)
                try c.encode(x, forKey: .x)
                try c.encode(y, forKey: .y)
                try c.encode(width, forKey: .width)
                try c.encode(height, forKey: .height)
                try c.encode(label, forKey: .label)
                try c.encode(shape, forKey: .shape)
            }
        }
        var released: Bool
        var score: Double
        var outcome: String
        var stages: [StageView]
        /// How the total is made.
        var parts: [PartView]
        var messages: [String]
        var regions: [RegionView]
    }

    /// The parts that apply, each with its share of the total (weights renormalised over them, as the grader does).
    static func parts(_ parts: PartScores, weights w: RubricWeights) -> [FeedbackView.PartView] {
        let present: [(String, Double?, Double)] = [
            ("disposition", parts.disposition, w.disposition), ("localisation", parts.localisation, w.localisation),
            ("indicators", parts.indicators, w.indicators), ("sealFindings", parts.sealFindings, w.sealFindings),
            ("examination", parts.examination, w.examination), ("evidence", parts.evidence, w.evidence),
        ]
        let applying = present.compactMap { name, score, weight in score.map { (name, $0, weight) } }
        let total = applying.map(\.2).reduce(0, +)
        return applying.filter { $0.2 > 0 }.map { .init(part: $0.0, score: $0.1, share: total > 0 ? $0.2 / total : 0) }
    }

    /// Grading inputs for a finished case: the attempt (from the stored decisions), the key and its regions.
    /// The only code path besides `feedback` that reads a key.
    /// `decisions` are the case's decisions when the caller has them (the last one not stored yet).
    private func gradingInputs(_ access: CaseAccess, decisions given: [Decision]? = nil) async throws -> (
        Attempt, AnswerKey, ScanGeometry
    ) {
        let c = access.inspectionCase, assignment = access.assignment
        let decisions: [Decision]
        if let given {
            decisions = given
        } else {
            decisions = try await storage.decisions(assignmentId: assignment.id, caseId: c.id).map(\.decision)
        }
        guard let keyBytes = try await storage.answerKey(courseId: assignment.courseId, caseId: c.id),
            let course = try await storage.course(id: assignment.courseId)
        else { throw APIError.internalError }
        let key = try JSONDecoder().decode(AnswerKey.self, from: Data(keyBytes))
        let attempt = Attempt(
            caseId: c.id, courseHash: course.courseHash, traineeId: access.user.username, mode: assignment.mode,
            decisions: decisions)
        return (attempt, key, ScanGeometry(scansOf: c, key: key))
    }

    private func grade(_ attempt: Attempt, _ key: AnswerKey, _ regions: ScanGeometry) throws -> Grade {
        // A Result rather than a typed do-catch: the release compiler (6.3.1) crashes on the latter.
        let result = Result { () throws(GradingError) -> Grade in
            try Scoring.grade(attempt, against: key, rubric: configuration.rubric, regions: regions)
        }
        switch result {
        case .success(let grade): return grade
        case .failure(let error):
            // Decisions are checked on submission, so this is the server's fault, never the trainee's.
            throw APIError(
                .internalServerError, "internal", "This case cannot be graded (\(error.code)); tell the instructor.")
        }
    }

    /// The grade of a finished case as kept for the instructor (results and `attempts.jsonl`), from the given
    /// decisions (the last one about to be stored with it) or the stored ones.
    func gradeRecord(_ access: CaseAccess, decisions: [Decision]? = nil) async throws -> GradeRecord {
        let (attempt, key, regions) = try await gradingInputs(access, decisions: decisions)
        let graded = try grade(attempt, key, regions)
        return GradeRecord(
            assignmentId: access.assignment.id, userId: access.user.id, caseId: access.inspectionCase.id,
            score: graded.score, outcome: graded.outcome.rawValue,
            gradeJSON: Array(try responseEncoder.encode(graded)),
            attemptJSON: Array(try responseEncoder.encode(attempt)),
            gradedAt: now())
    }

    /// The feedback of a finished case with the key, in `language` (the trainee's own when nil): called only in
    /// training mode or once test results are released, or for staff watching a class.
    func feedback(_ access: CaseAccess, language: String? = nil) async throws -> FeedbackView {
        var (attempt, key, regions) = try await gradingInputs(access)
        // Feedback with the key is shown now, so the detailed (training) feedback is built whatever the mode.
        attempt.mode = .training
        let graded = try grade(attempt, key, regions)
        let language = language ?? access.user.language
        let localizer = configuration.localizer
        func lines(_ items: [FeedbackItem], _ rationale: [RationaleItem] = []) -> [String] {
            Feedback(mode: .training, items: items, rationale: rationale).render(language: language) {
                localizer.text($0, language, $1)
            }
        }
        let stages = graded.stages.map { result in
            let accepted = key.expectations[result.stage]?.acceptable ?? [result.best]
            return FeedbackView.StageView(
                stage: result.stage, score: result.score, disposition: result.chosen, expected: result.best,
                acceptable: [result.best] + accepted.filter { $0 != result.best }, right: result.acceptable,
                messages: lines(graded.feedback.items.filter { $0.parameters["stage"] == result.stage.rawValue }))
        }
        let general = graded.feedback.items.filter { $0.parameters["stage"] == nil }
        return FeedbackView(
            released: true, score: graded.score, outcome: graded.outcome.rawValue, stages: stages,
            parts: Self.parts(graded.parts, weights: configuration.rubric.weights),
            messages: lines(general, graded.feedback.rationale),
            regions: regionViews(regions, key: key, language: language))
    }

    /// The key's regions on every scan of a case, labelled with the concealment method in `language`.
    func regionViews(_ regions: ScanGeometry, key: AnswerKey, language: String) -> [FeedbackView.RegionView] {
        let kinds = Dictionary(key.anomalies.map { ($0.id, $0.kind.rawValue) }, uniquingKeysWith: { a, _ in a })
        return regions.regions.map { region in
            FeedbackView.RegionView(
                scan: region.scan, x: region.box.x, y: region.box.y, width: region.box.width,
                height: region.box.height,
                label: kinds[region.anomalyId].map { configuration.localizer.text("anomaly.\($0)", language) }
                    ?? region.anomalyId)
        }
    }

    /// The answer keys of a course's cases, by case id: for staff views only (reports, the debrief, the marking
    /// guide); with grading and feedback above, the only readers of keys.
    func answerKeys(courseId: String, caseIds: [String]) async throws -> [String: AnswerKey] {
        var keys: [String: AnswerKey] = [:]
        let decoder = JSONDecoder()
        for caseId in caseIds {
            guard let bytes = try await storage.answerKey(courseId: courseId, caseId: caseId) else {
                throw APIError.internalError
            }
            keys[caseId] = try decoder.decode(AnswerKey.self, from: Data(bytes))
        }
        return keys
    }
}
