import Foundation
@testable import Kiln
import Testing
@testable import KilnOpenCL

/// The filter gradient of a 3-wide layer on CPU devices straight from x and dy
/// (`conv_filter_grad_staged`): it runs in place of im2col, the dy copy and the packed GEMM,
/// and agrees with them within the sums' rounding (it adds in another order). The op checks
/// (`conv2d.backwardFilter`) compare it with the CPU reference.
@Suite("Convolution filter gradient from staged rows", .serialized)
struct ConvolutionFilterGradientTests {
    /// Same and valid padding, one-sided width padding, a kernel taller than wide, one input
    /// channel and several, output channels in whole and partial blocks, rows of 24 and of
    /// 99 values (a vector tail), and more images than work-items (runs of several images).
    /// And the strided layers (`ConvolutionDirectTests.stridedLayers`).
    static let layers = [
        Conv2DGeometry(batch: 37, inChannels: 1, inHeight: 28, inWidth: 26, outChannels: 16, kernelHeight: 3, kernelWidth: 3),
        Conv2DGeometry(batch: 3, inChannels: 3, inHeight: 9, inWidth: 11, outChannels: 10, kernelHeight: 5, kernelWidth: 3,
                       padTop: 2, padLeft: 0, padBottom: 2, padRight: 2),
        Conv2DGeometry(batch: 5, inChannels: 7, inHeight: 6, inWidth: 6, outChannels: 17, kernelHeight: 3, kernelWidth: 3,
                       padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
    ] + ConvolutionDirectTests.stridedLayers

    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"), arguments: layers)
    func stagedMatchesIm2colAndGemm(_ g: Conv2DGeometry) throws {
        try Self.expectStagedMatchesGemm(g, on: OpenCLBackend(spec: "opencl", profiling: true, poisonWorkspaces: true))
    }

    /// With the staging area of a device with 16 KiB of local memory, the first layer's 28x24
    /// staged planes fit two images at a time, and half the area not even one image's planes
    /// with its dy rows: a work-item's run (five images on two compute units) goes in groups of
    /// one, which add into the item's part in turn.
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"))
    func smallStagingAreaMatchesIm2colAndGemm() throws {
        let small = try #require(TestDevice.smallPackedGemm)
        let g = Self.layers[0], staged = 3 * (g.outHeight + 2) * g.outWidth
        let capacity = small.bytes / 4
        #expect(staged <= capacity && 2 * staged <= capacity && 3 * staged > capacity)
        try Self.expectStagedMatchesGemm(g, on: TestDevice.backend(packedGemm: small))
    }

    /// The staged kernel runs for `g` on `backend` (and im2col and the dy copy do not), and its
    /// dW and db agree with the GEMM path's within the sums' rounding.
    static func expectStagedMatchesGemm(_ g: Conv2DGeometry, on backend: OpenCLBackend) throws {
        let staged = try filterGradient(g, on: backend)
        #expect(staged.kernels.contains(OpenCLBackend.stagedFilterGradientKernel(g)), "\(staged.kernels)")
        #expect(!staged.kernels.contains { $0.hasPrefix("im2col") || $0 == "nchw_to_cnhw" }, "\(staged.kernels)")
        backend.stagesConvolutionFilterGradient = false
        let explicit = try filterGradient(g, on: backend)
        #expect(!explicit.kernels.contains { $0.hasPrefix("conv_filter_grad_staged") } && explicit.kernels.contains("nchw_to_cnhw"))
        expectAgreement(staged.dw, explicit.dw, "staged dW against the GEMM's")
        expectAgreement(staged.db, explicit.db, "staged db against the GEMM's")
    }

    /// Kernels other than 3 wide and layers with more output channels
    /// than eight register tiles keep im2col + GEMM; so does a layer whose three staged planes
    /// do not fit the packed GEMM's block.
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"))
    func declinesWhereItDoesNotApplyOrPay() throws {
        let backend = try OpenCLBackend(spec: "opencl", profiling: true, poisonWorkspaces: true)
        let capacity = try #require(backend.config.packedGemm)
        let rows = capacity.tile.rows
        let declined = [
            Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 9, inWidth: 9, outChannels: 4, kernelHeight: 3, kernelWidth: 5),
            Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 9, inWidth: 9, outChannels: 8 * rows + 1, kernelHeight: 3, kernelWidth: 3),
        ]
        for g in declined { #expect(!backend.stagesFilterGradient(g), "\(g)") }
        #expect(backend.stagesFilterGradient(Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 9, inWidth: 9,
                                                           outChannels: 8 * rows, kernelHeight: 3, kernelWidth: 3)))
        // A square image whose three staged planes (side rows of side − 2) just fit; a plane
        // too tall for them.
        let side = Int(Double(capacity.bytes / 12).squareRoot()) - 1
        let fits = Conv2DGeometry(batch: 1, inChannels: 1, inHeight: side, inWidth: side, outChannels: 2, kernelHeight: 3, kernelWidth: 3)
        #expect(3 * side * (side - 2) * 4 <= capacity.bytes && backend.stagesFilterGradient(fits))
        let tall = Conv2DGeometry(batch: 1, inChannels: 1, inHeight: capacity.bytes / 4, inWidth: 3, outChannels: 2,
                                  kernelHeight: 3, kernelWidth: 3)
        #expect(!backend.stagesFilterGradient(tall))
        #expect(!(try Self.filterGradient(declined[1], on: backend).kernels.contains { $0.hasPrefix("conv_filter_grad_staged") }))
    }

    /// dW and db after conv2dBackwardFilter adds to seeded starting values, with the kernels
    /// it launched.
    static func filterGradient(_ g: Conv2DGeometry, on backend: OpenCLBackend)
        throws -> (dw: [Float], db: [Float], kernels: Set<String>) {
        let x = try ConvolutionGatheredTests.tensor(g.inputShape, 1, on: backend)
        let dy = try ConvolutionGatheredTests.tensor(g.outputShape, 2, on: backend)
        let dw = try ConvolutionGatheredTests.tensor(g.weightShape, 3, on: backend)
        let db = try ConvolutionGatheredTests.tensor([g.outChannels], 4, on: backend)
        _ = try backend.kernelTimings()
        try backend.conv2dBackwardFilter(g, input: x, outputGrad: dy, weightGrad: dw, biasGrad: db)
        return (try backend.download(dw), try backend.download(db), Set(try backend.kernelTimings().map(\.kernel)))
    }
}
