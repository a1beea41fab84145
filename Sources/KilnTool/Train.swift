import ArgumentParser
import Foundation
import Kiln

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model and report its test loss and accuracy.",
        discussion: """
            Example: kiln train --device cpu --model simple-cnn --epochs 3 --limit 10000 --report r.json
            Recipes: \(TrainingRecipe.all.map { "\($0.name) (\($0.purpose)): \($0.commandLine)" }.joined(separator: "; "))
            """)

    @OptionGroup var device: DeviceOptions
    @OptionGroup var data: DatasetOptions
    @OptionGroup var options: TrainOptions
    @OptionGroup var resumeOptions: ResumeOptions
    @OptionGroup var overfitOptions: OverfitOptions
    @OptionGroup var distributed: DistributedOptions

    @Option(help: "Progress: auto (a bar per epoch on a terminal, a line per epoch otherwise), bar, or lines.")
    var progress: String = "auto"

    @Option(help: "Save the trained model (safetensors checkpoint) to this path.")
    var save: String?

    @Option(help: "Write a JSON report (test loss and accuracy, per-epoch history, timings).")
    var report: String?

    @Option(help: "Append per-epoch metrics to this file (.csv or .jsonl; an existing file is kept and added to).")
    var metrics: String?

    @Option(help: "Write the loss and accuracy curves as an SVG.")
    var curve: String?

    func validate() throws {
        if resumeOptions.saveEvery != nil, save == nil { throw ValidationError("--save-every needs --save PATH") }
        guard ["auto", "bar", "lines"].contains(progress) else {
            throw ValidationError("--progress must be auto, bar or lines, got '\(progress)'")
        }
    }

    mutating func run() throws {
        var joined: DistributedJob?
        try runReportingErrors { joined = try distributed.join() }
        guard let job = joined else { return }
        try job.run {
            // Every output path is checked before any work, so none is found bad after training.
            if job.isRoot {
                try Preflight(outputs: [("--save", save), ("--report", report), ("--metrics", metrics), ("--curve", curve)]
                    .compactMap { flag, path in path.map { (flag, $0) } }).check()
            }
            let timing = SetupTiming()
            // A malformed model file, or one whose layers do not fit, fails before any data is read.
            _ = try options.modelFromFile()
            let (backend, note) = try device.makeBackend(localRank: job.size > 1 ? job.communicator.localRank : nil)
            job.log(note)
            timing.mark("backend")
            var train = try data.load(.train, limit: options.limit)
            job.log("data: \(data.dataset), \(train.count) training images of \(train.sampleShape)")
            try options.check(against: train)
            timing.mark("training data")
            if let count = overfitOptions.overfit {
                // A check of one small model and loop: nothing to gain from several processes.
                guard job.size == 1 else { throw ValidationError("--overfit runs in one process; run it without mpirun") }
                return try overfitOptions.run(count, data: train, options: options, backend: backend)
            }

            let model = try options.makeModel(input: train.sampleShape, classes: max(train.classCount, 2),
                                              classNames: train.classNames)
            if !options.noNormalize {
                model.normalizer = Normalizer(fitting: train)
            }
            timing.mark("normalizer")
            let optimizer = try options.makeOptimizer()
            let resume = try resumeOptions.source()
            try resume?.check(matches: model)
            try MemoryPreflight.check(model, batchSize: min(options.batchSize, train.count), training: true, on: backend)
            try model.compile(backend: backend, optimizer: optimizer, loss: .softmaxCrossEntropy,
                              seed: resume?.state.seed ?? options.seed)
            if let resume {
                try Checkpoint.load(into: model, from: resume.url)
                job.log("resuming: \(resume.url.path) after epoch \(resume.state.progress.epoch), step \(resume.state.step)")
            }
            model.communicator = job.training
            // After every refusal (outputs, data, memory): a refused run prints no settings.
            job.log("settings: \(options.resolvedCommandLine)" + (options.recipe.map { " (recipe \($0))" } ?? ""))
            if job.size > 1 {
                job.log("distributed: \(job.size) processes; each takes its share of every global batch of \(options.batchSize)")
            }
            job.log("model: \(model.name ?? options.modelLabel), \(model.parameterCount) parameters; optimizer: \(optimizer)")
            timing.mark("compile")

            var callbacks: [any Callback] = timing.callbacks
            if let schedule = try options.makeSchedule() { callbacks.append(schedule) }
            if job.isRoot, ProgressBar.enabled(progress) { callbacks.append(ProgressBar()) }
            if let patience = options.earlyStoppingPatience {
                callbacks.append(try EarlyStopping(patience: patience, restoreBestWeights: true))
            }
            if let metrics, job.isRoot {
                callbacks.append(MetricsLogger(try MetricsLog(url: URL(fileURLWithPath: metrics), append: true)))
            }
            let started = Date()
            // Rank 0 alone writes the periodic checkpoints (every rank holds the same model).
            let history = try model.fit(train, epochs: options.epochs, batchSize: options.batchSize,
                                        validationSplit: options.validationSplit, augmentation: options.augmentation,
                                        labelSmoothing: options.labelSmoothing,
                                        callbacks: callbacks, resume: resume?.state,
                                        checkpoint: job.isRoot ? resumeOptions.periodic(save: save) : nil, log: job.log)
            let trainSeconds = Date().timeIntervalSince(started)
            train = Dataset(images: [], sampleShape: train.sampleShape, labels: [], classCount: train.classCount)

            if let (seconds, calls) = job.gradientReduceTime?(), calls > 0 {
                job.log(String(format: "all-reduce: %.3f ms per step over %d gradients (%d steps)",
                               1000 * seconds / Double(calls), model.parameterCount, calls))
            }
            // Saved before the test set is read, so a damaged test file loses no training.
            if let save, job.isRoot {
                try Checkpoint.save(model, to: URL(fileURLWithPath: save))
                job.log("saved: \(save)")
            }
            if let curve, job.isRoot {
                try LossCurveSVG.write(history.epochs, title: "\(options.model) on \(data.dataset)",
                                       to: URL(fileURLWithPath: curve))
                job.log("curve: \(curve)")
            }
            // The test set is read only now: a second start reaches its first step sooner.
            let test = try data.load(.test)
            let evaluation = try model.evaluate(test, testTimeFlip: options.testTimeFlip, testTimeShift: options.testTimeShift)
            job.log(String(format: "test: loss %.4f  accuracy %.4f  (%d images%@; training took %.1f s)",
                            evaluation.loss, evaluation.accuracy, test.count,
                            TestTimeViews(flip: options.testTimeFlip, shift: options.testTimeShift).summary, trainSeconds))
            if let report, job.isRoot {
                let r = TrainReport(device: backend.name, model: options.model, dataset: data.dataset,
                                    epochs: options.epochs, batchSize: options.batchSize,
                                    optimizer: optimizer.description, seed: options.seed, limit: options.limit,
                                    trainSeconds: trainSeconds, testLoss: evaluation.loss,
                                    testAccuracy: evaluation.accuracy, history: history.epochs)
                try r.write(to: URL(fileURLWithPath: report))
                job.log("report: \(report)")
            }
        }
    }
}

