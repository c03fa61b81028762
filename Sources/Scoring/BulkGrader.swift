import CargoModel

/// Why bulk grading stopped: the line, the field, the value and what to do. Nothing of the file is kept.
public struct BulkGradingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `attempts.read` for a line that cannot be read, `grade.keyMissing` for a case without a key, else the
    /// `GradingError`'s code.
    public var code: String
    /// 1-based line of the attempts file.
    public var line: Int
    public var field: String
    public var value: String
    public var message: String

    public var description: String {
        "line \(line): " + (field.isEmpty ? "" : "\(field): ") + message
            + (value.isEmpty ? "" : " (value: \"\(value)\")")
    }
}

/// What bulk grading gives: the same reports as `aggregate` over the reference grades.
public struct BulkGradingResult: Sendable {
    public var attempts: Int
    public var report: CohortReport
    /// Per trainee (sorted by id): how the attempts stand as certification evidence (repeats, training mode).
    /// The report itself counts every attempt: it is a record of practice, and learning curves need repeats.
    public var evidence: [TraineeEvidence] = []
    /// Signal detection per decision stage, per trainee (by id) and for the cohort (`StageDetection`).
    public var stages: [String: [StageDetection]] = [:]
    public var cohortStages: [StageDetection] = []

    /// The report with each trainee's and the cohort's `byStage` filled in.
    public var reportWithStages: CohortReport {
        var r = report
        for i in r.trainees.indices { r.trainees[i].byStage = stages[r.trainees[i].traineeId] }
        r.cohort.byStage = cohortStages
        return r
    }
}

/// Reads attempts as JSON lines, grades each against its prepared key and adds it to its trainee's tally, in
/// one pass over the bytes: the path that `cargosim report` and `cargosim bench scoring` take through a large
/// attempts file.
///
/// The result equals `aggregate` over the summaries of the reference path (`AttemptLines.decode`, then
/// `grade` for each attempt; a test compares them). A line that cannot be read, a case with no key or an
/// attempt that cannot be graded stops it with an error naming the line: nothing is graded on half-read data.
/// Attempts that the fast path cannot grade are graded the reference way for the precise error.
///
/// - Complexity: O(bytes + attempts × groups); memory O(trainees × groups + items × attempts per item) when
///   item analysis is on.
public struct BulkGrader: Sendable {
    /// One case's key and facts, looked up once per case id.
    final class CaseFacts: Sendable {
        let prepared: PreparedKey
        let regions: ScanGeometry
        /// Whether the key is the one of the case id it was looked up by (else the reference path explains).
        let keyMatches: Bool
        let kind: Int
        let scenario: Int
        let vantage: Int
        let difficulty: Int

        init(
            caseId: String, prepared: PreparedKey, regions: ScanGeometry, vantage: Vantage?, names: inout TallyNames
        ) {
            self.prepared = prepared
            self.regions = regions
            keyMatches = !caseId.isEmpty && caseId == prepared.storage.caseId
            let key = prepared.key
            kind = key.irregular ? key.anomalies.first.map { ordinal($0.kind) } ?? -1 : -1
            scenario = names.scenarios.intern(key.scenario)
            self.vantage = vantage.map { ordinal($0) } ?? -1
            difficulty = names.difficulties.intern("\(key.difficulty.level)")
        }
    }

    /// A case as the grader needs it: its prepared key, its scans with the key regions (`.none`: localisation
    /// is not assessed) and its vantage.
    public struct Case: Sendable {
        public var prepared: PreparedKey
        public var regions: ScanGeometry
        public var vantage: Vantage?

        public init(prepared: PreparedKey, regions: ScanGeometry = .none, vantage: Vantage? = nil) {
            self.prepared = prepared
            self.regions = regions
            self.vantage = vantage
        }
    }

    /// The course the keys belong to; attempts on another course are refused.
    public var courseHash: String?
    public var blockSize: Int
    /// Item analysis keeps one small record per attempt until the end; off, memory does not grow with the file.
    public var itemAnalysis: Bool

    public init(courseHash: String? = nil, blockSize: Int = 10, itemAnalysis: Bool = true) {
        self.courseHash = courseHash
        self.blockSize = blockSize
        self.itemAnalysis = itemAnalysis
    }

    /// Reads, grades and aggregates every attempt of `bytes` (JSON lines of `Attempt`) against keys given by id.
    public func grade(_ bytes: UnsafeBufferPointer<UInt8>, keys: [String: Case]) throws(BulkGradingError)
        -> BulkGradingResult
    {
        do {
            return try grade(bytes) { id, _ in keys[id] }
        } catch let error as BulkGradingError {
            throw error
        } catch {
            fatalError("unreachable: the lookup does not throw")
        }
    }

    /// Reads, grades and aggregates every attempt of `bytes` (JSON lines of `Attempt`).
    ///
    /// - Parameter lookup: the case of a case id (called once per distinct id, with the line it first appears
    ///   on); nil when there is no key for it. What it throws is rethrown as it is.
    /// - Throws: `BulkGradingError` naming the line, or what `lookup` throws.
    public func grade(_ bytes: UnsafeBufferPointer<UInt8>, lookup: (String, Int) throws -> Case?) throws
        -> BulkGradingResult
    {
        var scanner = AttemptScanner(bytes)
        var names = TallyNames()
        /// By interned case id: index into `facts`, or −1 when there is no key.
        var slots: [Int] = []
        /// By interned course hash: whether it is the course's (always true when no course is given).
        var hashMatches: [Bool] = []
        var facts: [CaseFacts] = []
        var tallies: [TraineeTally] = []
        var cohort = TraineeTally(blockSize: blockSize, curve: false)
        /// By fact index: (trainee id, correct) per attempt, in order.
        var outcomes: [[(trainee: Int32, correct: Bool)]] = []
        var count = 0
        /// By interned trainee id: the interned case ids attempted in test mode, training attempts, repeats.
        var testCases: [Set<Int>] = []
        var trainingAttempts: [Int] = [], repeatedLines: [[Int]] = [], repeats: [Int] = []
        /// By interned trainee id, then stage ordinal: the stage's detection counts; and the cohort's.
        var stageCounts: [[DetectionCounts]] = []
        var cohortStageCounts = [DetectionCounts](repeating: DetectionCounts(), count: Stage.allCases.count)
        while true {
            do throws(AttemptReadError) {
                guard try scanner.next() else { break }
            } catch {
                throw BulkGradingError(
                    code: "attempts.read", line: error.line, field: error.field, value: error.value,
                    message: error.message)
            }
            let line = scanner.line
            let caseId = scanner.record.caseId
            while slots.count <= caseId {
                let id = scanner.caseIds.string(slots.count)
                if let found = try lookup(id, line) {
                    slots.append(facts.count)
                    facts.append(
                        CaseFacts(
                            caseId: id, prepared: found.prepared, regions: found.regions, vantage: found.vantage,
                            names: &names))
                    outcomes.append([])
                } else {
                    slots.append(-1)
                }
            }
            let slot = slots[caseId]
            guard slot >= 0 else {
                throw BulkGradingError(
                    code: "grade.keyMissing", line: line, field: "caseId", value: scanner.caseIds.string(caseId),
                    message: "No answer key for this case; give the keys of the course the attempt was made on.")
            }
            // `facts` keeps every fact alive to the end: no retain per line.
            unowned(unsafe) let fact = facts[slot]
            let courseHashId = scanner.record.courseHash
            while hashMatches.count <= courseHashId {
                hashMatches.append(courseHash.map { $0 == scanner.courseHashes.string(hashMatches.count) } ?? true)
            }
            let idsMatch =
                fact.keyMatches && hashMatches[courseHashId] && !scanner.traineeIds.isEmpty(scanner.record.traineeId)
            let figures =
                try (idsMatch ? recordFigures(scanner, fact.prepared.storage, fact.regions) : nil)
                ?? referenceFigures(scanner, fact, line)
            let item = TallyItem(
                figures, kind: fact.kind, scenario: fact.scenario, vantage: fact.vantage, difficulty: fact.difficulty)
            let trainee = scanner.record.traineeId
            if trainee >= tallies.count {
                tallies.append(
                    contentsOf: repeatElement(
                        TraineeTally(blockSize: blockSize), count: trainee + 1 - tallies.count))
            }
            tallies[trainee].add(item)
            cohort.add(item)
            if trainee >= testCases.count {
                let more = trainee + 1 - testCases.count
                testCases += repeatElement([], count: more)
                trainingAttempts += repeatElement(0, count: more)
                repeats += repeatElement(0, count: more)
                repeatedLines += repeatElement([], count: more)
                stageCounts += repeatElement(
                    [DetectionCounts](repeating: DetectionCounts(), count: Stage.allCases.count), count: more)
            }
            for d in scanner.record.decisions {
                let stage = ordinal(d.stage), stopped = d.disposition != .release
                stageCounts[trainee][stage].record(signal: figures.signal, alarm: stopped)
                cohortStageCounts[stage].record(signal: figures.signal, alarm: stopped)
            }
            if scanner.record.mode == .training {
                trainingAttempts[trainee] += 1
            } else if !testCases[trainee].insert(caseId).inserted {
                repeats[trainee] += 1
                if repeatedLines[trainee].count < 10 { repeatedLines[trainee].append(line) }
            }
            if itemAnalysis {
                outcomes[slot].append((Int32(trainee), figures.signal == figures.alarm))
            }
            count += 1
        }

        let traineeIds = scanner.traineeIds
        let order = (0..<tallies.count).sorted { traineeIds.string($0) < traineeIds.string($1) }
        let trainees = order.map { tallies[$0].report(traineeIds.string($0), names: names) }
        var items: [ItemStatistics] = []
        if itemAnalysis {
            let totals = tallies.map { (correct: $0.counts.hits + $0.counts.correctRejections, total: $0.attempts) }
            let itemOrder = facts.indices.sorted { facts[$0].prepared.key.caseId < facts[$1].prepared.key.caseId }
            for index in itemOrder where !outcomes[index].isEmpty {
                let key = facts[index].prepared.key
                items.append(
                    itemStatistics(
                        caseId: key.caseId, scenario: key.scenario,
                        outcomes[index].map { trainee, correct in
                            let t = totals[Int(trainee)]
                            return ItemAttempt(correct: correct, traineeCorrect: t.correct, traineeTotal: t.total)
                        }))
            }
        }
        let evidence = order.map { t in
            TraineeEvidence(
                traineeId: traineeIds.string(t), attempts: tallies[t].attempts, distinctTestCases: testCases[t].count,
                trainingAttempts: trainingAttempts[t], repeatedTestAttempts: repeats[t],
                repeatedLines: repeatedLines[t])
        }
        func detection(_ counts: [DetectionCounts]) -> [StageDetection] {
            zip(Stage.allCases, counts).compactMap { stage, c in
                c.total > 0 ? StageDetection(stage: stage, detection: DetectionStatistics(c)) : nil
            }
        }
        var stages: [String: [StageDetection]] = [:]
        for t in order { stages[traineeIds.string(t)] = detection(stageCounts[t]) }
        return BulkGradingResult(
            attempts: count,
            report: CohortReport(trainees: trainees, cohort: cohort.report("cohort", names: names), items: items),
            evidence: evidence, stages: stages, cohortStages: detection(cohortStageCounts))
    }

    /// The reference path, for its error (or, should the fast path have been too cautious, the grade).
    private func referenceFigures(_ scanner: AttemptScanner, _ fact: CaseFacts, _ line: Int) throws(BulkGradingError)
        -> GradeFigures
    {
        do throws(GradingError) {
            return GradeFigures(
                try Scoring.grade(
                    scanner.attempt(), against: fact.prepared, regions: fact.regions, courseHash: courseHash))
        } catch {
            throw BulkGradingError(
                code: error.code, line: line, field: error.field, value: error.value, message: error.message)
        }
    }
}
