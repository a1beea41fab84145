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
            _ = try Sequential(input: [1, 8, 8]) { try Dense(3) }
        }
        #expect { _ = try Sequential(input: [1, 4, 4]) { try Conv2D(2, kernelSize: 5) } } throws: {
            "\($0)".contains("does not fit input [1, 4, 4]")
        }
        #expect(throws: LayerError("Dropout: rate must be in [0, 1), got 1.0")) {
            _ = try Sequential(input: [4]) { try Dropout(1) }
        }
        #expect { _ = try ModelZoo.make("vgg") } throws: { "\($0)".contains("available: simple-cnn") }
    }

    @Test func layerArgumentsAreCheckedWhenTheLayerIsMade() {
        #expect(throws: LayerError("Dense: units must be positive, got 0")) { _ = try Dense(0) }
        #expect(throws: LayerError("Conv2D: filters, kernel size and strides must be positive, got 4 filters, "
            + "kernel 3x3, stride 0x0")) { _ = try Conv2D(4, kernelSize: 3, stride: 0) }
        #expect(throws: LayerError("Conv2D: padding must not be negative, got pad(-1,0,0,0)")) {
            _ = try Conv2D(4, kernelSize: 3, padding: .explicit(top: -1, left: 0, bottom: 0, right: 0))
        }
        #expect(throws: LayerError("MaxPool2D: pool size and strides must be positive, got pool 0x0")) {
            _ = try MaxPool2D(0)
        }
        #expect(throws: LayerError("AvgPool2D: pool size and strides must be positive, got pool 2x2, stride 0x1")) {
            _ = try AvgPool2D(poolSize: (2, 2), strides: (0, 1))
        }
        #expect(throws: LayerError("Dropout: rate must be in [0, 1), got -0.5")) { _ = try Dropout(-0.5) }
        #expect(throws: LayerError("BatchNorm: decay must be in [0, 1] and epsilon positive, got decay 0.99, epsilon 0.0")) {
            _ = try BatchNorm(epsilon: 0)
        }
        #expect(throws: LayerError("Activation: leaky ReLU alpha must be positive, got 0.0")) { _ = try LeakyReLU(alpha: 0) }
        #expect(throws: LayerError("Residual: leaky ReLU alpha must be positive, got -1.0")) {
            _ = try Residual(activation: .leakyReLU(alpha: -1)) { Flatten() }
        }
    }

    /// Sizes past `ShapeLimits` are errors when the layer or the model is made, never an
    /// overflow trap in the arithmetic that follows (a model file can ask for anything).
    @Test func sizesBeyondTheLimitsAreErrorsNotTraps() {
        #expect(throws: LayerError("Conv2D: filters, kernel size and strides must be at most 65536, got 65537")) {
            _ = try Conv2D(4, kernelSize: 65537, padding: .same)
        }
        #expect(throws: LayerError("Conv2D: padding must be at most 65536, got 1099511627776")) {
            _ = try Conv2D(4, kernelSize: 3, padding: .explicit(top: 1 << 40, left: 0, bottom: 0, right: 0))
        }
        #expect(throws: LayerError("Dense: units must be at most 1048576, got 1048577")) { _ = try Dense(1_048_577) }
        #expect(throws: LayerError("MaxPool2D: pool size and strides must be at most 65536, got 65537")) { _ = try MaxPool2D(65537) }
        #expect(throws: LayerError("input shape [4294967296, 4294967296] has more than 1073741824 values (Kiln's limit)")) {
            _ = try Sequential(input: [1 << 32, 1 << 32]) { Flatten() }
        }
        #expect(throws: LayerError("input shape [8589934592, 8589934592, 8589934592] has more than 1073741824 values (Kiln's limit)")) {
            _ = try Sequential(input: [1 << 33, 1 << 33, 1 << 33]) { Flatten() }  // the product overflows
        }
        #expect(throws: LayerError("layer 1 (Conv2D) takes the model to more than 9223372036854775807 parameters, more than 1099511627776 (Kiln's limit)")) {
            _ = try Sequential(input: [1, 4, 4]) {
                try Conv2D(65536, kernelSize: 1)
                try Conv2D(65536, kernelSize: 65536, padding: .same)
            }
        }
        // Within the limits, a 65536² kernel over 2^30 pixels has an im2col matrix of 2^62 floats:
        // the memory estimate saturates (and refuses every batch) instead of trapping.
        let huge = try? Sequential(input: [1, 32768, 32768]) { try Conv2D(1, kernelSize: 65536, padding: .same) }
        #expect(huge.map { StepMemoryEstimate(model: $0, training: true).bytes(batchSize: 1) == nil } == true)
    }

    @Test func aLayerInstanceBelongsToOneModel() throws {
        let shared = try Dense(3)
        let first = try Sequential(input: [4]) { shared }
        #expect(throws: LayerError("layer 1 (Dense) already belongs to another model; make a new Dense(...) for each place it is used")) {
            _ = try Sequential(input: [4]) { ReLU(); shared }
        }
        let twice = try Dense(4)
        #expect(throws: LayerError("layer 1 (Dense) appears twice in the model; make a new Dense(...) for each place it is used")) {
            _ = try Sequential(input: [4]) { twice; twice }
        }
        let nested = try Dense(4)
        #expect(throws: LayerError.self) {
            _ = try Sequential(input: [4]) { nested; try Residual { nested } }
        }
        #expect(first.layers.count == 1)
    }

    @Test func aLayerWhoseModelIsGoneMayJoinAnother() throws {
        let layer = try Dense(3)
        do { _ = try Sequential(input: [4]) { layer } }
        let second = try Sequential(input: [4]) { layer }
        #expect(second.outputShape == [3])
    }

    @Test func sameSeedGivesSameInitialWeightsOnEveryCompile() throws {
        let a = try ModelZoo.make("lenet5"), b = try ModelZoo.make("lenet5")
        try a.compile(backend: CPUBackend(), optimizer: Adam(), loss: .softmaxCrossEntropy, seed: 5)
        try b.compile(backend: CPUBackend(), optimizer: Adam(), loss: .softmaxCrossEntropy, seed: 5)
        #expect(try a.weights() == b.weights())
    }
}
