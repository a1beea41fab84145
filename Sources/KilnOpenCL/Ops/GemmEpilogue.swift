import Kiln

/// What a GEMM does to each element of C as it stores it: C ← f(C + bias), bias one value per
/// row or per column of C. Convolutions (bias per row: output channel) and dense layers (per
/// column: unit) pass their bias and activation here, so neither costs a pass over the output
/// of its own. See `gemm_epilogue` in gemm.cl; the kernels' trailing arguments are
/// `arguments(unused:)`.
struct GemmEpilogue {
    enum BiasAxis { case perRow, perColumn }

    var bias: (memory: CLMemory, offset: Int, axis: BiasAxis)?
    var activation: ElementwiseActivation = .linear
    /// C's columns come in runs of four (one 2x2 pooling window each) and only each run's
    /// maximum is stored, C's row stride counting the stored columns: a convolution followed
    /// by max pooling (`conv2dForwardMaxPool2x2`). Only the packed GEMM in one K slice can
    /// (`packedGemmFinishesInOneSlice`): a second slice would read C back.
    var poolsColumns = false

    static var none: GemmEpilogue { GemmEpilogue() }

    /// The GEMM kernels' trailing parameters.
    struct Arguments: KernelArgumentGroup {
        var bias: KernelTensor
        var biasRowStep, biasColStep: Int
        /// The ACT_* code (`ElementwiseActivation.kernelCode`).
        var act: Int
        var actAlpha: Float
    }

    /// The kernels' trailing arguments; without a bias, `unused` fills the pointer slot
    /// (never read: both steps are 0).
    func arguments(unused: CLMemory) -> Arguments {
        let (rowStep, colStep): (Int, Int) = switch bias?.axis {
        case .perRow: (1, 0)
        case .perColumn: (0, 1)
        case nil: (0, 0)
        }
        return Arguments(bias: KernelTensor(memory: bias?.memory ?? unused, offset: bias?.offset ?? 0, extent: nil),
                         biasRowStep: rowStep, biasColStep: colStep, act: activation.kernelCode,
                         actAlpha: activation.kernelAlpha)
    }
}
