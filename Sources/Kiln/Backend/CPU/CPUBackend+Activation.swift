import Foundation

/// Activations (formulas on `ActivationFunction`), bias add/grad and element-wise add.
extension CPUBackend {
    public func activationForward(_ f: ActivationFunction, input: Tensor, output: Tensor) throws {
        precondition(input.count == output.count, "activation input has \(input.count) elements, output \(output.count)")
        let x = pointer(input), y = pointer(output)
        switch f {
        case .softmax:
            let k = lastDimension(input)
            parallelFor(input.count / k, grain: 64) { row in
                let yr = y + row * k
                _ = Self.softmaxRow(x + row * k, k) { i, value in yr[i] = Float(value) }
            }
        case .linear:
            if x != y { y.update(from: x, count: input.count) }
        default:
            parallelElements(input.count) { range in
                for i in range { y[i] = Self.apply(f, x[i]) }
            }
        }
    }

    public func activationBackward(_ f: ActivationFunction, output: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws {
        precondition(output.count == outputGrad.count && output.count == inputGrad.count,
                     "activation backward tensors have \(output.count), \(outputGrad.count), \(inputGrad.count) elements")
        let y = pointer(output), dy = pointer(outputGrad), dx = pointer(inputGrad)
        switch f {
        case .softmax:
            let k = lastDimension(output)
            parallelFor(output.count / k, grain: 64) { row in
                let yr = y + row * k, dyr = dy + row * k, dxr = dx + row * k
                var dot = 0.0
                for i in 0..<k { dot += Double(dyr[i]) * Double(yr[i]) }
                for i in 0..<k { dxr[i] = Float(Double(yr[i]) * (Double(dyr[i]) - dot)) }
            }
        default:
            multiplyByDerivative(f, at: y, dy, into: dx, count: output.count)
        }
    }

    /// out = g·f'(y) element by element (an element-wise f's backward; out may be g).
    func multiplyByDerivative(_ f: ActivationFunction, at y: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
                              into out: UnsafeMutablePointer<Float>, count: Int) {
        parallelElements(count) { range in
            for i in range { out[i] = g[i] * Self.derivative(f, y[i]) }
        }
    }

    /// Softmax of one row of `k` values, in Double with the row's max subtracted: the one
    /// definition, shared by the activation and the softmax cross-entropy. Calls `each(i, y_i)`
    /// (after reading x_i, so y may be x) and returns the max and Σ_j e^(x_j − max), whose
    /// log plus the max is log Σ_j e^(x_j).
    static func softmaxRow(_ x: UnsafePointer<Float>, _ k: Int,
                           _ each: (Int, Double) -> Void) -> (max: Double, expSum: Double) {
        var top = -Double.infinity
        for i in 0..<k { top = max(top, Double(x[i])) }
        var sum = 0.0
        for i in 0..<k { sum += exp(Double(x[i]) - top) }
        for i in 0..<k { each(i, exp(Double(x[i]) - top) / sum) }
        return (top, sum)
    }

    /// In place: x[n,c,s] += bias[c] for x viewed as [batch, channels, spatial] (spatial = 1
    /// for dense outputs [N, C]); the bias step of `denseForward`.
    func biasAdd(_ x: Tensor, bias: Tensor, channels: Int) throws {
        let spatial = checkChannels(x, bias, channels)
        let px = pointer(x), b = pointer(bias)
        parallelFor(x.count / spatial, grain: 16) { row in
            let value = b[row % channels]
            for s in 0..<spatial { px[row * spatial + s] += value }
        }
    }

    public func biasGrad(_ outputGrad: Tensor, biasGrad: Tensor, channels: Int) throws {
        let spatial = checkChannels(outputGrad, biasGrad, channels)
        let dy = pointer(outputGrad), db = pointer(biasGrad)
        let batch = outputGrad.count / (channels * spatial)
        parallelFor(channels, grain: 4) { c in
            var sum = 0.0
            for n in 0..<batch {
                for s in 0..<spatial { sum += Double(dy[(n * channels + c) * spatial + s]) }
            }
            db[c] = Float(Double(db[c]) + sum)
        }
    }

    public func add(_ a: Tensor, _ b: Tensor, into out: Tensor, activation: ElementwiseActivation) throws {
        precondition(a.count == b.count && a.count == out.count,
                     "add of tensors with \(a.count), \(b.count) elements into \(out.count)")
        let pa = pointer(a), pb = pointer(b), po = pointer(out), f = activation.function
        parallelElements(out.count) { range in
            for i in range { po[i] = Self.apply(f, pa[i] + pb[i]) }
        }
    }

    static func apply(_ f: ActivationFunction, _ x: Float) -> Float {
        switch f {
        case .linear, .softmax: x
        case .relu: x > 0 ? x : 0
        case .leakyReLU(let alpha): x > 0 ? x : alpha * x
        case .sigmoid: Float(1 / (1 + exp(-Double(x))))
        case .tanh: Float(Foundation.tanh(Double(x)))
        }
    }

    /// dy/dx in terms of the output y.
    static func derivative(_ f: ActivationFunction, _ y: Float) -> Float {
        switch f {
        case .linear, .softmax: 1
        case .relu: y > 0 ? 1 : 0
        case .leakyReLU(let alpha): y > 0 ? 1 : alpha
        case .sigmoid: y * (1 - y)
        case .tanh: 1 - y * y
        }
    }

    private func lastDimension(_ t: Tensor) -> Int {
        precondition(t.shape.rank >= 1 && t.shape.dims.last! > 0, "softmax needs a non-empty last dimension, got \(t.shape)")
        return t.shape.dims.last!
    }

    /// The spatial size when `x` is viewed as [batch, channels, spatial].
    private func checkChannels(_ x: Tensor, _ bias: Tensor, _ channels: Int) -> Int {
        precondition(channels > 0 && bias.count == channels, "bias has \(bias.count) elements, want \(channels) channels")
        let batch = x.shape.rank > 0 ? x.shape[0] : 1
        precondition(batch > 0 && x.count % (batch * channels) == 0,
                     "tensor \(x.shape) cannot be viewed as [\(batch), \(channels), spatial]")
        return x.count / (batch * channels)
    }
}
