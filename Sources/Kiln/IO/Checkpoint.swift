import Foundation

/// A trained model on disk: safetensors with one tensor per parameter and buffer, named as
/// PyTorch's `state_dict` names them for the same layer list ("0.weight", "0.bias",
/// "4.running_mean" …; conv weights OIHW, dense weights [out, in]), plus metadata:
///
///     format      "kiln-checkpoint-1"
///     model       JSON: input shape, output shape, layer list, the model file (`ModelFile`)
///     normalizer  JSON of the `Normalizer` (absent when the model has none)
///     training    JSON: optimizer, learning rate, step, seed
///
/// Layer indices count Kiln layers: an activation fused into Conv2D/Dense takes no index
/// (PyTorch's `nn.Sequential` gives `nn.ReLU` one). A checkpoint saved after `fit` also
/// holds the resume state (`resume` metadata, `optimizer.*` tensors; see `ResumeState`).
/// PyTorch's batch-norm `num_batches_tracked` is not stored.
public enum Checkpoint {
    public static let format = "kiln-checkpoint-1"

    public struct ModelDescription: Codable, Equatable, Sendable {
        /// The model-zoo name, when the model came from `ModelZoo`.
        public var name: String?
        public var input: [Int]
        public var output: [Int]
        public var layers: [String]
        /// The model file (`ModelFile.text`), from which any model is rebuilt; nil for a
        /// model with a layer that model files do not know.
        public var modelFile: String?

        /// Same layers and shapes (the zoo name aside: a zoo model saved as a file is the same).
        public func sameArchitecture(as other: ModelDescription) -> Bool {
            input == other.input && output == other.output && layers == other.layers
        }

        /// "model simple-cnn [1, 28, 28] → [10], 8 layers" for messages.
        public var summary: String {
            "\(name.map { "model \($0)" } ?? "a custom model") \(input) → \(output), \(layers.count) layers"
        }
    }

    struct TrainingState: Codable {
        var optimizer: String
        var learningRate: Float
        var step: UInt64
        var seed: UInt64
    }

    public static func describe(_ model: Sequential) -> ModelDescription {
        ModelDescription(name: model.name, input: model.inputShape.dims, output: model.outputShape.dims,
                         layers: model.layers.map { "\($0.typeName)(\($0.configuration))" },
                         modelFile: try? ModelFile(model).text)
    }

    /// Writes the model atomically (temporary file, then rename): a crash never leaves a
    /// half-written checkpoint at `url`. After `fit`, the run's resume state (optimizer
    /// moments, step, epoch, callbacks; `CheckpointResume.swift`) goes in too, unless
    /// `includeResumeState` is false.
    public static func save(_ model: Sequential, to url: URL, includeResumeState: Bool = true) throws {
        let state = try model.requireCompiled()
        let w = try model.weights()
        var tensors: [SafeTensorsFile.Entry] = []
        for e in state.parameters.entries {
            tensors.append(.init(name: e.name, shape: e.shape.dims, values: Array(w.parameters[e.offset..<e.offset + e.shape.count])))
        }
        for e in state.buffers.entries {
            tensors.append(.init(name: e.name, shape: e.shape.dims, values: Array(w.buffers[e.offset..<e.offset + e.shape.count])))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ v: T) throws -> String { String(decoding: try encoder.encode(v), as: UTF8.self) }
        var metadata = [
            "format": format,
            "model": try json(describe(model)),
            "training": try json(TrainingState(optimizer: state.optimizer.description, learningRate: state.learningRate,
                                               step: state.step, seed: state.seed)),
        ]
        if let n = model.normalizer { metadata["normalizer"] = try json(n) }
        if includeResumeState, let r = try model.resumeState() {
            let (extra, text) = try encode(r)
            tensors += extra
            metadata[resumeKey] = text
        }
        try SafeTensorsFile(tensors: tensors, metadata: metadata).write(to: url)
    }

    /// The model description stored in a checkpoint (to rebuild the model before `load`),
    /// checked as strictly as `kiln`'s flags (see `validatedDescription(of:path:)`).
    public static func description(at url: URL) throws -> ModelDescription {
        try validatedDescription(of: SafeTensorsFile.read(from: url), path: url.path)
    }

    /// The description in `file`'s metadata, refused (naming `path`) unless it is a Kiln
    /// checkpoint whose input and output shapes are within `ShapeLimits` and whose layer list
    /// is not empty.
    static func validatedDescription(of file: SafeTensorsFile, path: String) throws(CheckpointError) -> ModelDescription {
        guard file.metadata["format"] == format, let text = file.metadata["model"] else {
            throw CheckpointError("\(path): not a Kiln checkpoint (no model description in its metadata)")
        }
        let d: ModelDescription
        do { d = try JSONDecoder().decode(ModelDescription.self, from: Data(text.utf8)) } catch {
            throw CheckpointError("\(path): the model description in its metadata is not valid: \(DecodingProblem.text(error))")
        }
        if let problem = ShapeLimits.inputProblem(d.input) {
            throw CheckpointError("\(path): the model's input shape \(d.input) is not valid (\(problem))")
        }
        if let problem = ShapeLimits.outputProblem(d.output) {
            throw CheckpointError("\(path): the model's output shape \(d.output) is not valid (\(problem))")
        }
        guard !d.layers.isEmpty else { throw CheckpointError("\(path): the model description lists no layers") }
        return d
    }

    /// Throws for the first tensor holding a NaN or an infinity, naming it: such weights make
    /// every prediction meaningless, so loading them is an error unless asked for explicitly.
    static func checkFinite(_ file: SafeTensorsFile, path: String) throws(CheckpointError) {
        for t in file.tensors {
            guard let index = t.values.firstIndex(where: { !$0.isFinite }) else { continue }
            let bad = t.values.lazy.filter { !$0.isFinite }.count
            throw CheckpointError("\(path): tensor \(JSONText.quoted(t.name)) holds \(t.values[index]) at index \(index) "
                                  + "(\(bad) of \(t.values.count) values are not finite); the weights are damaged "
                                  + "(kiln: --allow-non-finite loads them anyway)")
        }
    }

    /// Loads weights, running statistics and the normaliser into a compiled model built
    /// the same way. Any missing, extra or differently shaped tensor is an error that lists
    /// the differences, and the model is left unchanged. So is a tensor holding NaN or
    /// infinity (unless `allowNonFinite`), and a normaliser whose sample shape is not the
    /// model's input shape.
    public static func load(into model: Sequential, from url: URL, allowNonFinite: Bool = false) throws {
        let state = try model.requireCompiled()
        let file = try SafeTensorsFile.read(from: url)
        guard file.metadata["format"] == format else {
            throw CheckpointError("\(url.path): not a Kiln checkpoint (metadata format is \(file.metadata["format"].map { "'\($0)'" } ?? "missing"))")
        }
        if !allowNonFinite { try checkFinite(file, path: url.path) }
        let byName = Dictionary(file.tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let expected = state.parameters.entries + state.buffers.entries
        var problems: [String] = []
        for e in expected {
            guard let t = byName[e.name] else { problems.append("missing \(e.name) \(e.shape)"); continue }
            if t.shape != e.shape.dims { problems.append("\(e.name) is \(Shape(t.shape)) in the file, \(e.shape) in the model") }
        }
        let known = Set(expected.map(\.name))
        problems += file.tensors.filter { !known.contains($0.name) && !isResumeTensor($0.name) }.map { "unexpected \($0.name) \(Shape($0.shape))" }
        guard problems.isEmpty else {
            throw CheckpointError("\(url.path) does not match the model: " + problems.prefix(8).joined(separator: "; ")
                                  + (problems.count > 8 ? "; and \(problems.count - 8) more" : ""))
        }
        var normalizer: Normalizer? = nil
        if let text = file.metadata["normalizer"] {
            do { normalizer = try JSONDecoder().decode(Normalizer.self, from: Data(text.utf8)) } catch {
                throw CheckpointError("\(url.path): the normalizer metadata is not valid: \(DecodingProblem.text(error))")
            }
            if let n = normalizer, n.sampleShape != model.inputShape {
                throw CheckpointError("\(url.path): the normalizer is for samples of \(n.sampleShape) "
                                      + "but the model's input is \(model.inputShape)")
            }
        }
        var w = WeightSnapshot(parameters: [Float](repeating: 0, count: state.parameters.count),
                               buffers: [Float](repeating: 0, count: state.buffers.count))
        for e in state.parameters.entries { w.parameters.replaceSubrange(e.offset..<e.offset + e.shape.count, with: byName[e.name]!.values) }
        for e in state.buffers.entries { w.buffers.replaceSubrange(e.offset..<e.offset + e.shape.count, with: byName[e.name]!.values) }
        try model.setWeights(w)
        model.normalizer = normalizer
        if let text = (try? description(at: url))?.modelFile, let names = (try? ModelFile(parsing: text))?.classNames {
            model.classNames = names
        }
        if let text = file.metadata["training"],
           let t = try? JSONDecoder().decode(TrainingState.self, from: Data(text.utf8)) {
            state.step = t.step
        }
    }
}

/// A checkpoint that cannot be read into the model; the message names the file.
public struct CheckpointError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
