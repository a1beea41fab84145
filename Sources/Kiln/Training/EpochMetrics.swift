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

    /// The value of `metric`, nil when the epoch did not measure it (no validation data).
    public func value(of metric: Metric) -> Double? {
        switch metric {
        case .loss: loss
        case .accuracy: accuracy
        case .valLoss: valLoss
        case .valAccuracy: valAccuracy
        }
    }

    /// The metrics this epoch has a value for, in display order.
    public var reportedMetrics: [Metric] { Metric.allCases.filter { value(of: $0) != nil } }
}

/// A metric `fit` reports per epoch; the raw value is its Keras name ("val_loss").
public enum Metric: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case loss
    case accuracy
    case valLoss = "val_loss"
    case valAccuracy = "val_accuracy"

    /// Larger is better: what `MetricMonitor.Mode.auto` resolves to (Keras: "acc" in the name).
    public var higherIsBetter: Bool { self == .accuracy || self == .valAccuracy }
    /// Measured on validation data, so only reported when `fit` has some.
    public var needsValidationData: Bool { self == .valLoss || self == .valAccuracy }
    /// The Keras name.
    public var description: String { rawValue }
}
