import Kiln
/// How close a backend's output must be to the CPU reference's, and why.
///
/// A comparison passes when every element is finite and either the normalised RMS error
/// (`Comparison.normalizedRMS`) is within `normalizedRMS` or the largest absolute error is
/// within `absolute` (the fallback for outputs that are all ~0). `exact` demands equal bits.
public struct OpTolerance: Sendable, CustomStringConvertible {
    public var normalizedRMS: Double
    public var absolute: Double
    public var exact: Bool

    public init(normalizedRMS: Double, absolute: Double = 0) {
        self.normalizedRMS = normalizedRMS; self.absolute = absolute; exact = false
    }

    /// Bit-for-bit equality (masks, selections, integer-valued results).
    public static let exact: OpTolerance = {
        var t = OpTolerance(normalizedRMS: 0)
        t.exact = true
        return t
    }()

    /// c·ε·sqrt(K): the error of float32 sums of K terms against a Double reference
    /// (rounding errors of random sign grow like sqrt(K)).
    public static func sum(of k: Int, multiple c: Double, absolute: Double = 0) -> OpTolerance {
        OpTolerance(normalizedRMS: c * Comparison.floatEpsilon * Double(max(k, 1)).squareRoot(), absolute: absolute)
    }

    /// c·ε: element-wise results a few roundings (or a few ulps of a libm function) apart.
    public static func ulps(_ c: Double, absolute: Double = 0) -> OpTolerance {
        OpTolerance(normalizedRMS: c * Comparison.floatEpsilon, absolute: absolute)
    }

    public func passes(_ c: Comparison) -> Bool {
        exact ? !c.lengthMismatch && c.firstNonFinite == nil && c.maxAbsolute == 0
            : c.passes(rms: normalizedRMS, absolute: absolute)
    }

    public var description: String {
        if exact { return "exact" }
        let rms = "nRMS ≤ " + Self.format(normalizedRMS)
        return absolute > 0 ? rms + " or maxAbs ≤ " + Self.format(absolute) : rms
    }

    static func format(_ x: Double) -> String {
        guard x != 0 else { return "0" }
        var exponent = 0
        var m = x
        while m >= 10 { m /= 10; exponent += 1 }
        while m < 1 { m *= 10; exponent -= 1 }
        let mantissa = (m * 100).rounded() / 100
        return "\(mantissa)e\(exponent)"
    }
}
