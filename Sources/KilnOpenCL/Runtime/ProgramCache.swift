import Foundation
import Kiln

/// Driver binaries of built programs on disk, so only the first run on a machine pays the
/// compiler (seconds per program on PoCL). One file per (device name, driver version,
/// source, options); a file that is torn, corrupt, refused by the driver, or holds a program
/// that lacks a kernel the source declares (another program's binary under this name) is
/// rebuilt and replaced. Files are written to a temporary name and renamed, so readers never
/// see half. A directory that cannot be written costs only time: one warning line per
/// process, then the run goes on without storing.
///
/// File layout: "KILNCLB2", payload length (UInt64 LE), FNV-1a of payload (UInt64 LE), payload;
/// the payload is the entry's key (UInt64 LE, the hash in its file name), the length of the
/// kernel list (UInt32 LE), the kernel names the program built from source holds
/// (";"-separated), then the driver binary. A binary is used only when its key is this
/// program's and the program it loads holds every listed kernel.
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

    private static let magic = Array("KILNCLB2".utf8)

    /// The hash of device, driver, platform, source and options that names an entry.
    static func key(device: CLDevice, source: String, options: String) -> UInt64 {
        var h = FNV1a()
        h.add(device.name)
        h.add(device.driverVersion)
        h.add(device.platform.version)
        h.add(source)
        h.add(options)
        return h.value
    }

    /// The cache file for this device, source and options.
    func file(device: CLDevice, source: String, options: String) -> URL? {
        let readable = (device.name + "-" + device.driverVersion).map { $0.isLetter || $0.isNumber ? $0 : "_" }
        let name = String(readable.prefix(60)) + "-" + String(Self.key(device: device, source: source, options: options), radix: 16) + ".clbin"
        return directory?.appendingPathComponent(name)
    }

    /// Loads the cached binary if there is a good one, else compiles and stores the result.
    func program(context: CLContext, source: String, options: String) throws -> (CLProgram, Outcome) {
        guard let url = file(device: context.device, source: source, options: options) else {
            return (try CLProgram(context: context, source: source, options: options), .built)
        }
        var outcome = Outcome.built
        let key = Self.key(device: context.device, source: source, options: options)
        if let data = try? Data(contentsOf: url) {
            if let entry = Self.payload(of: data).flatMap(Self.entry), entry.key == key,
               let program = try? CLProgram(context: context, binary: entry.binary, options: options),
               program.kernelNames.isSuperset(of: entry.kernels) {
                return (program, .loaded)
            }
            outcome = .rebuiltCorrupt
        }
        let program = try CLProgram(context: context, source: source, options: options)
        if let binary = try? program.binary(), !binary.isEmpty {
            store(Self.entryBytes(key: key, kernels: program.kernelNames, binary: binary), at: url)
        }
        return (program, outcome)
    }

    /// A payload's key, kernel list and binary; nil when it does not parse.
    static func entry(_ payload: [UInt8]) -> (key: UInt64, kernels: Set<String>, binary: [UInt8])? {
        guard payload.count >= 12 else { return nil }
        let key = payload[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let length = Int(payload[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        guard length <= payload.count - 12 else { return nil }
        let names = String(decoding: payload[12 ..< 12 + length], as: UTF8.self)
        return (key, Set(names.split(separator: ";").map(String.init)), Array(payload[(12 + length)...]))
    }

    static func entryBytes(key: UInt64, kernels: Set<String>, binary: [UInt8]) -> [UInt8] {
        let names = Array(kernels.sorted().joined(separator: ";").utf8)
        return (0..<8).map { UInt8(truncatingIfNeeded: key >> (8 * $0)) }
            + (0..<4).map { UInt8(truncatingIfNeeded: UInt32(names.count) >> (8 * $0)) } + names + binary
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
        // A cache that cannot be written (read-only home) only costs time: say so once.
        let directory = url.deletingLastPathComponent()
        do {
            try Directory.create(directory.path)
            try AtomicFile.write(Data(file), to: url)
        } catch {
            Self.warnOnce("warning: the kernel cache \(directory.path) is not usable (\(Self.reason(error))); "
                          + "running without it (set XDG_CACHE_HOME to a writable directory to keep compiled kernels)")
        }
    }

    private final class Once: @unchecked Sendable {
        let lock = NSLock()
        var done = false
        /// True the first time only.
        func first() -> Bool { lock.withLock { defer { done = true }; return !done } }
    }
    private static let warning = Once()

    static func warnOnce(_ line: String) {
        if warning.first() { StandardError.write(line + "\n") }
    }

    private static func reason(_ error: any Error) -> String {
        (error as? FileWriteError)?.reason ?? (error as? FileProblem)?.description ?? "\(error)"
    }
}
