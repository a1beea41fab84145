import Foundation
import Kiln
import Testing

/// One batch as the host holds it: standardised images [N, …sample] and one-hot targets [N, K].
struct HostBatch: Sendable {
    var images: [Float]
    var targets: [Float]
    var count: Int
}

/// Everything a model holds between steps: parameters, batch-norm running statistics and
/// both optimizer state slots.
struct ModelState {
    var weights: WeightSnapshot
    var state1: [Float]
    var state2: [Float]

    init(of model: Sequential) throws {
        let s = try #require(model.compiled)
        weights = try model.weights()
        state1 = try s.backend.download(s.parameters.state1)
        state2 = try s.backend.download(s.parameters.state2)
    }

    func restore(into model: Sequential) throws {
        let s = try #require(model.compiled)
        try model.setWeights(weights)
        try s.backend.upload(state1, to: s.parameters.state1)
        try s.backend.upload(state2, to: s.parameters.state2)
    }
}

/// A compiled model plus the device tensors one training step reads and writes. Steps are
/// driven by hand through `Sequential.trainStep`, so two backends see exactly the same
/// batches in the same order (no shuffling, augmentation or feeder in between).
final class TrainingRun {
    let model: Sequential
    let backend: any Backend
    private let input: Tensor, target: Tensor, losses: Tensor, correct: Tensor

    /// Builds `modelName` for samples of `input` shape and compiles it on `backend`.
    init(_ modelName: String, input sampleShape: Shape, batchSize: Int, on backend: any Backend,
         optimizer: any Optimizer, seed: UInt64) throws {
        model = try ModelZoo.make(modelName, input: sampleShape, classes: 10)
        self.backend = backend
        try model.compile(backend: backend, optimizer: optimizer, loss: .softmaxCrossEntropy, seed: seed)
        input = try backend.makeTensor(Shape([batchSize] + sampleShape.dims))
        target = try backend.makeTensor([batchSize, 10])
        losses = try backend.makeTensor([batchSize])
        correct = try backend.makeTensor([batchSize])
    }

    /// One training step on `batch`; returns the per-sample losses (of the weights before
    /// the update), which also makes the host wait for the step.
    @discardableResult
    func step(_ batch: HostBatch) throws -> [Float] {
        precondition(batch.count == input.shape[0], "every batch of a run has the run's batch size")
        try backend.upload(batch.images, to: input)
        try backend.upload(batch.targets, to: target)
        try model.trainStep(input: input, target: target, losses: losses, correct: correct)
        return try backend.download(losses)
    }
}

extension HostBatch {
    /// The first `count · batchSize` Fashion-MNIST training images, standardised with
    /// statistics fitted on those images, cut into consecutive batches; `halved` averages
    /// 2×2 pixel blocks (28×28 → 14×14) for models whose CPU run would otherwise be slow.
    static func fashionMNIST(count: Int, batchSize: Int, halved: Bool = false) throws -> [HostBatch] {
        var data = try FashionMNIST.load(split: .train, limit: count * batchSize)
        if halved { data = halve(data) }
        Normalizer(fitting: data).apply(to: &data)
        return (0..<count).map { b in
            let rows = Array(b * batchSize..<(b + 1) * batchSize)
            return HostBatch(images: data.batchImages(rows), targets: data.oneHot(rows), count: batchSize)
        }
    }

    /// 2×2 average pooling of single-channel square images.
    private static func halve(_ data: Dataset) -> Dataset {
        let side = data.sampleShape[1], half = side / 2
        var images = [Float]()
        images.reserveCapacity(data.count * half * half)
        for i in 0..<data.count {
            let base = i * side * side
            for y in 0..<half {
                for x in 0..<half {
                    let p = base + 2 * y * side + 2 * x
                    images.append((data.images[p] + data.images[p + 1] + data.images[p + side] + data.images[p + side + 1]) / 4)
                }
            }
        }
        return Dataset(images: images, sampleShape: [1, half, half], labels: data.labels, classCount: data.classCount)
    }
}

/// Element-wise a − b, for comparing what training changed rather than the weights themselves.
func difference(_ a: [Float], _ b: [Float]) -> [Float] {
    precondition(a.count == b.count, "difference of arrays of \(a.count) and \(b.count) elements")
    return zip(a, b).map { $0 - $1 }
}
