/// Typed reads from one JSON object of a model file, each error naming the JSON path of the
/// fault. `finish()` rejects keys nobody read, so a misspelt setting is an error rather than
/// a silently ignored default.
struct JSONFields {
    let path: String
    private let values: [String: JSONValue]
    private(set) var read: Set<String> = []

    init(_ value: JSONValue, path: String) throws {
        guard case .object(let pairs) = value else { throw ModelFileError(path: path, message: "expected an object") }
        self.path = path
        values = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
    }

    func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String, _ message: String) -> ModelFileError { ModelFileError(path: at(key), message: message) }

    /// The raw value, or nil when absent (or null).
    mutating func value(_ key: String) -> JSONValue? {
        read.insert(key)
        if let v = values[key], v != .null { return v }
        return nil
    }

    /// Whether `key` is given (not absent, not null), without marking it read.
    func peek(_ key: String) -> Bool { values[key].map { $0 != .null } ?? false }

    mutating func required(_ key: String, _ what: String) throws -> JSONValue {
        guard let v = value(key) else { throw error(key, "missing (expected \(what))") }
        return v
    }

    static func int(_ v: JSONValue, at path: String) throws -> Int {
        guard case .number(let d) = v, d == d.rounded() else { throw ModelFileError(path: path, message: "expected an integer") }
        guard abs(d) < 1e9 else { throw ModelFileError(path: path, message: "\(String(format: "%.0f", d)) is out of range") }
        return Int(d)
    }

    static func float(_ v: JSONValue, at path: String) throws -> Float {
        guard case .number(let d) = v, Float(d).isFinite else { throw ModelFileError(path: path, message: "expected a number") }
        return Float(d)
    }

    static func string(_ v: JSONValue, at path: String) throws -> String {
        guard case .string(let s) = v else { throw ModelFileError(path: path, message: "expected a string") }
        return s
    }

    static func array(_ v: JSONValue, at path: String, _ what: String) throws -> [JSONValue] {
        guard case .array(let items) = v else { throw ModelFileError(path: path, message: "expected \(what)") }
        return items
    }

    mutating func int(_ key: String) throws -> Int { try Self.int(required(key, "an integer"), at: at(key)) }
    mutating func int(_ key: String, default d: Int) throws -> Int { try value(key).map { try Self.int($0, at: at(key)) } ?? d }
    mutating func float(_ key: String) throws -> Float { try Self.float(required(key, "a number"), at: at(key)) }
    mutating func float(_ key: String, default d: Float) throws -> Float {
        try value(key).map { try Self.float($0, at: at(key)) } ?? d
    }
    mutating func string(_ key: String, default d: String) throws -> String {
        try value(key).map { try Self.string($0, at: at(key)) } ?? d
    }
    mutating func bool(_ key: String, default d: Bool) throws -> Bool {
        guard let v = value(key) else { return d }
        guard case .bool(let b) = v else { throw error(key, "expected true or false") }
        return b
    }

    /// A size given as one integer (both dimensions) or as [height, width].
    mutating func pair(_ key: String, default d: (Int, Int)?) throws -> (Int, Int) {
        guard let v = value(key) else {
            if let d { return d }
            throw error(key, "missing (expected an integer or [height, width])")
        }
        if case .array(let items) = v {
            guard items.count == 2 else { throw error(key, "expected an integer or [height, width]") }
            return (try Self.int(items[0], at: at(key) + "[0]"), try Self.int(items[1], at: at(key) + "[1]"))
        }
        let n = try Self.int(v, at: at(key))
        return (n, n)
    }

    /// One of `options` (a string).
    mutating func choice<T>(_ key: String, _ options: [String: T], default d: T) throws -> T {
        guard let v = value(key) else { return d }
        let s = try Self.string(v, at: at(key))
        guard let t = options[s] else {
            throw error(key, "unknown value \"\(s)\"; expected one of \(options.keys.sorted().joined(separator: ", "))")
        }
        return t
    }

    /// Fails on a key that was not read: "layers[2].kernalSize: unknown setting for Conv2D
    /// (known: activation, filters, …)".
    func finish(_ owner: String) throws {
        let unknown = values.keys.filter { !read.contains($0) }.sorted()
        guard let first = unknown.first else { return }
        throw error(first, "unknown setting for \(owner) (known: \(read.sorted().joined(separator: ", ")))")
    }
}
