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
                return try launch(MaxPool2x2ForwardKernel(x: arg(input), y: arg(output), H: g.inHeight, W: g.inWidth,
                                                          OH: g.outHeight, OW: g.outWidth, planes: planes),
                                  global: [g.outHeight, planes], local: Array(rowGroup(g.outHeight, planes: planes).prefix(2)),
                                  bytes: bytes)
            }
            try launch(MaxPoolForwardKernel(x: arg(input), y: arg(output), geometry: PoolKernelGeometry(g), planes: planes),
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
                return try launch(MaxPool2x2BackwardKernel(x: arg(input), dy: arg(outputGrad), dx: arg(inputGrad),
                                                           H: g.inHeight, W: g.inWidth, OH: g.outHeight, OW: g.outWidth,
                                                           planes: planes),
                                  global: [g.outHeight, planes], local: Array(rowGroup(g.outHeight, planes: planes).prefix(2)),
                                  bytes: bytes)
            }
            try launch(MaxPoolBackwardKernel(x: arg(input), dy: arg(outputGrad), dx: arg(inputGrad),
                                             geometry: PoolKernelGeometry(g), planes: planes),
                       global: [g.inHeight, planes], local: Array(rowGroup(g.inHeight, planes: planes).prefix(2)), bytes: bytes)
        }
    }

    public func avgPoolForward(_ g: Pool2DGeometry, input: Tensor, output: Tensor) throws {
        check(g, input: input, output: output)
        try locked {
            try launch(AvgPoolForwardKernel(x: arg(input), y: arg(output), geometry: PoolKernelGeometry(g), total: output.count),
                       count: output.count)
        }
    }

    public func avgPoolBackward(_ g: Pool2DGeometry, outputGrad: Tensor, inputGrad: Tensor) throws {
        check(g, input: inputGrad, output: outputGrad)
        try locked {
            try launch(AvgPoolBackwardKernel(dy: arg(outputGrad), dx: arg(inputGrad), geometry: PoolKernelGeometry(g),
                                             total: inputGrad.count), count: inputGrad.count)
        }
    }

    private func check(_ g: Pool2DGeometry, input: Tensor, output: Tensor) {
        precondition(g.isValid, "invalid pooling geometry \(g)")
        precondition(input.count == g.inputShape.count && output.count == g.outputShape.count,
                     "pooling tensors do not match \(g)")
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

// The kernels of pool.cl (see `KernelArguments`).
struct PoolKernelGeometry: KernelArgumentGroup {
    var H, W, WH, WW, sH, sW, pT, pL, OH, OW: Int

    init(_ g: Pool2DGeometry) {
        H = g.inHeight; W = g.inWidth; WH = g.windowH; WW = g.windowW; sH = g.strideH; sW = g.strideW
        pT = g.padTop; pL = g.padLeft; OH = g.outHeight; OW = g.outWidth
    }
}

struct MaxPoolForwardKernel: KernelArguments {
    static let kernelName = "maxpool_forward"
    var x, y: KernelTensor
    var geometry: PoolKernelGeometry
    var planes: Int
}

struct MaxPoolBackwardKernel: KernelArguments {
    static let kernelName = "maxpool_backward"
    var x, dy, dx: KernelTensor
    var geometry: PoolKernelGeometry
    var planes: Int
}

struct MaxPool2x2ForwardKernel: KernelArguments {
    static let kernelName = "maxpool2x2_forward"
    var x, y: KernelTensor
    var H, W, OH, OW, planes: Int
}

struct MaxPool2x2BackwardKernel: KernelArguments {
    static let kernelName = "maxpool2x2_backward"
    var x, dy, dx: KernelTensor
    var H, W, OH, OW, planes: Int
}

struct AvgPoolForwardKernel: KernelArguments {
    static let kernelName = "avgpool_forward"
    var x, y: KernelTensor
    var geometry: PoolKernelGeometry
    var total: Int
}

struct AvgPoolBackwardKernel: KernelArguments {
    static let kernelName = "avgpool_backward"
    var dy, dx: KernelTensor
    var geometry: PoolKernelGeometry
    var total: Int
}
