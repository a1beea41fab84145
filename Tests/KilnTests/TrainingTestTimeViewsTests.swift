import Foundation
import Testing
@testable import Kiln

/// Test-time averaging (`evaluate`, `predict`, `confusionMatrix` with `testTimeFlip` and
/// `testTimeShift`) against the mean of plain `predict` calls on images moved here.
@Suite("Test-time averaging")
struct TrainingTestTimeViewsTests {
    /// `data` with every image mirrored left to right (when `flip`), then moved dx pixels
    /// right and dy down with zero fill, by index arithmetic.
    func moved(_ data: Dataset, flip: Bool = false, dx: Int = 0, dy: Int = 0) -> Dataset {
        let (c, h, w) = (data.sampleShape[0], data.sampleShape[1], data.sampleShape[2])
        var images = data.images
        for n in 0..<data.count { for ch in 0..<c { for y in 0..<h { for x in 0..<w {
            let plane = (n * c + ch) * h * w
            let (sy, sx) = (y - dy, x - dx)
            let inside = (0..<h).contains(sy) && (0..<w).contains(sx)
            images[plane + y * w + x] = inside ? data.images[plane + sy * w + (flip ? w - 1 - sx : sx)] : 0
        } } } }
        return Dataset(images: images, sampleShape: data.sampleShape, labels: data.labels, classCount: data.classCount)
    }

    func mirrored(_ data: Dataset) -> Dataset { moved(data, flip: true) }

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

    /// With a shift, ten views: each of plain and mirrored, unmoved and moved right, left,
    /// down and up; their logits are summed in that order and divided by ten.
    @Test func shiftsAddFourMovedViewsOfEachFlip() throws {
        let model = try model()
        let data = TestData.stripes(count: 23, seed: 5)
        let moves = [(0, 0), (2, 0), (-2, 0), (0, 2), (0, -2)]
        let outputs = try [false, true].flatMap { f in try moves.map { try model.predict(moved(data, flip: f, dx: $0.0, dy: $0.1)).values } }
        #expect(Set(outputs.map { $0.map(\.bitPattern) }).count == 10, "every view must change the outputs for the test to bite")
        var sum = outputs[0]
        for view in outputs.dropFirst() { for i in sum.indices { sum[i] += view[i] } }
        let mean = sum.map { $0 / 10 }
        #expect(try model.predict(data, batchSize: 10, testTimeFlip: true, testTimeShift: 2).values == mean)
        var correct = 0, loss = 0.0
        for n in 0..<data.count {
            let row = Array(mean[n * 3 ..< n * 3 + 3])
            loss += TestData.crossEntropy(logits: row, target: (0..<3).map { $0 == data.labels[n] ? 1 : 0 })
            if row.firstIndex(of: row.max()!) == data.labels[n] { correct += 1 }
        }
        let r = try model.evaluate(data, batchSize: 10, testTimeFlip: true, testTimeShift: 2)
        #expect(abs(r.loss - loss / 23) <= 1e-5 * loss / 23, "loss \(r.loss), expected \(loss / 23)")
        #expect(r.accuracy == Double(correct) / 23)
        // Without the flip, the first five views.
        var five = outputs[0]
        for view in outputs[1..<5] { for i in five.indices { five[i] += view[i] } }
        #expect(try model.predict(data, batchSize: 10, testTimeShift: 2).values == five.map { $0 / 5 })
    }

    @Test func shiftsThatLeaveNothingInViewAreRefused() throws {
        let model = try model()
        let data = TestData.stripes(count: 4)  // 8x8 images
        #expect(throws: TrainingError.self) { try model.evaluate(data, testTimeShift: 8) }
        #expect(throws: TrainingError.self) { try model.predict(data, testTimeShift: -1) }
        #expect(throws: Never.self) { try model.evaluate(data, testTimeShift: 7) }
        #expect(TestTimeViews(flip: true, shift: 0).summary == ", logits averaged with the mirror images'")
        #expect(TestTimeViews(flip: true, shift: 1).summary == ", logits averaged over 10 views (mirror images, shifts of 1 pixel)")
        #expect(TestTimeViews(flip: false, shift: 0).summary.isEmpty && TestTimeViews(flip: false, shift: 0).views.count == 1)
    }

    /// `Augmentation.move` is step 1 of the random augmentation with its choices fixed: a
    /// certain flip, and the formula of `moved` above for flips and shifts.
    @Test func movingMatchesACertainFlipAndTheIndexFormula() {
        let shape: Shape = [2, 3, 5]
        let batch = (0..<60).map { Float($0 + 1) }
        var once = batch
        Augmentation.move(&once, sampleShape: shape, flip: true, dx: 0, dy: 0)
        var flipped = batch, rng = SplitMix64(seed: 3)
        Augmentation(horizontalFlipProbability: 1).apply(to: &flipped, sampleShape: shape, using: &rng)
        #expect(once == flipped && once != batch)
        Augmentation.move(&once, sampleShape: shape, flip: true, dx: 0, dy: 0)
        #expect(once == batch)
        let data = Dataset(images: batch, sampleShape: shape, labels: [0, 1], classCount: 2)
        for (flip, dx, dy) in [(false, 1, 0), (true, -2, 1), (false, 0, -1), (true, 4, -2)] {
            var images = batch
            Augmentation.move(&images, sampleShape: shape, flip: flip, dx: dx, dy: dy)
            #expect(images == moved(data, flip: flip, dx: dx, dy: dy).images, "flip \(flip) dx \(dx) dy \(dy)")
        }
    }
}
