import Foundation
import Synchronization
@testable import Kiln
import Testing
@testable import KilnOpenCL

/// `conv2dForwardMaxPool2x2` on the packed GEMM and through conv_direct: when it fuses (and
/// when it must decline), and that the fused values are the composition's bit for bit (each
/// output is the same dot product in the same order, and the window maximum is chosen as the
/// pool kernel chooses it), the winners it records in training too. The op checks
/// (`conv2d.forwardMaxPool2x2`, `maxPool.backwardRecorded`) compare with the CPU reference.
/// Layers that conv_direct runs (stride 1, 3 wide) pool there, so the tests of the GEMM's
/// pooled epilogue on such layers use a backend with conv_direct switched off (`fusingBackend`).
@Suite("Convolution and max pooling fused", .serialized)
struct ConvPoolFusionTests {
    /// simple-cnn's two layers at batch 5 (the second's 11x11 output drops its last row and column).
    static let layers = [
        Conv2DGeometry(batch: 5, inChannels: 1, inHeight: 28, inWidth: 28, outChannels: 32, kernelHeight: 3, kernelWidth: 3),
        Conv2DGeometry(batch: 5, inChannels: 32, inHeight: 13, inWidth: 13, outChannels: 64, kernelHeight: 3, kernelWidth: 3),
        Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 9, inWidth: 7, outChannels: 7, kernelHeight: 3, kernelWidth: 3,
                       padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
    ]

    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"), arguments: layers)
    func fusedEqualsComposition(_ g: Conv2DGeometry) throws {
        let backend = try Self.fusingBackend()
        let (fused, composed) = try Self.run(g, on: backend)
        #expect(fused.ran)
        #expect(fused.values.elementsEqual(composed) { $0.bitPattern == $1.bitPattern })
    }

    /// A reduction deeper than one K slice (the pooled C cannot be read back for the next) and
    /// a device without the packed GEMM (gemm_tiled has no pooled epilogue) decline, writing
    /// nothing; so does the GEMM's pooled epilogue asked for winners. Layers that conv_direct
    /// runs fuse there.
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"))
    func declinesWhereItCannotFuse() throws {
        let deep = Conv2DGeometry(batch: 2, inChannels: 64, inHeight: 6, inWidth: 6, outChannels: 4, kernelHeight: 3, kernelWidth: 3)
        let backend = try Self.fusingBackend()
        #expect(deep.reductionLength > backend.gemmBlocking.fitted(to: backend.config.packedGemm!).maxKC)
        #expect(try !Self.run(deep, on: backend).fused.ran)
        for g in Self.layers {
            #expect(try TestDevice.backend.directConvolutionBand(g) != nil && Self.run(g, on: TestDevice.backend).fused.ran)
            let pooled = try backend.makeTensor(g.maxPool2x2.outputShape), winners = try backend.makeTensor(g.maxPool2x2.outputShape)
            let x = try backend.makeTensor(g.inputShape), w = try backend.makeTensor(g.weightShape)
            #expect(try !backend.conv2dForwardMaxPool2x2(g, input: x, weight: w, bias: nil, activation: .relu,
                                                        output: pooled, winners: winners))
        }
        let tiled = try TestDevice.backend(packedGemm: nil)
        #expect(try !Self.run(Self.layers[0], on: tiled).fused.ran)
    }

    /// A convolution with an element-wise activation and a 2x2/2 unpadded max pool after it
    /// pair up; other pools, a softmax convolution and non-neighbours do not. In inference the
    /// model's output is the one training mode's unfused forward gives, bit for bit, and the
    /// pool was handed pooled input.
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"))
    func modelInferenceUsesFusion() throws {
        let conv1 = try Conv2D(6, kernelSize: 3, activation: .relu), pool1 = MaxPool2D()
        let conv2 = try Conv2D(5, kernelSize: 3, padding: .same, activation: .tanh), pool2 = try MaxPool2D(3, stride: 2)
        let conv3 = try Conv2D(4, kernelSize: 1), pool3 = AvgPool2D()
        let model = try Sequential(input: [2, 17, 15]) {
            conv1; pool1; conv2; pool2; conv3; pool3; Flatten(); try Dense(3)
        }
        #expect(conv1.followingMaxPool === pool1)
        #expect(conv2.followingMaxPool == nil && conv3.followingMaxPool == nil)
        let backend = try Self.fusingBackend()
        try model.compile(backend: backend, optimizer: SGD(), loss: .softmaxCrossEntropy, seed: 7)
        let x = try backend.allocate(4 * 2 * 17 * 15)
        try backend.upload((0 ..< x.count).map { Float(($0 * 37) % 101) / 50 - 1 }, to: Tensor(buffer: x, shape: [4, 2, 17, 15]))
        let input = Tensor(buffer: x, shape: [4, 2, 17, 15])
        let training = try backend.download(model.forward(input, mode: .training))
        #expect(!pool1.inputPooledByPrevious)
        let inference = try backend.download(model.forward(input, mode: .inference))
        #expect(pool1.inputPooledByPrevious)
        #expect(inference.elementsEqual(training) { $0.bitPattern == $1.bitPattern }, "\(inference) vs \(training)")
    }

    /// A backend of the test device whose stride-1, 3-wide layers are not taken by conv_direct.
    static func fusingBackend() throws -> OpenCLBackend {
        let backend = try OpenCLBackend(spec: "opencl", poisonWorkspaces: true)
        backend.convolvesDirectly = false
        return backend
    }

    /// conv_direct pooling as it stores, with winners: only conv_direct runs, the maxima are
    /// the composition's bit for bit (conv_direct unpooled, then maxpool2x2_forward) and each
    /// winner is the composition's first largest cell of its window. ReLU makes ties at 0 (the
    /// first cell must win); simple-cnn's layers (the second drops its odd last row and column),
    /// padding with an odd output, 33 channels (a last block of one), and bands: with the
    /// staging area of a device with 16 KiB of local memory a 3-channel 40x40 layer pools eight
    /// of its 38 rows at a time (the last band of six); a stride-2 layer (its rows staged by phase).
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"), arguments: [
        (layers[0], false), (layers[1], false), (layers[2], false),
        (Conv2DGeometry(batch: 2, inChannels: 16, inHeight: 12, inWidth: 12, outChannels: 33, kernelHeight: 3, kernelWidth: 3,
                        padTop: 1, padLeft: 1, padBottom: 1, padRight: 1), false),
        (Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 40, inWidth: 40, outChannels: 9, kernelHeight: 3, kernelWidth: 3), true),
        (Conv2DGeometry(batch: 2, inChannels: 4, inHeight: 15, inWidth: 15, outChannels: 6, kernelHeight: 3, kernelWidth: 3,
                        strideH: 2, strideW: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1), false),
    ])
    func directPoolsAsItStores(_ g: Conv2DGeometry, smallStaging: Bool) throws {
        let backend = try TestDevice.backend(packedGemm: smallStaging ? try #require(TestDevice.smallPackedGemm)
                                                                      : TestDevice.backend.config.packedGemm)
        let band = try #require(backend.directConvolutionBand(g, pooled: true))
        #expect(band % 2 == 0 && (smallStaging ? band < g.outHeight - 1 : band == g.outHeight / 2 * 2), "band \(band)")
        let p = g.maxPool2x2
        let x = try ConvolutionGatheredTests.tensor(g.inputShape, 1, on: backend)
        let w = try ConvolutionGatheredTests.tensor(g.weightShape, 2, on: backend)
        let b = try ConvolutionGatheredTests.tensor([g.outChannels], 3, on: backend)
        let pooled = try backend.makeTensor(p.outputShape), winners = try backend.makeTensor(p.outputShape)
        for t in [pooled, winners] { try backend.fill(t, with: .nan) }
        _ = try backend.kernelTimings()
        #expect(try backend.conv2dForwardMaxPool2x2(g, input: x, weight: w, bias: b, activation: .relu,
                                                    output: pooled, winners: winners))
        #expect(Set(try backend.kernelTimings().map(\.kernel)) == [OpenCLBackend.directConvolutionKernel(g)])
        let full = try backend.makeTensor(g.outputShape), composed = try backend.makeTensor(p.outputShape)
        try backend.conv2dForward(g, input: x, weight: w, bias: b, activation: .relu, output: full)
        try backend.maxPoolForward(p, input: full, output: composed)
        let got = try backend.download(pooled), want = try backend.download(composed)
        #expect(got.elementsEqual(want) { $0.bitPattern == $1.bitPattern })
        let expected = CPUBackend.maxPool2x2Winners(of: try backend.download(full), p)
        #expect(try backend.download(winners) == expected)
        // ReLU's zeros tie whole windows at 0: the first cell must have won them.
        let lost = try backend.download(composed).enumerated().filter { $0.element == 0 }.map { expected[$0.offset] }
        #expect(lost.contains(0) && lost.allSatisfy { $0 == 0 }, "windows at 0 won by \(Set(lost))")
    }

    /// Callers on several threads share a backend (the op checks do): each pooled conv_direct
    /// launch sets the kernel's arguments under the backend's lock, so every caller gets its own
    /// input's result. Without the lock the callers' arguments interleaved
    /// (CL_INVALID_KERNEL_ARGS, or another caller's tensors).
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"))
    func concurrentCallersGetTheirOwnResults() throws {
        let backend = try OpenCLBackend(spec: "opencl", poisonWorkspaces: true)
        let g = Self.layers[2], p = g.maxPool2x2
        let w = try ConvolutionGatheredTests.tensor(g.weightShape, 2, on: backend)
        let inputs = try (0 ..< 8).map { try ConvolutionGatheredTests.tensor(g.inputShape, 10 + $0, on: backend) }
        func pooled(_ x: Tensor) throws -> [Float] {
            let y = try backend.makeTensor(p.outputShape), winners = try backend.makeTensor(p.outputShape)
            #expect(try backend.conv2dForwardMaxPool2x2(g, input: x, weight: w, bias: nil, activation: .relu,
                                                        output: y, winners: winners))
            return try backend.download(y) + backend.download(winners)
        }
        let alone = try inputs.map(pooled)
        // The backend is shared by design (its lock); the test's closure is not Sendable-checked.
        struct Shared: @unchecked Sendable { let call: (Int) -> [Float]? }
        let caller = Shared { i in try? pooled(inputs[i % 8]) }
        let results = Mutex([[Float]?](repeating: nil, count: 8 * 100))
        DispatchQueue.concurrentPerform(iterations: 8 * 100) { i in
            let got = caller.call(i)
            results.withLock { $0[i] = got }
        }
        let got = results.withLock { $0 }
        let wrong = got.indices.filter { got[$0] != alone[$0 % 8] }
        #expect(wrong.isEmpty, "\(wrong.count) of \(got.count) calls got another result than alone, the first \(wrong.first ?? -1)")
    }

    /// Training steps of a model whose convolutions pool as they store (recording winners, the
    /// pools' backward reading them and applying ReLU's f') leave the weights and losses the
    /// unfused layers leave, bit for bit: the same products in the same order, the same cell
    /// of each window. The second layer is linear (no f' to hand on) and its 7x7 output drops a
    /// row and a column.
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"))
    func trainingWithWinnersEqualsUnfused() throws {
        var runs: [(losses: [[Float]], weights: WeightSnapshot)] = []
        for records in [true, false] {
            let conv1 = try Conv2D(6, kernelSize: 3, activation: .relu), pool1 = MaxPool2D()
            let conv2 = try Conv2D(5, kernelSize: 3, padding: .same), pool2 = MaxPool2D()
            let model = try Sequential(input: [2, 16, 16]) {
                conv1; pool1; conv2; pool2; Flatten(); try Dense(3)
            }
            let backend = try OpenCLBackend(spec: "opencl", poisonWorkspaces: true)
            backend.recordsPoolWinners = records
            try model.compile(backend: backend, optimizer: SGD(learningRate: 0.1, momentum: 0.9), loss: .softmaxCrossEntropy, seed: 3)
            let input = try backend.makeTensor([4, 2, 16, 16], values: (0 ..< 4 * 2 * 16 * 16).map { Float(($0 * 37) % 101) / 50 - 1 })
            let target = try backend.makeTensor([4, 3], values: (0 ..< 12).map { $0 % 3 == ($0 / 3) % 3 ? 1 : 0 })
            let losses = try backend.makeTensor([4]), correct = try backend.makeTensor([4])
            var stepLosses: [[Float]] = []
            for _ in 0 ..< 3 {
                try model.trainStep(input: input, target: target, losses: losses, correct: correct)
                stepLosses.append(try backend.download(losses))
                #expect((pool1.recorded != nil) == records && (pool2.recorded != nil) == records)
            }
            runs.append((stepLosses, try model.weights()))
        }
        #expect(runs[0].losses == runs[1].losses)
        #expect(runs[0].weights.parameters.elementsEqual(runs[1].weights.parameters) { $0.bitPattern == $1.bitPattern })
        #expect(runs[0].losses.last! != runs[0].losses.first!, "the weights did not move")
    }

    /// The fused op's output (nil values when it declined) and the composition's, on one input.
    static func run(_ g: Conv2DGeometry, on backend: OpenCLBackend) throws -> (fused: (ran: Bool, values: [Float]), composed: [Float]) {
        func tensor(_ shape: Shape, _ seed: Int) throws -> Tensor {
            let t = Tensor(buffer: try backend.allocate(shape.count), shape: shape)
            try backend.upload((0 ..< shape.count).map { Float(($0 * 7919 + seed * 104_729) % 2001) / 1000 - 1 }, to: t)
            return t
        }
        let x = try tensor(g.inputShape, 1), w = try tensor(g.weightShape, 2), b = try tensor([g.outChannels], 3)
        let pooled = try tensor(g.maxPool2x2.outputShape, 4), full = try tensor(g.outputShape, 5)
        let before = try backend.download(pooled)
        let ran = try backend.conv2dForwardMaxPool2x2(g, input: x, weight: w, bias: b, activation: .relu, output: pooled)
        let fused = try backend.download(pooled)
        if !ran { #expect(fused == before, "declined but wrote") }
        try backend.conv2dForward(g, input: x, weight: w, bias: b, activation: .relu, output: full)
        try backend.maxPoolForward(g.maxPool2x2, input: full, output: pooled)
        return ((ran, fused), try backend.download(pooled))
    }
}
