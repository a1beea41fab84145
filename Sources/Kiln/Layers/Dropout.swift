/// Inverted dropout: in training (and Monte-Carlo prediction) each element is zeroed with
/// probability `rate` and the rest scaled by 1/(1 − rate), so inference is the identity.
/// Masks come from Philox4x32-10 keyed by (model seed, layer ordinal) with the step as
/// counter, so every backend draws the same mask and backward regenerates it instead of
/// storing it (see `DropoutKey`).
public final class Dropout: Layer {
    public let rate: Float
    private let dropoutRate: DropoutRate
    private var ordinal: UInt32 = 0
    private var cache = TensorCache()

    /// - Parameter rate: the fraction of elements dropped, in [0, 1) (Keras and PyTorch agree).
    /// - Throws: `LayerError` for a rate outside [0, 1).
    public init(_ rate: Float) throws {
        guard rate >= 0, rate < 1 else { throw LayerError("Dropout: rate must be in [0, 1), got \(rate)") }
        self.rate = rate
        dropoutRate = DropoutRate(rate)
    }

    public var typeName: String { "Dropout" }
    public var configuration: String { "rate \(rate)" }

    public func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape {
        inputShape
    }

    public func bind(_ cursor: BindingCursor) { ordinal = cursor.ordinal() }

    /// The key of a batch `shape`; a sample's elements are keyed by its index in the global
    /// batch (`ctx.sampleOffset` + its row), so a data-parallel rank draws one process's masks.
    private func key(_ ctx: ForwardContext, _ shape: Shape) -> DropoutKey {
        DropoutKey(seed: ctx.seed, layer: ordinal, step: ctx.step,
                   elementOffset: UInt64(ctx.sampleOffset) * UInt64(shape.sampleShape.count))
    }

    public func forward(_ x: Tensor, _ ctx: ForwardContext) throws -> Tensor {
        guard ctx.mode.dropoutActive, rate > 0 else { return x }
        let y = try cache.tensor(CacheSlot.output, x.shape, on: ctx.backend)
        try ctx.backend.dropoutForward(dropoutRate, key: key(ctx, x.shape), input: x, output: y)
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: ForwardContext, needInputGradient: Bool) throws -> Tensor? {
        guard needInputGradient else { return nil }
        guard ctx.mode.dropoutActive, rate > 0 else { return dy }
        let dx = try cache.tensor(CacheSlot.inputGrad, dy.shape, on: ctx.backend)
        try ctx.backend.dropoutBackward(dropoutRate, key: key(ctx, dy.shape), outputGrad: dy, inputGrad: dx)
        return dx
    }
}
