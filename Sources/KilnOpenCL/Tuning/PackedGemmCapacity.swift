/// The compile-time shape of the packed GEMM (`Kernels/gemm_packed.cl`): its register tile and
/// the size of its `__local` B block, up to `kc` deep and `ncb` strips of the tile's width,
/// `kc × ncb × tile.columns` floats. The block (`-DGEMM_KC`, `-DGEMM_NCB`) is chosen from the
/// device's reported local memory, so the packed kernel runs on any CPU driver with a
/// reasonable amount of it; the run-time blocking (`PackedGemmBlocking`) is fitted to it on
/// every call.
public struct PackedGemmCapacity: Hashable, Sendable, CustomStringConvertible {
    /// Deepest K slice.
    public var kc: Int
    /// Most strips per work-item block.
    public var ncb: Int
    /// The register tile (`-DGEMM_MR`, `-DGEMM_VW`, `-DGEMM_NV`); a strip is as wide as it.
    public var tile: PackedGemmTile

    public init(kc: Int, ncb: Int, tile: PackedGemmTile) {
        precondition(kc >= 1 && ncb >= 1, "packed GEMM capacity must be positive")
        self.kc = kc; self.ncb = ncb; self.tile = tile
    }

    /// The block of the default blocking (kc 320, 16 strips: 640 KiB of 32-wide strips), the
    /// most ever asked for: with more local memory the block stays this size (bigger blocks only
    /// outgrow the caches).
    public static let largest = PackedGemmCapacity(kc: 320, ncb: 16, tile: .wide)

    /// Bytes of `__local` memory the kernel declares.
    public var bytes: Int { kc * ncb * tile.columns * 4 }

    /// The largest block of `tile`'s strips that fits `localMemoryBytes`, nil when not even one
    /// strip 128 deep does (16 KiB for 32-wide strips): K slices shallower than 128 would read
    /// and write all of C back every few k, and the tiled kernel is the better choice there.
    /// Strips are given up before depth: the slice depth sets how often C is read and written
    /// back, while fewer strips per block only means more, narrower blocks (B is still read
    /// once). 32-wide strips in 512 KiB (PoCL 6 and later): kc 320, 12 strips; in 32 KiB: kc 256,
    /// one strip; 16-wide strips in 512 KiB: kc 320, 16 strips.
    public init?(localMemoryBytes: Int, tile: PackedGemmTile) {
        let perK = tile.columns * 4  // bytes of one k of one strip
        let largest = Self.largest
        let strips = min(largest.ncb, localMemoryBytes / (largest.kc * perK))
        if strips >= 1 {
            self.init(kc: largest.kc, ncb: strips, tile: tile)
            return
        }
        // Multiples of 16 keep the 16 x 16 transposes of the B copy whole.
        let depth = localMemoryBytes / perK / 16 * 16
        guard depth >= 128 else { return nil }
        self.init(kc: depth, ncb: 1, tile: tile)
    }

    public var description: String { "\(tile) register tile, B block \(kc)x\(ncb * tile.columns) (\(bytes >> 10) KiB local)" }
}
