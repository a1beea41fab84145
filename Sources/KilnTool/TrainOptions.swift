import ArgumentParser
import Foundation
import Kiln

/// The training hyper-parameters of `kiln train`, validated before any data is read.
struct TrainOptions: ParsableArguments {
    @Option(help: "A named recipe (\(TrainingRecipe.names.joined(separator: ", "))): its model, optimizer, learning rate, schedule, L2, batch size, epochs and augmentation; explicit flags override them.")
    var recipe: String?

    @Option(name: .customLong("model"), help: "Model: \(ModelZoo.names.joined(separator: ", ")) (default simple-cnn).")
    var modelFlag: String?
    @Option(name: .customLong("model-file"), help: "A JSON model file (see kiln summary --json) instead of --model.")
    var modelFile: String?

    @Option(name: .customLong("epochs"), help: "Number of epochs (default 3).")
    var epochsFlag: Int?

    @Option(name: .customLong("batch-size"), help: "Mini-batch size (default 32).")
    var batchSizeFlag: Int?

    @Option(name: .customLong("optimizer"), help: "Optimizer: \(OptimizerName.allCases.map(\.rawValue).joined(separator: ", ")) (default adam).")
    var optimizerFlag: String?

    @Option(name: .customLong("lr"), help: "Learning rate (default: the optimizer's Keras default, e.g. 0.001 for adam).")
    var lrFlag: Float?

    @Option(name: .customLong("l2"), help: "L2 penalty coefficient (loss += l2·Σw² over weights; default 0).")
    var l2Flag: Float?

    @Option(name: .customLong("schedule"), help: "Learning-rate schedule: constant, or cosine (half a cosine to 0 over the epochs). Default constant.")
    var scheduleFlag: String?

    @Option(name: .customLong("weight-decay"), help: "Decoupled weight decay λ (AdamW-style; adamw defaults to 0.004).")
    var weightDecay: Float?

    @Option(help: "Seed for initialisation, shuffling, augmentation and dropout.")
    var seed: UInt64 = 1

    @Option(help: "Use only the first N training images.")
    var limit: Int?

    @Option(name: .customLong("validation-split"), help: "Hold out this last fraction of the training data for validation.")
    var validationSplit: Double = 0

    @Option(name: .customLong("early-stopping"), help: "Stop after this many epochs without val_loss improvement (needs validation), restoring the best weights.")
    var earlyStoppingPatience: Int?

    @Flag(name: .customLong("no-normalize"), help: "Do not standardise inputs with statistics fitted on the training data.")
    var noNormalize = false

    @Option(name: .customLong("augment-flip"), help: "Probability of a horizontal flip per training image (default 0).")
    var flipFlag: Float?

    @Option(name: .customLong("augment-shift"), help: "Random translation of training images by up to this many pixels (default 0).")
    var shiftFlag: Int?

    @Option(name: .customLong("augment-erase"), help: "Probability of random erasing (one black rectangle of 2–33% of the area) per training image (default 0).")
    var eraseFlag: Float?

    @Option(name: .customLong("label-smoothing"), help: "Label smoothing ε in [0, 1): training targets put ε/K on every class and 1 − ε + ε/K on the label (PyTorch's label_smoothing; default 0).")
    var labelSmoothingFlag: Float?

    @Option(name: .customLong("tta-flip"), help: "Score the test set by the mean of each image's and its mirror image's logits: true or false (default false).")
    var ttaFlipFlag: Bool?

    @Option(name: .customLong("tta-shift"), help: "Also score the test set's images moved this many pixels right, left, down and up (and their mirror images with --tta-flip), averaging the logits of all views (default 0: none).")
    var ttaShiftFlag: Int?

    // Each setting: the explicit flag, else the recipe's value, else the default.
    var recipeValues: TrainingRecipe? { recipe.flatMap(TrainingRecipe.named) }
    var model: String { modelFlag ?? recipeValues?.model ?? "simple-cnn" }
    var epochs: Int { epochsFlag ?? recipeValues?.epochs ?? 3 }
    var batchSize: Int { batchSizeFlag ?? recipeValues?.batchSize ?? 32 }
    var optimizer: String { optimizerFlag ?? recipeValues?.optimizer ?? "adam" }
    var lr: Float? { lrFlag ?? recipeValues?.learningRate }
    var l2: Float { l2Flag ?? recipeValues?.l2 ?? 0 }
    var schedule: String { scheduleFlag ?? recipeValues?.schedule ?? "constant" }
    var flipProbability: Float { flipFlag ?? recipeValues?.flipProbability ?? 0 }
    var maxShift: Int { shiftFlag ?? recipeValues?.maxShift ?? 0 }
    var erasingProbability: Float { eraseFlag ?? recipeValues?.erasingProbability ?? 0 }
    var labelSmoothing: Float { labelSmoothingFlag ?? recipeValues?.labelSmoothing ?? 0 }
    var testTimeFlip: Bool { ttaFlipFlag ?? recipeValues?.testTimeFlip ?? false }
    var testTimeShift: Int { ttaShiftFlag ?? recipeValues?.testTimeShift ?? 0 }

    /// The settings in force, as the flags that spell them out.
    var resolvedCommandLine: String {
        (modelFile.map { "--model-file \($0)" } ?? "--model \(model)") + " --optimizer \(optimizer) --lr \(lr.map { "\($0)" } ?? "default") --l2 \(l2) "
            + "--batch-size \(batchSize) --epochs \(epochs) --schedule \(schedule) --augment-flip \(flipProbability) "
            + "--augment-shift \(maxShift) --augment-erase \(erasingProbability) --label-smoothing \(labelSmoothing) "
            + "--tta-flip \(testTimeFlip) --tta-shift \(testTimeShift)"
    }

    func validate() throws {
        if let recipe, TrainingRecipe.named(recipe) == nil {
            throw ValidationError("unknown recipe '\(recipe)'; available: \(TrainingRecipe.names.joined(separator: ", "))")
        }
        guard ["constant", "cosine"].contains(schedule) else {
            throw ValidationError("--schedule must be constant or cosine, got '\(schedule)'")
        }
        guard ModelZoo.names.contains(model) else {
            throw ValidationError("unknown model '\(model)'; available: \(ModelZoo.names.joined(separator: ", "))")
        }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let lr, !(lr.isFinite && lr > 0) {
            throw ValidationError("--lr must be a positive finite number, got \(lr)")
        }
        guard l2.isFinite, l2 >= 0 else { throw ValidationError("--l2 must be a non-negative number, got \(l2)") }
        if let weightDecay, !(weightDecay.isFinite && weightDecay >= 0) {
            throw ValidationError("--weight-decay must be a non-negative number, got \(weightDecay)")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        guard validationSplit >= 0, validationSplit < 1 else {
            throw ValidationError("--validation-split must be in [0, 1), got \(validationSplit)")
        }
        if let p = earlyStoppingPatience {
            guard p >= 0 else { throw ValidationError("--early-stopping must be at least 0, got \(p)") }
            guard validationSplit > 0 else { throw ValidationError("--early-stopping needs --validation-split") }
        }
        for (flag, p) in [("--augment-flip", flipProbability), ("--augment-erase", erasingProbability)] where !(0...1).contains(p) {
            throw ValidationError("\(flag) must be in [0, 1], got \(p)")
        }
        guard labelSmoothing.isFinite, labelSmoothing >= 0, labelSmoothing < 1 else {
            throw ValidationError("--label-smoothing must be in [0, 1), got \(labelSmoothing)")
        }
        guard maxShift >= 0 else { throw ValidationError("--augment-shift must be at least 0, got \(maxShift)") }
        guard testTimeShift >= 0 else { throw ValidationError("--tta-shift must be at least 0, got \(testTimeShift)") }
        guard maxShift <= Self.maxShiftLimit else {
            throw ValidationError("--augment-shift must be at most \(Self.maxShiftLimit) pixels, got \(maxShift)")
        }
        _ = try makeOptimizer()
    }

    /// Augmentation's own bound on the translation (`Augmentation.problem`).
    static let maxShiftLimit = 1 << 20

    /// The checks that need the data: shifts smaller than the images (the test-time one too,
    /// before hours of training), a validation split that leaves samples to train on.
    func check(against data: Dataset) throws {
        let dims = data.sampleShape.dims
        for (flag, shift) in [("--augment-shift", maxShift), ("--tta-shift", testTimeShift)]
            where shift > 0 && dims.count == 3 && shift >= min(dims[1], dims[2]) {
            throw ValidationError("\(flag) \(shift) must be smaller than the \(dims[1])×\(dims[2]) images")
        }
        if validationSplit > 0 {
            let kept = Int((Double(data.count) * (1 - validationSplit)).rounded(.down))
            if kept < 1 {
                throw ValidationError("--validation-split \(validationSplit) of \(data.count) images leaves none for training; "
                                      + "use a smaller split (at most \(String(format: "%.4g", 1 - 1 / Double(max(data.count, 1))))) or more images")
            }
        }
    }

    func makeOptimizer() throws -> any Optimizer {
        try makeOptimizer(learningRate: lr, l2: l2, weightDecay: weightDecay)
    }

    /// The optimizer with some settings replaced (search trials, the overfit check).
    func makeOptimizer(learningRate: Float?, l2: Float?, weightDecay: Float?) throws -> any Optimizer {
        do {
            return try OptimizerName(parsing: optimizer).make(learningRate: learningRate, regularization: .l2(l2 ?? self.l2),
                                                              weightDecay: weightDecay)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The learning-rate schedule callback, nil for a constant rate.
    func makeSchedule() throws -> LearningRateScheduler? {
        schedule == "cosine" ? LearningRateScheduler(try .cosine(epochs: epochs)) : nil
    }

    /// The model of --model-file, read and built (errors name the file and the JSON path of
    /// the fault); nil without --model-file.
    func modelFromFile() throws -> Sequential? {
        try modelFile.map { URL(fileURLWithPath: $0) }.map { try ModelFile(contentsOf: $0).build(describedIn: $0) }
    }

    /// The model for data of `input` shape and `classes` classes: the model file, or the zoo
    /// model; class names from the file, else from the data.
    func makeModel(input: Shape, classes: Int, classNames: [String]?) throws -> Sequential {
        let model = try modelFromFile() ?? ModelZoo.make(self.model, input: input, classes: classes)
        if model.classNames == nil, classNames?.count == model.outputShape.count { model.classNames = classNames }
        return model
    }

    /// What the model is called in messages and reports.
    var modelLabel: String { modelFile ?? model }

    var augmentation: Augmentation? {
        let a = Augmentation(horizontalFlipProbability: flipProbability, maxTranslation: maxShift,
                             erasingProbability: erasingProbability)
        return a.isIdentity ? nil : a
    }
}
