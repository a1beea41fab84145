import Kiln

// activation.cl: activations, bias add and gradient, element-wise add.
extension OpenCLBackend {
    public func activationForward(_ f: ActivationFunction, input: Tensor, output: Tensor) throws {
        precondition(input.count == output.count, "activation tensors differ in size")
        try locked {
            if case .softmax = f {
                let k = input.shape.dims.last ?? 1
                try launch("softmax_forward", args(input) + args(output) + [input.count / max(k, 1), k],
                           count: input.count / max(k, 1))
            } else {
                guard let name = f.kernelSuffix else { return try copyIfDistinct(input, output) }
                try launch("activation_forward_" + name, [f.kernelAlpha] + args(input) + args(output) + [input.count],
                           count: input.count)
            }
        }
    }

    public func activationBackward(_ f: ActivationFunction, output: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws {
        precondition(output.count == outputGrad.count && output.count == inputGrad.count, "activation tensors differ in size")
        try locked {
            if case .softmax = f {
                let k = output.shape.dims.last ?? 1
                try launch("softmax_backward", args(output) + args(outputGrad) + args(inputGrad) + [output.count / max(k, 1), k],
                           count: output.count / max(k, 1))
            } else {
                guard let name = f.kernelSuffix else { return try copyIfDistinct(outputGrad, inputGrad) }
                try launch("activation_backward_" + name,
                           [f.kernelAlpha] + args(output) + args(outputGrad) + args(inputGrad) + [output.count],
                           count: output.count)
            }
        }
    }

    public func biasAdd(_ x: Tensor, bias: Tensor, channels: Int) throws {
        precondition(bias.count == channels && x.count % max(channels, 1) == 0, "bias does not match \(x.shape)")
        try locked {
            let s = spatial(x, channels), rows = x.count / max(s, 1)
            try launch("bias_add", args(x) + args(bias) + [channels, s, rows], global: [rows], local: [config.elementwiseGroupSize],
                       bytes: 8 * Double(x.count))
        }
    }

    public func biasGrad(_ outputGrad: Tensor, biasGrad: Tensor, channels: Int) throws {
        precondition(biasGrad.count == channels && outputGrad.count % max(channels, 1) == 0,
                     "bias gradient does not match \(outputGrad.shape)")
        try locked {
            let s = spatial(outputGrad, channels)
            try launch("bias_grad", args(outputGrad) + args(biasGrad) + [outputGrad.count / max(channels * s, 1), channels, s],
                       groups: channels)
        }
    }

    public func add(_ a: Tensor, _ b: Tensor, into out: Tensor) throws {
        precondition(a.count == b.count && a.count == out.count, "add of tensors of different sizes")
        try locked { try launch("add_tensors", args(a) + args(b) + args(out) + [out.count], count: out.count) }
    }

    /// S of x viewed as [batch, channels, S], batch being the outermost dimension.
    private func spatial(_ x: Tensor, _ channels: Int) -> Int {
        let batch = x.shape.rank > 0 ? x.shape[0] : 1
        return x.count / max(batch * channels, 1)
    }

    /// Identity: copies unless source and destination are the same view (called under the lock).
    private func copyIfDistinct(_ source: Tensor, _ destination: Tensor) throws {
        if source.overlaps(destination) && source.offset == destination.offset { return }
        precondition(!source.overlaps(destination), "activation between partly overlapping views")
        try enqueueCopy(source, to: destination)
    }
}

// How activation.cl names and encodes an element-wise function (the activation kernels and
// the GEMM epilogue).
extension ActivationFunction {
    /// The `activation_{forward,backward}_<suffix>` kernels; nil for linear (the identity: a
    /// copy, or nothing in place).
    var kernelSuffix: String? {
        switch self {
        case .linear: nil
        case .relu: "relu"
        case .leakyReLU: "leaky_relu"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .softmax: preconditionFailure("softmax has its own kernels")
        }
    }

    /// The ACT_* code.
    var kernelCode: Int32 {
        switch self {
        case .linear: 0
        case .relu: 1
        case .leakyReLU: 2
        case .sigmoid: 3
        case .tanh: 4
        case .softmax: preconditionFailure("softmax is not element-wise: it has no ACT_* code")
        }
    }

    /// The kernels' `alpha` argument: leaky ReLU's slope, else unused.
    var kernelAlpha: Float {
        if case .leakyReLU(let a) = self { return a }
        return 0
    }
}
