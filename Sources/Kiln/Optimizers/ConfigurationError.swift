import Foundation

/// A setting that cannot work (a negative learning rate, an unknown optimizer name, a metric
/// that is never reported), found before or at the start of training. The message is one
/// line that names the parameter and the value given.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible, LocalizedError {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
    public var errorDescription: String? { message }
}

/// The range checks configurations share, each throwing a `ConfigurationError` such as
/// "Adam: beta1 must be in [0, 1), got 1.0".
enum Validate {
    static func positive(_ value: Float, _ name: String, in owner: String) throws {
        guard value.isFinite, value > 0 else { throw failure(owner, name, value, "must be positive and finite") }
    }

    static func nonNegative(_ value: Float, _ name: String, in owner: String) throws {
        guard value.isFinite, value >= 0 else { throw failure(owner, name, value, "must be finite and ≥ 0") }
    }

    static func nonNegative(_ value: Double, _ name: String, in owner: String) throws {
        guard value.isFinite, value >= 0 else { throw failure(owner, name, value, "must be finite and ≥ 0") }
    }

    static func nonNegative(_ value: Int, _ name: String, in owner: String) throws {
        guard value >= 0 else { throw failure(owner, name, value, "must be ≥ 0") }
    }

    static func positive(_ value: Int, _ name: String, in owner: String) throws {
        guard value > 0 else { throw failure(owner, name, value, "must be ≥ 1") }
    }

    /// 0 ≤ value < 1: momenta, moving-average decays.
    static func unitInterval(_ value: Float, _ name: String, in owner: String) throws {
        guard value >= 0, value < 1 else { throw failure(owner, name, value, "must be in [0, 1)") }
    }

    static func failure(_ owner: String, _ name: String, _ value: Any, _ requirement: String) -> ConfigurationError {
        ConfigurationError("\(owner): \(name) \(requirement), got \(value)")
    }
}
