import Kiln
import KilnOpenCL

/// Turns a device string into a backend (one place, shared by every command).
enum BackendFactory {
    static func make(_ spec: String) throws -> (backend: any Backend, note: String) {
        let s = spec.lowercased()
        if s == "cpu" { return (CPUBackend(), "device: cpu (Kiln's CPU reference backend)") }
        if s == "auto" {
            return (CPUBackend(), "device: cpu (Kiln's CPU reference backend; no OpenCL device found)")
        }
        throw DeviceError("OpenCL is not available in this build")
    }
}

struct DeviceError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
