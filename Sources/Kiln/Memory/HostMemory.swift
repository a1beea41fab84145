import Foundation

/// How much memory this process can still allocate on the host: the kernel's estimate of
/// available memory (`MemAvailable` in /proc/meminfo), lowered by an address-space limit
/// (`ulimit -v`) minus what the process already maps. Checked before large allocations so
/// that a hostile size becomes an error message instead of an allocator abort.
public enum HostMemory {
    /// Bytes still available, or nil where it cannot be told (then nothing is refused).
    public static func availableBytes() -> Int? {
        var limits: [Int] = []
        if let kib = field("MemAvailable:", in: "/proc/meminfo") { limits.append(kib * 1024) }
        #if os(Linux)
        var rl = rlimit()  // RLIM_INFINITY is UInt64.max: above Int.max, so no limit
        if getrlimit(Int32(RLIMIT_AS.rawValue), &rl) == 0, rl.rlim_cur < UInt64(Int.max) {
            let mapped = (field("VmSize:", in: "/proc/self/status") ?? 0) * 1024
            limits.append(max(0, Int(rl.rlim_cur) - mapped))
        }
        #endif
        return limits.min()
    }

    /// Total physical memory (`MemTotal`), or nil.
    public static func totalBytes() -> Int? {
        field("MemTotal:", in: "/proc/meminfo").map { $0 * 1024 }
    }

    /// The number after `name` in a "Name:   1234 kB" file.
    private static func field(_ name: String, in file: String) -> Int? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            return line.dropFirst(name.count).split(separator: " ").first.flatMap { Int($0) }
        }
        return nil
    }
}
