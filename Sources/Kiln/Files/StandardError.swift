import Foundation

/// Writing to standard error without ever trapping: straight to file descriptor 2, failures
/// ignored. With stderr closed or on a full device (`2>/dev/full`) nothing can be said, but
/// that must not turn an error exit or a warning into a crash (`FileHandle.write` traps on
/// EBADF and ENOSPC).
public enum StandardError {
    public static func write(_ text: String) {
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(2, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            done += n
        }
    }
}
