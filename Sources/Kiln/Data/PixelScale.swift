/// How stored 8-bit pixels become floats.
public enum PixelScale: String, Codable, Sendable, CaseIterable {
    /// x = byte / 255, so pixels lie in [0, 1] (the default, as `ToTensor` in torchvision).
    case unit
    /// x = byte, pixels stay in [0, 255] (as Keras's `load_data` returns them).
    case raw

    /// The bytes as floats under this scale.
    public func floats(_ bytes: [UInt8]) -> [Float] {
        switch self {
        case .unit: bytes.map { Float($0) / 255 }
        case .raw: bytes.map { Float($0) }
        }
    }
}
