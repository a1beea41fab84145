import Dispatch

/// The device's measured ceilings (`OpenCLBackend.measurePeak`): what the FMA and copy probes
/// of `Kernels/peak.cl` reach, so any kernel's GFLOP/s or GB/s can be read as a fraction.
public struct PeakThroughput: Hashable, Sendable {
    /// GFLOP/s of the FMA probe by vector width (4, 8, 16), best run of each.
    public var fmaGFLOPS: [Int: Double]
    /// GB/s of the `peak_copy` kernel, counting the read and the write (as STREAM does).
    public var copyKernelGBps: Double
    /// GB/s of `clEnqueueCopyBuffer` on the same buffers, counted the same way.
    public var copyBufferGBps: Double
    /// Size of each of the two copy buffers.
    public var copyBytes: Int

    /// The best FMA figure over the widths: the compute ceiling.
    public var bestFMAGFLOPS: Double { fmaGFLOPS.values.max() ?? 0 }
    /// The better of the two copies: the memory ceiling.
    public var bestCopyGBps: Double { max(copyKernelGBps, copyBufferGBps) }
}

extension OpenCLBackend {
    /// Runs the probes of `Kernels/peak.cl`: FMA chains on float4/8/16 and a large copy.
    /// The probes are not in the ops' program: the first call builds `peak.cl` on its own.
    ///
    /// Each probe is launched once to compile it (PoCL compiles at first launch), then sized
    /// to take about `seconds` per run, and the best of `runs` timed runs is kept. Times are
    /// wall clock from enqueue to `clFinish`, so they include launch overhead (negligible at
    /// this size). The copy buffers come from the pool and are trimmed afterwards, so
    /// `deviceBytesAllocated` is not left inflated.
    public func measurePeak(seconds: Double = 0.3, runs: Int = 3, copyBytes: Int = 256 << 20) throws -> PeakThroughput {
        precondition(seconds > 0 && runs >= 1 && copyBytes >= 16, "invalid peak probe settings")
        return try locked {
            defer { pool.trim() }
            try buildProbes()
            var fma: [Int: Double] = [:]
            // Enough items to give every compute unit many groups (a GPU needs thousands).
            let items = max(device.computeUnits, 1) * 2048
            let group = min(64, device.maxWorkGroupSize)
            let out = try workspace(items * 16)
            for width in [4, 8, 16] {
                let name = "peak_fma_float\(width)"
                let run = { (iterations: Int) in
                    try self.timed {
                        try self.launch(PeakFMAKernel(out: out.memory, iterations: iterations, m: 0.999, c: 1e-3),
                                        kernel: name, global: [items], local: [group])
                    }
                }
                _ = try run(1)
                let probe = 256
                let iterations = max(probe, Int(Double(probe) * seconds / max(try run(probe), 1e-6)))
                let best = try (0..<runs).map { _ in try run(iterations) }.min()!
                fma[width] = 2 * Double(width) * 16 * Double(iterations) * Double(items) / best / 1e9
            }

            let count4 = copyBytes / 16
            let source = try workspace(count4 * 4), destination = try workspace(count4 * 4)
            try queue.fill(source.memory, with: 1, byteOffset: 0, count: count4 * 16)
            let kernelCopy = {
                try self.timed {
                    try self.launch(PeakCopyKernel(src: source.memory, dst: destination.memory, count4: count4),
                                    global: [count4], local: [self.config.elementwiseGroupSize])
                }
            }
            let bufferCopy = {
                try self.timed {
                    try self.queue.copy(source.memory, byteOffset: 0, to: destination.memory,
                                        destinationOffset: 0, count: count4 * 16)
                }
            }
            let bytesMoved = 2 * Double(count4 * 16)
            _ = try kernelCopy()
            _ = try bufferCopy()
            let kernelBest = try (0..<max(runs, 3)).map { _ in try kernelCopy() }.min()!
            let bufferBest = try (0..<max(runs, 3)).map { _ in try bufferCopy() }.min()!
            return PeakThroughput(fmaGFLOPS: fma, copyKernelGBps: bytesMoved / kernelBest / 1e9,
                                  copyBufferGBps: bytesMoved / bufferBest / 1e9, copyBytes: count4 * 16)
        }
    }

    /// Builds `Kernels/peak.cl` as a program of its own (no disk cache: it runs rarely) and
    /// adopts its kernels, once per backend.
    private func buildProbes() throws {
        let names = [4, 8, 16].map { "peak_fma_float\($0)" } + [PeakCopyKernel.kernelName]
        guard !hasKernel(names[0]) else { return }
        let source = OpenCLBackend.probeFiles.sorted().map { EmbeddedKernels.sources[$0]! }.joined(separator: "\n")
        let (program, _) = try ProgramCache(directory: nil).program(context: context, source: source, options: "")
        try adopt(names, of: program)
    }

    /// Wall seconds from before `enqueue` until the queue has drained.
    private func timed(_ enqueue: () throws -> Void) throws -> Double {
        try queue.finish()
        let start = DispatchTime.now().uptimeNanoseconds
        try enqueue()
        try queue.finish()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// `peak_fma_float<N>` of peak.cl, one kernel per width (see `KernelArguments`).
struct PeakFMAKernel: KernelArguments {
    static let kernelName = "peak_fma_float4"
    var out: CLMemory
    var iterations: Int
    var m, c: Float
}

struct PeakCopyKernel: KernelArguments {
    static let kernelName = "peak_copy"
    var src, dst: CLMemory
    var count4: Int
}
