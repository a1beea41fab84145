import Foundation

/// Why a data file could not be read. Every case names the file and says, in one line, what is
/// wrong with it, so a user can act on the message without a debugger. Readers throw these
/// instead of crashing or silently using part of a file.
public enum DataError: Error, Equatable, Sendable, LocalizedError, CustomStringConvertible {
    /// A required file is absent. `directory` is where it was looked for; `hint` says where to
    /// get it (for instance the Debian package that installs it).
    case missingFile(name: String, directory: String, hint: String)
    /// The file exists but could not be opened or decompressed.
    case unreadable(path: String, reason: String)
    /// The first bytes are not the format's magic number.
    case badMagic(path: String, found: String, expected: String)
    /// An IDX file whose element type is not unsigned byte (0x08).
    case unsupportedElementType(path: String, code: UInt8)
    /// An IDX file with the wrong number of dimensions (3 for images, 1 for labels).
    case dimensionCount(path: String, expected: Int, found: Int)
    /// The image file and the label file disagree on the number of samples.
    case countMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)
    /// A label outside 0..<classCount.
    case labelOutOfRange(path: String, index: Int, label: Int, classCount: Int)
    /// The header promises more bytes than the file holds (checked before allocating them).
    /// Byte counts include the header and are of decompressed data; for a claim no gzip file of
    /// this size could hold, `availableBytes` is the compressed size.
    case truncated(path: String, expectedBytes: Int, availableBytes: Int)
    /// An IDX header with a dimension of 0 (such a file holds no usable sample).
    case zeroDimension(path: String, dims: [Int])
    /// The data would need more memory than the process can get; `neededBytes` is nil when
    /// the size overflows.
    case exceedsMemory(path: String, dims: [Int], neededBytes: Int?, availableBytes: Int)
    /// Bytes follow the data the header describes.
    case trailingData(path: String, expectedBytes: Int)
    /// A CIFAR-10 batch whose size is not a whole number of 3073-byte records.
    case recordSize(path: String, size: Int, recordSize: Int)

    public var description: String {
        switch self {
        case let .missingFile(name, directory, hint):
            return "missing file \(name) in \(directory); \(hint)"
        case let .unreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .badMagic(path, found, expected):
            return "\(path): bad magic number \(found), expected \(expected)"
        case let .unsupportedElementType(path, code):
            return "\(path): wrong element type 0x\(String(code, radix: 16, uppercase: true)), "
                + "only unsigned byte (0x08) is supported"
        case let .dimensionCount(path, expected, found):
            return "\(path): dimension count mismatch: \(found) dimensions, expected \(expected)"
        case let .countMismatch(imagesPath, images, labelsPath, labels):
            return "image/label count mismatch: \(imagesPath) holds \(images) images "
                + "but \(labelsPath) holds \(labels) labels"
        case let .labelOutOfRange(path, index, label, classCount):
            return "\(path): label \(label) at index \(index) is not below the class count \(classCount)"
        case let .truncated(path, expected, available):
            return "\(path): truncated file: its header implies \(expected) bytes (after decompression) "
                + "but only \(available) are there"
        case let .zeroDimension(path, dims):
            return "\(path): dimensions \(dims.map(String.init).joined(separator: "×")) include a 0; every dimension must be at least 1"
        case let .exceedsMemory(path, dims, needed, available):
            return "\(path): loading its \(dims.map(String.init).joined(separator: "×")) values needs ~\(ByteCount(needed)) of memory "
                + "but \(ByteCount(available)) is available; load fewer samples (kiln: --limit N)"
        case let .trailingData(path, expected):
            return "\(path): trailing garbage after the \(expected) bytes of data the header describes"
        case let .recordSize(path, size, recordSize):
            return "\(path): file size \(size) is not a multiple of the \(recordSize)-byte record size"
        }
    }

    public var errorDescription: String? { description }
}
