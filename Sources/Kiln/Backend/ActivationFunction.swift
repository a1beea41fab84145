/// Element-wise activations, plus softmax over the last dimension.
///
///     relu:      y = max(x, 0)                  dy/dx = 1 if y > 0 else 0
///     leakyReLU: y = x if x > 0 else α·x         dy/dx = 1 if y > 0 else α      (α > 0)
///     sigmoid:   y = 1 / (1 + e^(−x))            dy/dx = y·(1 − y)
///     tanh:      y = tanh(x)                     dy/dx = 1 − y²
///     softmax:   y_i = e^(x_i − max x) / Σ_j e^(x_j − max x)     over each row of the last dim
///                dx_i = y_i · (dy_i − Σ_j dy_j · y_j)
///     linear:    y = x
///
/// Every backward is written in terms of the output y, so layers keep only y.
public enum ActivationFunction: Hashable, Sendable {
    case linear
    case relu
    case leakyReLU(alpha: Float)
    case sigmoid
    case tanh
    case softmax

    /// Keras's default slope for LeakyReLU is 0.3; PyTorch's is 0.01. We follow PyTorch here
    /// because it is what most CNN recipes use; pass `alpha` to choose.
    public static let leakyReLU = ActivationFunction.leakyReLU(alpha: 0.01)

    /// True for every function but softmax: y_i depends on x_i alone, so a backend may apply
    /// it as another op writes its output (see `ElementwiseActivation`).
    public var isElementwise: Bool { self != .softmax }

    /// The name used in model descriptions and on the command line.
    public var name: String {
        switch self {
        case .linear: "linear"
        case .relu: "relu"
        case .leakyReLU(let a): "leaky_relu(\(a))"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .softmax: "softmax"
        }
    }
}
