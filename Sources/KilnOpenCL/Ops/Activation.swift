import Kiln

// activation.cl, bias.cl, elementwise.cl: activations, the bias gradient, element-wise add. Launches larger than one
// launch's index range (`DeviceLimits.maxLaunchElements`) are split into slices.
extension OpenCLBackend {
    public func activationForward(_ f: ActivationFunction, input: Tensor, output: Tensor) throws {
        precondition(input.count == output.count, "activation tensors differ in size")
        try locked {
            if let e = ElementwiseActivation(f) {
                guard let name = e.kernelSuffix else { return try copyIfDistinct(input, output) }
                try forEachSlice(input.count, itemSize: 1) { e0, n in
                    try launch(ActivationForwardKernel(alpha: e.kernelAlpha, x: arg(input, from: e0, count: n),
                                                       y: arg(output, from: e0, count: n), count: n),
                               kernel: "activation_forward_" + name, count: n)
                }
            } else {
                let k = input.shape.dims.last ?? 1
                try forEachSlice(input.count / max(k, 1), itemSize: k) { r0, rows in
                    try launch(SoftmaxForwardKernel(x: arg(input, from: r0 * k, count: rows * k),
                                                    y: arg(output, from: r0 * k, count: rows * k), rows: rows, K: k), count: rows)
                }
            }
        }
    }

    public func activationBackward(_ f: ActivationFunction, output: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws {
        precondition(output.count == outputGrad.count && output.count == inputGrad.count, "activation tensors differ in size")
        try locked {
            if let e = ElementwiseActivation(f) {
                guard let name = e.kernelSuffix else { return try copyIfDistinct(outputGrad, inputGrad) }
                try forEachSlice(output.count, itemSize: 1) { e0, n in
                    try launch(ActivationBackwardKernel(alpha: e.kernelAlpha, y: arg(output, from: e0, count: n),
                                                        dy: arg(outputGrad, from: e0, count: n),
                                                        dx: arg(inputGrad, from: e0, count: n), count: n),
                               kernel: "activation_backward_" + name, count: n)
                }
            } else {
                let k = output.shape.dims.last ?? 1
                try forEachSlice(output.count / max(k, 1), itemSize: k) { r0, rows in
                    try launch(SoftmaxBackwardKernel(y: arg(output, from: r0 * k, count: rows * k),
                                                     dy: arg(outputGrad, from: r0 * k, count: rows * k),
                                                     dx: arg(inputGrad, from: r0 * k, count: rows * k), rows: rows, K: k),
                               count: rows)
                }
            }
        }
    }

    public func biasGrad(_ outputGrad: Tensor, biasGrad: Tensor, channels: Int) throws {
        precondition(biasGrad.count == channels && outputGrad.count % max(channels, 1) == 0,
                     "bias gradient does not match \(outputGrad.shape)")
        try locked { try enqueueBiasGrad(outputGrad, biasGrad: biasGrad, channels: channels) }
    }

    /// `biasGrad` without taking the lock (the GPU family's filter gradient calls it too).
    func enqueueBiasGrad(_ outputGrad: Tensor, biasGrad: Tensor, channels: Int) throws {
        let s = spatial(outputGrad, channels), n = outputGrad.count / max(channels * s, 1)
        if config.kernelFamily == .gpu {
            // Many groups per channel, then their partials added per channel in order.
            let chunks = config.reductionChunks(n * s)
            let partials = try workspace(channels * chunks)
            try launch(BiasGradPartialKernel(dy: wide(outputGrad), partials: partials.memory, N: n, C: channels, S: s,
                                             chunks: chunks),
                       global: [chunks * config.reductionGroupSize, channels], local: [config.reductionGroupSize, 1])
            return try launch(BiasGradFromRowsKernel(sums: partials.memory, N: chunks, db: arg(biasGrad), O: channels),
                              count: channels)
        }
        // The kernel indexes dy in 64-bit: a reduction over the whole batch is one launch.
        try launch(BiasGradKernel(dy: wide(outputGrad), db: arg(biasGrad), N: n, C: channels, S: s), groups: channels)
    }

    public func add(_ a: Tensor, _ b: Tensor, into out: Tensor, activation: ElementwiseActivation) throws {
        precondition(a.count == b.count && a.count == out.count, "add of tensors of different sizes")
        try locked {
            try forEachSlice(out.count, itemSize: 1) { e0, n in
                try launch(AddTensorsKernel(a: arg(a, from: e0, count: n), b: arg(b, from: e0, count: n),
                                            out: arg(out, from: e0, count: n), count: n, actAlpha: activation.kernelAlpha),
                           kernel: AddTensorsKernel.name(activation), count: n)
            }
        }
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

struct BiasGradKernel: KernelArguments {
    static let kernelName = "bias_grad"
    var dy, db: KernelTensor
    var N, C, S: Int
}

/// `add_tensors` (the plain sum) or `add_tensors_<suffix>`, one kernel per function.
struct AddTensorsKernel: KernelArguments {
    static let kernelName = "add_tensors"
    var a, b, out: KernelTensor
    var count: Int
    var actAlpha: Float

    static func name(_ activation: ElementwiseActivation) -> String {
        activation.kernelSuffix.map { kernelName + "_" + $0 } ?? kernelName
    }
}

struct BiasGradPartialKernel: KernelArguments {
    static let kernelName = "bias_grad_partial"
    var dy: KernelTensor
    var partials: CLMemory
    var N, C, S, chunks: Int
}
