import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where and how a benchmark ran: enough to tell two reports' numbers apart.
public struct MachineInfo: Codable, Sendable {
    /// `uname -srvm`.
    public var uname: String
    /// "model name" of /proc/cpuinfo (the first processor's).
    public var cpuModel: String
    /// Processors this process may use.
    public var cores: Int
    /// 1-, 5- and 15-minute load averages when the run started: other work on the machine
    /// (builds) takes cores from the benchmark, so numbers taken at high load read low.
    public var loadAverage: [Double]
    /// "debug" or "release": a debug build's CPU backend is many times slower.
    public var buildConfiguration: String
    /// ISO 8601, UTC.
    public var date: String

    public static func current() -> MachineInfo {
        MachineInfo(uname: unameString(), cpuModel: cpuModel(), cores: ProcessInfo.processInfo.activeProcessorCount,
                    loadAverage: loadAverage(), buildConfiguration: buildConfiguration,
                    date: ISO8601DateFormatter().string(from: Date()))
    }

    public static var buildConfiguration: String {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }

    /// The three numbers of /proc/loadavg (empty where there is none).
    public static func loadAverage() -> [Double] {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }

    private static func unameString() -> String {
        #if canImport(Glibc)
        var u = utsname()
        guard Glibc.uname(&u) == 0 else { return "?" }
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return [field(u.sysname), field(u.release), field(u.version), field(u.machine)].joined(separator: " ")
        #else
        return ProcessInfo.processInfo.operatingSystemVersionString
        #endif
    }

    private static func cpuModel() -> String {
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "?" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
