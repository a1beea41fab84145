import Foundation

/// A linear axis for the loss-curve plot: a range widened to whole "nice" ticks
/// (1, 2 or 5 × 10^k apart, about `targetTicks` of them) that contains every value.
struct PlotAxis {
    let lo: Double
    let hi: Double
    let step: Double
    let ticks: [Double]

    /// - Parameters:
    ///   - values: finite data values (at least one).
    ///   - integerStep: steps of at least 1 (epoch axes).
    init(covering values: [Double], targetTicks: Int = 5, integerStep: Bool = false) {
        var minV = values.min() ?? 0, maxV = values.max() ?? 1
        if minV == maxV {  // one value, or all equal: open a window around it
            let pad = integerStep ? 1 : max(abs(minV) * 0.1, 0.05)
            (minV, maxV) = (minV - pad, maxV + pad)
        }
        var step = Self.niceStep((maxV - minV) / Double(max(1, targetTicks - 1)))
        if integerStep { step = max(1, step.rounded(.up)) }
        let lo = (minV / step).rounded(.down) * step, hi = (maxV / step).rounded(.up) * step
        let n = Int(((hi - lo) / step).rounded())
        (self.lo, self.hi, self.step) = (lo, hi, step)
        ticks = (0...n).map { lo + Double($0) * step }
    }

    /// Fraction of the way from `lo` to `hi`.
    func fraction(_ v: Double) -> Double { (v - lo) / (hi - lo) }

    /// A tick label with just enough decimals for the step.
    func label(_ v: Double) -> String {
        let decimals = max(0, Int((-log10(step)).rounded(.up)))
        return String(format: "%.\(decimals)f", abs(v) < step / 1e6 ? 0 : v)
    }

    /// The smallest of 1, 2, 5 × 10^k that is ≥ `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        return [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw * (1 - 1e-9) }!
    }
}
