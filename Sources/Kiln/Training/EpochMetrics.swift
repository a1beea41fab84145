/// What one epoch of `fit` measured. Losses are means over samples; accuracy is a fraction.
public struct EpochMetrics: Codable, Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    public var loss: Double
    public var accuracy: Double
    public var valLoss: Double?
    public var valAccuracy: Double?
    /// Learning rate in force during the epoch.
    public var learningRate: Double
    /// Training images per second (wall clock over the epoch's training steps).
    public var imagesPerSecond: Double
    public var seconds: Double

    public init(epoch: Int, loss: Double, accuracy: Double, valLoss: Double? = nil, valAccuracy: Double? = nil,
                learningRate: Double, imagesPerSecond: Double, seconds: Double) {
        self.epoch = epoch; self.loss = loss; self.accuracy = accuracy
        self.valLoss = valLoss; self.valAccuracy = valAccuracy
        self.learningRate = learningRate; self.imagesPerSecond = imagesPerSecond; self.seconds = seconds
    }

    /// A metric by its Keras name: "loss", "accuracy", "val_loss", "val_accuracy".
    public func value(of metric: String) -> Double? {
        switch metric {
        case "loss": loss
        case "accuracy": accuracy
        case "val_loss": valLoss
        case "val_accuracy": valAccuracy
        default: nil
        }
    }
}
