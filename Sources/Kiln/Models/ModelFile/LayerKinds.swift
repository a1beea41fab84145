/// Every layer a model file can hold: one entry per kind, with its reader and its writer.
/// A new layer is one more entry here (and a case in `ModelFileTests`, which checks that
/// every zoo model survives export and re-import).
///
///     {"type": "Conv2D", "filters": 32, "kernelSize": 3, "strides": 1, "padding": "same",
///      "activation": "relu", "useBias": true, "kernelInitializer": "glorotUniform",
///      "biasInitializer": "zeros"}
///
/// Settings left out take the layer's Swift defaults; sizes are an integer or [height, width].
struct LayerKind: Sendable {
    let type: String
    /// Builds the layer from its settings; `nested` reads a layer list (for Residual).
    let read: @Sendable (_ f: inout JSONFields, _ nested: (JSONValue, String) throws -> [any Layer]) throws -> any Layer
    /// The settings of `layer` if it is of this kind, else nil.
    let write: @Sendable (_ layer: any Layer) -> [(String, JSONValue)]?

    static let all: [LayerKind] = [
        LayerKind(type: "Dense", read: { f, _ in
            try Dense(try f.int("units"), activation: try f.activation("activation"), useBias: try f.bool("useBias", default: true),
                  kernelInitializer: try f.initializer("kernelInitializer", default: .glorotUniform),
                  biasInitializer: try f.initializer("biasInitializer", default: .zeros))
        }, write: { l in
            (l as? Dense).map { d in
                [("units", .int(d.units)), ("activation", JSONFields.write(d.activation)), ("useBias", .bool(d.useBias)),
                 ("kernelInitializer", JSONFields.write(d.kernelInitializer)), ("biasInitializer", JSONFields.write(d.biasInitializer))]
            }
        }),
        LayerKind(type: "Conv2D", read: { f, _ in
            try Conv2D(try f.int("filters"), kernelSize: try f.pair("kernelSize", default: nil),
                   strides: try f.pair("strides", default: (1, 1)), padding: try f.padding("padding"),
                   activation: try f.activation("activation"), useBias: try f.bool("useBias", default: true),
                   kernelInitializer: try f.initializer("kernelInitializer", default: .glorotUniform),
                   biasInitializer: try f.initializer("biasInitializer", default: .zeros))
        }, write: { l in
            (l as? Conv2D).map { c in
                [("filters", .int(c.filters)), ("kernelSize", pair(c.kernelSize)), ("strides", pair(c.strides)),
                 ("padding", JSONFields.write(c.padding)), ("activation", JSONFields.write(c.activation)),
                 ("useBias", .bool(c.useBias)), ("kernelInitializer", JSONFields.write(c.kernelInitializer)),
                 ("biasInitializer", JSONFields.write(c.biasInitializer))]
            }
        }),
        pool("MaxPool2D", .max) { try MaxPool2D(poolSize: $0, strides: $1, padding: $2) },
        pool("AvgPool2D", .average) { try AvgPool2D(poolSize: $0, strides: $1, padding: $2) },
        LayerKind(type: "Flatten", read: { _, _ in Flatten() }, write: { l in l is Flatten ? [] : nil }),
        LayerKind(type: "Dropout", read: { f, _ in try Dropout(try f.float("rate")) },
                  write: { l in (l as? Dropout).map { [("rate", .float($0.rate))] } }),
        LayerKind(type: "BatchNorm", read: { f, _ in
            try BatchNorm(runningAverageDecay: try f.float("runningAverageDecay", default: 0.99), epsilon: try f.float("epsilon", default: 1e-3))
        }, write: { l in
            (l as? BatchNorm).map { [("runningAverageDecay", .float($0.parameters.runningAverageDecay)), ("epsilon", .float($0.parameters.epsilon))] }
        }),
        LayerKind(type: "Activation", read: { f, _ in
            guard f.peek("activation") else { throw f.error("activation", "missing (expected an activation name)") }
            return try Activation(try f.activation("activation"))
        }, write: { l in (l as? Activation).map { [("activation", JSONFields.write($0.function))] } }),
        // "shortcut" is "automatic", "identity", "projection" (a 1x1 convolution) or a list of
        // layers (a custom projection, e.g. a strided 1x1 convolution and batch norm).
        LayerKind(type: "Residual", read: { f, nested in
            let activation = try f.activation("activation")
            let body = try nested(try f.required("layers", "a list of layers"), f.at("layers"))
            if let v = f.peek("shortcut") ? f.value("shortcut") : nil, case .array = v {
                let shortcut = try nested(v, f.at("shortcut"))
                return try Residual(activation: activation, { body }, shortcut: { shortcut })
            }
            let shortcut = try f.choice("shortcut", JSONFields.shortcuts, default: .automatic)
            return try Residual(shortcut: shortcut, activation: activation) { body }
        }, write: { l in
            (l as? Residual).map { r in
                let shortcut: JSONValue = r.customShortcut.map { .array($0.compactMap(ModelFile.write)) }
                    ?? .string(JSONFields.shortcuts.first { $0.value == r.shortcutKind }!.key)
                return [("shortcut", shortcut), ("activation", JSONFields.write(r.activation)),
                        ("layers", .array(r.body.layers.compactMap(ModelFile.write)))]
            }
        }),
        LayerKind(type: "LocalResponseNorm", read: { f, _ in
            try LocalResponseNorm(size: try f.int("size"), alpha: try f.float("alpha", default: 1e-4),
                                  beta: try f.float("beta", default: 0.75), k: try f.float("k", default: 1))
        }, write: { l in
            (l as? LocalResponseNorm).map { [("size", .int($0.size)), ("alpha", .float($0.alpha)), ("beta", .float($0.beta)), ("k", .float($0.k))] }
        }),
        LayerKind(type: "GlobalAvgPool2D", read: { _, _ in GlobalAvgPool2D() }, write: { l in l is GlobalAvgPool2D ? [] : nil }),
        LayerKind(type: "GlobalMaxPool2D", read: { _, _ in GlobalMaxPool2D() }, write: { l in l is GlobalMaxPool2D ? [] : nil }),
    ]

    static let byType = Dictionary(uniqueKeysWithValues: all.map { ($0.type, $0) })

    private static func pool(_ type: String, _ kind: Pool2D.Kind,
                             _ make: @escaping @Sendable ((Int, Int), (Int, Int), Padding) throws -> Pool2D) -> LayerKind {
        LayerKind(type: type, read: { f, _ in
            let size = try f.pair("poolSize", default: (2, 2))
            return try make(size, try f.pair("strides", default: size), try f.padding("padding"))
        }, write: { l in
            guard let p = l as? Pool2D, p.kind == kind else { return nil }
            return [("poolSize", pair(p.poolSize)), ("strides", pair(p.strides)), ("padding", JSONFields.write(p.padding))]
        })
    }

    /// A size as one integer when both dimensions agree, else [height, width].
    private static func pair(_ p: (Int, Int)) -> JSONValue { p.0 == p.1 ? .int(p.0) : .ints([p.0, p.1]) }
}
