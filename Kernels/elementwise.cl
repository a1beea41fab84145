// Element-wise arithmetic on whole tensors (residual connections).

// out = f(a + b), one work-item per element; out may be a or b. A kernel per function f, as
// for the activations (ACT_KERNELS): with f's kind an argument, PoCL kept a jump through the
// kind's cases per element and did not vectorise across work-items. add_tensors is the plain
// sum, add_tensors_<name> applies the activation of that name.
#define ADD_TENSORS_KERNEL(NAME, KIND)                                                              \
__kernel void NAME(__global const float* a, long aOff, __global const float* b, long bOff,          \
                   __global float* out, long outOff, int count, float actAlpha) {                   \
    const int e = (int)get_global_id(0);                                                            \
    if (e < count) out[outOff + e] = act_forward(KIND, actAlpha, a[aOff + e] + b[bOff + e]);        \
}
ADD_TENSORS_KERNEL(add_tensors, ACT_LINEAR)
ADD_TENSORS_KERNEL(add_tensors_relu, ACT_RELU)
ADD_TENSORS_KERNEL(add_tensors_leaky_relu, ACT_LEAKY_RELU)
ADD_TENSORS_KERNEL(add_tensors_sigmoid, ACT_SIGMOID)
ADD_TENSORS_KERNEL(add_tensors_tanh, ACT_TANH)
