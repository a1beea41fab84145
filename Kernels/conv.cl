// Convolution by im2col + GEMM (see Conv2DGeometry). For a chunk of `nb` images:
//
//     col[n][(c·KH + p)·KW + q][i·OW + j] = x[n, c, i·sH + p − pT, j·sW + q − pL]   (0 outside)
//
// so y[n] = W[O, C·KH·KW] · col[n] is one strided-batched GEMM. Backward data is the
// transposed product followed by col2im, written as a gather (each input cell sums the
// column entries that read it): no atomics, and the result does not depend on scheduling.

// Work-items loop along rows rather than owning one element each: per-element index
// arithmetic (six integer divisions) does not vectorise on CPU devices, where a work-item is
// a loop iteration on a core (measurements: Benchmarks/NOTES.md).

// The arguments after the column buffer's offset that im2col and im2col_pool2x2 share, and
// the start of their work-item: column row r (tap c, p, q) of image n, its input plane and
// its output row; past the launch's end it returns. Launch dimension 0 is whichever of r and n
// steps the output less (the host launches it so), so that a group's consecutive items, which
// a CPU driver runs one after another, write neighbouring rows rather than rows a whole
// [nb][S] block apart.
#define IM2COL_PARAMETERS int rowStride, int imageStride, \
    int C, int H, int W, int KH, int KW, int sH, int sW, int pT, int pL, int OH, int OW, int nb
#define IM2COL_ITEM                                                                   \
    const bool byImage_ = imageStride < rowStride;                                     \
    const int r = (int)get_global_id(byImage_ ? 1 : 0), n = (int)get_global_id(byImage_ ? 0 : 1); \
    if (r >= C * KH * KW || n >= nb) return;                                           \
    const int q = r % KW, p = (r / KW) % KH, c = r / (KW * KH);                        \
    __global const float* plane = x + xOff + (n * C + c) * H * W;                      \
    __global float* out = col + colOff + r * rowStride + n * imageStride;

// Entries s0 ..< s1 of column row (c, p, q) — out[s − s0] — of a stride-1 convolution whose
// output rows are as long as the input's (OW == W): there the column row is the input plane
// read at one offset, d = (p − pT)·W + q − pL, so it is one contiguous copy (which vectorises)
// however short the image rows, and only two kinds of entry are zeros: whole output rows that
// read above or below the image (a block at either end) and, in every row, the |q − pL|
// columns whose source the shift carried across a row edge. A macro for a __global
// (im2col_shifted) and a __local (the packed GEMM's gathered block) destination: OpenCL 1.2
// has no generic address space.
#define IM2COL_DEFINE_SHIFTED(NAME, SPACE)                                                        \
void NAME(SPACE float* restrict out, __global const float* restrict plane, int s0, int s1,        \
          int p, int q, int H, int W, int OH, int pT, int pL) {                                   \
    const int d = (p - pT) * W + q - pL;                                                           \
    /* [a, b): output rows inside the image; [c0, c1): their entries whose source is in the plane */ \
    const int a = clamp(max(0, pT - p) * W, s0, s1), b = clamp(min(OH, H + pT - p) * W, a, s1);  \
    const int c0 = clamp(-d, a, b), c1 = clamp(H * W - d, c0, b);                                  \
    for (int s = s0; s < c0; ++s) out[s - s0] = 0.0f;                                              \
    for (int s = c0; s < c1; ++s) out[s - s0] = plane[s + d];                                      \
    for (int s = c1; s < s1; ++s) out[s - s0] = 0.0f;                                              \
    /* The wrapped columns: [0, pL − q) of each row, or [W − (q − pL), W). */                      \
    const int e0 = q < pL ? 0 : W - min(q - pL, W), e1 = q < pL ? min(pL - q, W) : W;              \
    for (int j = e0; j < e1; ++j)                                                                  \
        for (int s = c0 + (j - c0 % W + W) % W; s < c1; s += W) out[s - s0] = 0.0f;                \
}
IM2COL_DEFINE_SHIFTED(im2col_shifted_global, __global)
IM2COL_DEFINE_SHIFTED(im2col_shifted_local, __local)

// Output columns j ..< j + len of one output row of a stride-1 column row of tap column q:
// out[t] = xr[j + t + q − pL], zero where that falls outside the input row xr (W wide).
// Entries t0 ..< t1 read inside it: a plain copy that vectorises. For a __global (im2col, a
// whole row) and a __local (the packed GEMM's gathered block, runs within a strip; the filter
// gradient's staged rows, conv_filter_grad.cl) destination.
#define IM2COL_DEFINE_ROW(NAME, SPACE)                                                             \
void NAME(SPACE float* restrict out, __global const float* restrict xr, int j, int len, int q, int W, int pL) { \
    const int t0 = clamp(pL - q - j, 0, len), t1 = clamp(W + pL - q - j, t0, len);                 \
    __global const float* src = xr + j + q - pL;                                                   \
    for (int t = 0; t < t0; ++t) out[t] = 0.0f;                                                    \
    for (int t = t0; t < t1; ++t) out[t] = src[t];                                                 \
    for (int t = t1; t < len; ++t) out[t] = 0.0f;                                                  \
}
IM2COL_DEFINE_ROW(im2col_row_global, __global)
IM2COL_DEFINE_ROW(im2col_row_local, __local)

// The output columns [t0, t1) of a column row of tap column q whose source, x[j·sW + q − pL],
// lies inside an input row W wide (len output columns): the same for every row of the tap,
// so worked out once per tap.
int2 strided_row_span(int len, int q, int sW, int W, int pL) {
    const int t0 = min(len, (max(pL - q, 0) + sW - 1) / sW);
    return (int2)(t0, clamp((W + pL - q + sW - 1) / sW, t0, len));
}

// One output row of a column row with column stride sW > 1: out[t] = src[t·sW] for t in
// span = [t0, t1) (strided_row_span), zero elsewhere below len; src is the input row shifted
// by q − pL, `end` = W − q + pL floats of the row from src on. Stride 2 takes the even lanes
// of 16-, 8- and 4-float loads (a strided copy does not vectorise on CPU devices), none past
// the row's end.
#define IM2COL_DEFINE_ROW_STRIDED(NAME, SPACE)                                                      \
void NAME(SPACE float* restrict out, __global const float* restrict src, int2 span, int len, int sW, int end) { \
    int t = 0;                                                                                     \
    for (; t < span.x; ++t) out[t] = 0.0f;                                                         \
    if (sW == 2) {                                                                                 \
        for (; t + 8 <= span.y && 2 * t + 16 <= end; t += 8) vstore8(vload16(0, src + 2 * t).even, 0, out + t); \
        if (t + 4 <= span.y && 2 * t + 8 <= end) { vstore4(vload8(0, src + 2 * t).even, 0, out + t); t += 4; } \
        if (t + 2 <= span.y && 2 * t + 4 <= end) { vstore2(vload4(0, src + 2 * t).even, 0, out + t); t += 2; } \
    }                                                                                              \
    for (; t < span.y; ++t) out[t] = src[t * sW];                                                  \
    for (; t < len; ++t) out[t] = 0.0f;                                                            \
}
IM2COL_DEFINE_ROW_STRIDED(im2col_row_strided_global, __global)
IM2COL_DEFINE_ROW_STRIDED(im2col_row_strided_local, __local)

// The staging of the kernels that read shifted rows of a plane from __local memory
// (conv_filter_grad_staged, conv_direct), for kernel column q: `rows` rows of `plane` from h0
// on, every sH-th, row r at out + r·OW holding x[h0 + r·sH][j·sW + q − pL] for j < OW (zero
// outside the plane).
void stage_shifted_rows(__local float* restrict out, __global const float* restrict plane, int h0, int rows, int sH,
                        int q, int sW, int H, int W, int OW, int pL) {
    const int2 span = strided_row_span(OW, q, sW, W, pL);
    for (int r = 0; r < rows; ++r, out += OW) {
        const int h = h0 + r * sH;
        if (h < 0 || h >= H) for (int j = 0; j < OW; ++j) out[j] = 0.0f;
        else if (sW == 1) im2col_row_local(out, plane + h * W, 0, OW, q, W, pL);
        else im2col_row_strided_local(out, plane + h * W + q - pL, span, OW, sW, W - q + pL);
    }
}

// A plane's rows for kernel column q staged by phase, so that every kernel row's taps over a
// run of outputs are one contiguous run however the layer strides: output row i of kernel row
// p reads input row i·sH + p − pT, which is row i + p / sH of phase p mod sH when phase e holds
// the rows h0 + e + m·sH, m < rows (h0 = the first output row's · sH − pT). Phase e at
// out + e·rows·OW; with stride 1, one phase: the plane's rows in order.
void stage_phases(__local float* restrict out, __global const float* restrict plane, int h0, int rows, int sH,
                  int q, int sW, int H, int W, int OW, int pL) {
    for (int e = 0; e < sH; ++e) stage_shifted_rows(out + e * rows * OW, plane, h0 + e, rows, sH, q, sW, H, W, OW, pL);
}

// Whether im2col_shifted_* applies.
bool im2col_is_shifted(int sH, int sW, int W, int OW) { return sH == 1 && sW == 1 && OW == W; }

// One work-item per column row r of image n < nb (all OH·OW of its entries): global = (C·KH·KW, nb),
// or (nb, C·KH·KW) when images lie closer together than rows (IM2COL_ITEM). Whole rows per item,
// decoded once: with a row of OW per item, the items were tiny and their index decoding
// dominated. Element (n, r, s = i·OW + j) goes to col[colOff + r·rowStride + n·imageStride + s]:
// [n][r][s] for the forward pass (rowStride = OH·OW), [r][n][s] for the filter gradient
// (imageStride = OH·OW).
__kernel void im2col(__global const float* x, long xOff, __global float* col, long colOff,
                     IM2COL_PARAMETERS) {
    IM2COL_ITEM
    const int2 span = strided_row_span(OW, q, sW, W, pL);
    for (int i = 0; i < OH; ++i, out += OW) {
        const int h = i * sH + p - pT;
        if (h < 0 || h >= H) {
            for (int j = 0; j < OW; ++j) out[j] = 0.0f;
            continue;
        }
        if (sW == 1) im2col_row_global(out, plane + h * W, 0, OW, q, W, pL);
        else im2col_row_strided_global(out, plane + h * W + q - pL, span, OW, sW, W - q + pL);
    }
}

// im2col of a layer whose column rows are shifted copies of its input planes
// (im2col_is_shifted, which the host tests): one work-item per plane (c, n) of image n < nb,
// writing its KH·KW column rows; global = (C, nb), or (nb, C) when images lie closer together
// than rows, as im2col. In the 7x7 and 4x4 stages a row is 49 or 16 values, and an item per
// row spent more on finding its row than on copying it.
__kernel void im2col_shifted(__global const float* x, long xOff, __global float* col, long colOff,
                             IM2COL_PARAMETERS) {
    const bool byImage = imageStride < rowStride;
    const int c = (int)get_global_id(byImage ? 1 : 0), n = (int)get_global_id(byImage ? 0 : 1);
    if (c >= C || n >= nb) return;
    __global const float* plane = x + xOff + (n * C + c) * H * W;
    __global float* out = col + colOff + c * KH * KW * rowStride + n * imageStride;
    for (int t = 0; t < KH * KW; ++t, out += rowStride)
        im2col_shifted_global(out, plane, 0, OH * OW, t / KW, t % KW, H, W, OH, pT, pL);
}

// Window j of an im2col_pool2x2 row, cell by cell (columns that reach into the padding, or
// rows of which one lies outside the image): its four cells from input rows x0 (in0: inside
// the image) and x1 (in1), zero outside.
void pool2x2_window_cells(__global float* out, __global const float* x0, __global const float* x1, bool in0, bool in1,
                          int j, int sW, int q, int pL, int W) {
    const int w0 = 2 * j * sW + q - pL, w1 = w0 + sW;
    const bool c0 = w0 >= 0 && w0 < W, c1 = w1 >= 0 && w1 < W;
    out[4 * j] = in0 && c0 ? x0[w0] : 0.0f;
    out[4 * j + 1] = in0 && c1 ? x0[w1] : 0.0f;
    out[4 * j + 2] = in1 && c0 ? x1[w0] : 0.0f;
    out[4 * j + 3] = in1 && c1 ? x1[w1] : 0.0f;
}

// The forward column matrix of a convolution followed by 2x2 max pooling (stride 2, no
// padding), for the pooled GEMM epilogue (gemm_packed.cl): the columns of image n's row r are
// the PH·PW windows (PH = OH / 2, PW = OW / 2) in row-major order, each its four output
// positions (2i, 2j), (2i, 2j + 1), (2i + 1, 2j), (2i + 1, 2j + 1); an odd last output row or
// column is in no window and is left out. Same arguments and launch as im2col (rowStride =
// 4·PH·PW). For stride 1 a window's two top and two bottom cells are neighbours in the input,
// and so are the top (and bottom) pairs of consecutive windows: four windows are two float8
// loads interleaved pair by pair into one float16 store (then single windows, two float2
// loads and a float4 store); window columns that reach into the padding, and rows of which
// one lies outside the image, take the per-cell path.
__kernel void im2col_pool2x2(__global const float* x, long xOff, __global float* col, long colOff,
                             IM2COL_PARAMETERS) {
    IM2COL_ITEM
    const int PH = OH / 2, PW = OW / 2;
    // Window columns j0 ..< j1 have all four cells inside the image row (stride 1 only).
    const int j0 = sW == 1 ? clamp((pL - q + 1) / 2, 0, PW) : 0;
    const int j1 = sW == 1 ? clamp((W + pL - q) / 2, j0, PW) : 0;
    for (int i = 0; i < PH; ++i, out += 4 * PW) {
        const int h0 = 2 * i * sH + p - pT, h1 = h0 + sH;
        const bool in0 = h0 >= 0 && h0 < H, in1 = h1 >= 0 && h1 < H;
        __global const float* x0 = plane + (in0 ? h0 : 0) * W;
        __global const float* x1 = plane + (in1 ? h1 : 0) * W;
        if (!(in0 && in1)) {
            for (int j = 0; j < PW; ++j) pool2x2_window_cells(out, x0, x1, in0, in1, j, sW, q, pL, W);
            continue;
        }
        for (int j = 0; j < j0; ++j) pool2x2_window_cells(out, x0, x1, true, true, j, sW, q, pL, W);
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            const int w = 2 * j + q - pL;
            vstore16(shuffle2(vload8(0, x0 + w), vload8(0, x1 + w),
                              (uint16)(0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15)), 0, out + 4 * j);
        }
        for (; j < j1; ++j) {
            const int w = 2 * j + q - pL;
            vstore4((float4)(vload2(0, x0 + w), vload2(0, x1 + w)), 0, out + 4 * j);
        }
        for (j = j1; j < PW; ++j) pool2x2_window_cells(out, x0, x1, true, true, j, sW, q, pL, W);
    }
}

// wt[c][o][t] = w[o][c][taps − 1 − t]: the weights of the convolution whose output is a
// stride-1 layer's input gradient (the kernel turned by 180°, input and output channels
// swapped; Conv2DGeometry.inputGradientGeometry). global = (taps, C, O).
__kernel void conv_weights_flipped(__global const float* w, long wOff, __global float* wt, long wtOff,
                                   int O, int C, int taps) {
    const int t = (int)get_global_id(0), c = (int)get_global_id(1), o = (int)get_global_id(2);
    if (t >= taps || c >= C || o >= O) return;
    wt[wtOff + ((long)c * O + o) * taps + t] = w[wOff + ((long)o * C + c) * taps + taps - 1 - t];
}

// dy [nb][O][S] → [O][nb][S], so the filter gradient's sum over images is one GEMM's K.
// One work-item per (o, n) row of S values: global = (O, nb). With sumStride > 0 it also
// writes the row's sum to sums[sumsOff + o·sumStride + n] (float16 partial sums, then their
// lanes pairwise): the bias gradient's per-image terms, from the rows it copies anyway
// (a separate bias_grad pass read all of dy again).
__kernel void nchw_to_cnhw(__global const float* x, long xOff, __global float* y, long yOff,
                           int nb, int O, int S, __global float* sums, long sumsOff, int sumStride) {
    const int o = (int)get_global_id(0), n = (int)get_global_id(1);
    if (o >= O || n >= nb) return;
    __global const float* src = x + xOff + (n * O + o) * S;
    __global float* dst = y + yOff + (o * nb + n) * S;
    float16 acc = (float16)(0.0f);
    int s = 0;
    for (; s + 16 <= S; s += 16) {
        const float16 v = vload16(0, src + s);
        vstore16(v, 0, dst + s);
        acc += v;
    }
    float tail = 0.0f;
    for (; s < S; ++s) {
        dst[s] = src[s];
        tail += src[s];
    }
    if (sumStride > 0) sums[sumsOff + o * sumStride + n] = lane_sum(acc.lo + acc.hi) + tail;
}

// Input cell (h, w) of one plane's dx: the sum, in (p, q) order from 0, of the column entries
// that read it (`base` is the plane's first column row). col2im_gpu calls it; col2im adds the
// same terms in the same order tap by tap, so the two families' sums are bit-identical.
float col2im_cell(__global const float* base, int h, int w, int KH, int KW, int sH, int sW,
                  int pT, int pL, int OH, int OW) {
    const int spatial = OH * OW;
    float sum = 0.0f;
    for (int p = 0; p < KH; ++p) {
        const int hp = h + pT - p;        // = i·sH for the output row i that reads (h, w) through p
        if (hp < 0) break;
        if (hp % sH != 0) continue;
        const int i = hp / sH;
        if (i >= OH) continue;
        for (int q = 0; q < KW; ++q) {
            const int wq = w + pL - q;
            if (wq < 0) break;
            if (wq % sW != 0) continue;
            const int j = wq / sW;
            if (j >= OW) continue;
            sum += base[(p * KW + q) * spatial + i * OW + j];
        }
    }
    return sum;
}

// One work-item per input plane (c, n) of the chunk: global = (C, nb). Tap (p, q) adds entries
// [j0, j1) of column row i to input row i·sH + p − pT from column j0·sW + q − pL on, for the
// rows i that land in the plane, with the bounds worked out once per tap: with an item per
// input row, working them out per row and tap cost more than adding runs only OW long. A cell
// gets at most one term per tap, in (p, q) order, so the sums equal col2im_cell's gather (the
// GPU family's) bit for bit. col (the op's workspace) never overlaps dx, and saying so
// (restrict) spares the tap loops' adds the compiler's overlap handling.
__kernel void col2im(__global const float* restrict col, long colOff, __global float* restrict dx, long dxOff,
                     int C, int H, int W, int KH, int KW, int sH, int sW, int pT, int pL,
                     int OH, int OW) {
    const int c = (int)get_global_id(0), n = (int)get_global_id(1);
    if (c >= C) return;
    const int S = OH * OW;
    __global const float* taps = col + colOff + (size_t)(n * C + c) * KH * KW * S;
    __global float* out = dx + dxOff + (size_t)(n * C + c) * H * W;
    for (int t = 0; t < H * W; ++t) out[t] = 0.0f;
    for (int p = 0; p < KH; ++p) {
        // Rows i with 0 <= i·sH + p − pT < H.
        const int i0 = p < pT ? (pT - p + sH - 1) / sH : 0;
        const int i1 = H - 1 + pT - p >= 0 ? min(OH, (H - 1 + pT - p) / sH + 1) : 0;
        for (int q = 0; q < KW; ++q) {
            // Entries j with 0 <= j·sW + a < W.
            const int a = q - pL, j0 = a < 0 ? (sW - 1 - a) / sW : 0;
            const int j1 = W - 1 - a >= 0 ? min(OW, (W - 1 - a) / sW + 1) : 0;
            __global const float* row = taps + (p * KW + q) * S;
            for (int i = i0; i < i1; ++i) {
                __global float* o = out + (i * sH + p - pT) * W;
                __global const float* r = row + i * OW;
                if (sW == 1) {
                    for (int j = j0; j < j1; ++j) o[j + a] += r[j];   // vectorises
                } else {
                    for (int j = j0; j < j1; ++j) o[j * sW + a] += r[j];
                }
            }
        }
    }
}

// col2im where im2col_is_shifted: one work-item per input plane (c, n), global = (C, nb). Each
// tap's column row is the plane's gradient read at one offset, so the tap adds it in one
// contiguous run (which vectorises) instead of one run per image row. The entries such a run
// carries across a row edge are, for that tap, exactly the padding entries of the column row
// (those whose input cell lies left or right of the image): the kernel first stores +0.0f
// over them in the column workspace, which it owns. Adding +0.0f leaves every sum as it was
// — a sum that starts from +0.0f is never −0.0f — so each cell gets the same terms in the
// same (p, q) order as col2im's, bit for bit.
__kernel void col2im_shifted(__global float* col, long colOff, __global float* dx, long dxOff,
                             int C, int H, int W, int KH, int KW, int sH, int sW, int pT, int pL,
                             int OH, int OW) {
    const int c = (int)get_global_id(0), n = (int)get_global_id(1);
    if (c >= C) return;
    const int S = OH * OW;
    __global float* taps = col + colOff + (size_t)(n * C + c) * KH * KW * S;
    __global float* out = dx + dxOff + (size_t)(n * C + c) * H * W;
    for (int t = 0; t < H * W; ++t) out[t] = 0.0f;
    for (int p = 0; p < KH; ++p)
        for (int q = 0; q < KW; ++q) {
            __global float* row = taps + (p * KW + q) * S;
            // The padding columns: [0, pL − q) of each output row, or [W − (q − pL), W).
            const int e0 = q < pL ? 0 : W - min(q - pL, W), e1 = q < pL ? min(pL - q, W) : W;
            for (int i = 0; i < OH; ++i)
                for (int j = e0; j < e1; ++j) row[i * W + j] = 0.0f;
            // Cell t reads entry t + e; [t0, t1): rows of the plane some output row reads,
            // entries inside the column row.
            const int e = (pT - p) * W + pL - q;
            const int t0 = max(max(0, p - pT) * W, -e), t1 = min(min(H, OH + p - pT) * W, S - e);
            for (int t = t0; t < t1; ++t) out[t] += row[t + e];
        }
}

// ---- GPU family (KernelConfig.kernelFamily == .gpu): one work-item per element written,
// consecutive items on consecutive addresses (coalesced), and launches of elements / group
// size groups (thousands at batch 32, enough for 100+ compute units). The index decoding
// costs divisions per element, which GPUs hide behind memory; the CPU kernels above avoid it.

// im2col_gpu: element (n, r, s) of the chunk's column matrix, s fastest: global = nb·K·S.
// Writes what im2col writes.
__kernel void im2col_gpu(__global const float* x, long xOff, __global float* col, long colOff,
                         IM2COL_PARAMETERS) {
    const int S = OH * OW, K = C * KH * KW;
    const int e = (int)get_global_id(0);
    if (e >= nb * K * S) return;
    const int s = e % S, t = e / S, r = t % K, n = t / K;
    const int i = s / OW, j = s - i * OW;
    const int q = r % KW, p = (r / KW) % KH, c = r / (KW * KH);
    const int h = i * sH + p - pT, w = j * sW + q - pL;
    col[colOff + r * rowStride + n * imageStride + s] =
        (h >= 0 && h < H && w >= 0 && w < W) ? x[xOff + ((n * C + c) * H + h) * W + w] : 0.0f;
}

// col2im_gpu: input cell (n, c, h, w) of the chunk, w fastest: global = nb·C·H·W. The same
// gather as col2im (col2im_cell).
__kernel void col2im_gpu(__global const float* col, long colOff, __global float* dx, long dxOff,
                         int C, int H, int W, int KH, int KW, int sH, int sW, int pT, int pL,
                         int OH, int OW, int nb) {
    const int e = (int)get_global_id(0);
    if (e >= nb * C * H * W) return;
    const int w = e % W, t = e / W, h = t % H, plane = t / H;  // plane = n·C + c
    const int spatial = OH * OW;
    __global const float* base = col + colOff + plane * KH * KW * spatial;
    dx[dxOff + e] = col2im_cell(base, h, w, KH, KW, sH, sW, pT, pL, OH, OW);
}

// nchw_to_cnhw_gpu: element (o, n, s) of y [O][nb][S], s fastest: global = O·nb·S. No row
// sums: the GPU family takes the bias gradient from dy by its own reduction.
__kernel void nchw_to_cnhw_gpu(__global const float* x, long xOff, __global float* y, long yOff, int nb, int O, int S) {
    const int e = (int)get_global_id(0);
    if (e >= O * nb * S) return;
    const int s = e % S, t = e / S, n = t % nb, o = t / nb;
    y[yOff + e] = x[xOff + (n * O + o) * S + s];
}
