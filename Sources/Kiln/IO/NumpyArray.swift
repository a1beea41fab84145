import Foundation

/// A float32 array in NumPy's `.npy` format (version 1–3): the magic "\x93NUMPY", a version,
/// a little-endian header length, a Python-dict header
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (N, C, H, W), }` padded with spaces,
/// then the values in C order. Only little-endian float32 in C order is read; anything else
/// is an error that says what the file holds (save with `np.save(p, a.astype('<f4'))`).
public struct NumpyArray: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        self.shape = shape; self.values = values
    }

    public static func read(_ url: URL) throws -> NumpyArray {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try decode([UInt8](data), path: url.path)
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> NumpyArray {
        func fail(_ why: String) -> DataError { .unreadable(path: path, reason: "not a float32 .npy array: \(why)") }
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("no \\x93NUMPY magic") }
        let major = bytes[6]
        let lengthBytes = major == 1 ? 2 : 4
        guard (1...3).contains(major), bytes.count >= 8 + lengthBytes else { throw fail("unknown version \(major)") }
        let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        let start = 8 + lengthBytes
        guard bytes.count >= start + headerLength else { throw fail("the header is cut short") }
        let header = String(decoding: bytes[start..<start + headerLength], as: UTF8.self)
        guard let descr = field("descr", in: header) else { throw fail("no 'descr' in the header") }
        guard descr == "'<f4'" || descr == "'float32'" else {
            throw fail("dtype \(descr); save it as little-endian float32, e.g. np.save(p, a.astype('<f4'))")
        }
        if let order = field("fortran_order", in: header), order != "False" { throw fail("Fortran order; save a C-order array") }
        guard let shapeText = field("shape", in: header), shapeText.hasPrefix("("), shapeText.hasSuffix(")") else {
            throw fail("no 'shape' in the header")
        }
        let dims = shapeText.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.map { Int($0) }
        guard dims.allSatisfy({ ($0 ?? -1) >= 0 }) else { throw fail("shape \(shapeText)") }
        let shape = dims.map { $0! }
        let count = shape.reduce(1, *), dataStart = start + headerLength
        guard bytes.count - dataStart == 4 * count else {
            throw fail("shape \(shape) needs \(4 * count) bytes of data, the file has \(bytes.count - dataStart)")
        }
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { $0.copyBytes(from: bytes[dataStart...]) }
        if UInt32(littleEndian: 1) != 1 { values = values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) } }
        return NumpyArray(shape: shape, values: values)
    }

    /// The text after `'key':` up to the next top-level comma of the header dict.
    private static func field(_ key: String, in header: String) -> String? {
        guard let r = header.range(of: "'\(key)':") else { return nil }
        var depth = 0, out = ""
        for c in header[r.upperBound...] {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if (c == "," || c == "}") && depth == 0 { break }
            out.append(c)
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// The array as `.npy` version 1.0 bytes (header padded to a multiple of 64, as NumPy does).
    public func encoded() -> Data {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let n = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(n & 0xff), UInt8(n >> 8)])
        data.append(contentsOf: Array(header.utf8))
        values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }
}
