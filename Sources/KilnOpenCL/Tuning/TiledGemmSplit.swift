/// How many K ranges the tiled GEMM (`Kernels/gemm.cl`, the GPU kernel) splits a product into.
///
/// It runs one work-group per tile of C; a convolution's filter gradient has a C of filters ×
/// taps (32 × 9, 64 × 288: one to five tiles) and K = images × pixels (10^5 and more), so a
/// handful of groups would walk all of K while the rest of a 100-unit GPU idles. Split K until
/// there are `groupsPerUnit` groups per compute unit, keeping every range at least
/// `minimumSlabs` K slabs deep so that the partial products' extra write and read stay small
/// beside the range's multiply-adds.
enum TiledGemmSplit {
    static let groupsPerUnit = 4
    static let minimumSlabs = 16

    /// 1 (no split) for batched products (their batch fills the device already) and for
    /// products with enough tiles.
    static func parts(tiles: Int, k: Int, batch: Int, tileK: Int, computeUnits: Int) -> Int {
        guard batch == 1, tiles > 0 else { return 1 }
        let target = groupsPerUnit * max(computeUnits, 1)
        guard tiles < target else { return 1 }
        let deepest = k / (minimumSlabs * max(tileK, 1))
        return max(1, min(ceilDiv(target, tiles), deepest))
    }
}
