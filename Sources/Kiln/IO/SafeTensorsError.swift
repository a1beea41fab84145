import Foundation

/// Why a safetensors file could not be read or written; every case names the file (or, for
/// writing, the tensor) and the fault in one line.
public enum SafeTensorsError: Error, Equatable, Sendable, LocalizedError, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file is shorter than the 8-byte header length.
    case truncated(path: String, size: Int)
    /// The header length is larger than the file, or larger than the 100 MB limit of the format.
    case badHeaderLength(path: String, length: UInt64, fileSize: Int)
    /// The header is not UTF-8 JSON whose top level is an object.
    case invalidJSON(path: String, reason: String)
    /// A header entry lacks a field or has one of the wrong kind.
    case invalidEntry(path: String, name: String, reason: String)
    /// A tensor whose dtype is not F32 (Kiln keeps float32 only).
    case unsupportedDtype(path: String, name: String, dtype: String)
    /// A tensor's byte range does not fit in the data section.
    case offsetsOutOfRange(path: String, name: String, begin: Int, end: Int, dataSize: Int)
    /// Two tensors' byte ranges overlap.
    case overlapping(path: String, name: String, other: String)
    /// A byte range's length does not match its shape (4 bytes per element).
    case shapeMismatch(path: String, name: String, shape: [Int], bytes: Int)
    /// Bytes of the data section belong to no tensor (a gap between tensors, or after the last).
    case unusedBytes(path: String, begin: Int, end: Int)
    /// The same tensor name appears twice (in a header being read, or in tensors being written).
    case duplicateName(path: String, name: String)
    /// The header lists more tensors than `SafeTensorsFile.maxTensorCount`.
    case tooManyTensors(path: String, limit: Int)
    /// A tensor handed to the writer whose values do not match its shape, or has a reserved name.
    case invalidTensor(name: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .truncated(path, size):
            return "\(path): truncated file: \(size) bytes, shorter than the 8-byte header length"
        case let .badHeaderLength(path, length, fileSize):
            return "\(path): bad header length \(length) for a file of \(fileSize) bytes"
                + (length > UInt64(SafeTensorsFile.maxHeaderSize) ? " (limit 100 MB)" : " (file truncated?)")
        case let .invalidJSON(path, reason):
            return "\(path): header is not valid JSON: \(reason)"
        case let .invalidEntry(path, name, reason):
            return "\(path): header entry \(JSONText.quoted(name)): \(reason)"
        case let .unsupportedDtype(path, name, dtype):
            return "\(path): tensor \(JSONText.quoted(name)) has dtype \(dtype); only F32 is supported"
        case let .offsetsOutOfRange(path, name, begin, end, dataSize):
            return "\(path): tensor \(JSONText.quoted(name)) data_offsets [\(begin), \(end)] out of range "
                + "of the \(dataSize)-byte data section (file truncated?)"
        case let .overlapping(path, name, other):
            return "\(path): tensors \(JSONText.quoted(other)) and \(JSONText.quoted(name)) have overlapping data_offsets"
        case let .shapeMismatch(path, name, shape, bytes):
            return "\(path): tensor \(JSONText.quoted(name)) shape \(shape) needs "
                + "\(CheckedSize.text(CheckedSize.product(shape + [4]))) bytes but data_offsets span \(bytes)"
        case let .tooManyTensors(path, limit):
            return "\(path): the header lists more than \(limit) tensors; Kiln reads at most \(limit)"
        case let .unusedBytes(path, begin, end):
            return "\(path): data bytes [\(begin), \(end)) belong to no tensor"
        case let .duplicateName(path, name):
            return "\(path): duplicate tensor name \(JSONText.quoted(name))"
        case let .invalidTensor(name, reason):
            return "tensor \(JSONText.quoted(name)): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
