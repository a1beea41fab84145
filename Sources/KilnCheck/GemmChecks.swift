import Kiln
extension OpCheckSuite {
    /// Tolerance: each output is a dot product of length k, summed in float32 on a device
    /// (Double on the CPU). For random-sign terms the rounding error is ~ε·sqrt(k/2) of the
    /// result's norm; 4·ε·sqrt(k) leaves margin for alpha/beta scaling and tile order.
    static func gemmCases(large: Bool) -> [OpCheckCase] {
        var cases: [OpCheckCase] = []
        func add(_ shape: String, _ d: GemmDescriptor) {
            cases.append(OpCheckCase("gemm", shape, tolerance: .sum(of: d.k + 2, multiple: 4)) { ctx in
                let a = try ctx.uniform([d.extentA]), b = try ctx.uniform([d.extentB])
                // beta == 0 must ignore C entirely (even NaN); otherwise C starts random.
                let c = d.beta == 0 ? try ctx.poisoned([d.extentC]) : try ctx.uniform([d.extentC])
                try ctx.backend.gemm(d, a: a, b: b, c: c)
                ctx.record("C", c)
            })
        }
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let t = (ta ? "Aᵀ" : "A") + "·" + (tb ? "Bᵀ" : "B")
            add("\(t), 7x5x9 (below one tile)", GemmDescriptor(m: 7, n: 5, k: 9, transposeA: ta, transposeB: tb))
            add("\(t), 33x65x17, alpha 0.5, beta 0.75",
                GemmDescriptor(m: 33, n: 65, k: 17, transposeA: ta, transposeB: tb, alpha: 0.5, beta: 0.75))
        }
        add("batch 1 row: 1x10x37", GemmDescriptor(m: 1, n: 10, k: 37))
        add("k = 1 outer product 9x11", GemmDescriptor(m: 9, n: 11, k: 1))
        var strided = GemmDescriptor(m: 5, n: 6, k: 7, transposeB: true, beta: 1)
        strided.lda = 9; strided.ldb = 8; strided.ldc = 7
        strided.batch = 3; strided.strideA = 5 * 9 + 3; strided.strideB = 6 * 8 + 1; strided.strideC = 5 * 7 + 2
        add("batched 3, padded leading dims and strides", strided)
        var shared = GemmDescriptor(m: 6, n: 13, k: 11)
        shared.batch = 4; shared.strideA = 0
        add("batched 4, shared A (stride 0)", shared)
        // Bᵀ with padded ldb, batched: full 16 x 16 blocks, a k remainder, a strip of 21 live
        // columns (one block and five single columns), rows past the tile.
        var wide = GemmDescriptor(m: 11, n: 53, k: 40, transposeB: true)
        wide.ldb = 43; wide.batch = 2; wide.strideB = 53 * 43 + 5; wide.strideA = 11 * 40; wide.strideC = 11 * 53
        add("A·Bᵀ batched 2, 11x53x40, ldb 43 (16x16 transposed blocks and tails)", wide)
        // Dense forward: the product with bias (one per column) and activation in the epilogue.
        // Batch 1 with 3000 inputs takes the split-K path (the epilogue after the partial sums).
        let dense: [(batch: Int, inputs: Int, units: Int, bias: Bool, f: ElementwiseActivation)] = [
            (4, 9, 3, true, .linear), (7, 13, 5, true, .relu), (33, 40, 37, true, .leakyReLU(alpha: 0.2)),
            (5, 17, 64, false, .sigmoid), (1, 3000, 20, true, .tanh),
        ]
        for c in dense {
            var tolerance = OpTolerance.sum(of: c.inputs + 1, multiple: 4)
            tolerance.normalizedRMS += 8 * Comparison.floatEpsilon
            let name = "batch \(c.batch), \(c.inputs) → \(c.units)" + (c.bias ? "" : ", no bias") + ", " + c.f.name
            cases.append(OpCheckCase("dense.forward", name, tolerance: tolerance) { ctx in
                let x = try ctx.uniform([c.batch, c.inputs]), w = try ctx.uniform([c.units, c.inputs])
                let b = c.bias ? try ctx.uniform([c.units]) : nil
                let y = try ctx.poisoned([c.batch, c.units])
                try ctx.backend.denseForward(input: x, weight: w, bias: b, activation: c.f, output: y)
                ctx.record("y", y)
            })
            // Dense backward: dx written (a sum over units), dW and db accumulated onto random
            // values (sums over the batch), as conv2d.backwardData/backwardFilter.
            let shape = "batch \(c.batch), \(c.inputs) → \(c.units)" + (c.bias ? "" : ", no bias")
            cases.append(OpCheckCase("dense.backwardData", shape, tolerance: .sum(of: c.units + 2, multiple: 4)) { ctx in
                let dy = try ctx.uniform([c.batch, c.units]), w = try ctx.uniform([c.units, c.inputs])
                let dx = try ctx.poisoned([c.batch, c.inputs])
                try ctx.backend.denseBackwardData(outputGrad: dy, weight: w, inputGrad: dx)
                ctx.record("dx", dx)
            })
            cases.append(OpCheckCase("dense.backwardWeight", shape, tolerance: .sum(of: c.batch + 2, multiple: 4)) { ctx in
                let x = try ctx.uniform([c.batch, c.inputs]), dy = try ctx.uniform([c.batch, c.units])
                let dw = try ctx.uniform([c.units, c.inputs]), db = c.bias ? try ctx.uniform([c.units]) : nil
                try ctx.backend.denseBackwardWeight(input: x, outputGrad: dy, weightGrad: dw, biasGrad: db)
                ctx.record("dW", dw)
                if let db { ctx.record("db", db) }
            })
        }
        if large {
            add("130x200x300", GemmDescriptor(m: 130, n: 200, k: 300))
            add("Aᵀ·B 96x257x129, beta 1", GemmDescriptor(m: 96, n: 257, k: 129, transposeA: true, beta: 1))
        }
        return cases
    }
}
