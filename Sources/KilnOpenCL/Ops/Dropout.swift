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
            // Slices of whole 4-element blocks (one Philox output each).
            try forEachSlice((x.count + 3) / 4, itemSize: 4) { b0, blocks in
                let e0 = 4 * b0, n = min(4 * blocks, x.count - e0)
                try launch(DropoutKernel(x: arg(x, from: e0, count: n), y: arg(y, from: e0, count: n), count: n,
                                         firstBlock: UInt32(b0), seed: key.seed, layer: key.layer,
                                         stepLo: UInt32(truncatingIfNeeded: key.step),
                                         stepHi: UInt32(truncatingIfNeeded: key.step >> 32),
                                         threshold: rate.threshold, scale: rate.scale),
                           global: [blocks], local: [config.elementwiseGroupSize], bytes: 8 * Double(n))
            }
        }
    }
}

// The kernel of dropout.cl (see `KernelArguments`).
struct DropoutKernel: KernelArguments {
    static let kernelName = "dropout_apply"
    var x, y: KernelTensor
    var count: Int
    var firstBlock, seed, layer, stepLo, stepHi, threshold: UInt32
    var scale: Float
}
