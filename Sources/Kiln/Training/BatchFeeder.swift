/// Turns sample rows into device batches: gathers the images, augments (training only),
/// normalises, and uploads them with their targets. Reuses its host arrays and device
/// tensors, so a steady-state step allocates nothing.
struct BatchFeeder {
    let samples: Samples
    /// nil for prediction (no targets).
    let labels: [Int]?
    let outputs: Int
    let normalizer: Normalizer?
    var augmentation: Augmentation?
    var rng: SplitMix64
    /// Label smoothing ε (`Sequential.fit`): training targets move ε of their mass evenly over
    /// the classes, PyTorch's `CrossEntropyLoss(label_smoothing:)`; a one-output model's 0/1
    /// label becomes y·(1 − ε) + ε/2, Keras's `BinaryCrossentropy(label_smoothing:)`.
    var labelSmoothing: Float = 0

    init(dataset: Dataset, outputs: Int, normalizer: Normalizer?, augmentation: Augmentation?, rng: SplitMix64) {
        samples = dataset.samples
        labels = dataset.labels
        self.outputs = outputs; self.normalizer = normalizer; self.augmentation = augmentation; self.rng = rng
    }

    /// A feeder for prediction: images only, no augmentation.
    init(samples: Samples, outputs: Int, normalizer: Normalizer?) {
        self.samples = samples
        labels = nil
        self.outputs = outputs; self.normalizer = normalizer; augmentation = nil; rng = SplitMix64(seed: 0)
    }

    /// Checks that the data fits the model before any work starts.
    static func validate(_ data: Dataset, for model: Sequential, role: String) throws {
        guard data.sampleShape == model.inputShape else {
            throw TrainingError.invalidArgument(
                "\(role) samples have shape \(data.sampleShape), the model expects \(model.inputShape)")
        }
        let outputs = model.outputShape.count
        let maxLabel = data.labels.max() ?? 0
        if outputs == 1 ? maxLabel > 1 : maxLabel >= outputs {
            throw TrainingError.labelsDoNotFitOutput(classes: maxLabel + 1, outputs: outputs)
        }
    }

    /// Targets for `indices`: one-hot rows for K > 1 outputs, the 0/1 label for one output;
    /// smoothed by `smoothing` (training passes `labelSmoothing`, evaluation 0).
    func targets(_ indices: ArraySlice<Int>, smoothing: Float = 0) -> [Float] {
        guard let labels else { preconditionFailure("a prediction feeder has no targets") }
        if outputs == 1 { return indices.map { Float(labels[$0]) * (1 - smoothing) + smoothing / 2 } }
        let off = smoothing / Float(outputs)
        var t = [Float](repeating: off, count: indices.count * outputs)
        for (row, i) in indices.enumerated() { t[row * outputs + labels[i]] = 1 - smoothing + off }
        return t
    }

    /// Uploads the batch `indices` (and its targets) into the model's cached tensors; with
    /// `share`, only those positions of the batch (a data-parallel rank's part).
    mutating func upload(_ indices: ArraySlice<Int>, share: Range<Int>? = nil, model: Sequential,
                         state: Sequential.CompiledState, training: Bool) throws -> (input: Tensor, target: Tensor) {
        let share = share ?? 0..<indices.count
        let input = try uploadImages(indices, share: share, model: model, state: state, training: training)
        let target = try state.cache.tensor(ModelSlot.target, [share.count, outputs], on: state.backend)
        try state.backend.upload(targets(indices.dropFirst(share.lowerBound).prefix(share.count),
                                         smoothing: training ? labelSmoothing : 0), to: target)
        return (input, target)
    }

    /// Uploads only the images of `indices` (prediction needs no labels), or of the positions
    /// `share` of them. Training augmentation runs over the whole of `indices` first, so the
    /// generator makes the same choices for every sample whatever share a process uploads.
    /// `view` (inference only) uploads each image mirrored and moved so (`Augmentation.move`).
    mutating func uploadImages(_ indices: ArraySlice<Int>, share: Range<Int>? = nil, model: Sequential,
                               state: Sequential.CompiledState, training: Bool,
                               view: (flip: Bool, dx: Int, dy: Int)? = nil) throws -> Tensor {
        precondition(!(training && view != nil), "test-time views are for inference; training moves images through augmentation")
        let share = share ?? 0..<indices.count
        let n = share.count
        var images: [Float]
        if training, let augmentation {
            images = samples.batch(Array(indices))
            augmentation.apply(to: &images, sampleShape: samples.sampleShape, using: &rng)
            if n < indices.count {
                let per = images.count / max(indices.count, 1)
                images = Array(images[share.lowerBound * per ..< share.upperBound * per])
            }
        } else {
            images = samples.batch(Array(indices.dropFirst(share.lowerBound).prefix(n)))
            if let view { Augmentation.move(&images, sampleShape: samples.sampleShape, flip: view.flip, dx: view.dx, dy: view.dy) }
        }
        normalizer?.apply(toBatch: &images)
        let input = try state.cache.tensor(ModelSlot.input, Shape([n] + model.inputShape.dims), on: state.backend)
        try state.backend.upload(images, to: input)
        return input
    }
}

extension BatchFeeder {
    /// Draws the augmentation choices of `indices` without uploading anything: a rank whose
    /// share of a batch is empty keeps its generator where the other ranks' is.
    mutating func skip(_ indices: ArraySlice<Int>, training: Bool) {
        guard training, let augmentation else { return }
        var images = samples.batch(Array(indices))
        augmentation.apply(to: &images, sampleShape: samples.sampleShape, using: &rng)
    }
}

/// Tensor-cache slots of a compiled model (its own, not a layer's).
enum ModelSlot {
    static let input = 0
    static let target = 1
    static let lossGradient = 2
    static let sampleLosses = 3
    static let sampleCorrect = 4
    static let probabilities = 5
    /// [loss sum, correct count] of the samples since the last read.
    static let metricTotals = 6
    /// Test-time averaging's mean outputs (`Sequential.viewAveraged`).
    static let viewAveragedOutput = 7
}
