/// Fully connected: y = activation(x · Wᵀ + b) on input [N, in], output [N, units].
/// W is stored [units, in] (PyTorch's `Linear.weight` layout), so checkpoints map 1:1.
/// Defaults as Keras: Glorot-uniform kernel, zero bias, linear activation.
public final class Dense: Layer, BatchNormFolder {
    public let units: Int
    public let activation: ActivationFunction
    public let useBias: Bool
    public let kernelInitializer: Initializer
    public let biasInitializer: Initializer

    private var inFeatures = 0
    private var weight: (value: Tensor, gradient: Tensor)!
    private var bias: (value: Tensor, gradient: Tensor)?
    private var cache = TensorCache()
    private var lastInput: Tensor?
    private var lastOutput: Tensor?
    var followingBatchNorm: BatchNorm?

    /// - Throws: `LayerError` unless `units` is in 1...`ShapeLimits.maxOutputs` and a leaky ReLU's alpha is positive.
    public init(_ units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros) throws {
        guard units > 0 else { throw LayerError("Dense: units must be positive, got \(units)") }
        try ShapeLimits.checkLayerSizes("Dense", "units", [units], limit: ShapeLimits.maxOutputs)
        try FusedActivation(function: activation).validate(in: "Dense")
        self.units = units; self.activation = activation; self.useBias = useBias
        self.kernelInitializer = kernelInitializer; self.biasInitializer = biasInitializer
    }

    public var typeName: String { "Dense" }
    public var configuration: String { "\(units) units, \(activation.name)" }

    public func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape {
        guard inputShape.rank == 1 else {
            throw LayerError("Dense expects a flat input per sample, got \(inputShape); add Flatten() before it")
        }
        inFeatures = inputShape[0]
        declarations.parameter("weight", shape: [units, inFeatures], initializer: kernelInitializer,
                               fanIn: inFeatures, fanOut: units, decays: true)
        if useBias {
            declarations.parameter("bias", shape: [units], initializer: biasInitializer,
                                   fanIn: inFeatures, fanOut: units, decays: false)
        }
        return [units]
    }

    public func bind(_ cursor: BindingCursor) {
        weight = cursor.parameter()
        bias = useBias ? cursor.parameter() : nil
    }

    public func forward(_ x: Tensor, _ ctx: ForwardContext) throws -> Tensor {
        let n = x.shape[0]
        let y = try cache.tensor(CacheSlot.output, [n, units], on: ctx.backend)
        let (w, b, f) = try forwardParameters(weight: weight.value, bias: bias?.value, outputs: n * units, ctx)
        try ctx.backend.denseForward(input: x.reshaped([n, inFeatures]), weight: w, bias: b, activation: f.inOp, output: y)
        try f.finish(y, ctx)
        lastInput = x
        lastOutput = y
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: ForwardContext, needInputGradient: Bool) throws -> Tensor? {
        guard let x = lastInput, let y = lastOutput else { preconditionFailure("Dense.backward before forward") }
        let n = x.shape[0]
        let dz = try FusedActivation(function: activation).backward(output: y, outputGrad: dy, cache: &cache, ctx)
        let flat = x.reshaped([n, inFeatures])
        try ctx.backend.denseBackwardWeight(input: flat, outputGrad: dz, weightGrad: weight.gradient,
                                            biasGrad: bias?.gradient)
        guard needInputGradient else { return nil }
        let dx = try cache.tensor(CacheSlot.inputGrad, x.shape, on: ctx.backend)
        try ctx.backend.denseBackwardData(outputGrad: dz, weight: weight.value, inputGrad: dx.reshaped([n, inFeatures]))
        return dx
    }
}
