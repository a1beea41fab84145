/// How batch normalisation sees a tensor: [batch, channels, spatial] with statistics per
/// channel over batch × spatial. NCHW images use spatial = H·W; dense [N, F] uses
/// channels = F, spatial = 1.
public struct BatchNormLayout: Hashable, Sendable {
    public var batch, channels, spatial: Int
    public init(batch: Int, channels: Int, spatial: Int) {
        self.batch = batch; self.channels = channels; self.spatial = spatial
    }
    /// Values averaged per channel.
    public var reductionLength: Int { batch * spatial }
    public var count: Int { batch * channels * spatial }
}

/// Hyper-parameters of batch normalisation.
///
/// `runningAverageDecay` is the weight the *old* running value keeps (Keras's `momentum`,
/// default 0.99); PyTorch's `momentum` is `1 − runningAverageDecay`. The name is chosen so it
/// cannot be read the other way round.
///
///     running_mean ← decay · running_mean + (1 − decay) · batch_mean
///     running_var  ← decay · running_var  + (1 − decay) · batch_var · m/(m − 1)   (unbiased, as PyTorch)
///     y = gamma · (x − mean) / sqrt(var + epsilon) + beta       (training: batch mean and biased var)
public struct BatchNormParameters: Hashable, Sendable {
    public var runningAverageDecay: Float
    public var epsilon: Float
    public init(runningAverageDecay: Float = 0.99, epsilon: Float = 1e-3) {
        self.runningAverageDecay = runningAverageDecay; self.epsilon = epsilon
    }
}

/// The shapes of a `Backend.batchNormFold` call: C channels (gamma, beta, the running
/// statistics, the bias and the folded bias), weights of C rows of K.
public struct BatchNormFoldShape: Hashable, Sendable {
    public let channels, rowLength: Int

    /// The shape the tensors give; a mismatch is a programming error (precondition).
    public init(gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor,
                weight: Tensor, bias: Tensor?, foldedWeight: Tensor, foldedBias: Tensor) {
        let c = gamma.count
        precondition(c > 0 && weight.count % c == 0 && foldedWeight.count == weight.count
                     && [beta, runningMean, runningVar, foldedBias].allSatisfy { $0.count == c } && (bias?.count ?? c) == c,
                     "batch-norm fold: weight \(weight.shape) and folded \(foldedWeight.shape) need \(c) rows; "
                     + "per-channel tensors \(c) values")
        channels = c
        rowLength = weight.count / c
    }
}
