import Kiln
import Testing
import KilnCheck

/// L1, L2 and decoupled decay in the fused step, by hand from the formula on
/// `OptimizerUpdate`. Element 2 is masked out (d = 0, like a bias): it must move by its
/// gradient alone.
@Suite struct OptimizerDecayTests {
    let w0: [Float] = [1, -2, 0.5, -0.25]
    let mask: [Float] = [1, 1, 0, 1]
    let g1: [Float] = [0.5, -1, 2, 0.4]
    let g2: [Float] = [1, 1, -1, 0]

    @Test func l1AddsSignToTheGradient() throws {
        let sgd = try SGD(learningRate: 0.1, regularization: .l1(0.1))
        let s = try cpuSteps(sgd, w: w0, grads: [g1, g2], mask: mask)
        // g ← g + d·0.1·sign(w):  [0.6, −1.1, 2, 0.3]
        expectElementwise(s[0].w, [1 - 0.06, -2 + 0.11, 0.5 - 0.2, -0.25 - 0.03], absolute: handAbsolute, relative: handRelative, "w1")  // 0.94, −1.89, 0.3, −0.28
        // g ← [1.1, 0.9, −1, −0.1]
        expectElementwise(s[1].w, [0.94 - 0.11, -1.89 - 0.09, 0.3 + 0.1, -0.28 + 0.01], absolute: handAbsolute, relative: handRelative, "w2")
    }

    @Test func l2AddsTwiceL2TimesWToTheGradient() throws {
        let sgd = try SGD(learningRate: 0.1, regularization: .l2(0.5))
        let s = try cpuSteps(sgd, w: w0, grads: [g1, g2], mask: mask)
        // g ← g + d·2·0.5·w:  [1.5, −3, 2, 0.15]
        expectElementwise(s[0].w, [1 - 0.15, -2 + 0.3, 0.5 - 0.2, -0.25 - 0.015], absolute: handAbsolute, relative: handRelative, "w1")  // 0.85, −1.7, 0.3, −0.265
        // g ← [1 + 0.85, 1 − 1.7, −1, 0 − 0.265]
        expectElementwise(s[1].w, [0.85 - 0.185, -1.7 + 0.07, 0.3 + 0.1, -0.265 + 0.0265], absolute: handAbsolute, relative: handRelative, "w2")
    }

    @Test func decoupledDecayShrinksTheOldWeight() throws {
        let sgd = try SGD(learningRate: 0.1, weightDecay: 0.5)
        let s = try cpuSteps(sgd, w: w0, grads: [g1, g2], mask: mask)
        // w ← w − 0.1·g − 0.1·0.5·d·w_old
        expectElementwise(s[0].w, [1 - 0.05 - 0.05, -2 + 0.1 + 0.1, 0.5 - 0.2, -0.25 - 0.04 + 0.0125], absolute: handAbsolute, relative: handRelative, "w1")
        // w1 = 0.9, −1.8, 0.3, −0.2775
        expectElementwise(s[1].w, [0.9 - 0.1 - 0.045, -1.8 - 0.1 + 0.09, 0.3 + 0.1, -0.2775 + 0.013875], absolute: handAbsolute, relative: handRelative, "w2")
    }

    @Test func momentumCarriesTheL2Term() throws {
        let sgd = try SGD(learningRate: 0.1, momentum: 0.9, regularization: .l2(0.5))
        let s = try cpuSteps(sgd, w: w0, grads: [g1, g2], mask: mask)
        // step 1 as plain SGD: g = [1.5, −3, 2, 0.15], m = −0.1·g
        expectElementwise(s[0].m, [-0.15, 0.3, -0.2, -0.015], absolute: handAbsolute, relative: handRelative, "m1")
        // step 2: g = g2 + d·w1 = [1.85, −0.7, −1, −0.265];  m ← 0.9·m − 0.1·g
        expectElementwise(s[1].m, [-0.135 - 0.185, 0.27 + 0.07, -0.18 + 0.1, -0.0135 + 0.0265], absolute: handAbsolute, relative: handRelative, "m2")
        expectElementwise(s[1].w, [0.85 - 0.32, -1.7 + 0.34, 0.3 - 0.08, -0.265 + 0.013], absolute: handAbsolute, relative: handRelative, "w2")
    }

    @Test func adaGradWithL1AndDecoupledDecay() throws {
        let adagrad = try AdaGrad(learningRate: 0.1, initialAccumulator: 0.16, epsilon: 0.1,
                                  regularization: .l1(0.1), weightDecay: 0.5)
        let s = try cpuSteps(adagrad, w: w0, grads: [[0.2, -0.2, 0.3, -0.2]], mask: mask)
        // g ← g + d·0.1·sign(w) = [0.3, −0.3, 0.3, −0.3];  m = 0.16 + 0.09 = 0.25, sqrt 0.5
        expectElementwise(s[0].m, [0.25, 0.25, 0.25, 0.25], absolute: handAbsolute, relative: handRelative, "m1")
        // w ← w − 0.1·g / 0.6 − 0.05·d·w_old
        expectElementwise(s[0].w, [1 - 0.05 - 0.05, -2 + 0.05 + 0.1, 0.5 - 0.05, -0.25 + 0.05 + 0.0125], absolute: handAbsolute, relative: handRelative, "w1")
    }

    @Test func rmspropWithL2() throws {
        let rmsprop = try RMSprop(learningRate: 0.1, rho: 0.9, epsilon: 0.1, regularization: .l2(0.5))
        let s = try cpuSteps(rmsprop, w: w0, grads: [g1], mask: mask)
        // g ← g + d·w = [1.5, −3, 2, 0.15];  m = 0.1·g²
        let m = [0.1 * 2.25, 0.1 * 9, 0.1 * 4, 0.1 * 0.0225]
        expectElementwise(s[0].m, m, absolute: handAbsolute, relative: handRelative, "m1")
        expectElementwise(s[0].w, [1 - 0.15 / (m[0].squareRoot() + 0.1), -2 + 0.3 / (m[1].squareRoot() + 0.1),
                             0.5 - 0.2 / (m[2].squareRoot() + 0.1), -0.25 - 0.015 / (m[3].squareRoot() + 0.1)], absolute: handAbsolute, relative: handRelative, "w1")
    }

    /// Coupled L2 goes through Adam's normalisation: at t = 1 the step is η·g'/(|g'| + ε).
    @Test func adamL2IsCoupled() throws {
        let adam = try Adam(learningRate: 0.1, beta1: 0.5, beta2: 0.75, epsilon: 0.1, regularization: .l2(0.5))
        let s = try cpuSteps(adam, w: w0, grads: [g1], mask: mask)
        // g' = g + d·w = [1.5, −3, 2, 0.15]
        expectElementwise(s[0].m, [0.75, -1.5, 1, 0.075], absolute: handAbsolute, relative: handRelative, "m1")
        expectElementwise(s[0].v, [0.5625, 2.25, 1, 0.005625], absolute: handAbsolute, relative: handRelative, "v1")
        expectElementwise(s[0].w, [1 - 0.15 / 1.6, -2 + 0.3 / 3.1, 0.5 - 0.2 / 2.1, -0.25 - 0.015 / 0.25], absolute: handAbsolute, relative: handRelative, "w1")
    }

    /// AdamW: the decay bypasses the moments and is not normalised.
    @Test func adamWDecayIsDecoupled() throws {
        let adamw = try Adam.adamW(learningRate: 0.1, weightDecay: 0.5, beta1: 0.5, beta2: 0.75, epsilon: 0.1)
        let s = try cpuSteps(adamw, w: w0, grads: [g1, g2], mask: mask)
        // t = 1: moments from g alone; w ← w − 0.1·g/(|g| + 0.1) − 0.05·d·w_old
        expectElementwise(s[0].m, [0.25, -0.5, 1, 0.2], absolute: handAbsolute, relative: handRelative, "m1")
        expectElementwise(s[0].v, [0.0625, 0.25, 1, 0.04], absolute: handAbsolute, relative: handRelative, "v1")
        let w1 = [1 - 0.05 / 0.6 - 0.05, -2 + 0.1 / 1.1 + 0.1, 0.5 - 0.2 / 2.1, -0.25 - 0.04 / 0.5 + 0.0125]
        expectElementwise(s[0].w, w1, absolute: handAbsolute, relative: handRelative, "w1")
        // t = 2: m = [0.625, 0.25, 0, 0.1], v = [0.296875, 0.4375, 1, 0.03], c1 = 0.75, c2 = 0.4375
        expectElementwise(s[1].m, [0.625, 0.25, 0, 0.1], absolute: handAbsolute, relative: handRelative, "m2")
        expectElementwise(s[1].v, [0.296875, 0.4375, 1, 0.03], absolute: handAbsolute, relative: handRelative, "v2")
        expectElementwise(s[1].w, [w1[0] - 0.1 * (0.625 / 0.75) / ((0.296875 / 0.4375).squareRoot() + 0.1) - 0.05 * w1[0],
                             w1[1] - 0.1 * (0.25 / 0.75) / (1 + 0.1) - 0.05 * w1[1],
                             w1[2] - 0,
                             w1[3] - 0.1 * (0.1 / 0.75) / ((0.03 / 0.4375).squareRoot() + 0.1) - 0.05 * w1[3]], absolute: handAbsolute, relative: handRelative, "w2")
    }
}
