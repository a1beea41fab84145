import Kiln

// conv_filter_grad.cl: on CPU devices the filter gradient of a 3-wide layer straight from x and dy (conv_filter_grad_staged): no column matrix, no [O][nb][S] copy of
// dy, no packing; the per-image terms added by gemm_sum_parts.
extension OpenCLBackend {
    /// dW += Σ_n dy[n] · col(x[n])ᵀ, and db += Σ dy per channel, through
    /// conv_filter_grad_staged; false, with nothing enqueued, where it does not apply
    /// (`stagesFilterGradient`).
    func enqueueStagedFilterGradient(_ g: Conv2DGeometry, input: Tensor, outputGrad: Tensor,
                                      weightGrad: Tensor, biasGrad: Tensor?) throws -> Bool {
        guard stagesFilterGradient(g) else { return false }
        let k = g.reductionLength, o = g.outChannels, s = g.outHeight * g.outWidth
        let perImage = g.inChannels * g.inHeight * g.inWidth
        // Images per launch: every operand within one launch's index range (no workspace per
        // image: the parts are per work-item). Each work-item adds a run of images into its
        // own part: four runs per compute unit (or an image each), so the parts
        // gemm_sum_parts adds are few.
        let chunk = chunkSize(g, floatsPerImage: 0)
        let runs = min(chunk, 4 * max(device.computeUnits, 1)), per = ceilDiv(chunk, runs)
        // Images staged at once: as many as half the staging area holds with their dy rows (at
        // least one: checked). Each (channel block, kernel row) pass reads the group's staged
        // planes and dy rows again; on a CPU driver __local memory is cached memory sized like
        // a core's cache (PoCL: 1 MiB here, the L2), and a group as large as the staged planes
        // alone allowed (32 images of simple-cnn's first layer at batch 256, 2.8 MB of dy)
        // read those passes from further out.
        let group = max(1, min(per, stagingFloats / 2 / (Self.stagedFloats(g) + o * s)))
        let parts = try workspace(ceilDiv(chunk, per) * o * k)
        let rowSums = try biasGrad.map { _ in try workspace(o * g.batch) }
        for n0 in stride(from: 0, to: g.batch, by: chunk) {
            let nb = min(chunk, g.batch - n0), items = ceilDiv(nb, per)
            try launch(ConvFilterGradStagedKernel(
                x: arg(input, from: n0 * perImage, count: nb * perImage),
                dy: arg(outputGrad, from: n0 * o * s, count: nb * o * s),
                parts: KernelTensor(memory: parts.memory, offset: 0, extent: items * o * k),
                sums: KernelTensor(memory: rowSums?.memory ?? parts.memory, offset: n0, extent: rowSums == nil ? 0 : o * g.batch),
                sumStride: rowSums == nil ? 0 : g.batch,
                C: g.inChannels, H: g.inHeight, W: g.inWidth, KH: g.kernelHeight, sH: g.strideH, sW: g.strideW,
                pT: g.padTop, pL: g.padLeft,
                OH: g.outHeight, OW: g.outWidth, O: o, nb: nb, per: per, group: group),
                kernel: Self.stagedFilterGradientKernel(g),
                global: [items], local: [1], flops: 2 * Double(nb * o * k * s))
            try enqueueSumParts(m: o, n: k, parts: items, from: parts.memory, alpha: 1, beta: 1, into: arg(weightGrad),
                                ldc: k, epilogue: GemmEpilogue())
        }
        if let biasGrad, let rowSums {
            try launch(BiasGradFromRowsKernel(sums: rowSums.memory, N: g.batch, db: arg(biasGrad), O: o),
                       global: [o], local: [1])
        }
        return true
    }

    /// Where conv_filter_grad_staged runs `g`: where the packed GEMM does (its `__local` block
    /// is the staging area, and its presence says the device runs long work-items), for a layer
    /// 3 wide whose three staged planes fit that block; and where it pays: at most eight
    /// register tiles of output channels. The GEMM path's product has M = O, and
    /// its efficiency grows with M: the staged rows won 2–4x per layer at 16 and 32 channels,
    /// ~1.2x at 64 (once images were summed in groups), nothing at 128 (Benchmarks/NOTES.md,
    /// items 37 and 39).
    func stagesFilterGradient(_ g: Conv2DGeometry) -> Bool {
        guard stagesConvolutionFilterGradient, let capacity = config.packedGemm, g.kernelWidth == 3,
              ceilDiv(g.outChannels, capacity.tile.rows) <= 8 else { return false }
        return Self.stagedFloats(g) <= stagingFloats
    }

    /// The kernel that computes `g`'s filter gradient from staged rows: conv_filter_grad_staged
    /// (stride 1, constants the compiler folds) or conv_strided_filter_grad (the same body).
    static func stagedFilterGradientKernel(_ g: Conv2DGeometry) -> String {
        g.isStride1 ? ConvFilterGradStagedKernel.kernelName : "conv_strided_filter_grad"
    }

    /// Floats one image's plane takes staged: three copies of sH phases of OH + (KH − 1) / sH
    /// rows of OW (stride 1: OH + KH − 1 rows).
    private static func stagedFloats(_ g: Conv2DGeometry) -> Int {
        3 * g.strideH * (g.outHeight + (g.kernelHeight - 1) / g.strideH) * g.outWidth
    }

    /// Floats of the staging area of the kernels that stage input rows in `__local` memory
    /// (conv_filter_grad_staged, conv_direct): the packed GEMM's block.
    var stagingFloats: Int { (config.packedGemm?.bytes ?? 0) / 4 }
}

struct ConvFilterGradStagedKernel: KernelArguments {
    static let kernelName = "conv_filter_grad_staged"
    var x, dy, parts, sums: KernelTensor
    var sumStride: Int
    var C, H, W, KH, sH, sW, pT, pL, OH, OW, O, nb, per, group: Int
}
