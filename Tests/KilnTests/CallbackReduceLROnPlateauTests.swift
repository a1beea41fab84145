import Kiln
import Testing

@Suite struct CallbackReduceLROnPlateauTests {
    @Test func reducesAfterPatienceEpochsWithoutImprovement() throws {
        let trainer = FakeTrainer(learningRate: 0.1)
        let reducer = try ReduceLROnPlateau(factor: 0.5, patience: 2)
        try trainer.fit([reducer], epochs(.valLoss, Array(repeating: 1, count: 7)))
        // epoch 1 sets the best; 2 and 3 wait; the rate halves after 3, then after 5 and 7
        #expect(trainer.learningRates == [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
        #expect(trainer.control.learningRate == 0.0125)
        #expect(trainer.model.logs.count == 3)
        #expect(trainer.model.logs[0].contains("0.1 → 0.05 after epoch 3"), "\(trainer.model.logs[0])")
    }

    @Test func cooldownDelaysTheNextCount() throws {
        let trainer = FakeTrainer(learningRate: 0.1)
        let reducer = try ReduceLROnPlateau(factor: 0.5, patience: 2, cooldown: 2)
        try trainer.fit([reducer], epochs(.valLoss, Array(repeating: 1, count: 9)))
        // after the cut at epoch 3, epochs 4 and 5 cool down; 5 and 6 then count: cut at 6, 9
        #expect(trainer.learningRates == [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025])
        #expect(trainer.control.learningRate == 0.0125)
    }

    @Test func neverGoesBelowMinLR() throws {
        let trainer = FakeTrainer(learningRate: 0.1)
        let reducer = try ReduceLROnPlateau(monitor: .loss, factor: 0.1, patience: 0, minLR: 0.005)
        try trainer.fit([reducer], epochs(.loss, Array(repeating: 1, count: 5)))
        #expect(trainer.learningRates == [0.1, 0.1, Float(0.1) * 0.1, 0.005, 0.005])
        #expect(trainer.model.logs.count == 2, "no reduction logged once at minLR: \(trainer.model.logs)")
    }

    @Test func improvementsSmallerThanMinDeltaDoNotReset() throws {
        let trainer = FakeTrainer(learningRate: 0.1)
        let reducer = try ReduceLROnPlateau(factor: 0.5, patience: 2, minDelta: 0.01)
        // 0.995 is within minDelta of 1.0 (waits); 0.98 improves (resets); 0.975, 0.972 wait
        try trainer.fit([reducer], epochs(.valLoss, [1.0, 0.995, 0.98, 0.975, 0.972]))
        #expect(trainer.learningRates == [0.1, 0.1, 0.1, 0.1, 0.1])
        #expect(trainer.control.learningRate == 0.05)
        #expect(trainer.model.logs.count == 1 && trainer.model.logs[0].contains("after epoch 5"))
    }

    @Test func autoModeMaximisesAccuracy() throws {
        let rising = epochs(.valAccuracy, [0.5, 0.6, 0.7, 0.8])
        let trainer = FakeTrainer(learningRate: 0.1)
        try trainer.fit([ReduceLROnPlateau(monitor: .valAccuracy, patience: 1)], rising)
        #expect(trainer.control.learningRate == 0.1)

        let minimising = FakeTrainer(learningRate: 0.1)
        try minimising.fit([ReduceLROnPlateau(monitor: .valAccuracy, patience: 1, mode: .min)], rising)
        #expect(minimising.learningRates == [0.1, 0.1, Float(0.1) * 0.1, Float(0.1) * 0.1 * 0.1])
    }

    @Test func aMissingMetricThrowsAtTheFirstEpochEnd() throws {
        let trainer = FakeTrainer()
        let error = #expect(throws: ConfigurationError.self) {
            try trainer.fit([ReduceLROnPlateau()], epochs(.loss, [1, 1]))
        }
        let message = error?.message ?? ""
        #expect(message.hasPrefix("ReduceLROnPlateau monitors \"val_loss\", which epoch 1 did not report"))
        #expect(trainer.learningRates == [0.1])
    }

    @Test func invalidSettingsThrow() {
        #expect(throws: ConfigurationError.self) { try ReduceLROnPlateau(factor: 1) }
        #expect(throws: ConfigurationError.self) { try ReduceLROnPlateau(factor: 0) }
        #expect(throws: ConfigurationError.self) { try ReduceLROnPlateau(patience: -1) }
        #expect(throws: ConfigurationError.self) { try ReduceLROnPlateau(cooldown: -1) }
        #expect(throws: ConfigurationError.self) { try ReduceLROnPlateau(minLR: -1e-3) }
    }
}
