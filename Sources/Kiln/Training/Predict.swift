import Foundation

extension Sequential {
    /// The model's outputs [N, K] for every sample of `data`, in inference mode. For a
    /// softmax cross-entropy model these are logits; `predictProbabilities` applies softmax.
    public func predict(_ data: Dataset, batchSize: Int = 256) throws -> [Float] {
        try run(data, batchSize: batchSize, mode: .inference, step: nil)
    }

    /// Class probabilities [N, K]: softmax of the logits (sigmoid for one output).
    public func predictProbabilities(_ data: Dataset, batchSize: Int = 256) throws -> [Float] {
        probabilities(try predict(data, batchSize: batchSize))
    }

    /// Monte-Carlo dropout: `samples` forward passes with dropout active (batch norm still in
    /// inference mode), each with its own masks; returns the mean and standard deviation of
    /// the class probabilities per element [N, K].
    public func predictMonteCarlo(_ data: Dataset, samples: Int, batchSize: Int = 256) throws -> (mean: [Float], std: [Float]) {
        guard samples >= 1 else { throw TrainingError.invalidArgument("Monte-Carlo samples must be at least 1, got \(samples)") }
        var sum = [Double](), sum2 = [Double]()
        for s in 0..<samples {
            // Counters far from any training step, distinct per pass.
            let p = probabilities(try run(data, batchSize: batchSize, mode: .monteCarloDropout,
                                          step: (1 << 62) &+ UInt64(s)))
            if sum.isEmpty { sum = Array(repeating: 0, count: p.count); sum2 = sum }
            for i in p.indices { sum[i] += Double(p[i]); sum2[i] += Double(p[i]) * Double(p[i]) }
        }
        let t = Double(samples)
        let mean = sum.map { Float($0 / t) }
        let std = zip(sum, sum2).map { Float(max($1 / t - ($0 / t) * ($0 / t), 0).squareRoot()) }
        return (mean, std)
    }

    private func run(_ data: Dataset, batchSize: Int, mode: ForwardMode, step: UInt64?) throws -> [Float] {
        let state = try requireCompiled()
        guard batchSize >= 1 else { throw TrainingError.invalidArgument("batch size must be at least 1, got \(batchSize)") }
        guard Shape(data.sampleShape) == inputShape else {
            throw TrainingError.inputShapeMismatch(expected: inputShape, got: Shape(data.sampleShape))
        }
        var feeder = BatchFeeder(dataset: data, outputs: outputShape.count, normalizer: normalizer,
                                 augmentation: nil, rng: SplitMix64(seed: 0))
        var out = [Float]()
        out.reserveCapacity(data.count * outputShape.count)
        let order = Array(0..<data.count)
        for first in stride(from: 0, to: data.count, by: batchSize) {
            let rows = order[first..<min(first + batchSize, data.count)]
            let input = try feeder.uploadImages(rows, model: self, state: state, training: false)
            let ctx = context(mode, step: step)
            out += try state.backend.download(try stack.forward(input, ctx))
        }
        return out
    }

    /// Softmax per row for K > 1 outputs, sigmoid for one.
    private func probabilities(_ logits: [Float]) -> [Float] {
        let k = outputShape.count
        if k == 1 { return logits.map { 1 / (1 + exp(-$0)) } }
        var p = logits
        for row in stride(from: 0, to: p.count, by: k) {
            let m = p[row..<row + k].max()!
            var s: Float = 0
            for j in row..<row + k { p[j] = exp(p[j] - m); s += p[j] }
            for j in row..<row + k { p[j] /= s }
        }
        return p
    }
}
