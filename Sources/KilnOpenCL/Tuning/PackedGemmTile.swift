/// The packed GEMM's register tile (`Kernels/gemm_packed.cl`: `GEMM_MR` rows × `GEMM_NV`
/// vectors of `GEMM_VW` floats), a compile-time choice per device.
///
/// Each k of the micro-kernel broadcasts one A value per row and multiplies it into the row's
/// vectors, so the tile holds rows × vectors accumulators and wants that many vector registers
/// plus the B vectors and a broadcast. Too large a tile spills accumulators to the stack on
/// every k, which costs more than the tile saves in loads.
public struct PackedGemmTile: Hashable, Sendable, CustomStringConvertible {
    /// A values broadcast per k (`GEMM_MR`).
    public var rows: Int
    /// Floats per vector (`GEMM_VW`: 4, 8 or 16).
    public var vectorWidth: Int
    /// Vectors per row (`GEMM_NV`).
    public var vectors: Int

    public init(rows: Int, vectorWidth: Int, vectors: Int) {
        precondition(rows >= 1 && [4, 8, 16].contains(vectorWidth) && vectors >= 1, "invalid packed GEMM tile")
        self.rows = rows; self.vectorWidth = vectorWidth; self.vectors = vectors
    }

    /// Columns of C per tile: the width of one B strip (`GEMM_NR`).
    public var columns: Int { vectorWidth * vectors }

    /// 8 × 32 in 16-float vectors: 16 accumulators of the 32 registers AVX-512 has.
    public static let wide = PackedGemmTile(rows: 8, vectorWidth: 16, vectors: 2)

    /// The tile for a device whose native float vector holds `nativeVectorWidth` floats
    /// (`CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT`): `wide` for 16 (AVX-512); otherwise 6 rows of two
    /// native vectors, 12 accumulators + 2 B vectors + 1 broadcast within the 16 registers of
    /// AVX2 or SSE (6 × 16 for 8, the classic Haswell kernel shape; 6 × 8 for 4).
    public init(nativeVectorWidth: Int) {
        if nativeVectorWidth >= 16 { self = .wide; return }
        self.init(rows: 6, vectorWidth: nativeVectorWidth >= 8 ? 8 : 4, vectors: 2)
    }

    /// The `-D` options of a kernel build with this tile.
    var buildOptions: String { "-DGEMM_MR=\(rows) -DGEMM_VW=\(vectorWidth) -DGEMM_NV=\(vectors)" }

    public var description: String { "\(rows)x\(columns)" }
}
