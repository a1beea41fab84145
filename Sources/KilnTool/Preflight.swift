import Foundation
import Kiln

/// Everything a run will write, checked before the run does any work: a bad `--save`,
/// `--report`, `--metrics` or `--curve` path is refused in the first second, not after the
/// training it would have lost. Each path must be new or a regular file, in an existing
/// directory that accepts a new file (`OutputFile.check`); two flags may not name one file.
struct Preflight {
    /// (flag, path) of every output the run writes.
    var outputs: [(flag: String, path: String)]

    func check() throws {
        var seen: [String: String] = [:]
        for (flag, path) in outputs {
            let url = URL(fileURLWithPath: path)
            if let other = seen[url.standardizedFileURL.path] {
                throw PreflightError("\(flag) and \(other) name the same file \(path)")
            }
            seen[url.standardizedFileURL.path] = flag
            do { try OutputFile.check(url) } catch { throw PreflightError("\(flag) \(error)") }
        }
    }
}

struct PreflightError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
