import Foundation
import Kiln
import Testing

@Suite struct OptimizerConfigurationTests {
    @Test func kerasDefaults() throws {
        let sgd = SGD()
        #expect(sgd.learningRate == 0.01 && sgd.momentum == 0 && !sgd.nesterov)
        let adagrad = AdaGrad()
        #expect(adagrad.learningRate == 0.001 && adagrad.initialAccumulator == 0.1 && adagrad.epsilon == 1e-7)
        let rmsprop = RMSprop()
        #expect(rmsprop.learningRate == 0.001 && rmsprop.rho == 0.9 && rmsprop.epsilon == 1e-7)
        let adam = Adam()
        #expect(adam.learningRate == 0.001 && adam.beta1 == 0.9 && adam.beta2 == 0.999 && adam.epsilon == 1e-7)
        #expect(adam.weightDecay == 0 && adam.regularization == .none)
        #expect(Adam.adamW().weightDecay == 0.004)
    }

    @Test func stateSlotsAndInitialState() throws {
        #expect(SGD().stateSlots == 0)
        #expect(try SGD(momentum: 0.9).stateSlots == 1)
        #expect(AdaGrad().stateSlots == 1)
        #expect(RMSprop().stateSlots == 1)
        #expect(Adam().stateSlots == 2)
        #expect(try AdaGrad(initialAccumulator: 0.25).initialState1 == 0.25)
        #expect(Adam().initialState1 == 0)
        #expect(RMSprop().initialState1 == 0)
    }

    /// c1 = 1 − β1^t and c2 = 1 − β2^t, computed in Double from the Float β's.
    @Test func adamBiasCorrectionsForTheFirstSteps() throws {
        let adam = Adam()
        let expected: [(c1: Double, c2: Double)] = [(0.1, 0.001), (0.19, 0.001999), (0.271, 0.002997001)]
        for (index, e) in expected.enumerated() {
            let t = index + 1
            let u = adam.update(step: t, learningRate: 0.001)
            // Float(0.999) is 0.99900001, so c2 is off the decimal value by ~1.3e-5 relative
            #expect(abs(Double(u.biasCorrection1) - e.c1) <= 1e-6 * e.c1, "c1 at t = \(t): \(u.biasCorrection1)")
            #expect(abs(Double(u.biasCorrection2) - e.c2) <= 2e-5 * e.c2, "c2 at t = \(t): \(u.biasCorrection2)")
            let exact2 = Float(1 - pow(Double(Float(0.999)), Double(t)))
            #expect(u.biasCorrection2 == exact2)
        }
        #expect(adam.update(step: 10_000, learningRate: 0.001).biasCorrection1 == 1)
    }

    @Test func updateCarriesEverySetting() throws {
        let reg = Regularization(l1: 0.01, l2: 0.02)
        let adam = try Adam(learningRate: 0.5, beta1: 0.8, beta2: 0.99, epsilon: 1e-6,
                            regularization: reg, weightDecay: 0.03)
        let u = adam.update(step: 2, learningRate: 0.123)
        #expect(u.kind == .adam && u.learningRate == 0.123)
        #expect(u.beta1 == 0.8 && u.beta2 == 0.99 && u.epsilon == 1e-6)
        #expect(u.l1 == 0.01 && u.l2 == 0.02 && u.weightDecay == 0.03)

        let sgd = try SGD(learningRate: 0.1, momentum: 0.5, nesterov: true, regularization: .l2(0.1))
        let v = sgd.update(step: 7, learningRate: 0.05)
        #expect(v.kind == .sgd && v.learningRate == 0.05 && v.momentum == 0.5 && v.nesterov)
        #expect(v.l2 == 0.1 && v.l1 == 0 && v.weightDecay == 0)
        #expect(v.biasCorrection1 == 1 && v.biasCorrection2 == 1)

        let rms = try RMSprop(rho: 0.8, epsilon: 1e-5).update(step: 1, learningRate: 0.2)
        #expect(rms.kind == .rmsprop && rms.rho == 0.8 && rms.epsilon == 1e-5 && rms.learningRate == 0.2)
        let ada = try AdaGrad(epsilon: 1e-4).update(step: 3, learningRate: 0.3)
        #expect(ada.kind == .adagrad && ada.epsilon == 1e-4 && ada.learningRate == 0.3)
    }

    /// Each bad setting throws one line naming the parameter and the value.
    @Test func invalidSettingsThrow() {
        expectInvalid("learningRate", "-0.1") { _ = try SGD(learningRate: -0.1) }
        expectInvalid("learningRate", "inf") { _ = try Adam(learningRate: .infinity) }
        expectInvalid("learningRate", "0.0") { _ = try RMSprop(learningRate: 0) }
        expectInvalid("momentum", "1.0") { _ = try SGD(momentum: 1) }
        expectInvalid("momentum", "-0.5") { _ = try SGD(momentum: -0.5) }
        expectInvalid("nesterov", "0.0") { _ = try SGD(nesterov: true) }
        expectInvalid("beta1", "1.0") { _ = try Adam(beta1: 1) }
        expectInvalid("beta2", "1.5") { _ = try Adam(beta2: 1.5) }
        expectInvalid("epsilon", "0.0") { _ = try Adam(epsilon: 0) }
        expectInvalid("rho", "1.0") { _ = try RMSprop(rho: 1) }
        expectInvalid("epsilon", "-1e-07") { _ = try RMSprop(epsilon: -1e-7) }
        expectInvalid("initialAccumulator", "-0.1") { _ = try AdaGrad(initialAccumulator: -0.1) }
        expectInvalid("l2", "-0.01") { _ = try SGD(regularization: .l2(-0.01)) }
        expectInvalid("l1", "nan") { _ = try AdaGrad(regularization: .l1(.nan)) }
        expectInvalid("weightDecay", "-0.004") { _ = try Adam.adamW(weightDecay: -0.004) }
    }

    private func expectInvalid(_ parameter: String, _ value: String, sourceLocation: SourceLocation = #_sourceLocation,
                               _ make: () throws -> Void) {
        let error = #expect(throws: ConfigurationError.self, sourceLocation: sourceLocation) { try make() }
        let message = error?.message ?? ""
        #expect(message.contains(parameter) && message.contains(value) && !message.contains("\n"),
                "\(message)", sourceLocation: sourceLocation)
    }

    @Test func namesForTheCommandLine() throws {
        #expect(try OptimizerName(parsing: "Adam") == .adam)
        #expect(try OptimizerName(parsing: "rmsprop") == .rmsprop)

        let sgd = try #require(try OptimizerName.sgd.make() as? SGD)
        #expect(sgd.learningRate == 0.01 && sgd.momentum == 0)
        let momentum = try #require(try OptimizerName.momentum.make(learningRate: 0.05) as? SGD)
        #expect(momentum.learningRate == 0.05 && momentum.momentum == 0.9 && !momentum.nesterov)
        let nesterov = try #require(try OptimizerName.nesterov.make() as? SGD)
        #expect(nesterov.nesterov && nesterov.momentum == 0.9)
        let adamw = try #require(try OptimizerName.adamw.make(learningRate: 3e-4) as? Adam)
        #expect(adamw.learningRate == 3e-4 && adamw.weightDecay == 0.004)
        let adam = try #require(try OptimizerName.adam.make(regularization: .l2(1e-4)) as? Adam)
        #expect(adam.weightDecay == 0 && adam.regularization.l2 == 1e-4)
        #expect(try OptimizerName.adagrad.make() is AdaGrad)
        #expect(try OptimizerName.rmsprop.make() is RMSprop)

        let error = #expect(throws: ConfigurationError.self) { try OptimizerName(parsing: "adamax") }
        #expect(error?.message == "unknown optimizer \"adamax\"; valid names: "
            + "sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw")
        #expect(throws: ConfigurationError.self) { try OptimizerName.adam.make(learningRate: -1) }
    }

    @Test func descriptionsNameTheRule() throws {
        #expect(Adam.adamW().description.hasPrefix("AdamW(learningRate: 0.001"))
        #expect(Adam().description.hasPrefix("Adam(learningRate: 0.001"))
        #expect(try SGD(regularization: .l2(0.5)).description.contains("l2: 0.5"))
    }
}
