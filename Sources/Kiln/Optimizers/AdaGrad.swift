/// AdaGrad: each element's step shrinks with the sum of its squared gradients.
/// Per element, after the L1/L2 terms are folded into g (see `OptimizerUpdate`):
///
///     m ← m + g²                   (m starts at `initialAccumulator`)
///     w ← w − η·g / (sqrt(m) + ε)
///     w ← w − η·λ·d·w_old        (if `weightDecay` λ > 0; d the decay mask)
///
/// Defaults are Keras's (lr 1e-3, initial accumulator 0.1, ε 1e-7); PyTorch's are lr 1e-2,
/// initial accumulator 0, ε 1e-10. ε sits outside the square root as in PyTorch (Keras 3
/// writes sqrt(m + ε)); with the accumulator starting at 0.1 the difference is negligible.
public struct AdaGrad: Optimizer, Hashable {
    /// Keras's default learning rate for AdaGrad.
    public static let defaultLearningRate: Float = 0.001

    public let learningRate: Float
    public let initialAccumulator: Float
    public let epsilon: Float
    public let regularization: Regularization
    public let weightDecay: Float

    /// Keras's defaults (lr 1e-3, initial accumulator 0.1, ε 1e-7, no regularization): cannot fail.
    public init() {
        learningRate = AdaGrad.defaultLearningRate; initialAccumulator = 0.1; epsilon = 1e-7
        regularization = .none; weightDecay = 0
    }

    /// - Throws: `ConfigurationError` unless 0 < learningRate < ∞, initialAccumulator ≥ 0,
    ///   ε > 0, penalties and weightDecay ≥ 0 (all finite).
    public init(learningRate: Float = AdaGrad.defaultLearningRate, initialAccumulator: Float = 0.1,
                epsilon: Float = 1e-7,
                regularization: Regularization = .none, weightDecay: Float = 0) throws {
        try validateCommon("AdaGrad", learningRate: learningRate, regularization: regularization,
                           weightDecay: weightDecay)
        try Validate.nonNegative(initialAccumulator, "initialAccumulator", in: "AdaGrad")
        try Validate.positive(epsilon, "epsilon", in: "AdaGrad")
        self.learningRate = learningRate
        self.initialAccumulator = initialAccumulator
        self.epsilon = epsilon
        self.regularization = regularization
        self.weightDecay = weightDecay
    }

    /// The accumulator m starts at `initialAccumulator`: fill state slot 1 with it.
    public var initialState1: Float { initialAccumulator }

    public func update(step: Int, learningRate: Float) -> OptimizerUpdate {
        var u = OptimizerUpdate(.adagrad, learningRate: learningRate, step: step,
                                regularization: regularization, weightDecay: weightDecay)
        u.epsilon = epsilon
        return u
    }

    public var description: String {
        "AdaGrad(learningRate: \(learningRate), initialAccumulator: \(initialAccumulator), epsilon: \(epsilon)"
            + describeDecay(regularization, weightDecay) + ")"
    }
}
