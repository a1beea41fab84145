import Kiln

/// What the fake trainer's `TrainingControl` reads and writes.
final class FakeModel {
    var weights = WeightSnapshot(parameters: [0], buffers: [0])
    var restored: [WeightSnapshot] = []
    var logs: [String] = []
}

/// A stand-in for `fit` that drives callbacks over given metrics, in the order `Callback`
/// documents. After epoch k the model's weights are [k] (buffers [−k]), so a restore shows
/// which epoch's weights came back.
final class FakeTrainer {
    let model = FakeModel()
    let control: TrainingControl
    /// The learning rate in force during each epoch that ran.
    private(set) var learningRates: [Float] = []

    init(learningRate: Float = 0.1) {
        let model = self.model
        control = TrainingControl(
            learningRate: learningRate,
            snapshot: { model.weights },
            restore: { model.restored.append($0); model.weights = $0 },
            log: { model.logs.append($0) })
    }

    /// Runs the epochs until one asks to stop; returns the last epoch that ran.
    @discardableResult
    func fit(_ callbacks: [any Callback], _ epochs: [EpochMetrics]) throws -> Int {
        learningRates = []
        for c in callbacks { try c.trainingWillBegin(control: control) }
        var last = 0
        for var metrics in epochs {
            for c in callbacks { try c.epochWillBegin(metrics.epoch, control: control) }
            learningRates.append(control.learningRate)
            metrics.learningRate = Double(control.learningRate)
            model.weights = WeightSnapshot(parameters: [Float(metrics.epoch)], buffers: [-Float(metrics.epoch)])
            for c in callbacks { try c.epochDidEnd(metrics, control: control) }
            last = metrics.epoch
            if control.stopRequested { break }
        }
        for c in callbacks { try c.trainingDidEnd(control: control) }
        return last
    }
}

/// Epochs 1… with `metric` taking `values` (loss 1 and accuracy 0.5 otherwise; no
/// validation metrics unless they are the one given).
func epochs(_ metric: Metric, _ values: [Double]) -> [EpochMetrics] {
    values.enumerated().map { index, value in
        var m = EpochMetrics(epoch: index + 1, loss: 1, accuracy: 0.5, learningRate: 0.1,
                             imagesPerSecond: 1000, seconds: 1)
        switch metric {
        case .loss: m.loss = value
        case .accuracy: m.accuracy = value
        case .valLoss: m.valLoss = value; m.valAccuracy = 0.5
        case .valAccuracy: m.valAccuracy = value; m.valLoss = 1
        }
        return m
    }
}

/// Asks to stop after a given epoch, like a NaN-loss guard would.
final class StopAfter: Callback {
    let epoch: Int
    init(_ epoch: Int) { self.epoch = epoch }
    func epochDidEnd(_ metrics: EpochMetrics, control: TrainingControl) throws {
        if metrics.epoch == epoch { control.requestStop(reason: "stopped by test") }
    }
}
