/// The shapes of one 2-D convolution (cross-correlation, as in every framework), NCHW.
///
///     input  x: [batch, inChannels, inHeight, inWidth]
///     weight w: [outChannels, inChannels, kernelHeight, kernelWidth]   (PyTorch's OIHW)
///     output y: [batch, outChannels, outHeight, outWidth]
///
///     y[n,o,i,j] = bias[o] + Σ_{c,p,q} w[o,c,p,q] · x[n, c, i·strideH + p − padTop, j·strideW + q − padLeft]
///
/// where x outside the image reads as 0. Dilation is 1. `padBottom`/`padRight` only matter
/// through the output size, which `init` computes.
public struct Conv2DGeometry: BatchedGeometry, Hashable, Sendable {
    /// The batch may change (`withBatch`); the other fields decide the output size, which
    /// `init` computes once, so they are constants.
    public var batch: Int
    public let inChannels, inHeight, inWidth: Int
    public let outChannels, kernelHeight, kernelWidth: Int
    public let strideH, strideW: Int
    public let padTop, padLeft, padBottom, padRight: Int
    public let outHeight, outWidth: Int

    public init(batch: Int, inChannels: Int, inHeight: Int, inWidth: Int,
                outChannels: Int, kernelHeight: Int, kernelWidth: Int,
                strideH: Int = 1, strideW: Int = 1,
                padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0) {
        self.batch = batch; self.inChannels = inChannels; self.inHeight = inHeight; self.inWidth = inWidth
        self.outChannels = outChannels; self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideH = strideH; self.strideW = strideW
        self.padTop = padTop; self.padLeft = padLeft; self.padBottom = padBottom; self.padRight = padRight
        self.outHeight = windowCount(inHeight, padTop + padBottom, window: kernelHeight, stride: strideH)
        self.outWidth = windowCount(inWidth, padLeft + padRight, window: kernelWidth, stride: strideW)
    }

    public var inputShape: Shape { [batch, inChannels, inHeight, inWidth] }
    public var weightShape: Shape { [outChannels, inChannels, kernelHeight, kernelWidth] }
    public var outputShape: Shape { [batch, outChannels, outHeight, outWidth] }
    /// Length of each output's dot product (the K of the equivalent GEMM).
    public var reductionLength: Int { inChannels * kernelHeight * kernelWidth }
    public var flops: Double {
        2 * Double(batch) * Double(outChannels) * Double(outHeight * outWidth) * Double(reductionLength)
    }
    /// 2x2 max pooling, stride 2, `valid`, of this convolution's output (`conv2dForwardMaxPool2x2`).
    public var maxPool2x2: Pool2DGeometry {
        Pool2DGeometry(batch: batch, channels: outChannels, inHeight: outHeight, inWidth: outWidth,
                       windowH: 2, windowW: 2, strideH: 2, strideW: 2)
    }
    /// Traps unless the geometry is valid and the tensors have its sizes: the entry check of
    /// every backend's convolution ops (`input` is x or dx, `output` y or dy, `bias` the bias or
    /// its gradient).
    public func check(input: Tensor, weight: Tensor, output: Tensor, bias: Tensor? = nil) {
        precondition(isValid, "invalid convolution geometry \(self)")
        check(input, weight, bias, output, outputShape, "conv output")
    }

    /// `check` for `conv2dForwardMaxPool2x2`: `output` has the pooled shape (`maxPool2x2`).
    public func check(pooledOutput output: Tensor, input: Tensor, weight: Tensor, bias: Tensor?) {
        precondition(isValid && maxPool2x2.isValid, "no 2x2 pooling of convolution \(self)")
        check(input, weight, bias, output, maxPool2x2.outputShape, "pooled conv output")
    }

    private func check(_ input: Tensor, _ weight: Tensor, _ bias: Tensor?, _ output: Tensor, _ want: Shape, _ name: String) {
        precondition(input.count == inputShape.count, "conv input has \(input.count) elements, want \(inputShape)")
        precondition(weight.count == weightShape.count, "conv weight has \(weight.count) elements, want \(weightShape)")
        precondition(output.count == want.count, "\(name) has \(output.count) elements, want \(want)")
        if let bias { precondition(bias.count == outChannels, "conv bias has \(bias.count) elements, want \(outChannels)") }
    }

    /// Sizes are positive and the window fits the padded input.
    public var isValid: Bool {
        batch > 0 && inChannels > 0 && outChannels > 0 && kernelHeight > 0 && kernelWidth > 0
            && strideH > 0 && strideW > 0 && padTop >= 0 && padLeft >= 0 && padBottom >= 0 && padRight >= 0
            && inHeight + padTop + padBottom >= kernelHeight && inWidth + padLeft + padRight >= kernelWidth
    }
}
