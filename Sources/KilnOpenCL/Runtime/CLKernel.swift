import COpenCL

/// One kernel of a built program. Not thread-safe: arguments live on the object, so the
/// backend sets and launches under its lock.
final class CLKernel {
    let id: cl_kernel
    let name: String

    init(program: CLProgram, name: String) throws {
        var status: cl_int = 0
        guard let kernel = clCreateKernel(program.id, name, &status) else {
            throw OpenCLError.api(call: "clCreateKernel(\(name))", code: status)
        }
        try check(status, "clCreateKernel(\(name))")
        id = kernel
        self.name = name
    }

    deinit { clReleaseKernel(id) }

    /// The `KernelArguments` type last checked against this kernel (see `verify`).
    var verifiedDescription: ObjectIdentifier?
}
