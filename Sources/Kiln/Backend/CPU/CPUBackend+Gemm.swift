extension CPUBackend {
    /// The unfused definition: the product, the bias added to every row, then f in place.
    public func denseForward(input: Tensor, weight: Tensor, bias: Tensor?, activation: ElementwiseActivation, output: Tensor) throws {
        let d = GemmDescriptor.dense(input: input, weight: weight, bias: bias, output: output)
        try gemm(d, a: input, b: weight, c: output)
        if let bias { try biasAdd(output, bias: bias, channels: d.n) }
        if activation != .linear { try activationForward(activation.function, input: output, output: output) }
    }

    public func gemm(_ d: GemmDescriptor, a: Tensor, b: Tensor, c: Tensor) throws {
        precondition(d.m > 0 && d.n > 0 && d.k >= 0 && d.batch > 0, "gemm sizes must be positive: \(d)")
        precondition(d.lda >= (d.transposeA ? d.m : d.k), "gemm lda \(d.lda) too small")
        precondition(d.ldb >= (d.transposeB ? d.k : d.n), "gemm ldb \(d.ldb) too small")
        precondition(d.ldc >= d.n, "gemm ldc \(d.ldc) too small")
        precondition(d.k == 0 || (a.count >= d.extentA && b.count >= d.extentB),
                     "gemm A/B tensors (\(a.count), \(b.count)) smaller than extents (\(d.extentA), \(d.extentB))")
        precondition(c.count >= d.extentC, "gemm C tensor (\(c.count)) smaller than extent \(d.extentC)")
        precondition(!c.overlaps(a) && !c.overlaps(b), "gemm C may not alias A or B")
        let pa = pointer(a), pc = pointer(c)
        var pb = UnsafePointer(pointer(b)), ldb = d.ldb, strideB = d.strideB
        if d.transposeB && d.k > 0 {
            // Untranspose B once ([n, k] → [k, n]) so the kernel's inner loop runs along rows.
            let packed = scratch(.packedB, count: d.batch * d.k * d.n)
            let src = pb, (k, n) = (d.k, d.n)
            parallelFor(d.batch * k) { row in
                let (bi, p) = row.quotientAndRemainder(dividingBy: k)
                let from = src + bi * d.strideB + p, to = packed + bi * k * n + p * n
                for j in 0..<n { to[j] = from[j * d.ldb] }
            }
            pb = UnsafePointer(packed); ldb = n; strideB = k * n
        }
        let rowBlock = 16
        let blocks = (d.m + rowBlock - 1) / rowBlock
        let bPacked = pb, ldbPacked = ldb, strideBPacked = strideB
        parallelFor(d.batch * blocks) { item in
            let (bi, block) = item.quotientAndRemainder(dividingBy: blocks)
            let rows = (block * rowBlock)..<min(d.m, (block + 1) * rowBlock)
            Self.gemmRows(rows, n: d.n, k: d.k,
                          a: pa + bi * d.strideA, lda: d.lda, transposeA: d.transposeA,
                          b: bPacked + bi * strideBPacked, ldb: ldbPacked,
                          c: pc + bi * d.strideC, ldc: d.ldc, alpha: d.alpha, beta: d.beta)
        }
    }

    /// The one GEMM kernel every product goes through. For each i in `rows`:
    ///
    ///     C[i, j] = alpha · Σ_{p < k} A(i, p) · B[p, j] + beta · C[i, j]      (beta == 0: C not read)
    ///
    /// with A(i, p) = a[i·lda + p], or a[p·lda + i] when `transposeA`, and B stored row-major
    /// [k, n] with leading dimension `ldb`. The sum runs over p in order in Double, one
    /// accumulator per output (the i-k-j order: the inner loop walks a row of B and a row of
    /// accumulators, contiguous, so the compiler vectorises it). Four rows share each pass
    /// over B; every output sees the same sequence of operations either way.
    static func gemmRows(_ rows: Range<Int>, n: Int, k: Int,
                         a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
                         b: UnsafePointer<Float>, ldb: Int,
                         c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float) {
        @inline(__always) func aAt(_ i: Int, _ p: Int) -> Double {
            Double(transposeA ? a[p * lda + i] : a[i * lda + p])
        }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * n) { buffer in
            let acc = buffer.baseAddress!
            var i = rows.lowerBound
            while i < rows.upperBound {
                let r = min(4, rows.upperBound - i)
                acc.update(repeating: 0, count: r * n)
                if r == 4 {
                    let acc0 = acc, acc1 = acc + n, acc2 = acc + 2 * n, acc3 = acc + 3 * n
                    for p in 0..<k {
                        let a0 = aAt(i, p), a1 = aAt(i + 1, p), a2 = aAt(i + 2, p), a3 = aAt(i + 3, p)
                        let bRow = b + p * ldb
                        for j in 0..<n {
                            let bj = Double(bRow[j])
                            acc0[j] += a0 * bj
                            acc1[j] += a1 * bj
                            acc2[j] += a2 * bj
                            acc3[j] += a3 * bj
                        }
                    }
                } else {
                    for row in 0..<r {
                        let accRow = acc + row * n
                        for p in 0..<k {
                            let ai = aAt(i + row, p)
                            let bRow = b + p * ldb
                            for j in 0..<n { accRow[j] += ai * Double(bRow[j]) }
                        }
                    }
                }
                let alphaD = Double(alpha), betaD = Double(beta)
                for row in 0..<r {
                    let cRow = c + (i + row) * ldc, accRow = acc + row * n
                    if beta == 0 {
                        for j in 0..<n { cRow[j] = Float(alphaD * accRow[j]) }
                    } else {
                        for j in 0..<n { cRow[j] = Float(alphaD * accRow[j] + betaD * Double(cRow[j])) }
                    }
                }
                i += r
            }
        }
    }
}
