import Foundation

/// Finds a key given twice in one object of a JSON text. `JSONDecoder` keeps one of the two
/// values without a word, so `{"filters": 32, ..., "filters": 64}` would build a model other
/// than the one its author may have read; a model file with a repeated key is refused instead.
enum JSONDuplicateKeys {
    /// The first key that appears a second time in the same object, and the line of that
    /// second appearance. `text` should be valid JSON (parse it first): the scan only tracks
    /// nesting and strings. On other text it returns nil or some key, and never traps.
    static func first(in text: String) -> (key: String, line: Int)? {
        let bytes = Array(text.utf8)
        // One frame per open object (its keys so far) or array (nil).
        var frames: [Set<String>?] = []
        var expectingKey = false, line = 1, i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"): frames.append([]); expectingKey = true
            case UInt8(ascii: "["): frames.append(nil); expectingKey = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard frames.popLast() != nil else { return nil }
                expectingKey = false
            case UInt8(ascii: ","): expectingKey = frames.last.map { $0 != nil } ?? false
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: "\""):
                let start = i
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                guard i < bytes.count else { return nil }
                if expectingKey {
                    expectingKey = false
                    let key = decodedString(bytes[start...i])
                    if frames[frames.count - 1]!.insert(key).inserted == false { return (key, line) }
                }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// A string token's value: escapes (`\"`, `\u0066`, ...) decoded, so spellings of one key
    /// compare equal.
    private static func decodedString(_ token: ArraySlice<UInt8>) -> String {
        let raw = String(decoding: token.dropFirst().dropLast(), as: UTF8.self)
        guard token.contains(UInt8(ascii: "\\")) else { return raw }
        return (try? JSONDecoder().decode([String].self, from: Data("[".utf8) + Data(token) + Data("]".utf8)))?.first ?? raw
    }
}
