import Kiln
import Foundation

/// How far `actual` is from `reference`, the one measure every test and `kiln check` uses.
///
///     maxAbsolute  = max_i |a_i − r_i|
///     maxRelative  = max_i |a_i − r_i| / max(|r_i|, floor)
///     normalizedRMS = sqrt(Σ (a_i − r_i)²) / max(sqrt(Σ r_i²), tiny)
///
/// `normalizedRMS` is the one to bound for reductions: a float32 sum of K terms carries
/// an error of roughly ε·sqrt(K)·‖r‖, so tolerances are written as `multiple · ε · sqrt(K)`.
/// Any NaN or infinity in `actual` (an unwritten, poisoned element shows up this way), or a
/// length mismatch, makes the comparison fail whatever the tolerance.
public struct Comparison: Sendable, CustomStringConvertible {
    public let count: Int
    public let maxAbsolute: Double
    public let maxRelative: Double
    public let normalizedRMS: Double
    /// Index of the first non-finite element of `actual`, if any.
    public let firstNonFinite: Int?
    public let lengthMismatch: Bool

    /// float32 machine epsilon, 2^−23.
    public static let floatEpsilon = Double(Float.ulpOfOne)

    /// - Parameter floor: smallest |reference| used as a divisor for `maxRelative`.
    public init(_ actual: [Float], _ reference: [Float], floor: Double = 1e-3) {
        count = reference.count
        lengthMismatch = actual.count != reference.count
        var maxAbs = 0.0, maxRel = 0.0, diff2 = 0.0, ref2 = 0.0
        var bad: Int? = nil
        for i in 0..<min(actual.count, reference.count) {
            let a = Double(actual[i]), r = Double(reference[i])
            if !a.isFinite {
                if bad == nil { bad = i }
                continue
            }
            let d = abs(a - r)
            maxAbs = max(maxAbs, d)
            maxRel = max(maxRel, d / max(abs(r), floor))
            diff2 += d * d
            ref2 += r * r
        }
        maxAbsolute = maxAbs
        maxRelative = maxRel
        normalizedRMS = diff2.squareRoot() / max(ref2.squareRoot(), 1e-30)
        firstNonFinite = bad
    }

    /// True when lengths match, every element is finite, and the error is within either
    /// bound: normalised RMS ≤ `rms` or max absolute ≤ `absolute` (for all-zero references).
    public func passes(rms: Double, absolute: Double = 0) -> Bool {
        !lengthMismatch && firstNonFinite == nil && (normalizedRMS <= rms || maxAbsolute <= absolute)
    }

    /// Element-wise closeness: |a − r| ≤ absolute + relative·|r| for every element.
    public func passesElementwise(absolute: Double, relative: Double, _ actual: [Float], _ reference: [Float]) -> Bool {
        guard !lengthMismatch, firstNonFinite == nil else { return false }
        return zip(actual, reference).allSatisfy { a, r in
            abs(Double(a) - Double(r)) <= absolute + relative * abs(Double(r))
        }
    }

    public var description: String {
        if lengthMismatch { return "length mismatch" }
        if let i = firstNonFinite { return "non-finite value at element \(i)" }
        return "maxAbs \(fmt(maxAbsolute)) maxRel \(fmt(maxRelative)) nRMS \(fmt(normalizedRMS))"
    }
    private func fmt(_ x: Double) -> String {
        x == 0 ? "0" : String(format: "%.2e", x)
    }
}
