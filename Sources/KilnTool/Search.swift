import ArgumentParser
import Foundation
import Kiln

/// `kiln search`: random search over the learning rate (and optionally L2 and batch size),
/// log-uniform in the given ranges; each trial trains a few epochs on a validation split;
/// the table is sorted by validation accuracy.
struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Random search for a learning rate (and optionally L2, batch size) on a validation split.",
        discussion: """
            Each trial draws its values log-uniformly from the ranges (seeded: the same --seed gives the same \
            trials and, on the CPU backend, the same results), builds the model afresh with the same initial \
            weights, and trains --epochs epochs on the training data minus the last --validation-split (0.2 \
            unless given). Other training flags (--model, --model-file, --optimizer, --limit, ...) apply to every trial. \
            Example: kiln search --model mlp --lr-range 1e-4,1e-1 --trials 8 --epochs 2 --limit 5000 --json s.json
            """)

    @OptionGroup var device: DeviceOptions
    @OptionGroup var data: DatasetOptions
    @OptionGroup var options: TrainOptions

    @Option(name: .customLong("lr-range"), help: "Learning-rate range MIN,MAX (log-uniform).")
    var lrRange: String = "1e-4,1e-1"

    @Option(name: .customLong("l2-range"), help: "Also search the L2 penalty in MIN,MAX (log-uniform).")
    var l2Range: String?

    @Option(name: .customLong("batch-size-range"), help: "Also search the batch size in MIN,MAX (log-uniform, rounded).")
    var batchSizeRange: String?

    @Option(help: "Number of trials.")
    var trials: Int = 8

    @Option(help: "Write the trials and their results to this JSON file.")
    var json: String?

    @Option(name: .customLong("save-best"), help: "Save the best trial's model (checkpoint) to this path.")
    var saveBest: String?

    func validate() throws {
        guard trials >= 1 else { throw ValidationError("--trials must be at least 1, got \(trials)") }
    }

    /// The search space from the range flags; a bad range is a one-line error (checked first
    /// thing in `run`, so it is one line without the usage text).
    func space() throws -> SearchSpace {
        func range(_ text: String, _ flag: String) throws -> LogUniformRange {
            let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let lo = parts[0], let hi = parts[1] else {
                throw CommandFailure("\(flag) must be MIN,MAX (two numbers), got '\(text)'")
            }
            do { return try LogUniformRange(min: lo, max: hi, name: flag) } catch { throw CommandFailure("\(error)") }
        }
        let batch = try batchSizeRange.map { try range($0, "--batch-size-range") }
        if let batch, batch.min < 1 { throw CommandFailure("--batch-size-range: the smallest batch size is 1, got \(batch.min)") }
        return SearchSpace(learningRate: try range(lrRange, "--lr-range"), l2: try l2Range.map { try range($0, "--l2-range") },
                           batchSize: batch)
    }

    struct Result: Codable {
        var trial: SearchSpace.Trial
        var loss: Double
        var accuracy: Double
        var valLoss: Double
        var valAccuracy: Double
    }

    mutating func run() throws {
        try runReportingErrors {
            let space = try space()
            _ = try options.modelFromFile()
            let (backend, note) = try device.makeBackend()
            printNow(note)
            let train = try data.load(.train, limit: options.limit)
            let split = options.validationSplit > 0 ? options.validationSplit : 0.2
            let trials = space.trials(trials, seed: options.seed)
            printNow("search: \(trials.count) trials of \(options.epochs) epoch\(options.epochs == 1 ? "" : "s") on \(train.count) images, validation split \(split), seed \(options.seed)")
            printNow(Self.header)
            var results: [Result] = []
            var best: Double = -1
            for t in trials {
                let model = try options.makeModel(input: train.sampleShape, classes: max(train.classCount, 2),
                                                  classNames: train.classNames)
                if !options.noNormalize { model.normalizer = Normalizer(fitting: train) }
                try model.compile(backend: backend, optimizer: try options.makeOptimizer(learningRate: t.learningRate, l2: t.l2, weightDecay: options.weightDecay),
                                  loss: .softmaxCrossEntropy, seed: options.seed)
                let h = try model.fit(train, epochs: options.epochs, batchSize: t.batchSize ?? options.batchSize,
                                      validationSplit: split, augmentation: options.augmentation, log: { _ in })
                let last = h.epochs.last!
                let r = Result(trial: t, loss: last.loss, accuracy: last.accuracy,
                               valLoss: last.valLoss ?? .nan, valAccuracy: last.valAccuracy ?? 0)
                results.append(r)
                printNow(Self.row(r, rank: nil))
                if let saveBest, r.valAccuracy > best {
                    best = r.valAccuracy
                    try Checkpoint.save(model, to: URL(fileURLWithPath: saveBest), includeResumeState: false)
                }
            }
            let ranked = results.enumerated().sorted { ($0.element.valAccuracy, -$0.offset) > ($1.element.valAccuracy, -$1.offset) }.map(\.element)
            print("\nby validation accuracy:\n" + Self.header)
            for (i, r) in ranked.enumerated() { print(Self.row(r, rank: i + 1)) }
            if let saveBest { print("saved the best (trial \(ranked[0].trial.trial)): \(saveBest)") }
            if let json {
                struct File: Codable { var seed: UInt64; var epochs: Int; var validationSplit: Double; var trials: [Result]; var best: Result }
                try AtomicFile.writeJSON(File(seed: options.seed, epochs: options.epochs, validationSplit: split,
                                              trials: ranked, best: ranked[0]), to: URL(fileURLWithPath: json))
                print("json: \(json)")
            }
        }
    }

    static let widths = [4, 5, 10, 10, 5, 7, 8, 8, 0]

    static func line(_ cells: [String]) -> String {
        zip(cells, widths).map { $0 + String(repeating: " ", count: max(0, $1 - $0.count)) }.joined(separator: "  ")
    }

    static let header = line(["rank", "trial", "lr", "l2", "batch", "loss", "accuracy", "val_loss", "val_accuracy"])

    static func row(_ r: Result, rank: Int?) -> String {
        line([rank.map(String.init) ?? "", String(r.trial.trial), String(format: "%.3e", Double(r.trial.learningRate)),
              r.trial.l2.map { String(format: "%.3e", Double($0)) } ?? "-", r.trial.batchSize.map(String.init) ?? "-",
              String(format: "%.4f", r.loss), String(format: "%.4f", r.accuracy), String(format: "%.4f", r.valLoss),
              String(format: "%.4f", r.valAccuracy)])
    }
}
