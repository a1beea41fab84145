/// What fixes a dropout mask: Philox4x32-10 with key (seed, layer) and counter
/// (element / 4, 0, step low 32 bits, step high 32 bits); element i keeps the word i % 4 of
/// that block, u. The element is kept when u ≥ threshold, with
/// `threshold = UInt32(min(rate · 2^32, 2^32 − 1))` computed in Double by the host, and a
/// kept element is scaled by `1 / (1 − rate)` (inverted dropout; the Float scale is also
/// computed by the host). Integer comparison makes masks bit-identical on every backend.
public struct DropoutKey: Hashable, Sendable {
    public var seed: UInt32
    public var layer: UInt32
    public var step: UInt64
    public init(seed: UInt32, layer: UInt32, step: UInt64) {
        self.seed = seed; self.layer = layer; self.step = step
    }
}

/// The rate-derived constants every backend uses for dropout (see `DropoutKey`).
public struct DropoutRate: Hashable, Sendable {
    public let rate: Float
    public let threshold: UInt32
    public let scale: Float
    public init(_ rate: Float) {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1)")
        self.rate = rate
        self.threshold = UInt32(min((Double(rate) * 4294967296.0).rounded(.down), 4294967295.0))
        self.scale = Float(1.0 / (1.0 - Double(rate)))
    }
}
