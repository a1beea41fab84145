import Kiln

// dropout.cl: the mask is recomputed from the key in both passes (nothing is stored).
extension OpenCLBackend {
    public func dropoutForward(_ rate: DropoutRate, key: DropoutKey, input: Tensor, output: Tensor) throws {
        try apply(rate, key, input, output)
    }

    public func dropoutBackward(_ rate: DropoutRate, key: DropoutKey, outputGrad: Tensor, inputGrad: Tensor) throws {
        try apply(rate, key, outputGrad, inputGrad)
    }

    private func apply(_ rate: DropoutRate, _ key: DropoutKey, _ x: Tensor, _ y: Tensor) throws {
        precondition(x.count == y.count, "dropout tensors differ in size")
        try locked {
            try launch("dropout_apply", args(x) + args(y) + [
                x.count, key.seed, key.layer, UInt32(truncatingIfNeeded: key.step), UInt32(truncatingIfNeeded: key.step >> 32),
                rate.threshold, rate.scale,
            ], global: [(x.count + 3) / 4], local: [config.elementwiseGroupSize], bytes: 8 * Double(x.count))
        }
    }
}
