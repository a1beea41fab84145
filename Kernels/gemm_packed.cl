// Packed, cache-blocked GEMM for CPU devices (PoCL), BLIS/GotoBLAS style. Same contract as
// gemm_tiled (gemm.cl): C[b] = alpha · op(A[b]) · op(B[b]) + beta · C[b], row-major, and with
// beta == 0 C is only written. Compiled only when the host defines GEMM_PACKED (KernelConfig
// does for CPU devices): its 655 KB __local block would not build on a GPU, whose local memory
// is a small on-chip scratchpad; on PoCL "local" memory is ordinary cached RAM.
//
// Why this shape (measured on a 2-core AVX-512 Xeon, see Benchmarks/NOTES.md):
//   * Work-groups of ONE work-item. PoCL's pthread device runs a work-group as one call on one
//     worker thread, so a work-item is a sequential CPU task and the explicit vector types below
//     are what gets vectorised (float16 → zmm registers).
//   * A register tile of GEMM_MR × GEMM_NR (8 × 32): 16 float16 accumulators; per k two vector
//     loads of B, 8 broadcasts of A, 16 FMAs, no spills.
//   * op(A) is packed once per call by pack_panels into MR-row micro-panels in K-slice-major
//     order, Ap[slice][tile][kk][MR], so the MC × kc block of A a work-item uses for one slice
//     is contiguous (panel-major order made the tiles alias onto the same cache sets).
//   * op(B) is not packed by a separate pass: each work-item copies its own kc × NC block of
//     op(B) into __local memory in NR-wide micro-panel order. For row-major B the copy reads
//     long contiguous runs (which the hardware prefetcher follows), and B crosses the memory
//     bus once — a separate pack pass would write and re-read all of it.
//   * Zero padding in both packs makes ragged M, N, K free inside the micro-kernel; only the C
//     store of an edge tile takes a guarded scalar path.
// The blocking (slice depth kc, tiles per block mcb, strips per block ncb) is chosen by the host
// per call (PackedGemmBlocking) and passed as arguments, so one build serves every shape.

#ifdef GEMM_PACKED

#ifndef GEMM_MR
#define GEMM_MR 8          // rows of the register tile (A scalars broadcast per k)
#endif
#ifndef GEMM_VW
#define GEMM_VW 16         // vector width in floats
#endif
#ifndef GEMM_NV
#define GEMM_NV 2          // vectors per row of the register tile
#endif
#ifndef GEMM_KC
#define GEMM_KC 320        // capacity: deepest K slice the host may ask for (kc <= GEMM_KC)
#endif
#ifndef GEMM_NCB
#define GEMM_NCB 16        // capacity: most NR-strips per work-item block (ncb <= GEMM_NCB)
#endif

#define GEMM_NR (GEMM_VW * GEMM_NV)
#define GEMM_CAT_(a, b) a##b
#define GEMM_CAT(a, b) GEMM_CAT_(a, b)
#define GEMM_VEC GEMM_CAT(float, GEMM_VW)
#define GEMM_VLOAD GEMM_CAT(vload, GEMM_VW)
#define GEMM_VSTORE GEMM_CAT(vstore, GEMM_VW)

// pack_panels: panel t, depth k, lane r  <-  src[off + b·srcStride + (t·R + r)·sR + k·sK]
// (0 past `rows`), written slice-major: slice base pc·nT·R (pc = k rounded down to kc,
// nT = panels), then t·kcl·R + (k − pc)·R + r, kcl = min(kc, K − pc) that slice's depth;
// batch item b at dst + b·dstStride. R is the panel width (GEMM_MR for A).
//   A  (row-major [M,K], lda): rows = M, sR = lda, sK = 1
//   Aᵀ (stored [K,M], lda):    rows = M, sR = 1,   sK = lda
// Launch: global = (ceil(K / kc), ceil(rows / R), batch), local = (1, 1, 1).
__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void pack_panels(int rows, int K, int kc, int R,
                 __global const float* restrict src, int off, int sR, int sK, int srcStride,
                 __global float* restrict dst, int dstStride) {
    const int pc = (int)get_global_id(0) * kc;
    const int t = (int)get_global_id(1);
    const int b = (int)get_global_id(2);
    const int kcl = min(kc, K - pc);
    const int nT = (rows + R - 1) / R;
    const int r1 = min(R, rows - t * R);          // live rows in this panel
    __global float* d = dst + (size_t)b * dstStride + (size_t)pc * nT * R + (size_t)t * kcl * R;
    __global const float* s = src + off + (size_t)b * srcStride + (size_t)t * R * sR + (size_t)pc * sK;

    if (sR == 1) {
        // The panel dimension is contiguous: copy one k-row of the panel at a time.
        for (int k = 0; k < kcl; ++k) {
            __global const float* sk = s + (size_t)k * sK;
            __global float* dk = d + k * R;
            for (int r = 0; r < r1; ++r) dk[r] = sk[r];
            for (int r = r1; r < R; ++r) dk[r] = 0.0f;
        }
    } else {
        // K is contiguous (or neither is): read along k, write with stride R.
        for (int r = 0; r < r1; ++r) {
            __global const float* sr = s + (size_t)r * sR;
            for (int k = 0; k < kcl; ++k) d[k * R + r] = sr[(size_t)k * sK];
        }
        for (int r = r1; r < R; ++r)
            for (int k = 0; k < kcl; ++k) d[k * R + r] = 0.0f;
    }
}

// C[row0.., col0..] (MR × NR) = alpha · (A micro-panel · B micro-panel) + (first ? beta·C : C).
// ap: kc × MR packed A, bp: kc × NR packed B (row stride NR). `first` is the first K slice,
// where beta applies (beta == 0: C is not read); later slices accumulate into C. A macro so that
// a variant reading an already packed __global B (OpenCL 1.2 has no generic address space) can
// instantiate it too.
#define GEMM_DEFINE_MICRO_TILE(NAME, BSPACE)                                                         \
void NAME(int kc, __global const float* restrict ap, BSPACE const float* restrict bp,                \
          __global float* restrict C, int row0, int col0, int M, int N, int ldc,                     \
          float alpha, float beta, bool first) {                                                     \
    GEMM_VEC acc[GEMM_MR][GEMM_NV];                                                                  \
    _Pragma("unroll") for (int i = 0; i < GEMM_MR; ++i)                                              \
        _Pragma("unroll") for (int v = 0; v < GEMM_NV; ++v) acc[i][v] = (GEMM_VEC)(0.0f);            \
    for (int k = 0; k < kc; ++k) {                                                                   \
        GEMM_VEC bv[GEMM_NV];                                                                        \
        _Pragma("unroll") for (int v = 0; v < GEMM_NV; ++v) bv[v] = GEMM_VLOAD(v, bp);               \
        _Pragma("unroll") for (int i = 0; i < GEMM_MR; ++i) {                                        \
            const GEMM_VEC a = (GEMM_VEC)(ap[i]);                                                    \
            _Pragma("unroll") for (int v = 0; v < GEMM_NV; ++v) acc[i][v] = fma(a, bv[v], acc[i][v]); \
        }                                                                                            \
        ap += GEMM_MR;                                                                               \
        bp += GEMM_NR;                                                                               \
    }                                                                                                \
    __global float* c = C + (size_t)row0 * ldc + col0;                                               \
    if (row0 + GEMM_MR <= M && col0 + GEMM_NR <= N) {                                                \
        _Pragma("unroll") for (int i = 0; i < GEMM_MR; ++i)                                          \
            _Pragma("unroll") for (int v = 0; v < GEMM_NV; ++v) {                                    \
                __global float* ci = c + (size_t)i * ldc;                                            \
                GEMM_VEC r = alpha * acc[i][v];                                                      \
                if (!first) r += GEMM_VLOAD(v, ci);                                                  \
                else if (beta != 0.0f) r += beta * GEMM_VLOAD(v, ci);                                \
                GEMM_VSTORE(r, v, ci);                                                               \
            }                                                                                        \
    } else { /* edge tile: through private memory, element by element */                            \
        float tile[GEMM_MR][GEMM_NR];                                                                \
        _Pragma("unroll") for (int i = 0; i < GEMM_MR; ++i)                                          \
            _Pragma("unroll") for (int v = 0; v < GEMM_NV; ++v) GEMM_VSTORE(acc[i][v], v, &tile[i][0]); \
        const int mi = min(GEMM_MR, M - row0), nj = min(GEMM_NR, N - col0);                          \
        for (int i = 0; i < mi; ++i)                                                                 \
            for (int j = 0; j < nj; ++j) {                                                           \
                __global float* cij = c + (size_t)i * ldc + j;                                       \
                float r = alpha * tile[i][j];                                                        \
                if (!first) r += *cij;                                                               \
                else if (beta != 0.0f) r += beta * *cij;                                             \
                *cij = r;                                                                            \
            }                                                                                        \
    }                                                                                                \
}
GEMM_DEFINE_MICRO_TILE(gemm_micro_tile_local, __local)

// gemm_local: one work-item owns a C block of mcb·MR rows × ncb·NR columns of batch item
// get_global_id(2). For each K slice it copies its kc × NC block of op(B) into __local memory
// (zero-padded micro-panels), then for each NR strip (that kc × NR micro-panel stays in L1)
// and each MR tile (the MC × kc A block stays in L2) runs the register micro-kernel.
//   Ap   packed A (pack_panels, R = MR, same kc), batch item b at Ap + b·apStride (0: shared)
//   B    op(B)(k, n) = B[bOff + b·bStride + k·bsK + n·bsN]  (B: bsK = ldb, bsN = 1; Bᵀ: 1, ldb)
//   C    row-major at cOff + b·cStride, row stride ldc
// Launch: global = (ceil(ceil(N/NR) / ncb), ceil(ceil(M/MR) / mcb), batch), local = (1, 1, 1);
// dimension 0 runs over column blocks so consecutive work-groups share one A block.
__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void gemm_local(int M, int N, int K, float alpha, float beta,
                __global const float* restrict Ap, int apStride,
                __global const float* restrict B, int bOff, int bsK, int bsN, int bStride,
                __global float* restrict C, int cOff, int ldc, int cStride,
                int kcs, int mcb, int ncb) {
    __local float Bl[GEMM_NCB * GEMM_KC * GEMM_NR];      // [strip − s0][kk][NR]
    const int nStrips = (N + GEMM_NR - 1) / GEMM_NR;
    const int nTiles = (M + GEMM_MR - 1) / GEMM_MR;
    const int s0 = (int)get_global_id(0) * ncb, s1 = min(nStrips, s0 + ncb);
    const int t0 = (int)get_global_id(1) * mcb, t1 = min(nTiles, t0 + mcb);
    const int b = (int)get_global_id(2);
    Ap += (size_t)b * apStride;
    B += bOff + (size_t)b * bStride;
    __global float* Cb = C + cOff + (size_t)b * cStride;

    for (int pc = 0; pc < K; pc += kcs) {
        const int kc = min(kcs, K - pc);
        __global const float* Bs = B + (size_t)pc * bsK;
        if (bsN == 1) {
            // Rows of B are contiguous: vector copies along each row of the block.
            for (int kk = 0; kk < kc; ++kk) {
                __global const float* row = Bs + (size_t)kk * bsK;
                for (int s = s0; s < s1; ++s) {
                    __local float* d = Bl + ((s - s0) * kc + kk) * GEMM_NR;
                    const int col0 = s * GEMM_NR;
                    if (col0 + GEMM_NR <= N) {
                        #pragma unroll
                        for (int v = 0; v < GEMM_NV; ++v) GEMM_VSTORE(GEMM_VLOAD(v, row + col0), v, d);
                    } else {
                        for (int j = 0; j < GEMM_NR; ++j) d[j] = (col0 + j < N) ? row[col0 + j] : 0.0f;
                    }
                }
            }
        } else {
            // Columns of B are contiguous (Bᵀ): read each column along k, write with stride NR.
            for (int s = s0; s < s1; ++s)
                for (int j = 0; j < GEMM_NR; ++j) {
                    __local float* d = Bl + (s - s0) * kc * GEMM_NR + j;
                    const int n = s * GEMM_NR + j;
                    if (n < N) {
                        __global const float* col = Bs + (size_t)n * bsN;
                        for (int kk = 0; kk < kc; ++kk) d[kk * GEMM_NR] = col[(size_t)kk * bsK];
                    } else {
                        for (int kk = 0; kk < kc; ++kk) d[kk * GEMM_NR] = 0.0f;
                    }
                }
        }
        for (int s = s0; s < s1; ++s)
            for (int t = t0; t < t1; ++t)
                gemm_micro_tile_local(kc, Ap + (size_t)pc * nTiles * GEMM_MR + (size_t)t * kc * GEMM_MR,
                                      Bl + (s - s0) * kc * GEMM_NR, Cb, t * GEMM_MR, s * GEMM_NR, M, N, ldc,
                                      alpha, beta, pc == 0);
    }
}

// Split-K epilogue: C = alpha·Σ_p parts[p] + beta·C (beta == 0: C not read), parts summed in
// order p = 0, 1, ... (deterministic). parts[p] is [M][N] contiguous. One work-item per row of C.
// Launch: global = (M), any local size.
__kernel void gemm_sum_parts(int M, int N, int P, float alpha, float beta,
                             __global const float* restrict parts,
                             __global float* restrict C, int cOff, int ldc) {
    const int i = (int)get_global_id(0);
    if (i >= M) return;
    __global float* c = C + cOff + (size_t)i * ldc;
    for (int j = 0; j < N; ++j) {
        float sum = 0.0f;
        for (int p = 0; p < P; ++p) sum += parts[((size_t)p * M + i) * N + j];
        c[j] = beta != 0.0f ? alpha * sum + beta * c[j] : alpha * sum;
    }
}

#endif  // GEMM_PACKED
