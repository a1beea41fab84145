/// A trainable tensor a layer declares while being built.
public struct ParameterSpec: Sendable {
    /// Full name in the model's state dict, e.g. "0.weight" or "3.body.0.bias".
    public var name: String
    public var shape: Shape
    public var initializer: Initializer
    /// Fans for variance-scaling initialisers.
    public var fanIn: Int
    public var fanOut: Int
    /// Whether L1/L2 penalties and weight decay apply (weights yes; biases, batch-norm
    /// gamma and beta no).
    public var decays: Bool
}

/// A non-trainable tensor (batch-norm running statistics), saved in checkpoints.
public struct BufferSpec: Sendable {
    public var name: String
    public var shape: Shape
    public var initialValue: Float
}

/// Collects the parameters and buffers of a model's layers in order, naming each by the
/// path of the layer that declared it (PyTorch `state_dict` style: "2.weight").
public final class ParameterDeclarations {
    public private(set) var parameters: [ParameterSpec] = []
    public private(set) var buffers: [BufferSpec] = []
    private var prefixes: [String] = []

    public init() {}

    private func qualified(_ name: String) -> String { (prefixes + [name]).joined(separator: ".") }

    public func parameter(_ name: String, shape: Shape, initializer: Initializer,
                          fanIn: Int, fanOut: Int, decays: Bool) {
        parameters.append(ParameterSpec(name: qualified(name), shape: shape, initializer: initializer,
                                        fanIn: fanIn, fanOut: fanOut, decays: decays))
    }

    /// The number of parameter and buffer values declared so far, or nil when it overflows
    /// `Int` (a model built from a hostile file; `LayerStack` refuses it). Counted
    /// incrementally, so checking after every layer stays linear in the model's size.
    func checkedParameterCount() -> Int? {
        while let total = checkedTotal, checkedUpTo.parameters < parameters.count || checkedUpTo.buffers < buffers.count {
            let shape = checkedUpTo.parameters < parameters.count ? parameters[checkedUpTo.parameters].shape
                                                                  : buffers[checkedUpTo.buffers].shape
            if checkedUpTo.parameters < parameters.count { checkedUpTo.parameters += 1 } else { checkedUpTo.buffers += 1 }
            checkedTotal = CheckedSize.product(shape.dims).flatMap { CheckedSize.sum([total, $0]) }
        }
        return checkedTotal
    }
    private var checkedTotal: Int? = 0
    private var checkedUpTo = (parameters: 0, buffers: 0)

    public func buffer(_ name: String, shape: Shape, initialValue: Float) {
        buffers.append(BufferSpec(name: qualified(name), shape: shape, initialValue: initialValue))
    }

    /// Runs `body` with `component` appended to every name declared inside it.
    public func scoped<T>(_ component: String, _ body: () throws -> T) rethrows -> T {
        prefixes.append(component)
        defer { prefixes.removeLast() }
        return try body()
    }
}

/// Hands out arena views in declaration order during `Layer.bind`, plus the layer ordinal
/// that keys dropout masks.
public final class BindingCursor {
    private let parameters: [Tensor]
    private let gradients: [Tensor]
    private let buffers: [Tensor]
    private var nextParameter = 0
    private var nextBuffer = 0
    private var nextOrdinal: UInt32 = 0

    public init(parameters: [Tensor], gradients: [Tensor], buffers: [Tensor]) {
        self.parameters = parameters; self.gradients = gradients; self.buffers = buffers
    }

    /// The next declared parameter and its gradient.
    public func parameter() -> (value: Tensor, gradient: Tensor) {
        defer { nextParameter += 1 }
        return (parameters[nextParameter], gradients[nextParameter])
    }
    /// The next declared buffer.
    public func buffer() -> Tensor {
        defer { nextBuffer += 1 }
        return buffers[nextBuffer]
    }
    /// A number unique to the calling layer within the model (stable across runs).
    public func ordinal() -> UInt32 {
        defer { nextOrdinal += 1 }
        return nextOrdinal
    }
    /// True when every declared view was taken exactly once.
    public var isExhausted: Bool { nextParameter == parameters.count && nextBuffer == buffers.count }
}
