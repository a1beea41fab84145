import Kiln

// activation.cl: activations, bias add and gradient, element-wise add.
extension OpenCLBackend {
    public func activationForward(_ f: ActivationFunction, input: Tensor, output: Tensor) throws {
        precondition(input.count == output.count, "activation tensors differ in size")
        try locked {
            if let e = ElementwiseActivation(f) {
                guard let name = e.kernelSuffix else { return try copyIfDistinct(input, output) }
                try launch(ActivationForwardKernel(alpha: e.kernelAlpha, x: arg(input), y: arg(output), count: input.count),
                           kernel: "activation_forward_" + name, count: input.count)
            } else {
                let k = input.shape.dims.last ?? 1
                let rows = input.count / max(k, 1)
                try launch(SoftmaxForwardKernel(x: arg(input), y: arg(output), rows: rows, K: k), count: rows)
            }
        }
    }

    public func activationBackward(_ f: ActivationFunction, output: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws {
        precondition(output.count == outputGrad.count && output.count == inputGrad.count, "activation tensors differ in size")
        try locked {
            if let e = ElementwiseActivation(f) {
                guard let name = e.kernelSuffix else { return try copyIfDistinct(outputGrad, inputGrad) }
                try launch(ActivationBackwardKernel(alpha: e.kernelAlpha, y: arg(output), dy: arg(outputGrad),
                                                    dx: arg(inputGrad), count: output.count),
                           kernel: "activation_backward_" + name, count: output.count)
            } else {
                let k = output.shape.dims.last ?? 1
                let rows = output.count / max(k, 1)
                try launch(SoftmaxBackwardKernel(y: arg(output), dy: arg(outputGrad), dx: arg(inputGrad), rows: rows, K: k),
                           count: rows)
            }
        }
    }

    public func biasGrad(_ outputGrad: Tensor, biasGrad: Tensor, channels: Int) throws {
        precondition(biasGrad.count == channels && outputGrad.count % max(channels, 1) == 0,
                     "bias gradient does not match \(outputGrad.shape)")
        try locked {
            let s = spatial(outputGrad, channels)
            try launch(BiasGradKernel(dy: arg(outputGrad), db: arg(biasGrad), N: outputGrad.count / max(channels * s, 1),
                                      C: channels, S: s), groups: channels)
        }
    }

    public func add(_ a: Tensor, _ b: Tensor, into out: Tensor) throws {
        precondition(a.count == b.count && a.count == out.count, "add of tensors of different sizes")
        try locked { try launch(AddTensorsKernel(a: arg(a), b: arg(b), out: arg(out), count: out.count), count: out.count) }
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
// the GEMM epilogue); softmax has kernels of its own.
extension ElementwiseActivation {
    /// The `activation_{forward,backward}_<suffix>` kernels; nil for linear (the identity: a
    /// copy, or nothing in place).
    var kernelSuffix: String? {
        switch function {
        case .linear, .softmax: nil
        case .relu: "relu"
        case .leakyReLU: "leaky_relu"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        }
    }

    /// The kernels' `alpha` argument: leaky ReLU's slope, else unused.
    var kernelAlpha: Float {
        if case .leakyReLU(let a) = function { return a }
        return 0
    }
}

// The kernels of activation.cl, bias.cl and elementwise.cl (see `KernelArguments`).
struct SoftmaxForwardKernel: KernelArguments {
    static let kernelName = "softmax_forward"
    var x, y: KernelTensor
    var rows, K: Int
}

struct SoftmaxBackwardKernel: KernelArguments {
    static let kernelName = "softmax_backward"
    var y, dy, dx: KernelTensor
    var rows, K: Int
}

/// `activation_forward_<suffix>`, one kernel per function.
struct ActivationForwardKernel: KernelArguments {
    static let kernelName = "activation_forward_relu"
    var alpha: Float
    var x, y: KernelTensor
    var count: Int
}

/// `activation_backward_<suffix>`, one kernel per function.
struct ActivationBackwardKernel: KernelArguments {
    static let kernelName = "activation_backward_relu"
    var alpha: Float
    var y, dy, dx: KernelTensor
    var count: Int
}

/// No op launches bias_add since biasAdd left the op vocabulary (dense and convolution
/// forwards add the bias in their epilogues); it remains as `KernelArgumentsTests`' fixture.
struct BiasAddKernel: KernelArguments {
    static let kernelName = "bias_add"
    var x, bias: KernelTensor
    var C, S, rows: Int
}

struct BiasGradKernel: KernelArguments {
    static let kernelName = "bias_grad"
    var dy, db: KernelTensor
    var N, C, S: Int
}

struct AddTensorsKernel: KernelArguments {
    static let kernelName = "add_tensors"
    var a, b, out: KernelTensor
    var count: Int
}
