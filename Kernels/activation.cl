// Activations (see ActivationFunction): one forward and one backward kernel per function.
// Backward passes use the forward's output y, so layers keep only y.
// ACT_LINEAR, ACT_RELU, ACT_LEAKY_RELU, ACT_SIGMOID, ACT_TANH come from the build options,
// generated from ActivationFunction (KernelCodes.swift).

// f(v) and dL/dz from the output y and dL/dy g, for a kind known where they are inlined: the
// kernels below are one per kind, because a runtime kind switch keeps PoCL from vectorising
// across work-items (measurements: Benchmarks/NOTES.md, "Tuning history from kernel comments").
// ACT_FORWARD_RETURN is the one definition of f, for float and for vectors (GEMM epilogues
// apply it to float16 rows of C); ZERO is 0 of v's type, so ReLU gives +0 for v ≤ 0.
#define ACT_FORWARD_RETURN(kind, alpha, v, ZERO)                                                    \
    if (kind == ACT_RELU) return v > 0.0f ? v : ZERO;                                                \
    if (kind == ACT_LEAKY_RELU) return v > 0.0f ? v : alpha * v;                                     \
    if (kind == ACT_SIGMOID) return 1.0f / (1.0f + exp(-v));                                         \
    if (kind == ACT_TANH) return tanh(v);                                                            \
    return v;

float act_forward(int kind, float alpha, float v) { ACT_FORWARD_RETURN(kind, alpha, v, 0.0f) }
float8 act_forward8(int kind, float alpha, float8 v) { ACT_FORWARD_RETURN(kind, alpha, v, (float8)(0.0f)) }

// dL/dz from the output y and g = dL/dy, for scalars or vectors (ZERO: 0 of g's type).
#define ACT_BACKWARD_RETURN(kind, alpha, y, g, ZERO)                                                  \
    if (kind == ACT_RELU) return y > 0.0f ? g : ZERO;                                                \
    if (kind == ACT_LEAKY_RELU) return y > 0.0f ? g : alpha * g;                                     \
    if (kind == ACT_SIGMOID) return g * y * (1.0f - y);                                              \
    if (kind == ACT_TANH) return g * (1.0f - y * y);                                                 \
    return g;

float act_backward(int kind, float alpha, float y, float g) { ACT_BACKWARD_RETURN(kind, alpha, y, g, 0.0f) }
float8 act_backward8(int kind, float alpha, float8 y, float8 g) { ACT_BACKWARD_RETURN(kind, alpha, y, g, (float8)(0.0f)) }
float4 act_backward4(int kind, float alpha, float4 y, float4 g) { ACT_BACKWARD_RETURN(kind, alpha, y, g, (float4)(0.0f)) }

// activation_forward_<name>: y = f(x), one work-item per element; y may be x (in place).
// activation_backward_<name>: dx from y and dy; dx may be dy.
#define ACT_KERNELS(NAME, KIND)                                                                      \
__kernel void activation_forward_##NAME(float alpha, __global const float* x, long xOff,             \
                                        __global float* y, long yOff, int count) {                    \
    const int e = (int)get_global_id(0);                                                             \
    if (e < count) y[yOff + e] = act_forward(KIND, alpha, x[xOff + e]);                              \
}                                                                                                    \
__kernel void activation_backward_##NAME(float alpha, __global const float* y, long yOff,            \
                                         __global const float* dy, long dyOff,                        \
                                         __global float* dx, long dxOff, int count) {                 \
    const int e = (int)get_global_id(0);                                                             \
    if (e < count) dx[dxOff + e] = act_backward(KIND, alpha, y[yOff + e], dy[dyOff + e]);            \
}
ACT_KERNELS(relu, ACT_RELU)
ACT_KERNELS(leaky_relu, ACT_LEAKY_RELU)
ACT_KERNELS(sigmoid, ACT_SIGMOID)
ACT_KERNELS(tanh, ACT_TANH)

// Softmax over rows of length K, one work-item per row (K is a class count: small).
// y_i = e^(x_i − max x) / Σ_j e^(x_j − max x); y may be x.
__kernel void softmax_forward(__global const float* x, long xOff, __global float* y, long yOff, int rows, int K) {
    int row = (int)get_global_id(0);
    if (row >= rows) return;
    __global const float* xr = x + xOff + row * K;
    __global float* yr = y + yOff + row * K;
    float m;
    const float sum = softmax_denominator(xr, K, &m);
    for (int k = 0; k < K; ++k) yr[k] = exp(xr[k] - m) / sum;
}

// dx_i = y_i · (dy_i − Σ_j dy_j · y_j); dx may be dy.
__kernel void softmax_backward(__global const float* y, long yOff, __global const float* dy, long dyOff,
                               __global float* dx, long dxOff, int rows, int K) {
    int row = (int)get_global_id(0);
    if (row >= rows) return;
    __global const float* yr = y + yOff + row * K;
    __global const float* dyr = dy + dyOff + row * K;
    float dot = 0.0f;
    for (int k = 0; k < K; ++k) dot += dyr[k] * yr[k];
    for (int k = 0; k < K; ++k) dx[dxOff + row * K + k] = yr[k] * (dyr[k] - dot);
}
