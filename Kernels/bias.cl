// The bias gradient: a per-channel sum of dy. (Adding the bias is the GEMM epilogue's job,
// gemm.cl, for dense and convolution layers alike.)

// biasGrad[c] += Σ_{n,s} dy[n, c, s]; one group of RED_WG items per channel. Each item sums
// whole rows dy[n, c, :] (contiguous; four partial sums so the adds do not wait on each other),
// then adds each row's sum into its Kahan-compensated total: per-element Kahan steps and index
// division were the cost on CPU devices.
__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void bias_grad(__global const float* dy, long dyOff, __global float* db, long dbOff, int N, int C, int S) {
    __local float scratch[RED_WG];
    const int c = (int)get_group_id(0), l = (int)get_local_id(0);
    float sum = 0.0f, comp = 0.0f;
    // Few images and long rows: items split rows into RED_WG-strided pieces instead.
    const int pieces = N >= RED_WG ? 1 : RED_WG / N;
    const int chunk = (S + pieces - 1) / pieces;
    for (int e = l; e < N * pieces; e += RED_WG) {
        const int n = e / pieces, piece = e - n * pieces;
        __global const float* row = dy + dyOff + ((long)n * C + c) * S;  // 64-bit: all of dy in one launch
        const int s0 = piece * chunk, s1 = min(S, s0 + chunk);
        float p0 = 0.0f, p1 = 0.0f, p2 = 0.0f, p3 = 0.0f;
        int s = s0;
        for (; s + 3 < s1; s += 4) { p0 += row[s]; p1 += row[s + 1]; p2 += row[s + 2]; p3 += row[s + 3]; }
        for (; s < s1; ++s) p0 += row[s];
        kahan_add(&sum, &comp, (p0 + p1) + (p2 + p3));
    }
    float total = group_sum(scratch, sum);
    if (l == 0) db[dbOff + c] += total;
}

// db[o] += Σ_n sums[o·N + n], in order n = 0, 1, ... with Kahan compensation (deterministic):
// the bias gradient from nchw_to_cnhw's row sums. One work-item per channel: global = (O).
__kernel void bias_grad_from_rows(__global const float* sums, int N, __global float* db, long dbOff, int O) {
    const int o = (int)get_global_id(0);
    if (o >= O) return;
    float sum = 0.0f, comp = 0.0f;
    for (int n = 0; n < N; ++n) kahan_add(&sum, &comp, sums[o * N + n]);
    db[dbOff + o] += sum;
}

// ---- GPU family (see conv.cl).

// bias_grad_partial: partials[c·chunks + chunk] = Σ of the chunk of channel c (Kahan per item,
// pairwise across the group; CHUNK_FOR_EACH of common.cl). bias_grad_from_rows then adds each channel's partials, in order,
// into db: the two passes are deterministic.
__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void bias_grad_partial(__global const float* dy, long dyOff, __global float* partials, int N, int C, int S, int chunks) {
    __local float scratch[RED_WG];
    const int c = (int)get_group_id(1);
    float sum = 0.0f, comp = 0.0f;
    dy += dyOff;
    CHUNK_FOR_EACH(i, c, C, S, N * S, chunks)
        kahan_add(&sum, &comp, dy[i]);
    CHUNK_FOR_EACH_END
    const float total = group_sum(scratch, sum);
    if (get_local_id(0) == 0) partials[c * chunks + get_group_id(0)] = total;
}
