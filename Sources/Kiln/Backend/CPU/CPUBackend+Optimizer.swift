/// The fused optimizer step (formula on `OptimizerUpdate`), element by element in float32,
/// in exactly the documented order. SGD without momentum never touches `state1`.
extension CPUBackend {
    public func optimizerStep(_ u: OptimizerUpdate, params: Tensor, grads: Tensor, decayMask: Tensor,
                              state1: Tensor, state2: Tensor) throws {
        let count = params.count
        precondition(grads.count == count && decayMask.count == count && state1.count == count && state2.count == count,
                     "optimizer tensors differ in size: \([params, grads, decayMask, state1, state2].map(\.count))")
        let w = pointer(params), gs = pointer(grads), d = pointer(decayMask)
        let m = pointer(state1), v = pointer(state2)
        let lr = u.learningRate
        parallelElements(count) { range in
            for i in range {
                let old = w[i]
                let sign: Float = old > 0 ? 1 : old < 0 ? -1 : 0
                let g = gs[i] + d[i] * (u.l1 * sign + 2 * u.l2 * old)
                var new = old
                switch u.kind {
                case .sgd:
                    if u.momentum == 0 {
                        new = old - lr * g
                    } else {
                        m[i] = u.momentum * m[i] - lr * g
                        new = u.nesterov ? old + u.momentum * m[i] - lr * g : old + m[i]
                    }
                case .adagrad:
                    m[i] = m[i] + g * g
                    new = old - lr * g / (m[i].squareRoot() + u.epsilon)
                case .rmsprop:
                    m[i] = u.rho * m[i] + (1 - u.rho) * (g * g)
                    new = old - lr * g / (m[i].squareRoot() + u.epsilon)
                case .adam:
                    m[i] = u.beta1 * m[i] + (1 - u.beta1) * g
                    v[i] = u.beta2 * v[i] + (1 - u.beta2) * (g * g)
                    new = old - lr * (m[i] / u.biasCorrection1) / ((v[i] / u.biasCorrection2).squareRoot() + u.epsilon)
                }
                if u.weightDecay > 0 { new = new - lr * u.weightDecay * d[i] * old }
                w[i] = new
            }
        }
    }
}
