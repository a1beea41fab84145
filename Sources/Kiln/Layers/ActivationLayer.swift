/// A stand-alone activation (Keras's `Activation`, PyTorch's `nn.ReLU` and friends). Layers
/// with an `activation:` argument fuse the same op instead.
public final class Activation: Layer, ActivationProducer {
    public let function: ActivationFunction
    private var cache = TensorCache()
    private var lastOutput: Tensor?
    var activationBackwardHandedOn = false
    var producedActivation: ElementwiseActivation? { ElementwiseActivation(function) }
    /// Set when the layer before applies f as it writes its output (`ActivationAbsorber`):
    /// the input already is f's output, and the backward is that layer's or the next one's.
    var absorbedByPrevious = false

    /// - Throws: `LayerError` for a leaky ReLU whose alpha is not positive.
    public init(_ function: ActivationFunction) throws {
        try FusedActivation(function: function).validate(in: "Activation")
        self.function = function
    }

    /// A function known to be valid (the spellings below).
    private init(valid function: ActivationFunction) { self.function = function }

    public var typeName: String {
        switch function {
        case .linear: "Linear"
        case .relu: "ReLU"
        case .leakyReLU: "LeakyReLU"
        case .sigmoid: "Sigmoid"
        case .tanh: "Tanh"
        case .softmax: "Softmax"
        }
    }
    public var configuration: String { function.name }

    public func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape { inputShape }
    public func bind(_ cursor: BindingCursor) {}

    public func forward(_ x: Tensor, _ ctx: ForwardContext) throws -> Tensor {
        if absorbedByPrevious { return x }
        let y = try cache.tensor(CacheSlot.output, x.shape, on: ctx.backend)
        try ctx.backend.activationForward(function, input: x, output: y)
        lastOutput = y
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: ForwardContext, needInputGradient: Bool) throws -> Tensor? {
        guard needInputGradient else { return nil }
        if activationBackwardHandedOn || absorbedByPrevious { return dy }  // a neighbour applies f'
        guard let y = lastOutput else { preconditionFailure("\(typeName).backward before forward") }
        let dx = try cache.tensor(CacheSlot.inputGrad, dy.shape, on: ctx.backend)
        try ctx.backend.activationBackward(function, output: y, outputGrad: dy, inputGrad: dx)
        return dx
    }

    fileprivate static func valid(_ function: ActivationFunction) -> Activation { Activation(valid: function) }
}

/// Keras-style spellings.
public func ReLU() -> Activation { .valid(.relu) }
/// - Throws: `LayerError` unless `alpha` > 0.
public func LeakyReLU(alpha: Float = 0.01) throws -> Activation { try Activation(.leakyReLU(alpha: alpha)) }
public func Sigmoid() -> Activation { .valid(.sigmoid) }
public func Tanh() -> Activation { .valid(.tanh) }
public func Softmax() -> Activation { .valid(.softmax) }
