extension CPUBackend {
    public func allocate(_ count: Int) throws -> any DeviceBuffer {
        CPUBuffer(count: count)
    }

    public func upload(_ values: [Float], to tensor: Tensor) throws {
        precondition(values.count == tensor.count,
                     "upload of \(values.count) values to a tensor of \(tensor.count) elements")
        let dst = pointer(tensor)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { dst.update(from: base, count: values.count) }
        }
    }

    public func download(_ tensor: Tensor) throws -> [Float] {
        Array(UnsafeBufferPointer(start: pointer(tensor), count: tensor.count))
    }

    public func fill(_ tensor: Tensor, with value: Float) throws {
        pointer(tensor).update(repeating: value, count: tensor.count)
    }
}
