import Kiln
/// One row of `kiln check`: an op on one shape class, its worst error over the outputs it
/// writes, and whether every output was within tolerance.
public struct OpCheckResult: Sendable, CustomStringConvertible {
    public var op: String
    public var shape: String
    public var maxAbsolute: Double
    public var maxRelative: Double
    public var normalizedRMS: Double
    public var tolerance: String
    public var passed: Bool
    /// For a failure: which output, and how it differs.
    public var detail: String

    public var description: String {
        let errors = "maxAbs \(OpTolerance.format(maxAbsolute)) maxRel \(OpTolerance.format(maxRelative))"
            + " nRMS \(OpTolerance.format(normalizedRMS))"
        return "\(passed ? "ok  " : "FAIL") \(op) [\(shape)] \(errors) (\(tolerance))"
            + (detail.isEmpty ? "" : ": " + detail)
    }
}
