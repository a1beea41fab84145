import Kiln

// conv.cl: im2col + GEMM, batch split into chunks whose column matrix fits the workspace
// budget (`KernelConfig.workspaceBytes`) and whose every operand fits one launch's index
// range (`DeviceLimits.maxLaunchElements`). A 1×1, stride-1, unpadded convolution is a plain
// GEMM on the input and skips im2col.
extension OpenCLBackend {
    public func conv2dForward(_ g: Conv2DGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                              activation: ElementwiseActivation, output: Tensor) throws {
        g.check(input: input, weight: weight, output: output, bias: bias)
        // Bias (per output channel: a row of each image's [O, S] product) and activation are
        // the GEMM's epilogue, applied as y is written.
        var epilogue = GemmEpilogue(activation: activation)
        if let bias { epilogue.bias = (memory(bias), bias.offset, .perRow) }
        try locked {
            if try enqueueDirectConvolution(g, input: input, weight: weight, bias: bias, activation: activation,
                                            output: output) { return }
            if try enqueueGatheredConvolution(g, input: input, weight: weight, output: output, epilogue: epilogue) { return }
            let k = g.reductionLength, s = g.outHeight * g.outWidth, perImage = g.inChannels * g.inHeight * g.inWidth
            try forEachColumnChunk(g) { n0, nb, col in
                let source: (CLMemory, Int)
                if let col {
                    try im2col(g, input: input, firstImage: n0, images: nb, into: col, rowStride: s, imageStride: k * s)
                    source = (col, 0)
                } else {
                    source = (memory(input), input.offset + n0 * perImage)
                }
                var d = g.forwardProduct
                d.batch = nb
                try enqueueGemm(d, a: memory(weight), weight.offset, b: source.0, source.1,
                                c: memory(output), output.offset + n0 * g.outChannels * s, epilogue: epilogue)
            }
        }
    }

    /// Fused on CPU devices: where conv_direct runs the layer, it pools as it stores (and records
    /// winners, the one form that does); elsewhere, where the packed GEMM finishes each element in
    /// one K slice, im2col in window order (`im2col_pool2x2`), then the GEMM's epilogue stores
    /// each window's maximum (`GemmEpilogue.poolsColumns`). gemm_tiled (GPUs) has no pooled
    /// epilogue yet.
    public func conv2dForwardMaxPool2x2(_ g: Conv2DGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                                        activation: ElementwiseActivation, output: Tensor, winners: Tensor?) throws -> Bool {
        let pool = g.maxPool2x2
        g.check(pooledOutput: output, input: input, weight: weight, bias: bias)
        if let winners {
            precondition(winners.count == output.count, "winners have \(winners.count) elements, want \(pool.outputShape)")
            if !recordsPoolWinners { return false }
        }
        // Where conv_direct runs the layer, it pools as it stores (it beat im2col_pool2x2 and
        // the GEMM unfused already: Benchmarks/NOTES.md, item 46). The GEMM's pooled epilogue
        // records no winners.
        let direct = try locked {
            try enqueueDirectConvolutionPooled(g, input: input, weight: weight, bias: bias, activation: activation,
                                               output: output, winners: winners)
        }
        if direct { return true }
        if winners != nil || directConvolutionBand(g) != nil { return false }
        let k = g.reductionLength, windows = pool.outHeight * pool.outWidth, columns = 4 * windows
        var d = GemmDescriptor(m: g.outChannels, n: columns, k: k)
        d.ldc = windows; d.strideA = 0; d.strideB = k * columns; d.strideC = g.outChannels * windows
        // Every chunk's GEMM (the last may be shorter) must finish in one slice.
        let chunk = forwardChunk(g)
        let fits = Set([chunk, g.batch % chunk].filter { $0 > 0 }).allSatisfy { nb in
            var c = d
            c.batch = nb
            return packedGemmFinishesInOneSlice(c)
        }
        guard fits else { return false }
        var epilogue = GemmEpilogue(activation: activation)
        epilogue.bias = bias.map { (memory($0), $0.offset, .perRow) }
        epilogue.poolsColumns = true
        try locked {
            try forEachColumnChunk(g, pooled: true) { n0, nb, col in
                try im2col(g, input: input, firstImage: n0, images: nb, into: col!, rowStride: columns,
                           imageStride: k * columns, pooled: true)
                var part = d
                part.batch = nb
                try enqueueGemm(part, a: memory(weight), weight.offset, b: col!, 0,
                                c: memory(output), output.offset + n0 * g.outChannels * windows, epilogue: epilogue)
            }
        }
        return true
    }

    public func conv2dBackwardData(_ g: Conv2DGeometry, outputGrad: Tensor, weight: Tensor, inputGrad: Tensor) throws {
        g.check(input: inputGrad, weight: weight, output: outputGrad)
        try locked {
            if try enqueueDirectInputGradient(g, outputGrad: outputGrad, weight: weight, inputGrad: inputGrad) { return }
            if try enqueueGatheredInputGradient(g, outputGrad: outputGrad, weight: weight, inputGrad: inputGrad) { return }
            let k = g.reductionLength, s = g.outHeight * g.outWidth, perImage = g.inChannels * g.inHeight * g.inWidth
            try forEachColumnChunk(g) { n0, nb, col in
                // dcol[n] = Wᵀ [K, O] · dy[n] [O, S]
                var d = GemmDescriptor(m: k, n: s, k: g.outChannels, transposeA: true)
                d.batch = nb; d.strideA = 0; d.strideB = g.outChannels * s; d.strideC = k * s
                let target = col.map { ($0, 0) } ?? (memory(inputGrad), inputGrad.offset + n0 * perImage)
                try enqueueGemm(d, a: memory(weight), weight.offset,
                                b: memory(outputGrad), outputGrad.offset + n0 * g.outChannels * s,
                                c: target.0, target.1)
                guard let col else { return }
                let columns = KernelTensor(memory: col, offset: 0, extent: nb * k * s)
                let dx = arg(inputGrad, from: n0 * perImage, count: nb * perImage)
                let bytes = 4 * Double(nb * (k * s + perImage))
                if config.kernelFamily == .gpu {
                    try launch(Col2ImGPUKernel(col: columns, dx: dx, geometry: ConvKernelGeometry(g), nb: nb),
                               count: nb * perImage, bytes: bytes)
                } else {
                    // A work-item per plane: one contiguous add per tap where the column rows are
                    // shifted copies of the plane (col2im_shifted), else a run per row whose
                    // bounds are worked out once per tap (col2im).
                    try launch(Col2ImKernel(col: columns, dx: dx, geometry: ConvKernelGeometry(g)),
                               kernel: g.isShifted ? "col2im_shifted" : Col2ImKernel.kernelName,
                               global: [g.inChannels, nb], local: [min(g.inChannels, 8), 1], bytes: bytes)
                }
            }
        }
    }

    public func conv2dBackwardFilter(_ g: Conv2DGeometry, input: Tensor, outputGrad: Tensor,
                                     weightGrad: Tensor, biasGrad: Tensor?) throws {
        g.check(input: input, weight: weightGrad, output: outputGrad, bias: biasGrad)
        try locked {
            if try enqueueStagedFilterGradient(g, input: input, outputGrad: outputGrad, weightGrad: weightGrad,
                                                biasGrad: biasGrad) { return }
            // dW [O, K] += dyᵀ-permuted [O, nb·S] · colᵀ [nb·S, K]: laying the chunk out as
            // [K][nb][S] and dy as [O][nb][S] makes the sum over images part of one GEMM's K.
            let k = g.reductionLength, s = g.outHeight * g.outWidth, o = g.outChannels
            let chunk = chunkSize(g, floatsPerImage: (k + o) * s)
            let col = try workspace(chunk * k * s)
            let dyT = try workspace(chunk * o * s)
            // The bias gradient comes from the dy rows nchw_to_cnhw copies: it writes each
            // (channel, image) row's sum into rowSums [O, batch], added up per channel at the end.
            // (The GPU family takes the bias gradient from dy by its own reduction instead.)
            let gpu = config.kernelFamily == .gpu
            let rowSums = gpu ? nil : try biasGrad.map { _ in try workspace(o * g.batch) }
            for n0 in stride(from: 0, to: g.batch, by: chunk) {
                let nb = min(chunk, g.batch - n0)
                try im2col(g, input: input, firstImage: n0, images: nb, into: col.memory, rowStride: nb * s, imageStride: s)
                if gpu {
                    try launch(NCHWToCNHWGPUKernel(x: arg(outputGrad, from: n0 * o * s, count: nb * o * s),
                                                   y: KernelTensor(memory: dyT.memory, offset: 0, extent: nb * o * s),
                                                   nb: nb, O: o, S: s),
                               count: nb * o * s, bytes: 4 * Double(2 * nb * o * s))
                } else {
                    try launch(NCHWToCNHWKernel(x: arg(outputGrad, from: n0 * o * s, count: nb * o * s),
                                                y: KernelTensor(memory: dyT.memory, offset: 0, extent: nb * o * s),
                                                nb: nb, O: o, S: s,
                                                sums: KernelTensor(memory: rowSums?.memory ?? dyT.memory, offset: n0,
                                                                   extent: rowSums == nil ? 0 : o * g.batch),
                                                sumStride: rowSums == nil ? 0 : g.batch),
                               global: [o, nb], local: Array(rowGroup(o, planes: nb).prefix(2)),
                               bytes: 4 * Double(2 * nb * o * s))
                }
                var d = GemmDescriptor(m: o, n: k, k: nb * s, transposeB: true, beta: 1)
                d.lda = nb * s; d.ldb = nb * s
                try enqueueGemm(d, a: dyT.memory, 0, b: col.memory, 0, c: memory(weightGrad), weightGrad.offset)
            }
            if let biasGrad, gpu { try enqueueBiasGrad(outputGrad, biasGrad: biasGrad, channels: o) }
            if let biasGrad, let rowSums {
                try launch(BiasGradFromRowsKernel(sums: rowSums.memory, N: g.batch, db: arg(biasGrad), O: o),
                           global: [o], local: [1])
            }
        }
    }

    /// Runs `body(n0, nb, col)` over the batch in chunks whose column matrix (K·S floats per
    /// image) fits the workspace budget; `col` is the chunk's column workspace, nil for a
    /// pointwise convolution (its input is its own column matrix) unless `pooled` asks for a
    /// matrix in window order (`im2col_pool2x2`, smaller: the same chunks and block as the
    /// unpooled forward's, so inference after training takes the block training left).
    private func forEachColumnChunk(_ g: Conv2DGeometry, pooled: Bool = false,
                                    _ body: (_ n0: Int, _ nb: Int, _ col: CLMemory?) throws -> Void) throws {
        let columns = g.reductionLength * g.outHeight * g.outWidth
        let chunk = forwardChunk(g)
        let col = g.isPointwise && !pooled ? nil : try workspace(chunk * columns)
        for n0 in stride(from: 0, to: g.batch, by: chunk) { try body(n0, min(chunk, g.batch - n0), col?.memory) }
    }

    /// Images per chunk of the forward's column matrix.
    private func forwardChunk(_ g: Conv2DGeometry) -> Int {
        chunkSize(g, floatsPerImage: g.reductionLength * g.outHeight * g.outWidth)
    }

    /// Images per chunk so one chunk's workspace stays within the budget and no operand of a
    /// chunk (input, output, workspace) passes one launch's index range (at least one image).
    func chunkSize(_ g: Conv2DGeometry, floatsPerImage: Int) -> Int {
        let largest = max(floatsPerImage, g.inChannels * g.inHeight * g.inWidth, g.outChannels * g.outHeight * g.outWidth, 1)
        return max(1, min(g.batch, config.workspaceBytes / max(4 * floatsPerImage, 1), limits.maxLaunchElements / largest))
    }

    /// Work-group of the row-per-item kernels (im2col, col2im, pooling): up to 32 rows of one plane
    /// times enough planes for ~256 items. PoCL pays per work-group, so groups of one plane's
    /// ten-odd rows made tens of thousands of groups per launch.
    func rowGroup(_ rows: Int, planes: Int) -> [Int] {
        let r = min(rows, 32)
        return [r, max(1, min(planes, 256 / r)), 1]
    }

    /// `pooled`: in 2x2 windows' order for the pooled GEMM epilogue (`im2col_pool2x2`, a row per
    /// work-item like im2col: it runs only with the packed GEMM, on CPU devices; rowStride
    /// 4·(OH / 2)·(OW / 2) per image).
    private func im2col(_ g: Conv2DGeometry, input: Tensor, firstImage: Int, images: Int, into col: CLMemory,
                        rowStride: Int, imageStride: Int, pooled: Bool = false) throws {
        let perImage = g.inChannels * g.inHeight * g.inWidth
        let perRow = pooled ? 4 * (g.outHeight / 2) * (g.outWidth / 2) : g.outHeight * g.outWidth
        let columns = images * g.reductionLength * perRow
        let arguments = Im2ColKernel(x: arg(input, from: firstImage * perImage, count: images * perImage),
                                     col: KernelTensor(memory: col, offset: 0, extent: columns),
                                     rowStride: rowStride, imageStride: imageStride, geometry: ConvKernelGeometry(g), nb: images)
        let bytes = 4 * Double(columns + images * perImage)
        if config.kernelFamily == .gpu && !pooled {
            // Same arguments, one work-item per column entry.
            return try launch(arguments, kernel: "im2col_gpu", global: [columns], local: [config.elementwiseGroupSize],
                              bytes: bytes)
        }
        // im2col and im2col_pool2x2 (IM2COL_ITEM) take a column row per item, im2col_shifted an
        // input plane's KH·KW rows; dimension 0 is the one that steps col less, images in the
        // filter gradient's [r][n][s], rows (planes) in the forward's [n][r][s].
        let shifted = !pooled && g.isShifted
        let rows = shifted ? g.inChannels : g.reductionLength
        let (first, second) = imageStride < rowStride ? (images, rows) : (rows, images)
        try launch(arguments, kernel: pooled ? "im2col_pool2x2" : shifted ? "im2col_shifted" : Im2ColKernel.kernelName,
                   global: [first, second], local: Array(rowGroup(first, planes: second).prefix(2)), bytes: bytes)
    }
}

extension Conv2DGeometry {
    /// A 1×1 convolution with stride 1 and no padding: the input already is its column matrix.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideH == 1 && strideW == 1
            && padTop == 0 && padLeft == 0 && padBottom == 0 && padRight == 0
    }

    /// Stride 1 along both axes: conv_direct and conv_filter_grad_staged, whose strided forms
    /// (conv_strided_direct, conv_strided_filter_grad) run the same body with the strides as
    /// arguments.
    var isStride1: Bool { strideH == 1 && strideW == 1 }

    /// Stride 1 and output rows as wide as the input's: every column row is the input plane
    /// read at one offset (conv.cl's `im2col_is_shifted`, which the kernels test themselves).
    var isShifted: Bool { isStride1 && outWidth == inWidth }
}

// The kernels of conv.cl (see `KernelArguments`).
struct ConvKernelGeometry: KernelArgumentGroup {
    var C, H, W, KH, KW, sH, sW, pT, pL, OH, OW: Int

    init(_ g: Conv2DGeometry) {
        C = g.inChannels; H = g.inHeight; W = g.inWidth; KH = g.kernelHeight; KW = g.kernelWidth
        sH = g.strideH; sW = g.strideW; pT = g.padTop; pL = g.padLeft; OH = g.outHeight; OW = g.outWidth
    }
}

struct Im2ColKernel: KernelArguments {
    static let kernelName = "im2col"
    var x, col: KernelTensor
    var rowStride, imageStride: Int
    var geometry: ConvKernelGeometry
    var nb: Int
}

struct Col2ImKernel: KernelArguments {
    static let kernelName = "col2im"
    var col, dx: KernelTensor
    var geometry: ConvKernelGeometry
}

struct NCHWToCNHWKernel: KernelArguments {
    static let kernelName = "nchw_to_cnhw"
    var x, y: KernelTensor
    var nb, O, S: Int
    var sums: KernelTensor
    var sumStride: Int
}

struct BiasGradFromRowsKernel: KernelArguments {
    static let kernelName = "bias_grad_from_rows"
    var sums: CLMemory
    var N: Int
    var db: KernelTensor
    var O: Int
}

struct Col2ImGPUKernel: KernelArguments {
    static let kernelName = "col2im_gpu"
    var col, dx: KernelTensor
    var geometry: ConvKernelGeometry
    var nb: Int
}

struct NCHWToCNHWGPUKernel: KernelArguments {
    static let kernelName = "nchw_to_cnhw_gpu"
    var x, y: KernelTensor
    var nb, O, S: Int
}
