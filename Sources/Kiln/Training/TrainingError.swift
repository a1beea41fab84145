import Foundation

/// Why training, evaluation or prediction could not go on. One readable line each.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case notCompiled
    case invalidArgument(String)
    case inputShapeMismatch(expected: Shape, got: Shape)
    case weightCountMismatch(expected: Int, got: Int)
    case labelsDoNotFitOutput(classes: Int, outputs: Int)
    case nonFiniteLoss(epoch: Int, step: Int, learningRate: Float)

    public var description: String {
        switch self {
        case .notCompiled:
            "the model is not compiled: call compile(backend:optimizer:loss:seed:) first"
        case .invalidArgument(let message):
            message
        case .inputShapeMismatch(let expected, let got):
            "the model expects samples of shape \(expected), got \(got)"
        case .weightCountMismatch(let expected, let got):
            "the model has \(expected) weights, got \(got)"
        case .labelsDoNotFitOutput(let classes, let outputs):
            "the data has \(classes) classes but the model gives \(outputs) outputs per sample"
        case .nonFiniteLoss(let epoch, let step, let lr):
            "the loss became NaN or infinite at epoch \(epoch), step \(step): training stopped. "
                + "Try a lower learning rate (now \(lr)), e.g. --lr \(String(format: "%g", Double(lr) / 10))"
        }
    }
}
