import Kiln

// pool.cl: one work-item per output cell forward, one per input cell backward (gathers).
extension OpenCLBackend {
    public func maxPoolForward(_ g: Pool2DGeometry, input: Tensor, output: Tensor) throws {
        check(g, input: input, output: output)
        try locked {
            try launch("maxpool_forward", args(input) + args(output) + geometry(g) + [output.count], count: output.count)
        }
    }

    public func maxPoolBackward(_ g: Pool2DGeometry, input: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws {
        check(g, input: inputGrad, output: outputGrad)
        precondition(input.count == inputGrad.count, "max-pool input and its gradient differ in size")
        try locked {
            try launch("maxpool_backward", args(input) + args(outputGrad) + args(inputGrad) + geometry(g) + [inputGrad.count],
                       count: inputGrad.count)
        }
    }

    public func avgPoolForward(_ g: Pool2DGeometry, input: Tensor, output: Tensor) throws {
        check(g, input: input, output: output)
        try locked {
            try launch("avgpool_forward", args(input) + args(output) + geometry(g) + [output.count], count: output.count)
        }
    }

    public func avgPoolBackward(_ g: Pool2DGeometry, outputGrad: Tensor, inputGrad: Tensor) throws {
        check(g, input: inputGrad, output: outputGrad)
        try locked {
            try launch("avgpool_backward", args(outputGrad) + args(inputGrad) + geometry(g) + [inputGrad.count],
                       count: inputGrad.count)
        }
    }

    private func check(_ g: Pool2DGeometry, input: Tensor, output: Tensor) {
        precondition(g.isValid, "invalid pooling geometry \(g)")
        precondition(input.count == g.inputShape.count && output.count == g.outputShape.count,
                     "pooling tensors do not match \(g)")
    }

    private func geometry(_ g: Pool2DGeometry) -> [any KernelArgument] {
        [g.inHeight, g.inWidth, g.windowH, g.windowW, g.strideH, g.strideW, g.padTop, g.padLeft, g.outHeight, g.outWidth]
    }
}
