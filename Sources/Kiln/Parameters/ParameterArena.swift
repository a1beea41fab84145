/// All trainable parameters of a model in one contiguous buffer, with gradients, optimizer
/// state and the weight-decay mask in buffers of the same layout. A layer's weight is a
/// view into `values`; zeroing gradients is one fill, an optimizer step one fused op, a
/// checkpoint one download.
public final class ParameterArena {
    public struct Entry: Sendable {
        public let name: String
        public let shape: Shape
        public let offset: Int
        public let decays: Bool
    }

    public let entries: [Entry]
    public let count: Int
    public let values: Tensor
    public let gradients: Tensor
    /// Optimizer state slots (m and v); allocated even when unused so the op signature is fixed.
    public let state1: Tensor
    public let state2: Tensor
    /// 1 where L1/L2 penalties and weight decay apply, else 0.
    public let decayMask: Tensor

    init(specs: [ParameterSpec], backend: any Backend) throws {
        var offset = 0
        entries = specs.map { spec in
            defer { offset += spec.shape.count }
            return Entry(name: spec.name, shape: spec.shape, offset: offset, decays: spec.decays)
        }
        count = offset
        let shape: Shape = [count]
        values = try backend.makeTensor(shape)
        gradients = try backend.makeTensor(shape)
        state1 = try backend.makeTensor(shape)
        state2 = try backend.makeTensor(shape)
        var mask = [Float](repeating: 0, count: count)
        for e in entries where e.decays { mask.replaceSubrange(e.offset..<e.offset + e.shape.count, with: repeatElement(1, count: e.shape.count)) }
        decayMask = try backend.makeTensor(shape, values: mask)
    }

    /// The views of each entry into `tensor` (values or gradients), in declaration order.
    public func views(of tensor: Tensor) -> [Tensor] {
        entries.map { tensor.view(at: $0.offset, shape: $0.shape) }
    }
}

/// Non-trainable state (batch-norm running statistics) in one buffer, like the arena.
public final class BufferArena {
    public let entries: [ParameterArena.Entry]
    public let count: Int
    public let values: Tensor
    /// The values a fresh model starts from.
    public let initialValues: [Float]

    init(specs: [BufferSpec], backend: any Backend) throws {
        var offset = 0
        entries = specs.map { spec in
            defer { offset += spec.shape.count }
            return ParameterArena.Entry(name: spec.name, shape: spec.shape, offset: offset, decays: false)
        }
        count = offset
        initialValues = specs.flatMap { Array(repeating: $0.initialValue, count: $0.shape.count) }
        values = try backend.makeTensor([count], values: initialValues)
    }

    public func views() -> [Tensor] {
        entries.map { values.view(at: $0.offset, shape: $0.shape) }
    }
}
