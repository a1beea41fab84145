import Foundation

/// Losses (formulas on `LossFunction`), accuracy counts and sums. Predictions and targets are
/// [N, K]; each row is one work item and its sums run in Double.
extension CPUBackend {
    public func loss(_ f: LossFunction, prediction: Tensor, target: Tensor,
                     perSampleLoss: Tensor, gradient: Tensor) throws {
        let (n, k) = rowsAndColumns(prediction, target)
        precondition(perSampleLoss.count == n, "per-sample loss has \(perSampleLoss.count) elements, want \(n)")
        precondition(gradient.count == n * k, "loss gradient has \(gradient.count) elements, want \(n * k)")
        let p = pointer(prediction), t = pointer(target), l = pointer(perSampleLoss), g = pointer(gradient)
        parallelFor(n, grain: 16) { row in
            let pr = p + row * k, tr = t + row * k, gr = g + row * k
            l[row] = Float(Self.rowLoss(f, pr, tr, gr, k: k, batch: n))
        }
    }

    /// One row's loss; writes the row's gradient of the batch mean.
    private static func rowLoss(_ f: LossFunction, _ p: UnsafePointer<Float>, _ t: UnsafePointer<Float>,
                                _ g: UnsafeMutablePointer<Float>, k: Int, batch: Int) -> Double {
        let nk = Double(batch * k)
        var sum = 0.0
        switch f {
        case .softmaxCrossEntropy:
            var targetSum = 0.0, targetDot = 0.0
            for i in 0..<k {
                targetSum += Double(t[i])
                targetDot += Double(t[i]) * Double(p[i])
            }
            let (top, expSum) = softmaxRow(p, k) { i, softmax in
                g[i] = Float((softmax * targetSum - Double(t[i])) / Double(batch))
            }
            return top + log(expSum) - targetDot
        case .binaryCrossEntropy:
            for i in 0..<k {
                let x = Double(p[i]), y = Double(t[i])
                sum += max(x, 0) - x * y + log1p(exp(-abs(x)))
                let sigmoid = x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
                g[i] = Float((sigmoid - y) / nk)
            }
        case .meanSquaredError:
            for i in 0..<k {
                let d = Double(p[i]) - Double(t[i])
                sum += d * d
                g[i] = Float(2 * d / nk)
            }
        case .meanAbsoluteError:
            for i in 0..<k {
                let d = Double(p[i]) - Double(t[i])
                sum += abs(d)
                g[i] = Float((d > 0 ? 1 : d < 0 ? -1 : 0) / nk)
            }
        case .hinge:
            for i in 0..<k {
                let s: Double = t[i] > 0 ? 1 : -1
                let margin = 1 - s * Double(p[i])
                sum += max(0, margin)
                g[i] = Float((margin > 0 ? -s : 0) / nk)
            }
        }
        return sum / Double(k)
    }

    public func countCorrect(prediction: Tensor, target: Tensor, correct: Tensor) throws {
        let (n, k) = rowsAndColumns(prediction, target)
        precondition(correct.count == n, "correct has \(correct.count) elements, want \(n)")
        let p = pointer(prediction), t = pointer(target), out = pointer(correct)
        parallelFor(n, grain: 64) { row in
            let agree = k == 1
                ? (p[row] > 0) == (t[row] > 0.5)
                : Self.argmax(p + row * k, k) == Self.argmax(t + row * k, k)
            out[row] = agree ? 1 : 0
        }
    }

    public func sum(_ x: Tensor, into out: Tensor) throws {
        precondition(out.count >= 1, "sum needs an output element")
        let px = pointer(x)
        var total = 0.0
        for i in 0..<x.count { total += Double(px[i]) }
        pointer(out)[0] = Float(total)
    }

    /// First index of the largest value.
    private static func argmax(_ x: UnsafePointer<Float>, _ k: Int) -> Int {
        var best = 0
        for i in 1..<k where x[i] > x[best] { best = i }
        return best
    }

    /// [N, K] for a prediction of shape [N, …] and a target of the same count.
    private func rowsAndColumns(_ prediction: Tensor, _ target: Tensor) -> (Int, Int) {
        precondition(prediction.count == target.count,
                     "prediction \(prediction.shape) and target \(target.shape) differ in size")
        precondition(prediction.shape.rank >= 1 && prediction.shape[0] > 0 && prediction.count > 0,
                     "prediction \(prediction.shape) needs a batch dimension")
        let n = prediction.shape[0]
        return (n, prediction.count / n)
    }
}
