import Foundation

/// Named float32 tensors and a string→string metadata map in the Hugging Face safetensors format
/// (https://github.com/huggingface/safetensors), the format of Kiln checkpoints:
///
///     8 bytes   N, the header length, unsigned little-endian
///     N bytes   UTF-8 JSON object: "__metadata__" → {string: string} (optional), and per tensor
///               name → {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}
///     the rest  the data section; offsets are relative to its start, `end` exclusive
///
/// Writing: `__metadata__` first (omitted when empty, keys sorted), then the tensors in the
/// order given, their data packed back to back in that order, little-endian, C order. The
/// header is padded with spaces so that 8 + N is a multiple of 8, keeping the data 8-byte
/// aligned. Reading keeps the header's tensor order and checks everything (see `read(from:)`).
public struct SafeTensorsFile: Sendable, Equatable {
    /// One tensor: its name, shape (outermost first; [] is a scalar) and values in C order.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        public var values: [Float]
        public init(name: String, shape: [Int], values: [Float]) {
            self.name = name; self.shape = shape; self.values = values
        }
    }

    public var tensors: [Entry]
    public var metadata: [String: String]

    /// The format's limit on N, which readers enforce against hostile files.
    public static let maxHeaderSize = 100_000_000
    /// The most tensors a file read by Kiln may hold. A Kiln checkpoint holds a few per
    /// layer; the bound keeps a hostile header of millions of empty tensors from taking
    /// gigabytes while its JSON is parsed.
    public static let maxTensorCount = 100_000
    static let metadataKey = "__metadata__"

    public init(tensors: [Entry], metadata: [String: String] = [:]) {
        self.tensors = tensors; self.metadata = metadata
    }

    public init(tensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String] = [:]) {
        self.init(tensors: tensors.map { Entry(name: $0.name, shape: $0.shape, values: $0.values) }, metadata: metadata)
    }

    /// The tensor called `name`, if any.
    public subscript(name: String) -> Entry? { tensors.first { $0.name == name } }

    /// The file's bytes. Throws `invalidTensor` / `duplicateName` for tensors that cannot be written.
    public func encoded() throws(SafeTensorsError) -> Data {
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(JSONText.quoted($0)):\(JSONText.quoted(metadata[$0]!))" }
            fields.append("\(JSONText.quoted(Self.metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var seen = Set<String>(), offset = 0
        for t in tensors {
            try Self.validate(t)
            guard seen.insert(t.name).inserted else { throw .duplicateName(path: "(writing)", name: t.name) }
            let end = offset + 4 * t.values.count
            let shape = t.shape.map(String.init).joined(separator: ",")
            fields.append("\(JSONText.quoted(t.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        header += [UInt8](repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for t in tensors {
            t.values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Writes the file atomically (temporary file, fsync, rename; see `AtomicFile`): an existing
    /// file at `url` is replaced whole or, on any error, left as it was.
    public func write(to url: URL) throws {
        try AtomicFile.write(encoded(), to: url)
    }

    private static func validate(_ t: Entry) throws(SafeTensorsError) {
        if t.name == metadataKey { throw .invalidTensor(name: t.name, reason: "the name is reserved for metadata") }
        if t.shape.contains(where: { $0 < 0 }) { throw .invalidTensor(name: t.name, reason: "negative dimension in \(t.shape)") }
        if CheckedSize.product(t.shape) != t.values.count {
            throw .invalidTensor(name: t.name, reason: "shape \(t.shape) does not hold \(t.values.count) values")
        }
    }
}
