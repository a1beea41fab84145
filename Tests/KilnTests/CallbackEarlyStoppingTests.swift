import Kiln
import Testing

@Suite struct CallbackEarlyStoppingTests {
    @Test func firesExactlyAtThePatienceBoundary() throws {
        let losses = [1.0, 0.8, 0.9, 0.85, 0.7, 0.6]
        let trainer = FakeTrainer()
        let stopper = try EarlyStopping(patience: 2)
        // epoch 2 is the best; 3 and 4 do not improve: the second of them ends training
        #expect(try trainer.fit([stopper], epochs(.valLoss, losses)) == 4)
        #expect(stopper.stoppedEpoch == 4)
        let reason = trainer.control.stopReason ?? ""
        #expect(reason.contains("val_loss") && reason.contains("2 epochs") && reason.contains("best 0.8 at epoch 2"),
                "\(reason)")

        // one more epoch of patience reaches the improvement at epoch 5 and never stops
        let patient = FakeTrainer()
        let stopper3 = try EarlyStopping(patience: 3)
        #expect(try patient.fit([stopper3], epochs(.valLoss, losses)) == 6)
        #expect(stopper3.stoppedEpoch == nil && !patient.control.stopRequested)
    }

    @Test func patienceZeroStopsAtTheFirstEpochWithoutImprovement() throws {
        let trainer = FakeTrainer()
        #expect(try trainer.fit([EarlyStopping()], epochs(.valLoss, [1.0, 0.9, 0.95, 0.5])) == 3)
    }

    @Test func anImprovementResetsTheWait() throws {
        let trainer = FakeTrainer()
        #expect(try trainer.fit([EarlyStopping(patience: 2)], epochs(.valLoss, [1, 1.1, 0.9, 1, 1, 0.1])) == 5)
    }

    @Test func changesSmallerThanMinDeltaDoNotCount() throws {
        let trainer = FakeTrainer()
        let stopper = try EarlyStopping(minDelta: 0.1, patience: 1)
        #expect(try trainer.fit([stopper], epochs(.valLoss, [1.0, 0.95, 0.5])) == 2)
    }

    @Test func nanNeverImproves() throws {
        let trainer = FakeTrainer()
        #expect(try trainer.fit([EarlyStopping(patience: 2)], epochs(.valLoss, [1, .nan, .nan, 0.1])) == 3)
    }

    @Test func restoresTheBestWeightsWhenTrainingEndsWithoutFiring() throws {
        let trainer = FakeTrainer()
        let stopper = try EarlyStopping(patience: 10, restoreBestWeights: true)
        #expect(try trainer.fit([stopper], epochs(.valLoss, [1.0, 0.5, 0.7, 0.6])) == 4)
        #expect(stopper.stoppedEpoch == nil)
        #expect(trainer.model.restored == [WeightSnapshot(parameters: [2], buffers: [-2])])
        #expect(trainer.model.weights.parameters == [2])
        #expect(trainer.model.logs.contains { $0.contains("epoch 2") })
    }

    @Test func restoresTheBestWeightsWhenItFires() throws {
        let trainer = FakeTrainer()
        let stopper = try EarlyStopping(monitor: .loss, patience: 2, restoreBestWeights: true)
        #expect(try trainer.fit([stopper], epochs(.loss, [0.5, 0.4, 0.7, 0.8, 0.1])) == 4)
        #expect(trainer.model.restored.map(\.parameters) == [[2]])
    }

    @Test func restoresWhenAnotherCallbackStopsTraining() throws {
        let trainer = FakeTrainer()
        let stopper = try EarlyStopping(patience: 5, restoreBestWeights: true)
        #expect(try trainer.fit([stopper, StopAfter(3)], epochs(.valLoss, [0.3, 0.2, 0.4, 0.1])) == 3)
        #expect(trainer.model.restored.map(\.parameters) == [[2]])
    }

    @Test func leavesTheWeightsAloneWhenRestoreIsOff() throws {
        let trainer = FakeTrainer()
        #expect(try trainer.fit([EarlyStopping(patience: 1)], epochs(.valLoss, [0.5, 0.7, 0.8])) == 2)
        #expect(trainer.model.restored.isEmpty)
        #expect(trainer.model.weights.parameters == [2])
    }

    @Test func autoModeMaximisesAccuracy() throws {
        let accuracies = [0.5, 0.6, 0.55, 0.58, 0.9]
        let trainer = FakeTrainer()
        let stopper = try EarlyStopping(monitor: .valAccuracy, patience: 2, restoreBestWeights: true)
        #expect(stopper.monitor.maximizes)
        #expect(try trainer.fit([stopper], epochs(.valAccuracy, accuracies)) == 4)
        #expect(stopper.monitor.best == 0.6)
        #expect(trainer.model.restored.map(\.parameters) == [[2]])

        // told to minimise, the rise at epoch 2 is no improvement
        let minimising = FakeTrainer()
        let stopperMin = try EarlyStopping(monitor: .valAccuracy, patience: 1, mode: .min)
        #expect(try minimising.fit([stopperMin], epochs(.valAccuracy, accuracies)) == 2)
    }

    @Test func ignoresEpochsUpToStartFromEpoch() throws {
        let losses = [0.1, 0.2, 1.0, 1.1, 1.2]
        let trainer = FakeTrainer()
        let stopper = try EarlyStopping(patience: 1, restoreBestWeights: true, startFromEpoch: 2)
        #expect(try trainer.fit([stopper], epochs(.valLoss, losses)) == 4)
        #expect(stopper.monitor.bestEpoch == 3)
        #expect(trainer.model.restored.map(\.parameters) == [[3]])
        #expect(try FakeTrainer().fit([EarlyStopping(patience: 1)], epochs(.valLoss, losses)) == 2)
    }

    @Test func aMissingMetricThrowsAtTheFirstEpochEnd() throws {
        let stopper = EarlyStopping()
        let trainer = FakeTrainer()
        let noValidation = EpochMetrics(epoch: 1, loss: 1, accuracy: 0.5, learningRate: 0.1,
                                        imagesPerSecond: 1, seconds: 1)
        try stopper.trainingWillBegin(control: trainer.control)
        let error = #expect(throws: ConfigurationError.self) {
            try stopper.epochDidEnd(noValidation, control: trainer.control)
        }
        #expect(error?.message == "EarlyStopping monitors \"val_loss\", which epoch 1 did not report "
            + "(available: loss, accuracy); pass validation data to fit, or monitor another metric")
    }

    @Test func invalidSettingsThrow() {
        #expect(throws: ConfigurationError.self) { try EarlyStopping(patience: -1) }
        #expect(throws: ConfigurationError.self) { try EarlyStopping(minDelta: -0.1) }
        #expect(throws: ConfigurationError.self) { try EarlyStopping(startFromEpoch: -1) }
    }

    @Test func aSecondFitStartsAfresh() throws {
        let stopper = try EarlyStopping(patience: 1, restoreBestWeights: true)
        let first = FakeTrainer()
        #expect(try first.fit([stopper], epochs(.valLoss, [0.1, 0.5])) == 2)
        #expect(first.model.restored.map(\.parameters) == [[1]])
        // the best of the first fit (0.1) must not carry over
        let second = FakeTrainer()
        #expect(try second.fit([stopper], epochs(.valLoss, [0.9, 0.8, 0.85])) == 3)
        #expect(stopper.monitor.best == 0.8)
        #expect(second.model.restored.map(\.parameters) == [[2]])
    }
}
