/// Host memory for the CPU backend: `count` float32 elements, zero-filled, freed with the buffer.
public final class CPUBuffer: DeviceBuffer, @unchecked Sendable {
    public let count: Int
    /// The first element. Valid for the buffer's lifetime; the backend's ops read and write it.
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
        precondition(count >= 0, "buffer size must be non-negative, got \(count)")
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }
}
