// Local response normalisation across channels, NCHW (see LocalResponseNormGeometry for the
// formulas; PyTorch's nn.LocalResponseNorm). One work-item per element e = (n·C + c)·S + s:
// consecutive items touch consecutive addresses (the spatial positions of one channel plane),
// so the same kernel suits CPUs (PoCL vectorises along dimension 0) and GPUs (coalesced); the
// channel window is read with stride S. Offsets are long: N·C·S may pass 2^31 on big batches
// once the element offset is added.

// d = k + (alpha/size)·Σ x² over channels lo..hi of the column that starts at `column`.
float lrn_denominator(__global const float* column, long S, int lo, int hi, float alphaOverSize, float k) {
    float sum = 0.0f;
    for (int c = lo; c <= hi; ++c) {
        const float v = column[c * S];
        sum += v * v;
    }
    return k + alphaOverSize * sum;
}

// global = (N·C·S); y = x·d^(−beta).
__kernel void lrn_forward(__global const float* x, long xOff, __global float* y, long yOff,
                          int C, int S, int size, float alphaOverSize, float beta, float k, int total) {
    const long e = (long)get_global_id(0);
    if (e >= total) return;
    const int s = (int)(e % S), c = (int)((e / S) % C);
    __global const float* column = x + xOff + (e - (long)c * S);   // channel 0 of this (n, s)
    const float d = lrn_denominator(column, S, max(c - size / 2, 0), min(c + (size - 1) / 2, C - 1),
                                    alphaOverSize, k);
    y[yOff + e] = x[xOff + e] * pow(d, -beta);
}

// global = (N·C·S); dx_j = dy_j·d_j^(−beta) − 2·(alpha/size)·beta·x_j·Σ_{c: j ∈ W(c)} dy_c·x_c·d_c^(−beta−1).
// Each d_c is recomputed (size² reads per element; nothing is stored by the forward pass).
__kernel void lrn_backward(__global const float* x, long xOff, __global const float* dy, long dyOff,
                           __global float* dx, long dxOff,
                           int C, int S, int size, float alphaOverSize, float beta, float k, int total) {
    const long e = (long)get_global_id(0);
    if (e >= total) return;
    const int s = (int)(e % S), j = (int)((e / S) % C);
    const long column = e - (long)j * S;   // element index of channel 0 of this (n, s)
    __global const float* xc = x + xOff + column;
    __global const float* dyc = dy + dyOff + column;
    float sum = 0.0f, own = 0.0f;
    for (int c = max(j - (size - 1) / 2, 0); c <= min(j + size / 2, C - 1); ++c) {
        const float d = lrn_denominator(xc, S, max(c - size / 2, 0), min(c + (size - 1) / 2, C - 1),
                                        alphaOverSize, k);
        const float scale = pow(d, -beta);
        sum += dyc[c * (long)S] * xc[c * (long)S] * scale / d;
        if (c == j) own = scale;
    }
    dx[dxOff + e] = dyc[j * (long)S] * own - 2.0f * alphaOverSize * beta * xc[j * (long)S] * sum;
}
