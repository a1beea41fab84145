import Kiln

// batchnorm.cl: statistics and gradients by one work-group per channel (Kahan per item,
// pairwise across the group), so neither pass needs double precision or atomics. Those kernels
// index x in 64-bit (the statistics need the whole batch in one launch); inference works in
// slices of whole images. The GPU family (see KernelFamily) spreads each channel over many
// groups, combines their partials per channel in order, then works one item per element.
extension OpenCLBackend {
    public func batchNormForwardTraining(_ l: BatchNormLayout, _ p: BatchNormParameters,
                                         input: Tensor, gamma: Tensor, beta: Tensor,
                                         runningMean: Tensor, runningVar: Tensor,
                                         output: Tensor, savedMean: Tensor, savedInvStd: Tensor,
                                         activation: ElementwiseActivation) throws {
        check(l, input, output, [gamma, beta, runningMean, runningVar, savedMean, savedInvStd])
        let act = activation.kernelCode, actAlpha = activation.kernelAlpha
        try locked {
            try checkChannelLength(l)
            if config.kernelFamily == .gpu {
                let chunks = config.reductionChunks(l.batch * l.spatial)
                let partials = try workspace(l.channels * chunks * 3)
                try launch(BatchNormStatsPartialKernel(x: wide(input), partials: partials.memory, N: l.batch, C: l.channels,
                                                       S: l.spatial, chunks: chunks),
                           global: [chunks * config.reductionGroupSize, l.channels], local: [config.reductionGroupSize, 1])
                try launch(BatchNormStatsFinishKernel(partials: partials.memory, chunks: chunks, C: l.channels,
                                                      m: l.batch * l.spatial, decay: p.runningAverageDecay, epsilon: p.epsilon,
                                                      runMean: arg(runningMean), runVar: arg(runningVar),
                                                      savedMean: arg(savedMean), savedInvStd: arg(savedInvStd)),
                           count: l.channels)
                return try forEachImageSlice(l) { from, count in
                    try launch(BatchNormNormalizeKernel(x: arg(input, from: from, count: count), gamma: arg(gamma),
                                                        beta: arg(beta), mean: arg(savedMean), invStd: arg(savedInvStd),
                                                        y: arg(output, from: from, count: count), C: l.channels, S: l.spatial,
                                                        count: count, act: act, actAlpha: actAlpha), count: count)
                }
            }
            try launch(BatchNormTrainingKernel(
                x: wide(input), gamma: arg(gamma), beta: arg(beta), runMean: arg(runningMean), runVar: arg(runningVar),
                y: wide(output), savedMean: arg(savedMean), savedInvStd: arg(savedInvStd),
                N: l.batch, C: l.channels, S: l.spatial, decay: p.runningAverageDecay, epsilon: p.epsilon,
                act: act, actAlpha: actAlpha), groups: l.channels)
        }
    }

    public func batchNormForwardInference(_ l: BatchNormLayout, _ p: BatchNormParameters,
                                          input: Tensor, gamma: Tensor, beta: Tensor,
                                          runningMean: Tensor, runningVar: Tensor, output: Tensor,
                                          activation: ElementwiseActivation) throws {
        check(l, input, output, [gamma, beta, runningMean, runningVar])
        let act = activation.kernelCode, actAlpha = activation.kernelAlpha
        try locked {
            if config.kernelFamily == .gpu {
                return try forEachImageSlice(l) { from, count in
                    try launch(BatchNormInferenceGPUKernel(
                        x: arg(input, from: from, count: count), gamma: arg(gamma), beta: arg(beta), runMean: arg(runningMean),
                        runVar: arg(runningVar), y: arg(output, from: from, count: count), C: l.channels, S: l.spatial,
                        epsilon: p.epsilon, count: count, act: act, actAlpha: actAlpha), count: count, bytes: 8 * Double(count))
                }
            }
            let image = l.channels * l.spatial
            try forEachSlice(l.batch, itemSize: image) { n0, nb in
                let rows = nb * l.channels
                try launch(BatchNormInferenceKernel(
                    x: arg(input, from: n0 * image, count: nb * image), gamma: arg(gamma), beta: arg(beta),
                    runMean: arg(runningMean), runVar: arg(runningVar), y: arg(output, from: n0 * image, count: nb * image),
                    C: l.channels, S: l.spatial, epsilon: p.epsilon, rows: rows, act: act, actAlpha: actAlpha),
                    global: [rows], local: [32], bytes: 8 * Double(nb * image))
            }
        }
    }

    public func batchNormBackward(_ l: BatchNormLayout, input: Tensor, outputGrad: Tensor, gamma: Tensor,
                                  savedMean: Tensor, savedInvStd: Tensor,
                                  inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor,
                                  activation: ElementwiseActivation, beta: Tensor?) throws {
        check(l, input, outputGrad, [gamma, savedMean, savedInvStd, gammaGrad, betaGrad])
        precondition(inputGrad.count == l.count, "batch-norm gradient does not match \(l)")
        precondition(activation == .linear || beta?.count == l.channels, "batch-norm backward with an activation needs beta")
        let act = activation.kernelCode, actAlpha = activation.kernelAlpha
        // Without an activation the kernels never read beta: gamma stands in.
        let betaArgument = arg(activation == .linear ? gamma : beta!)
        try locked {
            try checkChannelLength(l)
            if config.kernelFamily == .gpu {
                let chunks = config.reductionChunks(l.batch * l.spatial)
                let partials = try workspace(l.channels * chunks * 2), sums = try workspace(l.channels * 2)
                try launch(BatchNormBackwardPartialKernel(x: wide(input), dy: wide(outputGrad), savedMean: arg(savedMean),
                                                          savedInvStd: arg(savedInvStd), partials: partials.memory,
                                                          N: l.batch, C: l.channels, S: l.spatial, chunks: chunks,
                                                          gamma: arg(gamma), beta: betaArgument, act: act, actAlpha: actAlpha),
                           global: [chunks * config.reductionGroupSize, l.channels], local: [config.reductionGroupSize, 1])
                try launch(BatchNormBackwardFinishKernel(partials: partials.memory, chunks: chunks, C: l.channels,
                                                         dgamma: arg(gammaGrad), dbeta: arg(betaGrad), sums: sums.memory),
                           count: l.channels)
                return try forEachImageSlice(l) { from, count in
                    try launch(BatchNormBackwardDxKernel(x: arg(input, from: from, count: count),
                                                         dy: arg(outputGrad, from: from, count: count), gamma: arg(gamma),
                                                         savedMean: arg(savedMean), savedInvStd: arg(savedInvStd),
                                                         sums: sums.memory, dx: arg(inputGrad, from: from, count: count),
                                                         C: l.channels, S: l.spatial, m: l.batch * l.spatial, count: count,
                                                         beta: betaArgument, act: act, actAlpha: actAlpha),
                               count: count)
                }
            }
            try launch(BatchNormBackwardKernel(
                x: wide(input), dy: wide(outputGrad), gamma: arg(gamma), savedMean: arg(savedMean),
                savedInvStd: arg(savedInvStd), dx: wide(inputGrad), dgamma: arg(gammaGrad), dbeta: arg(betaGrad),
                N: l.batch, C: l.channels, S: l.spatial, beta: betaArgument, act: act, actAlpha: actAlpha),
                groups: l.channels)
        }
    }

    public func batchNormFold(_ p: BatchNormParameters, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor,
                              weight: Tensor, bias: Tensor?, foldedWeight: Tensor, foldedBias: Tensor) throws {
        let shape = BatchNormFoldShape(gamma: gamma, beta: beta, runningMean: runningMean, runningVar: runningVar,
                                       weight: weight, bias: bias, foldedWeight: foldedWeight, foldedBias: foldedBias)
        let k = shape.rowLength
        // Slices of whole rows within one launch's index range. Without a bias the kernel never
        // reads b: beta stands in.
        try locked {
            try forEachSlice(shape.channels, itemSize: k) { c0, rows in
                let arguments = BatchNormFoldKernel(
                    w: arg(weight, from: c0 * k, count: rows * k), b: arg(bias ?? beta, from: c0, count: rows),
                    hasBias: bias == nil ? 0 : 1, gamma: arg(gamma, from: c0, count: rows), beta: arg(beta, from: c0, count: rows),
                    runMean: arg(runningMean, from: c0, count: rows), runVar: arg(runningVar, from: c0, count: rows),
                    wf: arg(foldedWeight, from: c0 * k, count: rows * k), bf: arg(foldedBias, from: c0, count: rows),
                    C: rows, K: k, epsilon: p.epsilon)
                let bytes = 8 * Double(rows * k)
                if config.kernelFamily == .gpu {
                    try launch(arguments, kernel: "batchnorm_fold_gpu", count: rows * k, bytes: bytes)
                } else {
                    try launch(arguments, global: [rows], local: [min(rows, 8)], bytes: bytes)
                }
            }
        }
    }

    /// Runs `body(firstElement, elements)` over slices of whole images (`forEachSlice`).
    private func forEachImageSlice(_ l: BatchNormLayout, _ body: (_ from: Int, _ count: Int) throws -> Void) throws {
        let image = l.channels * l.spatial
        try forEachSlice(l.batch, itemSize: image) { n0, nb in try body(n0 * image, nb * image) }
    }

    /// The kernels count a channel's m = N·S values in `int`.
    private func checkChannelLength(_ l: BatchNormLayout) throws {
        guard l.batch * l.spatial <= Int(Int32.max) else {
            throw OpenCLError.invalidLaunch("batch norm over \(l.batch * l.spatial) values per channel: more than 2^31 − 1")
        }
    }

    private func check(_ l: BatchNormLayout, _ x: Tensor, _ y: Tensor, _ perChannel: [Tensor]) {
        precondition(x.count == l.count && y.count == l.count && perChannel.allSatisfy { $0.count == l.channels },
                     "batch-norm tensors do not match \(l)")
    }
}

// The kernels of batchnorm.cl (see `KernelArguments`).
struct BatchNormTrainingKernel: KernelArguments {
    static let kernelName = "batchnorm_forward_training"
    var x, gamma, beta, runMean, runVar, y, savedMean, savedInvStd: KernelTensor
    var N, C, S: Int
    var decay, epsilon: Float
    /// The ACT_* code applied to y as it is written (the activation layer after the batch norm).
    var act: Int
    var actAlpha: Float
}

struct BatchNormInferenceKernel: KernelArguments {
    static let kernelName = "batchnorm_forward_inference"
    var x, gamma, beta, runMean, runVar, y: KernelTensor
    var C, S: Int
    var epsilon: Float
    var rows: Int
    var act: Int
    var actAlpha: Float
}

struct BatchNormBackwardKernel: KernelArguments {
    static let kernelName = "batchnorm_backward"
    var x, dy, gamma, savedMean, savedInvStd, dx, dgamma, dbeta: KernelTensor
    var N, C, S: Int
    /// beta and the ACT_* code of the forward's activation, whose backward dy goes through
    /// first (at the output the forward wrote, recomputed from x).
    var beta: KernelTensor
    var act: Int
    var actAlpha: Float
}

struct BatchNormStatsPartialKernel: KernelArguments {
    static let kernelName = "batchnorm_stats_partial"
    var x: KernelTensor
    var partials: CLMemory
    var N, C, S, chunks: Int
}

struct BatchNormStatsFinishKernel: KernelArguments {
    static let kernelName = "batchnorm_stats_finish"
    var partials: CLMemory
    var chunks, C, m: Int
    var decay, epsilon: Float
    var runMean, runVar, savedMean, savedInvStd: KernelTensor
}

struct BatchNormNormalizeKernel: KernelArguments {
    static let kernelName = "batchnorm_normalize_gpu"
    var x, gamma, beta, mean, invStd, y: KernelTensor
    var C, S, count: Int
    var act: Int
    var actAlpha: Float
}

struct BatchNormInferenceGPUKernel: KernelArguments {
    static let kernelName = "batchnorm_forward_inference_gpu"
    var x, gamma, beta, runMean, runVar, y: KernelTensor
    var C, S: Int
    var epsilon: Float
    var count: Int
    var act: Int
    var actAlpha: Float
}

struct BatchNormBackwardPartialKernel: KernelArguments {
    static let kernelName = "batchnorm_backward_partial"
    var x, dy, savedMean, savedInvStd: KernelTensor
    var partials: CLMemory
    var N, C, S, chunks: Int
    var gamma, beta: KernelTensor
    var act: Int
    var actAlpha: Float
}

struct BatchNormBackwardFinishKernel: KernelArguments {
    static let kernelName = "batchnorm_backward_finish"
    var partials: CLMemory
    var chunks, C: Int
    var dgamma, dbeta: KernelTensor
    var sums: CLMemory
}

struct BatchNormBackwardDxKernel: KernelArguments {
    static let kernelName = "batchnorm_backward_dx_gpu"
    var x, dy, gamma, savedMean, savedInvStd: KernelTensor
    var sums: CLMemory
    var dx: KernelTensor
    var C, S, m, count: Int
    var beta: KernelTensor
    var act: Int
    var actAlpha: Float
}

struct BatchNormFoldKernel: KernelArguments {
    static let kernelName = "batchnorm_fold"
    var w, b: KernelTensor
    var hasBias: Int
    var gamma, beta, runMean, runVar, wf, bf: KernelTensor
    var C, K: Int
    var epsilon: Float
}
