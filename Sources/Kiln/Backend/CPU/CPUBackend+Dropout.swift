/// Inverted dropout with Philox masks (see `DropoutKey`): element i of the tensor is kept when
/// `key.word(element: i) ≥ rate.threshold`, and kept values are scaled by `rate.scale`.
extension CPUBackend {
    public func dropoutForward(_ rate: DropoutRate, key: DropoutKey, input: Tensor, output: Tensor) throws {
        precondition(input.count == output.count, "dropout input has \(input.count) elements, output \(output.count)")
        applyMask(rate, key, from: pointer(input), to: pointer(output), count: input.count)
    }

    public func dropoutBackward(_ rate: DropoutRate, key: DropoutKey, outputGrad: Tensor, inputGrad: Tensor) throws {
        precondition(outputGrad.count == inputGrad.count,
                     "dropout output grad has \(outputGrad.count) elements, input grad \(inputGrad.count)")
        applyMask(rate, key, from: pointer(outputGrad), to: pointer(inputGrad), count: outputGrad.count)
    }

    /// to[i] = from[i] · scale where kept, else 0; one Philox block per four global elements
    /// (the first and last block may reach outside the tensor when `key.elementOffset` is
    /// not a multiple of 4).
    private func applyMask(_ rate: DropoutRate, _ key: DropoutKey,
                           from x: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, count: Int) {
        let blocks = key.blocks(count: count)
        parallelRanges(blocks.count, grain: 1 << 12) { range, _ in
            for b in range {
                let words = key.block(blocks.first + b)
                for lane in 0..<4 {
                    let i = 4 * b + lane - blocks.lead
                    guard i >= 0, i < count else { continue }
                    y[i] = words[lane] >= rate.threshold ? x[i] * rate.scale : 0
                }
            }
        }
    }
}
