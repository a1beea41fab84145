/// What convolution and pooling geometries share: a batch size that does not change the
/// output sizes, and the sliding-window count along one axis.
public protocol BatchedGeometry {
    var batch: Int { get set }
}

extension BatchedGeometry {
    /// The same geometry for another batch size.
    public func withBatch(_ n: Int) -> Self {
        var g = self
        g.batch = n
        return g
    }
}

/// Windows of `window` cells at `stride` along an axis of `input` cells padded by `padding`
/// in all: (input + padding − window) / stride + 1.
func windowCount(_ input: Int, _ padding: Int, window: Int, stride: Int) -> Int {
    (input + padding - window) / stride + 1
}
