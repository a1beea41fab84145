// Peak-throughput probes for the benchmarks (not ops): how fast this device can possibly do
// fused multiply-adds and move memory, so every other figure can be read as a fraction of it.
//
// peak_fma_floatN: each work-item runs PEAK_CHAINS independent chains of a = fma(a, m, c) on
// floatN vectors. Independent chains hide the FMA latency (latency × FMA ports per core, 4 × 2
// on AVX-512 cores, is the number in flight needed), and the vector widths show which one the
// compiler maps onto the widest registers. With 0 < m < 1 every chain converges to c/(1 − m)
// and stays normal, so no denormal slow path spoils the figure. fma() may not be contracted or
// reassociated, so the compiler cannot shorten the chains. Work: 2·N·PEAK_CHAINS flops per
// item and iteration. The sum is stored so the chains are not dead code.

#define PEAK_CHAINS 16

#define PEAK_FMA_KERNEL(N)                                                                  \
__kernel void peak_fma_float##N(__global float* out, int iterations, float m, float c) {     \
    const int gid = (int)get_global_id(0);                                                  \
    const float##N mv = (float##N)(m), cv = (float##N)(c);                                  \
    float##N a0 = (float##N)((float)gid * 1e-7f), a1 = a0 + 0.01f, a2 = a0 + 0.02f,         \
        a3 = a0 + 0.03f, a4 = a0 + 0.04f, a5 = a0 + 0.05f, a6 = a0 + 0.06f, a7 = a0 + 0.07f, \
        a8 = a0 + 0.08f, a9 = a0 + 0.09f, a10 = a0 + 0.10f, a11 = a0 + 0.11f,               \
        a12 = a0 + 0.12f, a13 = a0 + 0.13f, a14 = a0 + 0.14f, a15 = a0 + 0.15f;             \
    for (int i = 0; i < iterations; ++i) {                                                  \
        a0 = fma(a0, mv, cv);   a1 = fma(a1, mv, cv);   a2 = fma(a2, mv, cv);               \
        a3 = fma(a3, mv, cv);   a4 = fma(a4, mv, cv);   a5 = fma(a5, mv, cv);               \
        a6 = fma(a6, mv, cv);   a7 = fma(a7, mv, cv);   a8 = fma(a8, mv, cv);               \
        a9 = fma(a9, mv, cv);   a10 = fma(a10, mv, cv); a11 = fma(a11, mv, cv);             \
        a12 = fma(a12, mv, cv); a13 = fma(a13, mv, cv); a14 = fma(a14, mv, cv);             \
        a15 = fma(a15, mv, cv);                                                             \
    }                                                                                       \
    float##N s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))                          \
               + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15));                   \
    vstore##N(s, gid, out);                                                                 \
}

PEAK_FMA_KERNEL(4)
PEAK_FMA_KERNEL(8)
PEAK_FMA_KERNEL(16)

// peak_copy: dst[i] = src[i] over float4s, one per work-item: the streaming bandwidth a
// memory-bound kernel can reach (count 2 × bytes: one read, one write, as STREAM's copy does).
__kernel void peak_copy(__global const float4* src, __global float4* dst, int count4) {
    const int i = (int)get_global_id(0);
    if (i < count4) dst[i] = src[i];
}
