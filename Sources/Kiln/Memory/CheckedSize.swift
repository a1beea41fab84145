/// Sizes computed from numbers read from a file or a flag: products and sums that report
/// overflow (and negative factors) as nil instead of trapping, so the error path that
/// describes a bad size can never itself crash.
public enum CheckedSize {
    /// The product of `factors`, or nil when one is negative or the product overflows `Int`.
    public static func product<S: Sequence>(_ factors: S) -> Int? where S.Element == Int {
        var n = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            n = p
        }
        return n
    }

    /// The sum of `terms`, or nil when one is negative or the sum overflows `Int`.
    public static func sum<S: Sequence>(_ terms: S) -> Int? where S.Element == Int {
        var n = 0
        for t in terms {
            guard t >= 0 else { return nil }
            let (s, overflow) = n.addingReportingOverflow(t)
            if overflow { return nil }
            n = s
        }
        return n
    }

    /// `product` written out for a message: the number, or "more than 2^63" on overflow.
    public static func text(_ value: Int?) -> String {
        value.map(String.init) ?? "more than \(Int.max)"
    }
}
