import Foundation
import PostgresStorage
import Storage
import Testing

/// The stores the conformance tests run against: SQLite always; PostgreSQL when `CARGOSIM_TEST_POSTGRES_URL` names a
/// server (`scripts/test-postgres.sh start` prints one; `make test` starts it), or when `CARGOSIM_REQUIRE_POSTGRES=1`
/// says it must be there: then a missing URL fails every PostgreSQL case instead of leaving it out.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static let postgresURL: String? = ProcessInfo.processInfo.environment["CARGOSIM_TEST_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }
    static let postgresRequired = ProcessInfo.processInfo.environment["CARGOSIM_REQUIRE_POSTGRES"] == "1"

    /// SQLite, and PostgreSQL when it is configured or required.
    static var available: [StoreKind] { postgresURL != nil || postgresRequired ? [.sqlite, .postgres] : [.sqlite] }
}

/// A new, empty database of one kind for one test: a temporary SQLite file, or a database of its own on the test
/// PostgreSQL server. Open it as often as needed (reopening is what the durability tests check); `remove()` deletes it.
final class TestDatabase: Sendable {
    let kind: StoreKind
    /// The SQLite file's path, or the PostgreSQL database's URL: what `--db` takes.
    let location: String
    private let postgresName: String?

    private init(kind: StoreKind, location: String, postgresName: String?) {
        self.kind = kind
        self.location = location
        self.postgresName = postgresName
    }

    static func make(_ kind: StoreKind) async throws -> TestDatabase {
        switch kind {
        case .sqlite:
            return TestDatabase(kind: kind, location: StorageTests.temporaryPath(), postgresName: nil)
        case .postgres:
            guard let server = StoreKind.postgresURL else {
                throw FixtureError(
                    description: "CARGOSIM_REQUIRE_POSTGRES=1 but CARGOSIM_TEST_POSTGRES_URL is not set: start a "
                        + "test server with `scripts/test-postgres.sh start` and export the URL it prints.")
            }
            let name = "cargosim_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let url = try await PostgresStorage.createDatabase(name, onServerOf: server)
            return TestDatabase(kind: kind, location: url, postgresName: name)
        }
    }

    func open() async throws -> any Storage {
        switch kind {
        case .sqlite: return try SQLiteStorage(path: location)
        case .postgres: return try await PostgresStorage(url: location)
        }
    }

    /// Closes a store opened here (PostgreSQL's connections; SQLite closes when the last reference goes).
    static func close(_ storage: any Storage) {
        (storage as? PostgresStorage)?.close()
    }

    func remove() async {
        switch kind {
        case .sqlite: removeDatabase(location)
        case .postgres:
            if let postgresName, let server = StoreKind.postgresURL {
                try? await PostgresStorage.dropDatabase(postgresName, onServerOf: server)
            }
        }
    }
}

/// Runs `body` on a new database of `kind`, removing it afterwards whatever happens.
func withTestDatabase<T>(_ kind: StoreKind, _ body: (TestDatabase) async throws -> T) async throws -> T {
    let database = try await TestDatabase.make(kind)
    do {
        let value = try await body(database)
        await database.remove()
        return value
    } catch {
        await database.remove()
        throw error
    }
}
