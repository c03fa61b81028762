import Foundation
import Logging
import NIOCore
import PostgresNIO
import Storage

/// Whole tables in and out, for `cargosim db migrate` and its check: values converted by the PostgreSQL column's
/// type (SQLite's 0/1 flags to `boolean`, its blobs to `bytea`), and read back in the same neutral form.
extension PostgresStorage {
    /// Each column's PostgreSQL type (`bigint`, `boolean`, `bytea`, `text`, `double precision`), by lower-case name.
    public func columnTypes(table: String) async throws -> [String: String] {
        try Self.checkTable(table)
        let name = table.lowercased()
        return try await read { db in
            var types: [String: String] = [:]
            for row in try await self.rows(
                db,
                """
                SELECT column_name, data_type FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(name)
                """)
            {
                types[try row("column_name")] = try row("data_type")
            }
            return types
        }
    }

    public func rowCount(table: String) async throws -> Int {
        try Self.checkTable(table)
        return try await read { db in
            try await self.row(db, "SELECT COUNT(*) AS n FROM \(unescaped: Self.quoted(table))")!.int("n")
        }
    }

    /// Inserts the rows as they are (ids included), all in one transaction.
    public func insertRows(table: String, _ batch: TableRows, types: [String: String]) async throws {
        try Self.checkTable(table)
        let columns = batch.columns.map { $0.lowercased() }
        let sql =
            "INSERT INTO \(Self.quoted(table)) (\(columns.joined(separator: ", "))) VALUES ("
            + (1...max(1, columns.count)).map { "$\($0)" }.joined(separator: ", ") + ")"
        var queries: [PostgresQuery] = []
        for row in batch.rows {
            var binds = PostgresBindings(capacity: row.count)
            for (column, value) in zip(columns, row) {
                try Self.bind(Self.normalized(value, as: types[column] ?? "text"), into: &binds, type: types[column])
            }
            queries.append(PostgresQuery(unsafeSQL: sql, binds: binds))
        }
        let statements = queries
        try await transaction(running: Self.longRunLimit) { db in
            for query in statements { try await self.execute(db, query) }
        }
    }

    /// A page of the table's rows (any order; `offset` counts from the first row), in the neutral form.
    public func exportRows(table: String, offset: Int, limit: Int) async throws -> TableRows {
        try Self.checkTable(table)
        let types = try await columnTypes(table: table)
        return try await read { db in
            let found = try await db.query(
                PostgresQuery(
                    unsafeSQL: "SELECT * FROM \(Self.quoted(table)) ORDER BY ctid LIMIT \(limit) OFFSET \(offset)"),
                logger: self.logger
            ).collect()
            guard let first = found.first else { return TableRows(columns: [], rows: []) }
            let columns = first.map(\.columnName)
            let rows: [[TableValue]] = try found.map { row in
                try row.map { cell in try Self.value(cell, type: types[cell.columnName] ?? "text") }
            }
            return TableRows(columns: columns, rows: rows)
        }
    }

    /// Whether every table of the schema is empty (a migration only goes into an empty database).
    public func isEmpty() async throws -> Bool {
        for table in StorageTables.all where try await rowCount(table: table) > 0 { return false }
        return true
    }

    /// Moves each table's id sequence past the largest id copied in, so that new rows get new ids.
    public func resetIdentities() async throws {
        try await transaction { db in
            for table in StorageTables.all {
                let quoted = Self.quoted(table)
                guard
                    try await self.exists(
                        db,
                        """
                        SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
                        AND table_name = \(table.lowercased()) AND column_name = 'id' AND is_identity = 'YES'
                        """)
                else { continue }
                try await self.execute(
                    db,
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(quoted)', 'id'), COALESCE(MAX(id), 0) + 1, false)
                            FROM \(quoted)
                            """))
            }
        }
    }

    /// A value as the column of PostgreSQL type `type` keeps it: what is hashed on both sides of a copy.
    public static func normalized(_ value: TableValue, as type: String) -> TableValue {
        switch (type, value) {
        case ("double precision", .integer(let number)): return .real(Double(number))
        case ("bytea", .text(let text)): return .blob(Array(text.utf8))
        case ("text", .blob(let bytes)): return .text(String(decoding: bytes, as: UTF8.self))
        default: return value
        }
    }

    private static func bind(_ value: TableValue, into binds: inout PostgresBindings, type: String?) throws {
        switch value {
        case .null: binds.appendNull()
        case .integer(let number):
            if type == "boolean" { try binds.append(number != 0) } else { try binds.append(number) }
        case .real(let number): try binds.append(number)
        case .text(let text): try binds.append(text)
        case .blob(let bytes): try binds.append(ByteBuffer(bytes: bytes))
        }
    }

    private static func value(_ cell: PostgresCell, type: String) throws -> TableValue {
        if cell.bytes == nil { return .null }
        switch type {
        case "bigint": return .integer(try cell.decode(Int64.self))
        case "boolean": return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case "double precision": return .real(try cell.decode(Double.self))
        case "bytea": return .blob(bytes(try cell.decode(ByteBuffer.self)))
        default: return .text(try cell.decode(String.self))
        }
    }

    static func quoted(_ table: String) -> String { table == "user" ? "\"user\"" : table }

    static func checkTable(_ table: String) throws {
        guard StorageTables.all.contains(table) else {
            throw StorageError(code: "invalid", message: "No table \(table) in the CargoSim schema.")
        }
    }
}
