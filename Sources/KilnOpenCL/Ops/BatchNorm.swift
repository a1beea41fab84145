import Kiln

// batchnorm.cl: statistics and gradients by one work-group per channel (Kahan per item,
// pairwise across the group), so neither pass needs double precision or atomics.
extension OpenCLBackend {
    public func batchNormForwardTraining(_ l: BatchNormLayout, _ p: BatchNormParameters,
                                         input: Tensor, gamma: Tensor, beta: Tensor,
                                         runningMean: Tensor, runningVar: Tensor,
                                         output: Tensor, savedMean: Tensor, savedInvStd: Tensor) throws {
        check(l, input, output, [gamma, beta, runningMean, runningVar, savedMean, savedInvStd])
        try locked {
            try launch("batchnorm_forward_training",
                       args(input) + args(gamma) + args(beta) + args(runningMean) + args(runningVar)
                           + args(output) + args(savedMean) + args(savedInvStd)
                           + [l.batch, l.channels, l.spatial, p.runningAverageDecay, p.epsilon],
                       groups: l.channels)
        }
    }

    public func batchNormForwardInference(_ l: BatchNormLayout, _ p: BatchNormParameters,
                                          input: Tensor, gamma: Tensor, beta: Tensor,
                                          runningMean: Tensor, runningVar: Tensor, output: Tensor) throws {
        check(l, input, output, [gamma, beta, runningMean, runningVar])
        try locked {
            try launch("batchnorm_forward_inference",
                       args(input) + args(gamma) + args(beta) + args(runningMean) + args(runningVar) + args(output)
                           + [l.channels, l.spatial, p.epsilon, l.count / max(l.spatial, 1)],
                       global: [l.count / max(l.spatial, 1)], local: [32], bytes: 8 * Double(l.count))
        }
    }

    public func batchNormBackward(_ l: BatchNormLayout, input: Tensor, outputGrad: Tensor, gamma: Tensor,
                                  savedMean: Tensor, savedInvStd: Tensor,
                                  inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor) throws {
        check(l, input, outputGrad, [gamma, savedMean, savedInvStd, gammaGrad, betaGrad])
        precondition(inputGrad.count == l.count, "batch-norm gradient does not match \(l)")
        try locked {
            try launch("batchnorm_backward",
                       args(input) + args(outputGrad) + args(gamma) + args(savedMean) + args(savedInvStd)
                           + args(inputGrad) + args(gammaGrad) + args(betaGrad) + [l.batch, l.channels, l.spatial],
                       groups: l.channels)
        }
    }

    private func check(_ l: BatchNormLayout, _ x: Tensor, _ y: Tensor, _ perChannel: [Tensor]) {
        precondition(x.count == l.count && y.count == l.count && perChannel.allSatisfy { $0.count == l.channels },
                     "batch-norm tensors do not match \(l)")
    }
}
