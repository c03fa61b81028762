import CaseGeneration
import Foundation
import Testing

@Suite struct LogisticRegressionTests {
    @Test func theAreaUnderTheCurveCountsPairsAndHalfTies() {
        #expect(areaUnderROC(scores: [0.1, 0.2, 0.8, 0.9], labels: [false, false, true, true]) == 1)
        #expect(areaUnderROC(scores: [0.9, 0.8, 0.2, 0.1], labels: [false, false, true, true]) == 0)
        #expect(areaUnderROC(scores: [0.5, 0.5, 0.5, 0.5], labels: [false, true, false, true]) == 0.5)
        // Positives 0.4 and 0.7 against negatives 0.1 and 0.4: pairs won 1 + 0.5 + 1 + 1 = 3.5 of 4.
        #expect(areaUnderROC(scores: [0.1, 0.4, 0.4, 0.7], labels: [false, false, true, true]) == 0.875)
        #expect(areaUnderROC(scores: [0.3], labels: [true]) == 0.5)
    }

    /// Data drawn from a known logistic model: the fit finds its signs and about its sizes, and ranks held-out
    /// cases about as well as the true model does.
    @Test func theFitRecoversAKnownModel() {
        var random = TestRandom(seed: 42)
        func unit() -> Double { Double(random.next() >> 11) * 0x1.0p-53 }
        let truth = [1.5, -2.0, 0.0, 0.8]
        var rows: [SparseRow] = []
        var labels: [Bool] = []
        var trueScores: [Double] = []
        for _ in 0..<4000 {
            let x = [unit() < 0.3 ? 1.0 : 0, unit() < 0.5 ? 1.0 : 0, unit() < 0.5 ? 1.0 : 0, unit() * 2 - 1]
            let z = -0.2 + zip(truth, x).reduce(0) { $0 + $1.0 * $1.1 }
            let p = 1 / (1 + exp(-z))
            let columns = x.indices.filter { x[$0] != 0 }
            rows.append(SparseRow(columns: columns, values: columns.map { x[$0] }))
            labels.append(unit() < p)
            trueScores.append(p)
        }
        let model = LogisticRegression(
            rows: Array(rows.prefix(2000)), labels: Array(labels.prefix(2000)), columns: 4, penalty: 0.1)
        #expect(abs(model.weights[0] - 1.5) < 0.35, "\(model.weights)")
        #expect(abs(model.weights[1] + 2.0) < 0.35, "\(model.weights)")
        #expect(abs(model.weights[2]) < 0.3, "\(model.weights)")
        #expect(abs(model.weights[3] - 0.8) < 0.35, "\(model.weights)")
        let fitted = rows.suffix(2000).map(model.probability)
        let held = Array(labels.suffix(2000))
        let best = areaUnderROC(scores: Array(trueScores.suffix(2000)), labels: held)
        #expect(abs(areaUnderROC(scores: fitted, labels: held) - best) < 0.02)
    }

    @Test func aPerfectlySeparatingFeatureIsHeldBackByThePenalty() {
        let rows = (0..<200).map { i in
            i % 2 == 0 ? SparseRow(columns: [0], values: [1]) : SparseRow(columns: [], values: [])
        }
        let labels = (0..<200).map { $0 % 2 == 0 }
        let model = LogisticRegression(rows: rows, labels: labels, columns: 1, penalty: 1)
        #expect(model.weights[0].isFinite && model.weights[0] > 3 && model.weights[0] < 30)
        #expect(model.probability(rows[0]) > 0.9 && model.probability(rows[1]) < 0.1)
    }
}
