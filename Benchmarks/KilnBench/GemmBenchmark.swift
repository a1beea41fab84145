import Kiln
import KilnCheck
import KilnOpenCL

/// One `--gemm` shape's result.
public struct GemmResult: Codable, Sendable {
    public var shape: GemmShape
    /// Best of `runs` (after warm-up), wall time from enqueue to a one-element download.
    public var seconds: Double
    public var gflopsPerSecond: Double
    public var runs: Int
    /// The check against the CPU reference; nil on the CPU backend (it is the reference).
    public var check: Check?
    /// CLBlast's SGEMM on the same operands, device and run (OpenCL with CLBlast installed).
    public var clblast: Yardstick?

    public struct Check: Codable, Sendable {
        /// Rows of C recomputed by the CPU reference (evenly spaced, first and last included).
        public var rows: [Int]
        public var normalizedRMS: Double
        /// `OpTolerance.sum(of: K + 2, multiple: 4)`, the bound `kiln check` uses for GEMM.
        public var tolerance: Double
        public var passed: Bool
    }

    /// Another library's GEMM timed and checked like Kiln's, or why it could not run.
    public struct Yardstick: Codable, Sendable {
        public var seconds: Double?
        public var gflopsPerSecond: Double?
        public var check: Check?
        public var error: String?
    }
}

/// GEMM throughput per shape, checked against the CPU reference.
///
/// A, B are uniform in [−1, 1) from the seed. Timing: `TimedLoop.best(of:)` — the minimum
/// over runs, each a GEMM and a one-element download (so the device has finished).
/// Checking every element would cost a full CPU GEMM (minutes for 2048³ on two cores), so
/// only `checkRows` rows of C are recomputed: a row of C depends on all of B and one row of
/// A, so any indexing or tiling error in the kernel that touches B or the K loop shows up.
public enum GemmBenchmark {
    public static func run(_ shapes: [GemmShape], on backend: any Backend, isReference: Bool,
                           loop: TimedLoop, runs: Int, checkRows: Int = 8, seed: UInt64,
                           progress: (GemmResult) -> Void = { _ in }) throws -> [GemmResult] {
        try shapes.map { shape in
            let result = try measure(shape, on: backend, isReference: isReference, loop: loop, runs: runs,
                                     checkRows: checkRows, seed: seed)
            progress(result)
            return result
        }
    }

    static func measure(_ s: GemmShape, on b: any Backend, isReference: Bool, loop: TimedLoop, runs: Int,
                        checkRows: Int, seed: UInt64) throws -> GemmResult {
        var rng = SplitMix64(seed: seed, stream: 11)
        let hostA = (0..<s.m * s.k).map { _ in 2 * rng.nextUniform() - 1 }
        let hostB = (0..<s.k * s.n).map { _ in 2 * rng.nextUniform() - 1 }
        let a = try b.makeTensor([s.m, s.k], values: hostA)
        let bt = try b.makeTensor([s.k, s.n], values: hostB)
        let c = try b.makeTensor([s.m, s.n])
        let d = GemmDescriptor(m: s.m, n: s.n, k: s.k)
        let seconds = try loop.best(of: runs) {
            try b.gemm(d, a: a, b: bt, c: c)
            _ = try b.download(c.view(at: 0, shape: [1]))
        }
        var result = GemmResult(shape: s, seconds: seconds, gflopsPerSecond: s.flops / seconds / 1e9, runs: runs)
        if !isReference {
            result.check = try check(s, c: c, on: b, hostA: hostA, hostB: hostB, rows: checkRows)
        }
        if let openCL = b as? OpenCLBackend, case .success = CLBlastLibrary.shared {
            result.clblast = try clblast(s, d, a: a, b: bt, c: c, on: openCL, loop: loop, runs: runs,
                                         hostA: hostA, hostB: hostB, checkRows: checkRows)
        }
        return result
    }

    /// CLBlast's SGEMM into the same C, first filled with a huge finite value (beta is 0, so
    /// an element it leaves unwritten fails the check, one it reads as beta·C does not).
    /// A failing call is reported in the result, not thrown: Kiln's figure still stands.
    static func clblast(_ s: GemmShape, _ d: GemmDescriptor, a: Tensor, b bt: Tensor, c: Tensor, on b: OpenCLBackend,
                        loop: TimedLoop, runs: Int, hostA: [Float], hostB: [Float], checkRows: Int) throws -> GemmResult.Yardstick {
        try b.fill(c, with: 1e30)
        do {
            let seconds = try loop.best(of: runs) {
                try b.clblastGemm(d, a: a, b: bt, c: c)
                _ = try b.download(c.view(at: 0, shape: [1]))
            }
            return GemmResult.Yardstick(seconds: seconds, gflopsPerSecond: s.flops / seconds / 1e9,
                                        check: try check(s, c: c, on: b, hostA: hostA, hostB: hostB, rows: checkRows))
        } catch let error as CLBlastError {
            return GemmResult.Yardstick(error: error.description)
        }
    }

    /// Recomputes `rows` rows of C on the CPU reference and compares.
    static func check(_ s: GemmShape, c: Tensor, on b: any Backend, hostA: [Float], hostB: [Float],
                      rows count: Int) throws -> GemmResult.Check {
        let r = min(count, s.m)
        let rows = r == 1 ? [0] : (0..<r).map { $0 * (s.m - 1) / (r - 1) }
        var device = [Float]()
        for row in rows { device += try b.download(c.view(at: row * s.n, shape: [s.n])) }
        let cpu = CPUBackend()
        let a = try cpu.makeTensor([r, s.k], values: rows.flatMap { hostA[$0 * s.k..<($0 + 1) * s.k] })
        let bt = try cpu.makeTensor([s.k, s.n], values: hostB)
        let reference = try cpu.makeTensor([r, s.n])
        try cpu.gemm(GemmDescriptor(m: r, n: s.n, k: s.k), a: a, b: bt, c: reference)
        let comparison = Comparison(device, try cpu.download(reference))
        let tolerance = OpTolerance.sum(of: s.k + 2, multiple: 4)
        return GemmResult.Check(rows: rows, normalizedRMS: comparison.normalizedRMS,
                                tolerance: tolerance.normalizedRMS, passed: tolerance.passes(comparison))
    }
}
