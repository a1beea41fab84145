import Kiln

// gemm_packed_conv.cl: on the packed GEMM (CPU devices) a convolution's forward product
// gathers its blocks of the column matrix from the input inside the GEMM (conv_gemm_local):
// no im2col pass, no column matrix in memory, the whole batch in one launch.
extension OpenCLBackend {
    /// y = epilogue(W · col(x)) through conv_gemm_local; false, with nothing enqueued, where
    /// it does not apply or pay (`gathersColumns`).
    func enqueueGatheredConvolution(_ g: Conv2DGeometry, input: Tensor, weight: Tensor, output: Tensor,
                                    epilogue: GemmEpilogue) throws -> Bool {
        guard !epilogue.poolsColumns, let capacity = gathersColumns(g) else { return false }
        try enqueueConvGemmLocal(capacity, g, input: input, weight: (memory(weight), weight.offset), output: output,
                                 epilogue: epilogue)
        return true
    }

    /// The input gradient of a stride-1 layer as a gathered convolution: dx = conv(dy, W′)
    /// with W′[c][o][p][q] = W[o][c][KH−1−p][KW−1−q] and the padding mirrored
    /// (`inputGradientGeometry`), in place of dcol = Wᵀ·dy and col2im — which writes and reads
    /// back K·S floats per image. False, with nothing enqueued, where it does not apply or pay
    /// (`gathersColumns` of the mirrored layer: few input channels, say).
    func enqueueGatheredInputGradient(_ g: Conv2DGeometry, outputGrad: Tensor, weight: Tensor, inputGrad: Tensor) throws -> Bool {
        guard let t = g.inputGradientGeometry, let capacity = gathersColumns(t) else { return false }
        let flipped = try flippedWeights(g, weight)
        try enqueueConvGemmLocal(capacity, t, input: outputGrad, weight: (flipped.memory, 0), output: inputGrad,
                                 epilogue: GemmEpilogue(activation: .linear))
        return true
    }

    /// W′[c][o][p][q] = W[o][c][KH−1−p][KW−1−q] in a workspace: the weights of the mirrored
    /// layer (`inputGradientGeometry`), whose convolution of dy is dx.
    func flippedWeights(_ g: Conv2DGeometry, _ weight: Tensor) throws -> OpenCLBuffer {
        let flipped = try workspace(g.weightShape.count)
        let (o, c, taps) = (g.outChannels, g.inChannels, g.kernelHeight * g.kernelWidth)
        try launch(ConvWeightsFlippedKernel(w: arg(weight), wt: KernelTensor(memory: flipped.memory, offset: 0, extent: o * c * taps),
                                            O: o, C: c, taps: taps),
                   global: [taps, c, o], local: [taps, 1, 1])
        return flipped
    }

    /// The packed GEMM's capacity where conv_gemm_local runs `g`; nil where it does not apply:
    /// no packed GEMM (GPUs), CLBlast chosen as the GEMM provider, a pointwise layer (its
    /// input already is its column matrix), an image past one launch's 32-bit index range, or
    /// a product the packed GEMM would split along K; and where it does not pay: more than
    /// three register tiles of output channels.
    ///
    /// Gathering a value costs about what im2col's writing it does; what it saves is the
    /// GEMM's copy of the column matrix back from memory, which weighs most when few tiles
    /// share each copied block: per layer it won at three tiles (16 channels in rows of six)
    /// and lost at six (Benchmarks/NOTES.md, item 26).
    private func gathersColumns(_ g: Conv2DGeometry) -> PackedGemmCapacity? {
        guard gathersConvolutionColumns, let capacity = config.packedGemm, gemmProvider == .kiln, !g.isPointwise,
              ceilDiv(g.outChannels, capacity.tile.rows) <= 3,
              max(g.inChannels * g.inHeight * g.inWidth, g.outChannels * g.outHeight * g.outWidth, g.reductionLength)
                <= limits.maxLaunchElements,
              packedGemmParts(capacity, g.forwardProduct) == 1 else { return nil }
        return capacity
    }

    /// conv_gemm_local for `g` (checked by `gathersColumns`), weights [O, C·KH·KW] at `weight`.
    private func enqueueConvGemmLocal(_ capacity: PackedGemmCapacity, _ g: Conv2DGeometry, input: Tensor,
                                      weight: (CLMemory, Int), output: Tensor, epilogue: GemmEpilogue) throws {
        let d = g.forwardProduct
        recordedGemms?.append(d)
        let a = try packPanels(capacity, d, a: weight.0, weight.1)
        let perImage = g.inChannels * g.inHeight * g.inWidth, s = g.outHeight * g.outWidth
        // x and y index each image in 64-bit arithmetic and within it in 32-bit (checked above).
        try launch(ConvGemmLocalKernel(
            M: d.m, N: d.n, K: d.k, alpha: 1, beta: 0, Ap: a.panels.memory, apStride: a.stride,
            x: KernelTensor(memory: memory(input), offset: input.offset, extent: nil), xStride: perImage,
            y: KernelTensor(memory: memory(output), offset: output.offset, extent: nil), ldc: s, yStride: d.m * s,
            kcs: a.blocks.kc, mcb: a.blocks.mcb, ncb: a.blocks.ncb, epilogue: epilogue.arguments(unused: memory(output)),
            geometry: ConvKernelGeometry(g)),
            global: packedGemmGrid(capacity, d, a.blocks), local: [1, 1, 1],
            flops: d.flops, bytes: 4 * Double(g.batch * (perImage + d.m * s) + d.m * d.k))
    }
}

extension Conv2DGeometry {
    /// The forward product per image, y[n] = W [O, K] · col[n] [K, S], as one GEMM batched over
    /// the whole batch (im2col + GEMM runs it over chunks of images: its `batch` then).
    var forwardProduct: GemmDescriptor {
        let k = reductionLength, s = outHeight * outWidth
        var d = GemmDescriptor(m: outChannels, n: s, k: k)
        d.batch = batch; d.strideA = 0; d.strideB = k * s; d.strideC = outChannels * s
        return d
    }

    /// For stride 1, the convolution whose output is this layer's input gradient: dy as its
    /// input (O channels of OH × OW), the flipped kernel, each padding mirrored to K − 1 − pad,
    /// so that its output is C channels of H × W. Nil for other strides, or a padding wider
    /// than the kernel (a mirrored padding would be negative).
    var inputGradientGeometry: Conv2DGeometry? {
        guard strideH == 1, strideW == 1, max(padTop, padBottom) < kernelHeight, max(padLeft, padRight) < kernelWidth
        else { return nil }
        return Conv2DGeometry(batch: batch, inChannels: outChannels, inHeight: outHeight, inWidth: outWidth,
                              outChannels: inChannels, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                              padTop: kernelHeight - 1 - padTop, padLeft: kernelWidth - 1 - padLeft,
                              padBottom: kernelHeight - 1 - padBottom, padRight: kernelWidth - 1 - padRight)
    }
}

struct ConvGemmLocalKernel: KernelArguments {
    static let kernelName = "conv_gemm_local"
    var M, N, K: Int
    var alpha, beta: Float
    var Ap: CLMemory
    var apStride: Int
    var x: KernelTensor
    var xStride: Int
    var y: KernelTensor
    var ldc, yStride, kcs, mcb, ncb: Int
    var epilogue: GemmEpilogue.Arguments
    var geometry: ConvKernelGeometry
}

struct ConvWeightsFlippedKernel: KernelArguments {
    static let kernelName = "conv_weights_flipped"
    var w, wt: KernelTensor
    var O, C, taps: Int
}
