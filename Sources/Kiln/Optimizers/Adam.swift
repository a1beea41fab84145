import Foundation

/// Adam with bias correction; with `weightDecay` > 0 it is AdamW (see `Adam.adamW`).
/// Per element, after the L1/L2 terms are folded into g (see `OptimizerUpdate`), at step t:
///
///     m ← β1·m + (1 − β1)·g           (m, v start at 0)
///     v ← β2·v + (1 − β2)·g²
///     w ← w − η·(m / c1) / (sqrt(v / c2) + ε),   c1 = 1 − β1^t,  c2 = 1 − β2^t
///     w ← w − η·λ·d·w_old             (if `weightDecay` λ > 0; d the decay mask)
///
/// c1 and c2 are computed in Double from the Float β's and rounded to Float once
/// (`biasCorrection`). This is PyTorch's placement of ε (Keras folds the corrections into the
/// step size, which scales ε by sqrt(c2)). Defaults are Keras's (lr 1e-3, β 0.9/0.999,
/// ε 1e-7); PyTorch's ε is 1e-8. L2 `regularization` passes through the adaptive scaling
/// (PyTorch `Adam(weight_decay:)`); use `weightDecay` for AdamW's decoupled decay.
public struct Adam: Optimizer, Hashable {
    /// Keras's default learning rate for Adam.
    public static let defaultLearningRate: Float = 0.001

    public let learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let regularization: Regularization
    public private(set) var weightDecay: Float

    /// Keras's defaults (lr 1e-3, β 0.9/0.999, ε 1e-7), no regularization: cannot fail.
    public init() {
        learningRate = Adam.defaultLearningRate; beta1 = 0.9; beta2 = 0.999; epsilon = 1e-7
        regularization = .none; weightDecay = 0
    }

    /// - Throws: `ConfigurationError` unless 0 < learningRate < ∞, 0 ≤ β1, β2 < 1, ε > 0,
    ///   penalties and weightDecay ≥ 0 (all finite).
    public init(learningRate: Float = Adam.defaultLearningRate, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-7,
                regularization: Regularization = .none, weightDecay: Float = 0) throws {
        try validateCommon("Adam", learningRate: learningRate, regularization: regularization,
                           weightDecay: weightDecay)
        try Validate.unitInterval(beta1, "beta1", in: "Adam")
        try Validate.unitInterval(beta2, "beta2", in: "Adam")
        try Validate.positive(epsilon, "epsilon", in: "Adam")
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.regularization = regularization
        self.weightDecay = weightDecay
    }

    /// Keras's default decoupled weight decay for AdamW (PyTorch's is 0.01).
    public static let defaultAdamWWeightDecay: Float = 0.004

    /// AdamW: Adam with decoupled weight decay, default λ = 0.004 (Keras's `AdamW`;
    /// PyTorch's default is 0.01). The decay is w ← w − η·λ·w, scaled by the learning rate
    /// in force as in both Keras and PyTorch.
    public static func adamW(learningRate: Float = Adam.defaultLearningRate,
                             weightDecay: Float = Adam.defaultAdamWWeightDecay,
                             beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
                             regularization: Regularization = .none) throws -> Adam {
        try Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                 regularization: regularization, weightDecay: weightDecay)
    }

    /// AdamW with every default (λ 0.004): cannot fail.
    public static func adamW() -> Adam {
        var adam = Adam()
        adam.weightDecay = defaultAdamWWeightDecay
        return adam
    }

    /// 1 − β^t computed in Double and rounded to Float once.
    public static func biasCorrection(beta: Float, step: Int) -> Float {
        Float(1 - pow(Double(beta), Double(step)))
    }

    public func update(step: Int, learningRate: Float) -> OptimizerUpdate {
        var u = OptimizerUpdate(.adam, learningRate: learningRate, step: step,
                                regularization: regularization, weightDecay: weightDecay)
        u.beta1 = beta1
        u.beta2 = beta2
        u.epsilon = epsilon
        u.biasCorrection1 = Adam.biasCorrection(beta: beta1, step: step)
        u.biasCorrection2 = Adam.biasCorrection(beta: beta2, step: step)
        return u
    }

    public var description: String {
        "\(weightDecay > 0 ? "AdamW" : "Adam")(learningRate: \(learningRate), beta1: \(beta1), beta2: \(beta2), "
            + "epsilon: \(epsilon)" + describeDecay(regularization, weightDecay) + ")"
    }
}
