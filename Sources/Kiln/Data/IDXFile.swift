import Foundation

/// One array from an IDX file, the format of MNIST and Fashion-MNIST (LeCun's page):
///
///     bytes 0–1  zero
///     byte  2    element type: 0x08 unsigned byte (the only one these datasets use)
///     byte  3    number of dimensions d
///     4·d bytes  the dimensions, big-endian UInt32, outermost first
///     then       prod(dims) elements, row-major
///
/// The file may be gzip-compressed (detected from its magic bytes). Reading checks, in order:
/// the magic, the element type, the dimension count, that every dimension is at least 1, that
/// the claimed payload fits in the file and in the memory available (before allocating it),
/// that the payload is complete, and that nothing follows it.
public struct IDXFile: Sendable, Equatable {
    /// The dimensions of what was read: the header's, with the outermost one lowered to the
    /// number of items read when `maxItems` cut the read short.
    public var dims: [Int]
    public var bytes: [UInt8]
    /// The outermost dimension as the header states it.
    public var headerCount: Int

    public init(dims: [Int], bytes: [UInt8], headerCount: Int? = nil) {
        self.dims = dims; self.bytes = bytes; self.headerCount = headerCount ?? dims.first ?? 0
    }

    /// Reads an IDX file of unsigned bytes with exactly `dimensionCount` dimensions.
    /// - Parameters:
    ///   - maxItems: read only the first `maxItems` items (rows of the outermost dimension);
    ///     the rest of the file is neither read nor decompressed, so it is not checked either.
    ///   - memoryPerByte: bytes of memory the caller needs per payload byte (the byte itself
    ///     plus what is built from it); the read is refused when that exceeds what is available.
    public static func read(_ url: URL, dimensionCount: Int, maxItems: Int? = nil,
                            memoryPerByte: Int = 1) throws(DataError) -> IDXFile {
        let file = try DataFileReader(url)
        let path = file.path
        let magic = try file.read(exactly: 4)
        guard magic[0] == 0, magic[1] == 0 else {
            throw .badMagic(path: path, found: hex(magic), expected: "00 00 08 0\(dimensionCount) (IDX, unsigned byte)")
        }
        guard magic[2] == 0x08 else { throw .unsupportedElementType(path: path, code: magic[2]) }
        guard Int(magic[3]) == dimensionCount else {
            throw .dimensionCount(path: path, expected: dimensionCount, found: Int(magic[3]))
        }
        let header = try file.read(exactly: 4 * dimensionCount)
        let dims = (0..<dimensionCount).map { header.bigEndianUInt32(at: 4 * $0) }
        guard dims.allSatisfy({ $0 >= 1 }) else { throw .zeroDimension(path: path, dims: dims) }
        let items = min(dims[0], maxItems ?? .max)
        let itemBytes = CheckedSize.product(dims.dropFirst())
        guard let itemBytes, let count = CheckedSize.product([items, itemBytes]) else {
            throw .truncated(path: path, expectedBytes: Int.max, availableBytes: file.fileSize)
        }
        try file.require(count)
        let needed = CheckedSize.product([count, memoryPerByte])
        if let available = HostMemory.availableBytes(), needed ?? .max > available {
            throw .exceedsMemory(path: path, dims: [items] + dims.dropFirst(), neededBytes: needed, availableBytes: available)
        }
        let bytes = try file.read(exactly: count)
        if items == dims[0] { try file.expectEnd(dataBytes: count) }
        return IDXFile(dims: [items] + dims.dropFirst(), bytes: bytes, headerCount: dims[0])
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02X", $0) }.joined(separator: " ")
    }
}
