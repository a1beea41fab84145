// Packed, cache-blocked GEMM for CPU devices (PoCL), BLIS/GotoBLAS style. Same contract as
// gemm_tiled (gemm.cl): C[b] = alpha · op(A[b]) · op(B[b]) + beta · C[b], row-major, and with
// beta == 0 C is only written. Compiled only when the host defines GEMM_PACKED (KernelConfig
// does for CPU devices): its __local B block (GEMM_KC x GEMM_NCB x GEMM_NR floats, sized by the
// host from the device's reported local memory, PackedGemmCapacity: 480 KiB of PoCL's 512)
// would not fit a GPU's small on-chip scratchpad; on a CPU driver "local" memory is ordinary
// cached RAM.
//
// Why this shape (measured on a 2-core AVX-512 Xeon, see Benchmarks/NOTES.md):
//   * Work-groups of ONE work-item. PoCL's pthread device runs a work-group as one call on one
//     worker thread, so a work-item is a sequential CPU task and the explicit vector types below
//     are what gets vectorised (GEMM_VEC → the vector registers).
//   * A register tile of GEMM_MR × GEMM_NR, GEMM_NV vectors of GEMM_VW floats per row, chosen by
//     the host for the device's vector registers (PackedGemmTile): 8 × 32 in float16 on
//     AVX-512 (16 of its 32 zmm registers), 6 × 16 in float8 on AVX2 (12 of 16 ymm). Per k:
//     GEMM_NV vector loads of B, GEMM_MR broadcasts of A, GEMM_MR·GEMM_NV FMAs, no spills.
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

// The register tile; the host always defines all three (PackedGemmTile.buildOptions).
#ifndef GEMM_MR
#define GEMM_MR 8          // rows of the register tile (A scalars broadcast per k)
#endif
#ifndef GEMM_VW
#define GEMM_VW 16         // vector width in floats: 4, 8 or 16
#endif
#ifndef GEMM_NV
#define GEMM_NV 2          // vectors per row of the register tile
#endif
// The __local block's capacity; the host always defines both (KernelConfig.buildOptions).
#ifndef GEMM_KC
#define GEMM_KC 320        // deepest K slice the host may ask for (kc <= GEMM_KC)
#endif
#ifndef GEMM_NCB
#define GEMM_NCB 16        // most NR-strips per work-item block (ncb <= GEMM_NCB)
#endif

#define GEMM_NR (GEMM_VW * GEMM_NV)
#define GEMM_CAT_(a, b) a##b
#define GEMM_CAT(a, b) GEMM_CAT_(a, b)
#define GEMM_VEC GEMM_CAT(float, GEMM_VW)
#define GEMM_VLOAD GEMM_CAT(vload, GEMM_VW)
#define GEMM_VSTORE GEMM_CAT(vstore, GEMM_VW)
// An int vector as wide as GEMM_VEC, and its lane numbers.
#define GEMM_IVEC GEMM_CAT(int, GEMM_VW)
#if GEMM_VW == 16
#define GEMM_IOTA ((int16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
#elif GEMM_VW == 8
#define GEMM_IOTA ((int8)(0, 1, 2, 3, 4, 5, 6, 7))
#else
#define GEMM_IOTA ((int4)(0, 1, 2, 3))
#endif

// Stores lanes 0 ..< GEMM_MR of a float16 (one k of a packed A micro-panel), for the tile
// heights with a vector store; pack_panels' transposing path exists only for those.
#if GEMM_MR == 8
#define GEMM_STORE_PANEL_K(v, d) vstore8((v).lo, 0, (d))
#elif GEMM_MR == 6
#define GEMM_STORE_PANEL_K(v, d) { vstore4((v).s0123, 0, (d)); vstore2((v).s45, 0, (d) + 4); }
#endif

// r[t][c] <- r[c][t]: four rounds, each swapping the off-diagonal d × d sub-blocks of every
// 2d × 2d block (d = 8, 4, 2, 1) with two shuffles per pair of rows (r, r + d). Element c of
// the new row r is row r's c where bit d of c is clear, else row r + d's c − d; the new row
// r + d takes row r's c + d where the bit is clear, else its own c.
#define GEMM_T_ROUND(D, MA, MB)                                                                      \
    _Pragma("unroll") for (int i = 0; i < 16; ++i)                                                   \
        if ((i & D) == 0) {                                                                          \
            const float16 a = r[i], b = r[i + D];                                                    \
            r[i] = shuffle2(a, b, MA);                                                               \
            r[i + D] = shuffle2(a, b, MB);                                                           \
        }
void transpose16x16(float16* r) {
    GEMM_T_ROUND(8, ((uint16)(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)),
                    ((uint16)(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31)))
    GEMM_T_ROUND(4, ((uint16)(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27)),
                    ((uint16)(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31)))
    GEMM_T_ROUND(2, ((uint16)(0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29)),
                    ((uint16)(2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31)))
    GEMM_T_ROUND(1, ((uint16)(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30)),
                    ((uint16)(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31)))
}

// pack_panels: panel t, depth k, lane r  <-  src[off + b·srcStride + (t·R + r)·sR + k·sK]
// (0 past `rows`), written slice-major: slice base pc·nT·R (pc = k rounded down to kc,
// nT = panels), then t·kcl·R + (k − pc)·R + r, kcl = min(kc, K − pc) that slice's depth;
// batch item b at dst + b·dstStride. R is the panel width (GEMM_MR for A).
//   A  (row-major [M,K], lda): rows = M, sR = lda, sK = 1
//   Aᵀ (stored [K,M], lda):    rows = M, sR = 1,   sK = lda
// Launch: global = (ceil(K / kc), ceil(rows / R), batch), local = (1, 1, 1).
__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void pack_panels(int rows, int K, int kc, int R,
                 __global const float* restrict src, long off, int sR, int sK, int srcStride,
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
        // K is contiguous (or neither is). A full panel of GEMM_MR rows with sK == 1 goes 16 k
        // at a time through transpose16x16 (rows GEMM_MR..15 unused), the rest reads along k
        // and writes with stride R.
        int k0 = 0;
#ifdef GEMM_STORE_PANEL_K
        if (R == GEMM_MR && r1 == GEMM_MR && sK == 1) {
            for (; k0 + 16 <= kcl; k0 += 16) {
                float16 v[16];
                #pragma unroll
                for (int r = 0; r < 16; ++r) v[r] = r < GEMM_MR ? vload16(0, s + (size_t)r * sR + k0) : (float16)(0.0f);
                transpose16x16(v);
                #pragma unroll
                for (int k = 0; k < 16; ++k) GEMM_STORE_PANEL_K(v[k], d + (k0 + k) * GEMM_MR);
            }
        }
#endif
        for (int r = 0; r < r1; ++r) {
            __global const float* sr = s + (size_t)r * sR;
            for (int k = k0; k < kcl; ++k) d[k * R + r] = sr[(size_t)k * sK];
        }
        for (int r = r1; r < R; ++r)
            for (int k = 0; k < kcl; ++k) d[k * R + r] = 0.0f;
    }
}

// gemm_epilogue (gemm.cl) on a vector of C's row i, columns j ..< j + GEMM_VW. A bias per
// column must be contiguous (colStep 1).
GEMM_VEC gemm_epilogue_vec(GEMM_VEC v, __global const float* bias, int rowStep, int colStep, int i, int j,
                           int act, float actAlpha) {
    if (colStep != 0) v += GEMM_VLOAD(0, bias + i * rowStep + j);
    else if (rowStep != 0) v += bias[i * rowStep];
    ACT_FORWARD_RETURN(act, actAlpha, v, (GEMM_VEC)(0.0f))
}

// A pooled epilogue (a convolution followed by 2x2 max pooling, `pool` set): the columns of C
// come in runs of four, the cells of one pooling window in row-major order (im2col_pool2x2),
// and only each run's maximum is stored, at column j / 4 of a C whose rows are a quarter as
// long. The maximum is taken as argmax2x2 (common.cl) takes it — the first cell, then each
// later one only when strictly greater — so the result is the unfused pooling's, NaN and
// signed zeros included. GEMM_POOL_SPLIT puts lane 4w + c of a vector into lane w of its c.
#if GEMM_VW == 16
#define GEMM_POOL_VEC float4
#define GEMM_POOL_SPLIT(r, a, b, c, d) a = (r).s048c; b = (r).s159d; c = (r).s26ae; d = (r).s37bf
#define GEMM_POOL_STORE(m, v, p) vstore4(m, v, p)
#elif GEMM_VW == 8
#define GEMM_POOL_VEC float2
#define GEMM_POOL_SPLIT(r, a, b, c, d) a = (r).s04; b = (r).s15; c = (r).s26; d = (r).s37
#define GEMM_POOL_STORE(m, v, p) vstore2(m, v, p)
#else
#define GEMM_POOL_VEC float
#define GEMM_POOL_SPLIT(r, a, b, c, d) a = (r).s0; b = (r).s1; c = (r).s2; d = (r).s3
#define GEMM_POOL_STORE(m, v, p) ((p)[v] = (m))
#endif
GEMM_POOL_VEC gemm_pool_vec(GEMM_VEC r) {
    GEMM_POOL_VEC m, b, c, d;
    GEMM_POOL_SPLIT(r, m, b, c, d);
    m = select(m, b, b > m);
    m = select(m, c, c > m);
    return select(m, d, d > m);
}

// C[row0.., col0..] (MR × NR) = alpha · (A micro-panel · B micro-panel) + (first ? beta·C : C).
// ap: kc × MR packed A, bp: kc × NR packed B (row stride NR). `first` is the first K slice,
// where beta applies (beta == 0: C is not read); later slices accumulate into C. On the
// `last` slice each value goes through the epilogue (bias, activation; see gemm.cl) as it is
// stored; with `pool` (one slice: first and last, beta == 0) C is pooled as above. A macro so
// that a variant reading an already packed __global B (OpenCL 1.2 has no generic address
// space) can instantiate it too.
#define GEMM_DEFINE_MICRO_TILE(NAME, BSPACE)                                                         \
void NAME(int kc, __global const float* restrict ap, BSPACE const float* restrict bp,                \
          __global float* restrict C, int row0, int col0, int M, int N, int ldc,                     \
          float alpha, float beta, bool first, bool last,                                            \
          __global const float* bias, int bRow, int bCol, int act, float actAlpha, bool pool) {      \
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
    const bool finish = last && (bRow != 0 || bCol != 0 || act != ACT_LINEAR);                       \
    if (pool) {                                                                                      \
        __global float* c = C + (size_t)row0 * ldc + col0 / 4;                                       \
        if (row0 + GEMM_MR <= M && col0 + GEMM_NR <= N) {                                            \
            _Pragma("unroll") for (int i = 0; i < GEMM_MR; ++i)                                      \
                _Pragma("unroll") for (int v = 0; v < GEMM_NV; ++v) {                                \
                    GEMM_VEC r = alpha * acc[i][v];                                                  \
                    if (finish) r = gemm_epilogue_vec(r, bias, bRow, bCol, row0 + i, col0 + v * GEMM_VW, act, actAlpha); \
                    GEMM_POOL_STORE(gemm_pool_vec(r), v, c + (size_t)i * ldc);                       \
                }                                                                                    \
        } else { /* N is a multiple of 4, so an edge tile holds whole runs */                       \
            float tile[GEMM_MR][GEMM_NR];                                                            \
            _Pragma("unroll") for (int i = 0; i < GEMM_MR; ++i)                                      \
                _Pragma("unroll") for (int v = 0; v < GEMM_NV; ++v) GEMM_VSTORE(acc[i][v], v, &tile[i][0]); \
            const int mi = min(GEMM_MR, M - row0), nj = min(GEMM_NR, N - col0);                      \
            for (int i = 0; i < mi; ++i)                                                             \
                for (int j = 0; j < nj; j += 4) {                                                    \
                    float m = 0.0f;                                                                  \
                    for (int t = 0; t < 4; ++t) {                                                    \
                        float r = alpha * tile[i][j + t];                                            \
                        if (finish) r = gemm_epilogue(r, bias, bRow, bCol, row0 + i, col0 + j + t, act, actAlpha); \
                        m = t == 0 || r > m ? r : m;                                                 \
                    }                                                                                \
                    c[(size_t)i * ldc + j / 4] = m;                                                  \
                }                                                                                    \
        }                                                                                            \
        return;                                                                                      \
    }                                                                                                \
    __global float* c = C + (size_t)row0 * ldc + col0;                                               \
    if (row0 + GEMM_MR <= M && col0 + GEMM_NR <= N) {                                                \
        _Pragma("unroll") for (int i = 0; i < GEMM_MR; ++i)                                          \
            _Pragma("unroll") for (int v = 0; v < GEMM_NV; ++v) {                                    \
                __global float* ci = c + (size_t)i * ldc;                                            \
                GEMM_VEC r = alpha * acc[i][v];                                                      \
                if (!first) r += GEMM_VLOAD(v, ci);                                                  \
                else if (beta != 0.0f) r += beta * GEMM_VLOAD(v, ci);                                \
                if (finish) r = gemm_epilogue_vec(r, bias, bRow, bCol, row0 + i, col0 + v * GEMM_VW, act, actAlpha); \
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
                if (finish) r = gemm_epilogue(r, bias, bRow, bCol, row0 + i, col0 + j, act, actAlpha); \
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
//   C    row-major at cOff + b·cStride, row stride ldc; with pool != 0 (K in one slice, beta ==
//        0) C holds the maximum of each run of four columns (gemm_pool_vec): N / 4 per row
// Launch: global = (ceil(ceil(N/NR) / ncb), ceil(ceil(M/MR) / mcb), batch), local = (1, 1, 1);
// dimension 0 runs over column blocks so consecutive work-groups share one A block.
// The block a gemm_local-shaped work-item owns: its __local B block Bl, strips s0 ..< s1 of
// the nStrips NR-column strips, register tiles t0 ..< t1 of the nTiles, batch item b.
#define GEMM_LOCAL_BLOCK                                                                         \
    __local float Bl[GEMM_NCB * GEMM_KC * GEMM_NR]; /* [strip − s0][kk][NR] */                   \
    const int nStrips = (N + GEMM_NR - 1) / GEMM_NR;                                             \
    const int nTiles = (M + GEMM_MR - 1) / GEMM_MR;                                              \
    const int s0 = (int)get_global_id(0) * ncb, s1 = min(nStrips, s0 + ncb);                     \
    const int t0 = (int)get_global_id(1) * mcb, t1 = min(nTiles, t0 + mcb);                      \
    const int b = (int)get_global_id(2);

// One K slice (pc ..< pc + kc) of a block: every strip of Bl against every tile of its
// packed A (Ap: the batch item's panels, slice-major as pack_panels writes them).
void gemm_block_slice(int pc, int kc, int K, int M, int N, int nTiles, int s0, int s1, int t0, int t1,
                      __global const float* restrict Ap, __local const float* restrict Bl,
                      __global float* restrict C, int ldc, float alpha, float beta,
                      __global const float* bias, int bRow, int bCol, int act, float actAlpha, bool pool) {
    for (int s = s0; s < s1; ++s)
        for (int t = t0; t < t1; ++t)
            gemm_micro_tile_local(kc, Ap + (size_t)pc * nTiles * GEMM_MR + (size_t)t * kc * GEMM_MR,
                                  Bl + (s - s0) * kc * GEMM_NR, C, t * GEMM_MR, s * GEMM_NR, M, N, ldc,
                                  alpha, beta, pc == 0, pc + kc == K, bias, bRow, bCol, act, actAlpha, pool);
}

__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void gemm_local(int M, int N, int K, float alpha, float beta,
                __global const float* restrict Ap, int apStride,
                __global const float* restrict B, long bOff, int bsK, int bsN, int bStride,
                __global float* restrict C, long cOff, int ldc, int cStride,
                int kcs, int mcb, int ncb,
                __global const float* bias, long biasOff, int biasRowStep, int biasColStep, int act, float actAlpha,
                int pool) {
    GEMM_LOCAL_BLOCK
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
            // Columns of B are contiguous (Bᵀ, e.g. a filter gradient's patches): whole 16 × 16
            // blocks (16 columns × 16 k) go through transpose16x16 (16 vector loads, 64
            // shuffles, 16 vector stores); the rest is copied a scalar at a time, down each
            // column. A ragged last strip is zeroed with vector stores first.
            for (int s = s0; s < s1; ++s) {
                __local float* ds = Bl + (s - s0) * kc * GEMM_NR;
                const int live = min(GEMM_NR, N - s * GEMM_NR);
                if (live < GEMM_NR)
                    for (int kk = 0; kk < kc; ++kk) {
                        #pragma unroll
                        for (int v = 0; v < GEMM_NV; ++v) GEMM_VSTORE((GEMM_VEC)(0.0f), v, ds + kk * GEMM_NR);
                    }
                int j0 = 0;
                for (; bsK == 1 && j0 + 16 <= live; j0 += 16) {
                    __global const float* cols = Bs + (size_t)(s * GEMM_NR + j0) * bsN;
                    int kk = 0;
                    for (; kk + 16 <= kc; kk += 16) {
                        float16 r[16];
                        #pragma unroll
                        for (int j = 0; j < 16; ++j) r[j] = vload16(0, cols + (size_t)j * bsN + kk);
                        transpose16x16(r);
                        #pragma unroll
                        for (int t = 0; t < 16; ++t) vstore16(r[t], 0, ds + (kk + t) * GEMM_NR + j0);
                    }
                    for (; kk < kc; ++kk)
                        for (int j = 0; j < 16; ++j) ds[kk * GEMM_NR + j0 + j] = cols[(size_t)j * bsN + kk * bsK];
                }
                for (int j = j0; j < live; ++j) {
                    __global const float* col = Bs + (size_t)(s * GEMM_NR + j) * bsN;
                    for (int kk = 0; kk < kc; ++kk) ds[kk * GEMM_NR + j] = col[(size_t)kk * bsK];
                }
            }
        }
        gemm_block_slice(pc, kc, K, M, N, nTiles, s0, s1, t0, t1, Ap, Bl, Cb, ldc, alpha, beta,
                         bias + biasOff, biasRowStep, biasColStep, act, actAlpha, pool != 0);
    }
}

#endif  // GEMM_PACKED
