/// One fused optimizer step over a whole parameter arena, element by element.
/// w is a parameter, g its gradient, m and v the two state slots (same layout as w),
/// d the decay mask (1 for weights, 0 for biases and batch-norm scale/shift), η the
/// learning rate. Every backend computes exactly this, in this order, in float32:
///
///     g ← g + d·(l1·sign(w) + 2·l2·w)              (penalty l1·Σ|w| + l2·Σw², Keras's convention)
///     sgd:      m ← μ·m − η·g
///               w ← w + μ·m − η·g     (nesterov)    w ← w + m   (otherwise; μ = 0 gives w − η·g)
///     adagrad:  m ← m + g²
///               w ← w − η·g / (sqrt(m) + ε)
///     rmsprop:  m ← ρ·m + (1 − ρ)·g²
///               w ← w − η·g / (sqrt(m) + ε)
///     adam:     m ← β1·m + (1 − β1)·g
///               v ← β2·v + (1 − β2)·g²
///               w ← w − η·(m / c1) / (sqrt(v / c2) + ε)     c1 = 1 − β1^t, c2 = 1 − β2^t
///     then, if weightDecay > 0 (decoupled, AdamW-style): w ← w − η·λ·d·w_old
///
/// where w_old is the value before this step. `c1`, `c2` are computed by the host in
/// Double and passed rounded to Float, so every backend uses identical constants.
public struct OptimizerUpdate: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case sgd, adagrad, rmsprop, adam
    }
    public var kind: Kind
    public var learningRate: Float
    /// SGD momentum μ.
    public var momentum: Float = 0
    public var nesterov: Bool = false
    /// RMSprop ρ.
    public var rho: Float = 0.9
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-7
    public var l1: Float = 0
    public var l2: Float = 0
    /// Decoupled weight decay λ (AdamW); independent of `l2`.
    public var weightDecay: Float = 0
    /// Adam bias corrections for this step (see above); 1 for other optimizers.
    public var biasCorrection1: Float = 1
    public var biasCorrection2: Float = 1

    public init(kind: Kind, learningRate: Float) {
        self.kind = kind
        self.learningRate = learningRate
    }

    /// How many state slots (m, v) the kind uses.
    public var stateSlots: Int {
        switch kind {
        case .sgd: momentum != 0 ? 1 : 0
        case .adagrad, .rmsprop: 1
        case .adam: 2
        }
    }
}
