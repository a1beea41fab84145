import Kiln

// pool.cl: max pooling works one row per work-item (output rows forward, input rows backward);
// average pooling one cell per work-item.
extension OpenCLBackend {
    public func maxPoolForward(_ g: Pool2DGeometry, input: Tensor, output: Tensor) throws {
        check(g, input: input, output: output)
        try locked {
            let planes = output.count / max(g.outHeight * g.outWidth, 1)
            let bytes = 4 * Double(input.count + output.count)  // each read or written once
            if g.isPlain2x2 {
                return try launch("maxpool2x2_forward", args(input) + args(output) + [g.inHeight, g.inWidth, g.outHeight, g.outWidth, planes],
                                  global: [g.outHeight, planes], local: Array(rowGroup(g.outHeight, planes: planes).prefix(2)),
                                  bytes: bytes)
            }
            try launch("maxpool_forward", args(input) + args(output) + geometry(g) + [planes],
                       global: [g.outHeight, planes], local: Array(rowGroup(g.outHeight, planes: planes).prefix(2)), bytes: bytes)
        }
    }

    public func maxPoolBackward(_ g: Pool2DGeometry, input: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws {
        check(g, input: inputGrad, output: outputGrad)
        precondition(input.count == inputGrad.count, "max-pool input and its gradient differ in size")
        try locked {
            let planes = inputGrad.count / max(g.inHeight * g.inWidth, 1)
            let bytes = 4 * Double(input.count + outputGrad.count + inputGrad.count)
            if g.isPlain2x2 {
                return try launch("maxpool2x2_backward", args(input) + args(outputGrad) + args(inputGrad)
                                      + [g.inHeight, g.inWidth, g.outHeight, g.outWidth, planes],
                                  global: [g.outHeight, planes], local: Array(rowGroup(g.outHeight, planes: planes).prefix(2)),
                                  bytes: bytes)
            }
            try launch("maxpool_backward", args(input) + args(outputGrad) + args(inputGrad) + geometry(g) + [planes],
                       global: [g.inHeight, planes], local: Array(rowGroup(g.inHeight, planes: planes).prefix(2)), bytes: bytes)
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

extension Pool2DGeometry {
    /// 2×2 windows, stride 2, no top/left padding and every window inside the image: the
    /// case `maxpool2x2_*` handle.
    var isPlain2x2: Bool {
        windowH == 2 && windowW == 2 && strideH == 2 && strideW == 2 && padTop == 0 && padLeft == 0
            && 2 * outHeight <= inHeight && 2 * outWidth <= inWidth
    }
}
