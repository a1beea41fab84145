import Foundation

/// Why a file could not be written. The destination is untouched when this is thrown.
public struct FileWriteError: Error, Equatable, Sendable, LocalizedError, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot write: \(reason)" }
    public var errorDescription: String? { description }
}

/// Replaces a file in one step, so readers (and a crash at any moment) see either the old file
/// or the complete new one, never a partial write:
///
/// 1. write the bytes to a new temporary file in the same directory (same file system, so the
///    rename below is atomic), `.<name>.<pid>.<random>.tmp`, created exclusively;
/// 2. `fsync` it, so the data is on disk before it gets the real name;
/// 3. `rename` it over the destination (POSIX guarantees atomic replacement);
/// 4. `fsync` the directory, so the rename itself survives a power loss (best effort).
///
/// On any failure before step 3 the temporary file is removed and the destination is unchanged.
/// The destination must be nothing yet or a regular file (`OutputFile.checkReplaceable`,
/// checked first and again just before the rename); temporaries left by killed writers are
/// removed first.
public enum AtomicFile {
    /// - Parameter beforeRename: runs after the data is synced and before the rename; tests
    ///   throw from it to simulate a failure at the last moment.
    static func write(_ data: Data, to url: URL, beforeRename: () throws -> Void) throws(FileWriteError) {
        try OutputFile.checkReplaceable(url)
        OutputFile.removeStaleTemporaries(of: url)
        let directory = url.deletingLastPathComponent()
        let temp = temporaryURL(for: url)
        func fail(_ reason: String) -> FileWriteError {
            unlink(temp.path)
            return FileWriteError(path: url.path, reason: reason)
        }
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileWriteError(path: url.path, reason: "cannot create \(temp.path): \(errnoText())") }
        var written = 0
        let ok = data.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                written += n
            }
            return true
        }
        if !ok { let e = errnoText(); close(fd); throw fail("write failed after \(written) bytes: \(e)") }
        if fsync(fd) != 0 { let e = errnoText(); close(fd); throw fail("fsync failed: \(e)") }
        if close(fd) != 0 { throw fail("close failed: \(errnoText())") }
        do { try beforeRename() } catch { throw fail("\(error)") }
        do { try OutputFile.checkReplaceable(url) } catch { throw fail(error.reason) }
        if rename(temp.path, url.path) != 0 { throw fail("rename failed: \(errnoText())") }
        let dirFD = open(directory.path, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 { _ = fsync(dirFD); close(dirFD) }
    }

    /// Writes `data` to `url` atomically (see above).
    public static func write(_ data: Data, to url: URL) throws(FileWriteError) {
        try write(data, to: url, beforeRename: {})
    }

    /// `.<name>.<pid>.<random>.tmp` beside `url`.
    static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: .min ... .max)).tmp")
    }

    /// Same, for text written as UTF-8.
    public static func write(_ text: String, to url: URL) throws(FileWriteError) {
        try write(Data(text.utf8), to: url)
    }

    /// Same, for `value` as JSON, pretty-printed with sorted keys (the reports and settings
    /// files a user reads or diffs).
    public static func writeJSON(_ value: some Encodable, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try write(encoder.encode(value), to: url)
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
