import Foundation

/// A range sampled log-uniformly: x = exp(u), u uniform in [ln min, ln max], so each decade
/// gets the same share of draws (how learning rates are searched: 1e-4…1e-3 as often as
/// 1e-2…1e-1).
public struct LogUniformRange: Sendable, Equatable, Codable {
    public let min: Double
    public let max: Double

    /// - Throws: `ConfigurationError` unless 0 < min ≤ max, both finite.
    public init(min: Double, max: Double, name: String = "range") throws {
        guard min.isFinite, max.isFinite, min > 0 else {
            throw ConfigurationError("\(name): the bounds must be positive and finite, got \(min), \(max)")
        }
        guard min <= max else { throw ConfigurationError("\(name): min \(min) > max \(max)") }
        self.min = min
        self.max = max
    }

    public func sample(using rng: inout SplitMix64) -> Double {
        guard min < max else { return min }
        let u = Double(rng.nextUniform())
        return Swift.min(Swift.max(exp(log(min) + u * (log(max) - log(min))), min), max)
    }
}

/// Random search over training hyper-parameters: learning rate, and optionally the L2
/// penalty and the batch size, each log-uniform in its range. The trials depend on the seed
/// alone (stream 7 of `SplitMix64`, apart from initialisation's and shuffling's).
public struct SearchSpace: Sendable, Equatable {
    public var learningRate: LogUniformRange
    public var l2: LogUniformRange?
    public var batchSize: LogUniformRange?

    public struct Trial: Sendable, Equatable, Codable {
        public var trial: Int
        public var learningRate: Float
        public var l2: Float?
        public var batchSize: Int?
    }

    public init(learningRate: LogUniformRange, l2: LogUniformRange? = nil, batchSize: LogUniformRange? = nil) {
        self.learningRate = learningRate; self.l2 = l2; self.batchSize = batchSize
    }

    /// `count` trials drawn from `seed` (trial numbers from 1).
    public func trials(_ count: Int, seed: UInt64) -> [Trial] {
        var rng = SplitMix64(seed: seed, stream: 7)
        return (1...Swift.max(count, 1)).prefix(count).map { t in
            let lr = Float(learningRate.sample(using: &rng))
            let l2 = self.l2.map { Float($0.sample(using: &rng)) }
            let batch = batchSize.map { Int($0.sample(using: &rng).rounded()) }
            return Trial(trial: t, learningRate: lr, l2: l2, batchSize: batch)
        }
    }
}
