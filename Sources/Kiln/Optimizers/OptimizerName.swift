/// The optimizers by the names the command line takes (`--optimizer adam`).
public enum OptimizerName: String, CaseIterable, Sendable {
    /// Plain `SGD` (momentum 0).
    case sgd
    /// `SGD` with momentum 0.9.
    case momentum
    /// `SGD` with momentum 0.9 and Nesterov's look-ahead.
    case nesterov
    case adagrad
    case rmsprop
    case adam
    /// `Adam.adamW` (decoupled weight decay, default 0.004).
    case adamw

    /// Parses a name, ignoring case.
    /// - Throws: `ConfigurationError` listing the valid names.
    public init(parsing text: String) throws {
        guard let name = OptimizerName(rawValue: text.lowercased()) else {
            let valid = OptimizerName.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError("unknown optimizer \"\(text)\"; valid names: \(valid)")
        }
        self = name
    }

    /// The optimizer with this name and its defaults, except for the options given.
    /// `weightDecay` nil means 0, or `Adam.defaultAdamWWeightDecay` for `adamw`.
    public func make(learningRate: Float? = nil, regularization: Regularization = .none,
                     weightDecay: Float? = nil) throws -> any Optimizer {
        let decay = weightDecay ?? 0
        switch self {
        case .sgd:
            return try SGD(learningRate: learningRate ?? SGD.defaultLearningRate,
                           regularization: regularization, weightDecay: decay)
        case .momentum, .nesterov:
            return try SGD(learningRate: learningRate ?? SGD.defaultLearningRate,
                           momentum: 0.9, nesterov: self == .nesterov,
                           regularization: regularization, weightDecay: decay)
        case .adagrad:
            return try AdaGrad(learningRate: learningRate ?? AdaGrad.defaultLearningRate,
                               regularization: regularization, weightDecay: decay)
        case .rmsprop:
            return try RMSprop(learningRate: learningRate ?? RMSprop.defaultLearningRate,
                               regularization: regularization, weightDecay: decay)
        case .adam:
            return try Adam(learningRate: learningRate ?? Adam.defaultLearningRate,
                            regularization: regularization, weightDecay: decay)
        case .adamw:
            return try Adam.adamW(learningRate: learningRate ?? Adam.defaultLearningRate,
                                  weightDecay: weightDecay ?? Adam.defaultAdamWWeightDecay,
                                  regularization: regularization)
        }
    }
}
