import Foundation

/// A JSON document as a value, for model files: decoded with `JSONDecoder` (so numbers and
/// booleans stay apart), written by hand so keys keep the order they were given in and small
/// objects stay on one line.
public indirect enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Keys in order (decoding gives them sorted: `JSONDecoder` does not keep the order).
    case object([(String, JSONValue)])

    public init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            self = .object(try keyed.allKeys.sorted { $0.stringValue < $1.stringValue }.map {
                ($0.stringValue, try keyed.decode(JSONValue.self, forKey: $0))
            })
            return
        }
        if var list = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !list.isAtEnd { items.append(try list.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let b = try? single.decode(Bool.self) { self = .bool(b) }
        else if let d = try? single.decode(Double.self) { self = .number(d) }
        else { self = .string(try single.decode(String.self)) }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)):  // key order does not matter
            x.count == y.count && x.allSatisfy { key, value in y.contains { $0.0 == key && $0.1 == value } }
        default: false
        }
    }

    /// Parses `text`; a syntax error is one line saying what and where. (`JSONDecoder` says
    /// only "The given data was not valid JSON", and reports a number too large for a Double,
    /// 1e999, as a type mismatch; `JSONSerialization` names the fault, such as "Too many
    /// nested arrays or dictionaries around character 517", so it is asked on failure.)
    /// A key given twice in one object is refused too (`JSONDuplicateKeys`).
    public static func parse(_ text: String) throws -> JSONValue {
        // JSON has no raw NUL, but the decoders guess the encoding from where the first bytes
        // hold NULs (00 00 00 32 reads as UTF-32 "2"), so the UTF-8 text the rest of the
        // parse sees would not be the text they judged.
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[..<nul].count { $0 == UInt8(ascii: "\n") } + 1
            throw ModelFileError(path: "", message: "not valid JSON: a NUL character on line \(line) (JSON text has none outside escapes)")
        }
        let data = Data(text.utf8)
        do {
            let value = try JSONDecoder().decode(JSONValue.self, from: data)
            if let repeated = JSONDuplicateKeys.first(in: text) {
                throw ModelFileError(path: "", message: "key \(repeated.key.debugDescription) appears twice in one object "
                                         + "(line \(repeated.line)); each key may be given once")
            }
            return value
        } catch let error as ModelFileError {
            throw error
        } catch {
            var why = DecodingProblem.text(error)
            do { _ = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) } catch let e as NSError {
                why = e.userInfo[NSDebugDescriptionErrorKey] as? String ?? why
            }
            throw ModelFileError(path: "", message: "not valid JSON: \(why)")
        }
    }

    static func int(_ v: Int) -> JSONValue { .number(Double(v)) }
    /// A Float as the Double its shortest text reads as (0.3, not 0.30000001192092896), so a
    /// written and re-read file compares equal to the original.
    static func float(_ v: Float) -> JSONValue { .number(Double("\(v)") ?? Double(v)) }
    static func ints(_ v: [Int]) -> JSONValue { .array(v.map(int)) }

    /// Written with two-space indentation; an object or array of scalars only goes on one line.
    public func text(indent: String = "") -> String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return Self.format(d)
        case .string(let s): return JSONText.quoted(s)
        case .array(let items):
            if items.allSatisfy(\.isFlat) { return "[" + items.map { $0.text() }.joined(separator: ", ") + "]" }
            let inner = indent + "  "
            return "[\n" + items.map { inner + $0.text(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let pairs):
            if pairs.allSatisfy(\.1.isFlat) {
                return "{" + pairs.map { "\(JSONText.quoted($0.0)): \($0.1.text())" }.joined(separator: ", ") + "}"
            }
            let inner = indent + "  "
            return "{\n" + pairs.map { "\(inner)\(JSONText.quoted($0.0)): \($0.1.text(indent: inner))" }.joined(separator: ",\n")
                + "\n\(indent)}"
        }
    }

    /// An array of scalars, or an object of scalars and such arrays (a layer's settings).
    private var isFlat: Bool {
        switch self {
        case .array(let items): items.allSatisfy(\.isScalar)
        case .object(let pairs): pairs.allSatisfy { $0.1.isScalar || ($0.1.isFlat && !$0.1.isObject) }
        default: true
        }
    }

    private var isObject: Bool { if case .object = self { true } else { false } }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// Integers as integers; other numbers as the shortest text that reads back as the same
    /// Float when they are Floats (every layer setting is), else as the Double.
    private static func format(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        let f = Float(d)
        return Double(f) == d ? "\(f)" : "\(d)"
    }
}
