/// The plain definition of `Backend.gemm` (the formula on `GemmDescriptor`): three loops per
/// matrix of the batch, each dot product summed in order in Double and rounded once.
///
/// This is what a product means, read in one place. The CPU backend's fast path
/// (`CPUBackend.gemmRows`: B untransposed once, four rows of A per pass over B, threads over
/// row blocks) is tested against it on every transpose, padded leading dimensions and
/// strided batches; this definition is tested against products worked out by hand.
enum GemmDefinition {
    /// C after `d`'s product: only the matrices' elements change; padding between rows and
    /// gaps between batch matrices keep `c`'s values. With beta == 0, C's old values (even
    /// NaN) are not read.
    static func product(_ d: GemmDescriptor, a: [Float], b: [Float], c: [Float]) -> [Float] {
        var out = c
        for bi in 0..<d.batch {
            for i in 0..<d.m {
                for j in 0..<d.n {
                    var sum = 0.0
                    for p in 0..<d.k {
                        let av = d.transposeA ? a[bi * d.strideA + p * d.lda + i] : a[bi * d.strideA + i * d.lda + p]
                        let bv = d.transposeB ? b[bi * d.strideB + j * d.ldb + p] : b[bi * d.strideB + p * d.ldb + j]
                        sum += Double(av) * Double(bv)
                    }
                    let ci = bi * d.strideC + i * d.ldc + j
                    out[ci] = Float(Double(d.alpha) * sum + (d.beta == 0 ? 0 : Double(d.beta) * Double(c[ci])))
                }
            }
        }
        return out
    }
}
