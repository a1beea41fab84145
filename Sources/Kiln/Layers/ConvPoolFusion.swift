// A convolution followed by 2x2 max pooling, run as one op in inference
// (`Backend.conv2dForwardMaxPool2x2`; `LayerStack.build` pairs the layers through
// `ConvPoolFusion.plan`).
//
// In inference the convolution's full output is only read by the pool, which keeps a quarter
// of it. Fused, the device never writes or reads that output (on a first layer the largest
// tensor of the model), and an odd last row or column that no window covers is not computed.
// Training keeps the two ops: the pool's backward needs the convolution's output.

enum ConvPoolFusion {
    /// Pairs each convolution whose activation is element-wise with a 2x2, stride-2, unpadded
    /// max pool right after it; clears earlier pairings.
    static func plan(_ layers: [any Layer]) {
        for layer in layers {
            (layer as? Conv2D)?.followingMaxPool = nil
            (layer as? Pool2D)?.inputPooledByPrevious = false
        }
        for (first, second) in zip(layers, layers.dropFirst()) {
            guard let conv = first as? Conv2D, conv.activation.isElementwise,
                  let pool = second as? Pool2D, pool.isMaxPool2x2 else { continue }
            conv.followingMaxPool = pool
        }
    }
}
