import COpenCL
import Kiln

/// Everything the OpenCL backend throws. API failures name the call and the status code
/// (`clCreateBuffer failed: CL_OUT_OF_RESOURCES (-5)`); a failed build carries the full log.
public enum OpenCLError: Error, Equatable, CustomStringConvertible {
    /// An OpenCL call returned `code`.
    case api(call: String, code: Int32)
    /// `clBuildProgram` failed; `log` is the device's build log, complete.
    case buildFailed(device: String, options: String, log: String)
    /// No ICD is installed (or none loads).
    case noPlatform
    /// A device spec names a platform or device that is not there; the message lists what is.
    case noSuchDevice(String)
    /// A device spec string that does not parse.
    case invalidSpec(String)
    /// A buffer the device cannot hold: `code` is the driver's status (0 when Kiln refused it
    /// before asking, being over the device's maximum allocation); the message gives the
    /// size, the device's memory and limits, what Kiln holds already, and the advice.
    case allocationFailed(bytes: Int, code: Int32, device: String, deviceBytes: Int, maxAllocationBytes: Int, inUseBytes: Int)
    /// A launch the device cannot run as asked (group or local memory over its limits, or
    /// more elements than one launch may index); the message says which.
    case invalidLaunch(String)

    public var description: String {
        switch self {
        case .api(let call, let code):
            "\(call) failed: \(Self.name(of: code)) (\(code))"
        case .buildFailed(let device, let options, let log):
            "OpenCL program build failed on \(device) with options '\(options)':\n\(log)"
        case .noPlatform:
            "no OpenCL platform found: install an ICD such as pocl-opencl-icd"
        case .noSuchDevice(let message), .invalidSpec(let message), .invalidLaunch(let message):
            message
        case let .allocationFailed(bytes, code, device, deviceBytes, maxAllocation, inUse):
            "cannot allocate \(ByteCount(bytes)) on \(device)"
                + (code == 0 ? " (over its maximum allocation)" : " (clCreateBuffer: \(Self.name(of: code)))")
                + ": the device has \(ByteCount(deviceBytes)), allocates at most \(ByteCount(maxAllocation)) at once, "
                + "and Kiln holds \(ByteCount(inUse)) already; lower --batch-size"
        }
    }

    /// The symbolic name of an OpenCL status code, as in cl.h.
    public static func name(of code: Int32) -> String {
        codeNames[code] ?? "unknown OpenCL error"
    }

    private static let codeNames: [Int32: String] = [
        0: "CL_SUCCESS", -1: "CL_DEVICE_NOT_FOUND", -2: "CL_DEVICE_NOT_AVAILABLE",
        -3: "CL_COMPILER_NOT_AVAILABLE", -4: "CL_MEM_OBJECT_ALLOCATION_FAILURE",
        -5: "CL_OUT_OF_RESOURCES", -6: "CL_OUT_OF_HOST_MEMORY",
        -7: "CL_PROFILING_INFO_NOT_AVAILABLE", -8: "CL_MEM_COPY_OVERLAP",
        -9: "CL_IMAGE_FORMAT_MISMATCH", -10: "CL_IMAGE_FORMAT_NOT_SUPPORTED",
        -11: "CL_BUILD_PROGRAM_FAILURE", -12: "CL_MAP_FAILURE",
        -13: "CL_MISALIGNED_SUB_BUFFER_OFFSET", -14: "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST",
        -15: "CL_COMPILE_PROGRAM_FAILURE", -16: "CL_LINKER_NOT_AVAILABLE",
        -17: "CL_LINK_PROGRAM_FAILURE", -18: "CL_DEVICE_PARTITION_FAILED",
        -19: "CL_KERNEL_ARG_INFO_NOT_AVAILABLE",
        -30: "CL_INVALID_VALUE", -31: "CL_INVALID_DEVICE_TYPE", -32: "CL_INVALID_PLATFORM",
        -33: "CL_INVALID_DEVICE", -34: "CL_INVALID_CONTEXT", -35: "CL_INVALID_QUEUE_PROPERTIES",
        -36: "CL_INVALID_COMMAND_QUEUE", -37: "CL_INVALID_HOST_PTR", -38: "CL_INVALID_MEM_OBJECT",
        -39: "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR", -40: "CL_INVALID_IMAGE_SIZE",
        -41: "CL_INVALID_SAMPLER", -42: "CL_INVALID_BINARY", -43: "CL_INVALID_BUILD_OPTIONS",
        -44: "CL_INVALID_PROGRAM", -45: "CL_INVALID_PROGRAM_EXECUTABLE",
        -46: "CL_INVALID_KERNEL_NAME", -47: "CL_INVALID_KERNEL_DEFINITION",
        -48: "CL_INVALID_KERNEL", -49: "CL_INVALID_ARG_INDEX", -50: "CL_INVALID_ARG_VALUE",
        -51: "CL_INVALID_ARG_SIZE", -52: "CL_INVALID_KERNEL_ARGS",
        -53: "CL_INVALID_WORK_DIMENSION", -54: "CL_INVALID_WORK_GROUP_SIZE",
        -55: "CL_INVALID_WORK_ITEM_SIZE", -56: "CL_INVALID_GLOBAL_OFFSET",
        -57: "CL_INVALID_EVENT_WAIT_LIST", -58: "CL_INVALID_EVENT", -59: "CL_INVALID_OPERATION",
        -60: "CL_INVALID_GL_OBJECT", -61: "CL_INVALID_BUFFER_SIZE", -62: "CL_INVALID_MIP_LEVEL",
        -63: "CL_INVALID_GLOBAL_WORK_SIZE", -64: "CL_INVALID_PROPERTY",
        -65: "CL_INVALID_IMAGE_DESCRIPTOR", -66: "CL_INVALID_COMPILER_OPTIONS",
        -67: "CL_INVALID_LINKER_OPTIONS", -68: "CL_INVALID_DEVICE_PARTITION_COUNT",
        -1001: "CL_PLATFORM_NOT_FOUND_KHR",
    ]
}

/// Throws `OpenCLError.api` unless `code` is CL_SUCCESS.
@inline(__always)
func check(_ code: cl_int, _ call: @autoclosure () -> String) throws {
    if code != CL_SUCCESS { throw OpenCLError.api(call: call(), code: code) }
}
