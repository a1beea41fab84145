import Kiln

// optimizer.cl: one launch updates the whole arena (formula in OptimizerUpdate and the kernel).
extension OpenCLBackend {
    public func optimizerStep(_ u: OptimizerUpdate, params: Tensor, grads: Tensor, decayMask: Tensor,
                              state1: Tensor, state2: Tensor) throws {
        let n = params.count
        precondition([grads, decayMask, state1, state2].allSatisfy { $0.count == n }, "optimizer tensors differ in size")
        let kind = switch u.kind {  // the optimizer_step_<kind> kernels of optimizer.cl
        case .sgd: "sgd"
        case .adagrad: "adagrad"
        case .rmsprop: "rmsprop"
        case .adam: "adam"
        }
        try locked {
            try launch("optimizer_step_" + kind, [n] + args(params) + args(grads) + args(decayMask) + args(state1) + args(state2)
                           + [u.learningRate, u.momentum, u.nesterov ? 1 : 0, u.rho, u.beta1, u.beta2, u.epsilon,
                              u.l1, u.l2, u.weightDecay, u.biasCorrection1, u.biasCorrection2] as [any KernelArgument],
                       count: n)
        }
    }
}
