import COpenCL

/// A value that can be a kernel argument. Swift `Int` goes over as `int` (checked), so the
/// kernels' index arithmetic stays 32-bit, which is what GPUs are fast at.
protocol KernelArgument {
    func set(on kernel: cl_kernel, at index: cl_uint) -> cl_int
}

extension Int32: KernelArgument {
    func set(on kernel: cl_kernel, at index: cl_uint) -> cl_int {
        var v = self
        return clSetKernelArg(kernel, index, 4, &v)
    }
}

extension UInt32: KernelArgument {
    func set(on kernel: cl_kernel, at index: cl_uint) -> cl_int {
        var v = self
        return clSetKernelArg(kernel, index, 4, &v)
    }
}

extension Int: KernelArgument {
    func set(on kernel: cl_kernel, at index: cl_uint) -> cl_int {
        precondition(self >= Int(Int32.min) && self <= Int(Int32.max), "kernel argument \(self) exceeds 32 bits")
        return Int32(self).set(on: kernel, at: index)
    }
}

extension Float: KernelArgument {
    func set(on kernel: cl_kernel, at index: cl_uint) -> cl_int {
        var v = self
        return clSetKernelArg(kernel, index, 4, &v)
    }
}

extension CLMemory: KernelArgument {
    func set(on kernel: cl_kernel, at index: cl_uint) -> cl_int {
        var mem: cl_mem? = id
        return clSetKernelArg(kernel, index, MemoryLayout<cl_mem>.size, &mem)
    }
}

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

    /// Sets every argument, in order.
    func set(_ arguments: [any KernelArgument]) throws {
        for (i, argument) in arguments.enumerated() {
            try check(argument.set(on: id, at: cl_uint(i)), "clSetKernelArg(\(name), \(i))")
        }
    }
}
