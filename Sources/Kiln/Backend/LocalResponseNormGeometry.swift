/// The shapes and constants of local response normalisation across channels, NCHW, with
/// PyTorch's `nn.LocalResponseNorm` semantics (AlexNet's "NORM" layer). For every (n, c, s):
///
///     d[n,c,s] = k + (alpha / size) · Σ_{c' ∈ W(c)} x[n,c',s]²
///     y[n,c,s] = x[n,c,s] · d[n,c,s]^(−beta)
///     W(c)     = max(c − size/2, 0) … min(c + (size − 1)/2, channels − 1)   (integer division)
///
/// Channels outside the image count as zeros (the window is zero-padded, and alpha is still
/// divided by `size`, not by the cells inside), exactly as PyTorch pads size/2 channels
/// before and (size − 1)/2 after and averages. Defaults are PyTorch's: alpha 1e-4, beta 0.75,
/// k 1. (Krizhevsky et al. 2012 use size 5, alpha 1e-4 *not* divided by size, beta 0.75, k 2;
/// Caffe and PyTorch divide alpha by size.) The backward pass, with j ∈ W(c) ⇔
/// j − (size − 1)/2 ≤ c ≤ j + size/2:
///
///     dx[n,j,s] = dy[n,j,s]·d[n,j,s]^(−beta)
///                 − (2·alpha·beta / size) · x[n,j,s] · Σ_{c: j ∈ W(c)} dy[n,c,s]·x[n,c,s]·d[n,c,s]^(−beta−1)
public struct LocalResponseNormGeometry: Hashable, Sendable {
    public var batch, channels, spatial: Int
    public var size: Int
    public var alpha, beta, k: Float

    public init(batch: Int, channels: Int, spatial: Int, size: Int,
                alpha: Float = 1e-4, beta: Float = 0.75, k: Float = 1) {
        self.batch = batch; self.channels = channels; self.spatial = spatial
        self.size = size; self.alpha = alpha; self.beta = beta; self.k = k
    }

    public func withBatch(_ n: Int) -> LocalResponseNormGeometry {
        var g = self
        g.batch = n
        return g
    }

    public var count: Int { batch * channels * spatial }
    /// The channels c' whose squares enter d at channel c.
    public func window(_ c: Int) -> ClosedRange<Int> {
        max(c - size / 2, 0)...min(c + (size - 1) / 2, channels - 1)
    }
    /// The channels c whose window holds channel j (the terms of dx at j).
    public func covering(_ j: Int) -> ClosedRange<Int> {
        max(j - (size - 1) / 2, 0)...min(j + size / 2, channels - 1)
    }

    public var isValid: Bool {
        batch > 0 && channels > 0 && spatial > 0 && size > 0 && alpha.isFinite && beta.isFinite && k.isFinite
    }

    /// Traps unless the geometry is valid and every tensor has its element count: the entry
    /// check of every backend's LRN ops.
    public func check(_ tensors: Tensor...) {
        precondition(isValid, "invalid local response norm geometry \(self)")
        for t in tensors {
            precondition(t.count == count, "LRN tensor has \(t.count) elements, want \(batch)x\(channels)x\(spatial)")
        }
    }
}
