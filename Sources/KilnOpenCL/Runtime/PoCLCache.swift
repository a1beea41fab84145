import Foundation
import Kiln

/// PoCL compiles kernels into its own cache directory (POCL_CACHE_DIR, else
/// $XDG_CACHE_HOME/pocl, else ~/.cache/pocl) and, when it cannot write there, reports no
/// devices at all. This names that cause, so "no OpenCL device found" comes with the fix.
enum PoCLCache {
    /// The directory PoCL will use.
    static var directory: String? {
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment["POCL_CACHE_DIR"], !dir.isEmpty { return dir }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/pocl" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/pocl" }
        return nil
    }

    /// One sentence when PoCL's cache directory cannot be created or written, else nil.
    static func problem() -> String? {
        guard let directory else { return nil }
        var reason: String?
        do {
            try Directory.create(directory)
            let probe = directory + "/.kiln-probe-\(getpid())"
            let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 { close(fd); unlink(probe) } else { reason = String(cString: strerror(errno)) }
        } catch {
            reason = error.description
        }
        guard let reason else { return nil }
        return "PoCL cannot write its kernel cache \(directory) (\(reason)) and then lists no devices; "
            + "set POCL_CACHE_DIR to a writable directory (e.g. POCL_CACHE_DIR=/tmp/pocl-cache)"
    }
}
