// A batch norm folded into the convolution or dense layer before it in inference
// (`LayerStack.build` pairs the layers through `BatchNormFolding.plan`).
//
// With running statistics a batch norm is an affine map per channel, y = s·z + (beta − s·mean)
// with s = gamma/sqrt(var + ε), and z = W·x + b is the layer before it, so
// y = (s·W)·x + s·(b − mean) + beta: that layer runs with its weight rows and bias scaled per
// output channel (`Backend.batchNormFold`) and applies the activation the batch norm absorbed
// (`ActivationHandOff`); the batch norm passes its input on. The fold reads and writes the
// weights where the batch norm would read and write the output, so it runs only where the
// weights are fewer than the batch's output values, which depends on the batch: resnet-fashion's
// 3x3 128 → 128 convolution at 4x4 (147 K weights, 2 K outputs per image) folds from batch 73,
// its 32-channel ones from batch 2; bn-cnn's dense 3136 → 512 would need batch 3,137.
// Training keeps both ops: the batch statistics are computed from the layer's output, and
// the backward needs it.

/// A layer z = W·x + b (weight rows per output channel) that can take over the batch norm after it.
protocol BatchNormFolder: AnyObject {
    var activation: ActivationFunction { get }
    /// The batch norm this layer folds in inference; nil when there is none to fold.
    var followingBatchNorm: BatchNorm? { get set }
}

extension BatchNormFolder {
    /// The weight, bias and activation a forward of `outputs` values runs with: the layer's
    /// own, or with running statistics and fewer weights than outputs the batch norm after it
    /// folded in (which then passes its input on).
    func forwardParameters(weight: Tensor, bias: Tensor?, outputs: Int, _ ctx: ForwardContext) throws
        -> (weight: Tensor, bias: Tensor?, activation: FusedActivation)
    {
        guard let norm = followingBatchNorm else { return (weight, bias, FusedActivation(function: activation)) }
        norm.inputFoldedByPrevious = false
        guard !ctx.mode.usesBatchStatistics, weight.count < outputs else {
            return (weight, bias, FusedActivation(function: activation))
        }
        let folded = try norm.fold(weight: weight, bias: bias, ctx)
        return (folded.weight, folded.bias, FusedActivation(function: norm.absorbedActivation.function))
    }
}

enum BatchNormFolding {
    /// Pairs each convolution or dense layer without an activation of its own with a batch
    /// norm right after it; clears earlier pairings.
    static func plan(_ layers: [any Layer]) {
        for layer in layers {
            (layer as? BatchNormFolder)?.followingBatchNorm = nil
            (layer as? BatchNorm)?.inputFoldedByPrevious = false
        }
        for (first, second) in zip(layers, layers.dropFirst()) {
            guard let folder = first as? BatchNormFolder, folder.activation == .linear,
                  let norm = second as? BatchNorm else { continue }
            folder.followingBatchNorm = norm
        }
    }
}
