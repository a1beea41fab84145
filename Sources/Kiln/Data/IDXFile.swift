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
/// the magic, the element type, the dimension count, that the claimed payload fits in the file
/// (before allocating it), that the payload is complete, and that nothing follows it.
public struct IDXFile: Sendable, Equatable {
    public var dims: [Int]
    public var bytes: [UInt8]

    /// Reads an IDX file of unsigned bytes with exactly `dimensionCount` dimensions.
    public static func read(_ url: URL, dimensionCount: Int) throws(DataError) -> IDXFile {
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
        let (count, overflow) = dims.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d)
            return (p, acc.1 || o)
        }
        if overflow { throw .truncated(path: path, expectedBytes: Int.max, availableBytes: file.fileSize) }
        let bytes = try file.read(exactly: count)
        try file.expectEnd(dataBytes: count)
        return IDXFile(dims: dims, bytes: bytes)
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02X", $0) }.joined(separator: " ")
    }
}
