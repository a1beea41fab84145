/// An activation an op may apply as it writes its output (`denseForward`, `conv2dForward`):
/// every `ActivationFunction` but softmax, whose rows need the whole output first. There is
/// no `.softmax` here, so passing it to those ops does not compile.
public struct ElementwiseActivation: Hashable, Sendable {
    public let function: ActivationFunction

    /// nil for softmax.
    public init?(_ function: ActivationFunction) {
        guard function != .softmax else { return nil }
        self.function = function
    }

    private init(known function: ActivationFunction) { self.function = function }

    public static let linear = ElementwiseActivation(known: .linear)
    public static let relu = ElementwiseActivation(known: .relu)
    public static let sigmoid = ElementwiseActivation(known: .sigmoid)
    public static let tanh = ElementwiseActivation(known: .tanh)
    public static func leakyReLU(alpha: Float) -> ElementwiseActivation { ElementwiseActivation(known: .leakyReLU(alpha: alpha)) }

    public var name: String { function.name }
}
