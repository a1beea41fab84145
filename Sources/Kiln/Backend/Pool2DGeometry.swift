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
}
