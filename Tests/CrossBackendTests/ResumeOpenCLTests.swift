import Foundation
import Kiln
import KilnCheck
import KilnOpenCL
import Testing

/// Resume on OpenCL: 2 epochs straight and 1 epoch, a checkpoint, a fresh model and 1 more
/// resumed epoch agree within the whole-training tolerance (`TrainingCrossCheckTests`). The
/// CPU backend's bit-identity is tested in `KilnTests/ResumeTests`.
@Suite("Resume on OpenCL")
struct ResumeOpenCLTests {
    static let installed = FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory.path)

    func model(_ data: Dataset) throws -> Sequential {
        let m = try ModelZoo.make("simple-cnn", input: data.sampleShape, classes: 10)
        m.normalizer = Normalizer(fitting: data)
        try m.compile(backend: try TrainingCrossCheckTests.device(), optimizer: Adam(), loss: .softmaxCrossEntropy, seed: 4)
        return m
    }

    @Test(.enabled(if: installed, "Fashion-MNIST not installed"))
    func twoEpochsStraightMatchOneEpochThenResume() throws {
        let data = try FashionMNIST.load(split: .train, limit: 160)
        let url = FileManager.default.temporaryDirectory.appending(path: "kiln-resume-cl-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let straight = try model(data)
        let start = try straight.weights()
        let h = try straight.fit(data, epochs: 2, batchSize: 16, log: { _ in })

        let first = try model(data)
        _ = try first.fit(data, epochs: 1, batchSize: 16, checkpoint: PeriodicCheckpoint(every: 1, url: url), log: { _ in })
        let second = try model(data)
        try Checkpoint.load(into: second, from: url)
        let r = try #require(try Checkpoint.resumeState(at: url))
        let g = try second.fit(data, epochs: 2, batchSize: 16, resume: r, log: { _ in })

        let a = try straight.weights(), b = try second.weights()
        let displacement = Comparison(difference(b.parameters, start.parameters), difference(a.parameters, start.parameters))
        #expect(displacement.passes(rms: TrainingCrossCheckTests.displacementTolerance), "\(displacement)")
        #expect(g.epochs.count == 2)
        let relative = abs(g.epochs[1].loss - h.epochs[1].loss) / h.epochs[1].loss
        #expect(relative <= TrainingCrossCheckTests.lossTolerance(step: 20), "epoch 2 loss \(g.epochs[1].loss) vs \(h.epochs[1].loss)")
    }
}
