import Kiln

// gemm.cl: every matrix product of the backend goes through `enqueueGemm`, so a faster
// GEMM (another kernel, or one chosen per shape) replaces this one function.
extension OpenCLBackend {
    public func gemm(_ d: GemmDescriptor, a: Tensor, b: Tensor, c: Tensor) throws {
        precondition(a.count >= d.extentA && b.count >= d.extentB && c.count >= d.extentC,
                     "gemm operands smaller than the descriptor's extents")
        try locked {
            try enqueueGemm(d, a: memory(a), a.offset, b: memory(b), b.offset, c: memory(c), c.offset)
        }
    }

    public func denseForward(input: Tensor, weight: Tensor, bias: Tensor?, activation: ElementwiseActivation, output: Tensor) throws {
        let d = GemmDescriptor.dense(input: input, weight: weight, bias: bias, output: output)
        // Bias (one per unit: a column of C) and activation are the GEMM's epilogue.
        var epilogue = GemmEpilogue(activation: activation)
        if let bias { epilogue.bias = (memory(bias), bias.offset, .perColumn) }
        try locked {
            try enqueueGemm(d, a: memory(input), input.offset, b: memory(weight), weight.offset,
                            c: memory(output), output.offset, epilogue: epilogue)
        }
    }

    /// C[b] = epilogue(alpha·op(A[b])·op(B[b]) + beta·C[b]) on raw (buffer, element offset) operands.
    func enqueueGemm(_ d: GemmDescriptor, a: CLMemory, _ aOffset: Int, b: CLMemory, _ bOffset: Int,
                     c: CLMemory, _ cOffset: Int, epilogue: GemmEpilogue = .none) throws {
        guard d.m > 0, d.n > 0, d.batch > 0 else { return }
        recordedGemms?.append(d)
        if try enqueueThroughProvider(d, a: a, aOffset, b: b, bOffset, c: c, cOffset, epilogue: epilogue) { return }
        // K = 0 still scales C by beta, which the tiled kernel does and the packed one does not.
        if let capacity = config.packedGemm, d.k > 0 {
            return try enqueuePackedGemm(capacity, d, a: a, aOffset, b: b, bOffset, c: c, cOffset, epilogue: epilogue)
        }
        try enqueueTiledGemm(d, a: a, aOffset, b: b, bOffset, c: c, cOffset, epilogue: epilogue)
    }

    /// gemm_tiled: one work-group per tile of C (and batch entry). When those are too few to
    /// fill the device (`TiledGemmSplit`), K is split into ranges whose partial products are
    /// summed in order (`enqueueSplitKGemm`).
    func enqueueTiledGemm(_ d: GemmDescriptor, a: CLMemory, _ aOffset: Int, b: CLMemory, _ bOffset: Int,
                          c: CLMemory, _ cOffset: Int, epilogue: GemmEpilogue, splitting: Bool = true) throws {
        precondition(!epilogue.poolsColumns, "a pooled GEMM epilogue needs the packed GEMM")
        if splitting, case let parts = tiledGemmParts(d), parts > 1 {
            return try enqueueSplitKGemm(d, parts: parts, a: a, aOffset, b: b, bOffset, c: c, cOffset, epilogue: epilogue) {
                try self.enqueueTiledGemm($0, a: a, $1, b: b, $2, c: $3, $4, epilogue: .none, splitting: false)
            }
        }
        // op(A)(i, k) = A[i·rsA + k·csA]; op(B)(k, j) = B[k·rsB + j·csB].
        let (rsA, csA) = d.transposeA ? (1, d.lda) : (d.lda, 1)
        let (rsB, csB) = d.transposeB ? (1, d.ldb) : (d.ldb, 1)
        let group = config.gemmGroup
        let tilesN = ceilDiv(d.n, config.gemmTileN), tilesM = ceilDiv(d.m, config.gemmTileM)
        try launch(GemmTiledKernel(
            M: d.m, N: d.n, K: d.k, alpha: d.alpha, beta: d.beta,
            A: KernelTensor(memory: a, offset: aOffset, extent: d.extentA), rsA: rsA, csA: csA, strideA: d.strideA,
            B: KernelTensor(memory: b, offset: bOffset, extent: d.extentB), rsB: rsB, csB: csB, strideB: d.strideB,
            C: KernelTensor(memory: c, offset: cOffset, extent: d.extentC), ldc: d.ldc, strideC: d.strideC,
            epilogue: epilogue.arguments(unused: c)), global: [tilesN * group.x, tilesM * group.y, d.batch], local: [group.x, group.y, 1],
           flops: d.flops, bytes: d.compulsoryBytes)
    }
}

extension OpenCLBackend {
    /// The K ranges `enqueueTiledGemm` splits `d` into (1: none), for this config's tiles and
    /// the device's compute units.
    func tiledGemmParts(_ d: GemmDescriptor) -> Int {
        TiledGemmSplit.parts(tiles: ceilDiv(d.m, config.gemmTileM) * ceilDiv(d.n, config.gemmTileN), k: d.k,
                             batch: d.batch, tileK: config.gemmTileK, computeUnits: device.computeUnits)
    }
}

// gemm_packed.cl (CPU devices): pack op(A) into slice-major micro-panels, then one work-item
// per C block copies its B block into __local memory and runs the register micro-kernel.
extension OpenCLBackend {
    func enqueuePackedGemm(_ capacity: PackedGemmCapacity, _ d: GemmDescriptor, a: CLMemory, _ aOffset: Int,
                           b: CLMemory, _ bOffset: Int, c: CLMemory, _ cOffset: Int, epilogue: GemmEpilogue = .none,
                           splitting: Bool = true) throws {
        if splitting, case let parts = packedGemmParts(capacity, d), parts > 1 {
            return try enqueueSplitKGemm(d, parts: parts, a: a, aOffset, b: b, bOffset, c: c, cOffset, epilogue: epilogue) {
                try self.enqueuePackedGemm(capacity, $0, a: a, $1, b: b, $2, c: $3, $4, splitting: false)
            }
        }
        let a = try packPanels(capacity, d, a: a, aOffset)
        precondition(!epilogue.poolsColumns || (a.blocks.kc == d.k && d.beta == 0 && d.n % 4 == 0),
                     "a pooled GEMM epilogue needs one K slice (packedGemmFinishesInOneSlice)")
        let (bsK, bsN) = d.transposeB ? (1, d.ldb) : (d.ldb, 1)
        // A pooled C's rows hold a quarter of the columns.
        var stored = d
        if epilogue.poolsColumns { stored.n = d.n / 4 }
        try launch(GemmLocalKernel(
            M: d.m, N: d.n, K: d.k, alpha: d.alpha, beta: d.beta,
            Ap: a.panels.memory, apStride: a.stride,
            B: KernelTensor(memory: b, offset: bOffset, extent: d.extentB), bsK: bsK, bsN: bsN, bStride: d.strideB,
            C: KernelTensor(memory: c, offset: cOffset, extent: stored.extentC), ldc: d.ldc, cStride: d.strideC,
            kcs: a.blocks.kc, mcb: a.blocks.mcb, ncb: a.blocks.ncb, epilogue: epilogue.arguments(unused: c),
            pool: epilogue.poolsColumns ? 1 : 0),
            global: packedGemmGrid(capacity, d, a.blocks), local: [1, 1, 1], flops: d.flops, bytes: d.compulsoryBytes)
    }

    /// The packed GEMM's blocking for `d` (unsplit) and op(A) packed for it by pack_panels:
    /// once when the batch shares A (stride 0, e.g. conv weights), else per batch item,
    /// `stride` floats apart.
    func packPanels(_ capacity: PackedGemmCapacity, _ d: GemmDescriptor, a: CLMemory, _ aOffset: Int) throws
        -> (blocks: (kc: Int, mcb: Int, ncb: Int), panels: OpenCLBuffer, stride: Int) {
        let mr = capacity.tile.rows, tiles = ceilDiv(d.m, mr)
        let blocks = packedGemmBlocks(capacity, d)
        let packs = d.strideA == 0 ? 1 : d.batch
        let packedCount = tiles * mr * d.k
        let packed = try workspace(packedCount * packs)
        let (sR, sK) = d.transposeA ? (1, d.lda) : (d.lda, 1)
        try launch(PackPanelsKernel(rows: d.m, K: d.k, kc: blocks.kc, R: mr,
                                    src: KernelTensor(memory: a, offset: aOffset, extent: d.extentA),
                                    sR: sR, sK: sK, srcStride: d.strideA, dst: packed.memory, dstStride: packedCount),
                   global: [ceilDiv(d.k, blocks.kc), tiles, packs], local: [1, 1, 1])
        return (blocks, packed, d.strideA == 0 ? 0 : packedCount)
    }

    /// gemm_local's launch grid: column blocks, row blocks, batch.
    func packedGemmGrid(_ capacity: PackedGemmCapacity, _ d: GemmDescriptor, _ blocks: (kc: Int, mcb: Int, ncb: Int)) -> [Int] {
        [ceilDiv(ceilDiv(d.n, capacity.tile.columns), blocks.ncb), ceilDiv(ceilDiv(d.m, capacity.tile.rows), blocks.mcb), d.batch]
    }

    /// Whether `enqueueGemm` runs `d` on the packed GEMM as one K slice, without splitting K:
    /// each element of C is then written once, finished, which a pooled epilogue needs.
    func packedGemmFinishesInOneSlice(_ d: GemmDescriptor) -> Bool {
        guard let capacity = config.packedGemm, d.k > 0, d.beta == 0 else { return false }
        return packedGemmParts(capacity, d) == 1 && packedGemmBlocks(capacity, d).kc == d.k
            && d.n % 4 == 0 && capacity.tile.columns % 4 == 0
    }

    /// The K ranges `enqueuePackedGemm` splits `d` into (1: none), for this backend's blocking
    /// caps fitted to `capacity` and the device's compute units.
    func packedGemmParts(_ capacity: PackedGemmCapacity, _ d: GemmDescriptor) -> Int {
        gemmBlocking.fitted(to: capacity)
            .splitK(m: d.m, n: d.n, k: d.k, batch: d.batch, computeUnits: device.computeUnits, tile: capacity.tile)
    }

    /// The blocking of an unsplit packed product `d`: slice depth, tiles and strips per block.
    func packedGemmBlocks(_ capacity: PackedGemmCapacity, _ d: GemmDescriptor) -> (kc: Int, mcb: Int, ncb: Int) {
        gemmBlocking.fitted(to: capacity)
            .blocks(m: d.m, n: d.n, k: d.k, batch: d.batch, computeUnits: device.computeUnits, tile: capacity.tile)
    }
}

extension OpenCLBackend {
    /// A long-K, small-C product (a convolution's filter gradient: C is filters × taps, K is
    /// images × pixels) gives either GEMM kernel one or a few blocks of C, so one core (or a
    /// few of a GPU's compute units) works. Split K into `parts` ranges, run them through
    /// `product` (the kernel's unsplit path: descriptor, A and B offsets, C buffer and offset)
    /// as one strided batch into scratch partial products, and sum those in order into C
    /// (deterministic; no atomics).
    func enqueueSplitKGemm(_ d: GemmDescriptor, parts: Int, a: CLMemory, _ aOffset: Int, b: CLMemory, _ bOffset: Int,
                           c: CLMemory, _ cOffset: Int, epilogue: GemmEpilogue,
                           product: (GemmDescriptor, Int, Int, CLMemory, Int) throws -> Void) throws {
        precondition(!epilogue.poolsColumns, "split K cannot pool")
        let length = ceilDiv(d.k, parts)
        let full = d.k / length, rest = d.k - full * length
        let used = full + (rest > 0 ? 1 : 0)
        let scratch = try workspace(used * d.m * d.n)
        // Step along K: A's columns (rows of Aᵀ), B's rows (columns of Bᵀ).
        let aStep = d.transposeA ? d.lda : 1, bStep = d.transposeB ? 1 : d.ldb
        var p = GemmDescriptor(m: d.m, n: d.n, k: length, transposeA: d.transposeA, transposeB: d.transposeB)
        p.lda = d.lda; p.ldb = d.ldb; p.ldc = d.n
        p.batch = full; p.strideA = length * aStep; p.strideB = length * bStep; p.strideC = d.m * d.n
        try product(p, aOffset, bOffset, scratch.memory, 0)
        if rest > 0 {
            var r = p
            r.k = rest; r.batch = 1; r.strideA = 0; r.strideB = 0; r.strideC = 0
            try product(r, aOffset + full * length * aStep, bOffset + full * length * bStep, scratch.memory, full * d.m * d.n)
        }
        try enqueueSumParts(m: d.m, n: d.n, parts: used, from: scratch.memory, alpha: d.alpha, beta: d.beta,
                            into: KernelTensor(memory: c, offset: cOffset, extent: d.extentC), ldc: d.ldc, epilogue: epilogue)
    }

    /// C = alpha·Σ_p parts[p] + beta·C, then `epilogue` (gemm_sum_parts): `parts` [parts][m][n]
    /// contiguous, summed in order p = 0, 1, ... (deterministic; no atomics).
    func enqueueSumParts(m: Int, n: Int, parts: Int, from scratch: CLMemory, alpha: Float, beta: Float,
                         into c: KernelTensor, ldc: Int, epilogue: GemmEpilogue) throws {
        try launch(GemmSumPartsKernel(M: m, N: n, P: parts, alpha: alpha, beta: beta, parts: scratch, C: c, ldc: ldc,
                                      epilogue: epilogue.arguments(unused: c.memory)),
                   global: [n, m], local: [min(n, config.elementwiseGroupSize), 1])
    }
}

extension GemmDescriptor {
    /// Bytes a GEMM must move at least: A and B read once (once in all when the batch shares
    /// them, stride 0), C written once (and read too when beta != 0). A kernel's achieved GB/s
    /// against this is a lower bound on its real traffic.
    var compulsoryBytes: Double {
        let a = Double(m * k) * Double(strideA == 0 ? 1 : batch)
        let b = Double(k * n) * Double(strideB == 0 ? 1 : batch)
        let c = Double(m * n) * Double(batch) * (beta == 0 ? 1 : 2)
        return 4 * (a + b + c)
    }
}

// The kernels of gemm.cl and gemm_packed.cl (see `KernelArguments`).
struct GemmTiledKernel: KernelArguments {
    static let kernelName = "gemm_tiled"
    var M, N, K: Int
    var alpha, beta: Float
    var A: KernelTensor
    var rsA, csA, strideA: Int
    var B: KernelTensor
    var rsB, csB, strideB: Int
    var C: KernelTensor
    var ldc, strideC: Int
    var epilogue: GemmEpilogue.Arguments
}

struct PackPanelsKernel: KernelArguments {
    static let kernelName = "pack_panels"
    var rows, K, kc, R: Int
    var src: KernelTensor
    var sR, sK, srcStride: Int
    var dst: CLMemory
    var dstStride: Int
}

struct GemmLocalKernel: KernelArguments {
    static let kernelName = "gemm_local"
    var M, N, K: Int
    var alpha, beta: Float
    var Ap: CLMemory
    var apStride: Int
    var B: KernelTensor
    var bsK, bsN, bStride: Int
    var C: KernelTensor
    var ldc, cStride, kcs, mcb, ncb: Int
    var epilogue: GemmEpilogue.Arguments
    /// 1: the pooled epilogue (`GemmEpilogue.poolsColumns`).
    var pool: Int
}

struct GemmSumPartsKernel: KernelArguments {
    static let kernelName = "gemm_sum_parts"
    var M, N, P: Int
    var alpha, beta: Float
    var parts: CLMemory
    var C: KernelTensor
    var ldc: Int
    var epilogue: GemmEpilogue.Arguments
}
