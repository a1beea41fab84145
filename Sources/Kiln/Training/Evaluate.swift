extension Sequential {
    /// Mean loss and accuracy over `data` in inference mode (running statistics, no dropout).
    /// With several ranks (`communicator`), each evaluates its share of `data` and the sums
    /// are reduced, so every rank returns the figures over the whole set, each sample once.
    /// `testTimeFlip` scores each sample by the mean of its outputs for the image and its
    /// mirror image; `testTimeShift` s > 0 adds each of those moved s pixels right, left, down
    /// and up (`TestTimeViews`: 5 or, with the flip, 10 views).
    public func evaluate(_ data: Dataset, batchSize: Int = 256, testTimeFlip: Bool = false,
                         testTimeShift: Int = 0) throws -> (loss: Double, accuracy: Double) {
        let state = try requireCompiled()
        guard batchSize >= 1 else { throw TrainingError.invalidArgument("batch size must be at least 1, got \(batchSize)") }
        guard data.count > 0 else { throw TrainingError.invalidArgument("no samples to evaluate") }
        try BatchFeeder.validate(data, for: self, role: "evaluation")
        let views = try TestTimeViews(flip: testTimeFlip, shift: testTimeShift, sampleShape: data.sampleShape)
        let b = state.backend
        let n = data.count
        let losses = try state.cache.tensor(ModelSlot.sampleLosses, [n], on: b)
        let correct = try state.cache.tensor(ModelSlot.sampleCorrect, [n], on: b)
        var feeder = BatchFeeder(dataset: data, outputs: outputShape.count, normalizer: normalizer,
                                 augmentation: nil, rng: SplitMix64(seed: 0))
        let mine = DataShard.range(count: n, rank: communicator.rank, size: communicator.size)
        let order = Array(0..<n)
        for first in stride(from: mine.lowerBound, to: mine.upperBound, by: batchSize) {
            let rows = order[first..<min(first + batchSize, mine.upperBound)]
            let (input, target) = try feeder.upload(rows, model: self, state: state, training: false)
            var output = try stack.forward(input, context(.inference))
            if !views.isIdentity { output = try viewAveraged(output, rows, views: views, feeder: &feeder, state: state) }
            let gradient = try state.cache.tensor(ModelSlot.lossGradient, output.shape, on: b)
            try b.loss(state.loss, prediction: output, target: target,
                       perSampleLoss: losses.view(at: first, shape: [rows.count]), gradient: gradient)
            try b.countCorrect(prediction: output, target: target, correct: correct.view(at: first, shape: [rows.count]))
        }
        var sums = [0.0, 0.0]
        if !mine.isEmpty {
            let (l, c) = try sumMetrics(losses.view(at: mine.lowerBound, shape: [mine.count]),
                                        correct.view(at: mine.lowerBound, shape: [mine.count]), state)
            sums = [l, c]
        }
        if communicator.size > 1 { sums = try communicator.allReduceSum(sums) }
        return (sums[0] / Double(n), sums[1] / Double(n))
    }
}
