/// All a model's state that training changes: the parameter arena and the non-trainable
/// buffers (batch-norm running statistics), as host copies.
public struct WeightSnapshot: Sendable, Equatable {
    public var parameters: [Float]
    public var buffers: [Float]
    public init(parameters: [Float], buffers: [Float]) {
        self.parameters = parameters; self.buffers = buffers
    }
}

/// What a callback may read and change while `fit` runs.
public final class TrainingControl {
    /// The learning rate the next step uses; callbacks may lower or raise it.
    public var learningRate: Float
    public private(set) var stopReason: String?
    public var stopRequested: Bool { stopReason != nil }
    private let snapshot: () throws -> WeightSnapshot
    private let restorer: (WeightSnapshot) throws -> Void
    private let logger: (String) -> Void

    public init(learningRate: Float, snapshot: @escaping () throws -> WeightSnapshot,
                restore: @escaping (WeightSnapshot) throws -> Void, log: @escaping (String) -> Void) {
        self.learningRate = learningRate
        self.snapshot = snapshot
        self.restorer = restore
        self.logger = log
    }

    /// Ends training after the current epoch; the reason is reported to the user.
    public func requestStop(reason: String) { if stopReason == nil { stopReason = reason } }
    /// A copy of the model's current weights (downloads from the device).
    public func currentWeights() throws -> WeightSnapshot { try snapshot() }
    /// Puts earlier weights back into the model.
    public func restore(_ weights: WeightSnapshot) throws { try restorer(weights) }
    /// A line for the user (printed when `fit` is verbose).
    public func log(_ message: String) { logger(message) }
}

/// Hooks `fit` calls, in order: `trainingWillBegin`, then per epoch `epochWillBegin` and
/// `epochDidEnd`, then `trainingDidEnd` (also after an early stop).
public protocol Callback: AnyObject {
    func trainingWillBegin(control: TrainingControl) throws
    /// `epoch` is 1-based. Learning-rate schedules set `control.learningRate` here.
    func epochWillBegin(_ epoch: Int, control: TrainingControl) throws
    func epochDidEnd(_ metrics: EpochMetrics, control: TrainingControl) throws
    func trainingDidEnd(control: TrainingControl) throws
    /// After every training step (progress displays); keep it cheap.
    func batchDidEnd(_ progress: BatchProgress, control: TrainingControl) throws
}

extension Callback {
    public func trainingWillBegin(control: TrainingControl) throws {}
    public func epochWillBegin(_ epoch: Int, control: TrainingControl) throws {}
    public func epochDidEnd(_ metrics: EpochMetrics, control: TrainingControl) throws {}
    public func trainingDidEnd(control: TrainingControl) throws {}
    public func batchDidEnd(_ progress: BatchProgress, control: TrainingControl) throws {}
}

/// Where an epoch stands after a step. `runningLoss` is the mean loss over the samples whose
/// losses `fit` has read so far (it reads every `syncEvery` steps), so reporting it adds no
/// wait on the device; nil before the first read.
public struct BatchProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    /// Batches done in this epoch (1-based), of `batches`.
    public var batch: Int
    public var batches: Int
    /// Samples done in this epoch, of `totalSamples`.
    public var samples: Int
    public var totalSamples: Int
    /// Seconds since the epoch began.
    public var seconds: Double
    public var runningLoss: Double?
}
