import Dispatch
import Foundation

/// The reference backend: every op of `Backend` as plain loops over host memory.
///
/// This is the definition of what each op means; the OpenCL backend is checked against it.
/// Most ops are their plain loops here. GEMM and convolution run faster forms (blocked rows;
/// im2col + GEMM), whose plain definitions sit in `Definitions/` (`GemmDefinition`,
/// `Conv2DDefinition`) and are what the tests check those forms against.
/// Long sums (GEMM dot products, batch-norm statistics, bias gradients, losses) accumulate in
/// Double. Work is spread over cores with `DispatchQueue.concurrentPerform`, always split so
/// that every output element is computed by one thread in a fixed order: results are
/// bit-identical whatever the thread count.
///
/// Not thread-safe: one backend serves one caller at a time (ops run synchronously).
public final class CPUBackend: Backend {
    public let threads: Int
    public var name: String { "cpu" }

    /// Scratch memory reused across calls (im2col columns, packed matrices), by purpose.
    private var scratchBuffers: [ScratchSlot: UnsafeMutableRawPointer] = [:]
    private var scratchSizes: [ScratchSlot: Int] = [:]

    /// - Parameter threads: worker count; defaults to the number of active processors.
    public init(threads: Int? = nil) {
        let n = threads ?? ProcessInfo.processInfo.activeProcessorCount
        precondition(n > 0, "thread count must be positive, got \(n)")
        self.threads = n
    }

    deinit {
        for p in scratchBuffers.values { p.deallocate() }
    }
}

/// Carries a closure into `concurrentPerform`; see `parallelRanges` for why this is safe.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The purposes scratch memory is kept for (one allocation each, grown on demand).
enum ScratchSlot: Hashable {
    case columns, columnGradient, packedB, transposedGrad, activationGradient
}

extension CPUBackend {
    /// The host pointer to a tensor's first element.
    func pointer(_ t: Tensor) -> UnsafeMutablePointer<Float> {
        guard let b = t.buffer as? CPUBuffer else {
            preconditionFailure("tensor's buffer \(type(of: t.buffer)) was not allocated by a CPUBackend")
        }
        return b.pointer + t.offset
    }

    /// At least `count` floats of scratch for `slot`; contents are undefined. Valid until the
    /// next request for the same slot with a larger count. Call outside parallel regions.
    func scratch(_ slot: ScratchSlot, count: Int) -> UnsafeMutablePointer<Float> {
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        if let p = scratchBuffers[slot], scratchSizes[slot, default: 0] >= bytes {
            return p.assumingMemoryBound(to: Float.self)
        }
        scratchBuffers[slot]?.deallocate()
        let p = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        scratchBuffers[slot] = p
        scratchSizes[slot] = bytes
        return p.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Runs `body(range, worker)` over contiguous ranges that cover 0..<count, one range per
    /// worker (`worker` < `workers(count)`), in parallel. Items must be independent.
    func parallelRanges(_ count: Int, grain: Int = 1, _ body: (Range<Int>, Int) -> Void) {
        let w = workers(count, grain: grain)
        if w <= 1 {
            if count > 0 { body(0..<count, 0) }
            return
        }
        // Dispatch wants a @Sendable closure; ours capture raw pointers. Safety comes from the
        // split instead: each worker writes only the outputs of its own range.
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: w) { t in
                work.value((t * count / w)..<((t + 1) * count / w), t)
            }
        }
    }

    /// Runs `body(i)` for every i in 0..<count, spread over the workers.
    func parallelFor(_ count: Int, grain: Int = 1, _ body: (Int) -> Void) {
        parallelRanges(count, grain: grain) { range, _ in
            for i in range { body(i) }
        }
    }

    /// How many workers `parallelRanges` uses: at most `threads`, each with ≥ `grain` items.
    func workers(_ count: Int, grain: Int = 1) -> Int {
        max(1, min(threads, count / max(grain, 1)))
    }

    /// Element-wise work: ranges of at least 16 Ki elements per worker.
    func parallelElements(_ count: Int, _ body: (Range<Int>) -> Void) {
        parallelRanges(count, grain: 1 << 14) { range, _ in body(range) }
    }
}
