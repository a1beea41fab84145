/// L1 and L2 penalties added to the loss for every decayed element w (weights; not biases,
/// batch-norm scale or shift), Keras's convention:
///
///     penalty = l1·Σ|w| + l2·Σw²,   so   g ← g + l1·sign(w) + 2·l2·w
///
/// (PyTorch's `weight_decay` on `SGD`/`Adam` adds λ·w to the gradient, which is `l2 = λ/2`
/// here.) This is *coupled* regularisation: with Adam it passes through the adaptive scaling.
/// Decoupled weight decay (AdamW) is the optimizers' separate `weightDecay` option.
public struct Regularization: Hashable, Sendable, Codable {
    public var l1: Float
    public var l2: Float

    public init(l1: Float = 0, l2: Float = 0) {
        self.l1 = l1
        self.l2 = l2
    }

    public static let none = Regularization()
    public static func l1(_ l1: Float) -> Regularization { Regularization(l1: l1) }
    public static func l2(_ l2: Float) -> Regularization { Regularization(l2: l2) }

    func validate(in owner: String) throws {
        try Validate.nonNegative(l1, "l1", in: owner)
        try Validate.nonNegative(l2, "l2", in: owner)
    }
}
