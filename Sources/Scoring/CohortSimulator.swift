import CargoModel
import Foundation

/// A simulated trainee: how well they tell irregular from clean boxes, how readily they stop a box,
/// how thorough they are, and how much they improve over the course.
public struct SimulatedTrainee: Hashable, Sendable, Codable {
    public var id: String
    /// d′ on the first case.
    public var initialSensitivity: Double
    /// d′ on the last case (learning).
    public var finalSensitivity: Double
    /// Decision criterion on the evidence axis (0 unbiased, negative liberal).
    public var criterion: Double
    /// 0–1: how often they flag the indicators, examine the right points, take custody steps in order.
    public var diligence: Double
    /// Multiplies response times (1 typical).
    public var pace: Double

    public init(
        id: String, initialSensitivity: Double, finalSensitivity: Double, criterion: Double, diligence: Double,
        pace: Double
    ) {
        self.id = id
        self.initialSensitivity = initialSensitivity
        self.finalSensitivity = finalSensitivity
        self.criterion = criterion
        self.diligence = diligence
        self.pace = pace
    }
}

/// Makes plausible attempts for a cohort over a generated course (for tests, the demonstration and the
/// benchmark). Pure: randomness and the start time are passed in.
///
/// Each case is a signal-detection trial: the trainee's evidence is N(+d/2, 1) on an irregular case and
/// N(−d/2, 1) on a clean one, with d the trainee's sensitivity at that point of the course reduced on
/// harder cases (×(1.3 − 0.15 × level)); the box is stopped when the evidence passes the criterion. Every
/// stage of the case is worked (a release at targeting on papers alone does not end the case): the
/// targeting decision follows the red flags the trainee notices, the later ones the evidence, and the
/// details (indicators, marks, points, custody) the trainee's diligence.
public struct CohortSimulator: Sendable {
    public var keys: [AnswerKey]
    public var geometry: [String: ScanGeometry]
    public var courseHash: String
    public var start: Instant

    public init(keys: [AnswerKey], geometry: [String: ScanGeometry] = [:], courseHash: String, start: Instant) {
        self.keys = keys
        self.geometry = geometry
        self.courseHash = courseHash
        self.start = start
    }

    /// `count` trainees of varying skill: d′ from about 0.5 to 3, learning up to +1, criteria around 0.
    public static func trainees(count: Int, prefix: String = "T", using rng: inout some RandomNumberGenerator)
        -> [SimulatedTrainee]
    {
        (0..<count).map { i in
            let start = 0.4 + 2.4 * unit(&rng)
            return SimulatedTrainee(
                id: "\(prefix)\(String(format: "%03d", i + 1))", initialSensitivity: start,
                finalSensitivity: start + unit(&rng), criterion: 0.5 * normal(&rng) - 0.2,
                diligence: 0.4 + 0.6 * unit(&rng), pace: 0.6 + unit(&rng))
        }
    }

    /// One attempt per case, in course order.
    public func attempts(for trainee: SimulatedTrainee, mode: AttemptMode, using rng: inout some RandomNumberGenerator)
        -> [Attempt]
    {
        var clock = start.millisecondsSinceEpoch
        var out: [Attempt] = []
        out.reserveCapacity(keys.count)
        for (i, key) in keys.enumerated() {
            let progress = keys.count > 1 ? Double(i) / Double(keys.count - 1) : 0
            let d =
                (trainee.initialSensitivity + (trainee.finalSensitivity - trainee.initialSensitivity) * progress)
                * max(0.4, 1.3 - 0.15 * Double(key.difficulty.level))
            let evidence = normal(&rng) + (key.irregular ? d / 2 : -d / 2)
            let alarm = evidence > trainee.criterion
            let decisions = decide(key, alarm: alarm, trainee: trainee, clock: &clock, using: &rng)
            out.append(
                Attempt(
                    caseId: key.caseId, courseHash: courseHash, traineeId: trainee.id, mode: mode, decisions: decisions)
            )
            clock += Int64(30_000 + unit(&rng) * 120_000)
        }
        return out
    }

    private func decide(
        _ key: AnswerKey, alarm: Bool, trainee: SimulatedTrainee, clock: inout Int64,
        using rng: inout some RandomNumberGenerator
    ) -> [Decision] {
        let stages = Stage.allCases.filter { key.expectations[$0] != nil }
        var decisions: [Decision] = []
        let good = trainee.diligence
        for stage in stages {
            let shown = Instant(millisecondsSinceEpoch: clock)
            let median: Double = [Stage.targeting: 120, .screening: 60, .examination: 240, .evidence: 150][stage]!
            clock += Int64(1000 * median * trainee.pace * exp(0.5 * normal(&rng)))
            let decided = Instant(millisecondsSinceEpoch: clock)
            let expectation = key.expectations[stage]!
            var disposition: Disposition
            var agency: Agency?
            if stage == .targeting, stages.count > 1 {
                // The documents alone: follow the red flags the trainee notices; the case goes on to the scan.
                if expectation.best != .release, unit(&rng) < 0.2 + good {
                    disposition = expectation.best
                } else {
                    disposition = alarm && unit(&rng) < 0.3 ? .referForScan : .release
                }
            } else if !alarm {
                disposition = .release
            } else if key.irregular {
                disposition =
                    unit(&rng) < 0.5 + 0.5 * good
                    ? expectation.best
                    : (Disposition.options(at: stage).filter { $0 != .release && $0 != .referToAgency }
                        .randomElementOrFirst(&rng))
                if disposition == .referToAgency { agency = expectation.agency ?? .police }
            } else {
                disposition = [
                    Stage.targeting: Disposition.referForScan, .screening: .targetedExamination,
                    .examination: .detain, .evidence: .detain,
                ][stage]!
            }
            var decision = Decision(
                stage: stage, disposition: disposition, agency: agency, shownAt: shown, decidedAt: decided,
                clock: .client)
            switch stage {
            case .targeting:
                decision.flaggedIndicators = key.indicators.map(\.code).filter {
                    $0.stage == .targeting && unit(&rng) < good
                }
                if unit(&rng) < 0.1 {
                    decision.flaggedIndicators.append(RiskIndicator.allCases.randomElementOrFirst(&rng))
                }
                decision.flaggedIndicators = Array(Set(decision.flaggedIndicators)).sorted()
            case .screening:
                decision.flaggedIndicators = key.indicators.map(\.code).filter {
                    $0.stage == .screening && unit(&rng) < good
                }
                if let g = geometry[key.caseId] {
                    if alarm {
                        for region in g.regions where unit(&rng) < 0.3 + 0.6 * good {
                            let b = region.box
                            let jx = (unit(&rng) - 0.5) * 0.3 * b.width, jy = (unit(&rng) - 0.5) * 0.3 * b.height
                            decision.markedRegions.append(
                                MarkedRegion(
                                    scan: region.scan,
                                    shape: .rectangle(
                                        x: max(0, b.x + jx), y: max(0, b.y + jy), width: b.width, height: b.height)))
                        }
                    }
                    if let frame = g.frames.first, unit(&rng) < 0.15 * (1.2 - good) {
                        let w = Double(frame.widthPixels), h = Double(frame.heightPixels)
                        decision.markedRegions.append(
                            MarkedRegion(scan: frame.file, shape: .point(x: unit(&rng) * w, y: unit(&rng) * h)))
                    }
                    // Clamp every rectangle into its scan.
                    decision.markedRegions = decision.markedRegions.map { mark in
                        guard case let .rectangle(x, y, w, h) = mark.shape, let f = g.frame(mark.scan) else {
                            return mark
                        }
                        let fw = Double(f.widthPixels), fh = Double(f.heightPixels)
                        let nx = min(x, fw), ny = min(y, fh)
                        return MarkedRegion(
                            scan: mark.scan,
                            shape: .rectangle(x: nx, y: ny, width: min(w, fw - nx), height: min(h, fh - ny)))
                    }
                }
            case .examination:
                var points = key.examination.essentialPoints.filter { _ in unit(&rng) < 0.5 + 0.5 * good }
                for point in ExaminationPoint.allCases where !points.contains(point) && unit(&rng) < 0.3 {
                    points.append(point)
                }
                decision.examinedPoints = points
                decision.sealFindings = key.sealFindings.filter { _ in unit(&rng) < 0.4 + 0.6 * good }
                if decision.sealFindings.isEmpty { decision.sealFindings = [.intact] }
            case .evidence:
                var steps = key.evidenceSteps
                if !steps.isEmpty, unit(&rng) > good { steps.remove(at: Int(unit(&rng) * Double(steps.count))) }
                if steps.count >= 2, unit(&rng) > 0.3 + good {
                    let i = Int(unit(&rng) * Double(steps.count - 1))
                    steps.swapAt(i, i + 1)
                }
                decision.evidenceSteps = steps
            }
            decisions.append(decision)
            clock += Int64(5000 + unit(&rng) * 20_000)
        }
        return decisions
    }
}

/// A uniform double in [0, 1) from the generator's 53 high bits (the project's own sampler, not the
/// standard library's, whose algorithm may change between toolchains).
@inline(__always)
func unit(_ rng: inout some RandomNumberGenerator) -> Double { Double(rng.next() >> 11) * 0x1.0p-53 }

/// A standard normal draw (Box–Muller).
func normal(_ rng: inout some RandomNumberGenerator) -> Double {
    let u = max(unit(&rng), 0x1.0p-60), v = unit(&rng)
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
}

extension Array {
    fileprivate func randomElementOrFirst(_ rng: inout some RandomNumberGenerator) -> Element {
        self[Swift.min(count - 1, Int(unit(&rng) * Double(count)))]
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small seeded generator for simulations and tests.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
