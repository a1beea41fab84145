/// Which OpenCL device to use, as written on the command line:
///
///     "opencl"       the first GPU of any platform, else the first device of any type
///     "opencl:P:D"   device D of platform P (indices as `OpenCLDeviceList.platforms()` numbers them)
public struct OpenCLDeviceSpec: Hashable, Sendable, CustomStringConvertible {
    public enum Selection: Hashable, Sendable {
        case firstGPUElseAny
        case index(platform: Int, device: Int)
    }
    public var selection: Selection

    public init(_ selection: Selection = .firstGPUElseAny) { self.selection = selection }

    /// Parses "opencl" or "opencl:P:D"; throws `OpenCLError.invalidSpec` otherwise.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.first == "opencl" else {
            throw OpenCLError.invalidSpec("'\(text)' is not an OpenCL device: use 'opencl' or 'opencl:P:D'")
        }
        switch parts.count {
        case 1:
            selection = .firstGPUElseAny
        case 3:
            guard let p = Int(parts[1]), let d = Int(parts[2]), p >= 0, d >= 0 else {
                throw OpenCLError.invalidSpec(
                    "'\(text)': platform and device must be non-negative integers, as in 'opencl:0:1'")
            }
            selection = .index(platform: p, device: d)
        default:
            throw OpenCLError.invalidSpec("'\(text)' is not an OpenCL device: use 'opencl' or 'opencl:P:D'")
        }
    }

    public var description: String {
        switch selection {
        case .firstGPUElseAny: "opencl"
        case .index(let p, let d): "opencl:\(p):\(d)"
        }
    }

    /// The device this spec names on this machine.
    func resolve() throws -> CLDevice {
        let platforms = try CLPlatform.all()
        guard !platforms.isEmpty else { throw OpenCLError.noPlatform }
        switch selection {
        case .firstGPUElseAny:
            let devices = try platforms.flatMap { try $0.devices() }
            guard let device = devices.first(where: \.isGPU) ?? devices.first else {
                throw OpenCLError.noSuchDevice(
                    "no OpenCL device found on \(platforms.count) platform(s): "
                        + platforms.map(\.name).joined(separator: ", ") + (PoCLCache.problem().map { "; " + $0 } ?? ""))
            }
            return device
        case .index(let p, let d):
            guard p < platforms.count else {
                let found = platforms.enumerated().map { "\($0.offset): \($0.element.name)" }
                throw OpenCLError.noSuchDevice(
                    "OpenCL platform \(p) does not exist; found \(platforms.count): " + found.joined(separator: ", "))
            }
            let devices = try platforms[p].devices()
            guard d < devices.count else {
                let found = devices.enumerated().map { "\($0.offset): \($0.element.name)" }
                throw OpenCLError.noSuchDevice(
                    "OpenCL device \(d) does not exist on platform \(p) (\(platforms[p].name)); found \(devices.count)"
                        + (found.isEmpty ? (PoCLCache.problem().map { "; " + $0 } ?? "") : ": " + found.joined(separator: ", ")))
            }
            return devices[d]
        }
    }
}
