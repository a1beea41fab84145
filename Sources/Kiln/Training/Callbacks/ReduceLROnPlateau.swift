/// Lowers the learning rate when a metric has stopped improving (Keras's
/// `ReduceLROnPlateau`). After each epoch, with "improved" as `MetricMonitor` defines it:
///
///     if cooling down: cooldown −= 1, wait ← 0
///     if improved:     wait ← 0
///     else if not cooling down:
///         wait += 1
///         if wait ≥ patience and η > minLR:
///             η ← max(η·factor, minLR);  cooldown ← `cooldown`;  wait ← 0
///
/// The new rate takes effect from the next epoch. A `LearningRateScheduler` that runs
/// alongside sets the rate at every epoch start and so overrides these reductions.
public final class ReduceLROnPlateau: Callback {
    public let factor: Float
    public let patience: Int
    /// Epochs to wait after a reduction before counting epochs without improvement again.
    public let cooldown: Int
    public let minLR: Float
    public private(set) var monitor: MetricMonitor
    public private(set) var wait = 0
    /// Cooldown epochs left.
    public private(set) var cooldownRemaining = 0

    /// Keras's defaults: monitor `.valLoss`, factor 0.1, patience 10, minDelta 1e-4, no
    /// cooldown, minLR 0. Cannot fail.
    public init() {
        monitor = MetricMonitor(metric: .valLoss, mode: .auto, checkedMinDelta: 1e-4, owner: "ReduceLROnPlateau")
        factor = 0.1
        patience = 10
        cooldown = 0
        minLR = 0
    }

    /// - Throws: `ConfigurationError` for a factor outside (0, 1), or a negative `minDelta`,
    ///   `patience`, `cooldown` or `minLR`.
    public init(monitor metric: Metric = .valLoss, factor: Float = 0.1, patience: Int = 10,
                mode: MetricMonitor.Mode = .auto, minDelta: Double = 1e-4, cooldown: Int = 0,
                minLR: Float = 0) throws {
        monitor = try MetricMonitor(metric: metric, mode: mode, minDelta: minDelta, owner: "ReduceLROnPlateau")
        guard factor > 0, factor < 1 else {
            throw ConfigurationError("ReduceLROnPlateau: factor must be in (0, 1), got \(factor)")
        }
        try Validate.nonNegative(patience, "patience", in: "ReduceLROnPlateau")
        try Validate.nonNegative(cooldown, "cooldown", in: "ReduceLROnPlateau")
        try Validate.nonNegative(minLR, "minLR", in: "ReduceLROnPlateau")
        self.factor = factor
        self.patience = patience
        self.cooldown = cooldown
        self.minLR = minLR
    }

    public func trainingWillBegin(control: TrainingControl) throws {
        monitor.reset()
        wait = 0
        cooldownRemaining = 0
    }

    public func epochDidEnd(_ metrics: EpochMetrics, control: TrainingControl) throws {
        let value = try monitor.value(in: metrics)
        if cooldownRemaining > 0 {
            cooldownRemaining -= 1
            wait = 0
        }
        if monitor.record(value, epoch: metrics.epoch) {
            wait = 0
            return
        }
        guard cooldownRemaining == 0 else { return }
        wait += 1
        guard wait >= patience, control.learningRate > minLR else { return }
        let old = control.learningRate
        control.learningRate = max(old * factor, minLR)
        control.log("ReduceLROnPlateau: \(monitor.metric) has not improved for \(wait) epoch\(wait == 1 ? "" : "s"); "
            + "learning rate \(old) → \(control.learningRate) after epoch \(metrics.epoch)")
        cooldownRemaining = cooldown
        wait = 0
    }
}

extension ReduceLROnPlateau: ResumableCallback {
    public func saveState() -> CallbackState {
        CallbackState(values: monitor.savedState.merging(["wait": Double(wait), "cooldownRemaining": Double(cooldownRemaining)]) { a, _ in a })
    }

    public func restoreState(_ state: CallbackState) throws {
        monitor.restore(state)
        wait = state.int("wait") ?? 0
        cooldownRemaining = state.int("cooldownRemaining") ?? 0
    }
}
