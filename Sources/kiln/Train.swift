import ArgumentParser
import Foundation
import Kiln

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model and report its test loss and accuracy.",
        discussion: "Example: kiln train --device cpu --model simple-cnn --epochs 3 --limit 10000 --report r.json")

    @OptionGroup var device: DeviceOptions
    @OptionGroup var data: DatasetOptions
    @OptionGroup var options: TrainOptions

    @Option(help: "Save the trained model (safetensors checkpoint) to this path.")
    var save: String?

    @Option(help: "Write a JSON report (test loss and accuracy, per-epoch history, timings).")
    var report: String?

    @Option(help: "Append per-epoch metrics to this file (.csv or .jsonl).")
    var metrics: String?

    @Option(help: "Write the loss and accuracy curves as an SVG.")
    var curve: String?

    mutating func run() throws {
        try runReportingErrors {
            let (backend, note) = try device.makeBackend()
            printNow(note)
            var train = try data.load(.train, limit: options.limit)
            let test = try data.load(.test)
            print("data: \(data.dataset), \(train.count) training and \(test.count) test images of \(Shape(train.sampleShape))")

            let model = try ModelZoo.make(options.model, input: Shape(train.sampleShape), classes: max(train.classCount, 2))
            if !options.noNormalize {
                model.normalizer = Normalizer(fitting: train)
            }
            let optimizer = try options.makeOptimizer()
            try model.compile(backend: backend, optimizer: optimizer, loss: .softmaxCrossEntropy, seed: options.seed)
            print("model: \(options.model), \(model.parameterCount) parameters; optimizer: \(optimizer)")

            var callbacks: [any Callback] = []
            if let patience = options.earlyStoppingPatience {
                callbacks.append(try EarlyStopping(patience: patience, restoreBestWeights: true))
            }
            var log: MetricsLog? = nil
            if let metrics { log = try MetricsLog(url: URL(fileURLWithPath: metrics)) }
            let started = Date()
            let history = try model.fit(train, epochs: options.epochs, batchSize: options.batchSize,
                                        validationSplit: options.validationSplit, augmentation: options.augmentation,
                                        callbacks: callbacks + (log.map { [MetricsLogger($0)] } ?? []),
                                        log: printNow)
            let trainSeconds = Date().timeIntervalSince(started)
            train = Dataset(images: [], sampleShape: train.sampleShape, labels: [], classCount: train.classCount)

            let evaluation = try model.evaluate(test)
            print(String(format: "test: loss %.4f  accuracy %.4f  (%d images; training took %.1f s)",
                         evaluation.loss, evaluation.accuracy, test.count, trainSeconds))
            if let save {
                try Checkpoint.save(model, to: URL(fileURLWithPath: save))
                print("saved: \(save)")
            }
            if let curve {
                try LossCurveSVG.write(history.epochs, title: "\(options.model) on \(data.dataset)",
                                       to: URL(fileURLWithPath: curve))
                print("curve: \(curve)")
            }
            if let report {
                let r = TrainReport(device: backend.name, model: options.model, dataset: data.dataset,
                                    epochs: options.epochs, batchSize: options.batchSize,
                                    optimizer: optimizer.description, seed: options.seed, limit: options.limit,
                                    trainSeconds: trainSeconds, testLoss: evaluation.loss,
                                    testAccuracy: evaluation.accuracy, history: history.epochs)
                try r.write(to: URL(fileURLWithPath: report))
                print("report: \(report)")
            }
        }
    }
}

/// What `--report` writes.
struct TrainReport: Codable {
    var device: String
    var model: String
    var dataset: String
    var epochs: Int
    var batchSize: Int
    var optimizer: String
    var seed: UInt64
    var limit: Int?
    var trainSeconds: Double
    var testLoss: Double
    var testAccuracy: Double
    var history: [EpochMetrics]

    func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: url, options: .atomic)
    }
}
