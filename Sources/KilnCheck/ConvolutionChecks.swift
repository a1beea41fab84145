import Kiln
extension OpCheckSuite {
    /// Tolerances: forward outputs are dot products of length C·KH·KW (+ bias); input
    /// gradients sums of up to O·KH·KW products; filter and bias gradients sums over N·OH·OW
    /// (+ the accumulated start value). Float32 sums on a device against Double on the CPU:
    /// 4·ε·sqrt(length), as for GEMM.
    static func convolutionCases(large: Bool) -> [OpCheckCase] {
        let geometries = convolutionGeometries(large: large)
        let fusedActivations: [ElementwiseActivation] = [.linear, .relu, .leakyReLU(alpha: 0.2), .sigmoid, .tanh]
        var cases: [OpCheckCase] = []
        for (index, (shape, g)) in geometries.enumerated() {
            precondition(g.isValid, "bad check geometry \(shape)")
            let withBias = index % 4 != 3  // now and then no bias, to cover the nil path
            // Every element-wise activation in turn, applied by the convolution as it writes y:
            // the sum's tolerance plus the activation's own (8·ε for exp/tanh; ReLU selects).
            let activation = fusedActivations[index % fusedActivations.count]
            let name = shape + (withBias ? "" : ", no bias") + (activation == .linear ? "" : ", " + activation.name)
            var tolerance = OpTolerance.sum(of: g.reductionLength + 1, multiple: 4)
            tolerance.normalizedRMS += 8 * Comparison.floatEpsilon
            cases.append(OpCheckCase("conv2d.forward", name, tolerance: tolerance) { ctx in
                let x = try ctx.uniform(g.inputShape), w = try ctx.uniform(g.weightShape)
                let b = withBias ? try ctx.uniform([g.outChannels]) : nil
                let y = try ctx.poisoned(g.outputShape)
                try ctx.backend.conv2dForward(g, input: x, weight: w, bias: b, activation: activation, output: y)
                ctx.record("y", y)
            })
            cases.append(OpCheckCase("conv2d.backwardData", shape,
                                     tolerance: .sum(of: g.outChannels * g.kernelHeight * g.kernelWidth, multiple: 4)) { ctx in
                let dy = try ctx.uniform(g.outputShape), w = try ctx.uniform(g.weightShape)
                let dx = try ctx.poisoned(g.inputShape)
                try ctx.backend.conv2dBackwardData(g, outputGrad: dy, weight: w, inputGrad: dx)
                ctx.record("dx", dx)
            })
            cases.append(OpCheckCase("conv2d.backwardFilter", shape + (withBias ? "" : ", no bias"),
                                     tolerance: .sum(of: g.batch * g.outHeight * g.outWidth + 1, multiple: 4)) { ctx in
                let x = try ctx.uniform(g.inputShape), dy = try ctx.uniform(g.outputShape)
                // Gradients accumulate: start from random values, the same on both backends.
                let dw = try ctx.uniform(g.weightShape)
                let db = withBias ? try ctx.uniform([g.outChannels]) : nil
                try ctx.backend.conv2dBackwardFilter(g, input: x, outputGrad: dy, weightGrad: dw, biasGrad: db)
                ctx.record("dW", dw)
                if let db { ctx.record("db", db) }
            })
        }
        return cases
    }

    /// The convolution shapes of the op checks: every stride with valid and same padding on an
    /// odd, non-square image, asymmetric and one-sided padding, non-square kernels, pointwise
    /// layers, a kernel larger than its stride; with `large`, more channels, a 28x28 image and
    /// a reduction long enough for device GEMMs to split K.
    static func convolutionGeometries(large: Bool) -> [(String, Conv2DGeometry)] {
        var geometries: [(String, Conv2DGeometry)] = []
        // Every stride with valid and same padding, on an odd, non-square image.
        for (i, stride) in [1, 2, 3].enumerated() {
            let (top, bottom) = samePadding(7, kernel: 3, stride: stride)
            let (left, right) = samePadding(5, kernel: 3, stride: stride)
            let batch = i % 2 == 0 ? 1 : 2
            geometries.append(("batch \(batch), odd 7x5, 3→5 ch, 3x3, stride \(stride), pad valid",
                               Conv2DGeometry(batch: batch, inChannels: 3, inHeight: 7, inWidth: 5, outChannels: 5,
                                              kernelHeight: 3, kernelWidth: 3, strideH: stride, strideW: stride)))
            geometries.append(("batch \(batch), odd 7x5, 3→5 ch, 3x3, stride \(stride), pad same",
                               Conv2DGeometry(batch: batch, inChannels: 3, inHeight: 7, inWidth: 5, outChannels: 5,
                                              kernelHeight: 3, kernelWidth: 3, strideH: stride, strideW: stride,
                                              padTop: top, padLeft: left, padBottom: bottom, padRight: right)))
        }
        let (t8, b8) = samePadding(8, kernel: 3, stride: 2)
        geometries += [
            ("batch 2, 8x6, 2→3 ch, 3x3, stride 2, pad same (asymmetric)",
             Conv2DGeometry(batch: 2, inChannels: 2, inHeight: 8, inWidth: 6, outChannels: 3, kernelHeight: 3, kernelWidth: 3,
                            strideH: 2, strideW: 2, padTop: t8, padLeft: 0, padBottom: b8, padRight: 1)),
            ("batch 1, 9x7, 5→6 ch, 3x2 kernel, stride (2,3), pads (2,1,0,1)",
             Conv2DGeometry(batch: 1, inChannels: 5, inHeight: 9, inWidth: 7, outChannels: 6, kernelHeight: 3, kernelWidth: 2,
                            strideH: 2, strideW: 3, padTop: 2, padLeft: 1, padBottom: 0, padRight: 1)),
            // Stride 1 and as wide as the image, but not as tall (im2col's shifted copy with
            // rows cut at the top and bottom), with a one-sided width padding.
            ("batch 2, 6x5, 2→3 ch, 3x2 kernel, pads (0,1,0,0)",
             Conv2DGeometry(batch: 2, inChannels: 2, inHeight: 6, inWidth: 5, outChannels: 3, kernelHeight: 3, kernelWidth: 2,
                            padTop: 0, padLeft: 1, padBottom: 0, padRight: 0)),
            // Stride 1 with same padding on an image narrower than the padding: the outer
            // taps' shifts (±2) carry every column across a row edge.
            ("batch 2, 3x2, 2→3 ch, 5x5 kernel, pad 2",
             Conv2DGeometry(batch: 2, inChannels: 2, inHeight: 3, inWidth: 2, outChannels: 3, kernelHeight: 5, kernelWidth: 5,
                            padTop: 2, padLeft: 2, padBottom: 2, padRight: 2)),
            ("batch 2, 6x6, 2→3 ch, 5x5 kernel, valid",
             Conv2DGeometry(batch: 2, inChannels: 2, inHeight: 6, inWidth: 6, outChannels: 3, kernelHeight: 5, kernelWidth: 5)),
            ("batch 3, 5x5, 4→7 ch, 1x1 (pointwise)",
             Conv2DGeometry(batch: 3, inChannels: 4, inHeight: 5, inWidth: 5, outChannels: 7, kernelHeight: 1, kernelWidth: 1)),
            ("batch 2, 7x7, 3→2 ch, 1x1, stride 2",
             Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 7, inWidth: 7, outChannels: 2, kernelHeight: 1, kernelWidth: 1,
                            strideH: 2, strideW: 2)),
            ("batch 1, 1 ch, 4x4 kernel > stride 3, pad 2",
             Conv2DGeometry(batch: 1, inChannels: 1, inHeight: 8, inWidth: 9, outChannels: 1, kernelHeight: 4, kernelWidth: 4,
                            strideH: 3, strideW: 3, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2)),
            // A first layer's shape: nine column rows over more images than a CPU reduction
            // group has items (19 against 8), rows of 110 (not whole vectors of 8 or 16).
            ("batch 19, 11x10, 1→4 ch, 3x3, pad 1 (K = 9)",
             Conv2DGeometry(batch: 19, inChannels: 1, inHeight: 11, inWidth: 10, outChannels: 4, kernelHeight: 3, kernelWidth: 3,
                            padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)),
            // Stride 1, as wide as the image, a 3-wide kernel taller than it and the width
            // padding all on the right: the filter gradient's staged shifted copies (CPU
            // devices) with shifts 0, 1, 2, ten channels (a partial block of eight) and rows
            // of 66 (not whole vectors); 990 column entries per image.
            ("batch 3, 6x11, 1→10 ch, 5x3 kernel, pads (2,0,2,2)",
             Conv2DGeometry(batch: 3, inChannels: 1, inHeight: 6, inWidth: 11, outChannels: 10, kernelHeight: 5, kernelWidth: 3,
                            padTop: 2, padLeft: 0, padBottom: 2, padRight: 2)),
            // Stride 2 on rows of 29 (runs of 8 and 4 with a single-entry tail where a kernel
            // works in vectors along the row); 945 column entries per image.
            ("batch 2, 13x29, 1→3 ch, 3x3, stride 2, pad 1",
             Conv2DGeometry(batch: 2, inChannels: 1, inHeight: 13, inWidth: 29, outChannels: 3, kernelHeight: 3, kernelWidth: 3,
                            strideH: 2, strideW: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)),
            // One axis strided, the other not (on CPU devices conv_direct and the staged filter
            // gradient stage the rows by phase, or gather every other column: output rows of
            // 19, runs of eight and a tail).
            ("batch 2, 7x19, 1→3 ch, 3x3, stride (2,1), pad 1",
             Conv2DGeometry(batch: 2, inChannels: 1, inHeight: 7, inWidth: 19, outChannels: 3, kernelHeight: 3, kernelWidth: 3,
                            strideH: 2, strideW: 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)),
            ("batch 2, 5x37, 1→3 ch, 3x3, stride (1,2), pad 1",
             Conv2DGeometry(batch: 2, inChannels: 1, inHeight: 5, inWidth: 37, outChannels: 3, kernelHeight: 3, kernelWidth: 3,
                            strideH: 1, strideW: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)),
            // Three phases of rows, two of them two kernel rows deep.
            ("batch 2, 17x13, 2→9 ch, 5x3 kernel, stride 3, pads (2,1,1,0)",
             Conv2DGeometry(batch: 2, inChannels: 2, inHeight: 17, inWidth: 13, outChannels: 9, kernelHeight: 5, kernelWidth: 3,
                            strideH: 3, strideW: 3, padTop: 2, padLeft: 1, padBottom: 1, padRight: 0)),
        ]
        if large {
            geometries.append(("batch 4, 12x12, 16→20 ch, 3x3, pad 1",
                               Conv2DGeometry(batch: 4, inChannels: 16, inHeight: 12, inWidth: 12, outChannels: 20,
                                              kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)))
            // resnet-small's strided layer (Keras's `same` for stride 2: padding below and right).
            geometries.append(("batch 3, 28x28, 16→32 ch, 3x3, stride 2, pads (0,0,1,1)",
                               Conv2DGeometry(batch: 3, inChannels: 16, inHeight: 28, inWidth: 28, outChannels: 32,
                                              kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2,
                                              padTop: 0, padLeft: 0, padBottom: 1, padRight: 1)))
            geometries.append(("batch 5, 28x28, 1→8 ch, 5x5, stride 2, pad 2",
                               Conv2DGeometry(batch: 5, inChannels: 1, inHeight: 28, inWidth: 28, outChannels: 8,
                                              kernelHeight: 5, kernelWidth: 5, strideH: 2, strideW: 2,
                                              padTop: 2, padLeft: 2, padBottom: 2, padRight: 2)))
            // Several images, a reduction deeper than one K slice of the packed GEMM (320):
            // the slices accumulate in C before the bias and activation.
            geometries.append(("batch 2, 10x9, 40→6 ch, 3x3, pad 1 (K = 360)",
                               Conv2DGeometry(batch: 2, inChannels: 40, inHeight: 10, inWidth: 9, outChannels: 6,
                                              kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)))
            // The same turned round: on the packed GEMM the input gradient is a convolution of
            // dy (40 channels) with the flipped weights, a reduction of two slices too.
            geometries.append(("batch 2, 10x9, 6→40 ch, 3x3, pad 1 (input gradient's K = 360)",
                               Conv2DGeometry(batch: 2, inChannels: 6, inHeight: 10, inWidth: 9, outChannels: 40,
                                              kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)))
            // One image, a reduction of 3200: device GEMMs may split K, so the bias and
            // activation must come after the partial sums are added.
            geometries.append(("batch 1, 6x6, 128→3 ch, 5x5 kernel (K = 3200)",
                               Conv2DGeometry(batch: 1, inChannels: 128, inHeight: 6, inWidth: 6, outChannels: 3,
                                              kernelHeight: 5, kernelWidth: 5)))
            // Stride 1, narrower than the image on both axes, with padding on three sides and
            // 30 input channels (more register tiles than the input gradient's gathered
            // convolution takes on CPU devices): the CPU family's col2im, with runs that start
            // past the left edge and rows that begin below the top.
            geometries.append(("batch 3, 9x7, 30→5 ch, 3x3, pads (1,1,2,0)",
                               Conv2DGeometry(batch: 3, inChannels: 30, inHeight: 9, inWidth: 7, outChannels: 5,
                                              kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 2, padRight: 0)))
        }
        return geometries
    }
}
