/// A gradient-descent rule and its settings. An optimizer holds no per-parameter state: the
/// trainer owns the state slots (arenas of the parameter layout) and asks for one
/// `OptimizerUpdate` per step, which a backend applies to every parameter in one launch.
/// The exact arithmetic, shared by all backends, is on `OptimizerUpdate`.
///
/// Every optimizer takes two separate, independent options: `regularization` (L1/L2 penalties
/// folded into the gradient, Keras's convention) and `weightDecay` (decoupled, AdamW-style:
/// w ← w − η·λ·w_old after the update). Both apply only to elements the decay mask marks
/// (weights, not biases or batch-norm scale/shift).
public protocol Optimizer: Sendable, CustomStringConvertible {
    /// The learning rate η training starts with; schedules and callbacks may change the rate
    /// in force, which the trainer passes to `update(step:learningRate:)`.
    var learningRate: Float { get }
    var regularization: Regularization { get }
    /// Decoupled weight decay λ (0 = off).
    var weightDecay: Float { get }
    /// What state slot 1 holds before the first step (0 except for AdaGrad's accumulator).
    var initialState1: Float { get }
    /// The fused update for step `step` (1-based: the first step of training is 1; it keeps
    /// counting across epochs and must be restored with the state when training resumes).
    func update(step: Int, learningRate: Float) -> OptimizerUpdate
}

extension Optimizer {
    public var initialState1: Float { 0 }

    /// How many state slots (arenas of the parameter layout) the trainer must allocate.
    public var stateSlots: Int { update(step: 1, learningRate: learningRate).stateSlots }
}

extension OptimizerUpdate {
    /// The part every optimizer shares: kind, rate, and the two decay options.
    init(_ kind: Kind, learningRate: Float, step: Int, regularization: Regularization, weightDecay: Float) {
        precondition(step >= 1, "optimizer steps are 1-based, got \(step)")
        self.init(kind: kind, learningRate: learningRate)
        l1 = regularization.l1
        l2 = regularization.l2
        self.weightDecay = weightDecay
    }
}

/// The shared settings check: a finite positive rate, valid penalties and decay.
func validateCommon(_ owner: String, learningRate: Float, regularization: Regularization, weightDecay: Float) throws {
    try Validate.positive(learningRate, "learningRate", in: owner)
    try regularization.validate(in: owner)
    try Validate.nonNegative(weightDecay, "weightDecay", in: owner)
}

/// The common tail of every optimizer's `description`.
func describeDecay(_ regularization: Regularization, _ weightDecay: Float) -> String {
    var parts: [String] = []
    if regularization.l1 != 0 { parts.append("l1: \(regularization.l1)") }
    if regularization.l2 != 0 { parts.append("l2: \(regularization.l2)") }
    if weightDecay != 0 { parts.append("weightDecay: \(weightDecay)") }
    return parts.map { ", " + $0 }.joined()
}
