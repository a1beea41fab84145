import COpenCL
import Foundation

/// An OpenCL platform (one installed driver, e.g. PoCL or NVIDIA's).
struct CLPlatform {
    let id: cl_platform_id

    /// Serialises discovery: PoCL initialises itself on the first query, and concurrent first
    /// queries from several threads find no devices or crash.
    private static let discovery = NSLock()

    /// Every platform the ICD loader finds, in its order; empty when there is none.
    static func all() throws -> [CLPlatform] {
        try discovery.withLock { try unlockedAll() }
    }

    private static func unlockedAll() throws -> [CLPlatform] {
        var count: cl_uint = 0
        let status = clGetPlatformIDs(0, nil, &count)
        // ocl-icd reports "no ICD" as CL_PLATFORM_NOT_FOUND_KHR rather than a zero count.
        if status == -1001 || count == 0 { return [] }
        try check(status, "clGetPlatformIDs")
        var ids = [cl_platform_id?](repeating: nil, count: Int(count))
        try check(clGetPlatformIDs(count, &ids, nil), "clGetPlatformIDs")
        return ids.compactMap { $0.map(CLPlatform.init) }
    }

    func string(_ param: Int32) throws -> String {
        var size = 0
        try check(clGetPlatformInfo(id, cl_platform_info(param), 0, nil, &size), "clGetPlatformInfo")
        var bytes = [CChar](repeating: 0, count: max(size, 1))
        try check(clGetPlatformInfo(id, cl_platform_info(param), size, &bytes, nil), "clGetPlatformInfo")
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingWhitespace()
    }

    var name: String { (try? string(CL_PLATFORM_NAME)) ?? "?" }
    var vendor: String { (try? string(CL_PLATFORM_VENDOR)) ?? "?" }
    var version: String { (try? string(CL_PLATFORM_VERSION)) ?? "?" }

    /// The platform's devices of every type, in its order.
    func devices() throws -> [CLDevice] {
        try Self.discovery.withLock { try unlockedDevices() }
    }

    private func unlockedDevices() throws -> [CLDevice] {
        var count: cl_uint = 0
        let status = clGetDeviceIDs(id, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &count)
        if status == CL_DEVICE_NOT_FOUND || count == 0 { return [] }
        try check(status, "clGetDeviceIDs")
        var ids = [cl_device_id?](repeating: nil, count: Int(count))
        try check(clGetDeviceIDs(id, cl_device_type(CL_DEVICE_TYPE_ALL), count, &ids, nil), "clGetDeviceIDs")
        return ids.compactMap { $0.map { CLDevice(id: $0, platform: self) } }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
