import COpenCL

/// One device allocation (`cl_mem`), released when the last reference goes.
final class CLMemory {
    let id: cl_mem
    let bytes: Int

    init(context: CLContext, bytes: Int) throws {
        var status: cl_int = 0
        guard let mem = clCreateBuffer(context.id, cl_mem_flags(CL_MEM_READ_WRITE), bytes, nil, &status) else {
            throw OpenCLError.api(call: "clCreateBuffer(\(bytes) bytes)", code: status)
        }
        try check(status, "clCreateBuffer(\(bytes) bytes)")
        id = mem
        self.bytes = bytes
    }

    deinit { clReleaseMemObject(id) }
}
