/// The op vocabulary every backend implements: the CPU reference (`CPUBackend`) and the
/// OpenCL backend (`KilnOpenCL`). Layers never touch memory; they call these ops.
///
/// Conventions for every op:
/// - Tensors are float32 views (`Tensor`); images are NCHW. Shapes are checked against the
///   op's descriptor and a mismatch is a programming error (precondition), not a throw.
/// - "writes" means the output is overwritten, whatever it held (NaN included);
///   "accumulates" means `out += …`. Parameter gradients accumulate (the trainer zeroes the
///   whole gradient arena with one `fill` per step); input gradients are written.
/// - Outputs never alias inputs unless the op says so.
/// - Ops are enqueued in order; `download` is the only op that waits for earlier work.
/// - Errors thrown are device errors (out of memory, a failed launch), never shape errors.
public protocol Backend: AnyObject {
    /// A short name for messages and reports ("cpu", "opencl: NVIDIA H100 …").
    var name: String { get }

    // MARK: Memory

    /// A buffer of `count` float32 elements, zero-filled.
    func allocate(_ count: Int) throws -> any DeviceBuffer
    /// Copies `values` (exactly `tensor.count` of them) into the tensor.
    func upload(_ values: [Float], to tensor: Tensor) throws
    /// The tensor's elements, after all earlier ops have finished.
    func download(_ tensor: Tensor) throws -> [Float]
    /// Writes `value` into every element.
    func fill(_ tensor: Tensor, with value: Float) throws

    // MARK: Matrix products

    /// Strided-batched row-major GEMM; see `GemmDescriptor` for the exact formula.
    /// `a`, `b`, `c` must cover `extentA/B/C` elements. C accumulates only through beta.
    func gemm(_ d: GemmDescriptor, a: Tensor, b: Tensor, c: Tensor) throws

    /// A dense layer's forward pass: `output` [N, units] = f(input [N, in] · weightᵀ + bias),
    /// weight [units, in] (PyTorch's layout), bias [units] optional, f an element-wise
    /// `activation` applied as the output is written, as in `conv2dForward`.
    /// The product is `GemmDescriptor.dense`.
    func denseForward(input: Tensor, weight: Tensor, bias: Tensor?, activation: ElementwiseActivation, output: Tensor) throws
    /// Writes `inputGrad` [N, in] = outputGrad [N, units] · weight [units, in]
    /// (`GemmDescriptor.denseBackwardData`), as `conv2dBackwardData` does for a convolution.
    func denseBackwardData(outputGrad: Tensor, weight: Tensor, inputGrad: Tensor) throws
    /// Accumulates `weightGrad` [units, in] += outputGradᵀ · input (`GemmDescriptor.denseBackwardWeight`)
    /// and, if given, `biasGrad`[u] += Σ_n dy[n, u], as `conv2dBackwardFilter` does for a convolution.
    func denseBackwardWeight(input: Tensor, outputGrad: Tensor, weightGrad: Tensor, biasGrad: Tensor?) throws

    // MARK: Convolution (see `Conv2DGeometry` for the formula and shapes)

    /// Writes `output` = f(conv(input, weight) + bias) (bias [outChannels], optional), f an
    /// element-wise `activation` applied as the output is written: the result equals
    /// `activationForward(f)` on the unactivated output, without a second pass.
    func conv2dForward(_ g: Conv2DGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                       activation: ElementwiseActivation, output: Tensor) throws
    /// A convolution followed by 2x2 max pooling (`Conv2DGeometry.maxPool2x2`), as one op where
    /// this backend has a fused form for the shapes: writes `output` [N, O, OH / 2, OW / 2] =
    /// maxPool(f(conv(input, weight) + bias)) and returns true, the values those two ops give;
    /// returns false, having written nothing, where it has none (the caller then runs
    /// `conv2dForward` and `maxPoolForward`). The unpooled output is never stored, and the
    /// positions no window covers (an odd last row or column) are not computed. With `winners`
    /// (training: the pool's backward needs them) it also writes there, in the pooled shape,
    /// each window's winner as `maxPoolBackward` finds it: 0 top left, 1 top right, 2 bottom
    /// left, 3 bottom right (read by `maxPool2x2Backward`); a backend that cannot record them
    /// returns false.
    func conv2dForwardMaxPool2x2(_ g: Conv2DGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                                 activation: ElementwiseActivation, output: Tensor, winners: Tensor?) throws -> Bool
    /// Writes `inputGrad`[n,c,h,w] = Σ_{o,p,q} w[o,c,p,q] · dy[n,o,i,j] over the (i,j,p,q)
    /// with i·strideH + p − padTop = h and j·strideW + q − padLeft = w.
    func conv2dBackwardData(_ g: Conv2DGeometry, outputGrad: Tensor, weight: Tensor, inputGrad: Tensor) throws
    /// Accumulates `weightGrad`[o,c,p,q] += Σ_{n,i,j} dy[n,o,i,j] · x[n,c,i·sH+p−pT, j·sW+q−pL]
    /// and, if given, `biasGrad`[o] += Σ_{n,i,j} dy[n,o,i,j].
    func conv2dBackwardFilter(_ g: Conv2DGeometry, input: Tensor, outputGrad: Tensor,
                              weightGrad: Tensor, biasGrad: Tensor?) throws

    // MARK: Pooling (see `Pool2DGeometry`)

    /// Writes the maximum of each window (cells outside the image never win).
    func maxPoolForward(_ g: Pool2DGeometry, input: Tensor, output: Tensor) throws
    /// Writes `inputGrad`: each dy goes to the first maximal cell of its window in row-major
    /// window order (the cell max-pool forward would pick); windows may overlap and add up.
    /// With an `activation` f whose output the input is, each cell's sum is then multiplied by
    /// f'(input): the activation's backward as well (see `ActivationHandOff`).
    func maxPoolBackward(_ g: Pool2DGeometry, input: Tensor, outputGrad: Tensor, inputGrad: Tensor,
                         activation: ElementwiseActivation) throws
    /// `maxPoolBackward` of a 2x2, stride-2 pool (`Conv2DGeometry.maxPool2x2`) from what
    /// `conv2dForwardMaxPool2x2` recorded instead of the pool's input, which it never stored:
    /// `output` the pooled maxima (f's outputs), `winners` their positions. Writes every cell of
    /// `inputGrad` (the unpooled shape): f'(max)·dy at each window's winner, 0 elsewhere.
    func maxPool2x2Backward(_ g: Pool2DGeometry, output: Tensor, winners: Tensor, outputGrad: Tensor, inputGrad: Tensor,
                            activation: ElementwiseActivation) throws
    /// Writes the mean over the window's cells inside the image.
    func avgPoolForward(_ g: Pool2DGeometry, input: Tensor, output: Tensor) throws
    /// Writes `inputGrad`: each dy is shared equally by its window's cells inside the image.
    func avgPoolBackward(_ g: Pool2DGeometry, outputGrad: Tensor, inputGrad: Tensor) throws

    // MARK: Batch normalisation (see `BatchNormLayout`, `BatchNormParameters`)

    /// Training mode. With m = batch·spatial and per channel c:
    ///   mean_c = (1/m) Σ x,  var_c = (1/m) Σ (x − mean_c)²  (sums in Double on the CPU)
    ///   writes y = gamma·(x − mean)·invStd + beta, savedMean = mean, savedInvStd = 1/sqrt(var + ε);
    ///   updates runningMean/runningVar in place as documented on `BatchNormParameters`
    ///   (unbiased var, m/(m−1); with m = 1 the variance term uses var itself).
    ///   With an `activation` f, y is f of that (the activation layer after a batch norm,
    ///   applied as y is written).
    func batchNormForwardTraining(_ l: BatchNormLayout, _ p: BatchNormParameters,
                                  input: Tensor, gamma: Tensor, beta: Tensor,
                                  runningMean: Tensor, runningVar: Tensor,
                                  output: Tensor, savedMean: Tensor, savedInvStd: Tensor,
                                  activation: ElementwiseActivation) throws
    /// Inference mode: writes y = f(gamma·(x − runningMean)/sqrt(runningVar + ε) + beta).
    func batchNormForwardInference(_ l: BatchNormLayout, _ p: BatchNormParameters,
                                   input: Tensor, gamma: Tensor, beta: Tensor,
                                   runningMean: Tensor, runningVar: Tensor, output: Tensor,
                                   activation: ElementwiseActivation) throws
    /// Backward of the training forward. With x̂ = (x − mean)·invStd:
    ///   dbeta_c  += Σ dy,  dgamma_c += Σ dy·x̂   (accumulate)
    ///   writes dx = gamma·invStd/m · (m·dy − Σdy − x̂·Σ(dy·x̂))
    /// With an `activation` f other than linear, every dy above is first multiplied by f'(y) at
    /// the forward's output y = f(gamma·x̂ + beta) (recomputed from x, so `beta` is needed):
    /// the activation's backward as well.
    func batchNormBackward(_ l: BatchNormLayout, input: Tensor, outputGrad: Tensor, gamma: Tensor,
                           savedMean: Tensor, savedInvStd: Tensor,
                           inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor,
                           activation: ElementwiseActivation, beta: Tensor?) throws
    /// Inference-mode batch norm folded into the layer before it, whose `weight` holds one row
    /// per channel ([C, K]: a convolution's [O, C·KH·KW], a dense layer's [units, in]). With
    /// s = gamma/sqrt(runningVar + ε), writes
    ///   foldedWeight[c, k] = s_c·weight[c, k],  foldedBias_c = s_c·(bias_c − runningMean_c) + beta_c
    /// (bias 0 when nil), so that layer run with these writes what `batchNormForwardInference`
    /// makes of its output (`BatchNormFolding`).
    func batchNormFold(_ p: BatchNormParameters, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor,
                       weight: Tensor, bias: Tensor?, foldedWeight: Tensor, foldedBias: Tensor) throws

    // MARK: Local response normalisation (see `LocalResponseNormGeometry` for the formulas)

    /// Writes y = x·d^(−beta), d = k + (alpha/size)·Σ x² over the zero-padded channel window.
    func localResponseNormForward(_ g: LocalResponseNormGeometry, input: Tensor, output: Tensor) throws
    /// Writes `inputGrad` from the forward's input and `outputGrad` (d is recomputed).
    func localResponseNormBackward(_ g: LocalResponseNormGeometry, input: Tensor, outputGrad: Tensor,
                                   inputGrad: Tensor) throws

    // MARK: Dropout (see `DropoutKey`, `DropoutRate`)

    /// Writes y = x·scale where the Philox word is ≥ threshold, else 0.
    func dropoutForward(_ rate: DropoutRate, key: DropoutKey, input: Tensor, output: Tensor) throws
    /// Writes dx = dy·scale where the (same) mask keeps the element, else 0.
    func dropoutBackward(_ rate: DropoutRate, key: DropoutKey, outputGrad: Tensor, inputGrad: Tensor) throws

    // MARK: Activations, bias, element-wise (see `ActivationFunction`)

    /// Writes `output` = f(input); softmax works on rows of the last dimension.
    /// `output` may be `input` (in place).
    func activationForward(_ f: ActivationFunction, input: Tensor, output: Tensor) throws
    /// Writes `inputGrad` from the forward's `output` and `outputGrad`; may alias `outputGrad`.
    func activationBackward(_ f: ActivationFunction, output: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws
    /// Accumulates biasGrad[c] += Σ_{n,s} dy[n,c,s].
    func biasGrad(_ outputGrad: Tensor, biasGrad: Tensor, channels: Int) throws
    /// Writes out = f(a + b) (out may be a or b): a residual block's sum and its activation
    /// in one pass.
    func add(_ a: Tensor, _ b: Tensor, into out: Tensor, activation: ElementwiseActivation) throws

    // MARK: Losses and metrics (see `LossFunction`)

    /// Writes `perSampleLoss` [N] and `gradient` [N, K] (the gradient of the batch mean).
    func loss(_ f: LossFunction, prediction: Tensor, target: Tensor,
              perSampleLoss: Tensor, gradient: Tensor) throws
    /// Writes correct[n] = 1 where the prediction agrees with the target, else 0:
    /// for K > 1, argmax p == argmax t (first index on ties); for K == 1, (p > 0) == (t > 0.5)
    /// (p are logits).
    func countCorrect(prediction: Tensor, target: Tensor, correct: Tensor) throws
    /// Writes out[0] = Σ x (accumulated in Double on the CPU; pairwise on devices). The
    /// trainer reads an epoch's loss and correct count through it.
    func sum(_ x: Tensor, into out: Tensor) throws

    // MARK: Optimizer (see `OptimizerUpdate`)

    /// One fused update of every element of the arena: params, grads, decayMask, state1 and
    /// state2 share one layout and count. Unused state slots may be any tensor of that count.
    func optimizerStep(_ u: OptimizerUpdate, params: Tensor, grads: Tensor, decayMask: Tensor,
                       state1: Tensor, state2: Tensor) throws
}

extension Backend {
    /// Dense backward as its two products; a backend may replace them with fused kernels.
    public func denseBackwardData(outputGrad: Tensor, weight: Tensor, inputGrad: Tensor) throws {
        let d = GemmDescriptor.denseBackwardData(outputGrad: outputGrad, weight: weight, inputGrad: inputGrad)
        try gemm(d, a: outputGrad, b: weight, c: inputGrad)
    }

    public func denseBackwardWeight(input: Tensor, outputGrad: Tensor, weightGrad: Tensor, biasGrad: Tensor?) throws {
        let d = GemmDescriptor.denseBackwardWeight(input: input, outputGrad: outputGrad, weightGrad: weightGrad,
                                                   biasGrad: biasGrad)
        try gemm(d, a: outputGrad, b: input, c: weightGrad)
        if let biasGrad { try self.biasGrad(outputGrad, biasGrad: biasGrad, channels: d.m) }
    }

    /// `output` = conv(input, weight) + bias, no activation.
    public func conv2dForward(_ g: Conv2DGeometry, input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor) throws {
        try conv2dForward(g, input: input, weight: weight, bias: bias, activation: .linear, output: output)
    }

    /// No fused form: the composition is the reference (see the protocol requirement).
    public func conv2dForwardMaxPool2x2(_ g: Conv2DGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                                        activation: ElementwiseActivation, output: Tensor, winners: Tensor?) throws -> Bool {
        false
    }

    /// The inference form: no winners recorded.
    public func conv2dForwardMaxPool2x2(_ g: Conv2DGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                                        activation: ElementwiseActivation, output: Tensor) throws -> Bool {
        try conv2dForwardMaxPool2x2(g, input: input, weight: weight, bias: bias, activation: activation,
                                    output: output, winners: nil)
    }

    /// Batch norm without an activation.
    public func batchNormForwardTraining(_ l: BatchNormLayout, _ p: BatchNormParameters,
                                         input: Tensor, gamma: Tensor, beta: Tensor,
                                         runningMean: Tensor, runningVar: Tensor,
                                         output: Tensor, savedMean: Tensor, savedInvStd: Tensor) throws {
        try batchNormForwardTraining(l, p, input: input, gamma: gamma, beta: beta, runningMean: runningMean,
                                     runningVar: runningVar, output: output, savedMean: savedMean, savedInvStd: savedInvStd,
                                     activation: .linear)
    }

    public func batchNormForwardInference(_ l: BatchNormLayout, _ p: BatchNormParameters,
                                          input: Tensor, gamma: Tensor, beta: Tensor,
                                          runningMean: Tensor, runningVar: Tensor, output: Tensor) throws {
        try batchNormForwardInference(l, p, input: input, gamma: gamma, beta: beta, runningMean: runningMean,
                                      runningVar: runningVar, output: output, activation: .linear)
    }

    public func batchNormBackward(_ l: BatchNormLayout, input: Tensor, outputGrad: Tensor, gamma: Tensor,
                                  savedMean: Tensor, savedInvStd: Tensor,
                                  inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor) throws {
        try batchNormBackward(l, input: input, outputGrad: outputGrad, gamma: gamma, savedMean: savedMean,
                              savedInvStd: savedInvStd, inputGrad: inputGrad, gammaGrad: gammaGrad, betaGrad: betaGrad,
                              activation: .linear, beta: nil)
    }

    /// Max-pool backward alone (no activation's backward folded in).
    public func maxPoolBackward(_ g: Pool2DGeometry, input: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws {
        try maxPoolBackward(g, input: input, outputGrad: outputGrad, inputGrad: inputGrad, activation: .linear)
    }

    /// `out` = a + b, no activation.
    public func add(_ a: Tensor, _ b: Tensor, into out: Tensor) throws {
        try add(a, b, into: out, activation: .linear)
    }

    /// A fresh zero-filled tensor of `shape`.
    public func makeTensor(_ shape: Shape) throws -> Tensor {
        Tensor(buffer: try allocate(max(shape.count, 1)), offset: 0, shape: shape)
    }
    /// A fresh tensor holding `values`.
    public func makeTensor(_ shape: Shape, values: [Float]) throws -> Tensor {
        let t = try makeTensor(shape)
        try upload(values, to: t)
        return t
    }
}
