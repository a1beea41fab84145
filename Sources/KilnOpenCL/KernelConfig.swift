/// Per-device compile-time choices: tile, work-group sizes and numeric options, passed to
/// the one kernel program as `-D` defines. Chosen from queried limits so the same source
/// serves a GPU (wide work-groups, local-memory tiles) and PoCL on a CPU (smaller groups).
public struct KernelConfig: Hashable, Sendable, CustomStringConvertible {
    /// GEMM: a work-group computes a `gemmTileM` × `gemmTileN` block of C, `gemmTileK` deep
    /// per step through local memory; each work-item owns `gemmWorkM` × `gemmWorkN` outputs.
    public var gemmTileM: Int
    public var gemmTileN: Int
    public var gemmTileK: Int
    public var gemmWorkM: Int
    public var gemmWorkN: Int
    /// Work-items per group of every reduction (batch-norm statistics, bias gradient, sum);
    /// a power of two.
    public var reductionGroupSize: Int
    /// Work-items per group of element-wise kernels.
    public var elementwiseGroupSize: Int
    /// Builds with `-cl-fp32-correctly-rounded-divide-sqrt` (when the device offers it), so
    /// division and sqrt round like the CPU's.
    public var correctlyRoundedDivideSqrt: Bool
    /// Largest im2col workspace one convolution uses; bigger batches are done in chunks.
    public var workspaceBytes: Int
    /// GEMM through the packed, cache-blocked kernels of `gemm_packed.cl` (work-items of one,
    /// this register tile and `__local` B block) instead of `gemm_tiled` (nil): the CPU (PoCL)
    /// design, where local memory is cached RAM and a work-item is a sequential task. GPUs keep
    /// the tiled kernel.
    public var packedGemm: PackedGemmCapacity?
    public var gemmPacked: Bool { packedGemm != nil }
    /// Per-channel reductions (batch norm) give each work-item one contiguous run of the
    /// channel instead of every RED_WG-th element. On a CPU driver the items of a group run one
    /// after another, so the strided order touched a new cache line per element; GPUs keep
    /// the strided order, where neighbouring items read neighbouring words.
    public var contiguousReductions: Bool
    /// CPU- or GPU-shaped kernels for the ops whose work differs (see `KernelFamily`).
    public var kernelFamily: KernelFamily

    public init(gemmTileM: Int, gemmTileN: Int, gemmTileK: Int, gemmWorkM: Int, gemmWorkN: Int,
                reductionGroupSize: Int, elementwiseGroupSize: Int,
                correctlyRoundedDivideSqrt: Bool, workspaceBytes: Int, packedGemm: PackedGemmCapacity? = nil,
                contiguousReductions: Bool = false, kernelFamily: KernelFamily = .cpu) {
        precondition(gemmTileM % gemmWorkM == 0 && gemmTileN % gemmWorkN == 0, "tiles must divide by work per item")
        precondition(reductionGroupSize > 0 && reductionGroupSize & (reductionGroupSize - 1) == 0,
                     "reduction group size must be a power of two")
        self.gemmTileM = gemmTileM; self.gemmTileN = gemmTileN; self.gemmTileK = gemmTileK
        self.gemmWorkM = gemmWorkM; self.gemmWorkN = gemmWorkN
        self.reductionGroupSize = reductionGroupSize; self.elementwiseGroupSize = elementwiseGroupSize
        self.correctlyRoundedDivideSqrt = correctlyRoundedDivideSqrt
        self.workspaceBytes = workspaceBytes
        self.packedGemm = packedGemm
        self.contiguousReductions = contiguousReductions
        self.kernelFamily = kernelFamily
    }

    /// Chunks per channel of the GPU family's per-channel reductions over m values: at least
    /// four values per work-item, at most 256 chunks (C·chunks groups: hundreds at batch 32).
    func reductionChunks(_ m: Int) -> Int {
        max(1, min((m + 4 * reductionGroupSize - 1) / (4 * reductionGroupSize), 256))
    }

    /// The GEMM work-group shape: (columns, rows) of work-items.
    public var gemmGroup: (x: Int, y: Int) { (gemmTileN / gemmWorkN, gemmTileM / gemmWorkM) }

    /// Defaults for `device` within `limits` (the device's, or lower): 64×64×16 tiles of 4×4
    /// per item (256 work-items) on GPUs with room for them, 32×32×16 (64 work-items) elsewhere,
    /// 16×16×16 (16 work-items) on devices whose groups or local memory are smaller; groups of
    /// 256 (or the largest power of two the device allows, with room for batch norm's 3 floats
    /// per item of local memory; element-wise groups of 1024 and reduction groups of 8 on
    /// CPUs). CPU devices use the packed GEMM with a register tile for their native vector
    /// width (`PackedGemmTile`) and a `__local` block sized to their local memory
    /// (`PackedGemmCapacity`), unless they have less than 16 KiB of it or cannot run long
    /// work-items (`runsLongWorkItems`).
    static func forDevice(_ device: CLDevice, limits: DeviceLimits) -> KernelConfig {
        let maxGroup = limits.maxWorkGroupSize, local = limits.localMemoryBytes
        let largestPowerOfTwo = 1 << (Int.bitWidth - 1 - max(maxGroup, 1).leadingZeroBitCount)
        var group = min(256, largestPowerOfTwo)
        while group > 1 && 3 * 4 * group > local { group /= 2 }  // batchnorm_forward_training's scratch
        let tileBytes = { (tile: Int) in tiledGemmLocalBytes(tileM: tile, tileN: tile, tileK: 16) }
        let big = device.isGPU && maxGroup >= 256 && local >= tileBytes(64)
        let tile = big ? 64 : (maxGroup >= 64 && local >= tileBytes(32) ? 32 : 16)
        let work = 4
        let memory = device.globalMemoryBytes > 0 ? device.globalMemoryBytes : 1 << 30
        let allocation = device.maxAllocationBytes > 0 ? device.maxAllocationBytes : memory / 4
        // On a CPU driver a work-group is one task on one thread and each costs scheduling
        // overhead, so element-wise kernels get big groups there (1024: a few thousand groups
        // per activation tensor instead of tens of thousands); GPUs keep 256.
        let elementwise = device.isGPU ? min(256, largestPowerOfTwo) : min(1024, largestPowerOfTwo)
        // There, too, a reduction's group runs its items one after another, and the reductions
        // already have a group per channel (or row) to spread over the cores, so items beyond a
        // few only add per-item work: setup, scalar tails of short runs (a 7x7 channel of batch
        // 128 gave 256 items 25 values each), the pairwise tree's barrier rounds. Eight items
        // keep 64 partial sums per channel (8 items × 8 vector lanes) for the sums' accuracy.
        let reduction = device.isGPU ? group : min(group, 8)
        return KernelConfig(
            gemmTileM: tile, gemmTileN: tile, gemmTileK: 16, gemmWorkM: work, gemmWorkN: work,
            reductionGroupSize: reduction, elementwiseGroupSize: elementwise,
            correctlyRoundedDivideSqrt: device.hasCorrectlyRoundedDivideSqrt,
            workspaceBytes: min(64 << 20, memory / 8, allocation),
            packedGemm: device.isGPU || !runsLongWorkItems(device) ? nil
                : PackedGemmCapacity(localMemoryBytes: local, tile: PackedGemmTile(nativeVectorWidth: device.nativeFloatVectorWidth)),
            contiguousReductions: !device.isGPU, kernelFamily: device.isGPU ? .gpu : .cpu)
    }

    /// `__local` bytes of gemm_tiled's two K slabs (A's tileK × tileM, B's tileK × tileN), each
    /// row one word longer than the tile (GEMM_PAD in gemm.cl).
    static func tiledGemmLocalBytes(tileM: Int, tileN: Int, tileK: Int) -> Int {
        4 * tileK * (tileM + 1 + tileN + 1)
    }

    /// False for Mesa's llvmpipe (rusticl): a work-item there stops computing after a fixed
    /// amount of looping (gallivm's loop limiter, a guard against hung shaders), and a packed
    /// GEMM work-item runs a whole C block. Measured with Mesa 22.3.6: one 8x32 tile is right at
    /// K = 1700 and wrong at K = 2000; 104x32x200 is wrong from row 72 on when one work-item
    /// owns all 13 row tiles, right with 9 per work-item. Such devices keep the tiled kernel.
    static func runsLongWorkItems(_ device: CLDevice) -> Bool { !device.name.hasPrefix("llvmpipe") }

    /// The `clBuildProgram` options (part of the binary cache key).
    public var buildOptions: String {
        var options = "-cl-std=CL1.2 -DGEMM_TSM=\(gemmTileM) -DGEMM_TSN=\(gemmTileN) -DGEMM_TSK=\(gemmTileK)"
        options += " -DGEMM_WPTM=\(gemmWorkM) -DGEMM_WPTN=\(gemmWorkN) -DRED_WG=\(reductionGroupSize)"
        if correctlyRoundedDivideSqrt { options += " -cl-fp32-correctly-rounded-divide-sqrt" }
        if let p = packedGemm { options += " -DGEMM_PACKED -DGEMM_KC=\(p.kc) -DGEMM_NCB=\(p.ncb) " + p.tile.buildOptions }
        if contiguousReductions { options += " -DRED_CONTIGUOUS" }
        // Argument names and types for the launch-time check of each kernel's description
        // (KernelArguments), and the kernels' enum codes.
        return options + " -cl-kernel-arg-info" + KernelCodes.buildOptions
    }

    public var description: String {
        (packedGemm.map { "gemm packed, \($0), " }
            ?? "gemm \(gemmTileM)x\(gemmTileN)x\(gemmTileK) (\(gemmWorkM)x\(gemmWorkN) per item), ")
            + "reduction group \(reductionGroupSize)" + (contiguousReductions ? " (contiguous runs)" : "")
            + ", element-wise group \(elementwiseGroupSize), \(kernelFamily.rawValue) kernels"
    }
}
