import Kiln

// pool.cl: max pooling works one row per work-item (output rows forward, input rows backward);
// average pooling one cell per work-item (on CPU devices its backward one input row per item).
// Launches take whole planes, as many as one launch may index (`DeviceLimits.maxLaunchElements`).
extension OpenCLBackend {
    public func maxPoolForward(_ g: Pool2DGeometry, input: Tensor, output: Tensor) throws {
        check(g, input: input, output: output)
        try locked {
            try forEachPlaneSlice(g, planes: output.count / max(g.outHeight * g.outWidth, 1)) { p0, np, inPlane, outPlane in
                let x = arg(input, from: p0 * inPlane, count: np * inPlane), y = arg(output, from: p0 * outPlane, count: np * outPlane)
                let bytes = 4 * Double(np * (inPlane + outPlane))  // each read or written once
                let local = Array(rowGroup(g.outHeight, planes: np).prefix(2))
                if config.kernelFamily == .gpu {  // one work-item per output cell, 2×2 or not
                    return try launch(MaxPoolForwardKernel(x: x, y: y, geometry: PoolKernelGeometry(g), planes: np),
                                      kernel: "maxpool_forward_gpu", count: np * outPlane, bytes: bytes)
                }
                if g.isPlain2x2 {
                    return try launch(MaxPool2x2ForwardKernel(x: x, y: y, H: g.inHeight, W: g.inWidth, OH: g.outHeight,
                                                              OW: g.outWidth, planes: np),
                                      global: [g.outHeight, np], local: local, bytes: bytes)
                }
                try launch(MaxPoolForwardKernel(x: x, y: y, geometry: PoolKernelGeometry(g), planes: np),
                           global: [g.outHeight, np], local: local, bytes: bytes)
            }
        }
    }

    public func maxPoolBackward(_ g: Pool2DGeometry, input: Tensor, outputGrad: Tensor, inputGrad: Tensor,
                                activation: ElementwiseActivation) throws {
        let act = activation.kernelCode, actAlpha = activation.kernelAlpha
        check(g, input: inputGrad, output: outputGrad)
        precondition(input.count == inputGrad.count, "max-pool input and its gradient differ in size")
        try locked {
            try forEachPlaneSlice(g, planes: inputGrad.count / max(g.inHeight * g.inWidth, 1)) { p0, np, inPlane, outPlane in
                let x = arg(input, from: p0 * inPlane, count: np * inPlane)
                let dy = arg(outputGrad, from: p0 * outPlane, count: np * outPlane)
                let dx = arg(inputGrad, from: p0 * inPlane, count: np * inPlane)
                let bytes = 4 * Double(np * (2 * inPlane + outPlane))
                if config.kernelFamily == .gpu {  // one work-item per input cell, 2×2 or not
                    return try launch(MaxPoolBackwardKernel(x: x, dy: dy, dx: dx, geometry: PoolKernelGeometry(g), planes: np,
                                                            act: act, actAlpha: actAlpha),
                                      kernel: "maxpool_backward_gpu", count: np * inPlane, bytes: bytes)
                }
                if g.isPlain2x2 {
                    return try launch(MaxPool2x2BackwardKernel(x: x, dy: dy, dx: dx, H: g.inHeight, W: g.inWidth,
                                                               OH: g.outHeight, OW: g.outWidth, planes: np,
                                                               act: act, actAlpha: actAlpha),
                                      global: [g.outHeight, np], local: Array(rowGroup(g.outHeight, planes: np).prefix(2)),
                                      bytes: bytes)
                }
                try launch(MaxPoolBackwardKernel(x: x, dy: dy, dx: dx, geometry: PoolKernelGeometry(g), planes: np,
                                                 act: act, actAlpha: actAlpha),
                           global: [g.inHeight, np], local: Array(rowGroup(g.inHeight, planes: np).prefix(2)), bytes: bytes)
            }
        }
    }

    public func maxPool2x2Backward(_ g: Pool2DGeometry, output: Tensor, winners: Tensor, outputGrad: Tensor,
                                   inputGrad: Tensor, activation: ElementwiseActivation) throws {
        g.check(recorded: output, winners: winners, outputGrad: outputGrad, inputGrad: inputGrad)
        try locked {
            try forEachPlaneSlice(g, planes: inputGrad.count / max(g.inHeight * g.inWidth, 1)) { p0, np, inPlane, outPlane in
                let pooled = { (t: Tensor) in self.arg(t, from: p0 * outPlane, count: np * outPlane) }
                try launch(MaxPool2x2BackwardWinnersKernel(y: pooled(output), winners: pooled(winners), dy: pooled(outputGrad),
                                                           dx: arg(inputGrad, from: p0 * inPlane, count: np * inPlane),
                                                           H: g.inHeight, W: g.inWidth, OH: g.outHeight, OW: g.outWidth,
                                                           planes: np, act: activation.kernelCode, actAlpha: activation.kernelAlpha),
                           global: [g.outHeight, np], local: Array(rowGroup(g.outHeight, planes: np).prefix(2)),
                           bytes: 4 * Double(np * (inPlane + 3 * outPlane)))
            }
        }
    }

    public func avgPoolForward(_ g: Pool2DGeometry, input: Tensor, output: Tensor) throws {
        check(g, input: input, output: output)
        try locked {
            try forEachPlaneSlice(g, planes: output.count / max(g.outHeight * g.outWidth, 1)) { p0, np, inPlane, outPlane in
                try launch(AvgPoolForwardKernel(x: arg(input, from: p0 * inPlane, count: np * inPlane),
                                                y: arg(output, from: p0 * outPlane, count: np * outPlane),
                                                geometry: PoolKernelGeometry(g), total: np * outPlane), count: np * outPlane)
            }
        }
    }

    public func avgPoolBackward(_ g: Pool2DGeometry, outputGrad: Tensor, inputGrad: Tensor) throws {
        check(g, input: inputGrad, output: outputGrad)
        try locked {
            try forEachPlaneSlice(g, planes: inputGrad.count / max(g.inHeight * g.inWidth, 1)) { p0, np, inPlane, outPlane in
                let dy = arg(outputGrad, from: p0 * outPlane, count: np * outPlane)
                let dx = arg(inputGrad, from: p0 * inPlane, count: np * inPlane)
                if config.kernelFamily == .gpu {  // one work-item per input cell
                    return try launch(AvgPoolBackwardKernel(dy: dy, dx: dx, geometry: PoolKernelGeometry(g), total: np * inPlane),
                                      count: np * inPlane)
                }
                try launch(AvgPoolBackwardRowsKernel(dy: dy, dx: dx, geometry: PoolKernelGeometry(g), planes: np),
                           global: [g.inHeight, np], local: Array(rowGroup(g.inHeight, planes: np).prefix(2)))
            }
        }
    }

    /// Runs `body(firstPlane, planes, inPlane, outPlane)` over the N·C planes in slices of whole
    /// planes that one launch may index, input and output alike (`forEachSlice`).
    private func forEachPlaneSlice(_ g: Pool2DGeometry, planes: Int,
                                   _ body: (_ p0: Int, _ np: Int, _ inPlane: Int, _ outPlane: Int) throws -> Void) throws {
        let inPlane = g.inHeight * g.inWidth, outPlane = g.outHeight * g.outWidth
        try forEachSlice(planes, itemSize: max(inPlane, outPlane)) { p0, np in try body(p0, np, inPlane, outPlane) }
    }

    private func check(_ g: Pool2DGeometry, input: Tensor, output: Tensor) {
        precondition(g.isValid, "invalid pooling geometry \(g)")
        precondition(input.count == g.inputShape.count && output.count == g.outputShape.count,
                     "pooling tensors do not match \(g)")
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
    /// The ACT_* code whose derivative at x multiplies each cell's gradient (ActivationHandOff).
    var act: Int
    var actAlpha: Float
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
    var act: Int
    var actAlpha: Float
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

struct AvgPoolBackwardRowsKernel: KernelArguments {
    static let kernelName = "avgpool_backward_rows"
    var dy, dx: KernelTensor
    var geometry: PoolKernelGeometry
    var planes: Int
}

struct MaxPool2x2BackwardWinnersKernel: KernelArguments {
    static let kernelName = "maxpool2x2_backward_winners"
    var y, winners, dy, dx: KernelTensor
    var H, W, OH, OW, planes: Int
    var act: Int
    var actAlpha: Float
}
