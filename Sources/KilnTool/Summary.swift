import ArgumentParser
import Foundation
import Kiln

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a model's layers, output shapes and parameter counts.")

    @OptionGroup var options: ModelOptions

    @Flag(help: "Print the model as a JSON model file (for --model-file) instead of the table.")
    var json = false

    mutating func run() throws {
        try runReportingErrors {
            let model = try options.make()
            print(json ? try ModelFile(model).text : model.summary(), terminator: "")
        }
    }
}
