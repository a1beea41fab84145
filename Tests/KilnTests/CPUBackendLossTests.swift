import Foundation
import Testing
import Kiln
import KilnCheck

@Suite struct CPUBackendLossTests {
    /// ℓ for one row straight from the definitions on `LossFunction`, in Double (no
    /// max-subtraction tricks: inputs here are moderate).
    static func rowLoss(_ f: LossFunction, _ p: [Double], _ t: [Double]) -> Double {
        let k = Double(p.count)
        switch f {
        case .softmaxCrossEntropy:
            let z = p.map(exp).reduce(0, +)
            return -zip(p, t).reduce(0) { $0 + $1.1 * log(exp($1.0) / z) }
        case .binaryCrossEntropy:
            return zip(p, t).reduce(0) { acc, pt in
                let s = 1 / (1 + exp(-pt.0))
                return acc - (pt.1 * log(s) + (1 - pt.1) * log(1 - s))
            } / k
        case .meanSquaredError: return zip(p, t).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / k
        case .meanAbsoluteError: return zip(p, t).reduce(0) { $0 + abs($1.0 - $1.1) } / k
        case .hinge: return zip(p, t).reduce(0) { $0 + max(0, 1 - ($1.1 > 0 ? 1 : -1) * $1.0) } / k
        }
    }

    static func targets(_ f: LossFunction, _ fixture: inout Fixture, n: Int, k: Int) -> [Float] {
        switch f {
        case .softmaxCrossEntropy:   // one-hot rows, plus one soft row
            var t = [Float](repeating: 0, count: n * k)
            for row in 0..<n { t[row * k + fixture.rng.nextInt(below: k)] = 1 }
            for i in 0..<k { t[i] = 1 / Float(k) }
            return t
        case .binaryCrossEntropy: return fixture.values(n * k, in: 0...1)
        case .hinge: return (0..<(n * k)).map { _ in fixture.rng.nextInt(below: 2) == 0 ? 0 : 1 }
        case .meanSquaredError, .meanAbsoluteError: return fixture.values(n * k)
        }
    }

    /// Losses: Double results rounded once (4ε, absolute 1e-7 for near-zero hinge rows).
    /// Gradients: against central differences (h = 1e-5) of the Double batch mean —
    /// truncation ~1e-10, kinks of |·| and max(0, ·) are not hit by random inputs → 1e-6.
    @Test(arguments: LossFunction.allCases)
    func matchesDefinitionAndNumericalGradient(_ fn: LossFunction) throws {
        var f = Fixture()
        let n = 5, k = 7
        let pv = f.values(n * k, in: -3...3), tv = Self.targets(fn, &f, n: n, k: k)
        let loss = try f.poisoned([n]), grad = try f.poisoned([n, k])
        try f.backend.loss(fn, prediction: try f.tensor([n, k], pv), target: try f.tensor([n, k], tv),
                           perSampleLoss: loss, gradient: grad)
        let pd = pv.map(Double.init), td = tv.map(Double.init)
        func row(_ p: [Double], _ r: Int) -> Double { Self.rowLoss(fn, Array(p[(r * k)..<((r + 1) * k)]), Array(td[(r * k)..<((r + 1) * k)])) }
        expectClose(try f.read(loss), (0..<n).map { Float(row(pd, $0)) }, rms: 4 * eps, absolute: 1e-7, "\(fn) loss")
        let h = 1e-5
        let numerical = (0..<(n * k)).map { i -> Float in
            var plus = pd, minus = pd
            plus[i] += h; minus[i] -= h
            let r = i / k
            return Float((row(plus, r) - row(minus, r)) / (2 * h) / Double(n))
        }
        expectClose(try f.read(grad), numerical, rms: 1e-6, absolute: 1e-8, "\(fn) gradient")
    }

    @Test func crossEntropyKnownRowAndHugeLogits() throws {
        // Row 1: logits [1, 2, 3], class 0: ℓ = log(e + e² + e³) − 1 = 2.407605964;
        //   gradient (N = 2) = (softmax − t)/2 = [(0.090030573 − 1)/2, 0.244728471/2, 0.665240956/2].
        // Row 2: logits [1e4, 0, −1e4], class 1: ℓ = 1e4 (exactly, to float precision);
        //   gradient = ([1, 0, 0] − [0, 1, 0])/2. A naive exp would overflow to inf/NaN.
        let b = CPUBackend()
        let loss = try b.makeTensor([2]), grad = try b.makeTensor([2, 3])
        try b.loss(.softmaxCrossEntropy, prediction: try b.makeTensor([2, 3], values: [1, 2, 3, 1e4, 0, -1e4]),
                   target: try b.makeTensor([2, 3], values: [1, 0, 0, 0, 1, 0]), perSampleLoss: loss, gradient: grad)
        expectElementwise(try b.download(loss), [2.407605964, 1e4], relative: 1e-6, "loss")
        expectElementwise(try b.download(grad), [-0.454984714, 0.122364236, 0.332620478, 0.5, -0.5, 0],
                          absolute: 1e-9, relative: 1e-6, "gradient")
    }

    @Test func countCorrectUsesFirstArgmaxAndLogitSign() throws {
        let b = CPUBackend()
        let correct = try b.makeTensor([3])
        // Row 0: tie between 0 and 2 → 0, target 0: correct. Row 1: argmax 1 vs target 2. Row 2: argmax 2.
        try b.countCorrect(prediction: try b.makeTensor([3, 3], values: [5, 1, 5, 0, 9, 1, 0, 1, 2]),
                           target: try b.makeTensor([3, 3], values: [1, 0, 0, 0, 0, 1, 0, 0, 1]), correct: correct)
        #expect(try b.download(correct) == [1, 0, 1])
        let binary = try b.makeTensor([4])
        try b.countCorrect(prediction: try b.makeTensor([4, 1], values: [0.3, -2, 0, 5]),
                           target: try b.makeTensor([4, 1], values: [1, 0, 1, 0]), correct: binary)
        #expect(try b.download(binary) == [1, 1, 0, 0])
    }

    @Test func sumAccumulatesInDouble() throws {
        // 1 + 1e-8 · 100 000: a Float running sum would stay at 1; the Double one gives 1.001.
        let b = CPUBackend()
        let out = try b.makeTensor([1])
        try b.sum(try b.makeTensor([100_001], values: [1] + [Float](repeating: 1e-8, count: 100_000)), into: out)
        expectElementwise(try b.download(out), [1.001], relative: 1e-7, "sum")
    }
}

extension LossFunction: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}
