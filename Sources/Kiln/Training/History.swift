/// What `fit` measured, one `EpochMetrics` per epoch in order. Codable, so it can be saved
/// beside a checkpoint and read back.
public struct History: Codable, Sendable, Equatable {
    public private(set) var epochs: [EpochMetrics]

    public init(epochs: [EpochMetrics] = []) { self.epochs = epochs }

    public mutating func append(_ metrics: EpochMetrics) { epochs.append(metrics) }

    public var last: EpochMetrics? { epochs.last }

    /// The metrics measured in at least one epoch, in display order.
    public var metrics: [Metric] {
        Metric.allCases.filter { metric in epochs.contains { $0.value(of: metric) != nil } }
    }

    /// One value per epoch, nil where the metric was not measured (e.g. `.valLoss` without
    /// validation data).
    public func values(of metric: Metric) -> [Double?] { epochs.map { $0.value(of: metric) } }

    /// `values(of:)`: `history[.valLoss]`.
    public subscript(metric: Metric) -> [Double?] { values(of: metric) }

    /// The (epoch, value) pairs where the metric was measured, for plots.
    public func points(of metric: Metric) -> [(epoch: Int, value: Double)] {
        epochs.compactMap { m in m.value(of: metric).map { (m.epoch, $0) } }
    }

    /// The first epoch with the best value of `metric` (lowest, or highest when `mode`
    /// resolves to max; see `MetricMonitor`), nil if it was never measured.
    public func best(_ metric: Metric, mode: MetricMonitor.Mode = .auto) -> EpochMetrics? {
        var monitor = MetricMonitor(metric: metric, mode: mode)
        var best: EpochMetrics?
        for m in epochs {
            if let v = m.value(of: metric), monitor.record(v, epoch: m.epoch) { best = m }
        }
        return best
    }
}
