import Foundation

/// Batch normalisation over [N, C, S] (see `BatchNormLayout`), one channel per work item:
/// element (n, c, s) sits at (n·C + c)·S + s, and m = N·S values share channel c's statistics.
extension CPUBackend {
    public func batchNormForwardTraining(_ l: BatchNormLayout, _ p: BatchNormParameters,
                                         input: Tensor, gamma: Tensor, beta: Tensor,
                                         runningMean: Tensor, runningVar: Tensor,
                                         output: Tensor, savedMean: Tensor, savedInvStd: Tensor,
                                         activation: ElementwiseActivation) throws {
        check(l, input, output, channelTensors: [gamma, beta, runningMean, runningVar, savedMean, savedInvStd])
        let x = pointer(input), y = pointer(output), gm = pointer(gamma), bt = pointer(beta), f = activation.function
        let rm = pointer(runningMean), rv = pointer(runningVar), sm = pointer(savedMean), si = pointer(savedInvStd)
        let m = l.reductionLength, decay = p.runningAverageDecay, eps = Double(p.epsilon)
        parallelFor(l.channels) { c in
            var sum = 0.0
            forEach(l, channel: c) { i in sum += Double(x[i]) }
            let mean = sum / Double(m)
            var squares = 0.0
            forEach(l, channel: c) { i in
                let d = Double(x[i]) - mean
                squares += d * d
            }
            let variance = squares / Double(m)
            let invStd = 1 / (variance + eps).squareRoot()
            normalize(l, channel: c, x, into: y, gamma: Double(gm[c]), beta: Double(bt[c]), mean: mean, invStd: invStd, f)
            sm[c] = Float(mean)
            si[c] = Float(invStd)
            let unbiased = m > 1 ? variance * Double(m) / Double(m - 1) : variance
            rm[c] = decay * rm[c] + (1 - decay) * Float(mean)
            rv[c] = decay * rv[c] + (1 - decay) * Float(unbiased)
        }
    }

    public func batchNormForwardInference(_ l: BatchNormLayout, _ p: BatchNormParameters,
                                          input: Tensor, gamma: Tensor, beta: Tensor,
                                          runningMean: Tensor, runningVar: Tensor, output: Tensor,
                                          activation: ElementwiseActivation) throws {
        check(l, input, output, channelTensors: [gamma, beta, runningMean, runningVar])
        let x = pointer(input), y = pointer(output), gm = pointer(gamma), bt = pointer(beta), f = activation.function
        let rm = pointer(runningMean), rv = pointer(runningVar)
        parallelFor(l.channels) { c in
            let invStd = 1 / (Double(rv[c]) + Double(p.epsilon)).squareRoot()
            normalize(l, channel: c, x, into: y, gamma: Double(gm[c]), beta: Double(bt[c]), mean: Double(rm[c]), invStd: invStd, f)
        }
    }

    public func batchNormBackward(_ l: BatchNormLayout, input: Tensor, outputGrad: Tensor, gamma: Tensor,
                                  savedMean: Tensor, savedInvStd: Tensor,
                                  inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor,
                                  activation: ElementwiseActivation, beta: Tensor?) throws {
        check(l, input, outputGrad, channelTensors: [gamma, savedMean, savedInvStd, gammaGrad, betaGrad])
        precondition(inputGrad.count == l.count, "batch-norm input grad has \(inputGrad.count) elements, want \(l.count)")
        precondition(activation == .linear || beta?.count == l.channels, "batch-norm backward with an activation needs beta")
        let x = pointer(input), dx = pointer(inputGrad), gm = pointer(gamma)
        let sm = pointer(savedMean), si = pointer(savedInvStd), dg = pointer(gammaGrad), db = pointer(betaGrad)
        // dL/d(batch norm's output): dy, times f'(y) with an activation.
        let dy = activation == .linear ? UnsafePointer(pointer(outputGrad))
            : activationGradient(l, activation, input: x, outputGrad: pointer(outputGrad), gamma: gm, beta: pointer(beta!),
                                 mean: sm, invStd: si)
        let m = Double(l.reductionLength)
        parallelFor(l.channels) { c in
            let mean = Double(sm[c]), invStd = Double(si[c])
            var sumDy = 0.0, sumDyXhat = 0.0
            forEach(l, channel: c) { i in
                sumDy += Double(dy[i])
                sumDyXhat += Double(dy[i]) * (Double(x[i]) - mean) * invStd
            }
            db[c] = Float(Double(db[c]) + sumDy)
            dg[c] = Float(Double(dg[c]) + sumDyXhat)
            let scale = Double(gm[c]) * invStd / m
            forEach(l, channel: c) { i in
                let xhat = (Double(x[i]) - mean) * invStd
                dx[i] = Float(scale * (m * Double(dy[i]) - sumDy - xhat * sumDyXhat))
            }
        }
    }

    public func batchNormFold(_ p: BatchNormParameters, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor,
                              weight: Tensor, bias: Tensor?, foldedWeight: Tensor, foldedBias: Tensor) throws {
        let shape = BatchNormFoldShape(gamma: gamma, beta: beta, runningMean: runningMean, runningVar: runningVar,
                                       weight: weight, bias: bias, foldedWeight: foldedWeight, foldedBias: foldedBias)
        let gm = pointer(gamma), bt = pointer(beta), rm = pointer(runningMean), rv = pointer(runningVar)
        let w = pointer(weight), wf = pointer(foldedWeight), bf = pointer(foldedBias), b = bias.map(pointer)
        let k = shape.rowLength
        for c in 0..<shape.channels {
            let scale = Double(gm[c]) / (Double(rv[c]) + Double(p.epsilon)).squareRoot()
            for i in c * k ..< (c + 1) * k { wf[i] = Float(Double(w[i]) * scale) }
            bf[c] = Float(((b.map { Double($0[c]) } ?? 0) - Double(rm[c])) * scale + Double(bt[c]))
        }
    }

    /// dy·f'(y) per element, y = f(gamma·x̂ + beta) recomputed from the saved statistics as
    /// the forward computes it, in scratch memory.
    private func activationGradient(_ l: BatchNormLayout, _ f: ElementwiseActivation, input x: UnsafePointer<Float>,
                                    outputGrad dy: UnsafePointer<Float>, gamma gm: UnsafePointer<Float>,
                                    beta bt: UnsafePointer<Float>, mean sm: UnsafePointer<Float>,
                                    invStd si: UnsafePointer<Float>) -> UnsafePointer<Float> {
        let y = scratch(.activationGradient, count: l.count), function = f.function
        parallelFor(l.channels) { c in
            normalize(l, channel: c, x, into: y, gamma: Double(gm[c]), beta: Double(bt[c]), mean: Double(sm[c]),
                      invStd: Double(si[c]), function)
        }
        multiplyByDerivative(function, at: y, dy, into: y, count: l.count)
        return UnsafePointer(y)
    }

    /// y = f(gamma·(x − mean)·invStd + beta) over channel c, in Double, rounded before f: the
    /// one formula of the training and inference forwards and of the backward's recomputed y.
    @inline(__always)
    private func normalize(_ l: BatchNormLayout, channel c: Int, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                           gamma g: Double, beta b: Double, mean: Double, invStd: Double, _ f: ActivationFunction) {
        forEach(l, channel: c) { i in y[i] = Self.apply(f, Float(g * (Double(x[i]) - mean) * invStd + b)) }
    }

    /// Calls `body(index)` for channel c's elements, in (n, s) order.
    @inline(__always)
    private func forEach(_ l: BatchNormLayout, channel c: Int, _ body: (Int) -> Void) {
        for n in 0..<l.batch {
            let base = (n * l.channels + c) * l.spatial
            for s in 0..<l.spatial { body(base + s) }
        }
    }

    private func check(_ l: BatchNormLayout, _ input: Tensor, _ output: Tensor, channelTensors: [Tensor]) {
        precondition(l.batch > 0 && l.channels > 0 && l.spatial > 0, "invalid batch-norm layout \(l)")
        precondition(input.count == l.count && output.count == l.count,
                     "batch-norm tensors have \(input.count), \(output.count) elements, want \(l.count)")
        for t in channelTensors {
            precondition(t.count == l.channels, "batch-norm per-channel tensor has \(t.count) elements, want \(l.channels)")
        }
    }
}
