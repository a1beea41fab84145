// Element-wise arithmetic on whole tensors (residual connections).

// out = act(a + b) (ACT_* code; ACT_LINEAR: the plain sum); out may be a or b.
__kernel void add_tensors(__global const float* a, long aOff, __global const float* b, long bOff,
                          __global float* out, long outOff, int count, int act, float actAlpha) {
    int e = (int)get_global_id(0);
    if (e >= count) return;
    out[outOff + e] = act_forward(act, actAlpha, a[aOff + e] + b[bOff + e]);
}
