import Foundation

/// What kind of file system object a path is, named for error messages. Kiln reads and
/// replaces only regular files: a FIFO would block a reader forever, and replacing a device
/// node, socket or symbolic link by a regular file would destroy something that is not ours.
public enum FileKind: Equatable, Sendable {
    case regular, directory, fifo, characterDevice, blockDevice, socket, symbolicLink, other

    /// The kind from `st_mode`.
    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFIFO: self = .fifo
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFSOCK: self = .socket
        case S_IFLNK: self = .symbolicLink
        default: self = .other
        }
    }

    /// The kind of `path` (`lstat`: a symbolic link is itself), or nil when nothing is there.
    /// Any other `lstat` failure is thrown as its `strerror` text.
    public static func of(_ path: String, followingLinks: Bool = false) throws(FileProblem) -> FileKind? {
        var st = stat()
        let rc = followingLinks ? stat(path, &st) : lstat(path, &st)
        if rc != 0 {
            if errno == ENOENT { return nil }
            throw FileProblem(path: path, reason: FileProblem.errnoText())
        }
        return FileKind(mode: st.st_mode)
    }

    /// "a FIFO (named pipe)", "a directory", …
    public var noun: String {
        switch self {
        case .regular: return "a regular file"
        case .directory: return "a directory"
        case .fifo: return "a FIFO (named pipe)"
        case .characterDevice: return "a character device"
        case .blockDevice: return "a block device"
        case .socket: return "a socket"
        case .symbolicLink: return "a symbolic link"
        case .other: return "not a regular file"
        }
    }
}

/// A file that cannot be used, in one line: the path, then what is wrong.
public struct FileProblem: Error, Equatable, Sendable, LocalizedError, CustomStringConvertible {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(path): \(reason)" }
    public var errorDescription: String? { description }

    static func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}
