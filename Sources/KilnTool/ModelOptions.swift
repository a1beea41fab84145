import ArgumentParser
import Foundation
import Kiln

/// `--model`, `--input`, `--classes`: which zoo model, for which sample shape (summary,
/// bench and tune; train takes the shape from its data).
struct ModelOptions: ParsableArguments {
    @Option(help: "Model: \(ModelZoo.names.joined(separator: ", ")).")
    var model: String = "simple-cnn"

    @Option(help: "Per-sample input shape, e.g. 1,28,28 or 3,32,32.")
    var input: String = "1,28,28"

    @Option(help: "Number of classes.")
    var classes: Int = 10

    @Option(name: .customLong("model-file"), help: "A JSON model file (see kiln summary --json) instead of --model; it fixes the input shape and classes.")
    var modelFile: String?

    func validate() throws {
        guard ModelZoo.names.contains(model) else {
            throw ValidationError("unknown model '\(model)'; available: \(ModelZoo.names.joined(separator: ", "))")
        }
        // A model file is read in `run`, where its errors are reported as every other error is.
        if modelFile == nil { _ = try inputShape() }
        guard classes >= 2, classes <= ShapeLimits.maxOutputs else {
            throw ValidationError("--classes must be in 2...\(ShapeLimits.maxOutputs), got \(classes)")
        }
    }

    /// The parsed `--input`, or the model file's input.
    func inputShape() throws -> Shape {
        if let file = try loadedFile() { return Shape(file.input) }
        let dims = input.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !dims.isEmpty, dims.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--input must be positive integers separated by commas, got '\(input)'")
        }
        if let problem = ShapeLimits.inputProblem(dims.map { $0! }) {
            throw ValidationError("--input \(input) is too large (\(problem))")
        }
        return Shape(dims.map { $0! })
    }

    /// The model, built (not compiled).
    func make() throws -> Sequential {
        if let file = try loadedFile(), let modelFile { return try file.build(describedIn: URL(fileURLWithPath: modelFile)) }
        return try ModelZoo.make(model, input: try inputShape(), classes: classes)
    }

    /// The number of classes: `--classes`, or the model file's outputs.
    func classCount() throws -> Int { modelFile == nil ? classes : try make().outputShape.count }

    /// What the model is called in reports: the zoo name or the model file's path.
    var label: String { modelFile ?? model }

    /// The model file, read (errors name the JSON path of the fault); nil without --model-file.
    func loadedFile() throws -> ModelFile? {
        try modelFile.map { try ModelFile(contentsOf: URL(fileURLWithPath: $0)) }
    }
}
