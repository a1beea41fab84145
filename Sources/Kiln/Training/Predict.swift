import Foundation

extension Sequential {
    /// The model's outputs [N, K] for every sample, in inference mode. For a softmax
    /// cross-entropy model these are logits; `predictProbabilities` applies softmax.
    /// `testTimeFlip`, `testTimeShift`: the mean of the outputs for each image's test-time
    /// views, as `evaluate` takes them.
    public func predict(_ samples: Samples, batchSize: Int = 256, testTimeFlip: Bool = false,
                        testTimeShift: Int = 0) throws -> Predictions {
        Predictions(values: try run(samples, batchSize: batchSize, mode: .inference, step: nil, probabilities: false,
                                    views: try TestTimeViews(flip: testTimeFlip, shift: testTimeShift,
                                                             sampleShape: samples.sampleShape)),
                    columns: outputShape.count)
    }

    /// `predict` on a dataset's images; its labels are not used.
    public func predict(_ data: Dataset, batchSize: Int = 256, testTimeFlip: Bool = false,
                        testTimeShift: Int = 0) throws -> Predictions {
        try predict(data.samples, batchSize: batchSize, testTimeFlip: testTimeFlip, testTimeShift: testTimeShift)
    }

    /// Class probabilities [N, K]: softmax of the logits (sigmoid for one output); with
    /// `testTimeFlip` or `testTimeShift`, of the mean logits of each image's views.
    public func predictProbabilities(_ samples: Samples, batchSize: Int = 256, testTimeFlip: Bool = false,
                                     testTimeShift: Int = 0) throws -> Predictions {
        Predictions(values: try run(samples, batchSize: batchSize, mode: .inference, step: nil, probabilities: true,
                                    views: try TestTimeViews(flip: testTimeFlip, shift: testTimeShift,
                                                             sampleShape: samples.sampleShape)),
                    columns: outputShape.count)
    }

    /// `predictProbabilities` on a dataset's images; its labels are not used.
    public func predictProbabilities(_ data: Dataset, batchSize: Int = 256, testTimeFlip: Bool = false,
                                     testTimeShift: Int = 0) throws -> Predictions {
        try predictProbabilities(data.samples, batchSize: batchSize, testTimeFlip: testTimeFlip, testTimeShift: testTimeShift)
    }

    /// Monte-Carlo dropout: `samples` forward passes with dropout active (batch norm still in
    /// inference mode), each with its own masks; returns the mean and standard deviation of
    /// the class probabilities per element, each [N, K].
    public func predictMonteCarlo(_ inputs: Samples, samples: Int, batchSize: Int = 256) throws
        -> (mean: Predictions, std: Predictions) {
        guard samples >= 1 else { throw TrainingError.invalidArgument("Monte-Carlo samples must be at least 1, got \(samples)") }
        var sum = [Double](), sum2 = [Double]()
        for s in 0..<samples {
            // Counters far from any training step, distinct per pass.
            let p = try run(inputs, batchSize: batchSize, mode: .monteCarloDropout,
                            step: (1 << 62) &+ UInt64(s), probabilities: true)
            if sum.isEmpty { sum = Array(repeating: 0, count: p.count); sum2 = sum }
            for i in p.indices { sum[i] += Double(p[i]); sum2[i] += Double(p[i]) * Double(p[i]) }
        }
        let t = Double(samples)
        let mean = sum.map { Float($0 / t) }
        let std = zip(sum, sum2).map { Float(max($1 / t - ($0 / t) * ($0 / t), 0).squareRoot()) }
        let k = outputShape.count
        return (Predictions(values: mean, columns: k), Predictions(values: std, columns: k))
    }

    /// `predictMonteCarlo` on a dataset's images; its labels are not used.
    public func predictMonteCarlo(_ data: Dataset, samples: Int, batchSize: Int = 256) throws
        -> (mean: Predictions, std: Predictions) {
        try predictMonteCarlo(data.samples, samples: samples, batchSize: batchSize)
    }

    /// The outputs of every sample, or with `probabilities` the backend's softmax of them
    /// (sigmoid for one output).
    private func run(_ samples: Samples, batchSize: Int, mode: ForwardMode, step: UInt64?,
                     probabilities: Bool, views: TestTimeViews = TestTimeViews(flip: false, shift: 0)) throws -> [Float] {
        let state = try requireCompiled()
        guard batchSize >= 1 else { throw TrainingError.invalidArgument("batch size must be at least 1, got \(batchSize)") }
        guard samples.sampleShape == inputShape else {
            throw TrainingError.inputShapeMismatch(expected: inputShape, got: samples.sampleShape)
        }
        var feeder = BatchFeeder(samples: samples, outputs: outputShape.count, normalizer: normalizer)
        var out = [Float]()
        out.reserveCapacity(samples.count * outputShape.count)
        let order = Array(0..<samples.count)
        for first in stride(from: 0, to: samples.count, by: batchSize) {
            let rows = order[first..<min(first + batchSize, samples.count)]
            let input = try feeder.uploadImages(rows, model: self, state: state, training: false)
            let ctx = context(mode, step: step)
            var output = try stack.forward(input, ctx)
            if !views.isIdentity { output = try viewAveraged(output, rows, views: views, feeder: &feeder, state: state) }
            guard probabilities else {
                out += try state.backend.download(output)
                continue
            }
            let p = try state.cache.tensor(ModelSlot.probabilities, output.shape, on: state.backend)
            let f: ActivationFunction = outputShape.count == 1 ? .sigmoid : .softmax
            try state.backend.activationForward(f, input: output.reshaped([rows.count, outputShape.count]),
                                                output: p.reshaped([rows.count, outputShape.count]))
            out += try state.backend.download(p)
        }
        return out
    }
}
