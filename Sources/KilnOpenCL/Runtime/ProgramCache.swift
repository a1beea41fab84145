import Foundation

/// Driver binaries of built programs on disk, so only the first run on a machine pays the
/// compiler (seconds per program on PoCL). One file per (device name, driver version,
/// source, options); a file that is torn, corrupt or refused by the driver is rebuilt and
/// replaced. Files are written to a temporary name and renamed, so readers never see half.
///
/// File layout: "KILNCLB1", payload length (UInt64 LE), FNV-1a of payload (UInt64 LE), payload.
struct ProgramCache {
    /// Where binaries go; nil turns the cache off.
    let directory: URL?

    /// `$XDG_CACHE_HOME/kiln`, else `~/.cache/kiln`.
    static var defaultDirectory: URL? {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("kiln")
        }
        guard let home = environment["HOME"] ?? Optional(NSHomeDirectory()), !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".cache/kiln")
    }

    /// How `program` got its program, for tests and timing reports.
    enum Outcome: Equatable { case built, loaded, rebuiltCorrupt }

    private static let magic = Array("KILNCLB1".utf8)

    /// The cache file for this device, source and options.
    func file(device: CLDevice, source: String, options: String) -> URL? {
        var h = FNV1a()
        h.add(device.name)
        h.add(device.driverVersion)
        h.add(device.platform.version)
        h.add(source)
        h.add(options)
        let readable = (device.name + "-" + device.driverVersion).map { $0.isLetter || $0.isNumber ? $0 : "_" }
        let name = String(readable.prefix(60)) + "-" + String(h.value, radix: 16) + ".clbin"
        return directory?.appendingPathComponent(name)
    }

    /// Loads the cached binary if there is a good one, else compiles and stores the result.
    func program(context: CLContext, source: String, options: String) throws -> (CLProgram, Outcome) {
        guard let url = file(device: context.device, source: source, options: options) else {
            return (try CLProgram(context: context, source: source, options: options), .built)
        }
        var outcome = Outcome.built
        if let data = try? Data(contentsOf: url) {
            if let binary = Self.payload(of: data),
               let program = try? CLProgram(context: context, binary: binary, options: options) {
                return (program, .loaded)
            }
            outcome = .rebuiltCorrupt
        }
        let program = try CLProgram(context: context, source: source, options: options)
        if let binary = try? program.binary(), !binary.isEmpty {
            store(binary, at: url)
        }
        return (program, outcome)
    }

    static func payload(of data: Data) -> [UInt8]? {
        let bytes = [UInt8](data)
        guard bytes.count >= 24, Array(bytes[0..<8]) == magic else { return nil }
        let length = bytes[8..<16].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let checksum = bytes[16..<24].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length == UInt64(bytes.count - 24) else { return nil }
        let payload = Array(bytes[24...])
        return FNV1a.hash(payload) == checksum ? payload : nil
    }

    private func store(_ binary: [UInt8], at url: URL) {
        var file = Self.magic
        for value in [UInt64(binary.count), FNV1a.hash(binary)] {
            file += (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        file += binary
        // A cache that cannot be written (read-only home) only costs time, so errors are ignored.
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data(file).write(to: url, options: .atomic)
    }
}
