/// An activation's backward folded into the next layer's backward. A max pool's backward reads
/// its input to find each window's winner, and that input is the activation's output y, so
/// it can apply the factor f'(y) itself as it writes dx; the layer that applied f then passes
/// dy on untouched. Its activation backward was a pass of its own over the largest tensors of
/// a convolutional stage (read y and dy, write dz) and one more launch. `LayerStack.build`
/// pairs neighbours; the sums are the same (f' is applied to each cell's sum of gradients).

/// A layer whose output is f(z) for an element-wise f it applies itself.
protocol ActivationProducer: AnyObject {
    /// f, or nil when the output is not an element-wise activation's (linear, softmax).
    var producedActivation: ElementwiseActivation? { get }
    /// Set when the next layer's backward applies f': this layer's backward then takes the
    /// gradient it is given as dL/dz.
    var activationBackwardHandedOn: Bool { get set }
}

/// A layer whose backward can apply its input's activation derivative f'(x), where x (its
/// input) is that activation's output.
protocol ActivationBackwardTaker: AnyObject {
    /// Whether this layer can (max pooling can, average pooling does not read its input).
    var takesActivationBackward: Bool { get }
    /// The f' to apply; linear when none.
    var inputActivation: ElementwiseActivation { get set }
}

extension ActivationProducer {
    /// The producer's backward part for its activation: dz = f'(y)·dy, unless handed on.
    func activationBackward(_ f: FusedActivation, output y: Tensor, outputGrad dy: Tensor,
                            cache: inout TensorCache, _ ctx: ForwardContext) throws -> Tensor {
        activationBackwardHandedOn ? dy : try f.backward(output: y, outputGrad: dy, cache: &cache, ctx)
    }
}

enum ActivationHandOff {
    /// Pairs each producer with a taker right after it in `layers`; clears earlier pairings.
    static func plan(_ layers: [any Layer]) {
        for layer in layers {
            (layer as? ActivationProducer)?.activationBackwardHandedOn = false
            (layer as? ActivationBackwardTaker)?.inputActivation = .linear
        }
        for (first, second) in zip(layers, layers.dropFirst()) {
            guard let producer = first as? ActivationProducer, let f = producer.producedActivation, f != .linear,
                  let taker = second as? ActivationBackwardTaker, taker.takesActivationBackward else { continue }
            taker.inputActivation = f
            producer.activationBackwardHandedOn = true
        }
    }
}
