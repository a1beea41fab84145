import Kiln

/// The OpenCL backend's `DeviceBuffer`: a pooled block that returns to the pool on deinit.
public final class OpenCLBuffer: DeviceBuffer {
    public let count: Int
    let memory: CLMemory
    private let pool: BufferPool

    init(count: Int, pool: BufferPool) throws {
        self.count = count
        self.pool = pool
        memory = try pool.take(bytes: max(count, 1) * 4)
    }

    deinit { pool.give(memory) }
}
