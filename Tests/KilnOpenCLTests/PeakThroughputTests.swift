import Testing
@testable import KilnOpenCL

@Suite("Peak probes")
struct PeakThroughputTests {
    /// The probes live in a program of their own, built at the first `measurePeak`, and run.
    @Test func probesBuildOnDemandAndMeasureSomething() throws {
        let backend = try OpenCLBackend(spec: "opencl")
        #expect(!backend.hasKernel("peak_copy"))
        let peak = try backend.measurePeak(seconds: 0.01, runs: 1, copyBytes: 1 << 16)
        #expect(backend.hasKernel("peak_copy"))
        #expect(peak.fmaGFLOPS.keys.sorted() == [4, 8, 16])
        #expect(peak.bestFMAGFLOPS > 0 && peak.copyKernelGBps > 0 && peak.copyBufferGBps > 0)
        #expect(peak.copyBytes == 1 << 16)
        _ = try backend.measurePeak(seconds: 0.01, runs: 1, copyBytes: 1 << 16)  // built once
    }
}
