// Batch normalisation over x viewed as [N, C, S] (see BatchNormLayout), statistics per
// channel over m = N·S values. One work-group of RED_WG items per channel: each item
// Kahan-sums a strided share, then group_sum adds the shares pairwise. In float, the error
// of a statistic is about (2 + log2 RED_WG)·ε relative to Σ|terms| — for m up to millions,
// well under 1e-6 relative, where a naive float loop would be ~m·ε. The variance is the
// two-pass Σ(x − mean)², not E[x²] − mean², so it cannot cancel to a negative.

int bn_index(int e, int c, int C, int S) {
    int n = e / S;
    return (n * C + c) * S + (e - n * S);
}

// Training forward. Writes y, savedMean, savedInvStd; updates runningMean/Var in place:
//     running ← decay·running + (1 − decay)·batch      (batch variance made unbiased: ·m/(m − 1))
__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void batchnorm_forward_training(__global const float* x, int xOff, __global const float* gamma, int gOff,
                                __global const float* beta, int bOff,
                                __global float* runMean, int rmOff, __global float* runVar, int rvOff,
                                __global float* y, int yOff, __global float* savedMean, int smOff,
                                __global float* savedInvStd, int siOff,
                                int N, int C, int S, float decay, float epsilon) {
    __local float scratch[RED_WG];
    const int c = (int)get_group_id(0), l = (int)get_local_id(0);
    const int m = N * S;
    x += xOff;
    y += yOff;
    float sum = 0.0f, comp = 0.0f;
    for (int e = l; e < m; e += RED_WG) kahan_add(&sum, &comp, x[bn_index(e, c, C, S)]);
    const float mean = group_sum(scratch, sum) / (float)m;
    sum = 0.0f; comp = 0.0f;
    for (int e = l; e < m; e += RED_WG) {
        float d = x[bn_index(e, c, C, S)] - mean;
        kahan_add(&sum, &comp, d * d);
    }
    const float var = group_sum(scratch, sum) / (float)m;
    const float invStd = 1.0f / sqrt(var + epsilon);
    if (l == 0) {
        savedMean[smOff + c] = mean;
        savedInvStd[siOff + c] = invStd;
        float unbiased = m > 1 ? var * (float)m / (float)(m - 1) : var;
        runMean[rmOff + c] = decay * runMean[rmOff + c] + (1.0f - decay) * mean;
        runVar[rvOff + c] = decay * runVar[rvOff + c] + (1.0f - decay) * unbiased;
    }
    const float g = gamma[gOff + c], b = beta[bOff + c];
    for (int e = l; e < m; e += RED_WG) {
        int i = bn_index(e, c, C, S);
        y[i] = g * (x[i] - mean) * invStd + b;
    }
}

// Inference forward, one work-item per element: y = gamma·(x − runningMean)/sqrt(runningVar + ε) + beta.
__kernel void batchnorm_forward_inference(__global const float* x, int xOff, __global const float* gamma, int gOff,
                                          __global const float* beta, int bOff,
                                          __global const float* runMean, int rmOff,
                                          __global const float* runVar, int rvOff,
                                          __global float* y, int yOff, int C, int S, float epsilon, int total) {
    int e = (int)get_global_id(0);
    if (e >= total) return;
    int c = (e / S) % C;
    y[yOff + e] = gamma[gOff + c] * (x[xOff + e] - runMean[rmOff + c]) / sqrt(runVar[rvOff + c] + epsilon)
        + beta[bOff + c];
}

// Backward of the training forward, one group per channel. With x̂ = (x − mean)·invStd:
//     dbeta += Σdy,  dgamma += Σdy·x̂,  dx = gamma·invStd/m · (m·dy − Σdy − x̂·Σ(dy·x̂))
__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void batchnorm_backward(__global const float* x, int xOff, __global const float* dy, int dyOff,
                        __global const float* gamma, int gOff,
                        __global const float* savedMean, int smOff, __global const float* savedInvStd, int siOff,
                        __global float* dx, int dxOff, __global float* dgamma, int dgOff,
                        __global float* dbeta, int dbOff, int N, int C, int S) {
    __local float scratch[RED_WG];
    const int c = (int)get_group_id(0), l = (int)get_local_id(0);
    const int m = N * S;
    const float mean = savedMean[smOff + c], invStd = savedInvStd[siOff + c];
    x += xOff;
    dy += dyOff;
    dx += dxOff;
    float s1 = 0.0f, c1 = 0.0f, s2 = 0.0f, c2 = 0.0f;
    for (int e = l; e < m; e += RED_WG) {
        int i = bn_index(e, c, C, S);
        kahan_add(&s1, &c1, dy[i]);
        kahan_add(&s2, &c2, dy[i] * (x[i] - mean) * invStd);
    }
    const float sumDy = group_sum(scratch, s1);
    const float sumDyXhat = group_sum(scratch, s2);
    if (l == 0) {
        dbeta[dbOff + c] += sumDy;
        dgamma[dgOff + c] += sumDyXhat;
    }
    const float k = gamma[gOff + c] * invStd / (float)m;
    for (int e = l; e < m; e += RED_WG) {
        int i = bn_index(e, c, C, S);
        float xhat = (x[i] - mean) * invStd;
        dx[i] = k * ((float)m * dy[i] - sumDy - xhat * sumDyXhat);
    }
}
