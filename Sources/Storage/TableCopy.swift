/// One stored value as it leaves or enters a database table, whatever the store: for copying a whole database from
/// one store to another (`cargosim db migrate`) and checking the copy.
public enum TableValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A batch of a table's rows: the column names (as the SQLite schema spells them) and the values in that order.
public struct TableRows: Sendable {
    public var columns: [String]
    public var rows: [[TableValue]]

    public init(columns: [String], rows: [[TableValue]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// The tables of the schema in an order that keeps every foreign key pointing backwards (parents first), as both
/// stores name them.
public enum StorageTables {
    public static let all = [
        "user", "session", "loginFailure", "cohort", "cohortMember", "course", "courseCase", "caseFile", "answerKey",
        "assignmentGroup", "assignment", "stageShown", "decision", "examination", "grade", "audit", "spec", "job",
        "courseSeed", "certificate", "revocationList", "calibrationRound", "calibrationGrade", "deliverySignOff",
    ]
}
