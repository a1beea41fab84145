import Kiln

// pool.cl: max pooling works one row per work-item (output rows forward, input rows backward);
// average pooling one cell per work-item.
extension OpenCLBackend {
    public func maxPoolForward(_ g: Pool2DGeometry, input: Tensor, output: Tensor) throws {
        check(g, input: input, output: output)
        try locked {
            let planes = output.count / max(g.outHeight * g.outWidth, 1)
            try launch("maxpool_forward", args(input) + args(output) + geometry(g) + [planes],
                       global: [g.outHeight, planes], local: Array(rowGroup(g.outHeight, planes: planes).prefix(2)))
        }
    }

    public func maxPoolBackward(_ g: Pool2DGeometry, input: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws {
        check(g, input: inputGrad, output: outputGrad)
        precondition(input.count == inputGrad.count, "max-pool input and its gradient differ in size")
        try locked {
            let planes = inputGrad.count / max(g.inHeight * g.inWidth, 1)
            try launch("maxpool_backward", args(input) + args(outputGrad) + args(inputGrad) + geometry(g) + [planes],
                       global: [g.inHeight, planes], local: Array(rowGroup(g.inHeight, planes: planes).prefix(2)))
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
