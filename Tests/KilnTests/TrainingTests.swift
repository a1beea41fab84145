import Foundation
import Testing
@testable import Kiln

@Suite("Training")
struct TrainingTests {
    func trained(seed: UInt64, epochs: Int = 2) throws -> (Sequential, History) {
        let model = try TestData.smallModel()
        try model.compile(backend: CPUBackend(), optimizer: try Adam(learningRate: 0.01), loss: .softmaxCrossEntropy, seed: seed)
        let history = try model.fit(TestData.stripes(count: 90), epochs: epochs, batchSize: 16,
                                    validationSplit: 0.2, log: { _ in })
        return (model, history)
    }

    @Test func sameSeedGivesBitIdenticalRuns() throws {
        let (a, ha) = try trained(seed: 42)
        let (b, hb) = try trained(seed: 42)
        #expect(try a.weights() == b.weights())
        #expect(ha.epochs.map(\.loss) == hb.epochs.map(\.loss))
        #expect(ha.epochs.map(\.valAccuracy) == hb.epochs.map(\.valAccuracy))
    }

    @Test func differentSeedsGiveDifferentRuns() throws {
        let (a, _) = try trained(seed: 1)
        let (b, _) = try trained(seed: 2)
        #expect(try a.weights() != b.weights())
    }

    @Test func learnsSyntheticData() throws {
        let (model, history) = try trained(seed: 3, epochs: 6)
        #expect(history.epochs.last!.loss < history.epochs.first!.loss)
        let r = try model.evaluate(TestData.stripes(count: 60, seed: 9))
        #expect(r.accuracy > 0.9, "accuracy \(r.accuracy)")
    }

    @Test func nonFiniteLossStopsTrainingWithAdvice() throws {
        let model = try TestData.smallModel()
        try model.compile(backend: CPUBackend(), optimizer: SGD(), loss: .softmaxCrossEntropy, seed: 1)
        var w = try model.weights()
        w.parameters[w.parameters.count - 1] = .nan  // the last bias: every logit row sees it
        try model.setWeights(w)
        #expect {
            _ = try model.fit(TestData.stripes(count: 32), epochs: 1, batchSize: 8, log: { _ in })
        } throws: { error in
            guard case TrainingError.nonFiniteLoss = error else { return false }
            return "\(error)".contains("lower learning rate")
        }
    }

    @Test func singleClassValidationSplitIsWarned() throws {
        var data = TestData.stripes(count: 40)
        // Class-sorted data: the last fraction holds only the last class.
        let order = data.labels.indices.sorted { data.labels[$0] < data.labels[$1] }
        data = data.subset(order)
        let model = try TestData.smallModel()
        try model.compile(backend: CPUBackend(), optimizer: Adam(), loss: .softmaxCrossEntropy, seed: 1)
        var lines: [String] = []
        _ = try model.fit(data, epochs: 1, batchSize: 8, validationSplit: 0.1, log: { lines.append($0) })
        #expect(lines.contains { $0.hasPrefix("warning:") && $0.contains("only class 2") })
    }

    @Test func badArgumentsAreClearErrors() throws {
        let model = try TestData.smallModel()
        #expect(throws: TrainingError.notCompiled) { _ = try model.evaluate(TestData.stripes(count: 4)) }
        try model.compile(backend: CPUBackend(), optimizer: Adam(), loss: .softmaxCrossEntropy)
        let data = TestData.stripes(count: 8)
        #expect(throws: TrainingError.invalidArgument("batch size must be at least 1, got 0")) {
            _ = try model.fit(data, epochs: 1, batchSize: 0, log: { _ in })
        }
        #expect(throws: TrainingError.invalidArgument("epochs must be at least 1, got 0")) {
            _ = try model.fit(data, epochs: 0, log: { _ in })
        }
        #expect(throws: TrainingError.invalidArgument("validation split must be in [0, 1), got 1.0")) {
            _ = try model.fit(data, epochs: 1, validationSplit: 1, log: { _ in })
        }
        let wrongShape = Dataset(images: [Float](repeating: 0, count: 2 * 25), sampleShape: [1, 5, 5], labels: [0, 1], classCount: 2)
        #expect(throws: TrainingError.invalidArgument("training samples have shape [1, 5, 5], the model expects [1, 8, 8]")) {
            _ = try model.fit(wrongShape, epochs: 1, log: { _ in })
        }
        let tooManyClasses = Dataset(images: [Float](repeating: 0, count: 64), sampleShape: [1, 8, 8], labels: [7], classCount: 8)
        #expect(throws: TrainingError.labelsDoNotFitOutput(classes: 8, outputs: 3)) {
            _ = try model.fit(tooManyClasses, epochs: 1, log: { _ in })
        }
    }

    @Test func monteCarloDropoutVariesAndInferenceDoesNot() throws {
        let (model, _) = try trained(seed: 5)
        let data = TestData.stripes(count: 10, seed: 4)
        #expect(try model.predict(data) == model.predict(data))
        let mc = try model.predictMonteCarlo(data, samples: 8)
        #expect(mc.std.values.contains { $0 > 0 })
        #expect(mc.mean.shape == [10, 3] && mc.std.shape == [10, 3])
        // Probabilities: each row of the mean sums to 1.
        for row in 0..<10 {
            #expect(abs(mc.mean[row].reduce(0, +) - 1) < 1e-5)
        }
    }

    @Test func predictTakesUnlabelledSamplesAndGivesOneRowPerSample() throws {
        let (model, _) = try trained(seed: 5)
        let data = TestData.stripes(count: 7, seed: 4)
        let samples = try Samples(data.images, sampleShape: data.sampleShape)
        let outputs = try model.predict(samples, batchSize: 3)
        #expect(outputs.shape == [7, 3])
        #expect(outputs == (try model.predict(data)))
        #expect(outputs.rows.count == 7 && outputs.rows[6] == Array(outputs[6]))
        #expect(outputs[2, 1] == outputs.values[2 * 3 + 1])
        let probabilities = try model.predictProbabilities(samples)
        for row in 0..<7 { #expect(abs(probabilities[row].reduce(0, +) - 1) < 1e-5) }
        #expect(throws: TrainingError.inputShapeMismatch(expected: [1, 8, 8], got: [64])) {
            _ = try model.predict(try Samples(data.images, sampleShape: [64]))
        }
        #expect(throws: TrainingError.self) { _ = try Samples([1, 2, 3], sampleShape: [2]) }
    }
}
