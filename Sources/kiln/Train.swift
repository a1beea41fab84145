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
            let timing = SetupTiming()
            let (backend, note) = try device.makeBackend()
            print(note)
            timing.mark("backend")
            var train = try data.load(.train, limit: options.limit)
            timing.mark("training data")
            let test = try data.load(.test)
            print("data: \(data.dataset), \(train.count) training and \(test.count) test images of \(Shape(train.sampleShape))")
            timing.mark("test data")

            let model = try ModelZoo.make(options.model, input: Shape(train.sampleShape), classes: max(train.classCount, 2))
            if !options.noNormalize {
                model.normalizer = Normalizer(fitting: train)
            }
            timing.mark("normalizer")
            let optimizer = try options.makeOptimizer()
            try model.compile(backend: backend, optimizer: optimizer, loss: .softmaxCrossEntropy, seed: options.seed)
            print("model: \(options.model), \(model.parameterCount) parameters; optimizer: \(optimizer)")
            timing.mark("compile")

            var callbacks: [any Callback] = []
            if let patience = options.earlyStoppingPatience {
                callbacks.append(try EarlyStopping(patience: patience, restoreBestWeights: true))
            }
            var log: MetricsLog? = nil
            if let metrics { log = try MetricsLog(url: URL(fileURLWithPath: metrics)) }
            let started = Date()
            let history = try model.fit(train, epochs: options.epochs, batchSize: options.batchSize,
                                        validationSplit: options.validationSplit, augmentation: options.augmentation,
                                        callbacks: callbacks + (log.map { [MetricsLogger($0)] } ?? []) + timing.callbacks)
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

/// With `KILN_TIMING=1`, prints where the time before the first training step went, when
/// `fit` is about to run that step, e.g. "setup: 0.891 s to the first step (process start
/// 0.020, backend 0.055, training data 0.701, test data 0.111, normalizer 0.001, …)".
/// "backend" is where a missing program cache shows (seconds to build, vs ~0.05 s to load).
/// Process start comes from /proc/self/stat (10 ms ticks); elsewhere the sum starts at `run`.
final class SetupTiming: Callback {
    private let enabled = ProcessInfo.processInfo.environment["KILN_TIMING"] == "1"
    private let start = Date()
    private var last: Date
    private var phases: [(String, Double)] = []

    init() {
        last = start
        if enabled, let age = Self.processAge() { phases.append(("process start", age)) }
    }

    var callbacks: [any Callback] { enabled ? [self] : [] }

    func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date()
        phases.append((phase, now.timeIntervalSince(last)))
        last = now
    }

    func epochWillBegin(_ epoch: Int, control: TrainingControl) throws {
        guard epoch == 1 else { return }
        mark("fit")
        let total = phases.reduce(0) { $0 + $1.1 }
        let parts = phases.map { String(format: "%@ %.3f", $0.0, $0.1) }.joined(separator: ", ")
        print(String(format: "setup: %.3f s to the first step (%@)", total, parts))
    }

    /// Seconds between this process's start and now, from /proc (Linux), or nil.
    private static func processAge() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // starttime is field 22 of the line: index 19 of the fields after "(command)".
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]),
              let now = Double(uptime.split(separator: " ")[0]) else { return nil }
        return max(0, now - ticks / Double(sysconf(Int32(_SC_CLK_TCK))))
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
