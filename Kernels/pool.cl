// 2-D pooling, NCHW (see Pool2DGeometry). Window of output (i, j): rows i·sH − pT ..< +WH,
// columns j·sW − pL ..< +WW, clipped to the image. Backward passes are gathers over the
// windows that contain an input cell (no atomics, deterministic).

// Row-major position (h·W + w) of the first maximal in-image cell of window (i, j).
int window_argmax(__global const float* plane, int H, int W, int WH, int WW,
                         int sH, int sW, int pT, int pL, int i, int j) {
    int h0 = i * sH - pT, w0 = j * sW - pL;
    int best = -1;
    float m = 0.0f;
    for (int h = max(h0, 0); h < min(h0 + WH, H); ++h)
        for (int w = max(w0, 0); w < min(w0 + WW, W); ++w) {
            float v = plane[h * W + w];
            if (best < 0 || v > m) { m = v; best = h * W + w; }
        }
    return best;
}

// Max pooling works a row per work-item, not a cell: per-cell index arithmetic (integer
// division does not vectorise) made these kernels ~0.25 GB/s on PoCL.

// One work-item per output row i of one plane: global = (OH, N·C).
__kernel void maxpool_forward(__global const float* x, int xOff, __global float* y, int yOff,
                              int H, int W, int WH, int WW, int sH, int sW, int pT, int pL,
                              int OH, int OW, int planes) {
    const int i = (int)get_global_id(0), plane = (int)get_global_id(1);
    if (i >= OH || plane >= planes) return;
    __global const float* xp = x + xOff + plane * H * W;
    __global float* yr = y + yOff + (plane * OH + i) * OW;
    for (int j = 0; j < OW; ++j) yr[j] = xp[window_argmax(xp, H, W, WH, WW, sH, sW, pT, pL, i, j)];
}

// First and last output index whose window (start o·s − pad, length win) covers cell h.
int2 covering(int h, int win, int s, int pad, int outSize) {
    int hi = (h + pad) / s;                   // largest o with o·s − pad ≤ h
    int t = h + pad - win + 1;                // smallest o has o·s ≥ t
    int lo = t <= 0 ? 0 : (t + s - 1) / s;
    return (int2)(lo, min(hi, outSize - 1));
}

// One work-item per input row h of one plane: global = (H, N·C); writes W cells of dx. The row
// is zeroed, then every window that covers row h adds its gradient to its argmax cell if that
// cell lies in the row. A cell's terms arrive in (i, j) order, as a per-cell gather would add them.
__kernel void maxpool_backward(__global const float* x, int xOff, __global const float* dy, int dyOff,
                               __global float* dx, int dxOff,
                               int H, int W, int WH, int WW, int sH, int sW, int pT, int pL,
                               int OH, int OW, int planes) {
    const int h = (int)get_global_id(0), plane = (int)get_global_id(1);
    if (h >= H || plane >= planes) return;
    __global const float* xp = x + xOff + plane * H * W;
    __global const float* dyp = dy + dyOff + plane * OH * OW;
    __global float* row = dx + dxOff + (plane * H + h) * W;
    for (int w = 0; w < W; ++w) row[w] = 0.0f;
    const int2 ri = covering(h, WH, sH, pT, OH);
    const int rowStart = h * W;
    for (int i = ri.x; i <= ri.y; ++i)
        for (int j = 0; j < OW; ++j) {
            const int a = window_argmax(xp, H, W, WH, WW, sH, sW, pT, pL, i, j) - rowStart;
            if (a >= 0 && a < W) row[a] += dyp[i * OW + j];
        }
}

// 2×2 windows with stride 2 and no top/left padding, every window inside the image (the common
// case): one work-item per cell and straight-line code, so PoCL vectorises across work-items
// (the generic kernels' window loops and branches run scalar). Same choice of cell as
// window_argmax: the first maximal in row-major order, later cells only when strictly greater.
int argmax2x2(__global const float* p, int W) {
    float m = p[0];
    int best = 0;
    if (p[1] > m) { m = p[1]; best = 1; }
    if (p[W] > m) { m = p[W]; best = 2; }
    if (p[W + 1] > m) best = 3;
    return best;
}

// global = (OW, OH, N·C)
__kernel void maxpool2x2_forward(__global const float* x, int xOff, __global float* y, int yOff,
                                 int H, int W, int OH, int OW) {
    const int j = (int)get_global_id(0), i = (int)get_global_id(1), plane = (int)get_global_id(2);
    if (j >= OW || i >= OH) return;
    __global const float* p = x + xOff + (plane * H + 2 * i) * W + 2 * j;
    const int a = argmax2x2(p, W);
    y[yOff + (plane * OH + i) * OW + j] = p[(a >> 1) * W + (a & 1)];
}

// global = (W, H, N·C); cells outside every window (an odd last row or column) get 0.
__kernel void maxpool2x2_backward(__global const float* x, int xOff, __global const float* dy, int dyOff,
                                  __global float* dx, int dxOff, int H, int W, int OH, int OW) {
    const int w = (int)get_global_id(0), h = (int)get_global_id(1), plane = (int)get_global_id(2);
    if (w >= W || h >= H) return;
    const int i = h >> 1, j = w >> 1;
    float g = 0.0f;
    if (i < OH && j < OW) {
        const int a = argmax2x2(x + xOff + (plane * H + 2 * i) * W + 2 * j, W);
        if (a == (((h & 1) << 1) | (w & 1))) g = dy[dyOff + (plane * OH + i) * OW + j];
    }
    dx[dxOff + (plane * H + h) * W + w] = g;
}

// Cells of window (i, j) inside the image.
int window_cells(int H, int W, int WH, int WW, int sH, int sW, int pT, int pL, int i, int j) {
    int h0 = i * sH - pT, w0 = j * sW - pL;
    return (min(h0 + WH, H) - max(h0, 0)) * (min(w0 + WW, W) - max(w0, 0));
}

__kernel void avgpool_forward(__global const float* x, int xOff, __global float* y, int yOff,
                              int H, int W, int WH, int WW, int sH, int sW, int pT, int pL,
                              int OH, int OW, int total) {
    int e = (int)get_global_id(0);
    if (e >= total) return;
    int j = e % OW, i = (e / OW) % OH, plane = e / (OW * OH);
    __global const float* xp = x + xOff + plane * H * W;
    int h0 = i * sH - pT, w0 = j * sW - pL;
    float sum = 0.0f;
    for (int h = max(h0, 0); h < min(h0 + WH, H); ++h)
        for (int w = max(w0, 0); w < min(w0 + WW, W); ++w) sum += xp[h * W + w];
    y[yOff + e] = sum / (float)window_cells(H, W, WH, WW, sH, sW, pT, pL, i, j);
}

__kernel void avgpool_backward(__global const float* dy, int dyOff, __global float* dx, int dxOff,
                               int H, int W, int WH, int WW, int sH, int sW, int pT, int pL,
                               int OH, int OW, int total) {
    int e = (int)get_global_id(0);
    if (e >= total) return;
    int w = e % W, h = (e / W) % H, plane = e / (W * H);
    __global const float* dyp = dy + dyOff + plane * OH * OW;
    int2 ri = covering(h, WH, sH, pT, OH), rj = covering(w, WW, sW, pL, OW);
    float sum = 0.0f;
    for (int i = ri.x; i <= ri.y; ++i)
        for (int j = rj.x; j <= rj.y; ++j)
            sum += dyp[i * OW + j] / (float)window_cells(H, W, WH, WW, sH, sW, pT, pL, i, j);
    dx[dxOff + e] = sum;
}
