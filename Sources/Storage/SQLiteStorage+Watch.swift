import CargoModel
import Foundation
import GRDB

/// What watching a class reads: its activity (stages shown and decided), its grades, and every decision on one
/// case (the debrief).
extension SQLiteStorage {
    public func groupActivity(groupId: Int64) async throws -> GroupActivity {
        try await pool.read { db in
            let assignments = try Row.fetchAll(
                db, sql: "SELECT * FROM assignment WHERE groupId = ? ORDER BY id", arguments: [groupId]
            ).map(Self.assignment)
            func events(_ sql: String) throws -> [StageEvent] {
                try Row.fetchAll(db, sql: sql, arguments: [groupId]).compactMap { row in
                    guard let stage = Stage(rawValue: row["stage"]) else { return nil }
                    return StageEvent(
                        assignmentId: row["assignmentId"], caseId: row["caseId"], stage: stage,
                        at: Instant(millisecondsSinceEpoch: row["at"]))
                }
            }
            let shown = try events(
                """
                SELECT s.assignmentId, s.caseId, s.stage, s.shownAt AS at FROM stageShown s
                JOIN assignment a ON a.id = s.assignmentId WHERE a.groupId = ? ORDER BY s.shownAt
                """)
            let decided = try events(
                """
                SELECT d.assignmentId, d.caseId, d.stage, d.decidedAt AS at FROM decision d
                JOIN assignment a ON a.id = d.assignmentId WHERE a.groupId = ? ORDER BY d.decidedAt, d.stageOrder
                """)
            return GroupActivity(assignments: assignments, shown: shown, decided: decided)
        }
    }

    public func grades(groupId: Int64) async throws -> [GradeRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT g.* FROM grade g JOIN assignment a ON a.id = g.assignmentId WHERE a.groupId = ?
                    ORDER BY g.gradedAt, g.assignmentId, g.caseId
                    """, arguments: [groupId]
            ).map(Self.grade)
        }
    }

    public func decisions(groupId: Int64, caseId: String) async throws -> [DecisionRecord] {
        let rows: [(Int64, Int64, Data)] = try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.assignmentId, d.userId, d.decisionJSON FROM decision d
                    JOIN assignment a ON a.id = d.assignmentId WHERE a.groupId = ? AND d.caseId = ?
                    ORDER BY d.assignmentId, d.stageOrder
                    """, arguments: [groupId, caseId]
            ).map { ($0["assignmentId"], $0["userId"], $0["decisionJSON"]) }
        }
        let decoder = JSONDecoder()
        return try rows.map {
            DecisionRecord(
                assignmentId: $0.0, userId: $0.1, caseId: caseId,
                decision: try decoder.decode(Decision.self, from: $0.2))
        }
    }
}
