/// Stochastic gradient descent, optionally with momentum μ and Nesterov's look-ahead.
/// Per element, after the L1/L2 terms are folded into g (see `OptimizerUpdate`):
///
///     m ← μ·m − η·g
///     w ← w + μ·m − η·g     (nesterov)
///     w ← w + m             (otherwise; with μ = 0 this is w − η·g and m is unused)
///     w ← w − η·λ·d·w_old   (if `weightDecay` λ > 0; d the decay mask)
///
/// This is Keras's form: the velocity m carries the learning rate. PyTorch's
/// (b ← μ·b + g, w ← w − η·b) is the same while η is constant but differs once a schedule
/// changes η. Defaults are Keras's (lr 0.01, μ 0); PyTorch's `SGD` also has μ 0, lr 1e-3.
public struct SGD: Optimizer, Hashable {
    /// Keras's default learning rate for SGD.
    public static let defaultLearningRate: Float = 0.01

    public let learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let regularization: Regularization
    public let weightDecay: Float

    /// Keras's defaults (lr 0.01, no momentum, no regularization): cannot fail.
    public init() {
        learningRate = SGD.defaultLearningRate; momentum = 0; nesterov = false
        regularization = .none; weightDecay = 0
    }

    /// - Throws: `ConfigurationError` unless 0 < learningRate < ∞, 0 ≤ momentum < 1, penalties
    ///   and weightDecay ≥ 0; and for `nesterov` without momentum (as PyTorch does).
    public init(learningRate: Float = SGD.defaultLearningRate, momentum: Float = 0, nesterov: Bool = false,
                regularization: Regularization = .none, weightDecay: Float = 0) throws {
        try validateCommon("SGD", learningRate: learningRate, regularization: regularization, weightDecay: weightDecay)
        try Validate.unitInterval(momentum, "momentum", in: "SGD")
        if nesterov && momentum == 0 {
            throw ConfigurationError("SGD: nesterov requires momentum > 0, got momentum 0.0")
        }
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.regularization = regularization
        self.weightDecay = weightDecay
    }

    public func update(step: Int, learningRate: Float) -> OptimizerUpdate {
        var u = OptimizerUpdate(.sgd, learningRate: learningRate, step: step,
                                regularization: regularization, weightDecay: weightDecay)
        u.momentum = momentum
        u.nesterov = nesterov
        return u
    }

    public var description: String {
        "SGD(learningRate: \(learningRate), momentum: \(momentum), nesterov: \(nesterov)"
            + describeDecay(regularization, weightDecay) + ")"
    }
}
