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
