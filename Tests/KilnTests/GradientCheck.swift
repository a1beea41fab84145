import Testing
import KilnCheck
@testable import Kiln

/// Central-difference gradient checking on the CPU reference backend.
///
/// The objective is L = Σ r ⊙ f(x) for a fixed random r, so dL/dy = r and the analytic
/// gradients come from one `backward(r)`. Each numerical derivative is
/// (L(θ + h) − L(θ − h)) / 2h, with L summed in Double from float32 outputs. With h = 1e-2
/// the truncation error is O(h²·f''') and the rounding error about ε·|L|/h, so we bound the
/// normalised RMS error over all checked elements by 2e-2 (ReLU-like kinks are avoided by
/// keeping inputs away from 0; max-pool ties cannot happen with continuous random inputs).
struct GradientCheck {
    let model: Sequential
    let backend = CPUBackend()
    let inputShape: Shape
    var h: Float = 1e-2
    var tolerance = 2e-2
    /// Max pooling compares inputs: a near-tie closer than 2h flips the winner inside the
    /// difference. With `distinct`, inputs are a shuffled even grid over ±[0.1, 1] whose
    /// spacing is kept above 2h.
    var distinct = false

    init(inputShape: Shape, seed: UInt64 = 7, @LayerBuilder _ layers: () throws -> [any Layer]) throws {
        self.inputShape = inputShape
        model = try Sequential(input: inputShape.sampleShape, layers)
        try model.compile(backend: backend, optimizer: SGD(), loss: .meanSquaredError, seed: seed)
    }

    /// Inputs drawn uniformly from ±[0.1, 1] so no element sits on a ReLU kink.
    static func awayFromZero(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let m = 0.1 + 0.9 * rng.nextUniform()
            return rng.nextUniform() < 0.5 ? -m : m
        }
    }

    /// `count` values evenly spaced over [0.1, 1] with random signs, shuffled.
    static func distinctGrid(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var v = (0..<count).map { 0.1 + 0.9 * Float($0) / Float(max(count - 1, 1)) }
        v = v.map { rng.nextUniform() < 0.5 ? -$0 : $0 }
        rng.shuffle(&v)
        return v
    }

    private func objective(_ x: [Float], _ r: [Float]) throws -> Double {
        let input = try backend.makeTensor(inputShape, values: x)
        let y = try backend.download(try model.forward(input, mode: .training))
        return zip(y, r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Checks d/dx and d/dθ for every input element and every parameter element.
    func run(inputSeed: UInt64 = 11) throws {
        let state = try #require(model.compiled)
        let x = distinct ? Self.distinctGrid(inputShape.count, seed: inputSeed) : Self.awayFromZero(inputShape.count, seed: inputSeed)
        let outCount = inputShape[0] * model.outputShape.count
        let r = Self.awayFromZero(outCount, seed: inputSeed + 1)

        // Analytic.
        let input = try backend.makeTensor(inputShape, values: x)
        let y = try model.forward(input, mode: .training)
        let dy = try backend.makeTensor(y.shape, values: r)
        try backend.fill(state.parameters.gradients, with: 0)
        let dxTensor = try model.stack.backward(dy, model.context(.training), needInputGradient: true)
        let dx = try backend.download(try #require(dxTensor))
        let dtheta = try backend.download(state.parameters.gradients)

        // Numerical, inputs.
        var numericX = [Float](repeating: 0, count: x.count)
        for i in x.indices {
            var xp = x, xm = x
            xp[i] += h; xm[i] -= h
            numericX[i] = Float((try objective(xp, r) - objective(xm, r)) / Double(2 * h))
        }
        let cx = Comparison(dx, numericX)
        #expect(cx.passes(rms: tolerance, absolute: 1e-4), "input gradient: \(cx)")

        // Numerical, parameters.
        let theta = try backend.download(state.parameters.values)
        var numericTheta = [Float](repeating: 0, count: theta.count)
        for i in theta.indices {
            var tp = theta, tm = theta
            tp[i] += h; tm[i] -= h
            try backend.upload(tp, to: state.parameters.values)
            let lp = try objective(x, r)
            try backend.upload(tm, to: state.parameters.values)
            let lm = try objective(x, r)
            numericTheta[i] = Float((lp - lm) / Double(2 * h))
        }
        try backend.upload(theta, to: state.parameters.values)
        if !theta.isEmpty {
            let ct = Comparison(dtheta, numericTheta)
            #expect(ct.passes(rms: tolerance, absolute: 1e-4), "parameter gradient: \(ct)")
        }
    }
}
