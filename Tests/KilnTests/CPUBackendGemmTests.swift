import Testing
@testable import Kiln
import KilnCheck

@Suite struct CPUBackendGemmTests {
    /// Shapes with every transpose, padded leading dimensions, strided and shared batches.
    static let cases: [GemmDescriptor] = {
        var list: [GemmDescriptor] = []
        func add(_ m: Int, _ n: Int, _ k: Int, tA: Bool, tB: Bool, alpha: Float = 1, beta: Float = 0,
                 pad: Int = 0, batch: Int = 1, gap: Int = 0, sharedA: Bool = false) {
            var d = GemmDescriptor(m: m, n: n, k: k, transposeA: tA, transposeB: tB, alpha: alpha, beta: beta)
            d.lda += pad; d.ldb += 2 * pad; d.ldc += pad
            d.batch = batch
            d.strideA = sharedA ? 0 : (tA ? k : m) * d.lda + gap
            d.strideB = (tB ? n : k) * d.ldb + gap
            d.strideC = m * d.ldc + gap
            list.append(d)
        }
        add(1, 1, 1, tA: false, tB: false)
        add(7, 5, 3, tA: false, tB: false)
        add(5, 9, 13, tA: true, tB: false, alpha: 0.5)
        add(6, 7, 33, tA: false, tB: true, beta: 0.75)
        add(9, 3, 8, tA: true, tB: true, alpha: -2, beta: 1, pad: 3)
        add(13, 11, 17, tA: false, tB: false, pad: 4, batch: 3, gap: 5)
        add(4, 6, 5, tA: true, tB: true, beta: 0.5, pad: 1, batch: 4, gap: 2)
        add(17, 10, 29, tA: false, tB: true, batch: 5, sharedA: true)
        add(64, 121, 20, tA: false, tB: false, batch: 2)
        return list
    }()

    /// The definition against products worked out by hand:
    /// [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]], alpha 2, beta 1 onto ones.
    @Test func definitionMatchesHandComputedValues() {
        let d = GemmDescriptor(m: 2, n: 2, k: 2, alpha: 2, beta: 1)
        #expect(GemmDefinition.product(d, a: [1, 2, 3, 4], b: [5, 6, 7, 8], c: [1, 1, 1, 1]) == [39, 45, 87, 101])
        // The same product with A and B stored transposed; beta 0 ignores a NaN C.
        let t = GemmDescriptor(m: 2, n: 2, k: 2, transposeA: true, transposeB: true)
        #expect(GemmDefinition.product(t, a: [1, 3, 2, 4], b: [5, 7, 6, 8], c: [.nan, .nan, .nan, .nan]) == [19, 22, 43, 50])
        // A batch of two 1×1×3 dot products with C's leading dimension padded: gaps keep their value.
        var batched = GemmDescriptor(m: 1, n: 1, k: 3)
        batched.batch = 2; batched.strideA = 3; batched.strideB = 0; batched.strideC = 2
        #expect(GemmDefinition.product(batched, a: [1, 2, 3, -1, 0, 1], b: [4, 5, 6], c: [0, 9, 0]) == [32, 9, 2])
    }

    /// Tolerance 4ε: the backend rounds a Double sum once to Float, as the reference does,
    /// so the only differences come from operation order in alpha/beta (a few ulp at most).
    /// Elements between the matrices (padding, batch gaps) must come back unchanged.
    @Test(arguments: cases)
    func matchesDefinition(_ d: GemmDescriptor) throws {
        var f = Fixture(seed: UInt64(d.m * 1000 + d.n * 10 + d.k))
        let a = f.values(d.extentA), b = f.values(d.extentB)
        var c = f.values(d.extentC + 3)
        if d.beta == 0 {
            // Inside the product C must be ignored, even NaN; outside it must be kept.
            for bi in 0..<d.batch { for i in 0..<d.m { for j in 0..<d.n { c[bi * d.strideC + i * d.ldc + j] = .nan } } }
        }
        let tc = try f.tensor([c.count], c)
        try f.backend.gemm(d, a: try f.tensor([a.count], a), b: try f.tensor([b.count], b), c: tc)
        expectClose(try f.read(tc), GemmDefinition.product(d, a: a, b: b, c: c), rms: 4 * eps, "gemm \(d)")
    }

    @Test func resultsDoNotDependOnThreadCount() throws {
        var d = GemmDescriptor(m: 37, n: 29, k: 301, transposeB: true)
        d.batch = 3; d.strideA = 37 * 301; d.strideB = 29 * 301; d.strideC = 37 * 29
        var f = Fixture()
        let a = f.values(d.extentA), b = f.values(d.extentB)
        var results: [[Float]] = []
        for threads in [1, 2, 5] {
            let backend = CPUBackend(threads: threads)
            let c = try backend.makeTensor([d.extentC])
            try backend.gemm(d, a: try backend.makeTensor([a.count], values: a),
                             b: try backend.makeTensor([b.count], values: b), c: c)
            results.append(try backend.download(c))
        }
        #expect(results[0] == results[1] && results[0] == results[2])
    }

    @Test func knownProduct() throws {
        // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]; alpha 2, beta 1 onto [1, 1, 1, 1].
        let b = CPUBackend()
        let c = try b.makeTensor([4], values: [1, 1, 1, 1])
        try b.gemm(GemmDescriptor(m: 2, n: 2, k: 2, alpha: 2, beta: 1),
                   a: try b.makeTensor([4], values: [1, 2, 3, 4]), b: try b.makeTensor([4], values: [5, 6, 7, 8]), c: c)
        #expect(try b.download(c) == [39, 45, 87, 101])
    }
}

extension GemmDescriptor: CustomTestStringConvertible {
    public var testDescription: String {
        "m\(m) n\(n) k\(k) tA\(transposeA ? 1 : 0) tB\(transposeB ? 1 : 0) ld(\(lda),\(ldb),\(ldc)) batch\(batch) α\(alpha) β\(beta)"
    }
}
