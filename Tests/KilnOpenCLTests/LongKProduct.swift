import Kiln
import KilnCheck
import Testing
@testable import KilnOpenCL

/// A long-K, tiny-C product (a filter gradient's shape) that both GEMM kernels split along K:
/// 9x5 by K = 6007 (ranges that do not divide it, so the last is ragged), lda, ldb and ldc
/// padded, operands at offsets, alpha and beta, against the CPU reference.
enum LongKProduct {
    static func descriptor(_ transposes: (Bool, Bool)) -> GemmDescriptor {
        var d = GemmDescriptor(m: 9, n: 5, k: 6007, transposeA: transposes.0, transposeB: transposes.1, alpha: 0.5, beta: 0.75)
        d.lda += 3; d.ldb += 2; d.ldc = 7
        return d
    }

    /// Tolerance: 1e-4 of the largest |C| (sums of 6007 products, summed in another order).
    static func expectMatchesReference(_ backend: OpenCLBackend, _ d: GemmDescriptor) throws {
        var rng = SplitMix64(seed: 3)
        let a = (0..<(d.extentA + 4)).map { _ in rng.nextNormal() }, b = (0..<(d.extentB + 1)).map { _ in rng.nextNormal() }
        let c = (0..<(d.extentC + 2)).map { _ in rng.nextNormal() }
        func run(_ be: any Backend) throws -> [Float] {
            let ta = try be.makeTensor([a.count], values: a), tb = try be.makeTensor([b.count], values: b)
            let tc = try be.makeTensor([c.count], values: c)
            try be.gemm(d, a: Tensor(buffer: ta.buffer, offset: 4, shape: [d.extentA]),
                        b: Tensor(buffer: tb.buffer, offset: 1, shape: [d.extentB]),
                        c: Tensor(buffer: tc.buffer, offset: 2, shape: [d.extentC]))
            return try be.download(tc)
        }
        let got = try run(backend), want = try run(CPUBackend(threads: 1))
        let scale = want.map { abs($0) }.max()!
        let worst = zip(got, want).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-4 * scale, "max error \(worst) of \(scale)")
    }
}
