// Strided-batched GEMM (see GemmDescriptor):  C[b] = alpha · op(A[b]) · op(B[b]) + beta · C[b]
//
// Transposes and leading dimensions are folded into (row stride, column stride) pairs:
// element (i, k) of op(A) is A[i·rsA + k·csA], element (k, j) of op(B) is B[k·rsB + j·csB].
// A work-group owns a GEMM_TSM × GEMM_TSN tile of C and walks K in GEMM_TSK-deep slabs that
// it stages in local memory (zero-padded at the edges, so any M, N, K works); each work-item
// accumulates GEMM_WPTM × GEMM_WPTN outputs in registers, strided by the group's extent so
// neighbouring items read neighbouring local words. Batch index = group id 2.
// The local slabs' rows are one word longer than a tile (GEMM_PAD): the staging loops let
// neighbouring items write down a column of a slab when the global operand is contiguous
// along K, and unpadded rows of 32·k words would put all those writes in one bank. The
// register loops are unrolled (`#pragma unroll`): left as loops, a GPU compiler may keep the
// accumulators in memory instead of registers.
// With beta == 0, C is only written (its old contents, even NaN, are never read).
//
// Epilogue (both GEMM kernels): each element is finished as gemm_epilogue says before it is
// stored, so a convolution's bias and activation cost no pass of their own.

// v + bias(i, j), then activation `act` (ACT_* of activation.cl; ACT_LINEAR: none), where
// bias(i, j) = bias[i·rowStep + j·colStep]: rowStep 1 for one value per row of C (a
// convolution's output channel), colStep 1 for one per column; both 0: no bias.
float gemm_epilogue(float v, __global const float* bias, int rowStep, int colStep, int i, int j,
                    int act, float actAlpha) {
    if (rowStep != 0 || colStep != 0) v += bias[i * rowStep + j * colStep];
    return act_forward(act, actAlpha, v);
}

// Split-K epilogue (both GEMM kernels): C = alpha·Σ_p parts[p] + beta·C (beta == 0: C not
// read), the parts summed in order p = 0, 1, ... (deterministic), then gemm_epilogue.
// parts[p] is [M][N] contiguous. One work-item per element, (j, i): neighbouring items read
// neighbouring words. Launch: global = (N, M).
__kernel void gemm_sum_parts(int M, int N, int P, float alpha, float beta,
                             __global const float* restrict parts,
                             __global float* restrict C, long cOff, int ldc,
                             __global const float* bias, long biasOff, int biasRowStep, int biasColStep,
                             int act, float actAlpha) {
    const int j = (int)get_global_id(0), i = (int)get_global_id(1);
    if (i >= M || j >= N) return;
    const long mn = (long)M * N;
    __global const float* part = parts + (long)i * N + j;
    float sum = 0.0f;
    for (int p = 0; p < P; ++p) sum += part[p * mn];
    __global float* c = C + cOff + (long)i * ldc + j;
    const float v = beta != 0.0f ? alpha * sum + beta * *c : alpha * sum;
    *c = gemm_epilogue(v, bias + biasOff, biasRowStep, biasColStep, i, j, act, actAlpha);
}

#define GEMM_PAD 1
#define GEMM_RX (GEMM_TSN / GEMM_WPTN)   // work-items along N
#define GEMM_RY (GEMM_TSM / GEMM_WPTM)   // work-items along M

__kernel __attribute__((reqd_work_group_size(GEMM_RX, GEMM_RY, 1)))
void gemm_tiled(int M, int N, int K, float alpha, float beta,
                __global const float* A, long offA, int rsA, int csA, int strideA,
                __global const float* B, long offB, int rsB, int csB, int strideB,
                __global float* C, long offC, int ldc, int strideC,
                __global const float* bias, long biasOff, int biasRowStep, int biasColStep, int act, float actAlpha) {
    __local float As[GEMM_TSK][GEMM_TSM + GEMM_PAD];
    __local float Bs[GEMM_TSK][GEMM_TSN + GEMM_PAD];
    const int tx = (int)get_local_id(0), ty = (int)get_local_id(1);
    const int tid = ty * GEMM_RX + tx;
    const int threads = GEMM_RX * GEMM_RY;
    const int b = (int)get_group_id(2);
    const int row0 = (int)get_group_id(1) * GEMM_TSM;
    const int col0 = (int)get_group_id(0) * GEMM_TSN;
    A += offA + b * strideA;
    B += offB + b * strideB;
    C += offC + b * strideC;

    float acc[GEMM_WPTM][GEMM_WPTN];
    #pragma unroll
    for (int r = 0; r < GEMM_WPTM; ++r)
        #pragma unroll
        for (int c = 0; c < GEMM_WPTN; ++c) acc[r][c] = 0.0f;

    for (int k0 = 0; k0 < K; k0 += GEMM_TSK) {
        // Stage the slabs. The loop order makes consecutive work-items read consecutive
        // addresses along whichever dimension has unit stride.
        if (csA == 1) {
            for (int e = tid; e < GEMM_TSK * GEMM_TSM; e += threads) {
                int kk = e % GEMM_TSK, ii = e / GEMM_TSK;
                int i = row0 + ii, k = k0 + kk;
                As[kk][ii] = (i < M && k < K) ? A[i * rsA + k] : 0.0f;
            }
        } else {
            for (int e = tid; e < GEMM_TSK * GEMM_TSM; e += threads) {
                int ii = e % GEMM_TSM, kk = e / GEMM_TSM;
                int i = row0 + ii, k = k0 + kk;
                As[kk][ii] = (i < M && k < K) ? A[i * rsA + k * csA] : 0.0f;
            }
        }
        if (csB == 1) {
            for (int e = tid; e < GEMM_TSK * GEMM_TSN; e += threads) {
                int jj = e % GEMM_TSN, kk = e / GEMM_TSN;
                int j = col0 + jj, k = k0 + kk;
                Bs[kk][jj] = (j < N && k < K) ? B[k * rsB + j] : 0.0f;
            }
        } else {
            for (int e = tid; e < GEMM_TSK * GEMM_TSN; e += threads) {
                int kk = e % GEMM_TSK, jj = e / GEMM_TSK;
                int j = col0 + jj, k = k0 + kk;
                Bs[kk][jj] = (j < N && k < K) ? B[k * rsB + j * csB] : 0.0f;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        #pragma unroll
        for (int kk = 0; kk < GEMM_TSK; ++kk) {
            float bv[GEMM_WPTN];
            #pragma unroll
            for (int c = 0; c < GEMM_WPTN; ++c) bv[c] = Bs[kk][tx + c * GEMM_RX];
            #pragma unroll
            for (int r = 0; r < GEMM_WPTM; ++r) {
                float av = As[kk][ty + r * GEMM_RY];
                #pragma unroll
                for (int c = 0; c < GEMM_WPTN; ++c) acc[r][c] += av * bv[c];
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    #pragma unroll
    for (int r = 0; r < GEMM_WPTM; ++r) {
        int i = row0 + ty + r * GEMM_RY;
        if (i >= M) continue;
        #pragma unroll
        for (int c = 0; c < GEMM_WPTN; ++c) {
            int j = col0 + tx + c * GEMM_RX;
            if (j >= N) continue;
            float v = alpha * acc[r][c];
            if (beta != 0.0f) v += beta * C[i * ldc + j];
            C[i * ldc + j] = gemm_epilogue(v, bias + biasOff, biasRowStep, biasColStep, i, j, act, actAlpha);
        }
    }
}
