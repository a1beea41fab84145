// Sum reductions (metrics and loss totals summed on the device).

// Partial sums: group g writes out[outOff + g] = Σ of its grid-strided share of x
// (Kahan per item, pairwise across the group). Run once over x with G groups, then once
// over the G partials with one group.
__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void reduce_sum(__global const float* x, long xOff, long count, __global float* out, long outOff) {
    __local float scratch[RED_WG];
    float sum = 0.0f, comp = 0.0f;
    // 64-bit: the sum of any tensor is one launch.
    for (long e = get_global_id(0); e < count; e += get_global_size(0)) kahan_add(&sum, &comp, x[xOff + e]);
    float total = group_sum(scratch, sum);
    if (get_local_id(0) == 0) out[outOff + get_group_id(0)] = total;
}
