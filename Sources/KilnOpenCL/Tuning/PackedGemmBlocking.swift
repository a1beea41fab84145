/// The host-side blocking of the packed GEMM (`Kernels/gemm_packed.cl`): how deep a K slice is,
/// and how many register tiles (rows) and strips (columns) one work-item's block of C covers.
///
/// The kernel's register tile and its `__local` block's capacity are set per device at build
/// time (`PackedGemmCapacity`, from the reported vector width and local memory); everything
/// here is a run-time argument, so one build serves every shape and `kiln tune` can try caps
/// without rebuilding. The fields are caps: each call fits them to the device's capacity
/// (`fitted(to:)`). The defaults are the ones the GEMM study found on a 2-core AVX-512 Xeon: a
/// kc × 32 B micro-panel (≤ 40 KB) fits L1, an MC × kc A block (≤ 320 KB) fits L2, and long NC
/// keeps B's copy streaming.
public struct PackedGemmBlocking: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Deepest K slice; slices are balanced below it.
    public var maxKC: Int
    /// Most register tiles (of the tile's rows) per block.
    public var maxMCB: Int
    /// Strips (of the tile's columns) per block when one block covers all of M, so B is read once.
    public var ncbAllRows: Int
    /// Strips per block otherwise.
    public var ncbPartRows: Int
    /// Blocks are split (ncb halved) until there are this many work-groups per compute unit,
    /// so both cores stay busy and uneven blocks even out.
    public var groupsPerUnit: Int

    public init(maxKC: Int = 320, maxMCB: Int = 32, ncbAllRows: Int = 16, ncbPartRows: Int = 8, groupsPerUnit: Int = 4) {
        self.maxKC = maxKC; self.maxMCB = maxMCB; self.ncbAllRows = ncbAllRows
        self.ncbPartRows = ncbPartRows; self.groupsPerUnit = groupsPerUnit
    }

    /// The study's values.
    public static let `default` = PackedGemmBlocking()

    /// True when every field is within what the largest kernel build can run (tuning files
    /// are checked against this before use).
    public var isValid: Bool {
        let most = PackedGemmCapacity.largest
        return (1...most.kc).contains(maxKC) && maxMCB >= 1 && (1...most.ncb).contains(ncbAllRows)
            && (1...most.ncb).contains(ncbPartRows) && groupsPerUnit >= 1
    }

    /// These caps lowered to what a kernel built with `capacity` holds.
    public func fitted(to capacity: PackedGemmCapacity) -> PackedGemmBlocking {
        var b = self
        b.maxKC = min(maxKC, capacity.kc)
        b.ncbAllRows = min(ncbAllRows, capacity.ncb)
        b.ncbPartRows = min(ncbPartRows, capacity.ncb)
        return b
    }

    /// The blocking of one call with register tile `tile`: slice depth `kc`, tiles per block
    /// `mcb`, strips per block `ncb`. `batch` counts as parallel work (the kernel's third
    /// dimension).
    public func blocks(m: Int, n: Int, k: Int, batch: Int, computeUnits: Int, tile: PackedGemmTile) -> (kc: Int, mcb: Int, ncb: Int) {
        let tiles = ceilDiv(m, tile.rows), strips = ceilDiv(n, tile.columns)
        // Balanced slices: K = 288 is one slice of 288, not 256 + 32 (a short second slice
        // costs another read-modify-write of C for little work).
        let kc = ceilDiv(k, ceilDiv(k, maxKC))
        var mcb = min(tiles, maxMCB)
        mcb = ceilDiv(tiles, ceilDiv(tiles, mcb))
        var ncb = mcb >= tiles ? ncbAllRows : ncbPartRows
        while ncb > 1, ceilDiv(strips, ncb) * ceilDiv(tiles, mcb) * batch < groupsPerUnit * max(computeUnits, 1) {
            ncb /= 2
        }
        return (max(kc, 1), mcb, max(ncb, 1))
    }

    /// K ranges to split a call into (1: no split), when K is long enough that every range
    /// stays several slices deep (partials cost a write and a read of C each) and either
    ///  * the blocks of C are too few to keep the compute units busy, or
    ///  * all of C fits one block (a convolution's filter gradient: filters × taps, K = images ×
    ///    pixels). Splitting C into column blocks instead makes every block stream all of A
    ///    again (64x288x15488: nine passes over a 4 MB A, 58 GFLOP/s); split K, each range
    ///    reads its part of A and B once.
    public func splitK(m: Int, n: Int, k: Int, batch: Int, computeUnits: Int, tile: PackedGemmTile) -> Int {
        guard batch == 1 else { return 1 }
        let tiles = ceilDiv(m, tile.rows), strips = ceilDiv(n, tile.columns)
        let target = groupsPerUnit * max(computeUnits, 1), deepest = k / (4 * maxKC)
        if tiles <= maxMCB && strips <= ncbAllRows { return max(1, min(target, deepest)) }
        let b = blocks(m: m, n: n, k: k, batch: batch, computeUnits: computeUnits, tile: tile)
        let groups = ceilDiv(strips, b.ncb) * ceilDiv(tiles, b.mcb)
        guard groups < target else { return 1 }
        return max(1, min(ceilDiv(target, groups), deepest))
    }

    public var description: String {
        "kc≤\(maxKC) mcb≤\(maxMCB) ncb \(ncbAllRows)/\(ncbPartRows) groups/unit \(groupsPerUnit)"
    }
}

func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
