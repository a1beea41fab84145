// Inverted dropout with masks from Philox4x32-10 (Salmon et al., SC'11), bit-identical to
// the CPU's Philox4x32: key = (seed, layer), counter = (g / 4, 0, step lo, step hi) with g
// the element's global index (a launch's slice starts at global element 4·firstBlock + lead, see
// DropoutKey.elementOffset); element e keeps word g % 4 of its block, u, and is kept when
// u >= threshold (integers, so no rounding can differ between devices). Kept elements are
// scaled by `scale` = 1/(1 − rate).

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

uint4 philox_round(uint4 ctr, uint2 key) {
    uint hi0 = mul_hi(PHILOX_M0, ctr.x), lo0 = PHILOX_M0 * ctr.x;
    uint hi1 = mul_hi(PHILOX_M1, ctr.z), lo1 = PHILOX_M1 * ctr.z;
    return (uint4)(hi1 ^ ctr.y ^ key.x, lo1, hi0 ^ ctr.w ^ key.y, lo0);
}

uint4 philox4x32_10(uint4 ctr, uint2 key) {
    ctr = philox_round(ctr, key);
    for (int r = 1; r < 10; ++r) {
        key += (uint2)(PHILOX_W0, PHILOX_W1);
        ctr = philox_round(ctr, key);
    }
    return ctr;
}

// One work-item per global block of 4 elements; y = keep ? x·scale : 0. Forward (x = input)
// and backward (x = dy) are the same kernel with the same key. x and y are a slice of the
// tensor (a split launch) whose first element sits at word `lead` of global block firstBlock;
// with lead > 0 the first block straddles the slice's start, and the last block may run past
// its end, so both ends are bounds-checked.
__kernel void dropout_apply(__global const float* x, long xOff, __global float* y, long yOff, int count,
                            uint firstBlock, int lead, uint seed, uint layer, uint stepLo, uint stepHi,
                            uint threshold, float scale) {
    int block = (int)get_global_id(0);
    if (block * 4 - lead >= count) return;
    uint4 u = philox4x32_10((uint4)(firstBlock + (uint)block, 0u, stepLo, stepHi), (uint2)(seed, layer));
    uint words[4] = {u.x, u.y, u.z, u.w};
    for (int k = 0; k < 4; ++k) {
        int e = block * 4 + k - lead;
        if (e >= 0 && e < count) y[yOff + e] = words[k] >= threshold ? x[xOff + e] * scale : 0.0f;
    }
}
