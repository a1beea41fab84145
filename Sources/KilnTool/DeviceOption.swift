import ArgumentParser
import Kiln
import KilnOpenCL

/// `--device`: where the ops run.
///
///   cpu           the plain-Swift reference backend
///   opencl        the first OpenCL GPU, else the first OpenCL device
///   opencl:P:D    OpenCL platform P, device D (see `kiln devices`)
///   auto          the best OpenCL device found, else the CPU reference backend (the default)
///
/// `--kernel-family gpu|cpu`: GPU- or CPU-shaped kernels on an OpenCL device, whatever its type
/// (default: chosen from the device type; see `KernelFamily`).
struct DeviceOptions: ParsableArguments {
    @Option(help: "cpu, opencl, opencl:P:D, or auto (best OpenCL device, else cpu).")
    var device: String = "auto"

    @Option(help: "OpenCL kernel family: gpu or cpu (default: from the device type).")
    var kernelFamily: KernelFamily?

    func validate() throws {
        let d = device.lowercased()
        guard d == "cpu" || d == "auto" || d.hasPrefix("opencl") else {
            throw ValidationError("unknown device '\(device)'; use cpu, opencl, opencl:P:D or auto (kiln devices lists them)")
        }
        if kernelFamily != nil && d == "cpu" {
            throw ValidationError("--kernel-family applies to OpenCL devices; --device cpu has no kernels")
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

    /// The backend, and a line saying which device was chosen and why; in a data-parallel
    /// job, the device of the process with `localRank` (see `BackendFactory`).
    /// `poisonWorkspaces` applies to OpenCL devices (see `OpenCLBackend.poisonsWorkspaces`).
    func makeBackend(poisonWorkspaces: Bool = false, localRank: Int? = nil) throws -> (backend: any Backend, note: String) {
        if let localRank {
            return try BackendFactory.make(device, localRank: localRank, poisonWorkspaces: poisonWorkspaces,
                                           kernelFamily: kernelFamily)
        }
        return try BackendFactory.make(device, poisonWorkspaces: poisonWorkspaces, kernelFamily: kernelFamily)
    }
}

extension KernelFamily: ExpressibleByArgument {}
