import ArgumentParser
import Foundation
import Kiln

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Evaluate a saved model on the test set.")

    @OptionGroup var device: DeviceOptions
    @OptionGroup var data: DatasetOptions

    @Argument(help: "A checkpoint written by kiln train --save.")
    var checkpoint: String

    @Option(name: .customLong("batch-size"), help: "Evaluation batch size.")
    var batchSize: Int = 256

    @Flag(name: .customLong("allow-non-finite"), help: "Load a checkpoint even if its weights hold NaN or infinity (refused otherwise).")
    var allowNonFinite = false

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
    }

    mutating func run() throws {
        try runReportingErrors {
            let url = URL(fileURLWithPath: checkpoint)
            let description = try Checkpoint.description(at: url)
            guard let name = description.name else {
                throw CheckpointError("\(checkpoint) holds a custom model; load it from Swift with Checkpoint.load(into:from:)")
            }
            guard ModelZoo.names.contains(name) else {
                throw CheckpointError("\(checkpoint): unknown model '\(name)' in its metadata; this kiln knows "
                                      + ModelZoo.names.joined(separator: ", "))
            }
            let (backend, note) = try device.makeBackend()
            print(note)
            let test = try data.load(.test)
            let model: Sequential
            do { model = try ModelZoo.make(name, input: Shape(description.input), classes: description.output.reduce(1, *)) } catch {
                throw CheckpointError("\(checkpoint): cannot build its model \(name) for input \(Shape(description.input)): \(error)")
            }
            guard test.sampleShape == model.inputShape else {
                throw CheckpointError("\(checkpoint): the model takes samples of \(model.inputShape) but \(data.dataset) has \(test.sampleShape)")
            }
            try MemoryPreflight.check(model, batchSize: min(batchSize, max(test.count, 1)), training: false, on: backend)
            try model.compile(backend: backend, optimizer: Adam(), loss: .softmaxCrossEntropy)
            try Checkpoint.load(into: model, from: url, allowNonFinite: allowNonFinite)
            let r = try model.evaluate(test, batchSize: batchSize)
            print(String(format: "test: loss %.4f  accuracy %.4f  (%d images, model %@)", r.loss, r.accuracy, test.count, name))
        }
    }
}
