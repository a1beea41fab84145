import ArgumentParser
import Kiln
import KilnOpenCL

/// `--device`: where the ops run.
///
///   cpu           the plain-Swift reference backend
///   opencl        the first OpenCL GPU, else the first OpenCL device
///   opencl:P:D    OpenCL platform P, device D (see `kiln devices`)
///   auto          the best OpenCL device found, else the CPU reference backend (the default)
struct DeviceOptions: ParsableArguments {
    @Option(help: "cpu, opencl, opencl:P:D, or auto (best OpenCL device, else cpu).")
    var device: String = "auto"

    func validate() throws {
        let d = device.lowercased()
        guard d == "cpu" || d == "auto" || d.hasPrefix("opencl") else {
            throw ValidationError("unknown device '\(device)'; use cpu, opencl, opencl:P:D or auto (kiln devices lists them)")
        }
    }

    /// The OpenCL device spec, for commands that need OpenCL (`auto` is `opencl` there).
    /// - Throws: `ValidationError` for `cpu`.
    func openCLSpec(for command: String) throws -> String {
        let d = device.lowercased()
        if d == "auto" { return "opencl" }
        guard d.hasPrefix("opencl") else {
            throw ValidationError("\(command) needs an OpenCL device (opencl or opencl:P:D), got '\(device)'")
        }
        return d
    }

    /// The backend, and a line saying which device was chosen and why. `poisonWorkspaces`
    /// applies to OpenCL devices (see `OpenCLBackend.poisonsWorkspaces`).
    func makeBackend(poisonWorkspaces: Bool = false) throws -> (backend: any Backend, note: String) {
        try BackendFactory.make(device, poisonWorkspaces: poisonWorkspaces)
    }
}
