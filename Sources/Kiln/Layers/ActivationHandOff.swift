// Element-wise activation layers folded into their neighbours' kernels (`LayerStack.build`
// pairs neighbours through `ActivationHandOff.plan`).
//
// Forward: a batch norm applies the activation layer after it as it writes its output
// (`ActivationAbsorber`); the activation layer passes its input on.
//
// Backward: a max pool's backward reads its input to find each window's winner, and that
// input is the activation's output y, so it applies the factor f'(y) itself as it writes dx
// (`ActivationBackwardTaker`); the layer that applied f (`ActivationProducer`) then passes dy
// on untouched. That backward was a pass of its own over a convolutional stage's largest
// tensor (read y and dy, write dz) and one more launch. The sums are the same: f' multiplies
// each cell's sum of gradients.

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

/// A layer that can apply the element-wise activation of the activation layer after it as it
/// writes its own output (batch norm: one pass over the tensor instead of two), and that
/// activation's backward at the start of its own.
protocol ActivationAbsorber: AnyObject {
    /// The activation applied to the output; linear when none.
    var absorbedActivation: ElementwiseActivation { get set }
    /// Whether the backward applies its derivative too: false when the activation layer
    /// handed its backward on to the layer after it.
    var absorbsActivationBackward: Bool { get set }
}

enum ActivationHandOff {
    /// Pairs neighbours in `layers`: each absorber with an activation layer right after it,
    /// then each producer with a taker right after it; clears earlier pairings.
    static func plan(_ layers: [any Layer]) {
        for layer in layers {
            (layer as? ActivationProducer)?.activationBackwardHandedOn = false
            (layer as? ActivationBackwardTaker)?.inputActivation = .linear
            (layer as? ActivationAbsorber)?.absorbedActivation = .linear
            (layer as? ActivationAbsorber)?.absorbsActivationBackward = false
            (layer as? Activation)?.absorbedByPrevious = false
        }
        var absorbed: [(ActivationAbsorber, Activation)] = []
        for (first, second) in zip(layers, layers.dropFirst()) {
            guard let absorber = first as? ActivationAbsorber, let activation = second as? Activation,
                  let f = ElementwiseActivation(activation.function), f != .linear else { continue }
            absorber.absorbedActivation = f
            activation.absorbedByPrevious = true
            absorbed.append((absorber, activation))
        }
        for (first, second) in zip(layers, layers.dropFirst()) {
            guard let producer = first as? ActivationProducer, let f = producer.producedActivation, f != .linear,
                  let taker = second as? ActivationBackwardTaker, taker.takesActivationBackward else { continue }
            taker.inputActivation = f
            producer.activationBackwardHandedOn = true
        }
        for (absorber, activation) in absorbed { absorber.absorbsActivationBackward = !activation.activationBackwardHandedOn }
    }
}
