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
                try launch("activation_forward", [Self.code(f), Self.alpha(f)] + args(input) + args(output) + [input.count],
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
                try launch("activation_backward",
                           [Self.code(f), Self.alpha(f)] + args(output) + args(outputGrad) + args(inputGrad) + [output.count],
                           count: output.count)
            }
        }
    }

    public func biasAdd(_ x: Tensor, bias: Tensor, channels: Int) throws {
        precondition(bias.count == channels && x.count % max(channels, 1) == 0, "bias does not match \(x.shape)")
        try locked {
            let s = spatial(x, channels), rows = x.count / max(s, 1)
            try launch("bias_add", args(x) + args(bias) + [channels, s, rows], count: rows)
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

    // The ACT_* codes of activation.cl.
    private static func code(_ f: ActivationFunction) -> Int32 {
        switch f {
        case .linear: 0
        case .relu: 1
        case .leakyReLU: 2
        case .sigmoid: 3
        case .tanh: 4
        case .softmax: preconditionFailure("softmax has its own kernels")
        }
    }

    private static func alpha(_ f: ActivationFunction) -> Float {
        if case .leakyReLU(let a) = f { return a }
        return 0
    }
}
