import Kiln
import KilnOpenCL

/// The device under test, with what the report says about it and how its memory is counted.
///
/// OpenCL: one backend serves every batch size (building the program again would only add
/// time); its pool is trimmed between sizes so `deviceBytesAllocated` counts one size's
/// buffers. CPU: a fresh `CPUBackend` per size, because its scratch only ever grows; its
/// "device memory" is how much the resident size grew over the run, measured after giving
/// free heap back to the kernel (its tensors and scratch are host memory it touches).
public enum BenchDevice {
    case cpu(threads: Int)
    case opencl(OpenCLBackend)

    /// Wraps a backend made by the tool's factory; nil for a kind the bench does not know.
    public init?(_ backend: any Backend) {
        if let b = backend as? OpenCLBackend { self = .opencl(b) }
        else if let b = backend as? CPUBackend { self = .cpu(threads: b.threads) }
        else { return nil }
    }

    public var isOpenCL: Bool { if case .opencl = self { true } else { false } }

    public var info: DeviceReport {
        switch self {
        case .cpu(let threads):
            DeviceReport(backend: "cpu", name: "Kiln CPU reference backend, \(threads) threads",
                         driver: "n/a", spec: "cpu")
        case .opencl(let b):
            DeviceReport(backend: "opencl", name: b.device.name,
                         driver: "\(b.device.openCLVersion), driver \(b.device.driverVersion)", spec: b.device.spec)
        }
    }

    /// A backend for one batch size's run, and how to read its memory afterwards.
    func session() -> DeviceSession {
        switch self {
        case .cpu(let threads):
            // Baseline taken before the backend exists, so the growth is all the run's.
            ProcessMemory.releaseFreeHeap()
            let before = ProcessMemory.residentBytes
            return DeviceSession(backend: CPUBackend(threads: threads), deviceBytesSource: "resident growth over the run") {
                guard let before, let now = ProcessMemory.residentBytes else { return nil }
                return max(now - before, 0)
            }
        case .opencl(let b):
            b.trimPool()
            return DeviceSession(backend: b, deviceBytesSource: "OpenCL buffer pool") { b.deviceBytesAllocated }
        }
    }
}

/// One run's backend and its memory reading.
struct DeviceSession {
    let backend: any Backend
    let deviceBytesSource: String
    let deviceBytes: () -> Int?
}

/// What the report says about the device.
public struct DeviceReport: Codable, Sendable {
    /// "cpu" or "opencl".
    public var backend: String
    public var name: String
    /// OpenCL version and driver version ("n/a" for the CPU backend).
    public var driver: String
    /// The `--device` string that selects it again.
    public var spec: String
}
