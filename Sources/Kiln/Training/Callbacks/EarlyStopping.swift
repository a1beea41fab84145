/// Stops training when a metric has stopped improving (Keras's `EarlyStopping`).
///
/// After each epoch past `startFromEpoch`: if the metric improves on the best (see
/// `MetricMonitor`) the wait resets to 0 (and, with `restoreBestWeights`, the weights are
/// copied); otherwise the wait grows by one, and training stops once it reaches `patience`
/// (with patience 0 or 1, at the first epoch without improvement).
///
/// With `restoreBestWeights`, the best epoch's weights are put back when training ends —
/// whether this callback stopped it, another did, or the epochs ran out (older Keras
/// restored only when it had stopped training itself).
public final class EarlyStopping: Callback {
    public let patience: Int
    public let restoreBestWeights: Bool
    /// Epochs 1…startFromEpoch are ignored (warm-up); 0 watches from the first epoch.
    public let startFromEpoch: Int
    public private(set) var monitor: MetricMonitor
    /// Epochs since the last improvement.
    public private(set) var wait = 0
    /// The epoch after which this callback stopped training, if it did.
    public private(set) var stoppedEpoch: Int?
    private var bestWeights: WeightSnapshot?

    /// Keras's defaults: monitor `.valLoss`, patience 0, no restoring. Cannot fail.
    public init() {
        monitor = MetricMonitor(metric: .valLoss, mode: .auto, checkedMinDelta: 0, owner: "EarlyStopping")
        patience = 0
        restoreBestWeights = false
        startFromEpoch = 0
    }

    /// - Throws: `ConfigurationError` for a negative `minDelta`, `patience` or `startFromEpoch`.
    public init(monitor metric: Metric = .valLoss, minDelta: Double = 0, patience: Int = 0,
                mode: MetricMonitor.Mode = .auto, restoreBestWeights: Bool = false,
                startFromEpoch: Int = 0) throws {
        monitor = try MetricMonitor(metric: metric, mode: mode, minDelta: minDelta, owner: "EarlyStopping")
        try Validate.nonNegative(patience, "patience", in: "EarlyStopping")
        try Validate.nonNegative(startFromEpoch, "startFromEpoch", in: "EarlyStopping")
        self.patience = patience
        self.restoreBestWeights = restoreBestWeights
        self.startFromEpoch = startFromEpoch
    }

    public func trainingWillBegin(control: TrainingControl) throws {
        monitor.reset()
        wait = 0
        stoppedEpoch = nil
        bestWeights = nil
    }

    public func epochDidEnd(_ metrics: EpochMetrics, control: TrainingControl) throws {
        let value = try monitor.value(in: metrics)
        guard metrics.epoch > startFromEpoch else { return }
        if monitor.record(value, epoch: metrics.epoch) {
            wait = 0
            if restoreBestWeights { bestWeights = try control.currentWeights() }
            return
        }
        wait += 1
        if wait >= patience {
            stoppedEpoch = metrics.epoch
            control.requestStop(reason: stopReason())
        }
    }

    public func trainingDidEnd(control: TrainingControl) throws {
        guard restoreBestWeights, let weights = bestWeights, let epoch = monitor.bestEpoch else { return }
        let best = MetricMonitor.format(monitor.best)
        control.log("EarlyStopping: restoring the weights of epoch \(epoch) (\(monitor.metric) \(best))")
        try control.restore(weights)
    }

    private func stopReason() -> String {
        let direction = monitor.maximizes ? "risen" : "fallen"
        let delta = monitor.minDelta > 0 ? " by more than \(monitor.minDelta)" : ""
        let epochs = "\(wait) epoch\(wait == 1 ? "" : "s")"
        let best = "best \(MetricMonitor.format(monitor.best)) at epoch \(monitor.bestEpoch.map(String.init) ?? "-")"
        return "early stopping: \(monitor.metric) has not \(direction)\(delta) for \(epochs) (\(best))"
    }
}

extension EarlyStopping: ResumableCallback {
    public func saveState() -> CallbackState {
        CallbackState(values: monitor.savedState.merging(["wait": Double(wait), "stoppedEpoch": stoppedEpoch.map(Double.init)]) { a, _ in a },
                      weights: bestWeights)
    }

    public func restoreState(_ state: CallbackState) throws {
        monitor.restore(state)
        wait = state.int("wait") ?? 0
        stoppedEpoch = state.int("stoppedEpoch")
        bestWeights = state.weights
    }
}
