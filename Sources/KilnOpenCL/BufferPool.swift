import Foundation

/// Recycles device allocations by size class, so a training step allocates nothing after
/// the first: a buffer freed by Swift (its last `Tensor` gone) goes back to the pool, and the
/// next request of its class takes it. Reuse is safe without waiting because the queue is
/// in order: whatever the old owner enqueued runs before the new owner's commands.
///
/// Size classes are 4 steps per power of two (waste at most 25%), at least 256 bytes.
final class BufferPool: @unchecked Sendable {  // every mutable field is guarded by `lock`
    let context: CLContext
    private let lock = NSLock()
    private var free: [Int: [CLMemory]] = [:]
    private var allocated = 0

    init(context: CLContext) { self.context = context }

    /// Bytes of device memory the pool has created and not released (in use plus free).
    var deviceBytesAllocated: Int { lock.withLock { allocated } }

    static func sizeClass(_ bytes: Int) -> Int {
        let n = max(bytes, 256)
        let step = 1 << max(0, (Int.bitWidth - 1 - n.leadingZeroBitCount) - 2)
        return (n + step - 1) / step * step
    }

    /// A block of at least `bytes`; contents undefined.
    func take(bytes: Int) throws -> CLMemory {
        let size = Self.sizeClass(bytes)
        if let memory = lock.withLock({ free[size]?.popLast() }) { return memory }
        let memory: CLMemory
        do {
            memory = try CLMemory(context: context, bytes: size, inUseBytes: deviceBytesAllocated)
        } catch {
            // Out of memory with blocks parked in other classes: give them back and try once more.
            trim()
            memory = try CLMemory(context: context, bytes: size, inUseBytes: deviceBytesAllocated)
        }
        lock.withLock { allocated += size }
        return memory
    }

    func give(_ memory: CLMemory) {
        lock.withLock { free[memory.bytes, default: []].append(memory) }
    }

    /// Releases every free block to the driver.
    func trim() {
        let released = lock.withLock { () -> [CLMemory] in
            let all = free.values.flatMap { $0 }
            free = [:]
            allocated -= all.reduce(0) { $0 + $1.bytes }
            return all
        }
        _ = released  // released here, outside the lock
    }
}
