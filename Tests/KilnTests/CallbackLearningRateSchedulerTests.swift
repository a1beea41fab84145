import Kiln
import Testing

@Suite struct CallbackLearningRateSchedulerTests {
    @Test func setsTheRateAtEachEpochStart() throws {
        let trainer = FakeTrainer(learningRate: 0.1)
        try trainer.fit([LearningRateScheduler(.stepDecay(every: 2, factor: 0.5))],
                        epochs(.loss, [1, 1, 1, 1, 1]))
        #expect(trainer.learningRates == [0.1, 0.1, 0.05, 0.05, 0.025])
        #expect(trainer.model.logs.isEmpty)
    }

    /// η0 is read when training begins, so a second fit starts the schedule again from the
    /// rate in force then.
    @Test func theInitialRateIsTheOneInForceWhenTrainingBegins() throws {
        let scheduler = LearningRateScheduler(try .exponential(rate: 0.5))
        let trainer = FakeTrainer(learningRate: 0.8)
        try trainer.fit([scheduler], epochs(.loss, [1, 1, 1]))
        #expect(trainer.learningRates == [0.8, 0.4, 0.2])
        trainer.control.learningRate = 2
        try trainer.fit([scheduler], epochs(.loss, [1, 1]))
        #expect(trainer.learningRates == [2, 1])
    }

    @Test func customClosureGetsTheCurrentRate() throws {
        let trainer = FakeTrainer(learningRate: 1)
        let halveAfterTwo = LearningRateSchedule.custom { epoch, rate in epoch > 2 ? rate / 2 : rate }
        try trainer.fit([LearningRateScheduler(halveAfterTwo, verbose: true)], epochs(.loss, [1, 1, 1, 1]))
        #expect(trainer.learningRates == [1, 1, 0.5, 0.25])
        #expect(trainer.model.logs == ["LearningRateScheduler: epoch 3 learning rate 1.0 → 0.5",
                                       "LearningRateScheduler: epoch 4 learning rate 0.5 → 0.25"])
    }

    @Test func aNonFiniteRateThrows() {
        let trainer = FakeTrainer()
        let broken = LearningRateSchedule.custom("broken") { _, _ in .nan }
        let error = #expect(throws: ConfigurationError.self) {
            try trainer.fit([LearningRateScheduler(broken)], epochs(.loss, [1]))
        }
        #expect(error?.message.contains("broken gave learning rate nan for epoch 1") == true)
    }
}
