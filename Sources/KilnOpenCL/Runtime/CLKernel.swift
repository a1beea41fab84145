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
    /// Largest group a launch may use: the device's (possibly lowered) limit and the kernel's.
    var maxGroup = Int.max
    /// The group its reqd_work_group_size fixes, if any.
    var requiredGroup: [Int]?

    /// CL_KERNEL_WORK_GROUP_SIZE: the largest group this compiled kernel can run with (may be
    /// below the device's limit, e.g. when it needs many registers).
    func maxGroupSize(on device: CLDevice) -> Int {
        var size = 0
        let status = clGetKernelWorkGroupInfo(id, device.id, cl_kernel_work_group_info(CL_KERNEL_WORK_GROUP_SIZE),
                                              MemoryLayout<Int>.size, &size, nil)
        return status == CL_SUCCESS && size > 0 ? size : Int.max
    }

    /// The group its `reqd_work_group_size` attribute fixes, nil without one.
    func requiredGroup(on device: CLDevice) -> [Int]? {
        var sizes = [Int](repeating: 0, count: 3)
        let status = clGetKernelWorkGroupInfo(id, device.id, cl_kernel_work_group_info(CL_KERNEL_COMPILE_WORK_GROUP_SIZE),
                                              3 * MemoryLayout<Int>.size, &sizes, nil)
        return status == CL_SUCCESS && sizes[0] > 0 ? sizes : nil
    }

    /// CL_KERNEL_LOCAL_MEM_SIZE: `__local` bytes one group of it uses.
    func localMemoryBytes(on device: CLDevice) -> Int {
        var bytes: cl_ulong = 0
        let status = clGetKernelWorkGroupInfo(id, device.id, cl_kernel_work_group_info(CL_KERNEL_LOCAL_MEM_SIZE),
                                              8, &bytes, nil)
        return status == CL_SUCCESS ? Int(bytes) : 0
    }
}
