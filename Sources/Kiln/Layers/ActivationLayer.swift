/// A stand-alone activation (Keras's `Activation`, PyTorch's `nn.ReLU` and friends). Layers
/// with an `activation:` argument fuse the same op instead.
public final class Activation: Layer {
    public let function: ActivationFunction
    private var cache = TensorCache()
    private var lastOutput: Tensor?

    public init(_ function: ActivationFunction) { self.function = function }

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

    public func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape {
        try FusedActivation(function: function).validate(in: typeName)
        return inputShape
    }
    public func bind(_ cursor: BindingCursor) {}

    public func forward(_ x: Tensor, _ ctx: ForwardContext) throws -> Tensor {
        let y = try cache.tensor(CacheSlot.output, x.shape, on: ctx.backend)
        try ctx.backend.activationForward(function, input: x, output: y)
        lastOutput = y
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: ForwardContext, needInputGradient: Bool) throws -> Tensor? {
        guard needInputGradient else { return nil }
        guard let y = lastOutput else { preconditionFailure("\(typeName).backward before forward") }
        let dx = try cache.tensor(CacheSlot.inputGrad, dy.shape, on: ctx.backend)
        try ctx.backend.activationBackward(function, output: y, outputGrad: dy, inputGrad: dx)
        return dx
    }
}

/// Keras-style spellings.
public func ReLU() -> Activation { Activation(.relu) }
public func LeakyReLU(alpha: Float = 0.01) -> Activation { Activation(.leakyReLU(alpha: alpha)) }
public func Sigmoid() -> Activation { Activation(.sigmoid) }
public func Tanh() -> Activation { Activation(.tanh) }
public func Softmax() -> Activation { Activation(.softmax) }
