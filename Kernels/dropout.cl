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

// One Philox round on counters held as four words x, y, z, w: scalars (one block) or vectors
// whose lanes are blocks. k0, k1: the round's key.
#define PHILOX_ROUND(T, x, y, z, w, k0, k1) {                                                         \
    const T hi0_ = mul_hi((T)PHILOX_M0, x), lo0_ = (T)PHILOX_M0 * (x);                                 \
    const T hi1_ = mul_hi((T)PHILOX_M1, z), lo1_ = (T)PHILOX_M1 * (z);                                 \
    x = hi1_ ^ (y) ^ (k0);                                                                           \
    y = lo1_;                                                                                        \
    z = hi0_ ^ (w) ^ (k1);                                                                           \
    w = lo0_;                                                                                        \
}

// Philox4x32-10 in place on counters (x, y, z, w) with key (seed, layer).
#define PHILOX4X32_10(T, x, y, z, w, seed, layer) {                                                   \
    uint k0_ = (seed), k1_ = (layer);                                                                \
    PHILOX_ROUND(T, x, y, z, w, k0_, k1_)                                                            \
    for (int r_ = 1; r_ < 10; ++r_) {                                                                \
        k0_ += PHILOX_W0;                                                                            \
        k1_ += PHILOX_W1;                                                                            \
        PHILOX_ROUND(T, x, y, z, w, k0_, k1_)                                                        \
    }                                                                                                \
}

// The four elements of global block `block` of the slice: y = x·scale where the block's word
// is >= threshold, else 0; elements outside [0, count) are left alone.
void dropout_block(__global const float* x, __global float* y, int block, int lead, int count,
                   uint4 u, uint threshold, float scale) {
    const uint words[4] = {u.x, u.y, u.z, u.w};
    for (int k = 0; k < 4; ++k) {
        const int e = block * 4 + k - lead;
        if (e >= 0 && e < count) y[e] = words[k] >= threshold ? x[e] * scale : 0.0f;
    }
}

// One work-item per global block of 4 elements (the GPU family: neighbouring items on
// neighbouring words). Forward (x = input) and backward (x = dy) are the same kernel with the
// same key. x and y are a slice of the tensor (a split launch) whose first element sits at
// word `lead` of global block firstBlock; with lead > 0 the first block straddles the slice's
// start, and the last block may run past its end, so both ends are bounds-checked.
__kernel void dropout_apply(__global const float* x, long xOff, __global float* y, long yOff, int count,
                            uint firstBlock, int lead, uint seed, uint layer, uint stepLo, uint stepHi,
                            uint threshold, float scale) {
    const int block = (int)get_global_id(0);
    if (block * 4 - lead >= count) return;
    uint a = firstBlock + (uint)block, b = 0u, c = stepLo, d = stepHi;
    PHILOX4X32_10(uint, a, b, c, d, seed, layer)
    dropout_block(x + xOff, y + yOff, block, lead, count, (uint4)(a, b, c, d), threshold, scale);
}

// dropout_apply for CPU devices: one work-item per eight consecutive blocks, their Philox
// counters in the lanes of uint8 vectors, and the 32 elements in vectors too (a work-item is a
// loop iteration on a core there, and PoCL did not vectorise the one-block kernel's rounds
// across items, nor the per-element loop). Same arguments.
__kernel void dropout_apply8(__global const float* x, long xOff, __global float* y, long yOff, int count,
                             uint firstBlock, int lead, uint seed, uint layer, uint stepLo, uint stepHi,
                             uint threshold, float scale) {
    const int block0 = (int)get_global_id(0) * 8;
    if (block0 * 4 - lead >= count) return;
    uint8 a = (uint8)(firstBlock + (uint)block0) + (uint8)(0, 1, 2, 3, 4, 5, 6, 7);
    uint8 b = (uint8)(0u), c = (uint8)(stepLo), d = (uint8)(stepHi);
    PHILOX4X32_10(uint8, a, b, c, d, seed, layer)
    // An item inside the slice (all but those at its ends): its 32 elements as two float16 runs,
    // the words in element order (element 4·l + k of the item takes word k of block l).
    const int e0 = block0 * 4 - lead;
    if (e0 >= 0 && e0 + 32 <= count) {
        const uint16 w0 = (uint16)(a.s0, b.s0, c.s0, d.s0, a.s1, b.s1, c.s1, d.s1,
                                   a.s2, b.s2, c.s2, d.s2, a.s3, b.s3, c.s3, d.s3);
        const uint16 w1 = (uint16)(a.s4, b.s4, c.s4, d.s4, a.s5, b.s5, c.s5, d.s5,
                                   a.s6, b.s6, c.s6, d.s6, a.s7, b.s7, c.s7, d.s7);
        __global const float* xe = x + xOff + e0;
        __global float* ye = y + yOff + e0;
        vstore16(select((float16)(0.0f), vload16(0, xe) * scale, w0 >= (uint16)(threshold)), 0, ye);
        vstore16(select((float16)(0.0f), vload16(1, xe) * scale, w1 >= (uint16)(threshold)), 1, ye);
        return;
    }
    uint wa[8], wb[8], wc[8], wd[8];
    vstore8(a, 0, wa);
    vstore8(b, 0, wb);
    vstore8(c, 0, wc);
    vstore8(d, 0, wd);
    for (int l = 0; l < 8; ++l)
        dropout_block(x + xOff, y + yOff, block0 + l, lead, count, (uint4)(wa[l], wb[l], wc[l], wd[l]), threshold, scale);
}
