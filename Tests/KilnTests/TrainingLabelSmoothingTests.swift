import Foundation
import Testing
@testable import Kiln

/// `fit(labelSmoothing:)`: the first epoch's loss of a one-batch epoch is the loss of the
/// untrained model's logits against the smoothed targets, computed here on the host.
@Suite("Label smoothing")
struct TrainingLabelSmoothingTests {
    /// A model without dropout or batch norm, so inference logits are the training step's.
    func linear(outputs: Int, loss: LossFunction) throws -> Sequential {
        let model = try Sequential(input: [1, 8, 8]) {
            Flatten()
            try Dense(outputs)
        }
        try model.compile(backend: CPUBackend(), optimizer: SGD(learningRate: 0.01), loss: loss, seed: 5)
        return model
    }

    /// The reported loss of one epoch that is one batch: the loss before the update.
    func firstLoss(_ model: Sequential, _ data: Dataset, smoothing: Float) throws -> Double {
        let h = try model.fit(data, epochs: 1, batchSize: data.count, shuffle: false, labelSmoothing: smoothing, log: { _ in })
        return h.epochs[0].loss
    }

    @Test(arguments: [Float(0), 0.1, 0.3])
    func softmaxTargetsSpreadEpsilonOverTheClasses(_ eps: Float) throws {
        let data = TestData.stripes(count: 24, classes: 4)
        let model = try linear(outputs: 4, loss: .softmaxCrossEntropy)
        let logits = try model.predict(data)
        var expected = 0.0
        for n in 0..<data.count {
            let target = (0..<4).map { Double(eps) / 4 + ($0 == data.labels[n] ? 1 - Double(eps) : 0) }
            expected += TestData.crossEntropy(logits: Array(logits[n]), target: target)
        }
        expected /= Double(data.count)
        let loss = try firstLoss(model, data, smoothing: eps)
        #expect(abs(loss - expected) <= 1e-5 * expected, "loss \(loss), expected \(expected)")
    }

    /// Keras's binary smoothing: the 0/1 label becomes y·(1 − ε) + ε/2.
    @Test func binaryLabelsMoveTowardsOneHalf() throws {
        var data = TestData.stripes(count: 20, classes: 2)
        data = Dataset(images: data.images, sampleShape: data.sampleShape, labels: data.labels, classCount: 2)
        let model = try linear(outputs: 1, loss: .binaryCrossEntropy)
        let logits = try model.predict(data)
        let eps = 0.2
        var expected = 0.0
        for n in 0..<data.count {
            let x = Double(Array(logits[n])[0]), y = Double(data.labels[n]) * (1 - eps) + eps / 2
            expected += max(x, 0) - x * y + log1p(exp(-abs(x)))
        }
        expected /= Double(data.count)
        let loss = try firstLoss(model, data, smoothing: Float(eps))
        #expect(abs(loss - expected) <= 1e-5 * expected, "loss \(loss), expected \(expected)")
    }

    /// Evaluation scores against the plain labels, whatever the training smoothing was.
    @Test func evaluationIgnoresTheSmoothing() throws {
        let data = TestData.stripes(count: 24, classes: 4)
        let model = try linear(outputs: 4, loss: .softmaxCrossEntropy)
        let before = try model.evaluate(data)
        let smoothed = try firstLoss(model, data, smoothing: 0.3)
        #expect(abs(before.loss - smoothed) > 1e-3, "the smoothed loss \(smoothed) should differ from the plain \(before.loss)")
    }

    @Test(arguments: [Float(-0.1), 1, .nan])
    func outOfRangeIsAClearError(_ eps: Float) throws {
        let model = try linear(outputs: 3, loss: .softmaxCrossEntropy)
        #expect {
            _ = try model.fit(TestData.stripes(count: 8), epochs: 1, labelSmoothing: eps, log: { _ in })
        } throws: { "\($0)".contains("label smoothing must be in [0, 1)") }
    }
}
