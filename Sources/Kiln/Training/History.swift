/// What `fit` measured, one `EpochMetrics` per epoch in order. Codable, so it can be saved
/// beside a checkpoint and read back.
public struct History: Codable, Sendable, Equatable {
    public private(set) var epochs: [EpochMetrics]

    public init(epochs: [EpochMetrics] = []) { self.epochs = epochs }

    public mutating func append(_ metrics: EpochMetrics) { epochs.append(metrics) }

    public var last: EpochMetrics? { epochs.last }

    /// The metric names (see `EpochMetrics.value(of:)`) measured in at least one epoch.
    public var metricNames: [String] {
        EpochMetrics.metricNames.filter { name in epochs.contains { $0.value(of: name) != nil } }
    }

    /// One value per epoch, nil where the metric was not measured (e.g. "val_loss" without
    /// validation data) or is unknown.
    public func values(of metric: String) -> [Double?] { epochs.map { $0.value(of: metric) } }

    /// `values(of:)`: `history["val_loss"]`.
    public subscript(metric: String) -> [Double?] { values(of: metric) }

    /// The (epoch, value) pairs where the metric was measured, for plots.
    public func points(of metric: String) -> [(epoch: Int, value: Double)] {
        epochs.compactMap { m in m.value(of: metric).map { (m.epoch, $0) } }
    }

    /// The first epoch with the best value of `metric` (lowest, or highest when `mode`
    /// resolves to max; see `MetricMonitor`), nil if it was never measured or is unknown.
    public func best(_ metric: String, mode: MetricMonitor.Mode = .auto) -> EpochMetrics? {
        guard var monitor = try? MetricMonitor(metric: metric, mode: mode) else { return nil }
        var best: EpochMetrics?
        for m in epochs {
            if let v = m.value(of: metric), monitor.record(v, epoch: m.epoch) { best = m }
        }
        return best
    }
}

extension EpochMetrics {
    /// Every name `value(of:)` answers, in display order.
    // TODO(lead): belongs next to `value(of:)` in EpochMetrics.swift, so the list and the
    // switch cannot drift apart.
    static let metricNames = ["loss", "accuracy", "val_loss", "val_accuracy"]

    /// The names this epoch has a value for.
    var reportedMetricNames: [String] { Self.metricNames.filter { value(of: $0) != nil } }
}
