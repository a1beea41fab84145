import Kiln
import KilnOpenCL

/// Turns a device string into a backend (one place, shared by every command).
enum BackendFactory {
    static func make(_ spec: String, poisonWorkspaces: Bool = false,
                     kernelFamily: KernelFamily? = nil) throws -> (backend: any Backend, note: String) {
        let s = spec.lowercased()
        if s == "cpu" { return (CPUBackend(), "device: cpu (Kiln's CPU reference backend)") }
        if s == "auto" { return try best(poisonWorkspaces: poisonWorkspaces, kernelFamily: kernelFamily) }
        let backend = try OpenCLBackend(spec: s, poisonWorkspaces: poisonWorkspaces, kernelFamily: kernelFamily)
        return (backend, "device: \(describe(backend)) [\(backend.device.spec)]")
    }

    /// The backend of the process with `localRank` on its machine in a data-parallel job:
    /// `opencl` (and `auto`, when there is an OpenCL device) is the local-rank-th OpenCL
    /// device — among the GPUs if there are any, else among all devices — cycling when the
    /// machine runs more processes than it has devices; `cpu` and `opencl:P:D` are as given.
    static func make(_ spec: String, localRank: Int, poisonWorkspaces: Bool = false,
                     kernelFamily: KernelFamily? = nil) throws -> (backend: any Backend, note: String) {
        let s = spec.lowercased()
        guard s == "opencl" || s == "auto" else {
            return try make(spec, poisonWorkspaces: poisonWorkspaces, kernelFamily: kernelFamily)
        }
        let devices = ((try? OpenCLDeviceList.platforms()) ?? []).flatMap(\.devices)
        let gpus = devices.filter { $0.type == "GPU" }
        let candidates = gpus.isEmpty ? devices : gpus
        guard !candidates.isEmpty else {
            if s == "auto" { return try make(spec, poisonWorkspaces: poisonWorkspaces, kernelFamily: kernelFamily) }
            throw DeviceError("no OpenCL device found (kiln devices lists them)")
        }
        let pick = candidates[localRank % candidates.count]
        let (backend, note) = try make(pick.spec, poisonWorkspaces: poisonWorkspaces, kernelFamily: kernelFamily)
        return (backend, note + " — local rank \(localRank) of \(candidates.count) device(s), cycling")
    }

    /// The first OpenCL GPU, else the first OpenCL device (PoCL on a CPU), else the CPU
    /// reference backend; the note says which and why.
    private static func best(poisonWorkspaces: Bool, kernelFamily: KernelFamily?) throws -> (backend: any Backend, note: String) {
        let platforms = (try? OpenCLDeviceList.platforms()) ?? []
        let devices = platforms.flatMap(\.devices)
        guard !devices.isEmpty else {
            return (CPUBackend(), "device: cpu (Kiln's CPU reference backend; no OpenCL device found — install pocl-opencl-icd or a GPU driver)")
        }
        do {
            let backend = try OpenCLBackend(spec: "opencl", poisonWorkspaces: poisonWorkspaces, kernelFamily: kernelFamily)
            let why = backend.device.type == "GPU" ? "the first OpenCL GPU" : "no OpenCL GPU found, using the first OpenCL device"
            return (backend, "device: \(describe(backend)) [\(backend.device.spec)] — \(why)")
        } catch {
            return (CPUBackend(), "device: cpu (Kiln's CPU reference backend; OpenCL failed: \(error))")
        }
    }

    static func describe(_ d: OpenCLDeviceInfo) -> String {
        "\(d.name) (\(d.type), \(d.openCLVersion), driver \(d.driverVersion))"
    }

    /// The device and the kernel family its backend runs.
    static func describe(_ backend: OpenCLBackend) -> String {
        "\(describe(backend.device)), \(backend.config.kernelFamily.rawValue) kernels"
    }
}

struct DeviceError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
