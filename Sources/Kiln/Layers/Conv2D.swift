/// 2-D convolution on NCHW input [N, C, H, W] → [N, filters, OH, OW], then an optional
/// fused activation. Weight [filters, C, KH, KW] (PyTorch's OIHW), bias [filters].
/// Defaults as Keras: stride 1, `valid` padding, Glorot-uniform kernel, zero bias.
public final class Conv2D: Layer, ActivationProducer, BatchNormFolder {
    public let filters: Int
    public let kernelSize: (height: Int, width: Int)
    public let strides: (height: Int, width: Int)
    public let padding: Padding
    public let activation: ActivationFunction
    public let useBias: Bool
    public let kernelInitializer: Initializer
    public let biasInitializer: Initializer

    private var geometry: Conv2DGeometry!
    private var weight: (value: Tensor, gradient: Tensor)!
    private var bias: (value: Tensor, gradient: Tensor)?
    private var cache = TensorCache()
    private var lastInput: Tensor?
    private var lastOutput: Tensor?
    var activationBackwardHandedOn = false
    /// The max pool right after this layer, which an inference forward applies too
    /// (`ConvPoolFusion`); nil when there is none to fuse.
    var followingMaxPool: Pool2D?
    var followingBatchNorm: BatchNorm?
    var producedActivation: ElementwiseActivation? { ElementwiseActivation(activation) }

    /// - Throws: `LayerError` unless filters, kernel sizes and strides are positive (and within
    ///   `ShapeLimits`), explicit padding is not negative, and a leaky ReLU's alpha is positive.
    public init(_ filters: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros) throws {
        guard filters > 0, kernelSize.0 > 0, kernelSize.1 > 0, strides.0 > 0, strides.1 > 0 else {
            throw LayerError("Conv2D: filters, kernel size and strides must be positive, got \(filters) filters, "
                + "kernel \(kernelSize.0)x\(kernelSize.1), stride \(strides.0)x\(strides.1)")
        }
        try ShapeLimits.checkLayerSizes("Conv2D", "filters, kernel size and strides",
                                        [filters, kernelSize.0, kernelSize.1, strides.0, strides.1])
        try padding.validate(in: "Conv2D")
        try FusedActivation(function: activation).validate(in: "Conv2D")
        self.filters = filters
        self.kernelSize = (kernelSize.0, kernelSize.1)
        self.strides = (strides.0, strides.1)
        self.padding = padding; self.activation = activation; self.useBias = useBias
        self.kernelInitializer = kernelInitializer; self.biasInitializer = biasInitializer
    }

    /// Square kernel and stride.
    public convenience init(_ filters: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .valid,
                            activation: ActivationFunction = .linear, useBias: Bool = true,
                            kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros) throws {
        try self.init(filters, kernelSize: (kernelSize, kernelSize), strides: (stride, stride), padding: padding,
                  activation: activation, useBias: useBias,
                  kernelInitializer: kernelInitializer, biasInitializer: biasInitializer)
    }

    public var typeName: String { "Conv2D" }
    public var configuration: String {
        "\(filters) filters \(kernelSize.height)x\(kernelSize.width), stride \(strides.height)x\(strides.width), \(padding.name), \(activation.name)"
    }

    public func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape {
        guard inputShape.rank == 3 else {
            throw LayerError("Conv2D expects [channels, height, width] per sample, got \(inputShape)")
        }
        let (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        let (t, l, b, r) = padding.amounts2D(height: h, width: w, window: kernelSize, stride: strides)
        let g = Conv2DGeometry(batch: 1, inChannels: c, inHeight: h, inWidth: w, outChannels: filters,
                               kernelHeight: kernelSize.height, kernelWidth: kernelSize.width,
                               strideH: strides.height, strideW: strides.width,
                               padTop: t, padLeft: l, padBottom: b, padRight: r)
        guard g.isValid else {
            throw LayerError("Conv2D: a \(kernelSize.height)x\(kernelSize.width) kernel does not fit input \(inputShape) with \(padding.name) padding")
        }
        geometry = g
        let area = kernelSize.height * kernelSize.width
        declarations.parameter("weight", shape: g.weightShape, initializer: kernelInitializer,
                               fanIn: c * area, fanOut: filters * area, decays: true)
        if useBias {
            declarations.parameter("bias", shape: [filters], initializer: biasInitializer,
                                   fanIn: c * area, fanOut: filters * area, decays: false)
        }
        return Shape(Array(g.outputShape.dims.dropFirst()))
    }

    public func bind(_ cursor: BindingCursor) {
        weight = cursor.parameter()
        bias = useBias ? cursor.parameter() : nil
    }

    public func forward(_ x: Tensor, _ ctx: ForwardContext) throws -> Tensor {
        let g = geometry.withBatch(x.shape[0])
        let (w, b, f) = try forwardParameters(weight: weight.value, bias: bias?.value, outputs: g.outputShape.count, ctx)
        if let pool = followingMaxPool {
            pool.inputPooledByPrevious = false
            pool.recorded = nil
            // A pool after a batch norm pairs through the fold only (`ConvPoolFusion`). In
            // training this backward must not need y: the pool applies f' (or f is linear).
            let training = ctx.mode == .training
            if training ? followingBatchNorm == nil && (activationBackwardHandedOn || f.inOp == .linear)
                        : followingBatchNorm?.inputFoldedByPrevious ?? true {
                let pooled = try cache.tensor(CacheSlot.output, g.maxPool2x2.outputShape, on: ctx.backend)
                let winners = training ? try cache.tensor(CacheSlot.winners, g.maxPool2x2.outputShape, on: ctx.backend) : nil
                if try ctx.backend.conv2dForwardMaxPool2x2(g, input: x, weight: w, bias: b, activation: f.inOp,
                                                           output: pooled, winners: winners) {
                    pool.inputPooledByPrevious = true
                    pool.recorded = winners.map { (pooled, $0) }
                    lastInput = x
                    lastOutput = nil
                    return pooled
                }
            }
        }
        let y = try cache.tensor(CacheSlot.output, g.outputShape, on: ctx.backend)
        try ctx.backend.conv2dForward(g, input: x, weight: w, bias: b, activation: f.inOp, output: y)
        try f.finish(y, ctx)
        lastInput = x
        lastOutput = y
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: ForwardContext, needInputGradient: Bool) throws -> Tensor? {
        guard let x = lastInput else { preconditionFailure("Conv2D.backward before forward") }
        let g = geometry.withBatch(x.shape[0])
        // Without y the forward pooled, and its pool's backward applied f' (or f is linear).
        let dz = try lastOutput.map { try activationBackward(FusedActivation(function: activation), output: $0, outputGrad: dy,
                                                             cache: &cache, ctx) } ?? dy
        try ctx.backend.conv2dBackwardFilter(g, input: x, outputGrad: dz, weightGrad: weight.gradient,
                                             biasGrad: bias?.gradient)
        guard needInputGradient else { return nil }
        let dx = try cache.tensor(CacheSlot.inputGrad, x.shape, on: ctx.backend)
        try ctx.backend.conv2dBackwardData(g, outputGrad: dz, weight: weight.value, inputGrad: dx)
        return dx
    }
}
