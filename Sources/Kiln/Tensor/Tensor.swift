/// A float32 view into a backend buffer: `shape.count` contiguous elements starting at
/// `offset`. Views are cheap; many tensors (every parameter of a model, say) share one buffer.
public struct Tensor {
    public let buffer: any DeviceBuffer
    /// First element of the view, in elements from the start of `buffer`.
    public let offset: Int
    public let shape: Shape

    public init(buffer: any DeviceBuffer, offset: Int = 0, shape: Shape) {
        precondition(
            offset >= 0 && offset + shape.count <= buffer.count,
            "view [\(offset), \(offset + shape.count)) exceeds buffer of \(buffer.count) elements")
        self.buffer = buffer
        self.offset = offset
        self.shape = shape
    }

    public var count: Int { shape.count }

    /// The same elements under another shape of equal element count (Flatten is this).
    public func reshaped(_ newShape: Shape) -> Tensor {
        precondition(newShape.count == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(buffer: buffer, offset: offset, shape: newShape)
    }

    /// A sub-view starting `elementOffset` elements into this one.
    public func view(at elementOffset: Int, shape newShape: Shape) -> Tensor {
        precondition(elementOffset >= 0 && elementOffset + newShape.count <= count,
                     "sub-view out of range of \(shape)")
        return Tensor(buffer: buffer, offset: offset + elementOffset, shape: newShape)
    }

    /// True when both views share a buffer and their element ranges intersect.
    public func overlaps(_ other: Tensor) -> Bool {
        buffer === other.buffer && offset < other.offset + other.count && other.offset < offset + count
    }
}
