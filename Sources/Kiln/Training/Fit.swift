import Foundation

extension Sequential {
    /// Trains the model, Keras-style, and returns the per-epoch history.
    ///
    /// - Each epoch visits the training rows in an order shuffled from the model's seed and
    ///   the epoch number (so a run is reproducible); the last batch may be smaller.
    /// - `validationSplit` holds out the *last* fraction of `data` before shuffling, as Keras
    ///   does: with class-sorted data that fraction may hold one class only, which is warned
    ///   about. `validationData` takes precedence.
    /// - Losses are per-sample means; the loss does not include the L1/L2 penalty.
    /// - A NaN or infinite loss stops training with `TrainingError.nonFiniteLoss`.
    /// - The host waits on the device only every `syncEvery` steps (to read losses).
    /// - `resume` continues a saved run (`Checkpoint.resumeState(at:)`): `epochs` counts the
    ///   whole run (Keras's `initial_epoch`), so epochs `resume.epoch + 1 … epochs` run, and
    ///   the returned history holds the earlier epochs too. `checkpoint` saves every N epochs.
    /// - `labelSmoothing` ε in [0, 1) smooths the training targets (`BatchFeeder.labelSmoothing`):
    ///   the training loss is then the cross-entropy against the smoothed targets, as PyTorch and
    ///   Keras report it; validation and `evaluate` use the plain labels.
    public func fit(_ data: Dataset, epochs: Int, batchSize: Int = 32, validationSplit: Double = 0,
                    validationData: Dataset? = nil, shuffle: Bool = true, augmentation: Augmentation? = nil,
                    labelSmoothing: Float = 0, callbacks: [any Callback] = [], syncEvery: Int = 50,
                    resume: ResumeState? = nil, checkpoint: PeriodicCheckpoint? = nil,
                    log: @escaping (String) -> Void = { print($0) }) throws -> History {
        let state = try requireCompiled()
        guard epochs >= 1 else { throw TrainingError.invalidArgument("epochs must be at least 1, got \(epochs)") }
        guard batchSize >= 1 else { throw TrainingError.invalidArgument("batch size must be at least 1, got \(batchSize)") }
        guard validationSplit >= 0, validationSplit < 1 else {
            throw TrainingError.invalidArgument("validation split must be in [0, 1), got \(validationSplit)")
        }
        guard labelSmoothing >= 0, labelSmoothing < 1 else {
            throw TrainingError.invalidArgument("label smoothing must be in [0, 1), got \(labelSmoothing)")
        }
        var train = data
        var validation = validationData
        if validation == nil, validationSplit > 0 {
            (train, validation) = data.split(validationFraction: validationSplit)
            if let v = validation, v.count > 0, v.classesPresent.count == 1 {
                log("warning: the validation split (the last \(v.count) samples) holds only class \(v.classesPresent[0]); shuffle the data first")
            }
        }
        guard train.count > 0 else {
            throw TrainingError.invalidArgument(data.count > 0 && validationSplit > 0
                ? "validation split \(validationSplit) of \(data.count) samples leaves none for training; use a smaller split or more samples"
                : "no training samples")
        }
        try BatchFeeder.validate(train, for: self, role: "training")
        if let validation, validation.count > 0 { try BatchFeeder.validate(validation, for: self, role: "validation") }

        let firstEpoch = (resume?.progress.epoch ?? 0) + 1
        guard firstEpoch <= epochs else {
            throw TrainingError.invalidArgument("the checkpoint has trained \(firstEpoch - 1) epoch\(firstEpoch == 2 ? "" : "s") already; ask for more epochs than that")
        }
        if let resume { try apply(resume) }
        // After a resume too: every rank must continue from the same checkpoint.
        try checkRanksAgree(trainingCount: train.count, batchSize: batchSize, epochs: epochs)

        let control = TrainingControl(
            learningRate: state.learningRate,
            snapshot: { [unowned self] in try self.weights() },
            restore: { [unowned self] in try self.setWeights($0) },
            log: log)
        var history = History(epochs: resume?.progress.history ?? [])
        let batches = BatchIterator(count: train.count, batchSize: batchSize, shuffle: shuffle, seed: state.seed)
        var feeder = BatchFeeder(dataset: train, outputs: outputShape.count, normalizer: normalizer,
                                 augmentation: augmentation, rng: SplitMix64(seed: state.seed))
        feeder.labelSmoothing = labelSmoothing
        for c in callbacks { try c.trainingWillBegin(control: control) }
        let resumable = Self.stateKeys(callbacks)
        if let saved = resume?.progress.callbacks {
            for (key, c) in resumable { if let s = saved[key] { try c.restoreState(s) } }
        }
        for epoch in firstEpoch...epochs {
            for c in callbacks { try c.epochWillBegin(epoch, control: control) }
            state.learningRate = control.learningRate
            let order = batches.order(epoch: epoch)
            feeder.rng = Augmentation.generator(seed: state.seed, epoch: epoch)
            let start = DispatchTime.now().uptimeNanoseconds
            let (loss, accuracy) = try runEpoch(order: order, batchSize: batchSize, feeder: &feeder,
                                                syncEvery: syncEvery, epoch: epoch) { p in
                var p = p
                p.epochs = epochs
                for c in callbacks { try c.batchDidEnd(p, control: control) }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            try averageBuffersAcrossRanks()
            var metrics = EpochMetrics(epoch: epoch, loss: loss, accuracy: accuracy,
                                       learningRate: Double(state.learningRate),
                                       imagesPerSecond: Double(train.count) / max(seconds, 1e-9), seconds: seconds)
            if let validation, validation.count > 0 {
                let v = try evaluate(validation, batchSize: max(batchSize, 256))
                metrics.valLoss = v.loss
                metrics.valAccuracy = v.accuracy
            }
            history.append(metrics)
            log(Self.progressLine(metrics, of: epochs))
            for c in callbacks { try c.epochDidEnd(metrics, control: control) }
            state.progress = TrainingProgress(epoch: epoch, learningRate: control.learningRate, history: history.epochs,
                                              callbacks: Dictionary(uniqueKeysWithValues: resumable.map { ($0.0, $0.1.saveState()) }))
            if let checkpoint, epoch % checkpoint.every == 0 || epoch == epochs || control.stopRequested {
                try Checkpoint.save(self, to: checkpoint.url)
            }
            if let reason = control.stopReason {
                log(reason)
                break
            }
        }
        for c in callbacks { try c.trainingDidEnd(control: control) }
        state.learningRate = control.learningRate
        return history
    }

    /// One pass over `order`; returns the mean loss and accuracy over the epoch. With several
    /// ranks, each trains on its share of every batch and the sums are reduced over ranks.
    private func runEpoch(order: [Int], batchSize: Int, feeder: inout BatchFeeder, syncEvery: Int,
                          epoch: Int, afterBatch: (BatchProgress) throws -> Void) throws -> (Double, Double) {
        let state = compiled!
        let b = state.backend
        let comm = communicator
        let n = order.count
        let losses = try state.cache.tensor(ModelSlot.sampleLosses, [n], on: b)
        let correct = try state.cache.tensor(ModelSlot.sampleCorrect, [n], on: b)
        if comm.size > 1 {
            // Other ranks' positions stay 0, so this rank's sums over a range count its own.
            try b.fill(losses, with: 0)
            try b.fill(correct, with: 0)
        }
        var lossSum = 0.0, correctSum = 0.0, synced = 0, steps = 0
        let start = DispatchTime.now().uptimeNanoseconds
        // Sums the per-sample results written since the last read on the device and reads the
        // two totals; stops on NaN/Inf (any non-finite loss makes the sum non-finite).
        func sync(upTo end: Int) throws {
            guard end > synced else { return }
            var (l, c) = try sumMetrics(losses.view(at: synced, shape: [end - synced]),
                                        correct.view(at: synced, shape: [end - synced]), state)
            if comm.size > 1 { let s = try comm.allReduceSum([l, c]); (l, c) = (s[0], s[1]) }
            guard l.isFinite else {
                throw TrainingError.nonFiniteLoss(epoch: epoch, step: steps, learningRate: state.learningRate)
            }
            lossSum += l
            correctSum += c
            synced = end
        }
        for first in stride(from: 0, to: n, by: batchSize) {
            let batch = order[first..<min(first + batchSize, n)]
            let share = DataShard.range(count: batch.count, rank: comm.rank, size: comm.size)
            if share.isEmpty {
                feeder.skip(batch, training: true)
                try trainStep(nil, globalCount: batch.count)
            } else {
                let (input, target) = try feeder.upload(batch, share: share, model: self, state: state, training: true)
                let at = first + share.lowerBound
                try trainStep((input, target, losses.view(at: at, shape: [share.count]),
                               correct.view(at: at, shape: [share.count]), share.lowerBound),
                              globalCount: batch.count)
            }
            steps += 1
            if steps % syncEvery == 0 { try sync(upTo: first + batch.count) }
            try afterBatch(BatchProgress(epoch: epoch, epochs: 0, batch: steps, batches: (n + batchSize - 1) / batchSize,
                                         samples: first + batch.count, totalSamples: n,
                                         seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
                                         runningLoss: synced > 0 ? lossSum / Double(synced) : nil))
        }
        try sync(upTo: n)
        return (lossSum / Double(n), correctSum / Double(n))
    }

    /// Σ losses and Σ correct, summed on the backend (`sum`): two numbers cross to the host.
    func sumMetrics(_ losses: Tensor, _ correct: Tensor, _ state: CompiledState) throws -> (loss: Double, correct: Double) {
        let b = state.backend
        let totals = try state.cache.tensor(ModelSlot.metricTotals, [2], on: b)
        try b.sum(losses, into: totals.view(at: 0, shape: [1]))
        try b.sum(correct, into: totals.view(at: 1, shape: [1]))
        let t = try b.download(totals)
        return (Double(t[0]), Double(t[1]))
    }

    /// Forward, loss, backward and one fused optimizer update for one batch.
    public func trainStep(input: Tensor, target: Tensor, losses: Tensor, correct: Tensor) throws {
        try trainStep((input, target, losses, correct, 0), globalCount: input.shape[0])
    }

    /// One step of a (possibly data-parallel) run: forward, loss and backward on this rank's
    /// share of the global batch (none when `share` is nil; `sampleOffset` is where it starts
    /// in the global batch of `globalCount` samples), the gradient all-reduce when there are
    /// several ranks, then the optimizer update.
    func trainStep(_ share: (input: Tensor, target: Tensor, losses: Tensor, correct: Tensor, sampleOffset: Int)?,
                   globalCount: Int) throws {
        let state = try requireCompiled()
        let b = state.backend
        try b.fill(state.parameters.gradients, with: 0)
        if let share {
            var ctx = context(.training)
            ctx.sampleOffset = share.sampleOffset
            let output = try stack.forward(share.input, ctx)
            let gradient = try state.cache.tensor(ModelSlot.lossGradient, output.shape, on: b)
            try b.loss(state.loss, prediction: output, target: share.target, perSampleLoss: share.losses, gradient: gradient)
            try b.countCorrect(prediction: output, target: share.target, correct: share.correct)
            _ = try stack.backward(gradient, ctx, needInputGradient: false)
        }
        if communicator.size > 1 {
            try allReduceGradients(localCount: share?.input.shape[0] ?? 0, globalCount: globalCount)
        }
        state.step += 1
        let update = state.optimizer.update(step: Int(state.step), learningRate: state.learningRate)
        let p = state.parameters
        try b.optimizerStep(update, params: p.values, grads: p.gradients, decayMask: p.decayMask,
                            state1: p.state1, state2: p.state2)
    }

    static func progressLine(_ m: EpochMetrics, of epochs: Int) -> String {
        var s = String(format: "epoch %d/%d  loss %.4f  accuracy %.4f", m.epoch, epochs, m.loss, m.accuracy)
        if let vl = m.valLoss, let va = m.valAccuracy { s += String(format: "  val_loss %.4f  val_accuracy %.4f", vl, va) }
        s += String(format: "  %.0f images/s  %.1fs  lr %g", m.imagesPerSecond, m.seconds, m.learningRate)
        return s
    }
}
