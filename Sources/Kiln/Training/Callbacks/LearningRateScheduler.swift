/// Sets the learning rate at the start of every epoch from a `LearningRateSchedule`
/// (Keras's `LearningRateScheduler`). η0 is the rate in force when training begins.
public final class LearningRateScheduler: Callback {
    public let schedule: LearningRateSchedule
    /// Log each change of rate.
    public let verbose: Bool
    private var initial: Float = 0

    public init(_ schedule: LearningRateSchedule, verbose: Bool = false) {
        self.schedule = schedule
        self.verbose = verbose
    }

    public func trainingWillBegin(control: TrainingControl) throws {
        initial = control.learningRate
    }

    /// - Throws: `ConfigurationError` when the schedule gives a negative or non-finite rate.
    public func epochWillBegin(_ epoch: Int, control: TrainingControl) throws {
        let rate = schedule.learningRate(epoch: epoch, initial: initial, current: control.learningRate)
        guard rate.isFinite, rate >= 0 else {
            throw ConfigurationError("LearningRateScheduler: \(schedule) gave learning rate \(rate) "
                + "for epoch \(epoch); it must be finite and ≥ 0")
        }
        if verbose && rate != control.learningRate {
            control.log("LearningRateScheduler: epoch \(epoch) learning rate \(control.learningRate) → \(rate)")
        }
        control.learningRate = rate
    }
}

extension LearningRateScheduler: ResumableCallback {
    /// η0, the rate the run began with (a resumed run begins at a later, scheduled rate).
    public func saveState() -> CallbackState { CallbackState(values: ["initial": Double(initial)]) }

    public func restoreState(_ state: CallbackState) throws {
        if let v = state.double("initial") { initial = Float(v) }
    }
}
