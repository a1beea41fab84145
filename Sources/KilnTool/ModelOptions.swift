import ArgumentParser
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

    func validate() throws {
        guard ModelZoo.names.contains(model) else {
            throw ValidationError("unknown model '\(model)'; available: \(ModelZoo.names.joined(separator: ", "))")
        }
        _ = try inputShape()
        guard classes >= 2, classes <= ShapeLimits.maxOutputs else {
            throw ValidationError("--classes must be in 2...\(ShapeLimits.maxOutputs), got \(classes)")
        }
    }

    /// The parsed `--input`.
    func inputShape() throws -> Shape {
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
        try ModelZoo.make(model, input: try inputShape(), classes: classes)
    }
}
