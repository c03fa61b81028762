import ArgumentParser
import CargoModel
import CaseBundle
import Foundation
import PostgresStorage
import Storage

/// `cargosim bench-storage`: the two stores side by side on the operations a class waits on.
struct StorageBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-storage",
        abstract: "Compare the SQLite and PostgreSQL stores: a decision's commit, decisions per second, a scan fetch.",
        discussion: """
            On each store, freshly made: (1) the latency of one decision's commit, one after another (median and \
            99th percentile of --commits); (2) decisions per second with --concurrency trainees deciding at once \
            (each its own assignment, stage after stage, case after case); (3) the latency of fetching one \
            --scan-kb scan (median and 99th percentile of --fetches), and the throughput of the same fetches \
            --concurrency at a time. SQLite runs on a temporary file (synchronous = FULL, group commit). PostgreSQL \
            runs on a database of its own made on the server of --postgres (the user needs CREATEDB) and dropped \
            afterwards. Use a release build (make bench-storage), on a quiet machine: every figure includes the \
            machine's other work.
            """)

    @Option(
        help: ArgumentHelp(
            "A PostgreSQL server to compare with (postgres://USER@HOST[:PORT]/DATABASE).", valueName: "url"))
    var postgres: String?
    @Option(help: "Decisions committed one after another for the latency figure.") var commits = 300
    @Option(help: "Trainees deciding at once (and scan fetches at once).") var concurrency = 64
    @Option(help: "Decisions each trainee makes in the throughput run.") var decisionsPerTrainee = 40
    @Option(help: "Size of the scan fetched, in kB.") var scanKb = 1024
    @Option(help: "Scan fetches for the latency figure.") var fetches = 300

    func validate() throws {
        if let postgres {
            do { _ = try PostgresLocation(parsing: postgres) } catch let error as StorageError {
                throw ValidationError(error.message)
            }
        }
        guard commits >= 10, fetches >= 10 else { throw ValidationError("Give --commits and --fetches of 10 or more.") }
        guard (1...512).contains(concurrency) else { throw ValidationError("Give --concurrency from 1 to 512.") }
        guard decisionsPerTrainee >= 1 else { throw ValidationError("Give --decisions-per-trainee of 1 or more.") }
        guard (1...65_536).contains(scanKb) else { throw ValidationError("Give --scan-kb from 1 to 65536.") }
    }

    func run() async throws {
        #if DEBUG
            printError("warning: this is a debug build; figures are only meaningful from a release build.")
        #endif
        print(
            "Storage benchmark: \(commits) sequential commits, \(concurrency) trainees × \(decisionsPerTrainee) "
                + "decisions, \(scanKb) kB scan × \(fetches) fetches")
        var results: [(String, StorageBenchResult)] = []
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cargosim-bench-\(UUID().uuidString).sqlite"
        ).path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let sqlite = await storageCall(path) { try SQLiteStorage(path: path) }
        results.append(("SQLite", await storageCall(path) { try await measure(sqlite) }))
        if let postgres {
            let name = "cargosim_bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let label = (try? PostgresLocation(parsing: postgres).description) ?? "PostgreSQL"
            let url = await storageCall(label) { try await PostgresStorage.createDatabase(name, onServerOf: postgres) }
            do {
                let storage = try await PostgresStorage(url: url, maximumConnections: min(100, concurrency + 4))
                let result = try await measure(storage)
                storage.close()
                results.append(("PostgreSQL", result))
            } catch {
                try? await PostgresStorage.dropDatabase(name, onServerOf: postgres)
                fail(BundleError(code: "bench.postgres", file: label, message: "\(error)"))
            }
            try? await PostgresStorage.dropDatabase(name, onServerOf: postgres)
        } else {
            print("(no --postgres: SQLite only)")
        }
        print("")
        print(
            "store        commit p50  commit p99  decisions/s (\(concurrency) at once)  scan p50  scan p99  scans MB/s (\(concurrency) at once)"
        )
        for (name, r) in results {
            print(
                name.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + " \(ms(r.commitP50).leftPadded(7)) ms  \(ms(r.commitP99).leftPadded(7)) ms"
                    + "  \(String(format: "%.0f", r.decisionsPerSecond).leftPadded(26))"
                    + "  \(ms(r.fetchP50).leftPadded(5)) ms  \(ms(r.fetchP99).leftPadded(5)) ms"
                    + "  \(String(format: "%.0f", r.fetchMegabytesPerSecond).leftPadded(23))")
        }
    }

    /// The three figures on one store, starting empty.
    func measure(_ storage: any Storage) async throws -> StorageBenchResult {
        let scan = (0..<(scanKb * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let cases = max(8, commits / Stage.allCases.count + 1)
        let course = CourseImport(
            courseId: "bench", title: "Storage benchmark", courseHash: String(repeating: "b", count: 64),
            index: Array("{}".utf8),
            cases: (0..<cases).map { i in
                CaseImport(
                    caseId: "case-\(i)", document: Array("{\"id\":\"case-\(i)\"}".utf8),
                    files: i == 0 ? ["scan.png": scan] : ["scan.png": Array(scan.prefix(1024))], key: Array("{}".utf8))
            })
        let start = Instant(millisecondsSinceEpoch: 1_700_000_000_000)
        _ = try await storage.importCourse(course, at: start)
        let caseIds = course.cases.map(\.caseId)
        var trainees: [(user: Int64, assignment: Int64)] = []
        for i in 0...concurrency {
            let user = try await storage.createUser(
                NewUser(username: "t\(i)", displayName: "T", role: .trainee, language: "en", passwordHash: "x"),
                at: start)
            let assignment = try await storage.createAssignment(
                courseId: "bench", userId: user.id, mode: .training, at: start)
            trainees.append((user.id, assignment.id))
        }
        @Sendable func decision(_ stage: Stage) -> Decision {
            Decision(
                stage: stage, disposition: Disposition.options(at: stage)[0], shownAt: start,
                decidedAt: Instant(millisecondsSinceEpoch: start.millisecondsSinceEpoch + 30_000), clock: .server)
        }

        // (1) One decision at a time: each waits for its commit.
        var commitTimes: [Double] = []
        let (user, assignment) = trainees[concurrency]
        var made = 0
        outer: for caseId in caseIds {
            var before: [Stage] = []
            for stage in Stage.allCases {
                let t0 = monotonicSeconds()
                try await storage.recordDecision(
                    DecisionRecord(assignmentId: assignment, userId: user, caseId: caseId, decision: decision(stage)),
                    decidedBefore: before)
                commitTimes.append(monotonicSeconds() - t0)
                before.append(stage)
                made += 1
                if made == commits { break outer }
            }
        }

        // (2) Trainees deciding at once, each stage after stage, case after case.
        let perTrainee = decisionsPerTrainee
        let t0 = monotonicSeconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (user, assignment) in trainees.prefix(concurrency) {
                group.addTask {
                    var made = 0
                    for caseId in caseIds {
                        var before: [Stage] = []
                        for stage in Stage.allCases {
                            guard made < perTrainee else { return }
                            try await storage.recordDecision(
                                DecisionRecord(
                                    assignmentId: assignment, userId: user, caseId: caseId, decision: decision(stage)),
                                decidedBefore: before)
                            before.append(stage)
                            made += 1
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let decisionsPerSecond =
            Double(min(perTrainee, caseIds.count * Stage.allCases.count) * concurrency)
            / (monotonicSeconds() - t0)

        // (3) The scan, one fetch at a time, then many at once.
        var fetchTimes: [Double] = []
        for _ in 0..<fetches {
            let t0 = monotonicSeconds()
            let bytes = try await storage.caseFile(courseId: "bench", caseId: "case-0", name: "scan.png")
            fetchTimes.append(monotonicSeconds() - t0)
            guard bytes?.count == scan.count else {
                throw StorageError(code: "io", message: "The scan came back with \(bytes?.count ?? 0) bytes.")
            }
        }
        let fetchesAtOnce = max(fetches, concurrency)
        let t1 = monotonicSeconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            let share = fetchesAtOnce / concurrency
            for _ in 0..<concurrency {
                group.addTask {
                    for _ in 0..<share {
                        _ = try await storage.caseFile(courseId: "bench", caseId: "case-0", name: "scan.png")
                    }
                }
            }
            try await group.waitForAll()
        }
        let fetched = Double((fetchesAtOnce / concurrency) * concurrency * scan.count) / 1_048_576
        let megabytesPerSecond = fetched / (monotonicSeconds() - t1)
        return StorageBenchResult(
            commitP50: percentile(commitTimes, 0.5), commitP99: percentile(commitTimes, 0.99),
            decisionsPerSecond: decisionsPerSecond, fetchP50: percentile(fetchTimes, 0.5),
            fetchP99: percentile(fetchTimes, 0.99), fetchMegabytesPerSecond: megabytesPerSecond)
    }

    private func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
    }
}

struct StorageBenchResult: Sendable {
    var commitP50: Double
    var commitP99: Double
    var decisionsPerSecond: Double
    var fetchP50: Double
    var fetchP99: Double
    var fetchMegabytesPerSecond: Double
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
