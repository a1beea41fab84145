import Kiln

/// What to measure: a model-zoo model on synthetic data at several batch sizes.
public struct ThroughputSettings: Sendable {
    public var model: String
    /// Per-sample input shape, e.g. [1, 28, 28].
    public var inputShape: Shape
    public var classes: Int
    public var batchSizes: [Int]
    public var loop: TimedLoop
    public var seed: UInt64
    /// A model file to build instead of the zoo model `model` (`kiln bench --model-file`).
    public var modelFile: ModelFile?

    public init(model: String, inputShape: Shape, classes: Int, batchSizes: [Int], loop: TimedLoop, seed: UInt64) {
        self.model = model; self.inputShape = inputShape; self.classes = classes
        self.batchSizes = batchSizes; self.loop = loop; self.seed = seed
    }

    /// The model, compiled on `backend` the way `kiln train` compiles it (Adam, softmax
    /// cross-entropy), so a benchmark step is a training step.
    func compiledModel(on backend: any Backend) throws -> Sequential {
        let model = try modelFile?.build() ?? ModelZoo.make(model, input: inputShape, classes: classes)
        try model.compile(backend: backend, optimizer: Adam(), loss: .softmaxCrossEntropy, seed: seed)
        return model
    }
}

/// One batch size's figures.
public struct ThroughputRow: Codable, Sendable {
    public var batchSize: Int
    public var trainImagesPerSecond: Double
    public var trainMillisecondsPerStep: Double
    public var trainSteps: Int
    public var trainSeconds: Double
    public var inferenceImagesPerSecond: Double
    public var inferenceBatches: Int
    public var inferenceSeconds: Double
    /// VmHWM over this batch size's run (reset before it where the kernel allows).
    public var peakResidentBytes: Int?
    public var peakResidentIsCumulative: Bool
    /// Device memory in use with the model, its buffers and workspaces live; nil when
    /// it cannot be counted. `deviceBytesSource` says how it was counted.
    public var deviceBytes: Int?
    public var deviceBytesSource: String
}

/// Training and inference throughput per batch size.
///
/// A training step is what `fit` does per batch minus the host-side gathering: upload the
/// inputs and targets, forward, loss, backward, one fused optimizer update. An inference
/// batch is what `predict` does: upload, forward in inference mode, download the logits.
/// Both are timed by `TimedLoop` (steady state after warm-up, device work included).
public enum ThroughputBenchmark {
    public static func run(_ settings: ThroughputSettings, on device: BenchDevice,
                           progress: (ThroughputRow) -> Void = { _ in }) throws -> [ThroughputRow] {
        try settings.batchSizes.map { n in
            let row = try measure(settings, batchSize: n, on: device)
            progress(row)
            return row
        }
    }

    static func measure(_ settings: ThroughputSettings, batchSize n: Int, on device: BenchDevice) throws -> ThroughputRow {
        let batch = SyntheticBatch(batch: n, inputShape: settings.inputShape, classes: settings.classes, seed: settings.seed)
        let peakIsFresh = ProcessMemory.resetPeak()
        let session = device.session()
        let b = session.backend
        let model = try settings.compiledModel(on: b)
        let input = try b.makeTensor(batch.inputShape), target = try b.makeTensor(batch.targetShape)
        let losses = try b.makeTensor([n]), correct = try b.makeTensor([n])

        let train = try settings.loop.run(step: {
            try b.upload(batch.images, to: input)
            try b.upload(batch.targets, to: target)
            try model.trainStep(input: input, target: target, losses: losses, correct: correct)
        }, sync: {
            _ = try b.download(losses.view(at: 0, shape: [1]))
        })
        let inference = try settings.loop.run(step: {
            try b.upload(batch.images, to: input)
            _ = try b.download(model.forward(input, mode: .inference))
        }, sync: {})  // every batch already ends with its download

        return ThroughputRow(
            batchSize: n,
            trainImagesPerSecond: Double(n) / train.secondsPerIteration,
            trainMillisecondsPerStep: 1000 * train.secondsPerIteration,
            trainSteps: train.iterations, trainSeconds: train.seconds,
            inferenceImagesPerSecond: Double(n) / inference.secondsPerIteration,
            inferenceBatches: inference.iterations, inferenceSeconds: inference.seconds,
            peakResidentBytes: ProcessMemory.peakResidentBytes, peakResidentIsCumulative: !peakIsFresh,
            deviceBytes: session.deviceBytes(), deviceBytesSource: session.deviceBytesSource)
    }
}
