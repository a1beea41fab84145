import Foundation

/// The one notion of "improved" that `EarlyStopping` and `ReduceLROnPlateau` share
/// (Keras's `MonitorCallback`): a metric, a direction, a minimum change, and the
/// best value seen so far. A value improves on the best when
///
///     min:  value < best − minDelta
///     max:  value > best + minDelta
///
/// The first value always improves (there is no best yet); NaN never does.
public struct MetricMonitor: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// max for accuracies, else min (Keras's rule: "acc" in the name).
        case auto
        case min
        case max

        /// Whether larger values of `metric` are better under this mode.
        public func maximizes(_ metric: Metric) -> Bool {
            switch self {
            case .min: false
            case .max: true
            case .auto: metric.higherIsBetter
            }
        }
    }

    public let metric: Metric
    public let mode: Mode
    /// The mode resolved for this metric.
    public let maximizes: Bool
    public let minDelta: Double
    public private(set) var best: Double?
    public private(set) var bestEpoch: Int?
    /// The callback named in messages.
    let owner: String

    /// Any change counts (`minDelta` 0): cannot fail.
    public init(metric: Metric, mode: Mode = .auto) {
        self.init(metric: metric, mode: mode, checkedMinDelta: 0, owner: "MetricMonitor")
    }

    /// - Throws: `ConfigurationError` for a negative or non-finite `minDelta`. `owner` names
    ///   the callback in messages.
    public init(metric: Metric, mode: Mode = .auto, minDelta: Double, owner: String = "MetricMonitor") throws {
        try Validate.nonNegative(minDelta, "minDelta", in: owner)
        self.init(metric: metric, mode: mode, checkedMinDelta: minDelta, owner: owner)
    }

    /// `minDelta` already known to be finite and ≥ 0.
    init(metric: Metric, mode: Mode, checkedMinDelta minDelta: Double, owner: String) {
        self.metric = metric
        self.mode = mode
        self.maximizes = mode.maximizes(metric)
        self.minDelta = minDelta
        self.owner = owner
    }

    /// The monitored value in `metrics`.
    /// - Throws: `ConfigurationError` naming the metrics that epoch did report, when this
    ///   one is missing (typically `.valLoss` with no validation data).
    public func value(in metrics: EpochMetrics) throws -> Double {
        if let v = metrics.value(of: metric) { return v }
        let available = metrics.reportedMetrics.map(\.rawValue).joined(separator: ", ")
        let hint = metric.needsValidationData ? "; pass validation data to fit, or monitor another metric" : ""
        throw ConfigurationError("\(owner) monitors \"\(metric)\", which epoch \(metrics.epoch) did not report "
            + "(available: \(available))\(hint)")
    }

    /// Whether `value` improves on `reference` (nil: nothing to beat).
    public func isImprovement(_ value: Double, over reference: Double?) -> Bool {
        guard !value.isNaN else { return false }
        guard let reference else { return true }
        return maximizes ? value > reference + minDelta : value < reference - minDelta
    }

    /// Records `value` as the new best if it improves on the best; returns whether it did.
    public mutating func record(_ value: Double, epoch: Int) -> Bool {
        guard isImprovement(value, over: best) else { return false }
        best = value
        bestEpoch = epoch
        return true
    }

    /// Forgets the best value (a new `fit`).
    public mutating func reset() {
        best = nil
        bestEpoch = nil
    }

    /// The best so far, for a checkpoint's callback state.
    var savedState: [String: Double?] { ["best": best, "bestEpoch": bestEpoch.map(Double.init)] }

    /// Puts back what `savedState` gave (resuming a run).
    mutating func restore(_ state: CallbackState) {
        best = state.double("best")
        bestEpoch = state.int("bestEpoch")
    }

    /// A metric value for messages: 4 significant digits, "-" for none.
    static func format(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.4g", value)
    }
}
