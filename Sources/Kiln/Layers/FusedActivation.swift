/// The activation a Dense, Conv2D or Residual layer applies to its own output in place.
/// Backward needs only that output (see `ActivationFunction`). Dense and Conv2D hand the
/// element-wise part to their forward op (`denseForward`, `conv2dForward`), which applies it
/// as it writes the output, and call `finish` for the rest.
struct FusedActivation {
    let function: ActivationFunction

    /// y ← f(y), in place; nothing for `linear`.
    func forward(_ y: Tensor, _ ctx: ForwardContext) throws {
        if function != .linear { try ctx.backend.activationForward(function, input: y, output: y) }
    }

    /// What an op writing the output may apply itself: f when element-wise, else linear.
    var inOp: ElementwiseActivation { ElementwiseActivation(function) ?? .linear }

    /// The part `inOp` left out (softmax), in place on the op's output.
    func finish(_ y: Tensor, _ ctx: ForwardContext) throws {
        if !function.isElementwise { try forward(y, ctx) }
    }

    /// dL/dz for z the pre-activation, from the output y and dL/dy; written into the layer's
    /// scratch slot so `dy` (owned by the next layer) stays unchanged. `dy` itself for `linear`.
    func backward(output y: Tensor, outputGrad dy: Tensor, cache: inout TensorCache, _ ctx: ForwardContext) throws -> Tensor {
        guard function != .linear else { return dy }
        let dz = try cache.tensor(CacheSlot.scratch, dy.shape, on: ctx.backend)
        try ctx.backend.activationBackward(function, output: y, outputGrad: dy, inputGrad: dz)
        return dz
    }

    /// Fused leaky ReLU needs a positive slope: its backward reads the sign from y.
    func validate(in layer: String) throws {
        if case .leakyReLU(let alpha) = function, !(alpha > 0) {
            throw LayerError("\(layer): leaky ReLU alpha must be positive, got \(alpha)")
        }
    }
}
