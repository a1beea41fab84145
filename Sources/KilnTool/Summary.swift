import ArgumentParser
import Kiln

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a model's layers, output shapes and parameter counts.")

    @OptionGroup var options: ModelOptions

    mutating func run() throws {
        try runReportingErrors {
            print(try options.make().summary(), terminator: "")
        }
    }
}
