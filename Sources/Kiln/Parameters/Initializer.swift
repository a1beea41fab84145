import Foundation

/// How a parameter's first values are drawn. Initialisation runs on the host from a
/// `SplitMix64` (then the values are uploaded), so a seed gives the same weights on every
/// backend. Values are drawn in element order; `zeros` and `constant` draw nothing.
///
/// The variance-scaling family follows Keras (`VarianceScaling`), with n = fanIn, fanOut
/// or their mean as named:
///
///     glorotUniform   U(−a, a),  a = sqrt(6 / (fanIn + fanOut))      (Keras's Dense/Conv default)
///     heUniform       U(−a, a),  a = sqrt(6 / fanIn)
///     lecunUniform    U(−a, a),  a = sqrt(3 / fanIn)
///     glorotNormal    truncated normal, std of the result sqrt(2 / (fanIn + fanOut))
///     heNormal        truncated normal, std of the result sqrt(2 / fanIn)
///     lecunNormal     truncated normal, std of the result sqrt(1 / fanIn)
///
/// "Truncated normal" is Keras's: z ~ N(0, 1) redrawn until |z| ≤ 2, times
/// σ = sqrt(scale / n) / 0.87962566103423978, the divisor being the standard deviation of a
/// standard normal truncated to [−2, 2]; so the values lie in [−2σ, 2σ] and their standard
/// deviation is sqrt(scale / n). PyTorch's `xavier_normal_` and `kaiming_normal_` use an
/// untruncated normal of that std instead, and PyTorch's layer default is not Glorot but
/// `kaiming_uniform_(a: sqrt(5))`, i.e. U(±sqrt(1/fanIn)).
///
/// `normal` is a plain (untruncated) N(mean, std²); `uniform` draws from [low, high) in Double
/// and rounds to Float (so a value may round onto `high`).
public enum Initializer: Hashable, Sendable {
    case zeros
    case constant(Float)
    case normal(mean: Float, std: Float)
    case uniform(low: Float, high: Float)
    case glorotUniform
    case glorotNormal
    case heUniform
    case heNormal
    case lecunUniform
    case lecunNormal

    /// N(0, 0.01²), the classic "small random weights".
    public static let smallNormal = Initializer.normal(mean: 0, std: 0.01)

    /// Standard deviation of N(0, 1) truncated to [−2, 2] (Keras's constant).
    public static let truncatedNormalStd = 0.87962566103423978

    /// Checks the parameters of `normal` and `uniform`.
    /// - Throws: `ConfigurationError` for a negative or non-finite std, or low ≥ high.
    public func validate() throws {
        switch self {
        case .constant(let v):
            guard v.isFinite else {
                throw ConfigurationError("Initializer.constant: value must be finite, got \(v)")
            }
        case .normal(let mean, let std):
            guard mean.isFinite else {
                throw ConfigurationError("Initializer.normal: mean must be finite, got \(mean)")
            }
            try Validate.nonNegative(std, "std", in: "Initializer.normal")
        case .uniform(let low, let high):
            guard low.isFinite, high.isFinite, low < high else {
                throw ConfigurationError("Initializer.uniform: needs finite low < high, got low \(low), high \(high)")
            }
        default: break
        }
    }

    /// `count` initial values for a parameter with the given fans (see `Fans`).
    /// Precondition: the parameters are valid (`validate()`), and the fans the rule divides
    /// by are positive.
    public func values(count: Int, fanIn: Int, fanOut: Int, using rng: inout SplitMix64) -> [Float] {
        do { try validate() } catch { preconditionFailure("\(error)") }
        switch self {
        case .zeros:
            return [Float](repeating: 0, count: count)
        case .constant(let v):
            return [Float](repeating: v, count: count)
        case .normal(let mean, let std):
            return (0..<count).map { _ in mean + std * rng.nextNormal() }
        case .uniform(let low, let high):
            return Self.uniform(count, low: low, high: high, using: &rng)
        case .glorotUniform, .heUniform, .lecunUniform:
            let limit = (3 * varianceScale(fanIn: fanIn, fanOut: fanOut)).squareRoot()
            return Self.uniform(count, low: Float(-limit), high: Float(limit), using: &rng)
        case .glorotNormal, .heNormal, .lecunNormal:
            let std = varianceScale(fanIn: fanIn, fanOut: fanOut).squareRoot()
            return Self.truncatedNormal(count, std: std, using: &rng)
        }
    }

    /// Values for a weight of `shape`, with fans from `Fans(weightShape:)`.
    public func values(shape: Shape, using rng: inout SplitMix64) -> [Float] {
        let fans = Fans(weightShape: shape)
        return values(count: shape.count, fanIn: fans.fanIn, fanOut: fans.fanOut, using: &rng)
    }

    // MARK: Draws

    /// Keras's scale / n: the variance of the normal forms, a²/3 for the uniform ones.
    /// glorot: 1 / ((fanIn + fanOut) / 2);  he: 2 / fanIn;  lecun: 1 / fanIn.
    private func varianceScale(fanIn: Int, fanOut: Int) -> Double {
        precondition(fanIn > 0 && fanOut > 0, "\(self) needs positive fans, got fanIn \(fanIn), fanOut \(fanOut)")
        switch self {
        case .glorotUniform, .glorotNormal: return 2 / Double(fanIn + fanOut)
        case .heUniform, .heNormal: return 2 / Double(fanIn)
        default: return 1 / Double(fanIn)
        }
    }

    /// low + (high − low)·u, u uniform in [0, 1) with 24 random bits, computed in Double.
    private static func uniform(_ count: Int, low: Float, high: Float, using rng: inout SplitMix64) -> [Float] {
        let lo = Double(low), width = Double(high) - Double(low)
        return (0..<count).map { _ in Float(lo + width * Double(rng.nextUniform())) }
    }

    /// z·σ with z ~ N(0, 1) redrawn until |z| ≤ 2 and σ = std / `truncatedNormalStd`.
    private static func truncatedNormal(_ count: Int, std: Double, using rng: inout SplitMix64) -> [Float] {
        let sigma = std / truncatedNormalStd
        return (0..<count).map { _ in
            var z = rng.nextNormal()
            while abs(z) > 2 { z = rng.nextNormal() }
            return Float(Double(z) * sigma)
        }
    }
}

/// The fan-in and fan-out of a weight, the sizes variance-scaling initialisers divide by.
/// Kiln stores dense weights as [out, in] and convolution filters as OIHW, so:
///
///     rank ≥ 2  [O, I, k…]: receptive = Π k…,  fanIn = I·receptive,  fanOut = O·receptive
///               (dense [out, in]: fanIn = in, fanOut = out; conv: fanIn = I·KH·KW, fanOut = O·KH·KW)
///     rank 1    [n]:        fanIn = fanOut = n
///     rank 0    []:         fanIn = fanOut = 1
///
/// (Keras's layouts are [in, out] and HWIO; the fans agree.)
public struct Fans: Hashable, Sendable {
    public var fanIn: Int
    public var fanOut: Int

    public init(fanIn: Int, fanOut: Int) {
        self.fanIn = fanIn
        self.fanOut = fanOut
    }

    public init(weightShape shape: Shape) {
        switch shape.rank {
        case 0:
            self.init(fanIn: 1, fanOut: 1)
        case 1:
            self.init(fanIn: shape[0], fanOut: shape[0])
        default:
            let receptive = shape.dims.dropFirst(2).reduce(1, *)
            self.init(fanIn: shape[1] * receptive, fanOut: shape[0] * receptive)
        }
    }
}
