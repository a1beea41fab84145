import Foundation

/// A model described in JSON, as Keras's `model.to_json()`: the input shape, the layer list
/// with each layer's settings (`LayerKind` lists them), and optionally the class names.
///
///     {
///       "format": "kiln-model-1",
///       "name": "small-resnet",
///       "input": [1, 28, 28],
///       "classes": ["T-shirt/top", "Trouser", …],
///       "layers": [
///         {"type": "Conv2D", "filters": 8, "kernelSize": 3, "padding": "same", "activation": "relu"},
///         {"type": "Residual", "activation": "relu", "layers": [
///           {"type": "Conv2D", "filters": 8, "kernelSize": 3, "padding": "same", "useBias": false},
///           {"type": "BatchNorm"}
///         ]},
///         {"type": "Flatten"},
///         {"type": "Dense", "units": 10}
///       ]
///     }
///
/// `kiln train --model-file`, `kiln summary --model-file` and `kiln bench --model-file` read
/// it; checkpoints store it, so `kiln eval` and `kiln predict` rebuild any model; `kiln
/// summary --model NAME --json` writes a zoo model as one. Errors name the JSON path of the
/// fault ("layers[3].kernelSize: expected an integer").
public struct ModelFile: Sendable, Equatable {
    public static let format = "kiln-model-1"
    /// The largest model file (or model description in a checkpoint) Kiln reads: a
    /// ResNet-50's is ~20 KiB; 4 MiB of JSON is tens of thousands of layers, and parses in
    /// seconds rather than minutes.
    public static let maxBytes = 4 << 20

    public var name: String?
    public var input: [Int]
    public var classNames: [String]?
    /// The layer list as written (kept as JSON, so the file round-trips exactly).
    public var layers: JSONValue

    /// Reads a model file's text. The layers are checked by `build()`.
    public init(parsing text: String) throws {
        guard text.utf8.count <= Self.maxBytes else {
            throw ModelFileError(path: "", message: "the model description is \(ByteCount(text.utf8.count)), larger than the \(ByteCount(Self.maxBytes)) limit")
        }
        var f = try JSONFields(try JSONValue.parse(text), path: "")
        let format = try f.string("format", default: Self.format)
        guard format == Self.format else { throw f.error("format", "expected \"\(Self.format)\", got \"\(format)\"") }
        let name = try f.value("name").map { try JSONFields.string($0, at: "name") }
        let input = try JSONFields.array(try f.required("input", "the per-sample input shape, e.g. [1, 28, 28]"), at: "input",
                                         "the per-sample input shape, e.g. [1, 28, 28]")
        let dims = try input.indices.map { try JSONFields.int(input[$0], at: "input[\($0)]") }
        guard !dims.isEmpty, dims.allSatisfy({ $0 > 0 }) else { throw f.error("input", "expected positive integers, e.g. [1, 28, 28]") }
        if let problem = ShapeLimits.inputProblem(dims) { throw f.error("input", "\(dims) is too large (\(problem))") }
        var classNames: [String]?
        if let c = f.value("classes") {
            let items = try JSONFields.array(c, at: "classes", "a list of class names")
            classNames = try items.indices.map { try JSONFields.string(items[$0], at: "classes[\($0)]") }
        }
        let layers = try f.required("layers", "a list of layers")
        _ = try JSONFields.array(layers, at: "layers", "a list of layers")
        try f.finish("a model file")
        self.init(name: name, input: dims, classNames: classNames, layers: layers)
    }

    public init(name: String?, input: [Int], classNames: [String]?, layers: JSONValue) {
        self.name = name; self.input = input; self.classNames = classNames; self.layers = layers
    }

    /// Reads the file at `url` (a regular file of at most `maxBytes`, UTF-8); errors start
    /// with its path.
    public init(contentsOf url: URL) throws {
        let bytes: [UInt8]
        do { bytes = try InputFile.readAll(url.path, maxBytes: Self.maxBytes) } catch {
            throw ModelFileError(path: "", message: "\(error)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ModelFileError(path: "", message: "\(url.path): not UTF-8 text (a model file is JSON in UTF-8)")
        }
        do { try self.init(parsing: text) } catch let e as ModelFileError {
            throw ModelFileError(path: "", message: "\(url.path): \(e)")
        }
    }

    /// The description of a built model (every layer must be one `LayerKind` knows).
    public init(_ model: Sequential) throws {
        var layers: [JSONValue] = []
        for (i, l) in model.layers.enumerated() {
            guard let v = Self.write(l) else {
                throw ModelFileError(path: "layers[\(i)]", message: "\(l.typeName) cannot be written to a model file")
            }
            layers.append(v)
        }
        self.init(name: model.name, input: model.inputShape.dims, classNames: model.classNames, layers: .array(layers))
    }

    /// The model, built (not compiled). Shape errors from the layers say which layer.
    public func build() throws -> Sequential {
        let layers = try Self.read(layers, path: "layers")
        let model = try Sequential(input: Shape(input)) { layers }
        if let classNames, classNames.count != model.outputShape.count {
            throw ModelFileError(path: "classes", message: "\(classNames.count) names, but the model gives \(model.outputShape.count) outputs")
        }
        model.name = name
        model.classNames = classNames
        return model
    }

    /// `build()` for the model read from `url`: errors start with its path, as
    /// `init(contentsOf:)`'s do.
    public func build(describedIn url: URL) throws -> Sequential {
        do { return try build() } catch { throw ModelFileError(path: "", message: "\(url.path): \(error)") }
    }

    /// The file's text: two-space indentation, one line per layer.
    public var text: String {
        var pairs: [(String, JSONValue)] = [("format", .string(Self.format))]
        if let name { pairs.append(("name", .string(name))) }
        pairs.append(("input", .ints(input)))
        if let classNames { pairs.append(("classes", .array(classNames.map(JSONValue.string)))) }
        pairs.append(("layers", layers))
        return JSONValue.object(pairs).text() + "\n"
    }

    static func read(_ list: JSONValue, path: String) throws -> [any Layer] {
        let items = try JSONFields.array(list, at: path, "a list of layers")
        return try items.indices.map { i in
            var f = try JSONFields(items[i], path: "\(path)[\(i)]")
            guard let v = f.value("type") else { throw f.error("type", "missing (expected one of \(Self.typeList))") }
            let type = try JSONFields.string(v, at: f.at("type"))
            guard let kind = LayerKind.byType[type] else {
                throw f.error("type", "unknown layer type \"\(type)\"; expected one of \(Self.typeList)")
            }
            let layer: any Layer
            do { layer = try kind.read(&f, read) } catch let e as ModelFileError { throw e } catch {
                throw ModelFileError(path: f.path, message: "\(error)")  // the layer's own check, e.g. a rate ≥ 1
            }
            try f.finish(type)
            return layer
        }
    }

    static func write(_ layer: any Layer) -> JSONValue? {
        for kind in LayerKind.all {
            if let settings = kind.write(layer) { return .object([("type", .string(kind.type))] + settings) }
        }
        return nil
    }

    private static var typeList: String { LayerKind.all.map(\.type).joined(separator: ", ") }
}

extension ModelFile {
    /// The same model without layers of `type`, at any depth (`kiln train --overfit` drops
    /// "Dropout"; such layers hold no parameters, so the rest keeps its names and shapes).
    public func removingLayers(ofType type: String) -> ModelFile {
        var copy = self
        copy.layers = Self.filter(layers, removing: type)
        return copy
    }

    /// How many layers of `type` the model has, at any depth.
    public func layerCount(ofType type: String) -> Int { Self.count(layers, type) }

    private static func filter(_ v: JSONValue, removing type: String) -> JSONValue {
        switch v {
        case .array(let items):
            return .array(items.filter { !isLayer($0, of: type) }.map { filter($0, removing: type) })
        case .object(let pairs):
            return .object(pairs.map { ($0.0, $0.0 == "layers" ? filter($0.1, removing: type) : $0.1) })
        default: return v
        }
    }

    private static func count(_ v: JSONValue, _ type: String) -> Int {
        switch v {
        case .array(let items): return items.reduce(0) { $0 + (isLayer($1, of: type) ? 1 : 0) + count($1, type) }
        case .object(let pairs): return pairs.reduce(0) { $0 + ($1.0 == "layers" ? count($1.1, type) : 0) }
        default: return 0
        }
    }

    private static func isLayer(_ v: JSONValue, of type: String) -> Bool {
        if case .object(let pairs) = v { return pairs.contains { $0.0 == "type" && $0.1 == .string(type) } }
        return false
    }
}
