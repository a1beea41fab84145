// Convolution by im2col + GEMM (see Conv2DGeometry). For a chunk of `nb` images:
//
//     col[n][(c·KH + p)·KW + q][i·OW + j] = x[n, c, i·sH + p − pT, j·sW + q − pL]   (0 outside)
//
// so y[n] = W[O, C·KH·KW] · col[n] is one strided-batched GEMM. Backward data is the
// transposed product followed by col2im, written as a gather (each input cell sums the
// column entries that read it): no atomics, and the result does not depend on scheduling.

// One work-item per column element of the chunk: total = nb · C·KH·KW · OH·OW. Element
// (n, r, s) goes to col[colOff + r·rowStride + n·imageStride + s]: [n][r][s] for the
// forward pass (rowStride = OH·OW), [r][n][s] for the filter gradient (imageStride = OH·OW).
__kernel void im2col(__global const float* x, int xOff, __global float* col, int colOff,
                     int rowStride, int imageStride,
                     int C, int H, int W, int KH, int KW, int sH, int sW, int pT, int pL,
                     int OH, int OW, int total) {
    int e = (int)get_global_id(0);
    if (e >= total) return;
    int spatial = OH * OW;
    int s = e % spatial;
    int r = (e / spatial) % (C * KH * KW);
    int n = e / (spatial * C * KH * KW);
    int q = r % KW, p = (r / KW) % KH, c = r / (KW * KH);
    int h = (s / OW) * sH + p - pT;
    int w = (s % OW) * sW + q - pL;
    float v = 0.0f;
    if (h >= 0 && h < H && w >= 0 && w < W) v = x[xOff + ((n * C + c) * H + h) * W + w];
    col[colOff + r * rowStride + n * imageStride + s] = v;
}

// dy [nb][O][S] → [O][nb][S], so the filter gradient's sum over images is one GEMM's K.
__kernel void nchw_to_cnhw(__global const float* x, int xOff, __global float* y, int yOff,
                           int nb, int O, int S, int total) {
    int e = (int)get_global_id(0);
    if (e >= total) return;
    int s = e % S, o = (e / S) % O, n = e / (S * O);
    y[yOff + (o * nb + n) * S + s] = x[xOff + e];
}

// One work-item per input cell of the chunk (total = nb·C·H·W); writes dx.
__kernel void col2im(__global const float* col, int colOff, __global float* dx, int dxOff,
                     int C, int H, int W, int KH, int KW, int sH, int sW, int pT, int pL,
                     int OH, int OW, int total) {
    int e = (int)get_global_id(0);
    if (e >= total) return;
    int w = e % W, h = (e / W) % H, c = (e / (W * H)) % C, n = e / (W * H * C);
    int spatial = OH * OW;
    __global const float* base = col + colOff + (n * C + c) * KH * KW * spatial;
    float sum = 0.0f;
    for (int p = 0; p < KH; ++p) {
        int hp = h + pT - p;              // = i·sH for the output row i that reads (h, w) through p
        if (hp < 0) break;
        if (hp % sH != 0) continue;
        int i = hp / sH;
        if (i >= OH) continue;
        for (int q = 0; q < KW; ++q) {
            int wq = w + pL - q;
            if (wq < 0) break;
            if (wq % sW != 0) continue;
            int j = wq / sW;
            if (j >= OW) continue;
            sum += base[(p * KW + q) * spatial + i * OW + j];
        }
    }
    dx[dxOff + e] = sum;
}
