import Testing
@testable import Kiln

@Suite("Models")
struct ModelTests {
    @Test func simpleCNNSummaryCountsParameters() throws {
        let model = try ModelZoo.make("simple-cnn")
        // conv 1→32 3x3: 32·9 + 32; conv 32→64 3x3: 64·32·9 + 64; 28→26→13→11→5: 64·5·5 = 1600;
        // dense 1600→128 and 128→10 with biases.
        let expected = (32 * 9 + 32) + (64 * 32 * 9 + 64) + (1600 * 128 + 128) + (128 * 10 + 10)
        #expect(model.parameterCount == expected)
        let s = model.summary()
        #expect(s.contains("Trainable params: \(expected)"))
        #expect(s.contains("Non-trainable params: 0"))
        #expect(s.contains("[None, 64, 5, 5]"))
    }

    @Test func batchNormStatisticsAreNonTrainable() throws {
        let model = try ModelZoo.make("resnet-small")
        #expect(model.bufferCount > 0)
        #expect(model.summary().contains("Non-trainable params: \(model.bufferCount)"))
        #expect(model.summary().contains("shortcut Conv2D"))
    }

    @Test func shapeErrorsNameTheLayer() {
        #expect(throws: LayerError("Dense expects a flat input per sample, got [1, 8, 8]; add Flatten() before it")) {
            _ = try Sequential(input: [1, 8, 8]) { Dense(3) }
        }
        #expect { _ = try Sequential(input: [1, 4, 4]) { Conv2D(2, kernelSize: 5) } } throws: {
            "\($0)".contains("does not fit input [1, 4, 4]")
        }
        #expect(throws: LayerError("Dropout: rate must be in [0, 1), got 1.0")) {
            _ = try Sequential(input: [4]) { Dropout(1) }
        }
        #expect { _ = try ModelZoo.make("vgg") } throws: { "\($0)".contains("available: simple-cnn") }
    }

    @Test func sameSeedGivesSameInitialWeightsOnEveryCompile() throws {
        let a = try ModelZoo.make("lenet5"), b = try ModelZoo.make("lenet5")
        try a.compile(backend: CPUBackend(), optimizer: try Adam(), loss: .softmaxCrossEntropy, seed: 5)
        try b.compile(backend: CPUBackend(), optimizer: try Adam(), loss: .softmaxCrossEntropy, seed: 5)
        #expect(try a.weights() == b.weights())
    }
}
