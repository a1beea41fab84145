/// The shapes of one 2-D pooling, NCHW, each channel pooled on its own.
///
///     input: [batch, channels, inHeight, inWidth]  →  output: [batch, channels, outHeight, outWidth]
///     window of output (i, j): rows i·strideH − padTop ..< +windowH, columns j·strideW − padLeft ..< +windowW
///
/// Max pooling ignores cells outside the image (they never win); average pooling divides by
/// the number of cells of the window inside the image (Keras's `same`; PyTorch's
/// `count_include_pad=False`). Every window must hold at least one image cell.
public struct Pool2DGeometry: BatchedGeometry, Hashable, Sendable {
    /// The batch may change (`withBatch`); the other fields decide the output size, which
    /// `init` computes once, so they are constants.
    public var batch: Int
    public let channels, inHeight, inWidth: Int
    public let windowH, windowW, strideH, strideW: Int
    public let padTop, padLeft, padBottom, padRight: Int
    public let outHeight, outWidth: Int

    public init(batch: Int, channels: Int, inHeight: Int, inWidth: Int,
                windowH: Int, windowW: Int, strideH: Int, strideW: Int,
                padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0) {
        self.batch = batch; self.channels = channels; self.inHeight = inHeight; self.inWidth = inWidth
        self.windowH = windowH; self.windowW = windowW; self.strideH = strideH; self.strideW = strideW
        self.padTop = padTop; self.padLeft = padLeft; self.padBottom = padBottom; self.padRight = padRight
        self.outHeight = windowCount(inHeight, padTop + padBottom, window: windowH, stride: strideH)
        self.outWidth = windowCount(inWidth, padLeft + padRight, window: windowW, stride: strideW)
    }

    public var inputShape: Shape { [batch, channels, inHeight, inWidth] }
    public var outputShape: Shape { [batch, channels, outHeight, outWidth] }
    public var isValid: Bool {
        batch > 0 && channels > 0 && windowH > 0 && windowW > 0 && strideH > 0 && strideW > 0
            && padTop >= 0 && padLeft >= 0 && padBottom >= 0 && padRight >= 0
            && padTop < windowH && padLeft < windowW && padBottom < windowH && padRight < windowW
            && inHeight + padTop + padBottom >= windowH && inWidth + padLeft + padRight >= windowW
    }

    /// 2x2 windows, stride 2, no top or left padding, every window inside the image: the pool
    /// `maxPool2x2Backward` and the devices' row kernels handle.
    public var isPlain2x2: Bool {
        windowH == 2 && windowW == 2 && strideH == 2 && strideW == 2 && padTop == 0 && padLeft == 0
            && 2 * outHeight <= inHeight && 2 * outWidth <= inWidth
    }

    /// Traps unless this pool is plain 2x2 and the tensors have its sizes: the entry check of
    /// every backend's `maxPool2x2Backward` (`output`, `winners` and `outputGrad` pooled,
    /// `inputGrad` the input's shape).
    public func check(recorded output: Tensor, winners: Tensor, outputGrad: Tensor, inputGrad: Tensor) {
        precondition(isValid && isPlain2x2, "no recorded 2x2 pooling for \(self)")
        for (t, name) in [(output, "pooled output"), (winners, "winners"), (outputGrad, "pooled gradient")] {
            precondition(t.count == outputShape.count, "\(name) has \(t.count) elements, want \(outputShape)")
        }
        precondition(inputGrad.count == inputShape.count, "pool input grad has \(inputGrad.count) elements, want \(inputShape)")
    }
}
