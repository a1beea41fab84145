/// Writes each epoch's metrics to a `MetricsLog` (CSV or JSON Lines) as soon as the epoch
/// ends, so an interrupted run keeps what it measured.
public final class MetricsLogger: Callback {
    public let log: MetricsLog
    public init(_ log: MetricsLog) { self.log = log }
    public func epochDidEnd(_ metrics: EpochMetrics, control: TrainingControl) throws {
        try log.log(metrics)
    }
}
