import ArgumentParser
import CaseBundle
import Crypto
import Foundation
import PostgresStorage
import Storage

// MARK: - db

struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Move a server's database from one store to another.",
        subcommands: [DatabaseMigrateCommand.self])
}

struct DatabaseMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy everything of a SQLite database into an empty PostgreSQL database, and check the copy.",
        discussion: """
            Copies every table (people, sessions, courses with their cases, scans and keys, assignments, decisions, \
            grades, certificates, calibration rounds, sign-offs, the audit log) with their ids, then checks each \
            table: the same number of rows, and the same SHA-256 of its rows (each row hashed, the sorted hashes \
            hashed), printed for the record. Stop the server first. The PostgreSQL database must be empty (a new \
            one: createdb); its schema is made here. The files beside the SQLite file (<db>.certification/, \
            <db>.tls/) are not in the database: copy them into the --state-dir of the PostgreSQL server.
            """)

    @Option(help: ArgumentHelp("The SQLite database to copy (sqlite:PATH or a path).", valueName: "sqlite:path"))
    var from: String
    @Option(help: ArgumentHelp("The empty PostgreSQL database.", valueName: "postgres://…"))
    var to: String
    @Option(help: "Rows per transaction (a case's scans are a few MB).") var batch = 100

    func validate() throws {
        guard case .sqlite = try storeOrFail(from) else {
            throw ValidationError("Give --from as the SQLite database (sqlite:PATH or a path); got \(redacted(from)).")
        }
        guard case .postgres = try storeOrFail(to) else {
            throw ValidationError("Give --to as the PostgreSQL database (postgres://USER@HOST[:PORT]/DATABASE).")
        }
        guard (1...10_000).contains(batch) else { throw ValidationError("Give --batch from 1 to 10000.") }
    }

    private func storeOrFail(_ text: String) throws -> DatabaseOptions.Store {
        do { return try DatabaseOptions.store(text) } catch let error as StorageError {
            throw ValidationError(error.message)
        }
    }

    private func redacted(_ text: String) -> String { PostgresLocation.redacted(text) }

    func run() async throws {
        guard case .sqlite(let path) = try storeOrFail(from), case .postgres(let url) = try storeOrFail(to) else {
            return
        }
        guard FileManager.default.fileExists(atPath: path) else {
            fail(
                BundleError(
                    code: "db.migrate", file: path, message: "No such SQLite database; check the path given to --from.")
            )
        }
        let source: SQLiteStorage
        do { source = try SQLiteStorage(path: path) } catch {
            fail(BundleError(code: "db.open", file: path, message: "\(error)"))
        }
        let target: PostgresStorage
        do { target = try await PostgresStorage(url: url) } catch {
            fail(BundleError(code: "db.open", file: redacted(url), message: "\(error)"))
        }
        defer { target.close() }
        let label = (try? PostgresLocation(parsing: url).description) ?? "PostgreSQL"
        let report = await storageCall(label) {
            try await DatabaseCopy.copy(from: source, to: target, batch: batch) { line in print(line) }
        }
        print("")
        var mismatched: [String] = []
        for table in report {
            let same = table.sourceRows == table.targetRows && table.sourceDigest == table.targetDigest
            if !same { mismatched.append(table.name) }
            print(
                "\(table.name.padding(toLength: 17, withPad: " ", startingAt: 0)) \(String(table.sourceRows).leftPad(7)) rows  "
                    + "sha256 \(table.sourceDigest)  "
                    + (same ? "ok" : "DIFFERS (copy: \(table.targetRows) rows, sha256 \(table.targetDigest))"))
        }
        guard mismatched.isEmpty else {
            fail(
                BundleError(
                    code: "db.migrate", file: label,
                    message: "The copy differs in \(mismatched.joined(separator: ", ")); drop the PostgreSQL "
                        + "database, create it again and migrate again (the SQLite database is unchanged)."))
        }
        print(
            "Copied \(report.reduce(0) { $0 + $1.sourceRows }) rows in \(report.count) tables from \(path) to "
                + "\(label); every table's row count and SHA-256 match. Serve it with: cargosim serve --db '\(redacted(url))' "
                + "--state-dir DIR (copy \(path).certification/ into DIR/certification/ to keep the signing key).")
    }
}

extension String {
    fileprivate func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// The copy itself, apart from the command so that tests call it.
enum DatabaseCopy {
    struct TableReport: Sendable {
        var name: String
        var sourceRows: Int
        var targetRows: Int
        var sourceDigest: String
        var targetDigest: String
    }

    /// Copies every table (parents first), then reads each back and compares counts and digests.
    static func copy(
        from source: SQLiteStorage, to target: PostgresStorage, batch: Int, progress: (String) -> Void
    ) async throws -> [TableReport] {
        guard try await target.isEmpty() else {
            throw StorageError(
                code: "conflict",
                message: "The PostgreSQL database is not empty; migrate into a new one (createdb NAME), so that "
                    + "nothing is mixed or overwritten.")
        }
        var reports: [TableReport] = []
        for table in StorageTables.all {
            let types = try await target.columnTypes(table: table)
            let total = try await source.rowCount(table: table)
            var digest = TableDigest()
            var copied = 0
            var after: Int64 = 0
            while let (rows, last) = try await source.exportRows(table: table, after: after, limit: batch) {
                let normalized = TableRows(
                    columns: rows.columns,
                    rows: rows.rows.map { row in
                        zip(rows.columns, row).map {
                            PostgresStorage.normalized($0.1, as: types[$0.0.lowercased()] ?? "text")
                        }
                    })
                digest.add(normalized)
                try await target.insertRows(table: table, normalized, types: types)
                copied += rows.rows.count
                after = last
                if total > batch { progress("  \(table): \(copied)/\(total) rows") }
            }
            progress("\(table): \(copied) rows copied")
            reports.append(
                TableReport(name: table, sourceRows: total, targetRows: 0, sourceDigest: digest.hex, targetDigest: ""))
        }
        try await target.resetIdentities()
        progress("Checking the copy…")
        for index in reports.indices {
            let table = reports[index].name
            reports[index].targetRows = try await target.rowCount(table: table)
            var digest = TableDigest()
            var offset = 0
            while true {
                let rows = try await target.exportRows(table: table, offset: offset, limit: batch)
                if rows.rows.isEmpty { break }
                digest.add(rows)
                offset += rows.rows.count
            }
            reports[index].targetDigest = digest.hex
        }
        return reports
    }
}

/// The SHA-256 of a table's rows, whatever their order: each row is hashed (its columns by name, each value typed
/// and length-prefixed), and the sorted row hashes are hashed.
struct TableDigest {
    private var rows: [[UInt8]] = []

    mutating func add(_ batch: TableRows) {
        let order = batch.columns.indices.sorted { batch.columns[$0].lowercased() < batch.columns[$1].lowercased() }
        for row in batch.rows {
            var hasher = SHA256()
            for index in order {
                hasher.update(data: Array(batch.columns[index].lowercased().utf8) + [0])
                switch row[index] {
                case .null: hasher.update(data: [0x4E])
                case .integer(let number): hasher.update(data: Array("I\(number);".utf8))
                case .real(let number): hasher.update(data: Array("R\(number.bitPattern);".utf8))
                case .text(let text):
                    let bytes = Array(text.utf8)
                    hasher.update(data: Array("T\(bytes.count):".utf8) + bytes)
                case .blob(let bytes): hasher.update(data: Array("B\(bytes.count):".utf8) + bytes)
                }
            }
            rows.append(Array(hasher.finalize()))
        }
    }

    var hex: String {
        var hasher = SHA256()
        for row in rows.sorted(by: { $0.lexicographicallyPrecedes($1) }) { hasher.update(data: row) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
