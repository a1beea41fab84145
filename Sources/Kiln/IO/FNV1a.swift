/// FNV-1a, 64 bit: the cache key and the cache files' checksum. Not cryptographic; it only
/// has to tell different sources, options and drivers apart, and spot a torn file.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
    }

    /// Adds a string and a separator, so ("ab", "c") and ("a", "bc") differ.
    mutating func add(_ string: String) {
        add(string.utf8)
        add([0])
    }

    static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var h = FNV1a()
        h.add(bytes)
        return h.value
    }
}
