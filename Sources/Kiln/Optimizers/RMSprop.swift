/// RMSprop: steps scaled by a moving average of squared gradients.
/// Per element, after the L1/L2 terms are folded into g (see `OptimizerUpdate`):
///
///     m ← ρ·m + (1 − ρ)·g²          (m starts at 0)
///     w ← w − η·g / (sqrt(m) + ε)
///     w ← w − η·λ·d·w_old         (if `weightDecay` λ > 0; d the decay mask)
///
/// Defaults are Keras's (lr 1e-3, ρ 0.9, ε 1e-7); PyTorch's are lr 1e-2, ρ ("alpha") 0.99,
/// ε 1e-8. ε sits outside the square root as in PyTorch (Keras 3 writes sqrt(m + ε)).
/// Not centred, no momentum.
public struct RMSprop: Optimizer, Hashable {
    /// Keras's default learning rate for RMSprop.
    public static let defaultLearningRate: Float = 0.001

    public let learningRate: Float
    public let rho: Float
    public let epsilon: Float
    public let regularization: Regularization
    public let weightDecay: Float

    /// Keras's defaults (lr 1e-3, ρ 0.9, ε 1e-7, no regularization): cannot fail.
    public init() {
        learningRate = RMSprop.defaultLearningRate; rho = 0.9; epsilon = 1e-7
        regularization = .none; weightDecay = 0
    }

    /// - Throws: `ConfigurationError` unless 0 < learningRate < ∞, 0 ≤ ρ < 1, ε > 0,
    ///   penalties and weightDecay ≥ 0 (all finite).
    public init(learningRate: Float = RMSprop.defaultLearningRate, rho: Float = 0.9, epsilon: Float = 1e-7,
                regularization: Regularization = .none, weightDecay: Float = 0) throws {
        try validateCommon("RMSprop", learningRate: learningRate, regularization: regularization,
                           weightDecay: weightDecay)
        try Validate.unitInterval(rho, "rho", in: "RMSprop")
        try Validate.positive(epsilon, "epsilon", in: "RMSprop")
        self.learningRate = learningRate
        self.rho = rho
        self.epsilon = epsilon
        self.regularization = regularization
        self.weightDecay = weightDecay
    }

    public func update(step: Int, learningRate: Float) -> OptimizerUpdate {
        var u = OptimizerUpdate(.rmsprop, learningRate: learningRate, step: step,
                                regularization: regularization, weightDecay: weightDecay)
        u.rho = rho
        u.epsilon = epsilon
        return u
    }

    public var description: String {
        "RMSprop(learningRate: \(learningRate), rho: \(rho), epsilon: \(epsilon)"
            + describeDecay(regularization, weightDecay) + ")"
    }
}
