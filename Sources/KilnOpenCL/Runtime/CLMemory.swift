import COpenCL

/// One device allocation (`cl_mem`), released when the last reference goes.
final class CLMemory {
    let id: cl_mem
    let bytes: Int

    /// Throws `allocationFailed` (with `inUseBytes` as the caller's running total) when the
    /// driver refuses, and before asking when `bytes` exceeds the device's maximum allocation
    /// (some drivers assert instead of failing on such sizes).
    init(context: CLContext, bytes: Int, inUseBytes: Int = 0) throws {
        let device = context.device
        func failure(_ code: cl_int) -> OpenCLError {
            .allocationFailed(bytes: bytes, code: code, device: device.name, deviceBytes: device.globalMemoryBytes,
                              maxAllocationBytes: device.maxAllocationBytes, inUseBytes: inUseBytes)
        }
        if device.maxAllocationBytes > 0 && bytes > device.maxAllocationBytes { throw failure(0) }
        var status: cl_int = 0
        guard let mem = clCreateBuffer(context.id, cl_mem_flags(CL_MEM_READ_WRITE), bytes, nil, &status),
              status == CL_SUCCESS else { throw failure(status) }
        id = mem
        self.bytes = bytes
    }

    deinit { clReleaseMemObject(id) }
}
