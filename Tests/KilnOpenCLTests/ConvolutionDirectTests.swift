import Foundation
@testable import Kiln
import Testing
@testable import KilnOpenCL

/// The forward pass of a 3-wide layer on CPU devices straight from x and W (`conv_direct`): it
/// runs in place of im2col + GEMM and agrees with them within the sums' rounding (it adds the
/// taps in another order). The op checks (`conv2d.forward`) compare it with the CPU reference.
@Suite("Direct convolution", .serialized)
struct ConvolutionDirectTests {
    /// One input channel and several; valid, same and one-sided padding; a kernel taller than
    /// wide; output channels in whole and partial blocks of eight; bands whose length is not a
    /// multiple of the vector width (a tail of 10, 3 and 1 outputs); a 1x1 image under a 3x3
    /// kernel (only a tail, every staged row but one padding); a reduction of 4,608 (512
    /// channels, as resnet18's last stage), summed in one accumulator per output; and the
    /// strided layers.
    static let layers = [
        Conv2DGeometry(batch: 5, inChannels: 1, inHeight: 28, inWidth: 27, outChannels: 10, kernelHeight: 3, kernelWidth: 3),
        Conv2DGeometry(batch: 3, inChannels: 3, inHeight: 9, inWidth: 11, outChannels: 17, kernelHeight: 5, kernelWidth: 3,
                       padTop: 2, padLeft: 0, padBottom: 2, padRight: 2),
        Conv2DGeometry(batch: 2, inChannels: 20, inHeight: 7, inWidth: 7, outChannels: 8, kernelHeight: 3, kernelWidth: 3,
                       padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
        Conv2DGeometry(batch: 2, inChannels: 2, inHeight: 1, inWidth: 1, outChannels: 3, kernelHeight: 3, kernelWidth: 3,
                       padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
        Conv2DGeometry(batch: 2, inChannels: 512, inHeight: 4, inWidth: 4, outChannels: 9, kernelHeight: 3, kernelWidth: 3,
                       padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
    ] + stridedLayers

    /// Strided layers, for conv_strided_direct and conv_strided_filter_grad (rows staged
    /// by phase, columns gathered every sW-th): resnet-small's stride-2 layer (Keras's `same`:
    /// padding only below and right), strides (2, 1) and (1, 2) on rows long enough for the
    /// stride-2 gather's runs of eight, a stride of 3 under a 5x3 kernel (three phases, two of
    /// them two kernel rows).
    static let stridedLayers = [
        Conv2DGeometry(batch: 3, inChannels: 16, inHeight: 28, inWidth: 28, outChannels: 32, kernelHeight: 3, kernelWidth: 3,
                       strideH: 2, strideW: 2, padTop: 0, padLeft: 0, padBottom: 1, padRight: 1),
        Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 9, inWidth: 37, outChannels: 10, kernelHeight: 3, kernelWidth: 3,
                       strideH: 2, strideW: 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
        Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 9, inWidth: 37, outChannels: 10, kernelHeight: 3, kernelWidth: 3,
                       strideH: 1, strideW: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
        Conv2DGeometry(batch: 3, inChannels: 4, inHeight: 17, inWidth: 13, outChannels: 9, kernelHeight: 5, kernelWidth: 3,
                       strideH: 3, strideW: 3, padTop: 2, padLeft: 1, padBottom: 1, padRight: 0),
    ]

    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"), arguments: layers)
    func directMatchesIm2colAndGemm(_ g: Conv2DGeometry) throws {
        let backend = try OpenCLBackend(spec: "opencl", profiling: true, poisonWorkspaces: true)
        #expect(backend.directConvolutionBand(g) == g.outHeight)
        try Self.expectDirectMatchesGemm(g, bias: true, activation: .relu, on: backend)
        try Self.expectDirectMatchesGemm(g, bias: false, activation: .leakyReLU(alpha: 0.2), on: backend)
    }

    /// With the staging area of a device with 16 KiB of local memory, a 3-channel 40x40 layer
    /// stages nine of its 38 output rows at a time: five bands per image, the last of two rows;
    /// with stride 2 (two phases of rows per channel and kernel column) an 83x83 layer's 41
    /// output rows go a few at a time, the last band shorter.
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"), arguments: [
        Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 40, inWidth: 40, outChannels: 9, kernelHeight: 3, kernelWidth: 3),
        Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 83, inWidth: 83, outChannels: 9, kernelHeight: 3, kernelWidth: 3,
                       strideH: 2, strideW: 2),
    ])
    func bandsMatchIm2colAndGemm(_ g: Conv2DGeometry) throws {
        let backend = try TestDevice.backend(packedGemm: try #require(TestDevice.smallPackedGemm))
        let band = try #require(backend.directConvolutionBand(g))
        #expect(band > 1 && band < g.outHeight && g.outHeight % band != 0, "band \(band)")
        try Self.expectDirectMatchesGemm(g, bias: true, activation: .tanh, on: backend)
    }

    /// Kernels other than 3 wide keep the other paths; so does a layer one of whose output rows
    /// stages more than the packed GEMM's block, and any layer on a device without the packed
    /// GEMM (GPUs).
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"))
    func declinesWhereItDoesNotApply() throws {
        let backend = try OpenCLBackend(spec: "opencl", profiling: true, poisonWorkspaces: true)
        let declined = [
            Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 9, inWidth: 9, outChannels: 4, kernelHeight: 3, kernelWidth: 5),
            Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 9, inWidth: 9, outChannels: 4, kernelHeight: 3, kernelWidth: 1,
                           strideH: 2, strideW: 2),
            Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 9, inWidth: 9, outChannels: 4, kernelHeight: 3, kernelWidth: 2),
        ]
        for g in declined {
            #expect(backend.directConvolutionBand(g) == nil, "\(g)")
            #expect(!(try Self.forward(g, bias: true, activation: .relu, on: backend).kernels.contains { $0.hasPrefix("conv_direct") }), "\(g)")
        }
        // Three rows of a 3-channel plane whose one output row stages just more than the block.
        let columns = (backend.stagingFloats - OpenCLBackend.directConvolutionPad) / 27
        let wide = Conv2DGeometry(batch: 1, inChannels: 3, inHeight: 3, inWidth: columns + 3, outChannels: 2,
                                  kernelHeight: 3, kernelWidth: 3)
        #expect(backend.directConvolutionBand(wide) == nil)
        let fits = Conv2DGeometry(batch: 1, inChannels: 3, inHeight: 3, inWidth: columns + 2, outChannels: 2,
                                  kernelHeight: 3, kernelWidth: 3)
        #expect(backend.directConvolutionBand(fits) == 1)
        let tiled = try TestDevice.backend(packedGemm: nil)
        let onTiled = try Self.forward(Self.layers[0], bias: true, activation: .relu, on: tiled).kernels
        #expect(onTiled.contains("gemm_tiled") && !onTiled.contains("conv_direct"), "\(onTiled)")
    }

    /// The input gradient of a layer that keeps its size is conv_direct of dy with the flipped
    /// weights (`conv_weights_flipped`), not dcol and col2im (nor the gathered GEMM); it adds in
    /// another order, so it is compared with col2im's within a tolerance. Symmetric and
    /// asymmetric padding, a 5x3 kernel, more output channels than a block (40 input channels
    /// of the mirrored layer), a 1x1 image.
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"), arguments: [
        Conv2DGeometry(batch: 3, inChannels: 5, inHeight: 10, inWidth: 9, outChannels: 7, kernelHeight: 3, kernelWidth: 3,
                       padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
        Conv2DGeometry(batch: 2, inChannels: 20, inHeight: 6, inWidth: 19, outChannels: 40, kernelHeight: 5, kernelWidth: 3,
                       padTop: 1, padLeft: 0, padBottom: 3, padRight: 2),
        Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 1, inWidth: 1, outChannels: 2, kernelHeight: 3, kernelWidth: 3,
                       padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
    ])
    func directInputGradientMatchesCol2im(_ g: Conv2DGeometry) throws {
        #expect(g.outputShape.dims.suffix(2) == g.inputShape.dims.suffix(2))
        let backend = try OpenCLBackend(spec: "opencl", profiling: true, poisonWorkspaces: true)
        let direct = try ConvolutionGatheredTests.inputGradient(g, on: backend)
        #expect(direct.kernels == ["conv_weights_flipped", "conv_direct"], "\(direct.kernels)")
        backend.convolvesDirectly = false
        backend.gathersConvolutionColumns = false
        let explicit = try ConvolutionGatheredTests.inputGradient(g, on: backend)
        #expect(explicit.kernels.contains { $0.hasPrefix("col2im") } && !explicit.kernels.contains("conv_direct"))
        expectAgreement(direct.values, explicit.values, "direct against col2im")
    }

    /// A layer that shrinks its input (valid padding) keeps dcol + col2im (or the gathered
    /// GEMM) for its input gradient, and so does a strided one.
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"))
    func inputGradientDeclinesWhereTheLayerShrinks() throws {
        let backend = try OpenCLBackend(spec: "opencl", profiling: true, poisonWorkspaces: true)
        let valid = Conv2DGeometry(batch: 2, inChannels: 32, inHeight: 13, inWidth: 13, outChannels: 64, kernelHeight: 3, kernelWidth: 3)
        let strided = Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 9, inWidth: 9, outChannels: 4, kernelHeight: 3, kernelWidth: 3,
                                     strideH: 2, strideW: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        for g in [valid, strided] {
            #expect(!(try ConvolutionGatheredTests.inputGradient(g, on: backend).kernels.contains { $0.hasPrefix("conv_direct") }), "\(g)")
        }
    }

    /// conv_direct runs for `g` on `backend` (and no column matrix is written), and its y
    /// agrees with im2col + GEMM's within the sums' rounding.
    static func expectDirectMatchesGemm(_ g: Conv2DGeometry, bias: Bool, activation: ElementwiseActivation,
                                        on backend: OpenCLBackend) throws {
        backend.convolvesDirectly = true
        let direct = try forward(g, bias: bias, activation: activation, on: backend)
        #expect(direct.kernels == [OpenCLBackend.directConvolutionKernel(g)], "\(direct.kernels)")
        backend.convolvesDirectly = false
        let explicit = try forward(g, bias: bias, activation: activation, on: backend)
        backend.convolvesDirectly = true
        #expect(!explicit.kernels.contains { $0.hasPrefix("conv_direct") }, "\(explicit.kernels)")
        expectAgreement(direct.values, explicit.values, "direct against im2col + GEMM")
    }

    /// y = f(conv(x) (+ b)) on `backend`, y poisoned with NaN first, with the kernels it launched.
    static func forward(_ g: Conv2DGeometry, bias: Bool, activation: ElementwiseActivation, on backend: OpenCLBackend)
        throws -> (values: [Float], kernels: Set<String>) {
        let x = try ConvolutionGatheredTests.tensor(g.inputShape, 1, on: backend)
        let w = try ConvolutionGatheredTests.tensor(g.weightShape, 2, on: backend)
        let b = try ConvolutionGatheredTests.tensor([g.outChannels], 3, on: backend)
        let y = try ConvolutionGatheredTests.tensor(g.outputShape, 4, on: backend)
        try backend.upload([Float](repeating: .nan, count: g.outputShape.count), to: y)
        _ = try backend.kernelTimings()
        try backend.conv2dForward(g, input: x, weight: w, bias: bias ? b : nil, activation: activation, output: y)
        return (try backend.download(y), Set(try backend.kernelTimings().map(\.kernel)))
    }
}
