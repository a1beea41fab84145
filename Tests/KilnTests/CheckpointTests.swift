import Foundation
import Testing
@testable import Kiln

@Suite("Checkpoints")
struct CheckpointTests {
    let dir = FileManager.default.temporaryDirectory.appending(path: "kiln-ckpt-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }

    func trainedModel() throws -> Sequential {
        let model = try TestData.smallModel()
        let data = TestData.stripes(count: 40)
        model.normalizer = Normalizer(fitting: data)
        try model.compile(backend: CPUBackend(), optimizer: Adam(), loss: .softmaxCrossEntropy, seed: 3)
        _ = try model.fit(data, epochs: 1, batchSize: 8, log: { _ in })
        return model
    }

    @Test func roundTripRestoresPredictionsAndNormalizer() throws {
        let model = try trainedModel()
        let url = dir.appending(path: "m.safetensors")
        try Checkpoint.save(model, to: url)
        let fresh = try TestData.smallModel()
        try fresh.compile(backend: CPUBackend(), optimizer: Adam(), loss: .softmaxCrossEntropy, seed: 99)
        try Checkpoint.load(into: fresh, from: url)
        #expect(try fresh.weights() == model.weights())
        #expect(fresh.normalizer == model.normalizer)
        let data = TestData.stripes(count: 5, seed: 8)
        #expect(try fresh.predict(data) == model.predict(data))
    }

    @Test func usesPyTorchStateDictNamesAndLayouts() throws {
        let url = dir.appending(path: "names.safetensors")
        try Checkpoint.save(try trainedModel(), to: url)
        let file = try SafeTensorsFile.read(from: url)
        #expect(file.tensors.map(\.name).filter { !Checkpoint.isResumeTensor($0) }
                == ["0.weight", "0.bias", "1.weight", "1.bias", "5.weight", "5.bias", "1.running_mean", "1.running_var"])
        // After fit, the optimizer's moments follow, in the arena's layout (see ResumeState).
        #expect(file.tensors.map(\.name).filter(Checkpoint.isResumeTensor) == ["optimizer.state1", "optimizer.state2"])
        #expect(file["0.weight"]?.shape == [4, 1, 3, 3])  // OIHW
        #expect(file["5.weight"]?.shape == [3, 64])       // [out, in]
        #expect(file.metadata["format"] == Checkpoint.format)
    }

    @Test func mismatchedModelIsAClearErrorAndLeavesTheModelUnchanged() throws {
        let url = dir.appending(path: "a.safetensors")
        try Checkpoint.save(try trainedModel(), to: url)
        let other = try Sequential(input: [1, 8, 8]) { try Conv2D(5, kernelSize: 3); Flatten(); try Dense(3) }
        try other.compile(backend: CPUBackend(), optimizer: Adam(), loss: .softmaxCrossEntropy, seed: 1)
        let before = try other.weights()
        #expect {
            try Checkpoint.load(into: other, from: url)
        } throws: { error in
            let m = "\(error)"
            return m.contains(url.path) && m.contains("0.weight is [4, 1, 3, 3] in the file, [5, 1, 3, 3] in the model")
                && m.contains("missing 2.weight [3, 180]") && m.contains("unexpected 5.weight [3, 64]")
        }
        #expect(try other.weights() == before)
    }

    @Test func nonCheckpointFileIsRejected() throws {
        let url = dir.appending(path: "plain.safetensors")
        try SafeTensorsFile(tensors: [(name: "x", shape: [1], values: [1])]).write(to: url)
        let model = try TestData.smallModel()
        try model.compile(backend: CPUBackend(), optimizer: Adam(), loss: .softmaxCrossEntropy)
        #expect { try Checkpoint.load(into: model, from: url) } throws: { "\($0)".contains("not a Kiln checkpoint") }
    }
}
