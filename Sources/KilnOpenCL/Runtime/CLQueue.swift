import COpenCL

/// The one in-order command queue of a backend. Launches and copies never block; only
/// `read` (blocking) and `finish` wait for earlier work.
final class CLQueue {
    let id: cl_command_queue
    let context: CLContext
    let profiling: Bool

    init(context: CLContext, profiling: Bool) throws {
        var status: cl_int = 0
        let properties = profiling ? cl_command_queue_properties(CL_QUEUE_PROFILING_ENABLE) : 0
        // clCreateCommandQueue is deprecated in 2.0 but is the 1.2 call every driver has.
        guard let queue = clCreateCommandQueue(context.id, context.device.id, properties, &status) else {
            throw OpenCLError.api(call: "clCreateCommandQueue", code: status)
        }
        try check(status, "clCreateCommandQueue")
        id = queue
        self.context = context
        self.profiling = profiling
    }

    deinit {
        clFinish(id)
        clReleaseCommandQueue(id)
    }

    /// Enqueues `kernel` over `global` work-items in groups of `local` (same rank).
    /// Returns the launch's event when profiling (the caller releases it), else nil.
    @discardableResult
    func launch(_ kernel: CLKernel, global: [Int], local: [Int]) throws -> cl_event? {
        precondition(global.count == local.count && zip(global, local).allSatisfy { $0 % $1 == 0 },
                     "\(kernel.name): global \(global) is not a multiple of local \(local)")
        var event: cl_event? = nil
        let status = global.withUnsafeBufferPointer { g in
            local.withUnsafeBufferPointer { l in
                withUnsafeMutablePointer(to: &event) { e in
                    clEnqueueNDRangeKernel(id, kernel.id, cl_uint(global.count), nil, g.baseAddress,
                                           l.baseAddress, 0, nil, profiling ? e : nil)
                }
            }
        }
        try check(status, "clEnqueueNDRangeKernel(\(kernel.name))")
        return event
    }

    /// Non-blocking write; `bytes` must stay valid until the write has run.
    func write(_ memory: CLMemory, byteOffset: Int, bytes: UnsafeRawPointer, count: Int) throws {
        try check(clEnqueueWriteBuffer(id, memory.id, cl_bool(CL_FALSE), byteOffset, count, bytes, 0, nil, nil),
                  "clEnqueueWriteBuffer")
    }

    /// Blocking read: returns after every earlier command and the read have finished.
    func read(_ memory: CLMemory, byteOffset: Int, into bytes: UnsafeMutableRawPointer, count: Int) throws {
        try check(clEnqueueReadBuffer(id, memory.id, cl_bool(CL_TRUE), byteOffset, count, bytes, 0, nil, nil),
                  "clEnqueueReadBuffer")
    }

    func copy(_ source: CLMemory, byteOffset: Int, to destination: CLMemory, destinationOffset: Int, count: Int) throws {
        try check(clEnqueueCopyBuffer(id, source.id, destination.id, byteOffset, destinationOffset, count, 0, nil, nil),
                  "clEnqueueCopyBuffer")
    }

    func fill(_ memory: CLMemory, with value: Float, byteOffset: Int, count: Int) throws {
        var pattern = value
        try check(clEnqueueFillBuffer(id, memory.id, &pattern, 4, byteOffset, count, 0, nil, nil),
                  "clEnqueueFillBuffer")
    }

    func finish() throws { try check(clFinish(id), "clFinish") }
}
