/// Batch normalisation: per channel for images [N, C, H, W], per feature for [N, F].
/// Training normalises with the batch's mean and (biased) variance and updates the running
/// statistics; inference uses the running statistics. Formulas on `BatchNormParameters`.
///
/// `runningAverageDecay` (default 0.99, Keras's `momentum`) is the weight the old running
/// value keeps; PyTorch's `momentum` is 1 − decay (its default 0.1 is decay 0.9). Checkpoints
/// store PyTorch's names: weight (gamma), bias (beta), running_mean, running_var.
public final class BatchNorm: Layer, ActivationAbsorber {
    public let parameters: BatchNormParameters
    private var channels = 0
    private var spatial = 1
    private var gamma: (value: Tensor, gradient: Tensor)!
    private var beta: (value: Tensor, gradient: Tensor)!
    private var runningMean: Tensor!
    private var runningVar: Tensor!
    private var cache = TensorCache()
    private var lastInput: Tensor?
    var absorbedActivation = ElementwiseActivation.linear
    var absorbsActivationBackward = false
    /// Set by the layer before for each forward that applied this batch norm itself
    /// (`BatchNormFolding`): the input already is this layer's output.
    var inputFoldedByPrevious = false

    /// Keras's defaults (decay 0.99, epsilon 1e-3): cannot fail.
    public init() {
        parameters = BatchNormParameters(runningAverageDecay: 0.99, epsilon: 1e-3)
    }

    /// - Throws: `LayerError` unless the decay is in [0, 1] and epsilon is positive.
    public init(runningAverageDecay: Float = 0.99, epsilon: Float = 1e-3) throws {
        guard runningAverageDecay >= 0, runningAverageDecay <= 1, epsilon > 0, epsilon.isFinite else {
            throw LayerError("BatchNorm: decay must be in [0, 1] and epsilon positive, got decay "
                + "\(runningAverageDecay), epsilon \(epsilon)")
        }
        parameters = BatchNormParameters(runningAverageDecay: runningAverageDecay, epsilon: epsilon)
    }

    public var typeName: String { "BatchNorm" }
    public var configuration: String { "decay \(parameters.runningAverageDecay), eps \(parameters.epsilon)" }

    public func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape {
        guard inputShape.rank == 1 || inputShape.rank == 3 else {
            throw LayerError("BatchNorm expects [features] or [channels, height, width] per sample, got \(inputShape)")
        }
        channels = inputShape[0]
        spatial = inputShape.rank == 3 ? inputShape[1] * inputShape[2] : 1
        declarations.parameter("weight", shape: [channels], initializer: .constant(1),
                               fanIn: channels, fanOut: channels, decays: false)
        declarations.parameter("bias", shape: [channels], initializer: .zeros,
                               fanIn: channels, fanOut: channels, decays: false)
        declarations.buffer("running_mean", shape: [channels], initialValue: 0)
        declarations.buffer("running_var", shape: [channels], initialValue: 1)
        return inputShape
    }

    public func bind(_ cursor: BindingCursor) {
        gamma = cursor.parameter()
        beta = cursor.parameter()
        runningMean = cursor.buffer()
        runningVar = cursor.buffer()
    }

    private func layout(_ x: Tensor) -> BatchNormLayout {
        BatchNormLayout(batch: x.shape[0], channels: channels, spatial: spatial)
    }

    public func forward(_ x: Tensor, _ ctx: ForwardContext) throws -> Tensor {
        if inputFoldedByPrevious && !ctx.mode.usesBatchStatistics { return x }
        let y = try cache.tensor(CacheSlot.output, x.shape, on: ctx.backend)
        if ctx.mode.usesBatchStatistics {
            let mean = try cache.tensor(CacheSlot.scratch, [channels], on: ctx.backend)
            let invStd = try cache.tensor(CacheSlot.scratch2, [channels], on: ctx.backend)
            try ctx.backend.batchNormForwardTraining(
                layout(x), parameters, input: x, gamma: gamma.value, beta: beta.value,
                runningMean: runningMean, runningVar: runningVar, output: y, savedMean: mean, savedInvStd: invStd,
                activation: absorbedActivation)
            lastInput = x
        } else {
            try ctx.backend.batchNormForwardInference(
                layout(x), parameters, input: x, gamma: gamma.value, beta: beta.value,
                runningMean: runningMean, runningVar: runningVar, output: y, activation: absorbedActivation)
        }
        return y
    }

    /// The weight and bias of the layer before with this batch norm's inference form folded in
    /// (`BatchNormFolding`), in this layer's buffers; the next forward passes its input on.
    func fold(weight: Tensor, bias: Tensor?, _ ctx: ForwardContext) throws -> (weight: Tensor, bias: Tensor) {
        let w = try cache.tensor(CacheSlot.foldedWeight, weight.shape, on: ctx.backend)
        let b = try cache.tensor(CacheSlot.foldedBias, [channels], on: ctx.backend)
        try ctx.backend.batchNormFold(parameters, gamma: gamma.value, beta: beta.value, runningMean: runningMean,
                                      runningVar: runningVar, weight: weight, bias: bias, foldedWeight: w, foldedBias: b)
        inputFoldedByPrevious = true
        return (w, b)
    }

    public func backward(_ dy: Tensor, _ ctx: ForwardContext, needInputGradient: Bool) throws -> Tensor? {
        guard let x = lastInput else { preconditionFailure("BatchNorm.backward before a training forward") }
        let mean = try cache.tensor(CacheSlot.scratch, [channels], on: ctx.backend)
        let invStd = try cache.tensor(CacheSlot.scratch2, [channels], on: ctx.backend)
        // The op always writes dx; a first-layer BatchNorm computes and drops it.
        let dx = try cache.tensor(CacheSlot.inputGrad, x.shape, on: ctx.backend)
        try ctx.backend.batchNormBackward(
            layout(x), input: x, outputGrad: dy, gamma: gamma.value, savedMean: mean, savedInvStd: invStd,
            inputGrad: dx, gammaGrad: gamma.gradient, betaGrad: beta.gradient,
            activation: absorbsActivationBackward ? absorbedActivation : .linear, beta: beta.value)
        return needInputGradient ? dx : nil
    }
}
