import KilnOpenCL

/// The device's measured ceilings (see `OpenCLBackend.measurePeak` and `Kernels/peak.cl`),
/// in the report's terms.
public struct PeakReport: Codable, Sendable {
    /// GFLOP/s of the FMA probe by vector type ("float4", "float8", "float16").
    public var fmaGFLOPS: [String: Double]
    public var bestFMAGFLOPS: Double
    /// GB/s, read plus write, of the copy kernel and of clEnqueueCopyBuffer.
    public var copyKernelGBps: Double
    public var copyBufferGBps: Double
    public var bestCopyGBps: Double
    public var copyBytes: Int

    /// Measures on `backend` (about `seconds` per run, best of `runs`).
    public static func measure(on backend: OpenCLBackend, seconds: Double, runs: Int, copyBytes: Int) throws -> PeakReport {
        let p = try backend.measurePeak(seconds: seconds, runs: runs, copyBytes: copyBytes)
        return PeakReport(fmaGFLOPS: Dictionary(uniqueKeysWithValues: p.fmaGFLOPS.map { ("float\($0.key)", $0.value) }),
                          bestFMAGFLOPS: p.bestFMAGFLOPS, copyKernelGBps: p.copyKernelGBps,
                          copyBufferGBps: p.copyBufferGBps, bestCopyGBps: p.bestCopyGBps, copyBytes: p.copyBytes)
    }
}
