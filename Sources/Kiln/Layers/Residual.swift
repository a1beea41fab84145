/// A residual block: y = activation(body(x) + shortcut(x)), as in ResNet.
///
/// The shortcut is the identity when the body keeps the shape; otherwise (or when asked)
/// a projection: a 1x1 convolution with the stride that matches the body's downsampling
/// (image inputs) or a Dense layer (flat inputs). Parameters are named "body.i.…" and
/// "shortcut.…". A custom shortcut (torchvision's downsample: a 1x1 convolution without bias,
/// then batch norm) is a list of layers named "shortcut.i.…".
public final class Residual: ContainerLayer, ActivationProducer {
    public enum Shortcut: Sendable {
        /// Identity if shapes match, else a projection.
        case automatic
        case identity
        case projection
    }

    public let shortcutKind: Shortcut
    public let activation: ActivationFunction
    public let body: LayerStack
    public private(set) var projection: (any Layer)?
    /// The shortcut's layers when given (model files write them).
    let customShortcut: [any Layer]?
    private var cache = TensorCache()
    private var lastOutput: Tensor?
    var activationBackwardHandedOn = false
    var producedActivation: ElementwiseActivation? { ElementwiseActivation(activation) }

    /// - Throws: `LayerError` for a leaky ReLU whose alpha is not positive, or what making
    ///   the body's layers throws.
    public init(shortcut: Shortcut = .automatic, activation: ActivationFunction = .linear,
                @LayerBuilder _ body: () throws -> [any Layer]) throws {
        try FusedActivation(function: activation).validate(in: "Residual")
        self.shortcutKind = shortcut
        self.activation = activation
        self.body = LayerStack(try body())
        customShortcut = nil
    }

    /// A block whose shortcut is the given layers (applied to x, their output added to the
    /// body's), e.g. `Conv2D(c, kernelSize: 1, stride: 2, useBias: false); BatchNorm()`.
    /// - Throws: as the other initialiser, or what making the shortcut's layers throws.
    public init(activation: ActivationFunction = .linear, @LayerBuilder _ body: () throws -> [any Layer],
                @LayerBuilder shortcut: () throws -> [any Layer]) throws {
        try FusedActivation(function: activation).validate(in: "Residual")
        shortcutKind = .projection
        self.activation = activation
        self.body = LayerStack(try body())
        customShortcut = try shortcut()
    }

    public var typeName: String { "Residual" }
    public var configuration: String {
        "\(body.layers.count) layers, \(projection == nil ? "identity" : "projection") shortcut, \(activation.name)"
    }
    public var children: [(name: String, layer: any Layer)] {
        body.layers.enumerated().map { ("body.\($0.offset)", $0.element) }
            + (projection.map { [("shortcut", $0)] } ?? [])
    }

    public func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape {
        let out = try declarations.scoped("body") { try body.build(inputShape: inputShape, declarations: declarations) }
        let needsProjection = shortcutKind == .projection || (shortcutKind == .automatic && out != inputShape)
        if needsProjection {
            let p = try customShortcut.map { LayerSequence(LayerStack($0)) } ?? Self.makeProjection(from: inputShape, to: out)
            let projected = try declarations.scoped("shortcut") { try p.build(inputShape: inputShape, declarations: declarations) }
            guard projected == out else {
                throw LayerError("Residual: the projection maps \(inputShape) to \(projected), but the body gives \(out)")
            }
            projection = p
        } else if out != inputShape {
            throw LayerError("Residual: identity shortcut needs the body to keep the shape \(inputShape), but it gives \(out)")
        }
        return out
    }

    /// A 1x1 convolution whose stride s gives (in − 1)/s + 1 = out on both axes, or a Dense
    /// layer for flat shapes.
    private static func makeProjection(from input: Shape, to output: Shape) throws -> any Layer {
        if input.rank == 1 && output.rank == 1 { return try Dense(output[0]) }
        func stride(_ i: Int, _ o: Int) -> Int? {
            guard o > 0 else { return nil }
            let s = max((i + o - 1) / o, 1)
            return (i - 1) / s + 1 == o ? s : nil
        }
        guard input.rank == 3, output.rank == 3, let sh = stride(input[1], output[1]), let sw = stride(input[2], output[2]) else {
            throw LayerError("Residual: no 1x1 projection maps \(input) to \(output)")
        }
        return try Conv2D(output[0], kernelSize: (1, 1), strides: (sh, sw))
    }

    public func bind(_ cursor: BindingCursor) {
        body.bind(cursor)
        projection?.bind(cursor)
    }

    public func forward(_ x: Tensor, _ ctx: ForwardContext) throws -> Tensor {
        let a = try body.forward(x, ctx)
        let s = try projection?.forward(x, ctx) ?? x
        let y = try cache.tensor(CacheSlot.output, a.shape, on: ctx.backend)
        let f = FusedActivation(function: activation)
        try ctx.backend.add(a, s, into: y, activation: f.inOp)
        try f.finish(y, ctx)
        lastOutput = y
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: ForwardContext, needInputGradient: Bool) throws -> Tensor? {
        guard let y = lastOutput else { preconditionFailure("Residual.backward before forward") }
        let dz = try activationBackward(FusedActivation(function: activation), output: y, outputGrad: dy, cache: &cache, ctx)
        // Both branches must see dz unchanged; parameter gradients accumulate inside them.
        let dBody = try body.backward(dz, ctx, needInputGradient: needInputGradient)
        let dShortcut = try projection.map { try $0.backward(dz, ctx, needInputGradient: needInputGradient) } ?? dz
        guard needInputGradient, let dBody, let dShortcut else { return nil }
        let dx = try cache.tensor(CacheSlot.inputGrad, dBody.shape, on: ctx.backend)
        try ctx.backend.add(dBody, dShortcut, into: dx)
        return dx
    }
}
