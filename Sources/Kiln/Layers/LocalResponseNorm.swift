/// Local response normalisation across channels (AlexNet's "NORM" layer), PyTorch's
/// `nn.LocalResponseNorm(size, alpha, beta, k)` exactly, defaults included:
///
///     y[n,c,h,w] = x[n,c,h,w] · (k + alpha/size · Σ_{c' = c − size/2 … c + (size−1)/2} x[n,c',h,w]²)^(−beta)
///
/// with integer division and channels outside 0..<C counting as zeros (alpha is divided by
/// `size` even where the window is cut off). Defaults alpha 1e-4, beta 0.75, k 1 are
/// PyTorch's (and Caffe's); Krizhevsky et al. 2012 write k = 2, n = 5, alpha = 1e-4,
/// beta = 0.75 with alpha *not* divided by n, so their layer is this one with alpha = 5e-4.
/// No parameters. Works on images [C, H, W] and on flat features [C] (spatial size 1).
public final class LocalResponseNorm: Layer {
    public let size: Int
    public let alpha, beta, k: Float
    private var geometry: LocalResponseNormGeometry!
    private var cache = TensorCache()
    private var lastInput: Tensor?

    /// - Throws: `LayerError` unless size is positive and alpha, beta, k are finite.
    public init(size: Int, alpha: Float = 1e-4, beta: Float = 0.75, k: Float = 1) throws {
        guard size > 0, alpha.isFinite, beta.isFinite, k.isFinite else {
            throw LayerError("LocalResponseNorm: size must be positive and alpha, beta, k finite, got size \(size), alpha \(alpha), beta \(beta), k \(k)")
        }
        try ShapeLimits.checkLayerSizes("LocalResponseNorm", "size", [size])
        self.size = size; self.alpha = alpha; self.beta = beta; self.k = k
    }

    public var typeName: String { "LocalResponseNorm" }
    public var configuration: String { "size \(size), alpha \(alpha), beta \(beta), k \(k)" }

    public func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape {
        guard inputShape.rank == 1 || inputShape.rank == 3 else {
            throw LayerError("LocalResponseNorm expects [channels, height, width] or [features] per sample, got \(inputShape)")
        }
        let g = LocalResponseNormGeometry(batch: 1, channels: inputShape[0], spatial: inputShape.count / inputShape[0],
                                          size: size, alpha: alpha, beta: beta, k: k)
        geometry = g
        return inputShape
    }

    public func bind(_ cursor: BindingCursor) {}

    public func forward(_ x: Tensor, _ ctx: ForwardContext) throws -> Tensor {
        let y = try cache.tensor(CacheSlot.output, x.shape, on: ctx.backend)
        try ctx.backend.localResponseNormForward(geometry.withBatch(x.shape[0]), input: x, output: y)
        lastInput = x
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: ForwardContext, needInputGradient: Bool) throws -> Tensor? {
        guard needInputGradient else { return nil }
        guard let x = lastInput else { preconditionFailure("LocalResponseNorm.backward before forward") }
        let dx = try cache.tensor(CacheSlot.inputGrad, x.shape, on: ctx.backend)
        try ctx.backend.localResponseNormBackward(geometry.withBatch(x.shape[0]), input: x, outputGrad: dy, inputGrad: dx)
        return dx
    }
}
