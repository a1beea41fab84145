// Batch normalisation over x viewed as [N, C, S] (see BatchNormLayout), statistics per
// channel over m = N·S values. One work-group of RED_WG items per channel.
//
// Training statistics take ONE pass over x: each item sums its share shifted by one of its
// own values (count, mean, M2 = Σ(x − mean)²), and group_welford combines the items pairwise
// (Chan, Golub and LeVeque). Like the two-pass Σ(x − mean)² it replaces, it never forms
// E[x²] − mean² of unshifted data, so large means do not cost precision (M2 is clamped at
// 0). Gradients sum with Kahan per item and group_sum across items.

// Item l's share of channel c's elements e = n·S + s (< m): with RED_CONTIGUOUS (CPU
// devices, see KernelConfig.contiguousReductions) one contiguous run of ceil(m / RED_WG),
// since a CPU driver runs a group's items one after another; otherwise every RED_WG-th
// element from l, so neighbouring items of a GPU read neighbouring words.
#ifdef RED_CONTIGUOUS
#define BN_FIRST(l, m) ((l) * (((m) + RED_WG - 1) / RED_WG))
#define BN_END(l, m) min((m), BN_FIRST((l) + 1, m))
#define BN_STEP 1
#else
#define BN_FIRST(l, m) (l)
#define BN_END(l, m) (m)
#define BN_STEP RED_WG
#endif

// Visits item l's share as runs of consecutive elements, index `at` .. at + len − 1: with
// RED_CONTIGUOUS the pieces of the item's run that lie in one row (n, c) of S values (one or
// two per item, so the *_run helpers below can read eight values at a time); otherwise single
// elements, stepping (n, s) by (BN_STEP / S, BN_STEP % S) with one carry (no integer division
// per element). `at` is 64-bit: the whole batch is one launch, and N·C·S may pass 2^31 (the
// host keeps m = N·S below). The body follows the macro; BN_FOR_EACH_RUN_END closes it (no
// variadic macros in OpenCL C, as CHUNK_FOR_EACH).
#define BN_FOR_EACH_RUN(at, len, l, c, C, S, m) {                                                    \
    const int q_ = BN_STEP / (S), r_ = BN_STEP % (S), end_ = BN_END(l, m);                           \
    int e_ = BN_FIRST(l, m), n_ = e_ / (S), s_ = e_ - n_ * (S);                                      \
    while (e_ < end_) {                                                                              \
        const int len = BN_STEP == 1 ? min((S) - s_, end_ - e_) : 1;                                 \
        const long at = ((long)n_ * (C) + (c)) * (S) + s_;
#define BN_FOR_EACH_RUN_END(len, S)                                                                  \
        if (BN_STEP == 1) { e_ += len; ++n_; s_ = 0; }                                               \
        else { e_ += BN_STEP; s_ += r_; n_ += q_; if (s_ >= (S)) { s_ -= (S); ++n_; } }              \
    }                                                                                                \
}

// The per-element formulas, for float or float8 operands (shared by both families):
//     y  = gamma·(x − mean)·invStd + beta
//     dx = k·(m·dy − Σdy − x̂·Σ(dy·x̂)),  x̂ = (x − mean)·invStd,  k = gamma·invStd/m
#define BN_NORMALIZE(x, gamma, mean, invStd, beta) ((gamma) * ((x) - (mean)) * (invStd) + (beta))
// Inference, from the running statistics: y = gamma·(x − mean)/sd + beta, sd = sqrt(var + ε).
#define BN_INFER(x, gamma, mean, sd, beta) ((gamma) * ((x) - (mean)) / (sd) + (beta))
#define BN_INPUT_GRADIENT(x, dy, mean, invStd, k, m, sumDy, sumDyXhat)                               \
    ((k) * ((float)(m) * (dy) - (sumDy) - ((x) - (mean)) * (invStd) * (sumDyXhat)))

// Combines every item's (count, mean, M2) over the group, pairwise; all items get the total
// mean and M2. Called by all items; `scratch` holds 3·RED_WG floats.
void group_welford(__local float* scratch, float* count, float* mean, float* m2) {
    __local float* sc = scratch;
    __local float* sm = scratch + RED_WG;
    __local float* s2 = scratch + 2 * RED_WG;
    const int l = (int)get_local_id(0);
    sc[l] = *count; sm[l] = *mean; s2[l] = *m2;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int h = RED_WG / 2; h > 0; h >>= 1) {
        if (l < h) {
            const float na = sc[l], nb = sc[l + h], n = na + nb;
            if (nb > 0.0f) {
                const float delta = sm[l + h] - sm[l];
                sm[l] = na > 0.0f ? sm[l] + delta * (nb / n) : sm[l + h];
                s2[l] = s2[l] + s2[l + h] + delta * delta * (na * nb / n);
                sc[l] = n;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    *count = sc[0]; *mean = sm[0]; *m2 = s2[0];
    barrier(CLK_LOCAL_MEM_FENCE);
}

// An item's statistics from shifted data: d = x − shift with `shift` one of the item's own
// values (no division per element, as Welford's update needs, and the shift lies within the
// data, so M2 = Σd² − (Σd)²/n does not cancel badly). shifted_add takes one value;
// shifted_moments turns the sums into the item's (mean, M2) for group_welford.
void shifted_add(float v, float shift, float* count, float* s1, float* s2) {
    const float d = v - shift;
    *count += 1.0f;
    *s1 += d;
    *s2 += d * d;
}

void shifted_moments(float shift, float count, float s1, float s2, float* mean, float* m2) {
    *mean = count > 0.0f ? shift + s1 / count : 0.0f;
    *m2 = count > 0.0f ? fmax(s2 - s1 * (s1 / count), 0.0f) : 0.0f;
}

// shifted_add over x[0 ..< len]: whole groups of eight into the lanes of v1, v2, the rest
// through shifted_add.
void shifted_add_run(__global const float* x, int len, float shift, float* count, float* s1, float* s2,
                     float8* v1, float8* v2) {
    int j = 0;
    for (; j + 8 <= len; j += 8) {
        const float8 d = vload8(0, x + j) - shift;
        *v1 += d;
        *v2 += d * d;
    }
    *count += (float)j;
    for (; j < len; ++j) shifted_add(x[j], shift, count, s1, s2);
}

// 1/sqrt(var + ε) for the batch variance var = M2/m.
float batch_inv_std(float m2, int m, float epsilon) {
    return 1.0f / sqrt(m2 / (float)m + epsilon);
}

// One channel's saved statistics and running averages (pointers at the channel's element):
//     running ← decay·running + (1 − decay)·batch      (batch variance made unbiased: ·m/(m − 1))
void store_statistics(float mean, float m2, int m, float decay, float epsilon,
                      __global float* runMean, __global float* runVar,
                      __global float* savedMean, __global float* savedInvStd) {
    const float var = m2 / (float)m;
    *savedMean = mean;
    *savedInvStd = batch_inv_std(m2, m, epsilon);
    float unbiased = m > 1 ? var * (float)m / (float)(m - 1) : var;
    *runMean = decay * *runMean + (1.0f - decay) * mean;
    *runVar = decay * *runVar + (1.0f - decay) * unbiased;
}

// One element into an item's Kahan sums of dy (s1, c1) and dy·x̂ (s2, c2), x̂ = (x − mean)·invStd.
void gradient_sums_add(float dy, float x, float mean, float invStd, float* s1, float* c1, float* s2, float* c2) {
    kahan_add(s1, c1, dy);
    kahan_add(s2, c2, dy * (x - mean) * invStd);
}

// The backward kernels' dL/d(batch norm's output) at an element x: dy through the backward of
// the activation `act` the forward applied (ACT_LINEAR: dy itself), at the forward's output
// y = act(BN_NORMALIZE(x)), recomputed here (an FMA and a compare for ReLU) rather than read
// back (a third tensor read in each pass). Scalar and float8 forms.
#define BN_OUTPUT_GRADIENT(dy, x, g, mean, invStd, b, act, alpha)                                   \
    ((act) == ACT_LINEAR ? (dy) : act_backward(act, alpha, act_forward(act, alpha, BN_NORMALIZE(x, g, mean, invStd, b)), dy))
#define BN_OUTPUT_GRADIENT8(dy, x, g, mean, invStd, b, act, alpha)                                  \
    ((act) == ACT_LINEAR ? (dy) : act_backward8(act, alpha, act_forward8(act, alpha, BN_NORMALIZE(x, g, mean, invStd, b)), dy))

// gradient_sums_add over dy, x [0 ..< len]: whole groups of eight into the lanes' Kahan sums
// (v1, w1) and (v2, w2), the rest through gradient_sums_add.
// (gamma, beta, act: the forward's activation, whose backward dy goes through first.)
void gradient_sums_run(__global const float* dy, __global const float* x, int len, float mean, float invStd,
                       float gamma, float beta, int act, float actAlpha,
                       float* s1, float* c1, float* s2, float* c2,
                       float8* v1, float8* w1, float8* v2, float8* w2) {
    int j = 0;
    for (; j + 8 <= len; j += 8) {
        const float8 xv = vload8(0, x + j);
        const float8 g = BN_OUTPUT_GRADIENT8(vload8(0, dy + j), xv, gamma, mean, invStd, beta, act, actAlpha);
        kahan_add8(v1, w1, g);
        kahan_add8(v2, w2, g * (xv - mean) * invStd);
    }
    for (; j < len; ++j)
        gradient_sums_add(BN_OUTPUT_GRADIENT(dy[j], x[j], gamma, mean, invStd, beta, act, actAlpha), x[j], mean, invStd,
                          s1, c1, s2, c2);
}

// y[j] = act(BN_NORMALIZE(x[j])) for j < len, eight at a time.
void normalize_run(__global const float* x, __global float* y, int len, float g, float mean, float invStd, float b,
                   int act, float actAlpha) {
    int j = 0;
    for (; j + 8 <= len; j += 8)
        vstore8(act_forward8(act, actAlpha, BN_NORMALIZE(vload8(0, x + j), g, mean, invStd, b)), 0, y + j);
    for (; j < len; ++j) y[j] = act_forward(act, actAlpha, BN_NORMALIZE(x[j], g, mean, invStd, b));
}

// dx[j] = BN_INPUT_GRADIENT(x[j], dy[j]) for j < len, eight at a time.
void input_gradient_run(__global const float* x, __global const float* dy, __global float* dx, int len,
                        float mean, float invStd, float k, int m, float sumDy, float sumDyXhat,
                        float gamma, float beta, int act, float actAlpha) {
    int j = 0;
    for (; j + 8 <= len; j += 8) {
        const float8 xv = vload8(0, x + j);
        const float8 g = BN_OUTPUT_GRADIENT8(vload8(0, dy + j), xv, gamma, mean, invStd, beta, act, actAlpha);
        vstore8(BN_INPUT_GRADIENT(xv, g, mean, invStd, k, m, sumDy, sumDyXhat), 0, dx + j);
    }
    for (; j < len; ++j) {
        const float g = BN_OUTPUT_GRADIENT(dy[j], x[j], gamma, mean, invStd, beta, act, actAlpha);
        dx[j] = BN_INPUT_GRADIENT(x[j], g, mean, invStd, k, m, sumDy, sumDyXhat);
    }
}

// Training forward. Writes y (through the activation `act`: ACT_LINEAR for none), savedMean,
// savedInvStd; updates runningMean/Var in place (store_statistics).
__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void batchnorm_forward_training(__global const float* x, long xOff, __global const float* gamma, long gOff,
                                __global const float* beta, long bOff,
                                __global float* runMean, long rmOff, __global float* runVar, long rvOff,
                                __global float* y, long yOff, __global float* savedMean, long smOff,
                                __global float* savedInvStd, long siOff,
                                int N, int C, int S, float decay, float epsilon, int act, float actAlpha) {
    __local float scratch[3 * RED_WG];
    const int c = (int)get_group_id(0), l = (int)get_local_id(0);
    const int m = N * S;
    x += xOff;
    y += yOff;
    // Per item: shifted sums with the item's first element as the shift; then the items'
    // (count, mean, M2) are combined pairwise.
    const int first = BN_FIRST(l, m);
    const float shift = first < m ? x[((long)(first / S) * C + c) * S + first % S] : 0.0f;
    float count = 0.0f, s1 = 0.0f, s2 = 0.0f, mean, m2;
    float8 v1 = (float8)(0.0f), v2 = (float8)(0.0f);
    BN_FOR_EACH_RUN(at, len, l, c, C, S, m)
        shifted_add_run(x + at, len, shift, &count, &s1, &s2, &v1, &v2);
    BN_FOR_EACH_RUN_END(len, S)
    shifted_moments(shift, count, s1 + lane_sum(v1), s2 + lane_sum(v2), &mean, &m2);
    group_welford(scratch, &count, &mean, &m2);
    const float invStd = batch_inv_std(m2, m, epsilon);
    if (l == 0) {
        store_statistics(mean, m2, m, decay, epsilon, runMean + rmOff + c, runVar + rvOff + c,
                         savedMean + smOff + c, savedInvStd + siOff + c);
    }
    const float g = gamma[gOff + c], b = beta[bOff + c];
    BN_FOR_EACH_RUN(at, len, l, c, C, S, m)
        normalize_run(x + at, y + at, len, g, mean, invStd, b, act, actAlpha);
    BN_FOR_EACH_RUN_END(len, S)
}

// Inference forward, one work-item per row (n, c) of S values (one modulo per row; per
// element it kept PoCL from vectorising): y = gamma·(x − runningMean)/sqrt(runningVar + ε) + beta.
__kernel void batchnorm_forward_inference(__global const float* x, long xOff, __global const float* gamma, long gOff,
                                          __global const float* beta, long bOff,
                                          __global const float* runMean, long rmOff,
                                          __global const float* runVar, long rvOff,
                                          __global float* y, long yOff, int C, int S, float epsilon, int rows,
                                          int act, float actAlpha) {
    const int row = (int)get_global_id(0);
    if (row >= rows) return;
    const int c = row % C;
    const float g = gamma[gOff + c], mu = runMean[rmOff + c], sd = sqrt(runVar[rvOff + c] + epsilon), b = beta[bOff + c];
    __global const float* xr = x + xOff + row * S;
    __global float* yr = y + yOff + row * S;
    for (int s = 0; s < S; ++s) yr[s] = act_forward(act, actAlpha, BN_INFER(xr[s], g, mu, sd, b));
}

// Inference-mode batch norm folded into the layer before it (Backend.batchNormFold), weights
// in C rows of K: w' = s·w with s = gamma/sqrt(var + ε), b' = s·(b − mean) + beta (b = 0
// without hasBias). CPU family: a row per work-item, s computed once per row.
#define BN_FOLD_SCALE(c) (gamma[gOff + (c)] / sqrt(runVar[rvOff + (c)] + epsilon))
#define BN_FOLD_BIAS(c, scale) \
    (((hasBias ? b[bOff + (c)] : 0.0f) - runMean[rmOff + (c)]) * (scale) + beta[betaOff + (c)])
#define BN_FOLD_ARGUMENTS                                                                                        \
    __global const float* w, long wOff, __global const float* b, long bOff, int hasBias,                        \
    __global const float* gamma, long gOff, __global const float* beta, long betaOff,                           \
    __global const float* runMean, long rmOff, __global const float* runVar, long rvOff,                        \
    __global float* wf, long wfOff, __global float* bf, long bfOff, int C, int K, float epsilon

__kernel void batchnorm_fold(BN_FOLD_ARGUMENTS) {
    const int c = (int)get_global_id(0);
    if (c >= C) return;
    const float scale = BN_FOLD_SCALE(c);
    __global const float* restrict row = w + wOff + (size_t)c * K;
    __global float* restrict out = wf + wfOff + (size_t)c * K;
    for (int k = 0; k < K; ++k) out[k] = row[k] * scale;
    bf[bfOff + c] = BN_FOLD_BIAS(c, scale);
}

// GPU family: a work-item per weight; the items of column 0 write the bias.
__kernel void batchnorm_fold_gpu(BN_FOLD_ARGUMENTS) {
    const int e = (int)get_global_id(0);
    if (e >= C * K) return;
    const int c = e / K;
    const float scale = BN_FOLD_SCALE(c);
    wf[wfOff + e] = w[wOff + e] * scale;
    if (e == c * K) bf[bfOff + c] = BN_FOLD_BIAS(c, scale);
}

// Backward of the training forward, one group per channel. With x̂ = (x − mean)·invStd:
//     dbeta += Σdy,  dgamma += Σdy·x̂,  dx = gamma·invStd/m · (m·dy − Σdy − x̂·Σ(dy·x̂))
// where dy is BN_OUTPUT_GRADIENT: through the backward of the forward's activation `act`.
__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void batchnorm_backward(__global const float* x, long xOff, __global const float* dy, long dyOff,
                        __global const float* gamma, long gOff,
                        __global const float* savedMean, long smOff, __global const float* savedInvStd, long siOff,
                        __global float* dx, long dxOff, __global float* dgamma, long dgOff,
                        __global float* dbeta, long dbOff, int N, int C, int S,
                        __global const float* beta, long bOff, int act, float actAlpha) {
    __local float scratch[RED_WG];
    const int c = (int)get_group_id(0), l = (int)get_local_id(0);
    const int m = N * S;
    const float mean = savedMean[smOff + c], invStd = savedInvStd[siOff + c];
    x += xOff;
    dy += dyOff;
    dx += dxOff;
    const float g = gamma[gOff + c], b = beta[bOff + c];
    float s1 = 0.0f, c1 = 0.0f, s2 = 0.0f, c2 = 0.0f;
    float8 v1 = (float8)(0.0f), w1 = (float8)(0.0f), v2 = (float8)(0.0f), w2 = (float8)(0.0f);
    BN_FOR_EACH_RUN(at, len, l, c, C, S, m)
        gradient_sums_run(dy + at, x + at, len, mean, invStd, g, b, act, actAlpha, &s1, &c1, &s2, &c2, &v1, &w1, &v2, &w2);
    BN_FOR_EACH_RUN_END(len, S)
    // Each Kahan sum's value is sum − comp.
    const float sumDy = group_sum(scratch, (s1 - c1) + lane_sum(v1 - w1));
    const float sumDyXhat = group_sum(scratch, (s2 - c2) + lane_sum(v2 - w2));
    if (l == 0) {
        dbeta[dbOff + c] += sumDy;
        dgamma[dgOff + c] += sumDyXhat;
    }
    const float k = g * invStd / (float)m;
    BN_FOR_EACH_RUN(at, len, l, c, C, S, m)
        input_gradient_run(x + at, dy + at, dx + at, len, mean, invStd, k, m, sumDy, sumDyXhat, g, b, act, actAlpha);
    BN_FOR_EACH_RUN_END(len, S)
}

// ---- GPU family: statistics and gradients over many groups per channel, then a pass per
// channel that combines the groups' partials in order, then one work-item per element.
// CHUNK_FOR_EACH (common.cl) gives each group its chunk of the channel.

// Training statistics, pass 1: partials[(c·chunks + chunk)·3 ..] = (count, mean, M2) of the
// chunk, by shifted sums per item and group_welford across the group (as the CPU kernel).
__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void batchnorm_stats_partial(__global const float* x, long xOff, __global float* partials, int N, int C, int S, int chunks) {
    __local float scratch[3 * RED_WG];
    const int c = (int)get_group_id(1), m = N * S;
    x += xOff;
    // Shift: the first value of the item's share (within the data, so no bad cancellation).
    const int len = (m + chunks - 1) / chunks, first = (int)get_group_id(0) * len + (int)get_local_id(0);
    const float shift = first < min(m, ((int)get_group_id(0) + 1) * len)
        ? x[((long)(first / S) * C + c) * S + first % S] : 0.0f;
    float count = 0.0f, s1 = 0.0f, s2 = 0.0f, mean, m2;
    CHUNK_FOR_EACH(i, c, C, S, m, chunks)
        shifted_add(x[i], shift, &count, &s1, &s2);
    CHUNK_FOR_EACH_END
    shifted_moments(shift, count, s1, s2, &mean, &m2);
    group_welford(scratch, &count, &mean, &m2);
    if (get_local_id(0) == 0) {
        __global float* p = partials + (c * chunks + (int)get_group_id(0)) * 3;
        p[0] = count; p[1] = mean; p[2] = m2;
    }
}

// Pass 2, one work-item per channel: combines the chunks in order (Chan et al.), writes
// savedMean and savedInvStd and updates the running statistics as batchnorm_forward_training.
__kernel void batchnorm_stats_finish(__global const float* partials, int chunks, int C, int m, float decay, float epsilon,
                                     __global float* runMean, long rmOff, __global float* runVar, long rvOff,
                                     __global float* savedMean, long smOff, __global float* savedInvStd, long siOff) {
    const int c = (int)get_global_id(0);
    if (c >= C) return;
    float count = 0.0f, mean = 0.0f, m2 = 0.0f;
    for (int k = 0; k < chunks; ++k) {
        __global const float* p = partials + (c * chunks + k) * 3;
        const float nb = p[0], n = count + nb;
        if (nb > 0.0f) {
            const float delta = p[1] - mean;
            m2 = m2 + p[2] + delta * delta * (count * nb / n);
            mean = count > 0.0f ? mean + delta * (nb / n) : p[1];
            count = n;
        }
    }
    store_statistics(mean, m2, m, decay, epsilon, runMean + rmOff + c, runVar + rvOff + c,
                     savedMean + smOff + c, savedInvStd + siOff + c);
}

// Pass 3 (and inference): y = gamma·(x − mean)·invStd + beta per element e of whole images
// ([N, C, S], global = count), from per-channel mean and invStd (training: the batch's;
// inference: see batchnorm_forward_inference_gpu).
__kernel void batchnorm_normalize_gpu(__global const float* x, long xOff, __global const float* gamma, long gOff,
                                      __global const float* beta, long bOff, __global const float* mean, long mOff,
                                      __global const float* invStd, long iOff, __global float* y, long yOff,
                                      int C, int S, int count, int act, float actAlpha) {
    const int e = (int)get_global_id(0);
    if (e >= count) return;
    const int c = (e / S) % C;
    y[yOff + e] = act_forward(act, actAlpha,
                              BN_NORMALIZE(x[xOff + e], gamma[gOff + c], mean[mOff + c], invStd[iOff + c], beta[bOff + c]));
}

// Inference, one work-item per element (BN_INFER, as batchnorm_forward_inference).
__kernel void batchnorm_forward_inference_gpu(__global const float* x, long xOff, __global const float* gamma, long gOff,
                                              __global const float* beta, long bOff,
                                              __global const float* runMean, long rmOff,
                                              __global const float* runVar, long rvOff,
                                              __global float* y, long yOff, int C, int S, float epsilon, int count,
                                              int act, float actAlpha) {
    const int e = (int)get_global_id(0);
    if (e >= count) return;
    const int c = (e / S) % C;
    const float sd = sqrt(runVar[rvOff + c] + epsilon);
    y[yOff + e] = act_forward(act, actAlpha, BN_INFER(x[xOff + e], gamma[gOff + c], runMean[rmOff + c], sd, beta[bOff + c]));
}

// Backward, pass 1: partials[(c·chunks + chunk)·2 ..] = (Σdy, Σdy·x̂) over the chunk.
__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void batchnorm_backward_partial(__global const float* x, long xOff, __global const float* dy, long dyOff,
                                __global const float* savedMean, long smOff, __global const float* savedInvStd, long siOff,
                                __global float* partials, int N, int C, int S, int chunks,
                                __global const float* gamma, long gOff, __global const float* beta, long bOff,
                                int act, float actAlpha) {
    __local float scratch[RED_WG];
    const int c = (int)get_group_id(1);
    const float mean = savedMean[smOff + c], invStd = savedInvStd[siOff + c], g = gamma[gOff + c], b = beta[bOff + c];
    x += xOff;
    dy += dyOff;
    float s1 = 0.0f, c1 = 0.0f, s2 = 0.0f, c2 = 0.0f;
    CHUNK_FOR_EACH(i, c, C, S, N * S, chunks)
        gradient_sums_add(BN_OUTPUT_GRADIENT(dy[i], x[i], g, mean, invStd, b, act, actAlpha), x[i], mean, invStd,
                          &s1, &c1, &s2, &c2);
    CHUNK_FOR_EACH_END
    const float sumDy = group_sum(scratch, s1);
    const float sumDyXhat = group_sum(scratch, s2);
    if (get_local_id(0) == 0) {
        __global float* p = partials + (c * chunks + (int)get_group_id(0)) * 2;
        p[0] = sumDy; p[1] = sumDyXhat;
    }
}

// Backward, pass 2, one work-item per channel: adds the chunks' sums in order (Kahan),
// dbeta += Σdy, dgamma += Σdy·x̂, and leaves the two sums in sums[c·2 ..] for pass 3.
__kernel void batchnorm_backward_finish(__global const float* partials, int chunks, int C,
                                        __global float* dgamma, long dgOff, __global float* dbeta, long dbOff,
                                        __global float* sums) {
    const int c = (int)get_global_id(0);
    if (c >= C) return;
    float s1 = 0.0f, c1 = 0.0f, s2 = 0.0f, c2 = 0.0f;
    for (int k = 0; k < chunks; ++k) {
        kahan_add(&s1, &c1, partials[(c * chunks + k) * 2]);
        kahan_add(&s2, &c2, partials[(c * chunks + k) * 2 + 1]);
    }
    dbeta[dbOff + c] += s1;
    dgamma[dgOff + c] += s2;
    sums[c * 2] = s1;
    sums[c * 2 + 1] = s2;
}

// Backward, pass 3: dx = gamma·invStd/m · (m·dy − Σdy − x̂·Σ(dy·x̂)) per element of whole
// images (global = count), m = N·S of the whole batch.
__kernel void batchnorm_backward_dx_gpu(__global const float* x, long xOff, __global const float* dy, long dyOff,
                                        __global const float* gamma, long gOff,
                                        __global const float* savedMean, long smOff,
                                        __global const float* savedInvStd, long siOff,
                                        __global const float* sums, __global float* dx, long dxOff,
                                        int C, int S, int m, int count,
                                        __global const float* beta, long bOff, int act, float actAlpha) {
    const int e = (int)get_global_id(0);
    if (e >= count) return;
    const int c = (e / S) % C;
    const float mean = savedMean[smOff + c], invStd = savedInvStd[siOff + c], g = gamma[gOff + c];
    const float k = g * invStd / (float)m, xe = x[xOff + e];
    const float dye = BN_OUTPUT_GRADIENT(dy[dyOff + e], xe, g, mean, invStd, beta[bOff + c], act, actAlpha);
    dx[dxOff + e] = BN_INPUT_GRADIENT(xe, dye, mean, invStd, k, m, sums[c * 2], sums[c * 2 + 1]);
}
