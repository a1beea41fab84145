// The filter gradient of a convolution with 3-wide kernels on CPU devices, without a column
// matrix:
//
//     dW[o][c][p][q] = Σ_n Σ_s dy[n][o][s] · x[n][c][i·sH + p − pT][j·sW + q − pL]   (s = i·OW + j, 0 outside)
//
// The GEMM path lays dy out as [O][nb][S] and the column matrix as [K][nb][S] and multiplies
// them with M = O: for 16 or 32 output channels that is two to four rows of the packed GEMM's
// register tile, and the two layout passes and the packing cost as much as the product. Here
// a work-item takes a run of images and, plane by plane, stages three copies of the input plane in
// __local memory, one per kernel column q: rows r = 0 ..< OH + KH − 1 of OW entries,
// stage_q[r·OW + j] = x[c][r − pT][j + q − pL] (im2col's rows of tap (0, q) run KH − 1 rows
// further). Tap (p, q) over every s is then the one contiguous run stage_q[p·OW + s] (a strided
// layer stages by phase, conv.cl's stage_phases, and the run starts in phase p mod sH), and
// FG_OB output channels × three taps are float8 accumulators over runs of eight s, fed by
// three staged loads and FG_OB loads of dy per run. The images' dy rows stay in cache across
// planes.

#ifdef GEMM_PACKED

// Output channels per pass: 3·FG_OB accumulators, three staged vectors and a dy vector within
// the 32 vector registers of AVX-512 (8), the 16 of AVX2 (4) or of SSE (2; float8 is two
// registers there).
#define FG_OB (GEMM_VW == 16 ? 8 : GEMM_VW == 8 ? 4 : 2)

// Work-item g takes images n0 ..< n1 = [g·per, min(nb, (g + 1)·per)) in groups of `group`
// (chosen by the host so that three copies of a plane of each fit the packed GEMM's block,
// known to fit the device's local memory, with room to keep the group's dy rows in cache).
// For each input channel it stages the plane of every image of the group, then for each
// block of output channels and kernel row p sums over the group's images before it adds
// the lanes: with short rows (an 11x11 output is 15 runs of eight) a lane sum and a store per
// image, channel block and row cost a third of the products. The item adds its groups into its
// part, parts[partsOff + (g·O + o)·K + (c·KH + p)·3 + q] with K = C·KH·3, in order;
// gemm_sum_parts adds the parts (a part per image made that sum read nb parts, and it cost as
// much as the gradient). With sumStride > 0 it also writes Σ_s dy[n][o][s] to
// sums[sumsOff + o·sumStride + n] for bias_grad_from_rows. Launch: global = (ceil(nb / per)),
// local = (1).
#define CONV_FILTER_GRAD_PARAMETERS                                                                    \
    __global const float* restrict x, long xOff, __global const float* restrict dy, long dyOff,         \
    __global float* restrict parts, long partsOff, __global float* restrict sums, long sumsOff, int sumStride, \
    int C, int H, int W, int KH, int sH, int sW, int pT, int pL, int OH, int OW, int O, int nb, int per, int group
#define CONV_FILTER_GRAD_ARGUMENTS(SH, SW) x, xOff, dy, dyOff, parts, partsOff, sums, sumsOff, sumStride, \
    C, H, W, KH, SH, SW, pT, pL, OH, OW, O, nb, per, group

inline void conv_filter_grad_item(__local float* restrict stage, CONV_FILTER_GRAD_PARAMETERS) {
    const int g = (int)get_global_id(0), n0 = g * per, n1 = min(nb, n0 + per);
    if (n0 >= nb) return;
    // An image's kernel column q at stage + (n − b0)·3·span + q·span: sH phases of phaseSpan.
    const int phaseRows = OH + (KH - 1) / sH, phaseSpan = phaseRows * OW, span = sH * phaseSpan;
    const int S = OH * OW, K = C * KH * 3, S8 = S & ~7;
    __global float* out = parts + partsOff + (long)g * O * K;
    for (int b0 = n0; b0 < n1; b0 += group) {
        const int b1 = min(n1, b0 + group);
        for (int c = 0; c < C; ++c) {
            for (int n = b0; n < b1; ++n) {
                __global const float* plane = x + xOff + ((long)n * C + c) * H * W;
                for (int q = 0; q < 3; ++q)
                    stage_phases(stage + ((n - b0) * 3 + q) * span, plane, -pT, phaseRows, sH, q, sW, H, W, OW, pL);
            }
            for (int o0 = 0; o0 < O; o0 += FG_OB) {
                for (int p = 0; p < KH; ++p) {
                    float8 acc[FG_OB][3];
                    float tail[FG_OB][3];
                    for (int i = 0; i < FG_OB; ++i)
                        for (int q = 0; q < 3; ++q) {
                            acc[i][q] = (float8)(0.0f);
                            tail[i][q] = 0.0f;
                        }
                    for (int n = b0; n < b1; ++n) {
                        // Channels past O repeat the last one; their sums are not stored.
                        __global const float* d[FG_OB];
                        for (int i = 0; i < FG_OB; ++i) d[i] = dy + dyOff + ((long)n * O + min(o0 + i, O - 1)) * S;
                        __local const float* a = stage + (n - b0) * 3 * span + p % sH * phaseSpan + p / sH * OW;
                        for (int s = 0; s < S8; s += 8) {
                            const float8 a0 = vload8(0, a + s), a1 = vload8(0, a + span + s), a2 = vload8(0, a + 2 * span + s);
#pragma unroll
                            for (int i = 0; i < FG_OB; ++i) {
                                const float8 v = vload8(0, d[i] + s);
                                acc[i][0] = fma(v, a0, acc[i][0]);
                                acc[i][1] = fma(v, a1, acc[i][1]);
                                acc[i][2] = fma(v, a2, acc[i][2]);
                            }
                        }
                        for (int s = S8; s < S; ++s)
                            for (int i = 0; i < FG_OB; ++i)
                                for (int q = 0; q < 3; ++q) tail[i][q] = fma(d[i][s], a[q * span + s], tail[i][q]);
                    }
                    for (int i = 0; i < FG_OB && o0 + i < O; ++i) {
                        for (int q = 0; q < 3; ++q) {
                            const float t = lane_sum(acc[i][q]) + tail[i][q];
                            __global float* e = out + (o0 + i) * K + (c * KH + p) * 3 + q;
                            *e = b0 == n0 ? t : *e + t;
                        }
                    }
                }
            }
        }
        for (int n = b0; n < b1 && sumStride > 0; ++n) {
            for (int o = 0; o < O; ++o) {
                __global const float* row = dy + dyOff + ((long)n * O + o) * S;
                float8 acc = (float8)(0.0f);
                for (int s = 0; s < S8; s += 8) acc += vload8(0, row + s);
                float t = lane_sum(acc);
                for (int s = S8; s < S; ++s) t += row[s];
                sums[sumsOff + o * sumStride + n] = t;
            }
        }
    }
}

// The kernels' one body: conv_filter_grad_staged passes stride 1 as constants, so that the
// staging and the kernel rows' runs compile as for stride-1 layers alone (with the strides
// run-time values there, stride-1 layers ran slower). The strided kernel's name does not begin
// with the other's (oclgrind would count its __local array as the other's too; conv_direct.cl).
#define CONV_FILTER_GRAD_KERNEL(NAME, SH, SW)                                 \
__kernel __attribute__((reqd_work_group_size(1, 1, 1)))                       \
void NAME(CONV_FILTER_GRAD_PARAMETERS) {                                      \
    __local float stage[GEMM_KC * GEMM_NCB * GEMM_VW * GEMM_NV];              \
    conv_filter_grad_item(stage, CONV_FILTER_GRAD_ARGUMENTS(SH, SW));         \
}
CONV_FILTER_GRAD_KERNEL(conv_filter_grad_staged, 1, 1)
CONV_FILTER_GRAD_KERNEL(conv_strided_filter_grad, sH, sW)

#endif  // GEMM_PACKED
