// Losses (see LossFunction) and accuracy. Losses work on rows of K
// (predictions p and targets t: [N, K]), one work-item per sample; gradients are of the
// batch mean, hence the 1/N.
// The LOSS_* codes come from the build options, generated from LossFunction (KernelCodes.swift).

__kernel void loss_rows(int kind, __global const float* p, long pOff, __global const float* t, long tOff,
                        __global float* loss, long lossOff, __global float* grad, long gOff, int N, int K) {
    int n = (int)get_global_id(0);
    if (n >= N) return;
    __global const float* pr = p + pOff + n * K;
    __global const float* tr = t + tOff + n * K;
    __global float* gr = grad + gOff + n * K;
    float total = 0.0f;
    if (kind == LOSS_SOFTMAX_CROSS_ENTROPY) {
        // ℓ = Σ_k t_k·(lse − p_k) with lse − p_k = (max − p_k) + log Σ e^(p − max): no
        // cancellation of large logits. ∂/∂p_k = (softmax_k·Σt − t_k)/N.
        float m, tsum = 0.0f;
        const float s = softmax_denominator(pr, K, &m);
        for (int k = 0; k < K; ++k) tsum += tr[k];
        float logS = log(s);
        for (int k = 0; k < K; ++k) {
            total += tr[k] * ((m - pr[k]) + logS);
            gr[k] = (exp(pr[k] - m) / s * tsum - tr[k]) / (float)N;
        }
    } else {
        float nk = (float)N * (float)K;
        for (int k = 0; k < K; ++k) {
            float x = pr[k], y = tr[k], g;
            if (kind == LOSS_BINARY_CROSS_ENTROPY) {
                total += fmax(x, 0.0f) - x * y + log1p(exp(-fabs(x)));
                float sig = x >= 0.0f ? 1.0f / (1.0f + exp(-x)) : exp(x) / (1.0f + exp(x));
                g = (sig - y) / nk;
            } else if (kind == LOSS_MSE) {
                total += (x - y) * (x - y);
                g = 2.0f * (x - y) / nk;
            } else if (kind == LOSS_MAE) {
                total += fabs(x - y);
                g = (x > y ? 1.0f : (x < y ? -1.0f : 0.0f)) / nk;
            } else {  // hinge; targets of 0 read as −1
                float s = y > 0.0f ? 1.0f : -1.0f;
                total += fmax(0.0f, 1.0f - s * x);
                g = (1.0f - s * x > 0.0f ? -s : 0.0f) / nk;
            }
            gr[k] = g;
        }
        total /= (float)K;
    }
    loss[lossOff + n] = total;
}

// correct[n] = 1 when argmax p == argmax t (first index on ties), for K == 1 when
// (p > 0) == (t > 0.5); else 0.
__kernel void count_correct(__global const float* p, long pOff, __global const float* t, long tOff,
                            __global float* correct, long cOff, int N, int K) {
    int n = (int)get_global_id(0);
    if (n >= N) return;
    __global const float* pr = p + pOff + n * K;
    __global const float* tr = t + tOff + n * K;
    bool ok;
    if (K == 1) {
        ok = (pr[0] > 0.0f) == (tr[0] > 0.5f);
    } else {
        int ap = 0, at = 0;
        for (int k = 1; k < K; ++k) {
            if (pr[k] > pr[ap]) ap = k;
            if (tr[k] > tr[at]) at = k;
        }
        ok = ap == at;
    }
    correct[cOff + n] = ok ? 1.0f : 0.0f;
}
