import Kiln
extension OpCheckSuite {
    /// `conv2dForwardMaxPool2x2` against the CPU's composition (convolution, then max pooling):
    /// a backend that fuses the two must give what they give; one that declines runs the two
    /// ops here. Shapes chosen for the fused path's edges: odd outputs (the last row or column
    /// in no window), padding that cuts a window's cells (im2col_pool2x2's per-cell path),
    /// strides, a pointwise layer (im2col still runs, in window order), window counts that are
    /// not multiples of the GEMM's register tile, more output channels than one tile, and a
    /// reduction too long for one K slice (the device declines and composes). Tolerance as
    /// `conv2d.forward`: the max of values within it is within it.
    ///
    /// Each shape also in the training form, which records each window's winner: a backend
    /// that declines composes, and the winners are checked against the unpooled output the
    /// backend itself computes (a winner is a comparison of values within rounding of the
    /// reference's, so two backends may pick different cells of a near tie; each must pick
    /// the first largest of its own). Recorded is 1 per window whose winner is right, so the
    /// comparison is exact.
    static func convolutionPoolCases(large: Bool) -> [OpCheckCase] {
        // The shapes of `conv2d.forward` that have a 2x2 window, then an odd 9x9 output with more
        // output channels than one register tile's rows (small enough for the lowered launch
        // limit of the splitting tests); with `large`, simple-cnn's second layer (11x11 → 5x5),
        // 33 output channels, and simple-cnn's first layer.
        var geometries = convolutionGeometries(large: large).filter { $0.1.maxPool2x2.isValid }
        geometries.append(("batch 3, 11x11, 1→7 ch, 3x3, valid (9x9 → 4x4)",
                           Conv2DGeometry(batch: 3, inChannels: 1, inHeight: 11, inWidth: 11, outChannels: 7,
                                          kernelHeight: 3, kernelWidth: 3)))
        if large {
            geometries.append(("batch 3, 13x13, 4→7 ch, 3x3, valid (11x11 → 5x5)",
                               Conv2DGeometry(batch: 3, inChannels: 4, inHeight: 13, inWidth: 13, outChannels: 7,
                                              kernelHeight: 3, kernelWidth: 3)))
            geometries.append(("batch 2, 12x12, 16→33 ch, 3x3, pad 1",
                               Conv2DGeometry(batch: 2, inChannels: 16, inHeight: 12, inWidth: 12, outChannels: 33,
                                              kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)))
            geometries.append(("batch 2, 28x28, 1→10 ch, 3x3, valid (26x26 → 13x13)",
                               Conv2DGeometry(batch: 2, inChannels: 1, inHeight: 28, inWidth: 28, outChannels: 10,
                                              kernelHeight: 3, kernelWidth: 3)))
        }
        let activations: [ElementwiseActivation] = [.relu, .linear, .leakyReLU(alpha: 0.2), .tanh, .sigmoid]
        return geometries.enumerated().flatMap { index, entry in
            let (shape, g) = entry
            let pool = g.maxPool2x2
            precondition(g.isValid && pool.isValid, "bad check geometry \(shape)")
            let withBias = index % 4 != 3
            let activation = activations[index % activations.count]
            let name = shape + (withBias ? "" : ", no bias") + (activation == .linear ? "" : ", " + activation.name)
            var tolerance = OpTolerance.sum(of: g.reductionLength + 1, multiple: 4)
            tolerance.normalizedRMS += 8 * Comparison.floatEpsilon
            let inference = OpCheckCase("conv2d.forwardMaxPool2x2", name, tolerance: tolerance) { ctx in
                let x = try ctx.uniform(g.inputShape), w = try ctx.uniform(g.weightShape)
                let b = withBias ? try ctx.uniform([g.outChannels]) : nil
                let y = try ctx.poisoned(pool.outputShape)
                if try !ctx.backend.conv2dForwardMaxPool2x2(g, input: x, weight: w, bias: b, activation: activation, output: y) {
                    let full = try ctx.poisoned(g.outputShape)
                    try ctx.backend.conv2dForward(g, input: x, weight: w, bias: b, activation: activation, output: full)
                    try ctx.backend.maxPoolForward(pool, input: full, output: y)
                }
                ctx.record("y", y)
            }
            let training = OpCheckCase("conv2d.forwardMaxPool2x2", name + ", recording winners", tolerance: tolerance) { ctx in
                let x = try ctx.uniform(g.inputShape), w = try ctx.uniform(g.weightShape)
                let b = withBias ? try ctx.uniform([g.outChannels]) : nil
                let y = try ctx.poisoned(pool.outputShape), winners = try ctx.poisoned(pool.outputShape)
                let full = try ctx.poisoned(g.outputShape)
                try ctx.backend.conv2dForward(g, input: x, weight: w, bias: b, activation: activation, output: full)
                let own = CPUBackend.maxPool2x2Winners(of: try ctx.backend.download(full), pool)
                if try !ctx.backend.conv2dForwardMaxPool2x2(g, input: x, weight: w, bias: b, activation: activation,
                                                            output: y, winners: winners) {
                    try ctx.backend.maxPoolForward(pool, input: full, output: y)
                    try ctx.backend.upload(own, to: winners)
                }
                ctx.record("y", y)
                let right = zip(try ctx.backend.download(winners), own).map { $0 == $1 ? Float(1) : 0 }
                ctx.record("winners", try ctx.tensor(pool.outputShape, right), tolerance: .exact)
            }
            return [inference, training]
        }
    }

}
