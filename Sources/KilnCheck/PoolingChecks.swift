import Kiln
extension OpCheckSuite {
    /// Tolerances: max-pool forward selects an input, so it is exact; its backward adds at
    /// most ceil(WH/sH)·ceil(WW/sW) gradients per cell, in an order that may differ: a few
    /// ε. Average pooling divides sums of ≤ WH·WW terms: 4·ε·sqrt(WH·WW).
    static func poolingCases(large: Bool) -> [OpCheckCase] {
        var geometries: [(String, Pool2DGeometry)] = [
            ("batch 2, 3 ch, 6x4, 2x2 window = stride",
             Pool2DGeometry(batch: 2, channels: 3, inHeight: 6, inWidth: 4, windowH: 2, windowW: 2, strideH: 2, strideW: 2)),
            ("batch 2, 3 ch, odd 7x5, 2x2 stride 2 (edge rows dropped)",
             Pool2DGeometry(batch: 2, channels: 3, inHeight: 7, inWidth: 5, windowH: 2, windowW: 2, strideH: 2, strideW: 2)),
            ("batch 2, 3 ch, 5x37, 2x2 stride 2 (rows of 18 windows: groups of 8, the last moved back; odd column)",
             Pool2DGeometry(batch: 2, channels: 3, inHeight: 5, inWidth: 37, windowH: 2, windowW: 2, strideH: 2, strideW: 2)),
            ("batch 1, 2 ch, odd 7x5, 3x3 window > stride 2, pad 1 (overlapping)",
             Pool2DGeometry(batch: 1, channels: 2, inHeight: 7, inWidth: 5, windowH: 3, windowW: 3, strideH: 2, strideW: 2,
                            padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)),
            ("batch 2, 1 ch, 5x5, 3x3 stride 1, pad same",
             Pool2DGeometry(batch: 2, channels: 1, inHeight: 5, inWidth: 5, windowH: 3, windowW: 3, strideH: 1, strideW: 1,
                            padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)),
            ("batch 1, 3 ch, 7x8, 2x2 window < stride 3 (gaps)",
             Pool2DGeometry(batch: 1, channels: 3, inHeight: 7, inWidth: 8, windowH: 2, windowW: 2, strideH: 3, strideW: 3)),
            ("batch 2, 2 ch, 6x5, 3x2 window, stride (2,1), pads (0,1,1,0)",
             Pool2DGeometry(batch: 2, channels: 2, inHeight: 6, inWidth: 5, windowH: 3, windowW: 2, strideH: 2, strideW: 1,
                            padTop: 0, padLeft: 1, padBottom: 1, padRight: 0)),
            ("batch 1, 4 ch, global 5x7 window",
             Pool2DGeometry(batch: 1, channels: 4, inHeight: 5, inWidth: 7, windowH: 5, windowW: 7, strideH: 1, strideW: 1)),
            ("batch 2, 3 ch, 9x14, 2x2 stride 2 (rows of 7 windows: groups of 4, the last moved back)",
             Pool2DGeometry(batch: 2, channels: 3, inHeight: 9, inWidth: 14, windowH: 2, windowW: 2, strideH: 2, strideW: 2)),
        ]
        if large {
            geometries.append(("batch 8, 16 ch, 28x28, 2x2 stride 2",
                               Pool2DGeometry(batch: 8, channels: 16, inHeight: 28, inWidth: 28, windowH: 2, windowW: 2,
                                              strideH: 2, strideW: 2)))
        }
        var cases: [OpCheckCase] = []
        for (shape, g) in geometries {
            precondition(g.isValid, "bad check geometry \(shape)")
            let window = g.windowH * g.windowW
            let overlap = ((g.windowH + g.strideH - 1) / g.strideH) * ((g.windowW + g.strideW - 1) / g.strideW)
            cases.append(OpCheckCase("maxPool.forward", shape, tolerance: .exact) { ctx in
                let x = try ctx.uniform(g.inputShape), y = try ctx.poisoned(g.outputShape)
                try ctx.backend.maxPoolForward(g, input: x, output: y)
                ctx.record("y", y)
            })
            cases.append(OpCheckCase("maxPool.backward", shape, tolerance: .sum(of: overlap, multiple: 2)) { ctx in
                let x = try ctx.uniform(g.inputShape), dy = try ctx.uniform(g.outputShape)
                let dx = try ctx.poisoned(g.inputShape)
                try ctx.backend.maxPoolBackward(g, input: x, outputGrad: dy, inputGrad: dx)
                ctx.record("dx", dx)
            })
            cases.append(OpCheckCase("avgPool.forward", shape, tolerance: .sum(of: window, multiple: 4)) { ctx in
                let x = try ctx.uniform(g.inputShape), y = try ctx.poisoned(g.outputShape)
                try ctx.backend.avgPoolForward(g, input: x, output: y)
                ctx.record("y", y)
            })
            cases.append(OpCheckCase("avgPool.backward", shape, tolerance: .sum(of: overlap, multiple: 4)) { ctx in
                let dy = try ctx.uniform(g.outputShape), dx = try ctx.poisoned(g.inputShape)
                try ctx.backend.avgPoolBackward(g, outputGrad: dy, inputGrad: dx)
                ctx.record("dx", dx)
            })
        }
        // Ties: inputs from {0, 1, 2} make windows with several maxima; every backend must
        // route the gradient to the first in row-major window order, exactly. Once for the
        // generic kernels, once for the 2x2/stride-2 ones (8 windows at a time).
        let ties: [(String, Pool2DGeometry)] = [
            ("3x3 stride 2 pad 1", Pool2DGeometry(batch: 2, channels: 2, inHeight: 7, inWidth: 6, windowH: 3, windowW: 3,
                                                  strideH: 2, strideW: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)),
            ("2x2 stride 2, 5x35", Pool2DGeometry(batch: 2, channels: 2, inHeight: 5, inWidth: 35, windowH: 2, windowW: 2,
                                                  strideH: 2, strideW: 2)),
        ]
        for (shape, g) in ties {
            cases.append(OpCheckCase("maxPool.backward", "ties (values in {0,1,2}), " + shape, tolerance: .exact) { ctx in
                let x = try ctx.tensor(g.inputShape, (0..<g.inputShape.count).map { _ in Float(ctx.integer(below: 3)) })
                let dy = try ctx.tensor(g.outputShape, (0..<g.outputShape.count).map { _ in Float(ctx.integer(below: 5) + 1) })
                let dx = try ctx.poisoned(g.inputShape)
                try ctx.backend.maxPoolBackward(g, input: x, outputGrad: dy, inputGrad: dx)
                ctx.record("dx", dx)
            })
        }
        // The backward of the activation whose output is pooled, folded in (ActivationHandOff):
        // each cell's gradient times f'(x), x drawn from f's range (ReLU's with zeros, so some
        // windows tie at 0 and pass nothing on). The generic, 2x2 (groups of 8 and of 4 windows, and
        // rows too short for either) and overlapping kernels, each activation once.
        let folded: [(String, Pool2DGeometry, ElementwiseActivation)] = [
            ("batch 2, 3 ch, 5x37, 2x2 stride 2", geometries[2].1, .relu),
            ("batch 2, 3 ch, 6x4, 2x2 stride 2", geometries[0].1, .sigmoid),
            ("batch 1, 2 ch, 7x5, 3x3 stride 2 pad 1", geometries[3].1, .relu),
            ("batch 2, 1 ch, 5x5, 3x3 stride 1 pad same", geometries[4].1, .leakyReLU(alpha: 0.1)),
            ("batch 2, 2 ch, 6x5, 3x2 window, stride (2,1)", geometries[6].1, .tanh),
            ("batch 2, 3 ch, 9x14, 2x2 stride 2", geometries[8].1, .relu),
        ]
        for (shape, g, f) in folded {
            let overlap = ((g.windowH + g.strideH - 1) / g.strideH) * ((g.windowW + g.strideW - 1) / g.strideW)
            var tolerance = OpTolerance.sum(of: overlap, multiple: 2)
            tolerance.normalizedRMS += 4 * Comparison.floatEpsilon
            cases.append(OpCheckCase("maxPool.backward", shape + ", then \(f.name)'s backward", tolerance: tolerance) { ctx in
                let range: ClosedRange<Float> = f == .sigmoid ? 0.02...0.98 : -1...1
                let x = try ctx.tensor(g.inputShape, ctx.values(g.inputShape.count, in: range).map { f == .relu ? max($0, 0) : $0 })
                let dy = try ctx.uniform(g.outputShape), dx = try ctx.poisoned(g.inputShape)
                try ctx.backend.maxPoolBackward(g, input: x, outputGrad: dy, inputGrad: dx, activation: f)
                ctx.record("dx", dx)
            })
        }
        // The backward from recorded winners (a convolution that pooled as it stored, in
        // training): maxima from f's range, winners drawn at random, every plain 2x2 geometry
        // above (groups of 8 and of 4, rows too short for either, odd rows and columns no window
        // covers, which must come out 0) and each activation once. One gradient per cell, f'
        // of the maximum times dy: within a rounding.
        let recorded = geometries.filter { $0.1.isPlain2x2 }
        let recordedActivations: [ElementwiseActivation] = [.relu, .sigmoid, .linear, .tanh, .leakyReLU(alpha: 0.1)]
        for (index, (shape, g)) in recorded.enumerated() {
            let f = recordedActivations[index % recordedActivations.count]
            cases.append(OpCheckCase("maxPool.backwardRecorded", shape + (f == .linear ? "" : ", then \(f.name)'s backward"),
                                     tolerance: .sum(of: 1, multiple: 2)) { ctx in
                let range: ClosedRange<Float> = f == .sigmoid ? 0.02...0.98 : -1...1
                let y = try ctx.tensor(g.outputShape, ctx.values(g.outputShape.count, in: range).map { f == .relu ? max($0, 0) : $0 })
                let winners = try ctx.tensor(g.outputShape, (0..<g.outputShape.count).map { _ in Float(ctx.integer(below: 4)) })
                let dy = try ctx.uniform(g.outputShape), dx = try ctx.poisoned(g.inputShape)
                try ctx.backend.maxPool2x2Backward(g, output: y, winners: winners, outputGrad: dy, inputGrad: dx, activation: f)
                ctx.record("dx", dx)
            })
        }
        return cases
    }
}
