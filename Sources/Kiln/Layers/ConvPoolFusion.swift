// A convolution followed by 2x2 max pooling, run as one op (`Backend.conv2dForwardMaxPool2x2`;
// `LayerStack.build` pairs the layers through `ConvPoolFusion.plan`).
//
// The convolution's full output is only read by the pool, which keeps a quarter of it. Fused,
// the device never writes or reads that output (on a first layer the largest tensor of the
// model), and an odd last row or column that no window covers is not computed. In training
// the pool's backward needs to know which cell won each window, and the convolution's needs
// f'(y): the fused op records the winners (where the backend can), the pool's backward reads
// them with the pooled maxima (`maxPool2x2Backward`) and applies f' there (`ActivationHandOff`),
// so neither needs the unpooled output. Where f' is not handed on, or a batch norm (not folded
// in training) stands between, training keeps the two ops.
//
// A batch norm the convolution folds (`BatchNormFolding`, planned first), and the activation
// that batch norm absorbs, pass their input on in inference, so a pool after them pairs too.

enum ConvPoolFusion {
    /// Pairs each convolution whose activation is element-wise with a 2x2, stride-2, unpadded
    /// max pool right after it or after the batch norm it folds; clears earlier pairings.
    static func plan(_ layers: [any Layer]) {
        for layer in layers {
            (layer as? Conv2D)?.followingMaxPool = nil
            (layer as? Pool2D)?.inputPooledByPrevious = false
        }
        for (i, layer) in layers.enumerated() {
            guard let conv = layer as? Conv2D, conv.activation.isElementwise else { continue }
            var next = i + 1
            if let norm = conv.followingBatchNorm, next < layers.count, layers[next] === norm {
                next += 1
                if next < layers.count, let a = layers[next] as? Activation, a.absorbedByPrevious { next += 1 }
            }
            guard next < layers.count, let pool = layers[next] as? Pool2D, pool.isMaxPool2x2 else { continue }
            conv.followingMaxPool = pool
        }
    }
}
