import Kiln

// gemm_packed_conv.cl: on the packed GEMM (CPU devices) a convolution's forward product
// gathers its blocks of the column matrix from the input inside the GEMM (conv_gemm_local):
// no im2col pass, no column matrix in memory, the whole batch in one launch.
extension OpenCLBackend {
    /// y = epilogue(W · col(x)) through conv_gemm_local; false, with nothing enqueued, where
    /// it does not apply: no packed GEMM (GPUs), CLBlast chosen as the GEMM provider, a
    /// pointwise layer (its input already is its column matrix), an image past one launch's
    /// 32-bit index range, or a product the packed GEMM would split along K; and where it
    /// does not pay: more than three register tiles of output channels.
    ///
    /// Gathering a value costs about what im2col's writing it does (runs of one output row
    /// within one 32-column strip); what it saves is the GEMM's copy of the column matrix back
    /// from memory, which weighs most when few tiles share each copied block: per layer it won
    /// at three tiles (16 channels in rows of six) and lost at six (Benchmarks/NOTES.md, item 26).
    func enqueueGatheredConvolution(_ g: Conv2DGeometry, input: Tensor, weight: Tensor, output: Tensor,
                                    epilogue: GemmEpilogue) throws -> Bool {
        guard gathersConvolutionColumns, let capacity = config.packedGemm, gemmProvider == .kiln, !g.isPointwise,
              !epilogue.poolsColumns, ceilDiv(g.outChannels, capacity.tile.rows) <= 3 else { return false }
        let k = g.reductionLength, s = g.outHeight * g.outWidth, o = g.outChannels
        let perImage = g.inChannels * g.inHeight * g.inWidth
        guard max(perImage, o * s, k) <= limits.maxLaunchElements else { return false }
        var d = GemmDescriptor(m: o, n: s, k: k)
        d.batch = g.batch; d.strideA = 0; d.strideB = k * s; d.strideC = o * s
        guard packedGemmParts(capacity, d) == 1 else { return false }
        recordedGemms?.append(d)
        let a = try packPanels(capacity, d, a: memory(weight), weight.offset)
        // x and y index each image in 64-bit arithmetic and within it in 32-bit (checked above).
        try launch(ConvGemmLocalKernel(
            M: o, N: s, K: k, alpha: 1, beta: 0, Ap: a.panels.memory, apStride: a.stride,
            x: KernelTensor(memory: memory(input), offset: input.offset, extent: nil), xStride: perImage,
            y: KernelTensor(memory: memory(output), offset: output.offset, extent: nil), ldc: s, yStride: o * s,
            kcs: a.blocks.kc, mcb: a.blocks.mcb, ncb: a.blocks.ncb, epilogue: epilogue.arguments(unused: memory(output)),
            geometry: ConvKernelGeometry(g)),
            global: packedGemmGrid(capacity, d, a.blocks), local: [1, 1, 1],
            flops: d.flops, bytes: 4 * Double(g.batch * (perImage + o * s) + o * k))
        return true
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
