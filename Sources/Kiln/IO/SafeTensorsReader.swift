import Foundation

extension SafeTensorsFile {
    /// Reads and checks a safetensors file. Beyond JSON validity it checks, before touching any
    /// tensor data: the header length against the file size and the 100 MB limit; that the
    /// header is an object whose first non-space byte is `{`; no duplicate names; every entry
    /// has dtype "F32", a shape of non-negative integers and two data_offsets with
    /// begin ≤ end ≤ data size; end − begin = 4·prod(shape); ranges do not overlap; and every
    /// data byte belongs to some tensor (no gaps, nothing after the last), as the reference
    /// implementation requires. Tensors come back in header order.
    /// Anything but a regular file is refused with its kind named; a file larger than the
    /// memory available for it (its bytes and the tensors built from them) is refused unread.
    public static func read(from url: URL) throws(SafeTensorsError) -> SafeTensorsFile {
        let bytes: [UInt8]
        do { bytes = try InputFile.readAll(url.path, memoryFactor: 2) } catch {
            throw .unreadable(path: url.path, reason: error.reason)
        }
        return try decode(bytes, path: url.path)
    }

    /// Parses the bytes of a safetensors file; `path` names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws(SafeTensorsError) -> SafeTensorsFile {
        guard bytes.count >= 8 else { throw .truncated(path: path, size: bytes.count) }
        let length = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(maxHeaderSize), 8 + Int(length) <= bytes.count else {
            throw .badHeaderLength(path: path, length: length, fileSize: bytes.count)
        }
        let header = Array(bytes[8 ..< 8 + Int(length)])
        let (object, names) = try parseHeader(header, path: path)
        let dataStart = 8 + Int(length), dataSize = bytes.count - dataStart
        var metadata: [String: String] = [:]
        var entries: [(name: String, shape: [Int], range: Range<Int>)] = []
        for name in names {
            if name == metadataKey {
                guard let map = object[name] as? [String: String] else {
                    throw .invalidEntry(path: path, name: name, reason: "must map strings to strings")
                }
                metadata = map
                continue
            }
            let (shape, range) = try parseEntry(object[name], name: name, path: path, dataSize: dataSize)
            entries.append((name, shape, range))
        }
        try checkCoverage(entries.map { ($0.name, $0.range) }, dataSize: dataSize, path: path)
        let tensors = entries.map { e in
            Entry(name: e.name, shape: e.shape, values: floats(bytes, from: dataStart + e.range.lowerBound, count: e.range.count / 4))
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    /// The header as a dictionary plus its keys in written order.
    private static func parseHeader(_ header: [UInt8], path: String) throws(SafeTensorsError) -> ([String: Any], [String]) {
        guard header.first == UInt8(ascii: "{") else {
            throw .invalidJSON(path: path, reason: "the header must start with '{'")
        }
        guard String(validating: header, as: UTF8.self) != nil else {
            throw .invalidJSON(path: path, reason: "the header is not UTF-8")
        }
        // Counted before JSONSerialization builds a dictionary per entry: a header of a
        // million tiny entries would otherwise take gigabytes.
        if let keys = JSONText.topLevelKeys(header, limit: maxTensorCount + 2), keys.count > maxTensorCount + 1 {
            throw .tooManyTensors(path: path, limit: maxTensorCount)
        }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: Data(header)) } catch {
            throw .invalidJSON(path: path, reason: "\(error.localizedDescription)")
        }
        guard let object = parsed as? [String: Any], let names = JSONText.topLevelKeys(header) else {
            throw .invalidJSON(path: path, reason: "the top level must be an object")
        }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted { throw .duplicateName(path: path, name: name) }
        return (object, names)
    }

    /// One tensor's shape and byte range (relative to the data section), checked.
    private static func parseEntry(_ value: Any?, name: String, path: String,
                                   dataSize: Int) throws(SafeTensorsError) -> ([Int], Range<Int>) {
        guard let entry = value as? [String: Any] else {
            throw .invalidEntry(path: path, name: name, reason: "must be an object with dtype, shape and data_offsets")
        }
        guard let dtype = entry["dtype"] as? String else { throw .invalidEntry(path: path, name: name, reason: "missing dtype") }
        guard dtype == "F32" else { throw .unsupportedDtype(path: path, name: name, dtype: dtype) }
        guard let shape = integers(entry["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw .invalidEntry(path: path, name: name, reason: "shape must be a list of non-negative integers")
        }
        guard let offsets = integers(entry["data_offsets"]), offsets.count == 2 else {
            throw .invalidEntry(path: path, name: name, reason: "data_offsets must be two integers [begin, end]")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, begin <= end, end <= dataSize else {
            throw .offsetsOutOfRange(path: path, name: name, begin: begin, end: end, dataSize: dataSize)
        }
        guard let count = CheckedSize.product(shape), count.multipliedReportingOverflow(by: 4) == (end - begin, false) else {
            throw .shapeMismatch(path: path, name: name, shape: shape, bytes: end - begin)
        }
        return (shape, begin ..< end)
    }

    /// Sorted by offset, the ranges must tile 0..<dataSize exactly.
    private static func checkCoverage(_ ranges: [(String, Range<Int>)], dataSize: Int, path: String) throws(SafeTensorsError) {
        var cursor = 0, previous = ""
        for (name, range) in ranges.sorted(by: { ($0.1.lowerBound, $0.1.upperBound) < ($1.1.lowerBound, $1.1.upperBound) }) {
            if range.lowerBound < cursor { throw .overlapping(path: path, name: name, other: previous) }
            if range.lowerBound > cursor { throw .unusedBytes(path: path, begin: cursor, end: range.lowerBound) }
            if !range.isEmpty { (cursor, previous) = (range.upperBound, name) }
        }
        if cursor != dataSize { throw .unusedBytes(path: path, begin: cursor, end: dataSize) }
    }

    private static func integers(_ value: Any?) -> [Int]? {
        guard let list = value as? [Any] else { return nil }
        let ints = list.compactMap { ($0 as? NSNumber).flatMap { Int(exactly: $0.doubleValue) } }
        return ints.count == list.count ? ints : nil
    }

    private static func floats(_ bytes: [UInt8], from start: Int, count: Int) -> [Float] {
        bytes.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self))) }
        }
    }
}
