import Kiln

// local_response_norm.cl: one work-item per element, in element-wise groups (both kernel
// families: consecutive items read consecutive addresses).
extension OpenCLBackend {
    public func localResponseNormForward(_ g: LocalResponseNormGeometry, input: Tensor, output: Tensor) throws {
        g.check(input, output)
        try locked {
            try launch("lrn_forward", args(input) + args(output) + constants(g), count: g.count)
        }
    }

    public func localResponseNormBackward(_ g: LocalResponseNormGeometry, input: Tensor, outputGrad: Tensor,
                                          inputGrad: Tensor) throws {
        g.check(input, outputGrad, inputGrad)
        try locked {
            try launch("lrn_backward", args(input) + args(outputGrad) + args(inputGrad) + constants(g), count: g.count)
        }
    }

    private func constants(_ g: LocalResponseNormGeometry) -> [any KernelArgument] {
        [g.channels, g.spatial, g.size, g.alpha / Float(g.size), g.beta, g.k, g.count]
    }
}
