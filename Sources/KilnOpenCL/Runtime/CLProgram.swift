import COpenCL

/// A program built for one device of a context, from source or from a driver binary.
final class CLProgram {
    let id: cl_program

    /// Compiles `source`; a failure throws `OpenCLError.buildFailed` with the whole log.
    init(context: CLContext, source: String, options: String) throws {
        var status: cl_int = 0
        let program: cl_program? = source.withCString { text in
            var pointer: UnsafePointer<CChar>? = text
            var length = source.utf8.count
            return clCreateProgramWithSource(context.id, 1, &pointer, &length, &status)
        }
        guard let program else { throw OpenCLError.api(call: "clCreateProgramWithSource", code: status) }
        id = program
        try build(context: context, options: options)
    }

    /// Loads a binary from `binary` (as `binary` returned it); throws if the driver refuses it.
    init(context: CLContext, binary: [UInt8], options: String) throws {
        var status: cl_int = 0, binaryStatus: cl_int = 0
        var deviceID: cl_device_id? = context.device.id
        var length = binary.count
        let program: cl_program? = binary.withUnsafeBufferPointer { bytes in
            var pointer: UnsafePointer<UInt8>? = bytes.baseAddress
            return clCreateProgramWithBinary(context.id, 1, &deviceID, &length, &pointer, &binaryStatus, &status)
        }
        guard let program else { throw OpenCLError.api(call: "clCreateProgramWithBinary", code: status) }
        id = program
        try check(status, "clCreateProgramWithBinary")
        try check(binaryStatus, "clCreateProgramWithBinary(binary status)")
        try build(context: context, options: options)
    }

    deinit { clReleaseProgram(id) }

    private func build(context: CLContext, options: String) throws {
        var deviceID: cl_device_id? = context.device.id
        let status = clBuildProgram(id, 1, &deviceID, options, nil, nil)
        guard status == CL_SUCCESS else {
            if status == CL_BUILD_PROGRAM_FAILURE {
                throw OpenCLError.buildFailed(device: context.device.name, options: options,
                                              log: buildLog(device: context.device))
            }
            throw OpenCLError.api(call: "clBuildProgram", code: status)
        }
    }

    func buildLog(device: CLDevice) -> String {
        var size = 0
        guard clGetProgramBuildInfo(id, device.id, cl_program_build_info(CL_PROGRAM_BUILD_LOG), 0, nil, &size)
            == CL_SUCCESS, size > 0 else { return "(no build log)" }
        var bytes = [UInt8](repeating: 0, count: size)
        clGetProgramBuildInfo(id, device.id, cl_program_build_info(CL_PROGRAM_BUILD_LOG), size, &bytes, nil)
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The kernels the program holds (CL_PROGRAM_KERNEL_NAMES), empty if the driver cannot say.
    var kernelNames: Set<String> {
        var size = 0
        guard clGetProgramInfo(id, cl_program_info(CL_PROGRAM_KERNEL_NAMES), 0, nil, &size) == CL_SUCCESS, size > 0
        else { return [] }
        var bytes = [UInt8](repeating: 0, count: size)
        guard clGetProgramInfo(id, cl_program_info(CL_PROGRAM_KERNEL_NAMES), size, &bytes, nil) == CL_SUCCESS else { return [] }
        return Set(String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self).split(separator: ";").map(String.init))
    }

    /// The driver's binary for the (single) device, for the disk cache.
    func binary() throws -> [UInt8] {
        var size = 0
        try check(clGetProgramInfo(id, cl_program_info(CL_PROGRAM_BINARY_SIZES), MemoryLayout<Int>.size, &size, nil),
                  "clGetProgramInfo(CL_PROGRAM_BINARY_SIZES)")
        var bytes = [UInt8](repeating: 0, count: size)
        let status = bytes.withUnsafeMutableBufferPointer { buffer in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return clGetProgramInfo(id, cl_program_info(CL_PROGRAM_BINARIES),
                                    MemoryLayout<UnsafeMutablePointer<UInt8>?>.size, &pointer, nil)
        }
        try check(status, "clGetProgramInfo(CL_PROGRAM_BINARIES)")
        return bytes
    }
}
