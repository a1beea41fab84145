import ArgumentParser
import Foundation
import Kiln

/// `kiln train --overfit N`: the sanity check of the course notes — a model that works can
/// drive the training accuracy on a handful of examples to 100 %. Trains on the first N
/// training images with regularisation off (dropout layers removed, no L2 or weight decay,
/// no augmentation, no validation split) until every one is classified right, or says that
/// it did not and what that suggests.
struct OverfitOptions: ParsableArguments {
    @Option(help: "Sanity check: train on the first N images with regularisation off until training accuracy is 100 %.")
    var overfit: Int?

    @Option(name: .customLong("overfit-epochs"), help: "With --overfit: give up after this many epochs.")
    var overfitEpochs: Int = 200

    func validate() throws {
        if let overfit, overfit < 1 { throw ValidationError("--overfit must be at least 1, got \(overfit)") }
        guard overfitEpochs >= 1 else { throw ValidationError("--overfit-epochs must be at least 1, got \(overfitEpochs)") }
    }

    /// Stops `fit` at the first epoch with training accuracy 1.
    final class StopAtFullAccuracy: Callback {
        func epochDidEnd(_ metrics: EpochMetrics, control: TrainingControl) throws {
            if metrics.accuracy >= 1 { control.requestStop(reason: "overfit: every training image is classified right") }
        }
    }

    /// The check itself; throws (exit 1) when 100 % is not reached, with what that suggests.
    func run(_ count: Int, data: Dataset, options: TrainOptions, backend: any Backend) throws {
        let train = data.prefix(count)
        let full = try options.makeModel(input: train.sampleShape, classes: max(train.classCount, 2),
                                         classNames: train.classNames)
        let file = try ModelFile(full)
        let removed = file.layerCount(ofType: "Dropout")
        let model = try file.removingLayers(ofType: "Dropout").build()
        if !options.noNormalize { model.normalizer = Normalizer(fitting: train) }
        let optimizer = try options.makeOptimizer(learningRate: options.lr, l2: 0, weightDecay: 0)
        try model.compile(backend: backend, optimizer: optimizer, loss: .softmaxCrossEntropy, seed: options.seed)
        printNow("overfit: \(train.count) images, up to \(overfitEpochs) epochs, \(optimizer); regularisation off "
                 + "(\(removed) dropout layer\(removed == 1 ? "" : "s") removed, no L2, weight decay or augmentation)")
        let history = try model.fit(train, epochs: overfitEpochs, batchSize: min(options.batchSize, train.count),
                                    callbacks: [StopAtFullAccuracy()], log: printNow)
        let last = history.epochs.last!
        if last.accuracy >= 1 {
            printNow(String(format: "overfit: passed — 100 %% training accuracy on %d images after %d epochs (loss %.4f): the model and the training loop can fit data",
                            train.count, last.epoch, last.loss))
            return
        }
        let falling = history.epochs.count > 1 && last.loss < history.epochs[0].loss
        throw CommandFailure(String(format: "overfit: failed — training accuracy reached only %.1f %% on %d images after %d epochs (loss %.4f, %@). ",
                                 100 * last.accuracy, train.count, last.epoch, last.loss,
                                 falling ? "still falling" : "not falling")
            + (falling ? "Train longer (--overfit-epochs) or raise the learning rate (--lr); "
                       : "The learning rate may be too high or too low (try --lr 10× either way); ")
            + "if that does not help, suspect the model (too small, or an activation that blocks the gradient) or the data (labels that do not match the images)")
    }
}
