import CZlib
import Foundation

/// Sequential reader over a data file that may be gzip-compressed. Compression is detected from
/// the gzip magic bytes (1F 8B), never from the file name; zlib's `gzread` decompresses gzip
/// and passes plain files through unchanged.
///
/// The readers use it in two steps: `require(_:)` checks that a header's claimed payload can
/// exist before anything is allocated, then `read(exactly:)` fills it in 64 KiB chunks, so memory
/// grows only with bytes actually present. A short stream is `DataError.truncated`.
final class DataFileReader {
    let url: URL
    var path: String { url.path }
    /// Whether the file starts with the gzip magic bytes.
    let isCompressed: Bool
    /// Size of the file on disk in bytes (compressed size for gzip files).
    let fileSize: Int
    /// Bytes delivered so far (decompressed bytes for gzip files).
    private(set) var position = 0
    private let handle: gzFile

    /// The most a deflate stream can expand: 1032:1 (zlib technical details), plus slack for
    /// tiny files. A header claiming more than this from a gzip file cannot be satisfied.
    static let maxDeflateRatio = 1032
    private static let chunk = 1 << 16

    /// Opens `url`; anything but a regular file (a FIFO, a device, a directory) is refused
    /// with its kind named, without blocking.
    init(_ url: URL) throws(DataError) {
        self.url = url
        let opened: (fd: Int32, size: Int)
        do { opened = try InputFile.open(url.path) } catch { throw .unreadable(path: url.path, reason: error.reason) }
        fileSize = opened.size
        var magic: [UInt8] = [0, 0]
        isCompressed = pread(opened.fd, &magic, 2, 0) == 2 && magic == [0x1F, 0x8B]
        guard let gz = gzdopen(opened.fd, "rb") else {
            close(opened.fd)
            throw .unreadable(path: url.path, reason: "zlib cannot open it")
        }
        handle = gz
    }

    deinit { gzclose(handle) }

    /// Throws `truncated` unless `count` more bytes can possibly follow: exactly for plain files,
    /// by the deflate expansion bound for gzip files (the exact check happens while reading).
    func require(_ count: Int) throws(DataError) {
        let available = isCompressed
            ? fileSize.multipliedReportingOverflow(by: Self.maxDeflateRatio).partialValue + 64
            : fileSize - position
        if count > available {
            throw .truncated(path: path, expectedBytes: position + count, availableBytes: fileSize)
        }
    }

    /// The next `count` bytes; `truncated` if the stream ends first.
    func read(exactly count: Int) throws(DataError) -> [UInt8] {
        try require(count)
        let bytes = try read(upTo: count)
        if bytes.count < count {
            throw .truncated(path: path, expectedBytes: position - bytes.count + count, availableBytes: position)
        }
        return bytes
    }

    /// Up to `count` bytes; fewer only at end of stream.
    func read(upTo count: Int) throws(DataError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(count, Self.chunk))
        var chunk = [UInt8](repeating: 0, count: min(count, Self.chunk))
        while out.count < count {
            let want = min(count - out.count, chunk.count)
            let got = chunk.withUnsafeMutableBytes { gzread(handle, $0.baseAddress, UInt32(want)) }
            if got < 0 { throw streamError(expected: position + count, got: position + out.count) }
            if got == 0 {  // end of stream; zlib reports a cut-short gzip file only through gzerror
                if gzipStatus() == Z_BUF_ERROR { throw streamError(expected: position + count, got: position + out.count) }
                break
            }
            out.append(contentsOf: chunk[0..<Int(got)])
        }
        position += out.count
        return out
    }

    /// Throws `trailingData` if any byte follows; `dataBytes` is what the header described.
    func expectEnd(dataBytes: Int) throws(DataError) {
        if try !read(upTo: 1).isEmpty { throw .trailingData(path: path, expectedBytes: dataBytes) }
    }

    private func gzipStatus() -> Int32 {
        var code: Int32 = 0
        _ = gzerror(handle, &code)
        return code
    }

    /// A failed `gzread`: a compressed stream cut short (Z_BUF_ERROR) is `truncated`, anything
    /// else `unreadable` with zlib's message.
    private func streamError(expected: Int, got: Int) -> DataError {
        var code: Int32 = 0
        let message = gzerror(handle, &code).map { String(cString: $0) } ?? "zlib error"
        if code == Z_BUF_ERROR {
            return .truncated(path: path, expectedBytes: expected, availableBytes: got)
        }
        return .unreadable(path: path, reason: "corrupt gzip stream (\(message))")
    }
}

extension Array where Element == UInt8 {
    /// Big-endian unsigned 32-bit integer at `offset` (IDX headers are big-endian).
    func bigEndianUInt32(at offset: Int) -> Int {
        (Int(self[offset]) << 24) | (Int(self[offset + 1]) << 16) | (Int(self[offset + 2]) << 8) | Int(self[offset + 3])
    }
}
