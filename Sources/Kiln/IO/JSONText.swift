import Foundation

/// The two bits of JSON handling Foundation does not give us: writing a string literal, and
/// recovering the order of an object's keys (JSONSerialization returns an unordered dictionary,
/// but safetensors readers should keep the header's tensor order).
enum JSONText {
    /// `s` as a JSON string literal: quote and backslash escaped, control characters as \u00XX,
    /// everything else (all of Unicode) written as UTF-8.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The keys of the top-level object of `json`, in the order written, duplicates included.
    /// Assumes `json` is valid JSON (check it with JSONSerialization first); returns nil if a key
    /// cannot be decoded. Stops after `limit` keys.
    static func topLevelKeys(_ json: [UInt8], limit: Int = .max) -> [String]? {
        var keys: [String] = []
        var depth = 0, expectKey = false
        var i = 0
        while i < json.count {
            let byte = json[i]
            switch byte {
            case UInt8(ascii: "{"):
                depth += 1
                expectKey = depth == 1
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ","): expectKey = depth == 1
            case UInt8(ascii: "\""):
                let start = i
                i += 1
                while i < json.count && json[i] != UInt8(ascii: "\"") { i += json[i] == UInt8(ascii: "\\") ? 2 : 1 }
                if expectKey {
                    let literal = Data(json[start...min(i, json.count - 1)])
                    guard let key = try? JSONSerialization.jsonObject(with: literal, options: .fragmentsAllowed) as? String
                    else { return nil }
                    keys.append(key)
                    if keys.count >= limit { return keys }
                    expectKey = false
                }
            default: break
            }
            i += 1
        }
        return keys
    }
}
