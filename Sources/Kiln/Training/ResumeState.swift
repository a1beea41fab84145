import Foundation

/// Everything `fit` needs to continue a run exactly where it stopped, beyond the weights:
/// with the same data, flags and backend, training E epochs straight and training k epochs,
/// saving, and resuming for E − k more give the same run (bit-identical on the CPU backend).
///
/// What makes a run's future, and where it is kept:
///
///     weights, running statistics     the checkpoint's tensors (as always)
///     optimizer moments               `optimizerState1`, `optimizerState2` (the arena's m, v)
///     optimizer step t                `step`; it also keys the dropout masks (Philox counter)
///     epoch                           `progress.epoch`; the shuffle order and the
///                                     augmentation generator of epoch e derive from (seed, e)
///     learning rate in force          `progress.learningRate` (callbacks may have changed it)
///     callback state                  `progress.callbacks` (early stopping's best and wait,
///                                     reduce-LR's wait and cooldown, a schedule's η0)
///     history                         `progress.history`
///     seed, optimizer                 checked: resuming with others is an error
///
/// Save for resuming with `fit(checkpoint:)` (`kiln train --save-every`): it saves after each
/// epoch's callbacks and before training ends. A checkpoint saved after `fit` returns holds
/// the weights as training left them, which early stopping with restore-best replaces by an
/// earlier epoch's: resuming from it continues from those weights, not the last epoch's.
public struct ResumeState: Sendable, Equatable {
    public var progress: TrainingProgress
    public var step: UInt64
    public var seed: UInt64
    /// The optimizer's `description`; resuming under another optimizer is refused.
    public var optimizer: String
    public var optimizerState1: [Float]
    public var optimizerState2: [Float]

    public init(progress: TrainingProgress, step: UInt64, seed: UInt64, optimizer: String,
                optimizerState1: [Float], optimizerState2: [Float]) {
        self.progress = progress; self.step = step; self.seed = seed; self.optimizer = optimizer
        self.optimizerState1 = optimizerState1; self.optimizerState2 = optimizerState2
    }
}

/// The host-side part of a run's position, updated by `fit` after every epoch (after all
/// callbacks have seen it). The device-side part (moments, step) is read when saving.
public struct TrainingProgress: Sendable, Equatable {
    /// Epochs completed (the next epoch is `epoch + 1`).
    public var epoch: Int
    /// The learning rate the next epoch starts from, before schedules run.
    public var learningRate: Float
    public var history: [EpochMetrics]
    /// Each resumable callback's state, by `ResumableCallback.stateKey`.
    public var callbacks: [String: CallbackState]

    public init(epoch: Int, learningRate: Float, history: [EpochMetrics], callbacks: [String: CallbackState]) {
        self.epoch = epoch; self.learningRate = learningRate; self.history = history; self.callbacks = callbacks
    }
}

/// A callback's state: named numbers (nil for "none yet") and, for early stopping with
/// restore-best, the best weights.
public struct CallbackState: Sendable, Equatable, Codable {
    public var values: [String: Double?]
    public var weights: WeightSnapshot?

    public init(values: [String: Double?], weights: WeightSnapshot? = nil) {
        self.values = values; self.weights = weights
    }

    /// The weights are stored as checkpoint tensors, not in the JSON.
    private enum CodingKeys: String, CodingKey { case values }
    public init(from decoder: any Decoder) throws {
        values = try decoder.container(keyedBy: CodingKeys.self).decode([String: Double?].self, forKey: .values)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(values, forKey: .values)
    }

    func int(_ key: String) -> Int? { (values[key] ?? nil).map { Int($0) } }
    func double(_ key: String) -> Double? { values[key] ?? nil }
}

/// A callback whose state `fit` saves in checkpoints and restores on resume (after
/// `trainingWillBegin`, which resets it).
public protocol ResumableCallback: Callback {
    /// Names this callback's entry (the type name; `fit` appends "#2", "#3" for repeats).
    var stateKey: String { get }
    func saveState() -> CallbackState
    func restoreState(_ state: CallbackState) throws
}

extension ResumableCallback {
    public var stateKey: String { String(describing: type(of: self)) }
}

/// Saves a checkpoint (with its resume state) every `every` epochs and after the last one,
/// atomically, so a crash loses at most `every` epochs.
public struct PeriodicCheckpoint: Sendable {
    public var every: Int
    public var url: URL
    public init(every: Int, url: URL) { self.every = every; self.url = url }
}

extension Sequential {
    /// The keys of resumable callbacks, in order: the type name, then "#2", "#3" for repeats.
    static func stateKeys(_ callbacks: [any Callback]) -> [(String, any ResumableCallback)] {
        var seen: [String: Int] = [:]
        return callbacks.compactMap { $0 as? any ResumableCallback }.map { c in
            let n = (seen[c.stateKey] ?? 0) + 1
            seen[c.stateKey] = n
            return (n == 1 ? c.stateKey : "\(c.stateKey)#\(n)", c)
        }
    }

    /// The run's full position now: `progress` plus the optimizer's moments and step.
    public func resumeState() throws -> ResumeState? {
        let s = try requireCompiled()
        guard let progress = s.progress else { return nil }
        return ResumeState(progress: progress, step: s.step, seed: s.seed, optimizer: s.optimizer.description,
                           optimizerState1: try s.backend.download(s.parameters.state1),
                           optimizerState2: try s.backend.download(s.parameters.state2))
    }

    /// Puts a saved position back: moments, step and learning rate (the weights are loaded
    /// by `Checkpoint.load`). Checks that it belongs to this model, seed and optimizer.
    func apply(_ r: ResumeState) throws {
        let s = try requireCompiled()
        guard r.seed == s.seed else {
            throw TrainingError.invalidArgument("the checkpoint was trained with seed \(r.seed), this run has seed \(s.seed)")
        }
        guard r.optimizer == s.optimizer.description else {
            throw TrainingError.invalidArgument("the checkpoint was trained with \(r.optimizer), this run uses \(s.optimizer); resume with the same optimizer flags")
        }
        guard r.optimizerState1.count == s.parameters.count, r.optimizerState2.count == s.parameters.count else {
            throw TrainingError.invalidArgument("the checkpoint's optimizer state holds \(r.optimizerState1.count) values, the model has \(s.parameters.count) parameters")
        }
        try s.backend.upload(r.optimizerState1, to: s.parameters.state1)
        try s.backend.upload(r.optimizerState2, to: s.parameters.state2)
        s.step = r.step
        s.learningRate = r.progress.learningRate
        s.progress = r.progress
    }
}
