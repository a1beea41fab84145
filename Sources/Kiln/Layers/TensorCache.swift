/// Buffers a layer keeps between steps (its output, its input gradient, scratch), one per
/// slot, grown only when a larger batch arrives: training allocates nothing after the
/// first step of the largest batch size.
struct TensorCache {
    private var buffers: [Int: any DeviceBuffer] = [:]

    mutating func tensor(_ slot: Int, _ shape: Shape, on backend: any Backend) throws -> Tensor {
        let needed = max(shape.count, 1)
        if let b = buffers[slot], b.count >= needed {
            return Tensor(buffer: b, offset: 0, shape: shape)
        }
        let b = try backend.allocate(needed)
        buffers[slot] = b
        return Tensor(buffer: b, offset: 0, shape: shape)
    }
}

/// Slots used by the layers of this module.
enum CacheSlot {
    static let output = 0
    static let inputGrad = 1
    static let scratch = 2
    static let scratch2 = 3
    static let foldedWeight = 4
    static let foldedBias = 5
    static let winners = 6
}
