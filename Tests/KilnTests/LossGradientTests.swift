import Testing
import KilnCheck
@testable import Kiln

/// Each loss: the gradient the backend returns against central differences of the batch
/// mean loss, and stability for huge logits. h = 1e-2 on values ±[0.1, 1] (away from the
/// kinks of MAE and hinge for these draws); normalised RMS ≤ 1e-2 (see `GradientCheck`).
@Suite("Loss gradients")
struct LossGradientTests {
    let backend = CPUBackend()

    func targets(_ f: LossFunction, n: Int, k: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        switch f {
        case .softmaxCrossEntropy:
            var t = [Float](repeating: 0, count: n * k)
            for row in 0..<n { t[row * k + rng.nextInt(below: k)] = 1 }
            return t
        case .hinge:
            return (0..<n * k).map { _ in rng.nextUniform() < 0.5 ? 0 : 1 }
        case .binaryCrossEntropy:
            return (0..<n * k).map { _ in rng.nextUniform() }
        case .meanSquaredError, .meanAbsoluteError:
            return GradientCheck.awayFromZero(n * k, seed: seed)
        }
    }

    func meanLoss(_ f: LossFunction, _ p: [Float], _ t: [Float], n: Int, k: Int) throws -> (Double, [Float]) {
        let pt = try backend.makeTensor([n, k], values: p), tt = try backend.makeTensor([n, k], values: t)
        let l = try backend.makeTensor([n]), g = try backend.makeTensor([n, k])
        try backend.loss(f, prediction: pt, target: tt, perSampleLoss: l, gradient: g)
        let losses = try backend.download(l)
        return (losses.reduce(0.0) { $0 + Double($1) } / Double(n), try backend.download(g))
    }

    @Test(arguments: LossFunction.allCases)
    func gradientMatchesCentralDifferences(_ f: LossFunction) throws {
        let (n, k) = (4, f == .binaryCrossEntropy ? 3 : 5)
        // Hinge and MAE have kinks: shift predictions so no |s·p − 1| or |p − t| is below h.
        var p = GradientCheck.awayFromZero(n * k, seed: 3).map { $0 * 2 }
        let t = targets(f, n: n, k: k, seed: 5)
        if f == .hinge { p = p.map { abs(abs($0) - 1) < 0.05 ? $0 + 0.2 : $0 } }
        if f == .meanAbsoluteError { p = zip(p, t).map { abs($0 - $1) < 0.05 ? $0 + 0.2 : $0 } }
        let (_, analytic) = try meanLoss(f, p, t, n: n, k: k)
        let h: Float = 1e-2
        var numeric = [Float](repeating: 0, count: p.count)
        for i in p.indices {
            var pp = p, pm = p
            pp[i] += h; pm[i] -= h
            numeric[i] = Float((try meanLoss(f, pp, t, n: n, k: k).0 - meanLoss(f, pm, t, n: n, k: k).0) / Double(2 * h))
        }
        let c = Comparison(analytic, numeric)
        #expect(c.passes(rms: 1e-2), "\(f): \(c)")
    }

    @Test func softmaxCrossEntropyIsStableForHugeLogits() throws {
        let p: [Float] = [1e4, -1e4, 0, 5e3, 1e4 + 1, 0]
        let t: [Float] = [1, 0, 0, 0, 1, 0]
        let (loss, g) = try meanLoss(.softmaxCrossEntropy, p, t, n: 2, k: 3)
        // Row 0: the target holds the max, loss = log(1 + e^-1e4 + e^-2e4) ≈ 0.
        // Row 1: logsumexp ≈ 1e4 + 1, target logit 1e4 + 1 → ≈ 0 as well.
        #expect(loss.isFinite && abs(loss) < 1e-6)
        #expect(g.allSatisfy { $0.isFinite })
    }

    @Test func binaryCrossEntropyIsStableForHugeLogits() throws {
        let (loss, g) = try meanLoss(.binaryCrossEntropy, [1e4, -1e4], [0, 1], n: 1, k: 2)
        // Each term is max(p,0) − p·t + log(1 + e^−|p|) = 1e4: mean over K = 1e4.
        #expect(abs(loss - 1e4) < 1)
        #expect(g == [0.5, -0.5])
    }
}
