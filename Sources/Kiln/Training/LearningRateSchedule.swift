import Foundation

/// The learning rate for each epoch, as a function of the epoch (1-based, as `fit` counts),
/// the initial rate η0 (the rate in force when training began) and the rate now in force.
/// Apply one with the `LearningRateScheduler` callback. Built-in forms, with e = epoch − 1
/// (epochs completed, so the first epoch always runs at η0), computed in Double and rounded
/// to Float once:
///
///     constant        η0
///     stepDecay       η0 · factor^⌊e / every⌋                       (PyTorch `StepLR`)
///     exponential     η0 · rate^e                                   (PyTorch `ExponentialLR`)
///     cosine          ηmin + (η0 − ηmin) · (1 + cos(π · min(e, T) / T)) / 2
///                     reaching ηmin at epoch T + 1 and staying there (PyTorch's
///                     `CosineAnnealingLR` would rise again; Keras's `CosineDecay` takes ηmin
///                     as a fraction `alpha` of η0, here it is a rate)
///     custom          any closure (epoch, current rate) → rate, Keras's `LearningRateScheduler`
///                     form, except that the epoch is 1-based
public struct LearningRateSchedule: Sendable, CustomStringConvertible {
    public let description: String
    private let rule: @Sendable (_ epoch: Int, _ initial: Float, _ current: Float) -> Float

    private init(_ description: String, _ rule: @escaping @Sendable (Int, Float, Float) -> Float) {
        self.description = description
        self.rule = rule
    }

    /// The rate for `epoch` (≥ 1).
    public func learningRate(epoch: Int, initial: Float, current: Float) -> Float {
        precondition(epoch >= 1, "epochs are 1-based, got \(epoch)")
        return rule(epoch, initial, current)
    }

    /// η0 every epoch.
    public static let constant = LearningRateSchedule("constant") { _, initial, _ in initial }

    /// η0 · factor^⌊(epoch − 1) / every⌋: multiply by `factor` every `every` epochs.
    /// - Throws: `ConfigurationError` unless every ≥ 1 and factor is positive and finite.
    public static func stepDecay(every: Int, factor: Float) throws -> LearningRateSchedule {
        try Validate.positive(every, "every", in: "stepDecay")
        try Validate.positive(factor, "factor", in: "stepDecay")
        return LearningRateSchedule("stepDecay(every: \(every), factor: \(factor))") { epoch, initial, _ in
            Float(Double(initial) * pow(Double(factor), Double((epoch - 1) / every)))
        }
    }

    /// η0 · rate^(epoch − 1).
    /// - Throws: `ConfigurationError` unless rate is positive and finite.
    public static func exponential(rate: Float) throws -> LearningRateSchedule {
        try Validate.positive(rate, "rate", in: "exponential")
        return LearningRateSchedule("exponential(rate: \(rate))") { epoch, initial, _ in
            Float(Double(initial) * pow(Double(rate), Double(epoch - 1)))
        }
    }

    /// Half a cosine from η0 down to `minimum` over `epochs` epochs (T), then `minimum`.
    /// - Throws: `ConfigurationError` unless epochs ≥ 1 and minimum is finite and ≥ 0.
    public static func cosine(epochs: Int, minimum: Float = 0) throws -> LearningRateSchedule {
        try Validate.positive(epochs, "epochs", in: "cosine")
        try Validate.nonNegative(minimum, "minimum", in: "cosine")
        return LearningRateSchedule("cosine(epochs: \(epochs), minimum: \(minimum))") { epoch, initial, _ in
            let progress = Double(min(epoch - 1, epochs)) / Double(epochs)
            let low = Double(minimum)
            return Float(low + (Double(initial) - low) * (1 + cos(Double.pi * progress)) / 2)
        }
    }

    /// Any rule: `rate(epoch, current)` with the 1-based epoch and the rate now in force.
    public static func custom(_ name: String = "custom",
                              _ rate: @escaping @Sendable (_ epoch: Int, _ current: Float) -> Float)
        -> LearningRateSchedule
    {
        LearningRateSchedule(name) { epoch, _, current in rate(epoch, current) }
    }
}
