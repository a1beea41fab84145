import Kiln

// local_response_norm.cl: one work-item per element, in element-wise groups (both kernel
// families: consecutive items read consecutive addresses).
extension OpenCLBackend {
    public func localResponseNormForward(_ g: LocalResponseNormGeometry, input: Tensor, output: Tensor) throws {
        g.check(input, output)
        try locked {
            try launch(LRNForwardKernel(x: arg(input), y: arg(output), constants: LRNKernelConstants(g)), count: g.count)
        }
    }

    public func localResponseNormBackward(_ g: LocalResponseNormGeometry, input: Tensor, outputGrad: Tensor,
                                          inputGrad: Tensor) throws {
        g.check(input, outputGrad, inputGrad)
        try locked {
            try launch(LRNBackwardKernel(x: arg(input), dy: arg(outputGrad), dx: arg(inputGrad),
                                         constants: LRNKernelConstants(g)), count: g.count)
        }
    }
}

// The kernels of local_response_norm.cl (see `KernelArguments`).
struct LRNKernelConstants: KernelArgumentGroup {
    var C, S, size: Int
    var alphaOverSize, beta, k: Float
    var total: Int

    init(_ g: LocalResponseNormGeometry) {
        C = g.channels; S = g.spatial; size = g.size
        alphaOverSize = g.alpha / Float(g.size); beta = g.beta; k = g.k
        total = g.count
    }
}

struct LRNForwardKernel: KernelArguments {
    static let kernelName = "lrn_forward"
    var x, y: KernelTensor
    var constants: LRNKernelConstants
}

struct LRNBackwardKernel: KernelArguments {
    static let kernelName = "lrn_backward"
    var x, dy, dx: KernelTensor
    var constants: LRNKernelConstants
}
