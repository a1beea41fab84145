import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's memory as Linux reports it, for the "peak resident" and CPU "device memory"
/// columns. Everything here is cheap (a small /proc read or one libc call), so it may be
/// sampled between timed windows.
public enum ProcessMemory {
    /// Peak resident set size (VmHWM of /proc/self/status), in bytes; nil where unavailable.
    public static var peakResidentBytes: Int? { statusField("VmHWM:") }

    /// Current resident set size (VmRSS), in bytes.
    public static var residentBytes: Int? { statusField("VmRSS:") }

    /// Starts a new peak: writing 5 to /proc/self/clear_refs sets VmHWM to the current RSS
    /// (Linux ≥ 4.0), so each batch size gets its own peak instead of the largest so far.
    /// Returns false where the kernel refuses; peaks are then cumulative.
    @discardableResult
    public static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    /// Hands free heap memory back to the kernel (glibc's `malloc_trim(0)`), so a resident
    /// size read next counts memory in use, not blocks an earlier run freed. `malloc.h` is
    /// not part of Swift's Glibc module, hence the lookup by name; a no-op where it is absent.
    public static func releaseFreeHeap() {
        typealias Trim = @convention(c) (Int) -> Int32
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }

    /// A "Key:   1234 kB" line of /proc/self/status, in bytes.
    private static func statusField(_ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return nil }
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 2, let kilobytes = Int(parts[1]) else { return nil }
        return kilobytes * 1024
    }
}
