import Kiln

// batchnorm.cl: statistics and gradients by one work-group per channel (Kahan per item,
// pairwise across the group), so neither pass needs double precision or atomics. Those kernels
// index x in 64-bit (the statistics need the whole batch in one launch); inference works in
// slices of whole images.
extension OpenCLBackend {
    public func batchNormForwardTraining(_ l: BatchNormLayout, _ p: BatchNormParameters,
                                         input: Tensor, gamma: Tensor, beta: Tensor,
                                         runningMean: Tensor, runningVar: Tensor,
                                         output: Tensor, savedMean: Tensor, savedInvStd: Tensor) throws {
        check(l, input, output, [gamma, beta, runningMean, runningVar, savedMean, savedInvStd])
        try locked {
            try checkChannelLength(l)
            try launch(BatchNormTrainingKernel(
                x: wide(input), gamma: arg(gamma), beta: arg(beta), runMean: arg(runningMean), runVar: arg(runningVar),
                y: wide(output), savedMean: arg(savedMean), savedInvStd: arg(savedInvStd),
                N: l.batch, C: l.channels, S: l.spatial, decay: p.runningAverageDecay, epsilon: p.epsilon), groups: l.channels)
        }
    }

    public func batchNormForwardInference(_ l: BatchNormLayout, _ p: BatchNormParameters,
                                          input: Tensor, gamma: Tensor, beta: Tensor,
                                          runningMean: Tensor, runningVar: Tensor, output: Tensor) throws {
        check(l, input, output, [gamma, beta, runningMean, runningVar])
        try locked {
            let image = l.channels * l.spatial
            try forEachSlice(l.batch, itemSize: image) { n0, nb in
                let rows = nb * l.channels
                try launch(BatchNormInferenceKernel(
                    x: arg(input, from: n0 * image, count: nb * image), gamma: arg(gamma), beta: arg(beta),
                    runMean: arg(runningMean), runVar: arg(runningVar), y: arg(output, from: n0 * image, count: nb * image),
                    C: l.channels, S: l.spatial, epsilon: p.epsilon, rows: rows),
                    global: [rows], local: [32], bytes: 8 * Double(nb * image))
            }
        }
    }

    public func batchNormBackward(_ l: BatchNormLayout, input: Tensor, outputGrad: Tensor, gamma: Tensor,
                                  savedMean: Tensor, savedInvStd: Tensor,
                                  inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor) throws {
        check(l, input, outputGrad, [gamma, savedMean, savedInvStd, gammaGrad, betaGrad])
        precondition(inputGrad.count == l.count, "batch-norm gradient does not match \(l)")
        try locked {
            try checkChannelLength(l)
            try launch(BatchNormBackwardKernel(
                x: wide(input), dy: wide(outputGrad), gamma: arg(gamma), savedMean: arg(savedMean),
                savedInvStd: arg(savedInvStd), dx: wide(inputGrad), dgamma: arg(gammaGrad), dbeta: arg(betaGrad), N: l.batch, C: l.channels, S: l.spatial),
                groups: l.channels)
        }
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
}

struct BatchNormInferenceKernel: KernelArguments {
    static let kernelName = "batchnorm_forward_inference"
    var x, gamma, beta, runMean, runVar, y: KernelTensor
    var C, S: Int
    var epsilon: Float
    var rows: Int
}

struct BatchNormBackwardKernel: KernelArguments {
    static let kernelName = "batchnorm_backward"
    var x, dy, gamma, savedMean, savedInvStd, dx, dgamma, dbeta: KernelTensor
    var N, C, S: Int
}
