import Kiln
/// One op on one shape class, run on the reference and on the backend under test with the
/// same seeded inputs, its outputs compared with a tolerance stated (and justified) where
/// the case is written.
public struct OpCheckCase: Sendable, CustomStringConvertible {
    /// "conv2d.backwardData", "maxPool.forward", …
    public let op: String
    /// "batch 1, odd 7x5, stride 2, pad same", …
    public let shape: String
    public let tolerance: OpTolerance
    let body: @Sendable (OpCheckContext) throws -> Void

    public init(_ op: String, _ shape: String, tolerance: OpTolerance,
                body: @escaping @Sendable (OpCheckContext) throws -> Void) {
        self.op = op; self.shape = shape; self.tolerance = tolerance; self.body = body
    }

    public var description: String { "\(op) [\(shape)]" }

    /// Runs the body on both backends and compares every recorded output.
    public func run(reference: any Backend, candidate: any Backend, seed: UInt64 = 0x6B69_6C6E) throws -> OpCheckResult {
        let expected = OpCheckContext(backend: reference, seed: seed)
        try body(expected)
        let actual = OpCheckContext(backend: candidate, seed: seed)
        try body(actual)
        precondition(expected.results.map(\.name) == actual.results.map(\.name), "\(self) recorded different outputs")

        var row = OpCheckResult(op: op, shape: shape, maxAbsolute: 0, maxRelative: 0, normalizedRMS: 0,
                                tolerance: tolerance.description, passed: true, detail: "")
        for (e, a) in zip(expected.results, actual.results) {
            let c = Comparison(try candidate.download(a.tensor), try reference.download(e.tensor))
            row.maxAbsolute = max(row.maxAbsolute, c.maxAbsolute)
            row.maxRelative = max(row.maxRelative, c.maxRelative)
            row.normalizedRMS = max(row.normalizedRMS, c.normalizedRMS)
            let bound = e.tolerance ?? tolerance
            if !bound.passes(c) {
                row.passed = false
                row.detail += (row.detail.isEmpty ? "" : "; ") + "\(e.name): \(c) (needs \(bound))"
            }
        }
        return row
    }
}
