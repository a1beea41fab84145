import Kiln
import Testing
import KilnCheck

/// Each optimizer's fused step on the CPU reference, against values worked out by hand from
/// the formula on `OptimizerUpdate`. Large ε (0.1) where it appears, so that putting it
/// inside the square root would show; β's of 0.5 and 0.75 so that Adam's moments are exact.
@Suite struct OptimizerStepTests {
    let w0: [Float] = [1, -2, 0.5]
    let g1: [Float] = [0.5, -1, 2]
    let g2: [Float] = [1, 1, -1]
    let g3: [Float] = [-0.5, 2, 1]

    @Test func plainSGD() throws {
        let s = try cpuSteps(SGD(learningRate: 0.1), w: w0, grads: [g1, g2])
        // w ← w − η·g
        expectElementwise(s[0].w, [1 - 0.1 * 0.5, -2 - 0.1 * -1, 0.5 - 0.1 * 2], absolute: handAbsolute, relative: handRelative, "w1")  // 0.95, −1.9, 0.3
        expectElementwise(s[1].w, [0.95 - 0.1 * 1, -1.9 - 0.1 * 1, 0.3 - 0.1 * -1], absolute: handAbsolute, relative: handRelative, "w2")  // 0.85, −2.0, 0.4
    }

    @Test func momentumSGD() throws {
        let s = try cpuSteps(SGD(learningRate: 0.1, momentum: 0.9), w: w0, grads: [g1, g2])
        // m ← 0.9·m − 0.1·g;  w ← w + m
        expectElementwise(s[0].m, [-0.05, 0.1, -0.2], absolute: handAbsolute, relative: handRelative, "m1")
        expectElementwise(s[0].w, [1 - 0.05, -2 + 0.1, 0.5 - 0.2], absolute: handAbsolute, relative: handRelative, "w1")
        expectElementwise(s[1].m, [0.9 * -0.05 - 0.1, 0.9 * 0.1 - 0.1, 0.9 * -0.2 + 0.1], absolute: handAbsolute, relative: handRelative, "m2")  // −0.145, −0.01, −0.08
        expectElementwise(s[1].w, [0.95 - 0.145, -1.9 - 0.01, 0.3 - 0.08], absolute: handAbsolute, relative: handRelative, "w2")
    }

    @Test func nesterovSGD() throws {
        let s = try cpuSteps(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), w: w0, grads: [g1, g2])
        // m as for momentum; w ← w + 0.9·m − 0.1·g
        expectElementwise(s[0].w, [1 + 0.9 * -0.05 - 0.05, -2 + 0.9 * 0.1 + 0.1, 0.5 + 0.9 * -0.2 - 0.2], absolute: handAbsolute, relative: handRelative, "w1")
        // w1 = 0.905, −1.81, 0.12
        expectElementwise(s[1].w, [0.905 + 0.9 * -0.145 - 0.1, -1.81 + 0.9 * -0.01 - 0.1, 0.12 + 0.9 * -0.08 + 0.1], absolute: handAbsolute, relative: handRelative, "w2")
    }

    @Test func adaGradStartsFromTheInitialAccumulator() throws {
        let adagrad = try AdaGrad(learningRate: 0.1, initialAccumulator: 0.16, epsilon: 0.1)
        let s = try cpuSteps(adagrad, w: w0, grads: [[0.3, -0.3, 0], [1.2, -1.2, 0.3]])
        // m ← m + g²;  w ← w − 0.1·g / (sqrt(m) + 0.1)
        expectElementwise(s[0].m, [0.16 + 0.09, 0.16 + 0.09, 0.16], absolute: handAbsolute, relative: handRelative, "m1")  // sqrt: 0.5, 0.5, 0.4
        expectElementwise(s[0].w, [1 - 0.1 * 0.3 / 0.6, -2 + 0.1 * 0.3 / 0.6, 0.5], absolute: handAbsolute, relative: handRelative, "w1")  // 0.95, −1.95, 0.5
        expectElementwise(s[1].m, [0.25 + 1.44, 0.25 + 1.44, 0.16 + 0.09], absolute: handAbsolute, relative: handRelative, "m2")  // sqrt: 1.3, 1.3, 0.5
        expectElementwise(s[1].w, [0.95 - 0.1 * 1.2 / 1.4, -1.95 + 0.1 * 1.2 / 1.4, 0.5 - 0.1 * 0.3 / 0.6], absolute: handAbsolute, relative: handRelative, "w2")
    }

    @Test func rmsprop() throws {
        let s = try cpuSteps(RMSprop(learningRate: 0.1, rho: 0.9, epsilon: 0.1), w: w0, grads: [g1, g2])
        // m ← 0.9·m + 0.1·g²;  w ← w − 0.1·g / (sqrt(m) + 0.1)
        let m1 = [0.1 * 0.25, 0.1 * 1, 0.1 * 4]
        expectElementwise(s[0].m, m1, absolute: handAbsolute, relative: handRelative, "m1")
        let w1 = [1 - 0.1 * 0.5 / (m1[0].squareRoot() + 0.1),
                  -2 + 0.1 * 1 / (m1[1].squareRoot() + 0.1),
                  0.5 - 0.1 * 2 / (m1[2].squareRoot() + 0.1)]
        expectElementwise(s[0].w, w1, absolute: handAbsolute, relative: handRelative, "w1")
        let m2 = [0.9 * 0.025 + 0.1, 0.9 * 0.1 + 0.1, 0.9 * 0.4 + 0.1]  // 0.1225, 0.19, 0.46
        expectElementwise(s[1].m, m2, absolute: handAbsolute, relative: handRelative, "m2")
        expectElementwise(s[1].w, [w1[0] - 0.1 * 1 / (0.35 + 0.1),
                             w1[1] - 0.1 * 1 / (m2[1].squareRoot() + 0.1),
                             w1[2] + 0.1 * 1 / (m2[2].squareRoot() + 0.1)], absolute: handAbsolute, relative: handRelative, "w2")
    }

    @Test func adamWithBiasCorrectionOverThreeSteps() throws {
        let adam = try Adam(learningRate: 0.1, beta1: 0.5, beta2: 0.75, epsilon: 0.1)
        let s = try cpuSteps(adam, w: w0, grads: [g1, g2, g3])
        // m ← 0.5·m + 0.5·g;  v ← 0.75·v + 0.25·g²;  w ← w − 0.1·(m/c1) / (sqrt(v/c2) + 0.1)
        // t = 1: c1 = 0.5, c2 = 0.25, so m/c1 = g and sqrt(v/c2) = |g|
        expectElementwise(s[0].m, [0.25, -0.5, 1], absolute: handAbsolute, relative: handRelative, "m1")
        expectElementwise(s[0].v, [0.0625, 0.25, 1], absolute: handAbsolute, relative: handRelative, "v1")
        let w1 = [1 - 0.1 * 0.5 / 0.6, -2 + 0.1 * 1 / 1.1, 0.5 - 0.1 * 2 / 2.1]
        expectElementwise(s[0].w, w1, absolute: handAbsolute, relative: handRelative, "w1")
        // t = 2: c1 = 0.75, c2 = 1 − 0.5625 = 0.4375
        expectElementwise(s[1].m, [0.125 + 0.5, -0.25 + 0.5, 0.5 - 0.5], absolute: handAbsolute, relative: handRelative, "m2")
        expectElementwise(s[1].v, [0.046875 + 0.25, 0.1875 + 0.25, 0.75 + 0.25], absolute: handAbsolute, relative: handRelative, "v2")
        let w2 = [w1[0] - 0.1 * (0.625 / 0.75) / ((0.296875 / 0.4375).squareRoot() + 0.1),
                  w1[1] - 0.1 * (0.25 / 0.75) / ((0.4375 / 0.4375).squareRoot() + 0.1),
                  w1[2] - 0]
        expectElementwise(s[1].w, w2, absolute: handAbsolute, relative: handRelative, "w2")
        // t = 3: c1 = 0.875, c2 = 1 − 0.421875 = 0.578125
        expectElementwise(s[2].m, [0.3125 - 0.25, 0.125 + 1, 0 + 0.5], absolute: handAbsolute, relative: handRelative, "m3")
        expectElementwise(s[2].v, [0.22265625 + 0.0625, 0.328125 + 1, 0.75 + 0.25], absolute: handAbsolute, relative: handRelative, "v3")
        expectElementwise(s[2].w, [w2[0] - 0.1 * (0.0625 / 0.875) / ((0.28515625 / 0.578125).squareRoot() + 0.1),
                             w2[1] - 0.1 * (1.125 / 0.875) / ((1.328125 / 0.578125).squareRoot() + 0.1),
                             w2[2] - 0.1 * (0.5 / 0.875) / ((1 / 0.578125).squareRoot() + 0.1)], absolute: handAbsolute, relative: handRelative, "w3")
    }

    /// With a constant gradient the bias-corrected moments are exactly g and g², so each of
    /// the first steps moves w by η·g / (|g| + ε) — with Keras's default β's and ε.
    @Test func adamDefaultsTakeFullStepsFromTheStart() throws {
        let s = try cpuSteps(Adam(learningRate: 0.1), w: w0, grads: [g1, g1, g1])
        let step = [0.1 * 0.5 / (0.5 + 1e-7), 0.1 * -1 / (1 + 1e-7), 0.1 * 2 / (2 + 1e-7)]
        for t in 1...3 {
            let k = Double(t)
            expectElementwise(s[t - 1].w, [1 - k * step[0], -2 - k * step[1], 0.5 - k * step[2]], absolute: handAbsolute, relative: handRelative, "w\(t)")
        }
    }
}
