@testable import Kiln
import KilnCheck
import KilnOpenCL
import Testing

/// `BatchNormFolding`: which layers take over the batch norm after them, and that a model's
/// inference with the batch norms folded in gives what the layers give unfolded (to the
/// rounding of s·W·x against s·(W·x)), on the CPU reference and on the OpenCL device, while
/// training forwards stay bit for bit what they were. The op itself is `batchNorm.fold` in
/// the op checks.
@Suite("Batch norm folded into the layer before it")
struct BatchNormFoldingTests {
    @Test func pairing() throws {
        let conv1 = try Conv2D(4, kernelSize: 3, padding: .same), bn1 = BatchNorm(), relu1 = ReLU(), pool1 = MaxPool2D()
        let conv2 = try Conv2D(4, kernelSize: 3, activation: .relu), bn2 = BatchNorm()  // its own activation: no
        let conv3 = try Conv2D(4, kernelSize: 1), relu3 = ReLU(), bn3 = BatchNorm()     // not neighbours: no
        let dense = try Dense(5, useBias: false), bn4 = BatchNorm()
        _ = try Sequential(input: [1, 12, 12]) {
            conv1; bn1; relu1; pool1; conv2; bn2; conv3; relu3; bn3; Flatten(); dense; bn4; try Dense(2)
        }
        #expect(conv1.followingBatchNorm === bn1 && conv1.followingMaxPool === pool1)
        #expect(conv2.followingBatchNorm == nil && conv3.followingBatchNorm == nil)
        #expect(dense.followingBatchNorm === bn4)
    }

    /// The model and the layers whose pairings the unfolded twin drops. Weights against output
    /// values per image: conv1 588 / 540, conv2 270 / 60, dense 20 / 4, so all three fold at
    /// batch 6 and none at batch 1.
    static func model() throws -> (Sequential, folders: [any BatchNormFolder], norms: [BatchNorm], conv: Conv2D) {
        let conv1 = try Conv2D(6, kernelSize: 7, padding: .same), bn1 = BatchNorm()
        let conv2 = try Conv2D(5, kernelSize: (3, 3), strides: (2, 1), padding: .same, useBias: false)
        let bn2 = try BatchNorm(runningAverageDecay: 0.5, epsilon: 1e-5)
        let dense = try Dense(4, useBias: false), bn3 = BatchNorm()
        let model = try Sequential(input: [2, 10, 9]) {
            conv1; bn1; ReLU(); MaxPool2D()  // the pool pairs with conv1 through the fold
            conv2; bn2                        // no bias, no activation after
            GlobalAvgPool2D(); dense; bn3; Tanh()
            try Dense(3)
        }
        return (model, [conv1, conv2, dense], [bn1, bn2, bn3], conv1)
    }

    @Test(arguments: ["cpu", "opencl"])
    func inferenceMatchesTheUnfoldedLayers(_ device: String) throws {
        let backend: any Backend = device == "cpu" ? CPUBackend() : try OpenCLBackend(spec: "opencl", poisonWorkspaces: true)
        let (folded, folders, norms, conv) = try Self.model()
        let (unfolded, twinFolders, _, twinConv) = try Self.model()
        for layer in twinFolders { layer.followingBatchNorm = nil }
        twinConv.followingMaxPool = nil
        #expect(folders.allSatisfy { $0.followingBatchNorm != nil } && conv.followingMaxPool != nil)
        for model in [folded, unfolded] { try model.compile(backend: backend, optimizer: SGD(), loss: .softmaxCrossEntropy, seed: 7) }
        // Every parameter and running statistic away from its initial value: parameters of
        // alternating sign (so each batch norm has gammas of both signs, and a max pool does
        // not commute with it), running means and variances in [0.2, 2].
        let snapshot = try folded.weights()
        let alternating = { (i: Int) in Float(i % 2 == 0 ? 1 : -1) * (0.25 + Float((i * 7919) % 2001) / 2000) }
        let weights = WeightSnapshot(parameters: snapshot.parameters.indices.map(alternating),
                                     buffers: snapshot.buffers.indices.map { 0.2 + Float(($0 * 104_729) % 1801) / 1000 })
        for model in [folded, unfolded] { try model.setWeights(weights) }
        for (batch, folds) in [(6, true), (1, false)] {
            let shape: Shape = [batch, 2, 10, 9]
            let x = Tensor(buffer: try backend.allocate(shape.count), shape: shape)
            try backend.upload((0 ..< shape.count).map { Float(($0 * 37) % 101) / 50 - 1 }, to: x)

            let inference = try backend.download(folded.forward(x, mode: .inference))
            #expect(norms.allSatisfy { $0.inputFoldedByPrevious == folds }, "batch \(batch)")
            let reference = try backend.download(unfolded.forward(x, mode: .inference))
            let c = Comparison(inference, reference)
            #expect(c.passes(rms: 32 * Comparison.floatEpsilon, absolute: 0), "batch \(batch): \(c)")

            // Training (batch statistics) never folds: the same values bit for bit, before and
            // after an inference forward, and the running statistics move alike.
            let training = try backend.download(folded.forward(x, mode: .training))
            #expect(!norms.contains { $0.inputFoldedByPrevious })
            let twinTraining = try backend.download(unfolded.forward(x, mode: .training))
            #expect(training.elementsEqual(twinTraining) { $0.bitPattern == $1.bitPattern })
            let (after, twinAfter) = (try folded.weights(), try unfolded.weights())
            #expect(after == twinAfter)
        }
    }
}
