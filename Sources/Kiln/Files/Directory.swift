import Foundation

/// `mkdir -p` with POSIX reasons in its errors ("Permission denied", "Not a directory"),
/// where FileManager gives a Foundation sentence without the cause.
public enum Directory {
    public static func create(_ path: String) throws(FileProblem) {
        if (try? FileKind.of(path, followingLinks: true)) == .directory { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try create(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw FileProblem(path: path, reason: "cannot create the directory: \(FileProblem.errnoText())")
        }
        guard (try? FileKind.of(path, followingLinks: true)) == .directory else {
            throw FileProblem(path: path, reason: "is not a directory")
        }
    }
}
