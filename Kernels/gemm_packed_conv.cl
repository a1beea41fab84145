// A convolution's forward product on the packed GEMM (gemm_packed.cl) without a column matrix:
// y[n] = W[O, K] · col[n][K, S] as gemm_local computes it, except that each work-item
// gathers its kc × NC block of col[n] (conv.cl's im2col, same formula) straight from the
// input image into its __local block. im2col wrote the whole column matrix to memory for the
// GEMM to read back — K·S floats per image, 9× the input for a 3x3 layer — where the input
// image itself stays in cache while its block's taps are gathered.

#ifdef GEMM_PACKED

// The shifted layer's block (im2col_is_shifted), strip by strip so that each strip's kc rows
// are written one after another (the block is strip-major): a whole strip whose source rows
// all lie in the image is the plane read at offset rows + shift, vector by vector, with the
// lanes whose column the shift carries across a row edge zeroed; other strips (the image's
// top and bottom rows, the last strip) take im2col's contiguous copy (conv.cl). Lanes past N
// are zeros.
void conv_gather_block_shifted(__local float* restrict Bl, __global const float* restrict plane0,
                               int pc, int kc, int first, int end, int N,
                               int H, int W, int KH, int KW, int pT, int pL, int OH) {
    const int area = H * W, wraps = (W + GEMM_NR - 2) / W;
    for (int lo = first; lo < end; lo += GEMM_NR) {
        const int hi = min(lo + GEMM_NR, N);
        __local float* d = Bl + (lo - first) / GEMM_NR * kc * GEMM_NR;
        // Each lane's output column: lo + lane mod W, by subtracting W while it is past W.
        GEMM_IVEC column[GEMM_NV];
        #pragma unroll
        for (int v = 0; v < GEMM_NV; ++v) {
            column[v] = lo % W + v * GEMM_VW + GEMM_IOTA;
            for (int t = 0; t < wraps; ++t) column[v] = select(column[v], column[v] - W, column[v] >= W);
        }
        int q = pc % KW, p = (pc / KW) % KH, c = pc / (KW * KH);
        for (int kk = 0; kk < kc; ++kk, d += GEMM_NR) {
            __global const float* plane = plane0 + (size_t)c * area;
            const int rows = (p - pT) * W, shift = q - pL;
            if (hi - lo == GEMM_NR && lo + rows >= 0 && hi + rows <= area && lo + rows + shift >= 0
                && hi + rows + shift <= area) {
                __global const float* src = plane + lo + rows + shift;
                #pragma unroll
                for (int v = 0; v < GEMM_NV; ++v) {
                    GEMM_VEC x = GEMM_VLOAD(v, src);
                    if (shift != 0) {
                        const GEMM_IVEC from = column[v] + shift;
                        x = select((GEMM_VEC)(0.0f), x, from >= 0 && from < W);
                    }
                    GEMM_VSTORE(x, v, d);
                }
            } else {
                im2col_shifted_local(d, plane, lo, hi, p, q, H, W, OH, pT, pL);
                for (int lane = hi - lo; lane < GEMM_NR; ++lane) d[lane] = 0.0f;
            }
            if (++q == KW) {
                q = 0;
                if (++p == KH) { p = 0; ++c; }
            }
        }
    }
}

// Bl[(strip − s0)·kc·NR + kk·NR + lane] = col[pc + kk][s0·NR + (strip − s0)·NR + lane] of image
// `plane0` (its channel 0), 0 past column N. Column s = i·OW + j: output row i, column j.
// Where the column rows are shifted copies of the input plane (im2col_is_shifted, conv.cl)
// conv_gather_block_shifted copies each strip from one such copy; otherwise the block's
// columns are walked in runs that stay inside one output row and one strip, where source
// and destination are both contiguous (stride 1) or the source is strided.
void conv_gather_block(__local float* restrict Bl, __global const float* restrict plane0,
                       int pc, int kc, int s0, int s1, int N,
                       int H, int W, int KH, int KW, int sH, int sW, int pT, int pL, int OW) {
    const int first = s0 * GEMM_NR, end = min(s1 * GEMM_NR, N);
    if (im2col_is_shifted(sH, sW, W, OW)) {
        conv_gather_block_shifted(Bl, plane0, pc, kc, first, end, N, H, W, KH, KW, pT, pL, N / OW);
        return;
    }
    int q = pc % KW, p = (pc / KW) % KH, c = pc / (KW * KH);
    for (int kk = 0; kk < kc; ++kk) {
        __global const float* plane = plane0 + (size_t)c * H * W;
        __local float* d = Bl + kk * GEMM_NR;
        int i = first / OW, j = first % OW, lane = 0;
        for (int s = first; s < end;) {
            const int len = min(min(OW - j, GEMM_NR - lane), end - s);
            __local float* out = d + lane;
            const int h = i * sH + p - pT;
            if (h < 0 || h >= H) {
                for (int t = 0; t < len; ++t) out[t] = 0.0f;
            } else if (sW == 1) {
                im2col_row_local(out, plane + h * W, j, len, q, W, pL);
            } else {
                __global const float* xr = plane + h * W;
                for (int t = 0; t < len; ++t) {
                    const int w = (j + t) * sW + q - pL;
                    out[t] = (w >= 0 && w < W) ? xr[w] : 0.0f;
                }
            }
            s += len;
            j += len;
            lane += len;
            if (j == OW) { j = 0; ++i; }
            if (lane == GEMM_NR) { lane = 0; d += kc * GEMM_NR; }
        }
        // The last strip's lanes past N (the micro-kernel reads all NR; none is stored).
        for (; lane > 0 && lane < GEMM_NR; ++lane) d[lane] = 0.0f;
        if (++q == KW) {
            q = 0;
            if (++p == KH) { p = 0; ++c; }
        }
    }
}

// conv_gemm_local: gemm_local (gemm_packed.cl) with B the column matrix of image b of x
// (images xStride apart, geometry as im2col's), so M = O, N = OH·OW, K = C·KH·KW. Same
// packed A, C, blocking, epilogue and launch as gemm_local; no pooled epilogue.
__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void conv_gemm_local(int M, int N, int K, float alpha, float beta,
                     __global const float* restrict Ap, int apStride,
                     __global const float* restrict x, long xOff, int xStride,
                     __global float* restrict y, long yOff, int ldc, int yStride,
                     int kcs, int mcb, int ncb,
                     __global const float* bias, long biasOff, int biasRowStep, int biasColStep, int act, float actAlpha,
                     int C, int H, int W, int KH, int KW, int sH, int sW, int pT, int pL, int OH, int OW) {
    GEMM_LOCAL_BLOCK
    Ap += (size_t)b * apStride;
    __global const float* image = x + xOff + (size_t)b * xStride;
    __global float* yb = y + yOff + (size_t)b * yStride;

    for (int pc = 0; pc < K; pc += kcs) {
        const int kc = min(kcs, K - pc);
        conv_gather_block(Bl, image, pc, kc, s0, s1, N, H, W, KH, KW, sH, sW, pT, pL, OW);
        gemm_block_slice(pc, kc, K, M, N, nTiles, s0, s1, t0, t1, Ap, Bl, yb, ldc, alpha, beta,
                         bias + biasOff, biasRowStep, biasColStep, act, actAlpha, false);
    }
}

#endif  // GEMM_PACKED
