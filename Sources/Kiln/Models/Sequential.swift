/// A stack of layers trained as one model, Keras-style:
///
///     let model = try Sequential(input: [1, 28, 28]) {
///         try Conv2D(32, kernelSize: 3, activation: .relu)
///         MaxPool2D()
///         Flatten()
///         try Dense(10)
///     }
///     try model.compile(backend: CPUBackend(), optimizer: Adam(), loss: .softmaxCrossEntropy, seed: 1)
///     let history = try model.fit(train, epochs: 3, batchSize: 32, validationSplit: 0.1)
///
/// Shapes are inferred and checked when the model is created; `compile` puts the parameters
/// on a backend (initialised on the host from the seed, so every backend starts equal).
public final class Sequential {
    /// Per-sample input shape, e.g. [1, 28, 28].
    public let inputShape: Shape
    public let outputShape: Shape
    public let stack: LayerStack
    public let declarations: ParameterDeclarations

    public private(set) var compiled: CompiledState?
    /// The model-zoo name this model was made from, if any (stored in checkpoints so a
    /// checkpoint can rebuild its model).
    public var name: String?
    /// A line `summary()` prints under the title: what a zoo model is and where it departs
    /// from its source.
    public var note: String?
    /// Input normalisation fitted on training data; saved with the model.
    public var normalizer: Normalizer?
    /// The names of the output classes, if known (from a model file or the training data);
    /// saved with the model, shown by `kiln eval` and `kiln predict`.
    public var classNames: [String]?
    /// The processes that train this model together (one, unless set; see `DataParallel`).
    /// `fit` shards each batch and all-reduces gradients over it; `evaluate` shards the data.
    public var communicator: any Communicator = SingleProcess()

    /// - Throws: `LayerError` when a layer does not fit its input, a layer instance is already
    ///   part of a model, or what making the layers throws.
    public init(input: Shape, @LayerBuilder _ layers: () throws -> [any Layer]) throws {
        guard input.rank >= 1, input.dims.allSatisfy({ $0 > 0 }) else { throw LayerError("input shape \(input) is empty") }
        guard let n = CheckedSize.product(input.dims), n <= ShapeLimits.maxActivationElements else {
            throw LayerError("input shape \(input) has more than \(ShapeLimits.maxActivationElements) values (Kiln's limit)")
        }
        inputShape = input
        stack = LayerStack(try layers())
        guard !stack.layers.isEmpty else { throw LayerError("a model needs at least one layer") }
        declarations = ParameterDeclarations()
        outputShape = try stack.build(inputShape: input, declarations: declarations)
    }

    public var layers: [any Layer] { stack.layers }
    public var parameterCount: Int { declarations.parameters.reduce(0) { $0 + $1.shape.count } }
    public var bufferCount: Int { declarations.buffers.reduce(0) { $0 + $1.shape.count } }

    /// What `compile` sets up: the backend, the arenas, the optimizer and the loss.
    public final class CompiledState {
        public let backend: any Backend
        public let parameters: ParameterArena
        public let buffers: BufferArena
        public let optimizer: any Optimizer
        public let loss: LossFunction
        public let seed: UInt64
        /// Training steps taken so far (keys dropout; Adam's t is `step + 1` for the next step).
        public internal(set) var step: UInt64 = 0
        /// The learning rate in force (callbacks change it).
        public internal(set) var learningRate: Float
        /// Where `fit` stands (epochs done, history, callback state); nil before any `fit`.
        public internal(set) var progress: TrainingProgress?
        var cache = TensorCache()

        init(backend: any Backend, parameters: ParameterArena, buffers: BufferArena,
             optimizer: any Optimizer, loss: LossFunction, seed: UInt64) {
            self.backend = backend; self.parameters = parameters; self.buffers = buffers
            self.optimizer = optimizer; self.loss = loss; self.seed = seed
            self.learningRate = optimizer.learningRate
        }
    }

    /// Allocates the parameters on `backend`, initialises them from `seed` (on the host, then
    /// uploaded) and sets the optimizer and loss. Compiling again starts from fresh weights.
    public func compile(backend: any Backend, optimizer: any Optimizer, loss: LossFunction,
                        seed: UInt64 = 0) throws {
        if loss == .softmaxCrossEntropy, outputShape.rank != 1 || outputShape[0] < 2 {
            throw LayerError("softmax cross-entropy needs an output of at least 2 classes, the model gives \(outputShape)")
        }
        let parameters = try ParameterArena(specs: declarations.parameters, backend: backend)
        let buffers = try BufferArena(specs: declarations.buffers, backend: backend)
        let state = CompiledState(backend: backend, parameters: parameters, buffers: buffers,
                                  optimizer: optimizer, loss: loss, seed: seed)
        stack.bind(BindingCursor(parameters: parameters.views(of: parameters.values),
                                 gradients: parameters.views(of: parameters.gradients),
                                 buffers: buffers.views()))
        compiled = state
        try initializeParameters(seed: seed)
    }

    /// Draws every parameter from its initialiser, in declaration order, from one generator,
    /// and resets running statistics and optimizer state.
    public func initializeParameters(seed: UInt64) throws {
        let state = try requireCompiled()
        var rng = SplitMix64(seed: seed, stream: 1)
        var values = [Float]()
        values.reserveCapacity(state.parameters.count)
        for spec in declarations.parameters {
            values += spec.initializer.values(count: spec.shape.count, fanIn: spec.fanIn, fanOut: spec.fanOut, using: &rng)
        }
        try state.backend.upload(values, to: state.parameters.values)
        try state.backend.upload(state.buffers.initialValues, to: state.buffers.values)
        try resetOptimizerState()
    }

    /// Zeroes the optimizer's moments (AdaGrad's accumulator starts at its initial value).
    public func resetOptimizerState() throws {
        let state = try requireCompiled()
        try state.backend.fill(state.parameters.state1, with: state.optimizer.initialState1)
        try state.backend.fill(state.parameters.state2, with: 0)
        state.step = 0
        state.progress = nil
    }

    func requireCompiled() throws -> CompiledState {
        guard let compiled else { throw TrainingError.notCompiled }
        return compiled
    }

    /// The model's weights and running statistics as host copies.
    public func weights() throws -> WeightSnapshot {
        let s = try requireCompiled()
        return WeightSnapshot(parameters: try s.backend.download(s.parameters.values),
                              buffers: try s.backend.download(s.buffers.values))
    }

    /// Replaces the weights and running statistics.
    public func setWeights(_ w: WeightSnapshot) throws {
        let s = try requireCompiled()
        guard w.parameters.count == s.parameters.count, w.buffers.count == s.buffers.count else {
            throw TrainingError.weightCountMismatch(expected: s.parameters.count + s.buffers.count,
                                                    got: w.parameters.count + w.buffers.count)
        }
        try s.backend.upload(w.parameters, to: s.parameters.values)
        try s.backend.upload(w.buffers, to: s.buffers.values)
    }

    /// Runs the model on one batch [N, …inputShape] and returns its output tensor (a view
    /// of a buffer the last layer reuses: read it before the next call).
    public func forward(_ input: Tensor, mode: ForwardMode) throws -> Tensor {
        _ = try requireCompiled()
        guard input.shape.sampleShape == inputShape else {
            throw TrainingError.inputShapeMismatch(expected: inputShape, got: input.shape.sampleShape)
        }
        return try stack.forward(input, context(mode))
    }

    /// The context of a pass at the model's current step (or `step`, for Monte-Carlo passes).
    func context(_ mode: ForwardMode, step: UInt64? = nil) -> ForwardContext {
        let s = compiled!
        return ForwardContext(backend: s.backend, mode: mode, seed: UInt32(truncatingIfNeeded: s.seed), step: step ?? s.step)
    }
}
