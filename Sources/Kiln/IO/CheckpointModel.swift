import Foundation

extension Checkpoint {
    /// The model a checkpoint holds, rebuilt (not compiled) from its stored model file, or
    /// from its zoo name for checkpoints saved before model files existed. Then `compile`
    /// and `load(into:from:)` it.
    public static func model(at url: URL) throws -> Sequential {
        try model(described: try description(at: url), path: url.path)
    }

    /// The model of a validated description (`validatedDescription(of:path:)`); errors name
    /// `path`. The stored model file is untrusted text like any model file, and the model it
    /// builds must have the input and output shapes the description states (the weights and
    /// the normaliser were checked against those).
    static func model(described d: ModelDescription, path: String) throws(CheckpointError) -> Sequential {
        if let text = d.modelFile {
            let model: Sequential
            do { model = try ModelFile(parsing: text).build() } catch {
                throw CheckpointError("\(path): its model description cannot be rebuilt: \(error)")
            }
            guard model.inputShape.dims == d.input, model.outputShape.dims == d.output else {
                throw CheckpointError("\(path): its stored model file builds a model \(model.inputShape) → \(model.outputShape), "
                                      + "but its description says \(d.input) → \(d.output)")
            }
            return model
        }
        guard let name = d.name else {
            throw CheckpointError("\(path) holds a model without a stored description; rebuild it in Swift and use Checkpoint.load(into:from:)")
        }
        guard ModelZoo.names.contains(name) else {
            throw CheckpointError("\(path): unknown model '\(name)' in its metadata; this kiln knows "
                                  + ModelZoo.names.joined(separator: ", "))
        }
        do { return try ModelZoo.make(name, input: Shape(d.input), classes: d.output.reduce(1, *)) } catch {
            throw CheckpointError("\(path): cannot build its model \(name) for input \(Shape(d.input)): \(error)")
        }
    }
}
