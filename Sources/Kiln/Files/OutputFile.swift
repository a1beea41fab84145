import Foundation

/// The checks every file Kiln writes goes through, so a run can refuse a bad output path
/// before it starts working (not after hours of training) and never destroys what is not a
/// plain file of ours:
///
/// - the path must name nothing yet or a regular file: a device node, FIFO, socket,
///   directory or symbolic link is refused, never replaced (`--save /dev/full` as root would
///   otherwise swap the system's device for a regular file);
/// - its directory must exist and accept a new file, tested by creating and removing one
///   (the only test that also holds for root, read-only mounts and full disks' inodes).
public enum OutputFile {
    /// Throws unless `url` can be written the way `AtomicFile` writes. Also removes temporary
    /// files that writers of `url` killed mid-write left behind (see `removeStaleTemporaries`).
    public static func check(_ url: URL) throws(FileWriteError) {
        let directory = url.deletingLastPathComponent()
        let kind: FileKind?
        do { kind = try FileKind.of(directory.path, followingLinks: true) } catch {
            throw FileWriteError(path: url.path, reason: "directory \(directory.path): \(error.reason)")
        }
        guard let kind else { throw FileWriteError(path: url.path, reason: "directory \(directory.path) does not exist") }
        guard kind == .directory else { throw FileWriteError(path: url.path, reason: "\(directory.path) is \(kind.noun), not a directory") }
        try checkReplaceable(url)
        removeStaleTemporaries(of: url)
        let probe = AtomicFile.temporaryURL(for: url)
        let fd = open(probe.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FileWriteError(path: url.path, reason: "cannot create a file in \(directory.path): \(FileProblem.errnoText())")
        }
        close(fd)
        unlink(probe.path)
    }

    /// Throws unless nothing is at `url` or a regular file is.
    static func checkReplaceable(_ url: URL) throws(FileWriteError) {
        let kind: FileKind?
        do { kind = try FileKind.of(url.path) } catch { throw FileWriteError(path: url.path, reason: error.reason) }
        if let kind, kind != .regular {
            throw FileWriteError(path: url.path, reason: "it is \(kind.noun); Kiln replaces only regular files")
        }
    }

    /// Deletes `.NAME.PID.RAND.tmp` files beside `url` whose writer process no longer
    /// exists: what a `kill -9` during an atomic write leaves. Files of live processes (a
    /// concurrent writer) are kept.
    public static func removeStaleTemporaries(of url: URL) {
        let directory = url.deletingLastPathComponent()
        let prefix = "." + url.lastPathComponent + "."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let middle = name.dropFirst(prefix.count).dropLast(4).split(separator: ".")
            guard middle.count == 2, let pid = Int32(middle[0]), UInt32(middle[1]) != nil, pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                let path = directory.appendingPathComponent(name).path
                if (try? FileKind.of(path)) == .regular { unlink(path) }
            }
        }
    }
}
