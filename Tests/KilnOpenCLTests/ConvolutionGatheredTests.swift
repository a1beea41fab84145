import Foundation
@testable import Kiln
import Testing
@testable import KilnOpenCL

/// The forward convolution on the packed GEMM with its column blocks gathered from the input
/// (`conv_gemm_local`): it runs in place of im2col + GEMM, and its values are theirs bit for
/// bit (the same packed weights, the same slices, the same micro-kernel: only where B's block
/// comes from differs). The op checks (`conv2d.forward`) compare it with the CPU reference.
/// A stride-1 layer's input gradient runs through it too, as a convolution of dy. A stride-1,
/// 3-wide layer's forward (and its input gradient where it keeps its size) takes conv_direct
/// where it can, so the tests switch that off (`convolvesDirectly`) to reach the gathered GEMM
/// with such layers.
@Suite("Convolution with gathered columns", .serialized)
struct ConvolutionGatheredTests {
    /// Rows of output that cross 32-column strips, padding on every side and on one, strides
    /// 1, 2 and (2, 3), a non-square kernel, a reduction of two K slices (C·KH·KW = 360 over
    /// a slice cap of 320), one image and several; at most 11 output channels (two register
    /// tiles of six or eight rows: where gathering applies).
    static let layers = [
        Conv2DGeometry(batch: 3, inChannels: 40, inHeight: 10, inWidth: 9, outChannels: 11, kernelHeight: 3, kernelWidth: 3,
                       padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
        Conv2DGeometry(batch: 5, inChannels: 1, inHeight: 28, inWidth: 28, outChannels: 8, kernelHeight: 5, kernelWidth: 5,
                       strideH: 2, strideW: 2, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2),
        Conv2DGeometry(batch: 1, inChannels: 5, inHeight: 9, inWidth: 7, outChannels: 6, kernelHeight: 3, kernelWidth: 2,
                       strideH: 2, strideW: 3, padTop: 2, padLeft: 1, padBottom: 0, padRight: 1),
        Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 6, inWidth: 37, outChannels: 7, kernelHeight: 3, kernelWidth: 3,
                       padTop: 0, padLeft: 2, padBottom: 0, padRight: 0),
    ]

    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"), arguments: layers)
    func gatheredEqualsIm2colAndGemm(_ g: Conv2DGeometry) throws {
        let backend = try OpenCLBackend(spec: "opencl", profiling: true, poisonWorkspaces: true)
        backend.convolvesDirectly = false
        let gathered = try Self.forward(g, on: backend)
        #expect(gathered.kernels.contains("conv_gemm_local") && !Self.wroteColumns(gathered.kernels), "\(gathered.kernels)")
        backend.gathersConvolutionColumns = false
        let explicit = try Self.forward(g, on: backend)
        #expect(Self.wroteColumns(explicit.kernels) && !explicit.kernels.contains("conv_gemm_local"), "\(explicit.kernels)")
        #expect(gathered.values.elementsEqual(explicit.values) { $0.bitPattern == $1.bitPattern })
        #expect(!gathered.values.contains { $0.isNaN })
    }

    /// Where the packed GEMM does not run the product (GPUs: gemm_tiled) or would split it along K
    /// (one image, a long reduction), or the output channels fill more than three register
    /// tiles, the layer takes im2col + GEMM.
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"))
    func declinesWhereItDoesNotApplyOrPay() throws {
        let backend = try OpenCLBackend(spec: "opencl", profiling: true, poisonWorkspaces: true)
        backend.convolvesDirectly = false
        let long = Conv2DGeometry(batch: 1, inChannels: 320, inHeight: 6, inWidth: 6, outChannels: 3, kernelHeight: 3, kernelWidth: 3)
        #expect(Self.wroteColumns(try Self.forward(long, on: backend).kernels))
        let rows = try #require(backend.config.packedGemm).tile.rows
        let wide = Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 9, inWidth: 9, outChannels: 3 * rows + 1, kernelHeight: 3, kernelWidth: 3)
        #expect(Self.wroteColumns(try Self.forward(wide, on: backend).kernels))
        let narrow = Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 9, inWidth: 9, outChannels: 3 * rows, kernelHeight: 3, kernelWidth: 3)
        #expect(try Self.forward(narrow, on: backend).kernels.contains("conv_gemm_local"))
        let tiled = try TestDevice.backend(packedGemm: nil)
        let onTiled = try Self.forward(Self.layers[0], on: tiled).kernels
        #expect(onTiled.contains("gemm_tiled") && !onTiled.contains("conv_gemm_local"), "\(onTiled)")
    }

    /// The input gradient of a stride-1 layer with few input channels is the gathered
    /// convolution of dy with the flipped weights (`conv_weights_flipped`, conv_gemm_local), not
    /// dcol = Wᵀ·dy and col2im. Its sums run in another order, so it is compared with the
    /// col2im path within a tolerance; the op checks (`conv2d.backwardData`) compare it with
    /// the CPU reference. One layer has asymmetric padding, one a mirrored product of two K
    /// slices (40 output channels · 9 taps = 360).
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"), arguments: [
        Conv2DGeometry(batch: 3, inChannels: 5, inHeight: 10, inWidth: 9, outChannels: 7, kernelHeight: 3, kernelWidth: 3,
                       padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
        Conv2DGeometry(batch: 2, inChannels: 6, inHeight: 10, inWidth: 9, outChannels: 40, kernelHeight: 3, kernelWidth: 3,
                       padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
        Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 6, inWidth: 37, outChannels: 7, kernelHeight: 3, kernelWidth: 2,
                       padTop: 0, padLeft: 1, padBottom: 2, padRight: 0),
    ])
    func gatheredInputGradientMatchesCol2im(_ g: Conv2DGeometry) throws {
        #expect(g.inputGradientGeometry?.outputShape == g.inputShape)
        let backend = try OpenCLBackend(spec: "opencl", profiling: true, poisonWorkspaces: true)
        backend.convolvesDirectly = false
        let gathered = try Self.inputGradient(g, on: backend)
        #expect(gathered.kernels.isSuperset(of: ["conv_weights_flipped", "conv_gemm_local"]), "\(gathered.kernels)")
        #expect(!gathered.kernels.contains { $0.hasPrefix("col2im") }, "\(gathered.kernels)")
        backend.gathersConvolutionColumns = false
        let explicit = try Self.inputGradient(g, on: backend)
        #expect(explicit.kernels.contains { $0.hasPrefix("col2im") } && !explicit.kernels.contains("conv_gemm_local"))
        expectAgreement(gathered.values, explicit.values, "gathered against col2im")
    }

    /// Strides other than 1 (no plain convolution gives their input gradient) and layers with
    /// more input channels than three register tiles keep dcol + col2im.
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"))
    func inputGradientDeclinesWhereItDoesNotApplyOrPay() throws {
        let backend = try OpenCLBackend(spec: "opencl", profiling: true, poisonWorkspaces: true)
        backend.convolvesDirectly = false
        let strided = Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 9, inWidth: 9, outChannels: 4, kernelHeight: 3, kernelWidth: 3,
                                     strideH: 2, strideW: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        #expect(strided.inputGradientGeometry == nil)
        #expect(!(try Self.inputGradient(strided, on: backend).kernels.contains("conv_gemm_local")))
        let rows = try #require(backend.config.packedGemm).tile.rows
        let wide = Conv2DGeometry(batch: 2, inChannels: 3 * rows + 1, inHeight: 9, inWidth: 9, outChannels: 3, kernelHeight: 3,
                                  kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        #expect(!(try Self.inputGradient(wide, on: backend).kernels.contains("conv_gemm_local")))
    }

    /// dx of conv on `backend` for a seeded dy and weights (dx poisoned with NaN first), with the
    /// kernels it launched.
    static func inputGradient(_ g: Conv2DGeometry, on backend: OpenCLBackend) throws -> (values: [Float], kernels: Set<String>) {
        let dy = try tensor(g.outputShape, 5, on: backend), w = try tensor(g.weightShape, 6, on: backend)
        let dx = try tensor(g.inputShape, 7, on: backend)
        try backend.upload([Float](repeating: .nan, count: g.inputShape.count), to: dx)
        _ = try backend.kernelTimings()
        try backend.conv2dBackwardData(g, outputGrad: dy, weight: w, inputGrad: dx)
        return (try backend.download(dx), Set(try backend.kernelTimings().map(\.kernel)))
    }

    /// A tensor on `backend` holding seeded values in [−1, 1].
    static func tensor(_ shape: Shape, _ seed: Int, on backend: OpenCLBackend) throws -> Tensor {
        let t = Tensor(buffer: try backend.allocate(shape.count), shape: shape)
        try backend.upload((0 ..< shape.count).map { Float(($0 * 7919 + seed * 104_729) % 2001) / 1000 - 1 }, to: t)
        return t
    }

    /// Whether a column matrix was written: im2col, or im2col_shifted for a layer whose column
    /// rows are shifted copies of its input planes.
    static func wroteColumns(_ kernels: Set<String>) -> Bool {
        kernels.contains("im2col") || kernels.contains("im2col_shifted")
    }

    /// y = relu(conv(x) + b) on `backend`, with the kernels it launched.
    static func forward(_ g: Conv2DGeometry, on backend: OpenCLBackend) throws -> (values: [Float], kernels: Set<String>) {
        let x = try tensor(g.inputShape, 1, on: backend), w = try tensor(g.weightShape, 2, on: backend)
        let b = try tensor([g.outChannels], 3, on: backend), y = try tensor(g.outputShape, 4, on: backend)
        try backend.upload([Float](repeating: .nan, count: g.outputShape.count), to: y)
        _ = try backend.kernelTimings()
        try backend.conv2dForward(g, input: x, weight: w, bias: b, activation: .relu, output: y)
        return (try backend.download(y), Set(try backend.kernelTimings().map(\.kernel)))
    }
}
