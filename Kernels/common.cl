// Kernels are OpenCL C 1.2, one file per op family. The host concatenates common.cl and
// then every other file (sorted by name) into ONE program per context, built with -D
// options from KernelConfig: GEMM_TSM/TSN/TSK/WPTM/WPTN (GEMM tiles), RED_WG (work-items
// per reduction group, a power of two), and the ACT_*, LOSS_* and OPT_* codes (KernelCodes.swift).
//
// Conventions: every tensor argument is a (__global float*, long offset) pair, the offset in
// elements. Indices from there are int (fast on every GPU): the host never lets one launch
// index more than 2^31 − 1 elements of a tensor (DeviceLimits.maxLaunchElements; larger work
// is split into launches), except where a kernel says it indexes in 64 bits (long). Kernels
// guard their own bounds, so global sizes are rounded up to whole work-groups, and the host
// may shrink any group that has no reqd_work_group_size to fit the device.

#ifndef RED_WG
#define RED_WG 64
#endif

// Helpers are plain functions, not `inline`: C99 inline linkage differs between OpenCL
// compilers, and every compiler inlines small functions anyway.

// One Kahan-compensated step: (sum, comp) += v. Sums stay within a few ulps of exact over
// long per-work-item runs without needing double, which devices need not have. kahan_add8
// keeps eight independent sums (one per lane) for loops that read eight values at a time.
#define DEFINE_KAHAN_ADD(NAME, T)                                                                    \
void NAME(T* sum, T* comp, T v) {                                                                    \
    T y = v - *comp;                                                                                 \
    T t = *sum + y;                                                                                  \
    *comp = (t - *sum) - y;                                                                          \
    *sum = t;                                                                                        \
}
DEFINE_KAHAN_ADD(kahan_add, float)
DEFINE_KAHAN_ADD(kahan_add8, float8)

// The sum of a vector's eight lanes, pairwise.
float lane_sum(float8 v) {
    const float4 a = v.lo + v.hi;
    const float2 b = a.lo + a.hi;
    return b.x + b.y;
}

// Pairwise (tree) sum of one value per work-item over a work-group of RED_WG items; every
// item gets the total. Called by all items of the group; ends with a barrier so `scratch`
// (RED_WG floats) can be reused at once. Error: log2(RED_WG) roundings on each partial.
float group_sum(__local float* scratch, float v) {
    int l = (int)get_local_id(0);
    scratch[l] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = RED_WG / 2; s > 0; s >>= 1) {
        if (l < s) scratch[l] += scratch[l + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float total = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return total;
}

// Per-channel reductions spread over many groups: group (chunk, c) of a [chunks·RED_WG, C]
// launch sums chunk `chunk` of channel c's m = N·S values, items taking every RED_WG-th
// value from the chunk's start (neighbouring items read neighbouring words). Chunk k covers
// [k·len, min(m, (k + 1)·len)) with len = ceil(m / chunks). Indices are 64-bit: the whole
// batch is one launch. The loop's body follows the macro and CHUNK_FOR_EACH_END closes it (a
// pair rather than one macro taking the body: OpenCL C has no variadic macros, and NVIDIA's
// compiler refuses them).
#define CHUNK_FOR_EACH(i, c, C, S, m, chunks) {                                                       \
    const int len_ = ((m) + (chunks) - 1) / (chunks), k_ = (int)get_group_id(0);                     \
    const int end_ = min((m), (k_ + 1) * len_);                                                      \
    for (int e_ = k_ * len_ + (int)get_local_id(0); e_ < end_; e_ += RED_WG) {                       \
        const int n_ = e_ / (S), s_ = e_ - n_ * (S);                                                 \
        const long i = ((long)n_ * (C) + (c)) * (S) + s_;
#define CHUNK_FOR_EACH_END } }

// What a softmax over a row of K values needs first: writes the row's max to *m and returns
// Σ_k e^(x_k − max) (the max subtracted, so no exponent overflows). The one start of softmax:
// softmax_forward (activation.cl) and the softmax cross-entropy of loss_rows (loss.cl).
float softmax_denominator(__global const float* x, int K, float* m) {
    float top = x[0];
    for (int k = 1; k < K; ++k) top = fmax(top, x[k]);
    float sum = 0.0f;
    for (int k = 0; k < K; ++k) sum += exp(x[k] - top);
    *m = top;
    return sum;
}

// 2×2 max pooling windows (maxpool2x2_* in pool.cl, the pooled conv_direct), on rows in
// __global or __local memory (suffix _local). The same choice of cell everywhere, as
// window_argmax (pool.cl) makes it: the first maximal in row-major order, later cells only when
// strictly greater, so NaN and signed zeros come out alike. argmax2x2: the window whose top-left
// cell is p (rows W apart); returns the winner's position (0 to 3, row-major), *max its value.
// argmax2x2_N: the N windows (N = 8 or 4) whose top-left cells are r0[0], r0[2], ...,
// r0[2N − 2] (r1 the row below), from two vectors of 2N cells (even lanes the left column, odd
// the right).
#define DEFINE_ARGMAX2X2(SUFFIX, SPACE)                                                              \
int argmax2x2##SUFFIX(SPACE const float* p, int W, float* max) {                                    \
    float m = p[0];                                                                                  \
    int best = 0;                                                                                    \
    if (p[1] > m) { m = p[1]; best = 1; }                                                            \
    if (p[W] > m) { m = p[W]; best = 2; }                                                            \
    if (p[W + 1] > m) { m = p[W + 1]; best = 3; }                                                    \
    *max = m;                                                                                        \
    return best;                                                                                     \
}
#define DEFINE_ARGMAX2X2_N(N, N2, SUFFIX, SPACE)                                                     \
void argmax2x2_##N##SUFFIX(SPACE const float* r0, SPACE const float* r1, float##N* m, int##N* a) {   \
    const float##N2 top = vload##N2(0, r0), bottom = vload##N2(0, r1);                             \
    float##N best = top.even;                                                                        \
    int##N at = (int##N)(0);                                                                         \
    int##N c = top.odd > best;  best = select(best, top.odd, c);    at = select(at, (int##N)(1), c); \
    c = bottom.even > best;     best = select(best, bottom.even, c); at = select(at, (int##N)(2), c); \
    c = bottom.odd > best;      best = select(best, bottom.odd, c);  at = select(at, (int##N)(3), c); \
    *m = best;                                                                                       \
    *a = at;                                                                                         \
}

// One row of OW windows: out[j] = the maximum of window j (top-left cell r0[2j], the row below
// W further) and, where `winners` is not 0, winners[j] = its position as a float. In groups of
// 8 (rows of 8 or more windows) or 4 (4 to 7), the last group moved back to end at the row's
// end: its windows repeat earlier ones with the same values, so a row of 14 or 7 windows has no
// scalar tail; shorter rows go cell by cell.
#define POOL_ROW_GROUPS(N, SUFFIX)                                                                   \
    for (int v = 0; v < OW; v += N) {                                                                \
        const int jn = min(v, OW - N);                                                               \
        float##N m; int##N a;                                                                        \
        argmax2x2_##N##SUFFIX(r0 + 2 * jn, r0 + W + 2 * jn, &m, &a);                                 \
        vstore##N(m, 0, out + jn);                                                                   \
        if (winners) vstore##N(convert_float##N(a), 0, winners + jn);                                \
    }
#define DEFINE_POOL2X2_ROW(SUFFIX, SPACE)                                                            \
DEFINE_ARGMAX2X2(SUFFIX, SPACE)                                                                      \
DEFINE_ARGMAX2X2_N(8, 16, SUFFIX, SPACE)                                                             \
DEFINE_ARGMAX2X2_N(4, 8, SUFFIX, SPACE)                                                              \
void pool2x2_row##SUFFIX(SPACE const float* r0, int W, __global float* out, __global float* winners, int OW) { \
    int j = OW >= 4 ? OW : 0;                                                                        \
    if (OW >= 8) POOL_ROW_GROUPS(8, SUFFIX)                                                          \
    else if (OW >= 4) POOL_ROW_GROUPS(4, SUFFIX)                                                     \
    for (; j < OW; ++j) {                                                                            \
        float m;                                                                                     \
        const int a = argmax2x2##SUFFIX(r0 + 2 * j, W, &m);                                          \
        out[j] = m;                                                                                  \
        if (winners) winners[j] = (float)a;                                                          \
    }                                                                                                \
}
DEFINE_POOL2X2_ROW(, __global)
DEFINE_POOL2X2_ROW(_local, __local)
