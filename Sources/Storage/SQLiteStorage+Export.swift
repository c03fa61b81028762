import Foundation
import GRDB

/// Reading whole tables out, for `cargosim db migrate`: in pages by rowid, so that a course's scans are never all
/// in memory at once.
extension SQLiteStorage {
    /// The rows of `table` after `rowid` (0: from the first), at most `limit`, with the last rowid read; nil when
    /// there are no more.
    public func exportRows(table: String, after rowid: Int64, limit: Int) async throws -> (TableRows, Int64)? {
        guard StorageTables.all.contains(table) else {
            throw StorageError(code: "invalid", message: "No table \(table) in the CargoSim schema.")
        }
        return try await pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT rowid AS \"_rowid\", * FROM \"\(table)\" WHERE rowid > ? ORDER BY rowid LIMIT ?",
                arguments: [rowid, limit])
            guard let first = rows.first else { return nil }
            let columns = Array(first.columnNames.dropFirst())
            var last = rowid
            let values: [[TableValue]] = rows.map { row in
                last = row["_rowid"]
                return (1..<row.count).map { index in
                    switch row[index] as DatabaseValue? {
                    case .none: return .null
                    case .some(let value):
                        switch value.storage {
                        case .null: return .null
                        case .int64(let number): return .integer(number)
                        case .double(let number): return .real(number)
                        case .string(let text): return .text(text)
                        case .blob(let data): return .blob([UInt8](data))
                        }
                    }
                }
            }
            return (TableRows(columns: columns, rows: values), last)
        }
    }

    /// How many rows `table` holds.
    public func rowCount(table: String) async throws -> Int {
        guard StorageTables.all.contains(table) else {
            throw StorageError(code: "invalid", message: "No table \(table) in the CargoSim schema.")
        }
        return try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table)\"") ?? 0 }
    }
}
