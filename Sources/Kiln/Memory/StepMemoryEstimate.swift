/// What one step of a model needs in memory on its backend, estimated from the layer shapes
/// before anything is allocated, so that a batch too large for the device is refused with
/// advice instead of failing inside the driver or the allocator:
///
///     fixed      = 4 bytes · (parameters · 4 + buffers)          weights, gradients, 2 moments
///     per sample = 4 bytes · (input + 4 · Σ layer outputs + Σ conv columns)   (training)
///                  4 bytes · (input + 2 · Σ layer outputs)                    (inference)
///
/// "4 · outputs": each layer's output, its gradient, the activation cache and a slack for
/// the loss and batch-norm temporaries. "conv columns": the im2col matrix of a convolution,
/// C·kh·kw·OH·OW floats per sample, which the CPU backend holds for the whole batch during
/// the filter gradient. Container layers (residual blocks) count twice their output. The
/// numbers are an upper estimate meant for refusing absurd batches, not an exact budget.
public struct StepMemoryEstimate: Sendable {
    public let fixedBytes: Int
    public let perSampleBytes: Int
    /// The largest single per-sample tensor (bytes): one allocation of batch × this must fit
    /// the device's maximum allocation size.
    public let largestTensorPerSampleBytes: Int

    public init(model: Sequential, training: Bool) {
        // Saturating sums and products: a model from a file can be large enough to overflow
        // `Int` here (an im2col matrix of 2^30 channels × a 65536² kernel); such an estimate
        // reads "more than 8 EiB" and is refused like any other that does not fit.
        func sum(_ terms: Int...) -> Int { CheckedSize.sum(terms) ?? .max }
        func product(_ factors: Int...) -> Int { CheckedSize.product(factors) ?? .max }
        let shapes = model.stack.shapes
        var perSample = shapes.first?.count ?? 0, largest = perSample
        for (i, layer) in model.layers.enumerated() {
            let out = shapes[i + 1].count
            largest = max(largest, out)
            perSample = sum(perSample, product(training ? 4 : 2, out))
            if layer is any ContainerLayer { perSample = sum(perSample, product(2, out)) }
            if training, let conv = layer as? Conv2D, shapes[i].dims.count == 3, shapes[i + 1].dims.count == 3 {
                let columns = product(shapes[i][0], conv.kernelSize.height, conv.kernelSize.width, shapes[i + 1][1], shapes[i + 1][2])
                perSample = sum(perSample, columns)
                largest = max(largest, columns)
            }
        }
        fixedBytes = product(4, sum(product(4, model.parameterCount), model.bufferCount))
        perSampleBytes = product(4, perSample)
        largestTensorPerSampleBytes = product(4, largest)
    }

    /// Bytes for a batch of `batchSize`, or nil when that overflows.
    public func bytes(batchSize: Int) -> Int? {
        CheckedSize.product([perSampleBytes, batchSize]).flatMap { CheckedSize.sum([$0, fixedBytes]) }
    }

    /// The largest batch whose estimate fits in `available` bytes and whose largest tensor fits
    /// `maxAllocation` (0 when not even one sample fits).
    public func largestBatch(fitting available: Int, maxAllocation: Int? = nil) -> Int {
        var n = max(0, available - fixedBytes) / max(perSampleBytes, 1)
        if let maxAllocation { n = min(n, maxAllocation / max(largestTensorPerSampleBytes, 1)) }
        return n
    }

    /// Nil when a batch of `batchSize` fits `available` bytes (and `maxAllocation` per
    /// tensor); otherwise one line: "batch 1000000 needs ~X GiB; <place> has Y GiB<qualifier>;
    /// try --batch-size N".
    public func problem(batchSize: Int, available: Int, maxAllocation: Int? = nil, place: String,
                        qualifier: String = "") -> String? {
        let needed = bytes(batchSize: batchSize)
        let largest = CheckedSize.product([largestTensorPerSampleBytes, batchSize])
        let fits = (needed ?? .max) <= available && (maxAllocation.map { (largest ?? .max) <= $0 } ?? true)
        if fits { return nil }
        let advice = largestBatch(fitting: available, maxAllocation: maxAllocation)
        var line = "batch \(batchSize) needs ~\(ByteCount(needed)); \(place) has \(ByteCount(available))\(qualifier)"
        if let maxAllocation, (largest ?? .max) > maxAllocation {
            line += " and allocates at most \(ByteCount(maxAllocation)) at once (the batch's largest tensor is ~\(ByteCount(largest)))"
        }
        // A power of two at most the largest fitting batch: round, and leaves some headroom.
        let suggestion = advice >= 1 ? 1 << (Int.bitWidth - 1 - advice.leadingZeroBitCount) : 0
        return line + (suggestion >= 1 ? "; try --batch-size \(suggestion)" : "; the model does not fit even one sample")
    }
}
