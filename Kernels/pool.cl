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
// division) does not vectorise on CPU devices (measurements: Benchmarks/NOTES.md).

// One work-item per output row i of one plane: global = (OH, N·C).
__kernel void maxpool_forward(__global const float* x, long xOff, __global float* y, long yOff,
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
// With act (not ACT_LINEAR), each cell's sum then goes through the backward of the activation
// whose output x is (ActivationHandOff): all three max-pool backward kernels take it.
__kernel void maxpool_backward(__global const float* x, long xOff, __global const float* dy, long dyOff,
                               __global float* dx, long dxOff,
                               int H, int W, int WH, int WW, int sH, int sW, int pT, int pL,
                               int OH, int OW, int planes, int act, float actAlpha) {
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
    if (act != ACT_LINEAR)
        for (int w = 0; w < W; ++w) row[w] = act_backward(act, actAlpha, xp[rowStart + w], row[w]);
}

// 2×2 windows with stride 2 and no top/left padding, every window inside the image (the common
// case): one work-item per output row (plane, i), in the vector groups of pool2x2_row
// (common.cl). PoCL vectorises across work-items only along dimension 0, and a plane's 13 or 5
// cells were too short for that (and the per-cell kernels read the input with gathers).
// global = (OH, planes = N·C)
__kernel void maxpool2x2_forward(__global const float* x, long xOff, __global float* y, long yOff,
                                 int H, int W, int OH, int OW, int planes) {
    const int i = (int)get_global_id(0), plane = (int)get_global_id(1);
    if (i >= OH || plane >= planes) return;
    pool2x2_row(x + xOff + (plane * H + 2 * i) * W, W, y + yOff + (plane * OH + i) * OW, 0, OW);
}

// The work-item of output row i of plane `plane` in the two backward kernels below: input rows
// 2i and 2i + 1 get each window's gradient g (times f' of its maximum) at its winner and 0
// elsewhere, then 0 in the columns no window covers, and the last row's item also zeroes the
// rows below every window. Windows do not overlap, so each cell gets at most one gradient. The
// winners are found in the unpooled input x, or, where x is 0, read from the maxima y and
// positions `win` a pooled forward recorded. Vector groups as in pool2x2_row; the four
// positions' gradients are interleaved back into the two rows. global = (OH, planes = N·C).
#define POOL_BACKWARD_GROUPS(N, INTERLEAVE)                                                           \
    for (int v = 0; v < OW; v += N) {                                                                \
        const int jn = min(v, OW - N);                                                               \
        float##N mx; int##N a;                                                                       \
        if (r0) argmax2x2_##N(r0 + 2 * jn, r0 + W + 2 * jn, &mx, &a);                                \
        else { mx = vload##N(0, m + jn); a = convert_int##N(vload##N(0, w + jn)); }                  \
        const float##N gv = act_backward##N(act, actAlpha, mx, vload##N(0, g + jn)), zero = (float##N)(0.0f); \
        const float##N g0 = select(zero, gv, a == 0), g1 = select(zero, gv, a == 1);                 \
        const float##N g2 = select(zero, gv, a == 2), g3 = select(zero, gv, a == 3);                 \
        vstore2x##N(shuffle2(g0, g1, INTERLEAVE), 0, d0 + 2 * jn);                                   \
        vstore2x##N(shuffle2(g2, g3, INTERLEAVE), 0, d0 + W + 2 * jn);                               \
    }
#define vstore2x8 vstore16
#define vstore2x4 vstore8
void pool2x2_backward_item(__global const float* x, __global const float* y, __global const float* win,
                           __global const float* dy, __global float* dx, int H, int W, int OH, int OW, int planes,
                           int act, float actAlpha) {
    const int i = (int)get_global_id(0), plane = (int)get_global_id(1);
    if (i >= OH || plane >= planes) return;
    const int row = (plane * OH + i) * OW;
    __global const float* r0 = x ? x + (plane * H + 2 * i) * W : 0;
    __global const float* m = x ? 0 : y + row;
    __global const float* w = x ? 0 : win + row;
    __global const float* g = dy + row;
    __global float* d0 = dx + (plane * H + 2 * i) * W;
    int j = OW >= 4 ? OW : 0;
    if (OW >= 8) POOL_BACKWARD_GROUPS(8, ((uint16)(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15)))
    else if (OW >= 4) POOL_BACKWARD_GROUPS(4, ((uint8)(0, 4, 1, 5, 2, 6, 3, 7)))
    for (; j < OW; ++j) {
        float mx;
        const int a = r0 ? argmax2x2(r0 + 2 * j, W, &mx) : (int)w[j];
        if (!r0) mx = m[j];
        const float gj = act_backward(act, actAlpha, mx, g[j]);
        d0[2 * j] = a == 0 ? gj : 0.0f;
        d0[2 * j + 1] = a == 1 ? gj : 0.0f;
        d0[W + 2 * j] = a == 2 ? gj : 0.0f;
        d0[W + 2 * j + 1] = a == 3 ? gj : 0.0f;
    }
    for (int c = 2 * OW; c < W; ++c) d0[c] = d0[W + c] = 0.0f;
    if (i == OH - 1)
        for (__global float* d = d0 + 2 * W; d < dx + (plane + 1) * H * W; ++d) *d = 0.0f;
}

__kernel void maxpool2x2_backward(__global const float* x, long xOff, __global const float* dy, long dyOff,
                                  __global float* dx, long dxOff, int H, int W, int OH, int OW, int planes,
                                  int act, float actAlpha) {
    pool2x2_backward_item(x + xOff, 0, 0, dy + dyOff, dx + dxOff, H, W, OH, OW, planes, act, actAlpha);
}

// The same backward from what a pooled forward recorded (conv_direct with pooling, in
// training): the maxima y and the winners' positions (0 to 3, as floats), [planes][OH][OW]
// each, instead of the unpooled input, which was never stored.
__kernel void maxpool2x2_backward_winners(__global const float* y, long yOff, __global const float* winners, long winnersOff,
                                          __global const float* dy, long dyOff, __global float* dx, long dxOff,
                                          int H, int W, int OH, int OW, int planes, int act, float actAlpha) {
    pool2x2_backward_item(0, y + yOff, winners + winnersOff, dy + dyOff, dx + dxOff, H, W, OH, OW, planes, act, actAlpha);
}

// Cells of window (i, j) inside the image.
int window_cells(int H, int W, int WH, int WW, int sH, int sW, int pT, int pL, int i, int j) {
    int h0 = i * sH - pT, w0 = j * sW - pL;
    return (min(h0 + WH, H) - max(h0, 0)) * (min(w0 + WW, W) - max(w0, 0));
}

__kernel void avgpool_forward(__global const float* x, long xOff, __global float* y, long yOff,
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

// dL/dx at input cell (h, w) of the plane whose gradient dyp points at: every window that
// covers the cell adds its gradient over its cell count, in (i, j) order.
float avgpool_cell_gradient(__global const float* dyp, int h, int w, int H, int W, int WH, int WW,
                            int sH, int sW, int pT, int pL, int OH, int OW) {
    const int2 ri = covering(h, WH, sH, pT, OH), rj = covering(w, WW, sW, pL, OW);
    float sum = 0.0f;
    for (int i = ri.x; i <= ri.y; ++i)
        for (int j = rj.x; j <= rj.y; ++j)
            sum += dyp[i * OW + j] / (float)window_cells(H, W, WH, WW, sH, sW, pT, pL, i, j);
    return sum;
}

// GPU family: one work-item per input cell (global = planes·H·W).
__kernel void avgpool_backward(__global const float* dy, long dyOff, __global float* dx, long dxOff,
                               int H, int W, int WH, int WW, int sH, int sW, int pT, int pL,
                               int OH, int OW, int total) {
    int e = (int)get_global_id(0);
    if (e >= total) return;
    int w = e % W, h = (e / W) % H, plane = e / (W * H);
    dx[dxOff + e] = avgpool_cell_gradient(dy + dyOff + plane * OH * OW, h, w, H, W, WH, WW, sH, sW, pT, pL, OH, OW);
}

// CPU family: one work-item per input row h of one plane (global = (H, planes)), writing its W
// cells, as maxpool_backward: a CPU driver runs a group's items one after another, and a row
// per item spares each cell the divisions that find its plane and row.
__kernel void avgpool_backward_rows(__global const float* dy, long dyOff, __global float* dx, long dxOff,
                                    int H, int W, int WH, int WW, int sH, int sW, int pT, int pL,
                                    int OH, int OW, int planes) {
    const int h = (int)get_global_id(0), plane = (int)get_global_id(1);
    if (h >= H || plane >= planes) return;
    __global const float* dyp = dy + dyOff + plane * OH * OW;
    __global float* dxr = dx + dxOff + (plane * H + h) * W;
    for (int w = 0; w < W; ++w)
        dxr[w] = avgpool_cell_gradient(dyp, h, w, H, W, WH, WW, sH, sW, pT, pL, OH, OW);
}

// ---- GPU family (see conv.cl): one work-item per element written, consecutive items on
// consecutive addresses. Both cover the 2×2 case too.

// maxpool_forward_gpu: output cell e = (plane·OH + i)·OW + j: global = planes·OH·OW.
__kernel void maxpool_forward_gpu(__global const float* x, long xOff, __global float* y, long yOff,
                                  int H, int W, int WH, int WW, int sH, int sW, int pT, int pL,
                                  int OH, int OW, int planes) {
    const int e = (int)get_global_id(0);
    if (e >= planes * OH * OW) return;
    const int j = e % OW, t = e / OW, i = t % OH, plane = t / OH;
    __global const float* xp = x + xOff + plane * H * W;
    y[yOff + e] = xp[window_argmax(xp, H, W, WH, WW, sH, sW, pT, pL, i, j)];
}

// maxpool_backward_gpu: input cell e = (plane·H + h)·W + w: global = planes·H·W. Sums the
// gradients of the windows whose argmax it is, in (i, j) order from 0, then act's backward
// (as maxpool_backward).
__kernel void maxpool_backward_gpu(__global const float* x, long xOff, __global const float* dy, long dyOff,
                                   __global float* dx, long dxOff,
                                   int H, int W, int WH, int WW, int sH, int sW, int pT, int pL,
                                   int OH, int OW, int planes, int act, float actAlpha) {
    const int e = (int)get_global_id(0);
    if (e >= planes * H * W) return;
    const int w = e % W, t = e / W, h = t % H, plane = t / H;
    __global const float* xp = x + xOff + plane * H * W;
    __global const float* dyp = dy + dyOff + plane * OH * OW;
    const int2 ri = covering(h, WH, sH, pT, OH), rj = covering(w, WW, sW, pL, OW);
    const int cell = h * W + w;
    float sum = 0.0f;
    for (int i = ri.x; i <= ri.y; ++i)
        for (int j = rj.x; j <= rj.y; ++j)
            if (window_argmax(xp, H, W, WH, WW, sH, sW, pT, pL, i, j) == cell) sum += dyp[i * OW + j];
    dx[dxOff + e] = act_backward(act, actAlpha, xp[cell], sum);
}
