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
        let blocks = key.blocks(count: x.count)
        precondition(blocks.first + blocks.count - 1 <= Int(UInt32.max), "dropout block index out of range")
        // Blocks per work-item: eight on CPU devices (dropout_apply8 runs their Philox rounds
        // in the lanes of a vector), one on GPUs.
        let perItem = config.kernelFamily == .gpu ? 1 : 8
        try locked {
            // Slices of whole global 4-element blocks (one Philox output each); only the
            // first slice starts inside a block (`lead` words before the tensor's element 0).
            try forEachSlice(blocks.count, itemSize: 4) { b0, sliceBlocks in
                let lead = b0 == 0 ? blocks.lead : 0
                let e0 = max(0, 4 * b0 - blocks.lead)
                let n = min(4 * (b0 + sliceBlocks) - blocks.lead, x.count) - e0
                try launch(DropoutKernel(x: arg(x, from: e0, count: n), y: arg(y, from: e0, count: n), count: n,
                                         firstBlock: UInt32(blocks.first + b0), lead: lead,
                                         seed: key.seed, layer: key.layer,
                                         stepLo: UInt32(truncatingIfNeeded: key.step),
                                         stepHi: UInt32(truncatingIfNeeded: key.step >> 32),
                                         threshold: rate.threshold, scale: rate.scale),
                           kernel: perItem == 1 ? "dropout_apply" : "dropout_apply8",
                           global: [ceilDiv(sliceBlocks, perItem)], local: [config.elementwiseGroupSize], bytes: 8 * Double(n))
            }
        }
    }
}

// The kernel of dropout.cl (see `KernelArguments`).
struct DropoutKernel: KernelArguments {
    static let kernelName = "dropout_apply"
    var x, y: KernelTensor
    var count: Int
    /// The slice's first global Philox block and that block's words before the slice's
    /// element 0 (`DropoutKey.blocks`).
    var firstBlock: UInt32
    var lead: Int
    var seed, layer, stepLo, stepHi, threshold: UInt32
    var scale: Float
}
