/// Losses over a batch of predictions p: [N, K] and targets t: [N, K] of the same shape.
/// Each writes the per-sample loss ℓ_n and the gradient of the *batch mean* (1/N)·Σ_n ℓ_n
/// with respect to p.
///
///     softmaxCrossEntropy: p are logits, t a distribution (one-hot labels):
///         ℓ_n = −Σ_k t_k · log softmax(p)_k = logsumexp(p) − Σ_k t_k p_k   (stable: max subtracted)
///         ∂/∂p_k = (softmax(p)_k · Σ_j t_j − t_k) / N
///     binaryCrossEntropy: p are logits, t in [0, 1]:
///         ℓ_n = (1/K) Σ_k max(p,0) − p·t + log(1 + e^(−|p|))
///         ∂/∂p_k = (sigmoid(p_k) − t_k) / (N·K)
///     meanSquaredError:  ℓ_n = (1/K) Σ_k (p − t)²      ∂ = 2(p − t)/(N·K)
///     meanAbsoluteError: ℓ_n = (1/K) Σ_k |p − t|       ∂ = sign(p − t)/(N·K)   (0 at p = t)
///     hinge: t in {0,1} or {−1,1}; 0 is read as −1 (as Keras does):
///         ℓ_n = (1/K) Σ_k max(0, 1 − s·p)  with s = (t > 0 ? 1 : −1)
///         ∂ = (1 − s·p > 0 ? −s : 0)/(N·K)
public enum LossFunction: String, Hashable, Sendable, CaseIterable {
    case softmaxCrossEntropy = "softmax_cross_entropy"
    case binaryCrossEntropy = "binary_cross_entropy"
    case meanSquaredError = "mse"
    case meanAbsoluteError = "mae"
    case hinge = "hinge"
}
