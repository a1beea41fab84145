/// The size of the packed GEMM's `__local` B block (`Kernels/gemm_packed.cl`): up to `kc` deep
/// and `ncb` NR-wide strips, `kc × ncb × nr` floats. A compile-time capacity (`-DGEMM_KC`,
/// `-DGEMM_NCB`) chosen from the device's reported local memory, so the packed kernel runs on any
/// CPU driver with a reasonable amount of it; the run-time blocking (`PackedGemmBlocking`) is
/// fitted to it on every call.
public struct PackedGemmCapacity: Hashable, Sendable, CustomStringConvertible {
    /// Deepest K slice.
    public var kc: Int
    /// Most NR strips per work-item block.
    public var ncb: Int

    public init(kc: Int, ncb: Int) {
        precondition(kc >= 1 && ncb >= 1, "packed GEMM capacity must be positive")
        self.kc = kc; self.ncb = ncb
    }

    /// The block of the default blocking (kc 320, 16 strips: 640 KiB), the most ever asked for:
    /// with more local memory the block stays this size (bigger blocks only outgrow the caches).
    public static let largest = PackedGemmCapacity(kc: 320, ncb: 16)

    /// Bytes of `__local` memory the kernel declares.
    public var bytes: Int { kc * ncb * PackedGemmBlocking.nr * 4 }

    /// The largest block that fits `localMemoryBytes`, nil below 16 KiB: K slices shallower
    /// than 128 would read and write all of C back every few k, and the tiled kernel is the
    /// better choice there. Strips are given up before depth: the slice depth sets how often C is
    /// read and written back, while fewer strips per block only means more, narrower blocks
    /// (B is still read once). 512 KiB (PoCL 6 and later): kc 320, 12 strips; 32 KiB: kc 256,
    /// one strip.
    public init?(localMemoryBytes: Int) {
        let perK = PackedGemmBlocking.nr * 4  // bytes of one k of one strip
        let largest = Self.largest
        let strips = min(largest.ncb, localMemoryBytes / (largest.kc * perK))
        if strips >= 1 {
            self.init(kc: largest.kc, ncb: strips)
            return
        }
        // Multiples of 16 keep the 16 x 16 transposes of the B copy whole.
        let depth = localMemoryBytes / perK / 16 * 16
        guard depth >= 128 else { return nil }
        self.init(kc: depth, ncb: 1)
    }

    public var description: String { "B block \(kc)x\(ncb * PackedGemmBlocking.nr) (\(bytes >> 10) KiB local)" }
}
