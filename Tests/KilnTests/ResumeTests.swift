import Foundation
import Testing
@testable import Kiln

/// Resuming from a checkpoint continues the run exactly: E epochs straight and k epochs,
/// save, load into a fresh model, resume for E − k give bit-identical weights and history
/// on the CPU backend. Each "drops" test removes one piece of the saved state and expects
/// the run to come out different, so the identity test cannot pass with that piece missing.
@Suite("Resume")
struct ResumeTests {
    struct Scenario {
        var optimizer: () throws -> any Optimizer = { try Adam(learningRate: 0.01) }
        var callbacks: () throws -> [any Callback] = { [] }
        var augmentation: Augmentation? = Augmentation(horizontalFlipProbability: 0.5, maxTranslation: 1)
        var epochs = 2
        var split = 1
    }

    struct Outcome: Equatable {
        var weights: WeightSnapshot
        /// The history without its timings (which no two runs share).
        var history: [EpochMetrics]
    }

    static let data = TestData.stripes(count: 80)

    func model(_ s: Scenario) throws -> Sequential {
        let m = try TestData.smallModel()
        m.normalizer = Normalizer(fitting: Self.data)
        try m.compile(backend: CPUBackend(), optimizer: try s.optimizer(), loss: .softmaxCrossEntropy, seed: 5)
        return m
    }

    func fit(_ m: Sequential, _ s: Scenario, epochs: Int, resume: ResumeState? = nil) throws -> Outcome {
        let h = try m.fit(Self.data, epochs: epochs, batchSize: 16, validationSplit: 0.25, augmentation: s.augmentation,
                          callbacks: try s.callbacks(), resume: resume, log: { _ in })
        return Outcome(weights: try m.weights(),
                       history: h.epochs.map { var e = $0; e.seconds = 0; e.imagesPerSecond = 0; return e })
    }

    func straight(_ s: Scenario) throws -> Outcome { try fit(try model(s), s, epochs: s.epochs) }

    /// `split` epochs, a checkpoint on disk, a fresh model loaded from it, the rest resumed.
    func resumed(_ s: Scenario, epochs: Int? = nil, drop: (inout ResumeState) -> Void = { _ in }) throws -> Outcome {
        let url = FileManager.default.temporaryDirectory.appending(path: "kiln-resume-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        // Saved as `--save-every` saves: after each epoch's callbacks, before training ends
        // (where restore-best may put earlier weights back).
        let first = try model(s)
        _ = try first.fit(Self.data, epochs: s.split, batchSize: 16, validationSplit: 0.25, augmentation: s.augmentation,
                          callbacks: try s.callbacks(), checkpoint: PeriodicCheckpoint(every: s.split, url: url), log: { _ in })
        let second = try model(s)
        try Checkpoint.load(into: second, from: url)
        var r = try #require(try Checkpoint.resumeState(at: url))
        drop(&r)
        return try fit(second, s, epochs: epochs ?? s.epochs, resume: r)
    }

    // Adam, dropout, augmentation, shuffling, a validation split.
    @Test func adamRunResumesBitIdentically() throws {
        let s = Scenario()
        let a = try straight(s), b = try resumed(s)
        #expect(a.history.count == 2)
        #expect(a == b)
    }

    @Test func dropsFirstMomentsChangeTheRun() throws {
        #expect(try straight(Scenario()) != resumed(Scenario()) { $0.optimizerState1 = $0.optimizerState1.map { _ in 0 } })
    }

    @Test func dropsSecondMomentsChangeTheRun() throws {
        #expect(try straight(Scenario()) != resumed(Scenario()) { $0.optimizerState2 = $0.optimizerState2.map { _ in 0 } })
    }

    @Test func dropsStepChangesTheRun() throws {
        #expect(try straight(Scenario()).weights != resumed(Scenario()) { $0.step = 0 }.weights)
    }

    /// SGD's update does not use the step, so here the step matters only through the dropout
    /// masks (the dropout position).
    @Test func dropsDropoutPositionChangesTheRun() throws {
        let s = Scenario(optimizer: { try SGD(learningRate: 0.05, momentum: 0.9) })
        let a = try straight(s)
        #expect(a == (try resumed(s)))
        #expect(a.weights != (try resumed(s) { $0.step = 0 }).weights)
        #expect(a.weights != (try resumed(s) { $0.optimizerState1 = $0.optimizerState1.map { _ in 0 } }).weights)
    }

    /// The epoch fixes the shuffle order and the augmentation draws: resuming "epoch 1" again
    /// for one epoch (same number of steps) trains on another order.
    @Test func dropsEpochChangesTheShufflingPosition() throws {
        let a = try straight(Scenario())
        let b = try resumed(Scenario(), epochs: 1) { $0.progress.epoch = 0; $0.progress.history = [] }
        #expect(a.weights != b.weights)
    }

    @Test func dropsHistoryChangesTheHistory() throws {
        #expect(try straight(Scenario()).history != resumed(Scenario()) { $0.progress.history = [] }.history)
    }

    /// ReduceLROnPlateau that never sees an improvement after epoch 1 (huge minDelta) halves
    /// the rate after epoch 2.
    static var plateau: Scenario { Scenario(callbacks: {
        [try ReduceLROnPlateau(monitor: .loss, factor: 0.5, patience: 1, mode: .max, minDelta: 1e9)]
    }, epochs: 3, split: 2) }

    @Test func learningRateChangedByACallbackResumes() throws {
        let a = try straight(Self.plateau)
        #expect(a.history.map(\.learningRate) == [0.01, 0.01, 0.005].map { Double(Float($0)) })
        #expect(a == (try resumed(Self.plateau)))
        #expect(a != (try resumed(Self.plateau) { $0.progress.learningRate = 0.01 }))
    }

    @Test func reduceLROnPlateauStateResumes() throws {
        var s = Self.plateau
        s.split = 1
        let a = try straight(s)
        #expect(a == (try resumed(s)))
        #expect(a != (try resumed(s) { $0.progress.callbacks = [:] }))
    }

    /// Early stopping (patience 2, restore-best) stops after epoch 3 and restores epoch 1.
    static var early: Scenario { Scenario(callbacks: {
        [try EarlyStopping(monitor: .loss, minDelta: 1e9, patience: 2, mode: .max, restoreBestWeights: true)]
    }, epochs: 4, split: 2) }

    @Test func earlyStoppingStateResumes() throws {
        let a = try straight(Self.early)
        #expect(a.history.count == 3)
        #expect(a == (try resumed(Self.early)))
        #expect(a != (try resumed(Self.early) { $0.progress.callbacks = [:] }))
        #expect(a != (try resumed(Self.early) { $0.progress.callbacks["EarlyStopping"]?.weights = nil }))
    }

    @Test func scheduleStateResumes() throws {
        let s = Scenario(callbacks: { [LearningRateScheduler(try .exponential(rate: 0.5))] }, epochs: 3, split: 2)
        let a = try straight(s)
        #expect(a == (try resumed(s)))
        #expect(a != (try resumed(s) { $0.progress.callbacks = [:] }))
    }

    @Test func resumeRefusesAnotherSeedOrOptimizerOrAFinishedRun() throws {
        let s = Scenario()
        let url = FileManager.default.temporaryDirectory.appending(path: "kiln-resume-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let m = try model(s)
        _ = try fit(m, s, epochs: 1)
        try Checkpoint.save(m, to: url)
        let r = try #require(try Checkpoint.resumeState(at: url))
        #expect(throws: TrainingError.self) { try fit(try model(s), s, epochs: 1, resume: r) }
        var other = s
        other.optimizer = { SGD() }
        #expect(throws: TrainingError.self) { try fit(try model(other), other, epochs: 2, resume: r) }
        var seed = r
        seed.seed = 6
        #expect(throws: TrainingError.self) { try fit(try model(s), s, epochs: 2, resume: seed) }
    }

    @Test func periodicCheckpointSavesEveryNEpochsAndTheLast() throws {
        let url = FileManager.default.temporaryDirectory.appending(path: "kiln-every-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        /// Reads the file as each epoch begins: which epoch it holds then.
        final class Watcher: Callback {
            let url: URL
            var seen: [Int?] = []
            init(_ url: URL) { self.url = url }
            func epochWillBegin(_ epoch: Int, control: TrainingControl) throws {
                seen.append(try? Checkpoint.resumeState(at: url)?.progress.epoch)
            }
        }
        let watcher = Watcher(url)
        let m = try model(Scenario())
        _ = try m.fit(Self.data, epochs: 4, batchSize: 16, callbacks: [watcher],
                      checkpoint: PeriodicCheckpoint(every: 2, url: url), log: { _ in })
        #expect(watcher.seen == [nil, nil, 2, 2])
        #expect(try Checkpoint.resumeState(at: url)?.progress.epoch == 4)
    }
}
