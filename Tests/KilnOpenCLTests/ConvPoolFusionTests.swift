import Foundation
@testable import Kiln
import Testing
@testable import KilnOpenCL

/// `conv2dForwardMaxPool2x2` on the packed GEMM: when it fuses (and when it must decline), and
/// that the fused values are the composition's bit for bit (each output is the same dot product
/// in the same order, and the window maximum is chosen as the pool kernel chooses it). The op
/// checks (`conv2d.forwardMaxPool2x2`) compare either with the CPU reference. Layers that
/// conv_direct runs (stride 1, 3 wide) are not fused, so the tests that fuse such layers use a
/// backend with it switched off (`fusingBackend`).
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

    /// A reduction deeper than one K slice (the pooled C cannot be read back for the next), a
    /// device without the packed GEMM (gemm_tiled has no pooled epilogue) and a layer that
    /// conv_direct runs decline, writing nothing.
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"))
    func declinesWhereItCannotFuse() throws {
        let deep = Conv2DGeometry(batch: 2, inChannels: 64, inHeight: 6, inWidth: 6, outChannels: 4, kernelHeight: 3, kernelWidth: 3)
        let backend = try Self.fusingBackend()
        #expect(deep.reductionLength > backend.gemmBlocking.fitted(to: backend.config.packedGemm!).maxKC)
        #expect(try !Self.run(deep, on: backend).fused.ran)
        for g in Self.layers {
            #expect(try TestDevice.backend.directConvolutionBand(g) != nil && !Self.run(g, on: TestDevice.backend).fused.ran)
        }
        var config = backend.config
        config.packedGemm = nil
        let tiled = try OpenCLBackend(spec: "opencl", config: config, poisonWorkspaces: true)
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
