import Foundation

extension Checkpoint {
    /// The model a checkpoint holds, rebuilt (not compiled) from its stored model file, or
    /// from its zoo name for checkpoints saved before model files existed. Then `compile`
    /// and `load(into:from:)` it.
    public static func model(at url: URL) throws -> Sequential {
        let d = try description(at: url)
        if let text = d.modelFile {
            do { return try ModelFile(parsing: text).build() } catch {
                throw CheckpointError("\(url.path): its model description cannot be rebuilt: \(error)")
            }
        }
        guard let name = d.name else {
            throw CheckpointError("\(url.path) holds a model without a stored description; rebuild it in Swift and use Checkpoint.load(into:from:)")
        }
        guard ModelZoo.names.contains(name) else {
            throw CheckpointError("\(url.path): unknown model '\(name)' in its metadata; this kiln knows "
                                  + ModelZoo.names.joined(separator: ", "))
        }
        do { return try ModelZoo.make(name, input: Shape(d.input), classes: d.output.reduce(1, *)) } catch {
            throw CheckpointError("\(url.path): cannot build its model \(name) for input \(Shape(d.input)): \(error)")
        }
    }
}
