import COpenCL

/// One OpenCL device and the limits the kernels are configured from.
struct CLDevice {
    let id: cl_device_id
    let platform: CLPlatform

    func string(_ param: Int32) throws -> String {
        var size = 0
        try check(clGetDeviceInfo(id, cl_device_info(param), 0, nil, &size), "clGetDeviceInfo")
        var bytes = [CChar](repeating: 0, count: max(size, 1))
        try check(clGetDeviceInfo(id, cl_device_info(param), size, &bytes, nil), "clGetDeviceInfo")
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingWhitespace()
    }

    func scalar<T: FixedWidthInteger>(_ param: Int32, as: T.Type = T.self) throws -> T {
        var value: T = 0
        try check(clGetDeviceInfo(id, cl_device_info(param), MemoryLayout<T>.size, &value, nil), "clGetDeviceInfo")
        return value
    }

    var name: String { (try? string(CL_DEVICE_NAME)) ?? "?" }
    var vendor: String { (try? string(CL_DEVICE_VENDOR)) ?? "?" }
    var version: String { (try? string(CL_DEVICE_VERSION)) ?? "?" }
    var driverVersion: String { (try? string(CL_DRIVER_VERSION)) ?? "?" }
    var type: cl_device_type { (try? scalar(CL_DEVICE_TYPE, as: cl_device_type.self)) ?? 0 }
    var isGPU: Bool { type & cl_device_type(CL_DEVICE_TYPE_GPU) != 0 }
    var computeUnits: Int { Int((try? scalar(CL_DEVICE_MAX_COMPUTE_UNITS, as: cl_uint.self)) ?? 1) }
    var globalMemoryBytes: Int { Int((try? scalar(CL_DEVICE_GLOBAL_MEM_SIZE, as: cl_ulong.self)) ?? 0) }
    var localMemoryBytes: Int { Int((try? scalar(CL_DEVICE_LOCAL_MEM_SIZE, as: cl_ulong.self)) ?? 16384) }
    var maxAllocationBytes: Int { Int((try? scalar(CL_DEVICE_MAX_MEM_ALLOC_SIZE, as: cl_ulong.self)) ?? 0) }
    /// Floats in the widest vector the hardware computes with (8 for AVX2, 16 for AVX-512).
    var nativeFloatVectorWidth: Int { Int((try? scalar(CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT, as: cl_uint.self)) ?? 4) }
    var maxWorkGroupSize: Int { (try? scalar(CL_DEVICE_MAX_WORK_GROUP_SIZE, as: Int.self)) ?? 64 }
    /// Per-dimension item limits of a group (three on every driver we know).
    var maxWorkItemSizes: [Int] {
        var sizes = [Int](repeating: 0, count: 3)
        let status = clGetDeviceInfo(id, cl_device_info(CL_DEVICE_MAX_WORK_ITEM_SIZES), 3 * MemoryLayout<Int>.size, &sizes, nil)
        return status == CL_SUCCESS ? sizes : []
    }
    /// What launches are sized against on this device (before any lowering).
    var limits: DeviceLimits {
        DeviceLimits(maxWorkGroupSize: maxWorkGroupSize, maxWorkItemSizes: maxWorkItemSizes, localMemoryBytes: localMemoryBytes)
    }
    /// True when `-cl-fp32-correctly-rounded-divide-sqrt` is accepted (OpenCL 1.2, optional).
    var hasCorrectlyRoundedDivideSqrt: Bool {
        let config = (try? scalar(CL_DEVICE_SINGLE_FP_CONFIG, as: cl_device_fp_config.self)) ?? 0
        return config & cl_device_fp_config(CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0
    }

    var typeName: String {
        let t = type
        if t & cl_device_type(CL_DEVICE_TYPE_GPU) != 0 { return "GPU" }
        if t & cl_device_type(CL_DEVICE_TYPE_CPU) != 0 { return "CPU" }
        if t & cl_device_type(CL_DEVICE_TYPE_ACCELERATOR) != 0 { return "accelerator" }
        return "other"
    }
}
