import Kiln
/// What a check case's body sees: the backend under test (or the reference), seeded random
/// inputs that are identical on both runs, NaN-poisoned outputs, and a list of results.
public final class OpCheckContext {
    public let backend: any Backend
    private var random: SplitMix64
    private(set) var results: [(name: String, tensor: Tensor, tolerance: OpTolerance?)] = []

    init(backend: any Backend, seed: UInt64) {
        self.backend = backend
        random = SplitMix64(seed: seed)
    }

    /// `count` uniform values in `range` (24-bit, so exactly representable).
    public func values(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * random.nextUniform() }
    }

    /// A uniform integer in 0..<n.
    public func integer(below n: Int) -> Int { random.nextInt(below: n) }

    /// A tensor of uniform values in `range`.
    public func uniform(_ shape: Shape, in range: ClosedRange<Float> = -1...1) throws -> Tensor {
        try backend.makeTensor(shape, values: values(shape.count, in: range))
    }

    /// A tensor holding `values`.
    public func tensor(_ shape: Shape, _ values: [Float]) throws -> Tensor {
        try backend.makeTensor(shape, values: values)
    }

    /// An output the op must overwrite: every element starts as NaN, so one it skips fails
    /// the comparison.
    public func poisoned(_ shape: Shape) throws -> Tensor {
        let t = try backend.makeTensor(shape)
        try backend.fill(t, with: .nan)
        return t
    }

    /// Compares `tensor` after the body returns; `tolerance` overrides the case's.
    public func record(_ name: String, _ tensor: Tensor, tolerance: OpTolerance? = nil) {
        results.append((name, tensor, tolerance))
    }
}
