import Kiln
extension OpCheckSuite {
    /// Tolerances. d sums `size` squares (float32 on a device, Double on the CPU) and pow adds
    /// a few ulps; y = x·d^(−beta) with beta < 1 does not magnify that: 8·ε·sqrt(size). dx adds
    /// ≤ size terms, each a product of one such power and d's error again, and its two parts can
    /// cancel: 16·ε·size. Inputs span ±3 and alpha is 0.5, not 1e-4, so the normalisation (and
    /// the backward's cross-channel term) is far from the identity.
    static func localResponseNormCases(large: Bool) -> [OpCheckCase] {
        var geometries: [(String, LocalResponseNormGeometry)] = [
            ("batch 1, 3 ch < size 5, 7x5",
             LocalResponseNormGeometry(batch: 1, channels: 3, spatial: 35, size: 5, alpha: 0.5, beta: 0.75, k: 1)),
            ("batch 2, 7 ch, even size 4 (asymmetric window), 3x3",
             LocalResponseNormGeometry(batch: 2, channels: 7, spatial: 9, size: 4, alpha: 0.5, beta: 0.75, k: 1)),
            ("batch 3, 11 ch, size 5, 1x1, AlexNet k 2, beta 0.6",
             LocalResponseNormGeometry(batch: 3, channels: 11, spatial: 1, size: 5, alpha: 0.5, beta: 0.6, k: 2)),
            ("batch 2, 5 ch, size 1, odd 5x3",
             LocalResponseNormGeometry(batch: 2, channels: 5, spatial: 15, size: 1, alpha: 0.5, beta: 0.75, k: 1)),
        ]
        if large {
            geometries.append(("batch 4, 96 ch, 13x13, size 5",
                               LocalResponseNormGeometry(batch: 4, channels: 96, spatial: 169, size: 5,
                                                         alpha: 0.5, beta: 0.75, k: 2)))
        }
        var cases: [OpCheckCase] = []
        for (shape, g) in geometries {
            precondition(g.isValid, "bad check geometry \(shape)")
            let dims: Shape = [g.batch, g.channels, g.spatial]
            cases.append(OpCheckCase("localResponseNorm.forward", shape, tolerance: .sum(of: g.size, multiple: 8)) { ctx in
                let x = try ctx.uniform(dims, in: -3...3), y = try ctx.poisoned(dims)
                try ctx.backend.localResponseNormForward(g, input: x, output: y)
                ctx.record("y", y)
            })
            cases.append(OpCheckCase("localResponseNorm.backward", shape, tolerance: .ulps(16 * Double(g.size))) { ctx in
                let x = try ctx.uniform(dims, in: -3...3), dy = try ctx.uniform(dims)
                let dx = try ctx.poisoned(dims)
                try ctx.backend.localResponseNormBackward(g, input: x, outputGrad: dy, inputGrad: dx)
                ctx.record("dx", dx)
            })
        }
        return cases
    }
}
