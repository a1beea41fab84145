import Foundation

/// A JSON decoding failure in one line: what was wrong and where (the coding path), instead
/// of Swift's multi-line `DecodingError` dump with its context structure.
public enum DecodingProblem {
    public static func text(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func at(_ c: DecodingError.Context) -> String {
            let path = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return c.debugDescription + (path.isEmpty ? "" : " (at \(path))")
        }
        switch error {
        case let .dataCorrupted(c): return at(c)
        case let .keyNotFound(key, c): return "missing \(key.stringValue)" + (c.codingPath.isEmpty ? "" : " in " + at(c))
        case let .typeMismatch(_, c), let .valueNotFound(_, c): return at(c)
        @unknown default: return "\(error)"
        }
    }
}
