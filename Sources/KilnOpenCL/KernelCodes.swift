import Kiln

/// The integer codes kernels branch on (ACT_*, LOSS_*, OPT_*), defined once, here, from the
/// Swift enums, and handed to the program as `-D` defines (`KernelConfig.buildOptions`): the
/// `.cl` files use the names and never spell a number, so the two sides cannot disagree.
/// A code is its case's position in the list.
enum KernelCodes {
    /// `NAME=code` for every code, in a fixed order (part of the binary cache key).
    static var defines: [(name: String, code: Int)] {
        let activations = ElementwiseActivation.kernelCoded.map(\.kernelMacro)
        let losses = LossFunction.allCases.map(\.kernelMacro)
        let optimizers = OptimizerUpdate.Kind.allCases.map(\.kernelMacro)
        return [activations, losses, optimizers].flatMap { names in names.enumerated().map { ($1, $0) } }
    }

    /// The defines as build options: " -DACT_LINEAR=0 -DACT_RELU=1 ...".
    static var buildOptions: String { defines.map { " -D\($0.name)=\($0.code)" }.joined() }
}

extension ElementwiseActivation {
    /// The element-wise functions in ACT_* code order (softmax has no code: its own kernels).
    static let kernelCoded: [ElementwiseActivation] = [.linear, .relu, .leakyReLU(alpha: 0), .sigmoid, .tanh]

    /// ACT_LINEAR, ACT_RELU, ACT_LEAKY_RELU, ACT_SIGMOID, ACT_TANH.
    var kernelMacro: String { "ACT_" + (kernelSuffix ?? "linear").uppercased() }

    /// The ACT_* code, as the GEMM epilogues take it.
    var kernelCode: Int { Self.kernelCoded.firstIndex { $0.kernelMacro == kernelMacro }! }
}

extension LossFunction {
    /// LOSS_SOFTMAX_CROSS_ENTROPY, LOSS_BINARY_CROSS_ENTROPY, LOSS_MSE, LOSS_MAE, LOSS_HINGE.
    var kernelMacro: String { "LOSS_" + rawValue.uppercased() }

    /// The LOSS_* code `loss_rows` takes.
    var kernelCode: Int { Self.allCases.firstIndex(of: self)! }
}

extension OptimizerUpdate.Kind {
    /// OPT_SGD, OPT_ADAGRAD, OPT_RMSPROP, OPT_ADAM.
    var kernelMacro: String { "OPT_" + rawValue.uppercased() }
}
