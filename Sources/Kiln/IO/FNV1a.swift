/// FNV-1a, 64 bit: the OpenCL program cache's key and checksum, and the fingerprint that
/// checks data-parallel ranks start from the same weights. Not cryptographic; it only has to
/// tell different sources, options, drivers and weights apart, and spot a torn file.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
    }

    /// Adds a string and a separator, so ("ab", "c") and ("a", "bc") differ.
    public mutating func add(_ string: String) {
        add(string.utf8)
        add([0])
    }

    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var h = FNV1a()
        h.add(bytes)
        return h.value
    }
}
