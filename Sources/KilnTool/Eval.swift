import ArgumentParser
import Foundation
import Kiln

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a saved model on the test set: loss, accuracy, per-class accuracy, confusion matrix.",
        discussion: "Example: kiln eval m.safetensors --report eval.json --confusion-svg cm.svg")

    @OptionGroup var device: DeviceOptions
    @OptionGroup var data: DatasetOptions

    @Argument(help: "A checkpoint written by kiln train --save.")
    var checkpoint: String

    @Option(name: .customLong("batch-size"), help: "Evaluation batch size.")
    var batchSize: Int = 256

    @Flag(name: .customLong("tta-flip"), help: "Score each image by the mean of its and its mirror image's logits (test-time flip averaging).")
    var ttaFlip = false

    @Option(name: .customLong("tta-shift"), help: "Also score each image moved this many pixels right, left, down and up (and their mirror images with --tta-flip), averaging the logits of all views (default 0: none).")
    var ttaShift = 0

    @Flag(name: .customLong("allow-non-finite"), help: "Load a checkpoint even if its weights hold NaN or infinity (refused otherwise).")
    var allowNonFinite = false

    @Option(help: "Use only the first N test images.")
    var limit: Int?

    @Option(help: "Write loss, accuracy, per-class accuracy and the confusion matrix to this JSON file.")
    var report: String?

    @Option(name: .customLong("confusion-svg"), help: "Draw the confusion matrix as an SVG.")
    var confusionSVG: String?

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    /// What `--report` writes.
    struct Report: Encodable {
        var checkpoint: String
        var model: String
        var dataset: String
        var images: Int
        var loss: Double
        var accuracy: Double
        /// By class name; null for a class with no test images.
        var perClassAccuracy: [String: Double?]
        var confusionMatrix: ConfusionMatrix
    }

    mutating func run() throws {
        try runReportingErrors {
            let (backend, note) = try device.makeBackend()
            let model = try SavedModel.open(checkpoint, on: backend, batchSize: batchSize, allowNonFinite: allowNonFinite)
            print(note)
            let test = try data.load(.test, limit: limit)
            guard test.sampleShape == model.inputShape else {
                throw CheckpointError("\(checkpoint): the model takes samples of \(model.inputShape) but \(data.dataset) has \(test.sampleShape)")
            }
            let r = try model.evaluate(test, batchSize: batchSize, testTimeFlip: ttaFlip, testTimeShift: ttaShift)
            let name = model.name ?? "from its model file"
            print(String(format: "test: loss %.4f  accuracy %.4f  (%d images, model %@%@)", r.loss, r.accuracy, test.count, name,
                         TestTimeViews(flip: ttaFlip, shift: ttaShift).summary))
            let matrix = try model.confusionMatrix(test, batchSize: batchSize, testTimeFlip: ttaFlip, testTimeShift: ttaShift)
            print(matrix.text, terminator: "")
            if let confusionSVG {
                try ConfusionMatrixSVG.write(matrix, title: "\(name) on \(data.dataset) (\(test.count) test images)",
                                             to: URL(fileURLWithPath: confusionSVG))
                print("confusion matrix: \(confusionSVG)")
            }
            if let report {
                let perClass = Dictionary(uniqueKeysWithValues: zip(matrix.classNames, matrix.perClassAccuracy))
                try AtomicFile.writeJSON(Report(checkpoint: checkpoint, model: name, dataset: data.dataset, images: test.count,
                                                loss: r.loss, accuracy: r.accuracy, perClassAccuracy: perClass,
                                                confusionMatrix: matrix), to: URL(fileURLWithPath: report))
                print("report: \(report)")
            }
        }
    }
}
