/// Max or average pooling over each channel of NCHW input. Strides default to the pool
/// size (Keras and PyTorch agree). Average pooling divides by the window cells inside the
/// image (Keras's `same`; PyTorch's `count_include_pad=False`).
public class Pool2D: Layer, ActivationBackwardTaker {
    public enum Kind: Sendable { case max, average }
    public let kind: Kind
    public let poolSize: (height: Int, width: Int)
    public let strides: (height: Int, width: Int)
    public let padding: Padding

    private var geometry: Pool2DGeometry!
    private var cache = TensorCache()
    private var lastInput: Tensor?
    var inputActivation = ElementwiseActivation.linear
    var takesActivationBackward: Bool { kind == .max }
    /// Set by the convolution before this pool when its forward already pooled (`ConvPoolFusion`):
    /// this forward then passes its input on.
    var inputPooledByPrevious = false
    /// Set with it in training: the pooled maxima and the windows' winners, from which this
    /// backward writes dx (`maxPool2x2Backward`), the pool's input never having been stored.
    var recorded: (output: Tensor, winners: Tensor)?
    /// 2x2 windows, stride 2, no padding: what `conv2dForwardMaxPool2x2` pools.
    var isMaxPool2x2: Bool {
        kind == .max && poolSize == (2, 2) && strides == (2, 2)
            && geometry.padTop == 0 && geometry.padLeft == 0 && geometry.padBottom == 0 && geometry.padRight == 0
    }

    /// The checks of every pooling initialiser that takes sizes.
    static func validate(_ kind: Kind, poolSize: (Int, Int), strides: (Int, Int)?, padding: Padding) throws {
        let name = kind == .max ? "MaxPool2D" : "AvgPool2D"
        guard poolSize.0 > 0, poolSize.1 > 0, (strides?.0 ?? 1) > 0, (strides?.1 ?? 1) > 0 else {
            throw LayerError("\(name): pool size and strides must be positive, got pool \(poolSize.0)x\(poolSize.1)"
                + (strides.map { ", stride \($0.0)x\($0.1)" } ?? ""))
        }
        try ShapeLimits.checkLayerSizes(name, "pool size and strides", [poolSize.0, poolSize.1, strides?.0 ?? 1, strides?.1 ?? 1])
        try padding.validate(in: name)
    }

    /// Sizes already checked by `validate`.
    init(kind: Kind, poolSize: (Int, Int), strides: (Int, Int)?, padding: Padding) {
        self.kind = kind
        self.poolSize = (poolSize.0, poolSize.1)
        self.strides = strides.map { ($0.0, $0.1) } ?? self.poolSize
        self.padding = padding
    }

    public var typeName: String { kind == .max ? "MaxPool2D" : "AvgPool2D" }
    public var configuration: String {
        "\(poolSize.height)x\(poolSize.width), stride \(strides.height)x\(strides.width), \(padding.name)"
    }

    public func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape {
        guard inputShape.rank == 3 else {
            throw LayerError("\(typeName) expects [channels, height, width] per sample, got \(inputShape)")
        }
        let (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        let (t, l, b, r) = padding.amounts2D(height: h, width: w, window: poolSize, stride: strides)
        let g = Pool2DGeometry(batch: 1, channels: c, inHeight: h, inWidth: w,
                               windowH: poolSize.height, windowW: poolSize.width,
                               strideH: strides.height, strideW: strides.width,
                               padTop: t, padLeft: l, padBottom: b, padRight: r)
        guard g.isValid else {
            throw LayerError("\(typeName): a \(poolSize.height)x\(poolSize.width) window with stride \(strides.height)x\(strides.width) and \(padding.name) padding does not fit input \(inputShape)")
        }
        geometry = g
        return Shape(Array(g.outputShape.dims.dropFirst()))
    }

    public func bind(_ cursor: BindingCursor) {}

    public func forward(_ x: Tensor, _ ctx: ForwardContext) throws -> Tensor {
        let g = geometry.withBatch(x.shape[0])
        if inputPooledByPrevious {
            precondition(x.shape == g.outputShape && (ctx.mode != .training || recorded != nil),
                         "\(typeName): fused input without what its backward needs")
            return x
        }
        let y = try cache.tensor(CacheSlot.output, g.outputShape, on: ctx.backend)
        switch kind {
        case .max: try ctx.backend.maxPoolForward(g, input: x, output: y)
        case .average: try ctx.backend.avgPoolForward(g, input: x, output: y)
        }
        lastInput = x
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: ForwardContext, needInputGradient: Bool) throws -> Tensor? {
        guard needInputGradient else { return nil }
        if let recorded {
            let g = geometry.withBatch(dy.shape[0])
            let dx = try cache.tensor(CacheSlot.inputGrad, g.inputShape, on: ctx.backend)
            try ctx.backend.maxPool2x2Backward(g, output: recorded.output, winners: recorded.winners, outputGrad: dy,
                                               inputGrad: dx, activation: inputActivation)
            return dx
        }
        guard let x = lastInput else { preconditionFailure("\(typeName).backward before forward") }
        let g = geometry.withBatch(x.shape[0])
        let dx = try cache.tensor(CacheSlot.inputGrad, x.shape, on: ctx.backend)
        switch kind {
        case .max: try ctx.backend.maxPoolBackward(g, input: x, outputGrad: dy, inputGrad: dx, activation: inputActivation)
        case .average: try ctx.backend.avgPoolBackward(g, outputGrad: dy, inputGrad: dx)
        }
        return dx
    }
}

/// Max pooling: each output is the largest cell of its window.
public final class MaxPool2D: Pool2D {
    /// A 2x2 window, stride 2, `valid`: cannot fail.
    public init() {
        super.init(kind: .max, poolSize: (2, 2), strides: nil, padding: .valid)
    }
    /// - Throws: `LayerError` unless the pool size and stride are positive.
    public init(_ poolSize: Int, stride: Int? = nil, padding: Padding = .valid) throws {
        let strides = stride.map { ($0, $0) }
        try Pool2D.validate(.max, poolSize: (poolSize, poolSize), strides: strides, padding: padding)
        super.init(kind: .max, poolSize: (poolSize, poolSize), strides: strides, padding: padding)
    }
    public init(poolSize: (Int, Int), strides: (Int, Int)? = nil, padding: Padding = .valid) throws {
        try Pool2D.validate(.max, poolSize: poolSize, strides: strides, padding: padding)
        super.init(kind: .max, poolSize: poolSize, strides: strides, padding: padding)
    }
}

/// Average pooling: each output is the mean of its window's cells inside the image.
public final class AvgPool2D: Pool2D {
    /// A 2x2 window, stride 2, `valid`: cannot fail.
    public init() {
        super.init(kind: .average, poolSize: (2, 2), strides: nil, padding: .valid)
    }
    /// - Throws: `LayerError` unless the pool size and stride are positive.
    public init(_ poolSize: Int, stride: Int? = nil, padding: Padding = .valid) throws {
        let strides = stride.map { ($0, $0) }
        try Pool2D.validate(.average, poolSize: (poolSize, poolSize), strides: strides, padding: padding)
        super.init(kind: .average, poolSize: (poolSize, poolSize), strides: strides, padding: padding)
    }
    public init(poolSize: (Int, Int), strides: (Int, Int)? = nil, padding: Padding = .valid) throws {
        try Pool2D.validate(.average, poolSize: poolSize, strides: strides, padding: padding)
        super.init(kind: .average, poolSize: poolSize, strides: strides, padding: padding)
    }
}
