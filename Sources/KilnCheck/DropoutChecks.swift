import Kiln
extension OpCheckSuite {
    /// Tolerance: exact. Masks come from integer Philox words compared with an integer
    /// threshold, and a kept value is one float multiply by the same host-computed scale, so
    /// every backend must produce the same bits.
    static func dropoutCases(large: Bool) -> [OpCheckCase] {
        var cases: [OpCheckCase] = []
        var shapes: [(String, Shape)] = [("odd 1001 elements (not a multiple of 4)", [7, 11, 13]),
                                         ("3 elements", [1, 3])]
        if large { shapes.append(("batch 16, 32x28x28", [16, 32, 28, 28])) }
        let keys = [DropoutKey(seed: 42, layer: 3, step: 7), DropoutKey(seed: 0xDEAD_BEEF, layer: 0, step: 0x1_0000_0005)]
        for (shapeName, shape) in shapes {
            for rate: Float in [0, 0.1, 0.5, 0.9] {
                let key = rate == 0.5 ? keys[1] : keys[0]
                let name = "\(shapeName), rate \(rate), step \(key.step)"
                cases.append(OpCheckCase("dropout.forward", name, tolerance: .exact) { ctx in
                    // Views at an odd offset, so element indices (not buffer indices) drive the mask.
                    let x = try ctx.uniform([shape.count + 3]).view(at: 3, shape: shape)
                    let y = try ctx.poisoned([shape.count + 1]).view(at: 1, shape: shape)
                    try ctx.backend.dropoutForward(DropoutRate(rate), key: key, input: x, output: y)
                    ctx.record("y", y)
                })
                cases.append(OpCheckCase("dropout.backward", name, tolerance: .exact) { ctx in
                    let dy = try ctx.uniform(shape), dx = try ctx.poisoned(shape)
                    try ctx.backend.dropoutBackward(DropoutRate(rate), key: key, outputGrad: dy, inputGrad: dx)
                    ctx.record("dx", dx)
                })
            }
        }
        // A data-parallel rank's share: the tensor starts at a global element that is not a
        // multiple of 4 (so blocks straddle both ends), and one that is, past 2^32 elements' step.
        for key in [DropoutKey(seed: 42, layer: 3, step: 7, elementOffset: 3 * 1001 + 2),
                    DropoutKey(seed: 5, layer: 1, step: 0x1_0000_0005, elementOffset: 4 * 250)] {
            let shape: Shape = [3, 7, 11, 13]
            let name = "rank's share at global element \(key.elementOffset), \(shape.count) elements, rate 0.5"
            cases.append(OpCheckCase("dropout.forward", name, tolerance: .exact) { ctx in
                let x = try ctx.uniform(shape), y = try ctx.poisoned(shape)
                try ctx.backend.dropoutForward(DropoutRate(0.5), key: key, input: x, output: y)
                ctx.record("y", y)
            })
            cases.append(OpCheckCase("dropout.backward", name, tolerance: .exact) { ctx in
                let dy = try ctx.uniform([shape.count]).view(at: 1, shape: [shape.count - 1])
                let dx = try ctx.poisoned([shape.count - 1])
                try ctx.backend.dropoutBackward(DropoutRate(0.5), key: key, outputGrad: dy, inputGrad: dx)
                ctx.record("dx", dx)
            })
        }
        return cases
    }
}
