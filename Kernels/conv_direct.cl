// The forward pass of a convolution with 3-wide kernels on CPU devices, without a column
// matrix or a GEMM:
//
//     y[n][o][s] = f(b[o] + Σ_c Σ_p Σ_q W[o][c][p][q] · x[n][c][i·sH + p − pT][j·sW + q − pL])   (s = i·OW + j, 0 outside)
//
// im2col + GEMM writes the column matrix (C·KH·3 values per output) and reads it back to pack
// it; here the rows a band of outputs needs are staged once, in cache, and read in place.
// A work-item takes a band of output rows of one image and stages, per input channel c and
// kernel column q, the band's input rows as conv_filter_grad_staged does: rows r of OW entries,
// stage[(c·3 + q)·span + r·OW + j] = x[n][c][i0 + r − pT][j + q − pL], so tap (c, p, q) over
// the band's outputs is the one contiguous run stage[(c·3 + q)·span + p·OW + s]. A strided
// layer (conv_strided_direct) stages its rows by phase (conv.cl's stage_phases): sH runs of
// rows + (KH − 1) / sH rows per (c, q), taken every sW-th column, and tap (c, p, q) is the run
// of phase p mod sH from its row p / sH, as contiguous as in the stride-1 case. For each
// block of DC_OB output channels and each vector of outputs, DC_OB accumulators start at the
// bias and take one FMA per tap with the staged vector (the weight broadcast); the activation
// applies as they are stored. The last vector of a band runs past it into the next staged run
// (or the zeroed pad after the last) and stores only its live lanes.
//
// With pooling (a 2x2 max pool after the layer, `pool` set) the block's outputs go to __local
// rows after the staged runs instead, and only each window's maximum leaves the work-item,
// with its position where the training forward asks for it (pool = 2): the layer's output,
// four times the pool's, is never written to memory or read back.

#ifdef GEMM_PACKED

// The device's preferred vector width (KernelConfig's GEMM_VW): AVX-512 16, AVX2 8, SSE 4.
#if GEMM_VW >= 16
#define DC_VW 16
#define DC_VEC float16
#define DC_VLOAD vload16
#define DC_VSTORE vstore16
#elif GEMM_VW == 8
#define DC_VW 8
#define DC_VEC float8
#define DC_VLOAD vload8
#define DC_VSTORE vstore8
#else
#define DC_VW 4
#define DC_VEC float4
#define DC_VLOAD vload4
#define DC_VSTORE vstore4
#endif

// Output channels per block: DC_OB accumulators and a staged vector in registers (16 and
// two vectors a step were slower: Benchmarks/NOTES.md, item 44).
#define DC_OB 8

DC_VEC conv_direct_act(int kind, float alpha, DC_VEC v) { ACT_FORWARD_RETURN(kind, alpha, v, (DC_VEC)(0.0f)) }

#define CONV_DIRECT_PARAMETERS                                                                    \
    __global const float* restrict x, long xOff, __global const float* restrict w, long wOff,    \
    __global const float* restrict bias, long biasOff, int hasBias,                               \
    __global float* restrict y, long yOff, __global float* restrict winners, long winnersOff,     \
    int C, int H, int W, int KH, int sH, int sW, int pT, int pL, int OH, int OW, int O, int band,  \
    int act, float actAlpha, int pool
#define CONV_DIRECT_ARGUMENTS(SH, SW) x, xOff, w, wOff, bias, biasOff, hasBias, y, yOff, winners, winnersOff, \
    C, H, W, KH, SH, SW, pT, pL, OH, OW, O, band, act, actAlpha, pool

// Work-item (band b, image n) computes output rows i0 = b·band ..< min(OH, i0 + band) of every
// channel. The host sizes `band` so that C·3·sH·(band + (KH − 1) / sH)·OW floats and DC_VW
// more fit the staging area (the packed GEMM's __local block), with pooling also DC_OB
// rounded-up runs of band·OW outputs. hasBias: whether `bias` holds O values. pool: 0, y is
// [n][O][OH][OW]; 1, y is the pooled [n][O][OH / 2][OW / 2] (OH and OW even: the rows and
// columns no window covers are not passed in, and `band` is even); 2, winners (the same shape)
// gets each window's winner as argmax2x2 numbers it. Launch: global = (ceil(OH / band), nb),
// local = (1, 1).
inline void conv_direct_item(__local float* restrict stage, CONV_DIRECT_PARAMETERS) {
    const int i0 = (int)get_global_id(0) * band, n = (int)get_global_id(1);
    if (i0 >= OH) return;
    // (c, q)'s phases at stage + (c·3 + q)·span, each phaseSpan long.
    const int rows = min(band, OH - i0), phaseRows = rows + (KH - 1) / sH, phaseSpan = phaseRows * OW;
    const int span = sH * phaseSpan, S = rows * OW, K = C * KH * 3;
    for (int c = 0; c < C; ++c) {
        __global const float* plane = x + xOff + ((long)n * C + c) * H * W;
        for (int q = 0; q < 3; ++q)
            stage_phases(stage + (c * 3 + q) * span, plane, i0 * sH - pT, phaseRows, sH, q, sW, H, W, OW, pL);
    }
    for (int t = 0; t < DC_VW; ++t) stage[C * 3 * span + t] = 0.0f;
    // Pooling: channel i of the block at pooled[i·rowsStride ...], rows whole vectors long.
    __local float* pooled = stage + C * 3 * span + DC_VW;
    const int rowsStride = (S + DC_VW - 1) / DC_VW * DC_VW;

    __global float* out = y + yOff + (long)n * O * OH * OW + i0 * OW;
    for (int o0 = 0; o0 < O; o0 += DC_OB) {
        // Channels past O repeat the last one; they are not stored.
        __global const float* wo[DC_OB];
        float b[DC_OB];
        for (int i = 0; i < DC_OB; ++i) {
            const int o = min(o0 + i, O - 1);
            wo[i] = w + wOff + (long)o * K;
            b[i] = hasBias ? bias[biasOff + o] : 0.0f;
        }
        for (int s = 0; s < S; s += DC_VW) {
            DC_VEC acc[DC_OB];
#pragma unroll
            for (int i = 0; i < DC_OB; ++i) acc[i] = (DC_VEC)(b[i]);
            for (int c = 0; c < C; ++c) {
                for (int q = 0; q < 3; ++q) {
                    // Kernel row p's run: phase e = p mod sH from its row p / sH, at a.
                    __local const float* a = stage + (c * 3 + q) * span + s;
                    for (int p = 0, e = 0; p < KH; ++p) {
                        const DC_VEC v = DC_VLOAD(0, a);
                        const int k = (c * KH + p) * 3 + q;
#pragma unroll
                        for (int i = 0; i < DC_OB; ++i) acc[i] = fma((DC_VEC)(wo[i][k]), v, acc[i]);
                        a += ++e < sH ? phaseSpan : OW - (sH - 1) * phaseSpan;
                        e = e < sH ? e : 0;
                    }
                }
            }
            const int live = S - s;
            for (int i = 0; i < DC_OB && o0 + i < O; ++i) {
                const DC_VEC r = conv_direct_act(act, actAlpha, acc[i]);
                __global float* e = out + (long)(o0 + i) * OH * OW + s;
                if (pool) {
                    DC_VSTORE(r, 0, pooled + i * rowsStride + s);
                } else if (live >= DC_VW) {
                    DC_VSTORE(r, 0, e);
                } else {
                    float lanes[DC_VW];
                    DC_VSTORE(r, 0, lanes);
                    for (int l = 0; l < live; ++l) e[l] = lanes[l];
                }
            }
        }
        for (int i = 0; pool && i < DC_OB && o0 + i < O; ++i) {
            const long first = ((long)n * O + o0 + i) * (OH / 2) * (OW / 2) + i0 / 2 * (OW / 2);
            for (int r = 0; r < rows / 2; ++r) {
                const long at = first + r * (OW / 2);
                pool2x2_row_local(pooled + i * rowsStride + 2 * r * OW, OW, y + yOff + at,
                                  pool == 2 ? winners + winnersOff + at : 0, OW / 2);
            }
        }
    }
}

// The kernels' one body: conv_direct passes stride 1 as constants, so that its kernel rows'
// runs are a constant step apart (OW) and the compiler keeps their short loop tight (with the
// strides run-time values there, stride-1 layers ran a third slower). Neither kernel's name
// begins with the other's: oclgrind counts as a kernel's the __local arrays of every kernel
// whose name begins with its own.
#define CONV_DIRECT_KERNEL(NAME, SH, SW)                                   \
__kernel __attribute__((reqd_work_group_size(1, 1, 1)))                    \
void NAME(CONV_DIRECT_PARAMETERS) {                                        \
    __local float stage[GEMM_KC * GEMM_NCB * GEMM_VW * GEMM_NV];           \
    conv_direct_item(stage, CONV_DIRECT_ARGUMENTS(SH, SW));                \
}
CONV_DIRECT_KERNEL(conv_direct, 1, 1)
CONV_DIRECT_KERNEL(conv_strided_direct, sH, sW)

#endif  // GEMM_PACKED
