/// The model-file spelling of the settings layers share: activations, initializers,
/// padding, residual shortcuts. Each has a reader (with the JSON path in its errors) and a
/// writer, side by side, so the two cannot drift apart.
///
///     activation    "linear" | "relu" | "sigmoid" | "tanh" | "softmax" | "leaky_relu"
///                   | {"name": "leaky_relu", "alpha": 0.1}
///     initializer   "zeros" | "glorotUniform" | "glorotNormal" | "heUniform" | "heNormal"
///                   | "lecunUniform" | "lecunNormal" | {"name": "constant", "value": v}
///                   | {"name": "normal", "mean": m, "std": s} | {"name": "uniform", "low": a, "high": b}
///     padding       "valid" | "same" | [top, left, bottom, right]
extension JSONFields {
    static let activations: [String: ActivationFunction] = [
        "linear": .linear, "relu": .relu, "sigmoid": .sigmoid, "tanh": .tanh, "softmax": .softmax, "leaky_relu": .leakyReLU,
    ]

    mutating func activation(_ key: String, default d: ActivationFunction = .linear) throws -> ActivationFunction {
        guard let v = value(key) else { return d }
        if case .object = v {
            var f = try JSONFields(v, path: at(key))
            let name = try f.string("name", default: "")
            guard name == "leaky_relu" else { throw f.error("name", "expected \"leaky_relu\" (the activation with a setting)") }
            let alpha = try f.float("alpha", default: 0.01)
            try f.finish("leaky_relu")
            return .leakyReLU(alpha: alpha)
        }
        let s = try Self.string(v, at: at(key))
        guard let f = Self.activations[s] else {
            throw error(key, "unknown activation \"\(s)\"; expected one of \(Self.activations.keys.sorted().joined(separator: ", "))")
        }
        return f
    }

    static func write(_ f: ActivationFunction) -> JSONValue {
        if case .leakyReLU(let alpha) = f { return .object([("name", .string("leaky_relu")), ("alpha", .float(alpha))]) }
        return .string(activations.first { $0.value == f }!.key)
    }

    static let initializers: [String: Initializer] = [
        "zeros": .zeros, "glorotUniform": .glorotUniform, "glorotNormal": .glorotNormal, "heUniform": .heUniform,
        "heNormal": .heNormal, "lecunUniform": .lecunUniform, "lecunNormal": .lecunNormal,
    ]

    mutating func initializer(_ key: String, default d: Initializer) throws -> Initializer {
        guard let v = value(key) else { return d }
        guard case .object = v else {
            let s = try Self.string(v, at: at(key))
            guard let i = Self.initializers[s] else {
                throw error(key, "unknown initializer \"\(s)\"; expected one of \((Self.initializers.keys.sorted() + ["{\"name\": \"constant\"|\"normal\"|\"uniform\", …}"]).joined(separator: ", "))")
            }
            return i
        }
        var f = try JSONFields(v, path: at(key))
        let name = try f.string("name", default: "")
        let i: Initializer
        switch name {
        case "constant": i = .constant(try f.float("value"))
        case "normal": i = .normal(mean: try f.float("mean", default: 0), std: try f.float("std"))
        case "uniform": i = .uniform(low: try f.float("low"), high: try f.float("high"))
        default: throw f.error("name", "expected \"constant\", \"normal\" or \"uniform\"")
        }
        try f.finish(name)
        do { try i.validate() } catch { throw self.error(key, "\(error)") }
        return i
    }

    static func write(_ i: Initializer) -> JSONValue {
        switch i {
        case .constant(let v): .object([("name", .string("constant")), ("value", .float(v))])
        case .normal(let m, let s): .object([("name", .string("normal")), ("mean", .float(m)), ("std", .float(s))])
        case .uniform(let l, let h): .object([("name", .string("uniform")), ("low", .float(l)), ("high", .float(h))])
        default: .string(initializers.first { $0.value == i }!.key)
        }
    }

    mutating func padding(_ key: String) throws -> Padding {
        guard let v = value(key) else { return .valid }
        if case .array(let items) = v {
            guard items.count == 4 else { throw error(key, "expected \"valid\", \"same\" or [top, left, bottom, right]") }
            let n = try items.indices.map { try Self.int(items[$0], at: "\(at(key))[\($0)]") }
            return .explicit(top: n[0], left: n[1], bottom: n[2], right: n[3])
        }
        return try choice(key, ["valid": Padding.valid, "same": .same], default: .valid)
    }

    static func write(_ p: Padding) -> JSONValue {
        switch p {
        case .valid: .string("valid")
        case .same: .string("same")
        case .explicit(let t, let l, let b, let r): .ints([t, l, b, r])
        }
    }

    static let shortcuts: [String: Residual.Shortcut] = ["automatic": .automatic, "identity": .identity, "projection": .projection]
}
