import Kiln
extension OpCheckSuite {
    /// Tolerances. Statistics are sums of m = N·S terms (float32 Kahan + pairwise on a
    /// device, Double on the CPU): 4·ε·sqrt(m) bounds them with a wide margin. y and dx
    /// inherit those errors through x − mean (relative error grows by |x|/σ, ≤ ~6 for the
    /// offset data below) and dx through m·dy − Σdy − x̂·Σdy·x̂, whose terms are ~sqrt(m)
    /// times the result: 16·ε·sqrt(m). With a folded activation (`ActivationAbsorber`), y
    /// goes through it (8·ε more for exp and tanh; ReLU selects) and the backward's dy through
    /// its derivative at the recomputed output first (8·ε more).
    static func batchNormCases(large: Bool) -> [OpCheckCase] {
        var layouts: [(String, BatchNormLayout, Float)] = [
            ("NCHW batch 2, 3 ch, odd 7x5", BatchNormLayout(batch: 2, channels: 3, spatial: 35), 0),
            ("NCHW batch 1, 5 ch, 3x3, mean offset 5", BatchNormLayout(batch: 1, channels: 5, spatial: 9), 5),
            ("dense batch 5, 7 features", BatchNormLayout(batch: 5, channels: 7, spatial: 1), 0),
            ("dense batch 1, 4 features (m = 1)", BatchNormLayout(batch: 1, channels: 4, spatial: 1), 0),
            // m = 2,300: a CPU device's items get runs of 9 (one group of eight and a tail),
            // and those at multiples of 460 cross from one image to the next. (An image stays
            // under the 1,000 elements of the split-launch test's lowered limit.)
            ("NCHW batch 5, 2 ch, 20x23, mean offset 4", BatchNormLayout(batch: 5, channels: 2, spatial: 460), 4),
        ]
        if large {
            layouts.append(("NCHW batch 8, 16 ch, 10x10, mean offset 3", BatchNormLayout(batch: 8, channels: 16, spatial: 100), 3))
            layouts.append(("dense batch 300, 3 features", BatchNormLayout(batch: 300, channels: 3, spatial: 1), 0))
            // Runs of 20 on a CPU device over rows of 49: most items span two images.
            layouts.append(("NCHW batch 100, 2 ch, 7x7, mean offset 2", BatchNormLayout(batch: 100, channels: 2, spatial: 49), 2))
        }
        // Layouts that are checked once more with an activation folded in (runs of eight and
        // tails, a mean offset, dense rows, items across images).
        let folded: [Int: ElementwiseActivation] = [0: .relu, 1: .tanh, 2: .sigmoid, 4: .relu, 7: .leakyReLU(alpha: 0.1)]
        let p = BatchNormParameters(runningAverageDecay: 0.9, epsilon: 1e-3)
        var cases: [OpCheckCase] = []
        for (index, (layoutName, l, offset)) in layouts.enumerated() {
          for activation in [ElementwiseActivation.linear] + (folded[index].map { [$0] } ?? []) {
            let m = l.reductionLength
            let shape4: Shape = [l.batch, l.channels, l.spatial]
            let shape = layoutName + (activation == .linear ? "" : ", then \(activation.name)")
            let extra = activation == .linear ? 0 : 8 * Comparison.floatEpsilon
            @Sendable func widened(_ t: OpTolerance) -> OpTolerance { var t = t; t.normalizedRMS += extra; return t }
            cases.append(OpCheckCase("batchNorm.forwardTraining", shape, tolerance: widened(.sum(of: m, multiple: 16))) { ctx in
                let x = try ctx.uniform(shape4, in: (offset - 1)...(offset + 1))
                let gamma = try ctx.uniform([l.channels], in: 0.5...1.5), beta = try ctx.uniform([l.channels])
                let runningMean = try ctx.uniform([l.channels]), runningVar = try ctx.uniform([l.channels], in: 0.5...2)
                let y = try ctx.poisoned(shape4)
                let mean = try ctx.poisoned([l.channels]), invStd = try ctx.poisoned([l.channels])
                try ctx.backend.batchNormForwardTraining(l, p, input: x, gamma: gamma, beta: beta,
                                                         runningMean: runningMean, runningVar: runningVar,
                                                         output: y, savedMean: mean, savedInvStd: invStd, activation: activation)
                ctx.record("y", y)
                ctx.record("savedMean", mean, tolerance: .sum(of: m, multiple: 4, absolute: 1e-6))
                ctx.record("savedInvStd", invStd, tolerance: .sum(of: m, multiple: 4))
                ctx.record("runningMean", runningMean, tolerance: .sum(of: m, multiple: 4))
                ctx.record("runningVar", runningVar, tolerance: .sum(of: m, multiple: 4))
            })
            cases.append(OpCheckCase("batchNorm.forwardInference", shape, tolerance: widened(.ulps(8))) { ctx in
                let x = try ctx.uniform(shape4, in: (offset - 1)...(offset + 1))
                let gamma = try ctx.uniform([l.channels], in: 0.5...1.5), beta = try ctx.uniform([l.channels])
                let runningMean = try ctx.uniform([l.channels], in: (offset - 0.5)...(offset + 0.5))
                let runningVar = try ctx.uniform([l.channels], in: 0.5...2)
                let y = try ctx.poisoned(shape4)
                try ctx.backend.batchNormForwardInference(l, p, input: x, gamma: gamma, beta: beta,
                                                          runningMean: runningMean, runningVar: runningVar, output: y,
                                                          activation: activation)
                ctx.record("y", y)
            })
            cases.append(OpCheckCase("batchNorm.backward", shape, tolerance: widened(.sum(of: m, multiple: 16, absolute: 1e-6))) { ctx in
                let x = try ctx.uniform(shape4, in: (offset - 1)...(offset + 1)), dy = try ctx.uniform(shape4)
                let gamma = try ctx.uniform([l.channels], in: 0.5...1.5)
                // Statistics as the training forward would save them, computed once on the host.
                let xs = try ctx.backend.download(x)
                var means: [Float] = [], invStds: [Float] = []
                for c in 0..<l.channels {
                    let values = (0..<l.batch).flatMap { n in (0..<l.spatial).map { Double(xs[(n * l.channels + c) * l.spatial + $0]) } }
                    let mean = values.reduce(0, +) / Double(m)
                    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(m)
                    means.append(Float(mean))
                    invStds.append(Float(1 / (variance + Double(p.epsilon)).squareRoot()))
                }
                let mean = try ctx.tensor([l.channels], means), invStd = try ctx.tensor([l.channels], invStds)
                let dx = try ctx.poisoned(shape4)
                let dgamma = try ctx.uniform([l.channels]), dbeta = try ctx.uniform([l.channels])
                let beta = try ctx.uniform([l.channels], in: -0.5...0.5)
                try ctx.backend.batchNormBackward(l, input: x, outputGrad: dy, gamma: gamma, savedMean: mean,
                                                  savedInvStd: invStd, inputGrad: dx, gammaGrad: dgamma, betaGrad: dbeta,
                                                  activation: activation, beta: activation == .linear ? nil : beta)
                ctx.record("dx", dx)
                ctx.record("dgamma", dgamma, tolerance: widened(.sum(of: m + 1, multiple: 4)))
                ctx.record("dbeta", dbeta, tolerance: widened(.sum(of: m + 1, multiple: 4)))
            })
          }
        }
        cases += batchNormFoldCases()
        return cases
    }

    /// The fold is a product and a quotient per weight (the device's sqrt and division within
    /// a few ulps, the CPU's in Double), and per bias a difference and an FMA: 8 ulps.
    static func batchNormFoldCases() -> [OpCheckCase] {
        let p = BatchNormParameters(runningAverageDecay: 0.9, epsilon: 1e-5)
        let shapes: [(String, channels: Int, rowLength: Int, bias: Bool)] = [
            ("conv 7 ch of 3x3x5 weights, bias", 7, 45, true),
            ("conv 3 ch of 1x1x1 (K = 1), no bias", 3, 1, false),
            ("dense 13 units of 130 inputs, no bias", 13, 130, false),
        ]
        return shapes.map { name, c, k, hasBias in
            OpCheckCase("batchNorm.fold", name, tolerance: .ulps(8)) { ctx in
                let gamma = try ctx.uniform([c], in: 0.5...1.5), beta = try ctx.uniform([c])
                let runningMean = try ctx.uniform([c], in: 1...3), runningVar = try ctx.uniform([c], in: 0.01...2)
                let weight = try ctx.uniform([c, k]), bias = hasBias ? try ctx.uniform([c]) : nil
                let foldedWeight = try ctx.poisoned([c, k]), foldedBias = try ctx.poisoned([c])
                try ctx.backend.batchNormFold(p, gamma: gamma, beta: beta, runningMean: runningMean, runningVar: runningVar,
                                              weight: weight, bias: bias, foldedWeight: foldedWeight, foldedBias: foldedBias)
                ctx.record("foldedWeight", foldedWeight)
                ctx.record("foldedBias", foldedBias)
            }
        }
    }
}
