/// What a forward pass is for. Passed explicitly to every layer; there is no global flag.
public enum ForwardMode: Sendable, Equatable {
    /// Batch statistics in batch norm (running stats updated), dropout active.
    case training
    /// Running statistics in batch norm, dropout off.
    case inference
    /// Inference statistics but dropout active: Monte-Carlo dropout prediction.
    case monteCarloDropout

    public var usesBatchStatistics: Bool { self == .training }
    public var dropoutActive: Bool { self != .inference }
}

/// Everything a layer needs besides its input.
public struct ForwardContext {
    public let backend: any Backend
    public let mode: ForwardMode
    /// The model's seed (dropout keys).
    public let seed: UInt32
    /// The step counter (dropout counters): a new value for every batch.
    public let step: UInt64
    /// Where this batch starts in the global batch: 0 in one process; in a data-parallel run,
    /// the rank's first sample, so dropout keys each sample by its global index.
    public var sampleOffset = 0

    public init(backend: any Backend, mode: ForwardMode, seed: UInt32, step: UInt64) {
        self.backend = backend; self.mode = mode; self.seed = seed; self.step = step
    }
}

/// One layer of a model. Shapes handed to `build` are per sample (no batch dimension);
/// tensors handed to `forward`/`backward` carry the batch as their first dimension.
///
/// Life cycle: `build` once (shape inference, parameter declarations), `bind` once (the
/// arena views), then any number of `forward`/`backward` pairs. `backward` follows the
/// `forward` of the same batch in `.training` mode, may use what that forward kept, must
/// not modify `outputGrad` (a residual block hands it to two branches), and accumulates
/// parameter gradients into the views it was bound to.
public protocol Layer: AnyObject {
    /// The layer's type as shown in summaries ("Conv2D").
    var typeName: String { get }
    /// A one-line description of the configuration ("32 filters 3x3, stride 1, valid, relu").
    var configuration: String { get }
    /// Checks the input shape, declares parameters and buffers, returns the output shape.
    func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape
    /// Takes the views of the declared parameters, gradients and buffers, in declaration order.
    func bind(_ cursor: BindingCursor)
    func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor
    /// Returns the gradient with respect to the input, or nil when `needInputGradient` is
    /// false (the first layer of a model skips that work).
    func backward(_ outputGrad: Tensor, _ context: ForwardContext, needInputGradient: Bool) throws -> Tensor?
}

/// Layers that contain layers (residual blocks) list them for summaries and descriptions.
public protocol ContainerLayer: Layer {
    var children: [(name: String, layer: any Layer)] { get }
}
