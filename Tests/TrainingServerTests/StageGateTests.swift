import CargoModel
import Testing

@testable import TrainingServer

@Suite struct StageGateTests {
    @Test func aStageOpensOnlyWhenThePreviousOneIsDecided() {
        var gate = StageGate(stages: Stage.allCases, decided: [])
        #expect(gate.current == .targeting)
        #expect(gate.isOpen(.targeting) && !gate.isOpen(.screening) && !gate.isOpen(.evidence))
        #expect(gate.decide(.screening) == .notOpen)
        #expect(gate.decide(.targeting) == .accepted(next: .screening))
        #expect(gate.isOpen(.screening) && !gate.isOpen(.examination))
        #expect(gate.decide(.targeting) == .alreadyDecided)
        #expect(gate.decide(.screening) == .accepted(next: .examination))
        #expect(gate.decide(.examination) == .accepted(next: .evidence))
        #expect(!gate.isFinished)
        #expect(gate.decide(.evidence) == .accepted(next: nil))
        #expect(gate.isFinished && gate.current == nil)
    }

    @Test func aCaseThatStopsEarlyHasNoLaterStages() {
        var gate = StageGate(stages: [.targeting, .screening], decided: [.targeting])
        #expect(gate.decide(.examination) == .notOpen)
        #expect(!gate.isOpen(.examination))
        #expect(gate.decide(.screening) == .accepted(next: nil))
        #expect(gate.isFinished)
    }

    @Test func onlyTheInOrderPrefixOfDecisionsCounts() {
        let gate = StageGate(stages: Stage.allCases, decided: [.targeting, .examination])
        #expect(gate.decided == [.targeting])
        #expect(gate.current == .screening)
    }

    /// Seeded walk: whatever stages are tried in whatever order, the decided stages stay a prefix of the
    /// case's stages and a stage is accepted exactly when it is the current one.
    @Test func randomWalksKeepTheInvariants() {
        var state: UInt64 = 0x5EED_0001
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        for _ in 0..<500 {
            let count = 1 + next(4)
            var gate = StageGate(stages: Array(Stage.allCases.prefix(count)), decided: [])
            for _ in 0..<10 {
                let stage = Stage.allCases[next(4)]
                let current = gate.current
                let step = gate.decide(stage)
                if stage == current {
                    #expect(step == .accepted(next: gate.current))
                } else if case .accepted = step {
                    Issue.record("\(stage) was accepted while \(String(describing: current)) was current")
                }
                #expect(Array(gate.stages.prefix(gate.decided.count)) == gate.decided)
            }
        }
    }
}
