/// Who runs a device's plain GEMMs (those without a bias/activation epilogue: the backward
/// passes, and every GEMM `gemm(_:a:b:c:)` is asked for). `kiln tune` stores `.clblast` for a
/// device where CLBlast measured faster than Kiln's best kernel on the workload.
public enum GemmProvider: String, Codable, Hashable, Sendable, CaseIterable {
    /// Kiln's own kernels (`gemm_tiled`, or the packed kernels on CPU devices).
    case kiln
    /// CLBlast's SGEMM, loaded at run time; Kiln's kernels still run the GEMMs with an
    /// epilogue, those with K = 0, and everything after a CLBlast call fails or when the
    /// library is missing.
    case clblast
}
