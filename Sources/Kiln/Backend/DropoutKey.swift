/// What fixes a dropout mask: Philox4x32-10 with key (seed, layer) and counter
/// (g / 4, 0, step low 32 bits, step high 32 bits), where g = `elementOffset` + i is the
/// global index of the tensor's element i; element i keeps the word g % 4 of that block, u. The element is kept when u ≥ threshold, with
/// `threshold = UInt32(min(rate · 2^32, 2^32 − 1))` computed in Double by the host, and a
/// kept element is scaled by `1 / (1 − rate)` (inverted dropout; the Float scale is also
/// computed by the host). Integer comparison makes masks bit-identical on every backend.
///
/// `elementOffset` is where the tensor starts in the whole batch: 0 in a one-process run; in
/// a data-parallel run, the rank's first sample in the global batch times the elements per
/// sample, so every sample gets the mask it would get in one process (see `DataParallel`).
public struct DropoutKey: Hashable, Sendable {
    public var seed: UInt32
    public var layer: UInt32
    public var step: UInt64
    public var elementOffset: UInt64
    public init(seed: UInt32, layer: UInt32, step: UInt64, elementOffset: UInt64 = 0) {
        self.seed = seed; self.layer = layer; self.step = step; self.elementOffset = elementOffset
    }

    /// The Philox blocks that cover a tensor of `count` elements: the first block's index and
    /// `lead`, the number of that block's words before the tensor's element 0.
    public func blocks(count: Int) -> (first: Int, lead: Int, count: Int) {
        let lead = Int(elementOffset % 4)
        return (Int(elementOffset / 4), lead, (lead + count + 3) / 4)
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
