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
            try forEachSlice(n, itemSize: 1) { e0, count in
            try launch(OptimizerStepKernel(
                count: count, params: arg(params, from: e0, count: count), grads: arg(grads, from: e0, count: count),
                mask: arg(decayMask, from: e0, count: count), state1: arg(state1, from: e0, count: count),
                state2: arg(state2, from: e0, count: count),
                lr: u.learningRate, momentum: u.momentum, nesterov: u.nesterov ? 1 : 0, rho: u.rho, beta1: u.beta1,
                beta2: u.beta2, epsilon: u.epsilon, l1: u.l1, l2: u.l2, weightDecay: u.weightDecay,
                c1: u.biasCorrection1, c2: u.biasCorrection2), kernel: "optimizer_step_" + kind, count: count)
            }
        }
    }
}

/// `optimizer_step_<kind>` of optimizer.cl, one kernel per kind (see `KernelArguments`).
struct OptimizerStepKernel: KernelArguments {
    static let kernelName = "optimizer_step_sgd"
    var count: Int
    var params, grads, mask, state1, state2: KernelTensor
    var lr, momentum: Float
    var nesterov: Int
    var rho, beta1, beta2, epsilon, l1, l2, weightDecay, c1, c2: Float
}
