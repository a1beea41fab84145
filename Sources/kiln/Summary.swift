import ArgumentParser
import Foundation
import Kiln

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a model's layers, output shapes and parameter counts.")

    @Option(help: "Model: \(ModelZoo.names.joined(separator: ", ")).")
    var model: String = "simple-cnn"

    @Option(help: "Per-sample input shape, e.g. 1,28,28 or 3,32,32.")
    var input: String = "1,28,28"

    @Option(help: "Number of classes.")
    var classes: Int = 10

    mutating func run() throws {
        try runReportingErrors {
            let dims = input.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !dims.isEmpty, dims.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ValidationError("--input must be positive integers separated by commas, got '\(input)'")
            }
            guard classes >= 2 else { throw ValidationError("--classes must be at least 2, got \(classes)") }
            print(try ModelZoo.make(model, input: Shape(dims.map { $0! }), classes: classes).summary(), terminator: "")
        }
    }
}
