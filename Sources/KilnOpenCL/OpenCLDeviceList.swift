/// What `kiln devices` prints: every platform and device on this machine.
public enum OpenCLDeviceList {
    /// All platforms with their devices; empty when no ICD is installed.
    /// Why PoCL lists no devices, when the cause is its unwritable kernel cache (see `PoCLCache`).
    public static func poclCacheProblem() -> String? { PoCLCache.problem() }

    public static func platforms() throws -> [OpenCLPlatformInfo] {
        try CLPlatform.all().enumerated().map { p, platform in
            OpenCLPlatformInfo(
                index: p, name: platform.name, vendor: platform.vendor, version: platform.version,
                devices: try platform.devices().enumerated().map { d, device in
                    OpenCLDeviceInfo(device, platformIndex: p, deviceIndex: d)
                })
        }
    }
}

public struct OpenCLPlatformInfo: Hashable, Sendable {
    public var index: Int
    public var name: String
    public var vendor: String
    /// e.g. "OpenCL 3.0 PoCL 3.1+debian ..."
    public var version: String
    public var devices: [OpenCLDeviceInfo]
}

public struct OpenCLDeviceInfo: Hashable, Sendable {
    public var platformIndex: Int
    public var deviceIndex: Int
    public var name: String
    public var vendor: String
    /// "GPU", "CPU", "accelerator" or "other".
    public var type: String
    /// CL_DEVICE_VERSION, e.g. "OpenCL 3.0 CUDA".
    public var openCLVersion: String
    public var driverVersion: String
    public var computeUnits: Int
    public var globalMemoryBytes: Int
    /// CL_DEVICE_MAX_MEM_ALLOC_SIZE: the largest single buffer the device allocates.
    public var maxAllocationBytes: Int
    public var localMemoryBytes: Int
    public var maxWorkGroupSize: Int
    /// CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT: floats per hardware vector (8 for AVX2, 16 for AVX-512).
    public var nativeFloatVectorWidth: Int

    /// The `--device` string that selects this device ("opencl:P:D").
    public var spec: String { "opencl:\(platformIndex):\(deviceIndex)" }

    init(_ device: CLDevice, platformIndex: Int, deviceIndex: Int) {
        self.platformIndex = platformIndex
        self.deviceIndex = deviceIndex
        name = device.name
        vendor = device.vendor
        type = device.typeName
        openCLVersion = device.version
        driverVersion = device.driverVersion
        computeUnits = device.computeUnits
        globalMemoryBytes = device.globalMemoryBytes
        maxAllocationBytes = device.maxAllocationBytes
        localMemoryBytes = device.localMemoryBytes
        maxWorkGroupSize = device.maxWorkGroupSize
        nativeFloatVectorWidth = device.nativeFloatVectorWidth
    }
}
