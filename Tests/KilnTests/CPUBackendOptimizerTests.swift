import Testing
import Kiln

/// First steps on three elements, worked from the formula on `OptimizerUpdate` by hand:
/// w = [0.5, −1, 2], g = [0.1, 0.2, −0.3], decay mask d = [1, 1, 0] (the third element is a
/// bias: no L1, L2 or weight decay). Tolerance 1e-6 relative: a handful of float32
/// operations away from the exact values.
@Suite struct CPUBackendOptimizerTests {
    let w: [Float] = [0.5, -1, 2], g: [Float] = [0.1, 0.2, -0.3], d: [Float] = [1, 1, 0]

    /// Runs one step; returns (params, state1, state2). Grads must come back unchanged.
    func step(_ u: OptimizerUpdate, m: [Float] = [0, 0, 0], v: [Float] = [0, 0, 0]) throws -> ([Float], [Float], [Float]) {
        let b = CPUBackend()
        let params = try b.makeTensor([3], values: w), grads = try b.makeTensor([3], values: g)
        let s1 = try b.makeTensor([3], values: m), s2 = try b.makeTensor([3], values: v)
        try b.optimizerStep(u, params: params, grads: grads, decayMask: try b.makeTensor([3], values: d), state1: s1, state2: s2)
        #expect(try b.download(grads) == g, "gradients are an input")
        return (try b.download(params), try b.download(s1), try b.download(s2))
    }

    @Test func sgdWithL2() throws {
        // g' = g + d·2·0.01·w = [0.11, 0.18, −0.3];  w − 0.1·g' = [0.489, −1.018, 2.03]
        var u = OptimizerUpdate(kind: .sgd, learningRate: 0.1)
        u.l2 = 0.01
        let (p, s1, _) = try step(u, m: [9, 9, 9])
        expectElementwise(p, [0.489, -1.018, 2.03], relative: 1e-6, "params")
        #expect(s1 == [9, 9, 9], "no momentum: state untouched")
    }

    @Test func sgdNesterovWithL1() throws {
        // g' = g + d·0.01·sign(w) = [0.11, 0.19, −0.3]; m = 0.9·[0.1, 0, −0.2] − 0.1·g' = [0.079, −0.019, −0.15]
        // w + 0.9·m − 0.1·g' = [0.5601, −1.0361, 1.895]
        var u = OptimizerUpdate(kind: .sgd, learningRate: 0.1)
        u.momentum = 0.9; u.nesterov = true; u.l1 = 0.01
        let (p, s1, _) = try step(u, m: [0.1, 0, -0.2])
        expectElementwise(p, [0.5601, -1.0361, 1.895], relative: 1e-6, "params")
        expectElementwise(s1, [0.079, -0.019, -0.15], relative: 1e-6, "momentum")
    }

    @Test func sgdMomentum() throws {
        // Same m as above; w + m = [0.579, −1.019, 1.85]
        var u = OptimizerUpdate(kind: .sgd, learningRate: 0.1)
        u.momentum = 0.9; u.l1 = 0.01
        let (p, _, _) = try step(u, m: [0.1, 0, -0.2])
        expectElementwise(p, [0.579, -1.019, 1.85], relative: 1e-6, "params")
    }

    @Test func adagrad() throws {
        // m = [0.1, 0.2, 0.3] + g² = [0.11, 0.24, 0.39]; w − 0.1·g/(√m + 1e-7)
        let (p, s1, _) = try step(OptimizerUpdate(kind: .adagrad, learningRate: 0.1), m: [0.1, 0.2, 0.3])
        expectElementwise(s1, [0.11, 0.24, 0.39], relative: 1e-6, "accumulator")
        expectElementwise(p, [0.469848875, -1.040824821, 2.048038438], relative: 1e-6, "params")
    }

    @Test func rmsprop() throws {
        // m = 0.9·[0.1, 0, 0.3] + 0.1·g² = [0.091, 0.004, 0.279]; w − 0.01·g/(√m + 1e-7)
        let (p, s1, _) = try step(OptimizerUpdate(kind: .rmsprop, learningRate: 0.01), m: [0.1, 0, 0.3])
        expectElementwise(s1, [0.091, 0.004, 0.279], relative: 1e-6, "mean square")
        expectElementwise(p, [0.496685033, -1.031622727, 2.005679617], relative: 1e-6, "params")
    }

    @Test func adamWithDecoupledWeightDecay() throws {
        // Step 1: c1 = 0.1, c2 = 0.001. m = 0.1·g, v = 0.001·g², so m/c1 = g and v/c2 = g²:
        // w − 0.01·g/(|g| + 1e-7) − 0.01·0.1·d·w = [0.48950001, −1.008999995, 2.009999997]
        // (the masked third element moves by the Adam step only).
        var u = OptimizerUpdate(kind: .adam, learningRate: 0.01)
        u.weightDecay = 0.1; u.biasCorrection1 = 0.1; u.biasCorrection2 = 0.001
        let (p, s1, s2) = try step(u)
        expectElementwise(s1, [0.01, 0.02, -0.03], relative: 1e-6, "first moment")
        // In float32, 1 − β2 is 1 − 0.99900001287 = 0.00099998713, not 0.001: v = 0.00099998713·g².
        expectElementwise(s2, [9.9998713e-6, 3.9999485e-5, 8.9998841e-5], relative: 1e-6, "second moment")
        expectElementwise(p, [0.48950001, -1.008999995, 2.009999997], relative: 1e-6, "params")
    }

    @Test func stepsWholeArenasOfAnySize() throws {
        // 100 003 elements (several workers, ragged split): element i equals a 3-element step
        // on the same values, so the parallel split changes nothing.
        var f = Fixture()
        let n = 100_003
        let wv = f.values(n), gv = f.values(n), dv = (0..<n).map { Float($0 % 2) }
        var u = OptimizerUpdate(kind: .adam, learningRate: 0.01)
        u.l2 = 0.01; u.weightDecay = 0.01; u.biasCorrection1 = 0.19; u.biasCorrection2 = 0.002
        let b = f.backend, params = try b.makeTensor([n], values: wv)
        try b.optimizerStep(u, params: params, grads: try b.makeTensor([n], values: gv), decayMask: try b.makeTensor([n], values: dv),
                            state1: try b.makeTensor([n]), state2: try b.makeTensor([n]))
        let all = try b.download(params)
        let single = CPUBackend(threads: 1)
        for i in stride(from: 0, to: n, by: 9973) {
            let p = try single.makeTensor([1], values: [wv[i]])
            try single.optimizerStep(u, params: p, grads: try single.makeTensor([1], values: [gv[i]]),
                                     decayMask: try single.makeTensor([1], values: [dv[i]]),
                                     state1: try single.makeTensor([1]), state2: try single.makeTensor([1]))
            #expect(try single.download(p)[0] == all[i], "element \(i)")
        }
    }
}
