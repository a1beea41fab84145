import Foundation
import Testing
@testable import Kiln

/// Test-time flip averaging (`evaluate`, `predict`, `confusionMatrix` with `testTimeFlip`)
/// against the mean of two plain `predict` calls, the second on images mirrored here.
@Suite("Test-time flip averaging")
struct TrainingTestTimeFlipTests {
    /// `data` with every image mirrored left to right, by index arithmetic.
    func mirrored(_ data: Dataset) -> Dataset {
        let (c, h, w) = (data.sampleShape[0], data.sampleShape[1], data.sampleShape[2])
        var images = data.images
        for n in 0..<data.count { for ch in 0..<c { for y in 0..<h { for x in 0..<w {
            let row = ((n * c + ch) * h + y) * w
            images[row + x] = data.images[row + w - 1 - x]
        } } } }
        return Dataset(images: images, sampleShape: data.sampleShape, labels: data.labels, classCount: data.classCount)
    }

    /// A trained model with batch norm and dropout whose outputs change under mirroring
    /// (the stripes' classes sit in rows, the noise differs left and right).
    func model() throws -> Sequential {
        let model = try TestData.smallModel(classes: 3)
        try model.compile(backend: CPUBackend(), optimizer: Adam(learningRate: 0.01), loss: .softmaxCrossEntropy, seed: 7)
        _ = try model.fit(TestData.stripes(count: 64), epochs: 1, batchSize: 16, log: { _ in })
        return model
    }

    @Test func evaluationScoresTheMeanOfBothLogits() throws {
        let model = try model()
        let data = TestData.stripes(count: 37, seed: 4)
        let plain = try model.predict(data), flipped = try model.predict(mirrored(data))
        #expect(plain.values != flipped.values, "the mirror images must give other outputs for the test to bite")
        var loss = 0.0, correct = 0
        var expectedMean = [Float]()
        for n in 0..<data.count {
            let (p, f) = (Array(plain[n]), Array(flipped[n]))
            let row = (0..<3).map { (p[$0] + f[$0]) / 2 }
            expectedMean += row
            loss += TestData.crossEntropy(logits: row, target: (0..<3).map { $0 == data.labels[n] ? 1 : 0 })
            if row.firstIndex(of: row.max()!) == data.labels[n] { correct += 1 }
        }
        // Batches of 10 leave a partial last batch.
        let r = try model.evaluate(data, batchSize: 10, testTimeFlip: true)
        #expect(abs(r.loss - loss / 37) <= 1e-5 * loss / 37, "loss \(r.loss), expected \(loss / 37)")
        #expect(r.accuracy == Double(correct) / 37)
        #expect(try model.predict(data, batchSize: 10, testTimeFlip: true).values == expectedMean)
        let matrix = try model.confusionMatrix(data, batchSize: 10, testTimeFlip: true)
        let diagonal = (0..<3).reduce(0) { $0 + matrix.counts[$1][$1] }
        #expect(diagonal == correct)
        // Without the flag, nothing changes.
        #expect(try model.predict(data, batchSize: 10).values == plain.values)
    }

    @Test func mirroringTwiceIsTheIdentityAndMatchesACertainFlip() {
        let shape: Shape = [2, 3, 5]
        let batch = (0..<60).map(Float.init)
        var once = batch
        Augmentation.mirror(&once, sampleShape: shape)
        var flipped = batch, rng = SplitMix64(seed: 3)
        Augmentation(horizontalFlipProbability: 1).apply(to: &flipped, sampleShape: shape, using: &rng)
        #expect(once == flipped && once != batch)
        Augmentation.mirror(&once, sampleShape: shape)
        #expect(once == batch)
    }
}
