// One fused optimizer step over the whole parameter arena, one work-item per element.
// The formula is OptimizerUpdate's, computed in this order in float32:
//
//     g ← g + d·(l1·sign(w) + 2·l2·w)              (penalty l1·Σ|w| + l2·Σw², Keras's convention)
//     sgd:      m ← μ·m − η·g
//               w ← w + μ·m − η·g     (nesterov)    w ← w + m   (otherwise; μ = 0 gives w − η·g)
//     adagrad:  m ← m + g²
//               w ← w − η·g / (sqrt(m) + ε)
//     rmsprop:  m ← ρ·m + (1 − ρ)·g²
//               w ← w − η·g / (sqrt(m) + ε)
//     adam:     m ← β1·m + (1 − β1)·g
//               v ← β2·v + (1 − β2)·g²
//               w ← w − η·(m / c1) / (sqrt(v / c2) + ε)     c1 = 1 − β1^t, c2 = 1 − β2^t
//     then, if weightDecay > 0 (decoupled, AdamW-style): w ← w − η·λ·d·w_old
//
// Unused state slots are never read or written (SGD with μ = 0 touches no state).
// The OPT_* codes come from the build options, generated from OptimizerUpdate.Kind
// (KernelCodes.swift).

// The update of element e; `kind` is a constant in each kernel below (one kernel per kind:
// with the kind a runtime argument PoCL could not vectorise across work-items).
void optimizer_update(int kind, int e, __global float* params, long pOff,
                      __global const float* grads, long gOff, __global const float* mask, long dOff,
                      __global float* state1, long s1Off, __global float* state2, long s2Off,
                      float lr, float momentum, int nesterov, float rho, float beta1, float beta2,
                      float epsilon, float l1, float l2, float weightDecay, float c1, float c2) {
    // No fused multiply-adds here, so each step rounds exactly like the CPU's Swift code.
    #pragma OPENCL FP_CONTRACT OFF
    const float wOld = params[pOff + e], d = mask[dOff + e];
    const float sgn = wOld > 0.0f ? 1.0f : (wOld < 0.0f ? -1.0f : 0.0f);
    float g = grads[gOff + e];
    g = g + d * (l1 * sgn + 2.0f * l2 * wOld);
    float w = wOld;
    if (kind == OPT_SGD) {
        if (momentum != 0.0f) {
            float m = momentum * state1[s1Off + e] - lr * g;
            state1[s1Off + e] = m;
            w = nesterov ? w + momentum * m - lr * g : w + m;
        } else {
            w = w - lr * g;
        }
    } else if (kind == OPT_ADAGRAD) {
        float m = state1[s1Off + e] + g * g;
        state1[s1Off + e] = m;
        w = w - lr * g / (sqrt(m) + epsilon);
    } else if (kind == OPT_RMSPROP) {
        float m = rho * state1[s1Off + e] + (1.0f - rho) * (g * g);
        state1[s1Off + e] = m;
        w = w - lr * g / (sqrt(m) + epsilon);
    } else {
        float m = beta1 * state1[s1Off + e] + (1.0f - beta1) * g;
        float v = beta2 * state2[s2Off + e] + (1.0f - beta2) * (g * g);
        state1[s1Off + e] = m;
        state2[s2Off + e] = v;
        w = w - lr * (m / c1) / (sqrt(v / c2) + epsilon);
    }
    if (weightDecay > 0.0f) w = w - lr * weightDecay * d * wOld;
    params[pOff + e] = w;
}

// optimizer_step_<kind>: one work-item per element of the arena.
#define OPTIMIZER_KERNEL(NAME, KIND)                                                                 \
__kernel void optimizer_step_##NAME(int count, __global float* params, long pOff,                    \
        __global const float* grads, long gOff, __global const float* mask, long dOff,                 \
        __global float* state1, long s1Off, __global float* state2, long s2Off,                        \
        float lr, float momentum, int nesterov, float rho, float beta1, float beta2,                 \
        float epsilon, float l1, float l2, float weightDecay, float c1, float c2) {                  \
    const int e = (int)get_global_id(0);                                                             \
    if (e < count)                                                                                   \
        optimizer_update(KIND, e, params, pOff, grads, gOff, mask, dOff, state1, s1Off, state2, s2Off, \
                         lr, momentum, nesterov, rho, beta1, beta2, epsilon, l1, l2, weightDecay, c1, c2); \
}
OPTIMIZER_KERNEL(sgd, OPT_SGD)
OPTIMIZER_KERNEL(adagrad, OPT_ADAGRAD)
OPTIMIZER_KERNEL(rmsprop, OPT_RMSPROP)
OPTIMIZER_KERNEL(adam, OPT_ADAM)
