import Foundation
import Kiln
import Testing
import KilnCheck

@Suite struct ScheduleTests {
    private func rates(_ schedule: LearningRateSchedule, initial: Float, epochs: Int) -> [Float] {
        (1...epochs).map { schedule.learningRate(epoch: $0, initial: initial, current: 123) }
    }

    private func expectRates(_ actual: [Float], _ expected: [Double],
                             sourceLocation: SourceLocation = #_sourceLocation) {
        expectElementwise(actual, expected, absolute: 0, relative: 1e-6, "rates", sourceLocation: sourceLocation)
    }

    @Test func constantKeepsTheInitialRate() {
        #expect(rates(.constant, initial: 0.3, epochs: 3) == [0.3, 0.3, 0.3])
    }

    @Test func stepDecayMultipliesEveryNEpochs() throws {
        expectRates(rates(try .stepDecay(every: 3, factor: 0.1), initial: 1, epochs: 7),
                    [1, 1, 1, 0.1, 0.1, 0.1, 0.01])
        expectRates(rates(try .stepDecay(every: 1, factor: 0.5), initial: 0.1, epochs: 3), [0.1, 0.05, 0.025])
    }

    @Test func exponentialStartsAtTheInitialRate() throws {
        expectRates(rates(try .exponential(rate: 0.9), initial: 0.1, epochs: 4), [0.1, 0.09, 0.081, 0.0729])
    }

    @Test func cosineAnnealsToTheMinimumAndStays() throws {
        let half = 2.0.squareRoot() / 2  // cos(π/4)
        expectRates(rates(try .cosine(epochs: 4, minimum: 0.01), initial: 0.1, epochs: 6),
                    [0.1, 0.01 + 0.09 * (1 + half) / 2, 0.055, 0.01 + 0.09 * (1 - half) / 2, 0.01, 0.01])
        expectRates(rates(try .cosine(epochs: 2), initial: 1, epochs: 3), [1, 0.5, 0])
    }

    @Test func customSeesTheOneBasedEpochAndTheCurrentRate() {
        let schedule = LearningRateSchedule.custom { epoch, current in current + Float(epoch) }
        #expect(schedule.learningRate(epoch: 1, initial: 0.5, current: 10) == 11)
        #expect(schedule.learningRate(epoch: 3, initial: 0.5, current: 10) == 13)
        #expect(schedule.description == "custom")
        #expect(LearningRateSchedule.custom("warm-up") { _, c in c }.description == "warm-up")
    }

    @Test func descriptions() throws {
        let step = try LearningRateSchedule.stepDecay(every: 10, factor: 0.5)
        #expect(step.description == "stepDecay(every: 10, factor: 0.5)")
        #expect(try LearningRateSchedule.cosine(epochs: 20).description == "cosine(epochs: 20, minimum: 0.0)")
    }

    @Test func invalidParametersThrow() {
        #expect(throws: ConfigurationError.self) { try LearningRateSchedule.stepDecay(every: 0, factor: 0.5) }
        #expect(throws: ConfigurationError.self) { try LearningRateSchedule.stepDecay(every: 2, factor: -0.5) }
        #expect(throws: ConfigurationError.self) { try LearningRateSchedule.exponential(rate: 0) }
        #expect(throws: ConfigurationError.self) { try LearningRateSchedule.exponential(rate: .infinity) }
        #expect(throws: ConfigurationError.self) { try LearningRateSchedule.cosine(epochs: 0) }
        #expect(throws: ConfigurationError.self) { try LearningRateSchedule.cosine(epochs: 5, minimum: -1) }
    }
}
