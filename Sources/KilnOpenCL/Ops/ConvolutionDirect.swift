import Kiln

// conv_direct.cl: on CPU devices the forward pass of a 3-wide layer straight from x and W: no
// im2col, no column matrix, no packing, no GEMM.
extension OpenCLBackend {
    /// y = f(W ⊛ x + b) through conv_direct; false, with nothing enqueued, where it does not
    /// apply (`directConvolutionBand`).
    func enqueueDirectConvolution(_ g: Conv2DGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                                  activation: ElementwiseActivation, output: Tensor) throws -> Bool {
        guard let band = directConvolutionBand(g) else { return false }
        try launchDirectConvolution(g, band: band, x: wide(input), w: arg(weight), bias: bias.map(arg),
                                    activation: activation, y: wide(output))
        return true
    }

    /// maxPool(f(W ⊛ x + b)) through conv_direct, pooling as it stores, and with `winners` each
    /// window's winner (`Backend.conv2dForwardMaxPool2x2`); false, with nothing enqueued, where
    /// conv_direct does not run the layer or no band of two output rows fits.
    func enqueueDirectConvolutionPooled(_ g: Conv2DGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                                        activation: ElementwiseActivation, output: Tensor, winners: Tensor?) throws -> Bool {
        guard directConvolutionBand(g) != nil, let band = directConvolutionBand(g, pooled: true) else { return false }
        try launchDirectConvolution(g, band: band, x: wide(input), w: arg(weight), bias: bias.map(arg),
                                    activation: activation, y: wide(output), store: .pooled(winners: winners.map(wide)))
        return true
    }

    /// The input gradient of a stride-1, 3-wide layer that keeps its size ("same" padding) as
    /// the direct convolution of dy with the flipped weights (the mirrored layer,
    /// `inputGradientGeometry`), in place of dcol = Wᵀ·dy and col2im; false, with nothing
    /// enqueued, where it does not apply. A layer that shrinks its input mirrors into one that
    /// grows dy by a border of zeros and multiplies them too: simple-cnn's 13x13 → 11x11 layer
    /// does 40 % more products that way, and the direct kernel lost to dcol and col2im there
    /// (Benchmarks/NOTES.md, item 45).
    func enqueueDirectInputGradient(_ g: Conv2DGeometry, outputGrad: Tensor, weight: Tensor, inputGrad: Tensor) throws -> Bool {
        guard g.outHeight == g.inHeight, g.outWidth == g.inWidth,
              let t = g.inputGradientGeometry, let band = directConvolutionBand(t) else { return false }
        let flipped = try flippedWeights(g, weight)
        try launchDirectConvolution(t, band: band, x: wide(outputGrad),
                                    w: KernelTensor(memory: flipped.memory, offset: 0, extent: g.weightShape.count),
                                    bias: nil, activation: .linear, y: wide(inputGrad))
        return true
    }

    /// What conv_direct stores: every output, or each 2x2 window's maximum (and its winner where
    /// `winners` is given; the outputs no window covers, an odd last row or column, are not
    /// computed).
    private enum DirectStore {
        case outputs
        case pooled(winners: KernelTensor?)
    }

    private func launchDirectConvolution(_ g: Conv2DGeometry, band: Int, x: KernelTensor, w: KernelTensor, bias: KernelTensor?,
                                         activation: ElementwiseActivation, y: KernelTensor,
                                         store: DirectStore = .outputs) throws {
        var oh = g.outHeight, ow = g.outWidth, pool = 0, winners = y
        if case .pooled(let recorded) = store {
            oh = oh / 2 * 2; ow = ow / 2 * 2
            pool = recorded == nil ? 1 : 2
            winners = recorded ?? y
        }
        try launch(ConvDirectKernel(
            x: x, w: w, bias: bias ?? w, hasBias: bias == nil ? 0 : 1, y: y, winners: winners,
            C: g.inChannels, H: g.inHeight, W: g.inWidth, KH: g.kernelHeight, sH: g.strideH, sW: g.strideW,
            pT: g.padTop, pL: g.padLeft,
            OH: oh, OW: ow, O: g.outChannels, band: band,
            act: activation.kernelCode, actAlpha: activation.kernelAlpha, pool: pool),
            kernel: Self.directConvolutionKernel(g), global: [ceilDiv(oh, band), g.batch], local: [1, 1],
            flops: 2 * Double(g.batch * g.outChannels * oh * ow * g.reductionLength))
    }

    /// Output rows per conv_direct work-item for `g`, nil where it does not run: where the
    /// packed GEMM does not (its `__local` block is the staging area, and its presence says the
    /// device runs long work-items), for a layer that is not 3 wide, where the
    /// staged rows of one output row do not fit that block, or an image past one launch's
    /// 32-bit index range. As many rows as fit, up to the whole image.
    ///
    /// Where it runs, it takes the place of every other forward path: per layer it beat
    /// im2col + GEMM and the gathered GEMM from 1 to 512 channels (Benchmarks/NOTES.md,
    /// item 44), the more the shorter the GEMM's rows or the more of its time im2col took.
    ///
    /// `pooled`: for the pooled form, an even number of rows of the outputs the windows cover,
    /// whose block of output channels also waits in the staging area to be pooled.
    func directConvolutionBand(_ g: Conv2DGeometry, pooled: Bool = false) -> Int? {
        guard convolvesDirectly, config.packedGemm != nil, g.kernelWidth == 3,
              max(g.inChannels * g.inHeight * g.inWidth, g.outChannels * g.outHeight * g.outWidth) <= limits.maxLaunchElements
        else { return nil }
        // Floats staged for `rows` output rows: C·3·sH phases of (rows + (KH − 1) / sH) rows of
        // OW, and the pad after them; pooled, also DC_OB runs of rows·OW outputs, each rounded
        // up to whole vectors.
        let oh = pooled ? g.outHeight / 2 * 2 : g.outHeight, ow = pooled ? g.outWidth / 2 * 2 : g.outWidth
        let block = pooled ? Self.directConvolutionChannels : 0, phases = 3 * g.inChannels * g.strideH
        let perRow = phases * ow + block * ow
        let fixed = Self.directConvolutionPad * (1 + block) + phases * ow * ((g.kernelHeight - 1) / g.strideH)
        let fit = (stagingFloats - fixed) / max(perRow, 1)
        let band = pooled ? min(fit, oh) / 2 * 2 : min(fit, oh)
        return band >= 1 ? band : nil
    }

    /// The kernel that runs `g` directly: conv_direct (stride 1, constants the compiler folds)
    /// or conv_strided_direct (the same body).
    static func directConvolutionKernel(_ g: Conv2DGeometry) -> String {
        g.isStride1 ? ConvDirectKernel.kernelName : "conv_strided_direct"
    }

    /// Floats conv_direct zeroes after its staged runs: the last vector of a band reads past its
    /// run, and the kernel's vectors are at most 16 wide (DC_VW).
    static let directConvolutionPad = 16
    /// Output channels per conv_direct block (DC_OB).
    static let directConvolutionChannels = 8
}

struct ConvDirectKernel: KernelArguments {
    static let kernelName = "conv_direct"
    var x, w, bias: KernelTensor
    var hasBias: Int
    var y, winners: KernelTensor
    var C, H, W, KH, sH, sW, pT, pL, OH, OW, O, band: Int
    var act: Int
    var actAlpha: Float
    var pool: Int
}
