import Foundation

/// Which half of a dataset's official split to load.
public enum DatasetSplit: String, Codable, Sendable, CaseIterable {
    case train
    case test
}

/// Finding a dataset's files in a directory.
enum DatasetDirectory {
    /// `directory/name`, or `directory/name.gz` when only the compressed file exists.
    /// Throws `missingFile` naming both spellings, the directory searched, and `hint`; a
    /// `directory` that is something else (a file given to `--data`) is `unreadable`, not a
    /// missing file.
    static func locate(_ name: String, in directory: URL, hint: String) throws(DataError) -> URL {
        if let kind = try? FileKind.of(directory.path, followingLinks: true), kind != .directory {
            throw .unreadable(path: directory.path, reason: "it is \(kind.noun), not a directory of dataset files")
        }
        for candidate in [name, name + ".gz"] {
            let url = directory.appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw .missingFile(name: name + "(.gz)", directory: directory.path, hint: hint)
    }
}
