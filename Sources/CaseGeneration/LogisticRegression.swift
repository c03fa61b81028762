/// A sparse row of a design matrix: the column indices with a non-zero value, and the values.
public struct SparseRow: Sendable, Hashable {
    public var columns: [Int]
    public var values: [Double]

    public init(columns: [Int], values: [Double]) {
        self.columns = columns
        self.values = values
    }
}

/// L2-penalised logistic regression fitted by Newton's method (iteratively reweighted least squares).
///
/// Small and exact enough to measure how predictable a course is: a few hundred features and a few
/// thousand rows. Each Newton step forms the d × d Hessian from the sparse rows (O(n · k²) for k
/// non-zeros per row) and solves it by Cholesky (O(d³)). The intercept is not penalised. Deterministic:
/// no random start, no shuffling.
public struct LogisticRegression: Sendable {
    /// The intercept.
    public private(set) var bias = 0.0
    /// One weight per column.
    public private(set) var weights: [Double]

    /// Fits the model to `rows` (with `columns` columns) and labels `y` (true = 1).
    ///
    /// - Parameters:
    ///   - penalty: λ of the penalty λ/2 · |w|² (the intercept is not penalised).
    ///   - iterations: the most Newton steps; it stops earlier when no weight moves by more than 1e-8.
    public init(rows: [SparseRow], labels y: [Bool], columns: Int, penalty: Double = 1, iterations: Int = 30) {
        precondition(rows.count == y.count, "one label per row")
        let d = columns + 1  // the last column is the intercept
        var w = [Double](repeating: 0, count: d)
        for _ in 0..<iterations {
            var gradient = [Double](repeating: 0, count: d)
            var hessian = [Double](repeating: 0, count: d * d)
            for (row, label) in zip(rows, y) {
                var z = w[d - 1]
                for (j, v) in zip(row.columns, row.values) { z += w[j] * v }
                let p = sigmoid(z)
                let r = (label ? 1 : 0) - p
                let s = max(p * (1 - p), 1e-12)
                gradient[d - 1] += r
                hessian[(d - 1) * d + d - 1] += s
                for (a, (j, v)) in zip(row.columns.indices, zip(row.columns, row.values)) {
                    gradient[j] += r * v
                    hessian[j * d + d - 1] += s * v
                    hessian[(d - 1) * d + j] += s * v
                    for b in row.columns.indices[..<(a + 1)] {
                        let k = row.columns[b]
                        let h = s * v * row.values[b]
                        hessian[j * d + k] += h
                        if k != j { hessian[k * d + j] += h }
                    }
                }
            }
            for j in 0..<(d - 1) {
                gradient[j] -= penalty * w[j]
                hessian[j * d + j] += penalty
            }
            hessian[(d - 1) * d + d - 1] += 1e-9
            guard let step = solveSymmetricPositiveDefinite(hessian, gradient, size: d) else { break }
            var largest = 0.0
            for j in 0..<d {
                w[j] += step[j]
                largest = max(largest, abs(step[j]))
            }
            if largest < 1e-8 { break }
        }
        bias = w[d - 1]
        weights = Array(w[0..<(d - 1)])
    }

    /// The probability that `row` is a positive (true) case.
    public func probability(_ row: SparseRow) -> Double {
        var z = bias
        for (j, v) in zip(row.columns, row.values) where j < weights.count { z += weights[j] * v }
        return sigmoid(z)
    }
}

@inline(__always) func sigmoid(_ z: Double) -> Double {
    z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
}

/// Solves A x = b for a symmetric positive definite A (row-major, `size` × `size`) by Cholesky; nil when A
/// is not positive definite.
func solveSymmetricPositiveDefinite(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
        for j in 0...i {
            var sum = a[i * n + j]
            for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
            if i == j {
                guard sum > 0 else { return nil }
                l[i * n + i] = sum.squareRoot()
            } else {
                l[i * n + j] = sum / l[j * n + j]
            }
        }
    }
    var y = [Double](repeating: 0, count: n)
    for i in 0..<n {
        var sum = b[i]
        for k in 0..<i { sum -= l[i * n + k] * y[k] }
        y[i] = sum / l[i * n + i]
    }
    var x = [Double](repeating: 0, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
        var sum = y[i]
        for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
        x[i] = sum / l[i * n + i]
    }
    return x
}

/// The area under the ROC curve of `scores` for `labels` (true = positive): the probability that a random
/// positive scores above a random negative, ties counting half (Mann–Whitney U / (n₊ n₋)). 0.5 when either
/// class is empty. O(n log n).
public func areaUnderROC(scores: [Double], labels: [Bool]) -> Double {
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var rankSumPositive = 0.0
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
        let rank = Double(i + j) / 2 + 1  // mean rank of the tie group, 1-based
        for k in i...j where labels[order[k]] { rankSumPositive += rank }
        i = j + 1
    }
    let positives = Double(labels.filter { $0 }.count)
    let negatives = Double(labels.count) - positives
    guard positives > 0, negatives > 0 else { return 0.5 }
    return (rankSumPositive - positives * (positives + 1) / 2) / (positives * negatives)
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif
